using System.Collections.Concurrent;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Spinnaker;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Spinnaker;

/// <summary>The SDK's action-command port: queued sends, acknowledgements attributed to the cameras, statuses, refusals.</summary>
[Collection("Takes")]
public sealed class SpinnakerActionPortTests
{
    private sealed class Counter : IFrameTarget
    {
        public readonly ConcurrentQueue<long> FrameIds = new();
        public readonly ConcurrentQueue<string> Faults = new();
        public FrameBuffer? TryRent() => new(64 * 48);
        public void Deliver(FrameBuffer frame) => FrameIds.Enqueue(frame.DeviceFrameId);
        public void ReportDropped(long frameIndex, long deviceTimestampNs, long hostReceiveNs) { }
        public void ReportFault(string message, Exception? exception) => Faults.Enqueue(message);
    }

    private static List<ActionAckRecord> Acks(IActionCommandPort port, int expected)
    {
        var acks = new List<ActionAckRecord>();
        var until = DateTime.UtcNow.AddSeconds(5);
        while (acks.Count < expected && DateTime.UtcNow < until)
        {
            if (port.TryTakeAck(out var ack))
                acks.Add(ack);
            else
                Thread.Sleep(2);
        }
        return acks;
    }

    [Fact]
    public void Immediate_FiresEveryCamera_AcksCarryTheRequestIdAndTheCamerasEndpoints_ScheduledOnesSayNoRefTimeOrLate()
    {
        var backend = SpinnakerStandIn.Backend();
        var cameras = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
        var keys = new ActionKeys(0x1234, 0x42, 0x1);
        var targets = cameras.Select(_ => new Counter()).ToList();
        try
        {
            foreach (var c in cameras)
            {
                c.Features.SetBoolean("PtpEnable", false);
                ActionTriggerSetup.ConfigureAction(c, 1000, keys);
            }
            for (int k = 0; k < cameras.Count; k++)
                cameras[k].StartAcquisition(targets[k]);
            Assert.True(cameras[0].HasActionPort);
            using var port = cameras[0].OpenActionPort();
            Assert.Equal("spinSystemSendActionCommand (Spinnaker)", port.Destination);

            long before = SharedTimeline.NowNs();
            ushort id = port.Send(keys.Immediate, acknowledge: true);
            var acks = Acks(port, 2);
            Assert.Equal(2, acks.Count);
            Assert.All(acks, a => Assert.Equal((id, GvcpStatus.Success), (a.AckId, a.Status)));
            Assert.Equal(cameras.Select(c => ActionAckRecord.KeyOf(c.GvcpEndPoint!)).Order(), acks.Select(a => a.SourceKey).Order());
            Assert.All(acks, a => Assert.True(a.ReceivedNs >= before));
            var until = DateTime.UtcNow.AddSeconds(5);
            while (targets.Any(t => t.FrameIds.IsEmpty) && DateTime.UtcNow < until)
                Thread.Sleep(5);
            Assert.All(targets, t => Assert.Single(t.FrameIds));

            // A command for other keys reaches nobody: no acknowledgement.
            port.Send(new ActionCommand(0x9999, 0x42, 0x1), acknowledge: true);
            // Scheduled without PTP: no reference time.
            ushort scheduled = port.Send(keys.ScheduledAt(SharedTimeline.NowNs() + 50_000_000), acknowledge: true);
            var refused = Acks(port, 2);
            Assert.All(refused, a => Assert.Equal((scheduled, GvcpStatus.NoRefTime), (a.AckId, a.Status)));

            // With PTP, an action time in the past is late (and fires at once).
            foreach (var c in cameras)
                Assert.True(Core.Ptp.CameraPtp.Enable(c));
            ushort late = port.Send(keys.ScheduledAt(SharedTimeline.NowNs() - 1_000_000), acknowledge: true);
            Assert.All(Acks(port, 2), a => Assert.Equal((late, GvcpStatus.ActionLate), (a.AckId, a.Status)));

            // Without acknowledgement nothing comes back.
            port.Send(keys.Immediate, acknowledge: false);
            Thread.Sleep(50);
            Assert.False(port.TryTakeAck(out _));
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }
        Assert.All(targets, t => Assert.Empty(t.Faults));
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void ACommandTheSdkRefuses_IsThrownByTheNextSend_WithTheErrorName()
    {
        var backend = SpinnakerStandIn.Backend();
        using (var camera = backend.Open("20000001"))
        using (var port = camera.OpenActionPort())
        {
            SpinnakerStandIn.Fail("spinSystemSendActionCommand", -1010, 1);
            port.Send(new ActionCommand(1, 1, 1), acknowledge: true);
            var sdkPort = Assert.IsType<SpinnakerActionPort>(port);
            var until = DateTime.UtcNow.AddSeconds(5);
            while (sdkPort.Failures == 0 && DateTime.UtcNow < until)
                Thread.Sleep(2);
            var e = Assert.Throws<CameraException>(() => port.Send(new ActionCommand(1, 1, 1), acknowledge: true));
            Assert.Equal(("SPINNAKER_ERR_IO", "spinSystemSendActionCommand"), (Assert.IsType<SpinnakerException>(e.InnerException).ErrorName, ((SpinnakerException)e.InnerException!).Function));
            port.Send(new ActionCommand(1, 1, 1), acknowledge: true); // reported once, then the port works again
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void AUsbCamera_HasNoGvcpEndPointAndNoActionPort()
    {
        var backend = SpinnakerStandIn.Backend();
        SpinnakerStandIn.Usb(0, true);
        try
        {
            using var camera = backend.Open("20000001");
            Assert.Null(camera.GvcpEndPoint);
            Assert.False(camera.HasActionPort);
            Assert.Throws<NotSupportedException>(() => camera.OpenActionPort());
            Assert.Equal("", camera.Info.Address);
        }
        finally
        {
            SpinnakerStandIn.Reset();
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }
}
