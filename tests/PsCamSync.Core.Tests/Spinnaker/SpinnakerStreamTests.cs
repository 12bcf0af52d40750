using System.Collections.Concurrent;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Spinnaker;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Capture;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Spinnaker;

/// <summary>Frames, faults and whole takes from Spinnaker stand-in cameras.</summary>
[Collection("Takes")]
public sealed class SpinnakerStreamTests
{
    private sealed class Collector(int bytes) : IFrameTarget
    {
        public readonly ConcurrentQueue<FrameBuffer> Frames = new();
        public readonly ConcurrentQueue<(string Message, Exception? Exception)> Faults = new();
        public FrameBuffer? TryRent() => new(bytes);
        public void Deliver(FrameBuffer frame) => Frames.Enqueue(frame);
        public void ReportDropped(long frameIndex, long deviceTimestampNs, long hostReceiveNs) => throw new InvalidOperationException("nothing is dropped here");
        public void ReportFault(string message, Exception? exception) => Faults.Enqueue((message, exception));
    }

    private static void WaitFor(Func<bool> done, int ms = 5000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(ms);
        while (!done() && DateTime.UtcNow < until)
            Thread.Sleep(5);
    }

    [Fact]
    public void SoftwareTriggers_GiveFramesWithIdsTimestampsAndPixels_IncompleteOnesZeroFilled_TimeoutsAreNoFault()
    {
        var backend = SpinnakerStandIn.Backend();
        using (var camera = backend.Open("20000002"))
        {
            camera.Features.SetBoolean("PtpEnable", false); // free-running device clock: CLOCK_REALTIME + 2 ms for camera 1
            camera.ConfigureSoftwareTrigger(1000);
            var target = new Collector(camera.FrameBytes);
            SpinnakerStandIn.IncompleteEvery(3);
            SpinnakerStandIn.Timeouts(5);
            long before = SharedTimeline.NowNs();
            camera.StartAcquisition(target);
            for (int i = 0; i < 6; i++)
            {
                camera.Trigger(i);
                Thread.Sleep(10); // longer than exposure + readout (2 ms): no trigger is ignored
            }
            WaitFor(() => target.Frames.Count >= 6);
            camera.StopAcquisition();
            Assert.Empty(target.Faults);
            var frames = target.Frames.ToList();
            Assert.Equal(6, frames.Count);
            var ids = frames.Select(f => f.DeviceFrameId).ToList();
            Assert.Equal(Enumerable.Range((int)ids[0], 6).Select(i => (long)i), ids);
            Assert.All(frames, f => Assert.Equal(-1, f.FrameIndex));
            // Device clock: CLOCK_REALTIME + 2 ms for camera 1 (PTP off); exposures 10 ms apart.
            Assert.All(frames, f => Assert.InRange(f.DeviceTimestampNs - before, 2_000_000, 2_000_000 + 5_000_000_000));
            Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second.DeviceTimestampNs > p.First.DeviceTimestampNs));
            Assert.All(frames, f => Assert.True(f.HostReceiveNs >= before));
            foreach (var f in frames)
            {
                Assert.True(SpinnakerStandIn.TryDecode(f.Pixels, out int cam, out long id), $"frame {f.DeviceFrameId} does not decode");
                Assert.Equal((1, f.DeviceFrameId), (cam, id));
                bool incomplete = f.DeviceFrameId % 3 == 2;
                Assert.Equal(incomplete, f.Incomplete);
                Assert.Equal(incomplete ? f.Length / 2 : f.Length, f.ReceivedBytes);
                if (incomplete)
                    Assert.All(f.Data.AsSpan(f.Length / 2, f.Length / 2).ToArray(), b => Assert.Equal(0, b)); // the stand-in sent 0xEE there
            }
            Assert.Equal(0, SpinnakerStandIn.Live("image"));
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void ACameraThatVanishes_IsReportedAsAFault_AndAbandonLeavesNoHandle()
    {
        var backend = SpinnakerStandIn.Backend();
        var camera = backend.Open("20000001");
        camera.ConfigureSoftwareTrigger(null);
        var target = new Collector(camera.FrameBytes);
        camera.StartAcquisition(target);
        SpinnakerStandIn.Vanish(0, true);
        WaitFor(() => !target.Faults.IsEmpty);
        SpinnakerStandIn.Fail("spinCameraDeInit", -1010, 1); // the camera does not answer its release either
        camera.Abandon();
        camera.Dispose(); // does nothing after Abandon
        var abandon = ((SpinnakerCamera)camera).AbandonFault;
        Assert.Equal("spinCameraDeInit", Assert.IsType<SpinnakerException>(abandon?.InnerException).Function);
        var fault = Assert.Single(target.Faults);
        Assert.Contains("stopped answering", fault.Message);
        Assert.Equal("SPINNAKER_ERR_IO", Assert.IsType<SpinnakerException>(fault.Exception!.InnerException).ErrorName);
        SpinnakerStandIn.Reset();
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void CameraPtpRead_SeesSlaveOncePtpIsEnabled_AndTheDeltaPlanReadsEveryCamera()
    {
        var backend = SpinnakerStandIn.Backend();
        var cameras = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
        try
        {
            foreach (var c in cameras)
                c.Features.SetBoolean("PtpEnable", false);
            Assert.Equal(PortState.Disabled, Core.Ptp.CameraPtp.Read(cameras[0], "test").PortState);
            foreach (var c in cameras)
                Assert.True(Core.Ptp.CameraPtp.Enable(c));
            var status = Core.Ptp.CameraPtp.Read(cameras[1], "test");
            Assert.True(status.Supported);
            Assert.Equal(PortState.Slave, status.PortState);
            Assert.Equal(-500, status.OffsetFromMasterNs);
            var plan = TimestampDeltaPlan.Prepare("test", cameras, null);
            Assert.All(cameras, c => Assert.NotNull(plan.MappingFor(c)));
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Theory]
    [InlineData(SyncTriggerMode.Software)]
    [InlineData(SyncTriggerMode.Action)]
    [InlineData(SyncTriggerMode.ScheduledAction)]
    [InlineData(SyncTriggerMode.CameraScheduler)]
    public void Take_TwoStandInCameras_EveryFramePresent_MatchedByIndex(SyncTriggerMode mode)
    {
        var backend = SpinnakerStandIn.Backend();
        var cameras = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
        try
        {
            foreach (var c in cameras)
                Assert.True(Core.Ptp.CameraPtp.Enable(c));
            using var dir = new TempDirectory();
            var schedule = SimulatedTakeTests.ScheduleSoon(50, 2, leadSeconds: 1.0);
            using var session = CaptureSession.Start(cameras, new CaptureOptions
            {
                Schedule = schedule, Path = dir.Combine("take"), TriggerMode = mode, ExposureUs = 1000,
                LateToleranceNs = SimulatedTakeTests.PipelineLateTolerance(schedule),
            });
            var manifest = SimulatedTakeTests.Run(session);
            Assert.Equal(mode, manifest.TriggerMode);
            SimulatedTakeTests.AssertEveryFrame(manifest, 100);
            Assert.True(manifest.State == TakeState.Completed && manifest.Faults.Count == 0, SimulatedTakeTests.Describe(manifest));
            if (mode is SyncTriggerMode.Action or SyncTriggerMode.ScheduledAction)
            {
                Assert.Equal("spinSystemSendActionCommand (Spinnaker)", manifest.Actions!.Destination);
                Assert.All(manifest.Cameras, c => Assert.Equal(100, c.ActionAcks!.Acknowledged));
            }
            var report = TakeAnalyzer.Analyze(session.TakePath);
            Assert.Equal(100, report.CompleteFrameSets);
            Assert.Equal("Index", report.MatchedBy);
            Assert.All(report.Cameras, c => Assert.Equal((100, 0), (c.Captured, c.Missing)));
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }
}
