using System.Net;
using System.Net.Sockets;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Simulated;

/// <summary>
/// GigE Vision action commands against simulated cameras, as real UDP datagrams on loopback: each test gives its cameras
/// a broadcast port of its own (a free port) and random keys, so tests in other processes cannot fire them.
/// </summary>
[Collection(SimulatedRealTimeCollection.Name)]
public class SimulatedActionTests
{
    private const long LatencyNs = 10_000; // default TriggerLatencyUs
    private const long BusyNs = 3_000_000; // exposure 1 ms + readout 2 ms
    private static readonly Random Keys = new();

    /// <summary>
    /// A free UDP port below the kernel's ephemeral range (32768 and up here), so no socket bound to port 0 (a camera's
    /// unicast socket, a sender) can take it between this probe and the cameras' bind.
    /// </summary>
    internal static int FreePort()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int port = Random.Shared.Next(20_000, 30_000);
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                s.Bind(new IPEndPoint(IPAddress.Any, port));
                return port;
            }
            catch (SocketException)
            {
                // taken: try another
            }
        }
        throw new InvalidOperationException("no free UDP port in 20000-29999 after 100 tries");
    }

    internal static uint Key() => (uint)Keys.NextInt64(1, uint.MaxValue);

    internal static SimulatedCamera[] Open(int count, int port, Action<int, SimulatedCameraOptions>? configure = null)
    {
        var backend = new SimulatedBackend(count, (k, o) =>
        {
            o.GvcpPort = port;
            configure?.Invoke(k, o);
        });
        return Enumerable.Range(0, count).Select(k => backend.OpenCamera($"sim-{k}")).ToArray();
    }

    /// <summary>Action 0 with these keys, TriggerMode On, TriggerSource Action0.</summary>
    internal static void Arm(SimulatedCamera camera, uint deviceKey, uint groupKey, uint groupMask)
    {
        var f = camera.Features;
        f.SetInteger("ActionDeviceKey", deviceKey);
        f.SetInteger("ActionSelector", 0);
        f.SetInteger("ActionGroupKey", groupKey);
        f.SetInteger("ActionGroupMask", groupMask);
        f.SetEnumeration("TriggerSelector", "FrameStart");
        f.SetEnumeration("TriggerMode", "On");
        f.SetEnumeration("TriggerSource", "Action0");
    }

    /// <summary>PTP phases short enough to reach Slave in about 50 ms.</summary>
    internal static void FastPtp(SimulatedCameraOptions o)
    {
        o.PtpInitializingSeconds = 0;
        o.PtpListeningSeconds = 0;
        o.PtpConvergenceSeconds = 0.05;
    }

    internal static void WaitForSlave(params SimulatedCamera[] cameras)
    {
        foreach (var c in cameras)
            c.Features.SetBoolean("PtpEnable", true);
        foreach (var c in cameras)
        {
            Assert.True(SpinWait.SpinUntil(() => c.Features.GetEnumeration("PtpStatus") == "Slave", 5000), $"{c.Id} did not reach Slave");
        }
    }

    /// <summary>A plain UDP socket sending ACTION_CMDs (unicast or to 127.255.255.255) and reading ACTION_ACKs.</summary>
    internal sealed class Sender : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly byte[] _buffer = new byte[64];
        private ushort _requestId;

        public Sender()
        {
            _socket.EnableBroadcast = true;
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }

        public static IPEndPoint Broadcast(int port) => new(IPAddress.Parse("127.255.255.255"), port);

        /// <summary>Sends one command; returns its req_id.</summary>
        public ushort Send(ActionCommand command, IPEndPoint to, bool acknowledge = true)
        {
            _requestId = (ushort)(_requestId % 65535 + 1);
            int n = command.WriteTo(_buffer, _requestId, acknowledge);
            _socket.SendTo(_buffer.AsSpan(0, n), SocketFlags.None, to);
            return _requestId;
        }

        /// <summary>Reads acks until <paramref name="count"/> arrived or <paramref name="timeoutMs"/> passed with none.</summary>
        public List<(IPEndPoint From, GvcpStatus Status, ushort AckId)> Acks(int count, int timeoutMs = 2000)
        {
            var acks = new List<(IPEndPoint, GvcpStatus, ushort)>();
            var buffer = new byte[64];
            while (acks.Count < count && _socket.Poll(TimeSpan.FromMilliseconds(timeoutMs), SelectMode.SelectRead))
            {
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                int n = _socket.ReceiveFrom(buffer, ref from);
                Assert.True(ActionAcknowledge.TryRead(buffer.AsSpan(0, n), out var status, out ushort ackId), "not an ACTION_ACK");
                acks.Add(((IPEndPoint)from, status, ackId));
            }
            return acks;
        }

        public void Dispose() => _socket.Dispose();
    }

    [Fact]
    public void OneBroadcast_FiresEveryCameraOfTheGroup_OneFramePerPacket_AndEachAcksFromItsEndPoint()
    {
        int port = FreePort();
        var cameras = Open(3, port);
        uint device = Key(), group = Key();
        var targets = cameras.Select(c => new RecordingTarget(4, c.FrameBytes)).ToArray();
        try
        {
            using var sender = new Sender();
            for (int i = 0; i < 3; i++)
            {
                Arm(cameras[i], device, group, 0b0100);
                cameras[i].StartAcquisition(targets[i]);
            }
            var requestIds = new List<ushort>();
            var acks = new List<(IPEndPoint From, GvcpStatus Status, ushort AckId)>();
            for (int p = 0; p < 4; p++)
            {
                requestIds.Add(sender.Send(new ActionCommand(device, group, 0b0110), Sender.Broadcast(port)));
                acks.AddRange(sender.Acks(3)); // every camera has read it (and stamped it) before its ack
                Thread.Sleep(5); // so the next one is read more than the busy time (3 ms) later: no trigger is missed
            }
            for (int i = 0; i < 3; i++)
            {
                Assert.True(targets[i].WaitFor(4), $"{cameras[i].Id}: {targets[i].FrameCount} frames");
                cameras[i].StopAcquisition();
                var frames = targets[i].Frames;
                Assert.Equal(4, frames.Count);
                Assert.All(frames, f => Assert.Equal(-1, f.FrameIndex));
                Assert.Equal([1L, 2, 3, 4], frames.Select(f => f.DeviceFrameId));
                Assert.Equal((0L, 0L, 4L), (cameras[i].MissedTriggers, cameras[i].IgnoredTriggers, cameras[i].ActionCommandsReceived));
                // Each camera acknowledged each request once, from its own unicast endpoint.
                Assert.Equal(requestIds, acks.Where(a => a.From.Equals(cameras[i].GvcpEndPoint)).Select(a => a.AckId).Order());
            }
            Assert.Equal(12, acks.Count);
            Assert.All(acks, a => Assert.Equal(GvcpStatus.Success, a.Status));
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }
    }

    [Fact]
    public void UnicastAction_FiresOnlyThatCamera_AtReceivePlusLatency()
    {
        int port = FreePort();
        var cameras = Open(2, port);
        uint device = Key(), group = Key();
        var targets = cameras.Select(c => new RecordingTarget(4, c.FrameBytes)).ToArray();
        try
        {
            using var sender = new Sender();
            for (int i = 0; i < 2; i++)
            {
                Arm(cameras[i], device, group, 1);
                cameras[i].StartAcquisition(targets[i]);
            }
            long before = SharedTimeline.NowNs();
            ushort id = sender.Send(new ActionCommand(device, group, 1), cameras[1].GvcpEndPoint!);
            var ack = Assert.Single(sender.Acks(1));
            long after = SharedTimeline.NowNs();
            Assert.Equal((cameras[1].GvcpEndPoint, GvcpStatus.Success, id), (ack.From, ack.Status, ack.AckId));
            Assert.True(targets[1].WaitFor(1));
            Thread.Sleep(20); // camera 0 would have had its frame by now
            foreach (var c in cameras)
                c.StopAcquisition();

            var f = Assert.Single(targets[1].Frames);
            Assert.InRange(f.DeviceTimestampNs, cameras[1].Clock.ToDeviceNs(before + LatencyNs), cameras[1].Clock.ToDeviceNs(after + LatencyNs));
            Assert.Equal(0, targets[0].FrameCount);
            Assert.Equal(0, cameras[0].ActionCommandsReceived);
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }
    }

    [Fact]
    public void WrongDeviceKey_WrongGroupKey_OrDisjointMask_FireNothing_AndAreNotAcknowledged()
    {
        int port = FreePort();
        using var camera = Open(1, port)[0];
        uint device = Key(), group = Key();
        Arm(camera, device, group, 0b1010);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        using var sender = new Sender();
        var to = camera.GvcpEndPoint!;
        sender.Send(new ActionCommand(device ^ 1, group, 0b1010), to);
        sender.Send(new ActionCommand(device, group ^ 1, 0b1010), to);
        sender.Send(new ActionCommand(device, group, 0b0101), to);
        Assert.Empty(sender.Acks(1, timeoutMs: 300));
        Assert.True(SpinWait.SpinUntil(() => camera.ActionCommandsReceived == 3, 2000));
        Thread.Sleep(20); // a fired exposure would be ready 3 ms after its packet
        Assert.Equal((0, 3L, 0L), (target.FrameCount, camera.ActionsIgnored, camera.FramesProduced));

        // The same camera fires on the right keys (so the silence above was the keys).
        ushort id = sender.Send(new ActionCommand(device, group, 0b0010), to);
        Assert.Equal(id, Assert.Single(sender.Acks(1)).AckId);
        Assert.True(target.WaitFor(1));
        camera.StopAcquisition();
        Assert.Equal(3L, camera.ActionsIgnored);
    }

    [Fact]
    public void Action1_FiresWhenTriggerSourceIsAction1_AndAction0KeysDoNot()
    {
        int port = FreePort();
        using var camera = Open(1, port)[0];
        uint device = Key(), group0 = Key(), group1 = Key();
        Arm(camera, device, group0, 1);
        camera.Features.SetInteger("ActionSelector", 1);
        camera.Features.SetInteger("ActionGroupKey", group1);
        camera.Features.SetInteger("ActionGroupMask", 1);
        camera.Features.SetEnumeration("TriggerSource", "Action1");
        camera.Features.SetInteger("ActionSelector", 0);
        Assert.Equal(group0, camera.Features.GetInteger("ActionGroupKey")); // per selector
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        using var sender = new Sender();
        sender.Send(new ActionCommand(device, group0, 1), camera.GvcpEndPoint!); // action 0 fires, but is not the trigger
        Assert.Single(sender.Acks(1));
        Thread.Sleep(20);
        Assert.Equal(0, target.FrameCount);
        sender.Send(new ActionCommand(device, group1, 1), camera.GvcpEndPoint!);
        Assert.Single(sender.Acks(1));
        Assert.True(target.WaitFor(1));
        camera.StopAcquisition();
    }

    [Fact]
    public void AckStatus_Success_ActionLate_NoRefTime()
    {
        int port = FreePort();
        var cameras = Open(2, port, (_, o) => FastPtp(o));
        uint device = Key(), group = Key();
        var targets = cameras.Select(c => new RecordingTarget(4, c.FrameBytes)).ToArray();
        try
        {
            WaitForSlave(cameras[0]); // camera 1 keeps PTP off: no reference time
            using var sender = new Sender();
            for (int i = 0; i < 2; i++)
            {
                Arm(cameras[i], device, group, 1);
                cameras[i].StartAcquisition(targets[i]);
            }
            var slave = cameras[0];
            var noRef = cameras[1];

            ushort id = sender.Send(new ActionCommand(device, group, 1), slave.GvcpEndPoint!);
            Assert.Equal((GvcpStatus.Success, id), Status(sender.Acks(1)));
            Assert.True(targets[0].WaitFor(1));

            // Scheduled, but its time passed 1 ms ago on the camera clock: executed at once, counted, ActionLate.
            long past = slave.Clock.NowNs() - 1_000_000;
            long before = SharedTimeline.NowNs();
            id = sender.Send(new ActionCommand(device, group, 1, (ulong)past), slave.GvcpEndPoint!);
            Assert.Equal((GvcpStatus.ActionLate, id), Status(sender.Acks(1)));
            long after = SharedTimeline.NowNs();
            Assert.True(targets[0].WaitFor(2));
            Assert.Equal(1L, slave.ActionLateCount);
            Assert.InRange(targets[0].Frames[1].DeviceTimestampNs, slave.Clock.ToDeviceNs(before + LatencyNs), slave.Clock.ToDeviceNs(after + LatencyNs));

            // Scheduled while PTP is not Slave: refused with NoRefTime, nothing fires.
            id = sender.Send(new ActionCommand(device, group, 1, (ulong)(noRef.Clock.NowNs() + 20_000_000)), noRef.GvcpEndPoint!);
            Assert.Equal((GvcpStatus.NoRefTime, id), Status(sender.Acks(1)));
            Thread.Sleep(60);
            Assert.Equal((0, 1L, 0L), (targets[1].FrameCount, noRef.ActionsRefused, noRef.FramesProduced));
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }

        static (GvcpStatus, ushort) Status(List<(IPEndPoint From, GvcpStatus Status, ushort AckId)> acks)
        {
            var a = Assert.Single(acks);
            return (a.Status, a.AckId);
        }
    }

    [Fact]
    public void ScheduledAction_StampsActionTimeExactly_AndResidualPtpOffsetMovesTheHostExposureStart()
    {
        int port = FreePort();
        long[] residualNs = [0, 40_000, -25_000];
        var cameras = Open(3, port, (k, o) =>
        {
            FastPtp(o);
            o.PtpResidualOffsetNs = residualNs[k];
        });
        uint device = Key(), group = Key();
        var targets = cameras.Select(c => new RecordingTarget(4, c.FrameBytes)).ToArray();
        try
        {
            WaitForSlave(cameras);
            using var sender = new Sender();
            for (int i = 0; i < 3; i++)
            {
                Arm(cameras[i], device, group, 1);
                cameras[i].StartAcquisition(targets[i]);
            }
            // The master's time is the shared timeline here (PtpMasterOffsetNs 0): 200 ms ahead, so it is not late even on a loaded machine.
            long actionTime = SharedTimeline.NowNs() + 200_000_000;
            sender.Send(new ActionCommand(device, group, 1, (ulong)actionTime), Sender.Broadcast(port));
            var acks = sender.Acks(3);
            Assert.Equal(3, acks.Count);
            Assert.All(acks, a => Assert.Equal(GvcpStatus.Success, a.Status));
            for (int i = 0; i < 3; i++)
            {
                Assert.True(targets[i].WaitFor(1));
                cameras[i].StopAcquisition();
                var f = Assert.Single(targets[i].Frames);
                Assert.Equal(actionTime, f.DeviceTimestampNs);
                // The camera's clock reads master + residual, so it reaches actionTime residual early on the shared timeline.
                Assert.InRange(cameras[i].LastExposureStartHostNs, actionTime - residualNs[i] - 1, actionTime - residualNs[i] + 1);
                Assert.True(f.HostReceiveNs >= cameras[i].LastExposureStartHostNs + BusyNs);
                Assert.Equal(0L, cameras[i].ActionLateCount);
            }
            Assert.InRange(cameras[2].LastExposureStartHostNs - cameras[1].LastExposureStartHostNs, 65_000 - 2, 65_000 + 2);
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }
    }

    [Fact]
    public void StopBeforeAScheduledStart_CancelsThatExposure()
    {
        int port = FreePort();
        using var camera = Open(1, port, (_, o) => FastPtp(o))[0];
        uint device = Key(), group = Key();
        WaitForSlave(camera);
        Arm(camera, device, group, 1);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        using var sender = new Sender();
        sender.Send(new ActionCommand(device, group, 1, (ulong)(camera.Clock.NowNs() + 300_000_000)), camera.GvcpEndPoint!);
        Assert.Single(sender.Acks(1));
        long stopStart = SharedTimeline.NowNs();
        camera.StopAcquisition();
        Assert.True(SharedTimeline.NowNs() - stopStart < 200_000_000, "the stop waited for the scheduled exposure");
        Assert.Equal((0, 1L, 1L), (target.FrameCount, camera.FramesProduced, camera.ScheduledExposuresCancelled));
    }

    [Fact]
    public void Scheduler_FiresOnItsGrid_UntilCancelled_AndRefusesCommitWithoutPtp()
    {
        int port = FreePort();
        long[] residualNs = [0, 30_000];
        var cameras = Open(2, port, (k, o) =>
        {
            FastPtp(o);
            o.PtpResidualOffsetNs = residualNs[k];
        });
        var targets = cameras.Select(c => new RecordingTarget(4, c.FrameBytes, capacity: 256)).ToArray();
        try
        {
            var e = Assert.Throws<FeatureException>(() => cameras[0].Features.Execute("ActionSchedulerCommit"));
            Assert.Contains("PtpStatus Disabled", e.Message);
            WaitForSlave(cameras);
            long t0 = SharedTimeline.NowNs() + 300_000_000; // master time = shared timeline here; after both commits even on a loaded machine
            const long intervalUs = 10_000;
            for (int i = 0; i < 2; i++)
            {
                Arm(cameras[i], 0, 0, 0); // the scheduler fires action 0 whatever the keys
                cameras[i].StartAcquisition(targets[i]);
                cameras[i].Features.SetInteger("ActionSchedulerTime", t0);
                cameras[i].Features.SetInteger("ActionSchedulerInterval", intervalUs);
                cameras[i].Features.Execute("ActionSchedulerCommit");
                Assert.Equal(SimulatedCamera.SchedulerWaiting, cameras[i].Features.GetInteger("ActionSchedulerStatus"));
            }
            Assert.True(targets[0].WaitFor(5) && targets[1].WaitFor(5));
            Assert.Equal(SimulatedCamera.SchedulerRunning, cameras[0].Features.GetInteger("ActionSchedulerStatus"));
            var hostStarts = new long[2];
            var produced = new long[2];
            for (int i = 0; i < 2; i++)
            {
                cameras[i].Features.Execute("ActionSchedulerCancel"); // joins the scheduler thread: nothing is handed over after it
                Assert.Equal(SimulatedCamera.SchedulerIdle, cameras[i].Features.GetInteger("ActionSchedulerStatus"));
                hostStarts[i] = cameras[i].LastExposureStartHostNs;
                produced[i] = cameras[i].FramesProduced;
            }
            Thread.Sleep(60); // six more grid points: none may fire now; those handed over (≤ 5 ms ahead) have started
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(produced[i], cameras[i].FramesProduced);
                cameras[i].StopAcquisition();
                var frames = targets[i].Frames;
                Assert.Equal(produced[i], frames.Count);
                Assert.True(frames.Count >= 5);
                for (int k = 0; k < frames.Count; k++)
                    Assert.Equal(t0 + k * intervalUs * 1000, frames[k].DeviceTimestampNs); // on the grid, from T_0, none skipped
                Assert.Equal((0L, 0L), (cameras[i].MissedTriggers, cameras[i].ScheduledExposuresCancelled));
            }
            // Same grid on both device clocks; on the shared timeline camera 1 (residual +30 µs) fires 30 µs early.
            long lastK0 = (targets[0].Frames[^1].DeviceTimestampNs - t0) / (intervalUs * 1000);
            long lastK1 = (targets[1].Frames[^1].DeviceTimestampNs - t0) / (intervalUs * 1000);
            Assert.InRange(hostStarts[1] - hostStarts[0] - (lastK1 - lastK0) * intervalUs * 1000, -30_000 - 2, -30_000 + 2);
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }
    }

    [Fact]
    public void WithTriggerSourceAction0_SoftwareTriggersAreIgnoredAndCounted()
    {
        using var camera = Open(1, 0)[0];
        Arm(camera, Key(), Key(), 1);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        camera.Trigger(0);
        camera.Features.Execute("TriggerSoftware");
        Thread.Sleep(20);
        camera.StopAcquisition();
        Assert.Equal((0, 2L), (target.FrameCount, camera.IgnoredTriggers));
    }

    [Fact]
    public void UnpluggedCamera_AnswersNoAction()
    {
        using var camera = Open(1, 0, (_, o) => o.UnplugAfterTriggers = 0)[0];
        uint device = Key(), group = Key();
        Arm(camera, device, group, 1);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        Assert.Throws<CameraException>(() => camera.Trigger(0)); // the unplug
        using var sender = new Sender();
        sender.Send(new ActionCommand(device, group, 1), camera.GvcpEndPoint!);
        Assert.Empty(sender.Acks(1, timeoutMs: 300));
        Assert.Equal((0L, 0L), (camera.ActionCommandsReceived, camera.FramesProduced));
        camera.Abandon();
        Assert.Null(camera.GvcpEndPoint);
    }

    [Fact]
    public void Dispose_ClosesTheGvcpSockets()
    {
        int port = FreePort();
        var camera = Open(1, port)[0];
        var endPoint = camera.GvcpEndPoint!;
        Assert.Equal(endPoint, ((ICamera)camera).GvcpEndPoint); // the interface member, not its default
        Assert.Equal(IPAddress.Loopback, endPoint.Address);
        camera.Dispose();
        Assert.Null(camera.GvcpEndPoint);
        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        again.Bind(endPoint); // free again: the unicast socket is closed
        using var broadcast = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        broadcast.Bind(new IPEndPoint(IPAddress.Any, port)); // no SO_REUSEADDR here: only free once the camera's socket is closed
    }

    [Fact]
    public void Features_OfferActionRowsAndSupportedOptions_PerModel()
    {
        using var full = Open(1, 0)[0];
        var f = full.Features;
        Assert.Equal(["Software", "Action0", "Action1"], f.GetEnumerationEntries("TriggerSource"));
        Assert.Equal(["Action", "ScheduledAction", "IEEE1588"], f.GetEnumerationEntries("GevSupportedOptionSelector"));
        foreach (var option in new[] { "Action", "ScheduledAction", "IEEE1588" })
        {
            f.SetEnumeration("GevSupportedOptionSelector", option);
            Assert.True(f.GetBoolean("GevSupportedOption"), option);
        }
        Assert.Throws<FeatureException>(() => f.SetBoolean("GevSupportedOption", false)); // read-only
        foreach (var name in new[] { "ActionDeviceKey", "ActionSelector", "ActionGroupKey", "ActionGroupMask", "ActionSchedulerTime", "ActionSchedulerInterval", "ActionSchedulerStatus" })
            Assert.Equal(FeatureType.Integer, f.GetFeatureType(name));
        Assert.Equal(FeatureType.Command, f.GetFeatureType("ActionSchedulerCommit"));
        Assert.Equal(FeatureType.Command, f.GetFeatureType("ActionSchedulerCancel"));
        f.SetInteger("ActionDeviceKey", uint.MaxValue);
        Assert.Throws<FeatureException>(() => f.SetInteger("ActionDeviceKey", 1L << 32));
        Assert.Throws<FeatureException>(() => f.SetInteger("ActionSelector", SimulatedCamera.ActionCount));
        Assert.Throws<FeatureException>(() => f.GetEnumerationEntries("ActionDeviceKey")); // not an IEnumeration
        Assert.Throws<FeatureException>(() => f.GetEnumerationEntries("triggersource")); // case-sensitive
        Assert.Equal(SimulatedCamera.SchedulerIdle, f.GetInteger("ActionSchedulerStatus"));

        using var noPtp = Open(1, 0, (_, o) => o.PtpSupported = false)[0];
        noPtp.Features.SetEnumeration("GevSupportedOptionSelector", "ScheduledAction");
        Assert.False(noPtp.Features.GetBoolean("GevSupportedOption"));
        noPtp.Features.SetEnumeration("GevSupportedOptionSelector", "Action");
        Assert.True(noPtp.Features.GetBoolean("GevSupportedOption"));
        Assert.False(noPtp.Features.IsAvailable("ActionSchedulerCommit"));

        using var noScheduler = Open(1, 0, (_, o) => o.SchedulerSupported = false)[0];
        Assert.False(noScheduler.Features.IsAvailable("ActionSchedulerTime"));
        Assert.True(noScheduler.Features.IsAvailable("ActionDeviceKey"));
    }

    [Fact]
    public void CameraWithoutActions_HasNoActionRows_AndAnswersNotImplemented()
    {
        int port = FreePort();
        using var camera = Open(1, port, (_, o) => o.ActionsSupported = false)[0];
        var f = camera.Features;
        Assert.Equal(["Software"], f.GetEnumerationEntries("TriggerSource"));
        Assert.False(f.IsAvailable("ActionDeviceKey"));
        Assert.False(f.IsAvailable("ActionSchedulerCommit"));
        f.SetEnumeration("GevSupportedOptionSelector", "Action");
        Assert.False(f.GetBoolean("GevSupportedOption"));
        using var sender = new Sender();
        ushort id = sender.Send(new ActionCommand(0, 0, 1), camera.GvcpEndPoint!);
        var ack = Assert.Single(sender.Acks(1));
        Assert.Equal((GvcpStatus.NotImplemented, id), (ack.Status, ack.AckId));
        sender.Send(new ActionCommand(0, 0, 1), Sender.Broadcast(port)); // a broadcast one is not answered
        Assert.Empty(sender.Acks(1, timeoutMs: 300));
        Assert.Equal((2L, 2L), (camera.ActionCommandsReceived, camera.ActionsIgnored));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void GvcpPort_OutOfRange_IsRefused(int port)
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => new SimulatedBackend(1, (_, o) => o.GvcpPort = port));
        Assert.Equal("GvcpPort", e.ParameterName);
    }

    [Fact]
    public void BusyBroadcastPort_CameraOpensWithoutBroadcasts_SaysWhy_AndStillTakesUnicast()
    {
        int port = FreePort();
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Any, port)); // no SO_REUSEADDR: nobody else may bind this port
        using var camera = Open(1, port)[0];
        Assert.False(camera.IsListeningForBroadcasts);
        var fault = Assert.IsType<CameraException>(camera.GvcpFault);
        Assert.Contains($"0.0.0.0:{port}", fault.Message);
        Assert.Contains("GvcpPort", fault.Message);
        uint device = Key(), group = Key();
        Arm(camera, device, group, 1);
        using var sender = new Sender();
        ushort id = sender.Send(new ActionCommand(device, group, 1), camera.GvcpEndPoint!);
        Assert.Equal(id, Assert.Single(sender.Acks(1)).AckId);

        using var listening = Open(1, FreePort())[0];
        Assert.True(listening.IsListeningForBroadcasts);
        Assert.Null(listening.GvcpFault);
    }

    [Fact]
    public void GvcpSockets_OpenOnFirstNeed_SoASoftwareTriggeredCameraHasNone()
    {
        using var camera = Open(1, FreePort())[0];
        camera.ConfigureSoftwareTrigger(1000);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        camera.Trigger(0);
        Assert.True(target.WaitFor(1));
        camera.StopAcquisition();
        Assert.False(camera.IsGvcpOpen);
        camera.Features.SetInteger("ActionGroupMask", 1);
        Assert.True(camera.IsGvcpOpen);
        Assert.True(camera.IsListeningForBroadcasts);

        using var bySource = Open(1, 0)[0];
        bySource.Features.SetEnumeration("TriggerSource", "Action0");
        Assert.True(bySource.IsGvcpOpen);
        using var byEndPoint = Open(1, 0)[0];
        Assert.NotNull(byEndPoint.GvcpEndPoint);
        Assert.True(byEndPoint.IsGvcpOpen);
    }
}
