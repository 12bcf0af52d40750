using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>
/// Takes in each trigger mode on simulated cameras that receive the take's ACTION_CMDs as real UDP packets on loopback
/// (broadcast to 127.255.255.255) and answer with ACTION_ACKs.
/// </summary>
[Collection("Takes")]
public sealed class TriggerModeTests
{
    private readonly ITestOutputHelper _output;

    public TriggerModeTests(ITestOutputHelper output) => _output = output;

    /// <summary>Simulated cameras whose PTP ports reach Slave at once after PtpEnable, with the given residual offsets (ns).</summary>
    internal static List<ICamera> OpenLocked(params long[] residualNs)
    {
        var cameras = SimulatedTakeTests.OpenSimulated(residualNs.Length, (k, o) =>
        {
            o.PtpInitializingSeconds = 0;
            o.PtpListeningSeconds = 0;
            o.PtpConvergenceSeconds = 0.001;
            o.PtpResidualOffsetNs = residualNs[k];
            o.ClockOffsetNs = 1_000_000 * (k + 1); // free-running offsets the servo removes
        });
        foreach (var c in cameras)
            Assert.True(Core.Ptp.CameraPtp.Enable(c));
        var until = DateTime.UtcNow.AddSeconds(5);
        foreach (var c in cameras)
        {
            while (Core.Ptp.CameraPtp.Read(c, "test").PortState != PortState.Slave && DateTime.UtcNow < until)
                Thread.Sleep(2);
            Assert.Equal(PortState.Slave, Core.Ptp.CameraPtp.Read(c, "test").PortState);
        }
        return cameras;
    }

    private static (TakeManifest Manifest, TakeReport Report) Take(List<ICamera> cameras, double hz, double seconds, SyncTriggerMode? mode, TempDirectory dir)
    {
        var schedule = SimulatedTakeTests.ScheduleSoon(hz, seconds, leadSeconds: 1.0);
        using var session = CaptureSession.Start(cameras, new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), TriggerMode = mode, LateToleranceNs = SimulatedTakeTests.PipelineLateTolerance(schedule) });
        var manifest = SimulatedTakeTests.Run(session);
        return (manifest, TakeAnalyzer.Analyze(session.TakePath));
    }

    private void Print(string what, TakeManifest m, TakeReport r) =>
        _output.WriteLine($"{what}: mode {m.TriggerMode} ({m.TriggerModeNote}); mapped skew p50 {r.MappedDeviceSkew.P50Ns / 1e3:0.000} µs p99 {r.MappedDeviceSkew.P99Ns / 1e3:0.000} µs max {r.MappedDeviceSkew.MaxNs / 1e3:0.000} µs; " +
            $"trigger skew p99 {r.TriggerSkew.P99Ns / 1e3:0.0} µs; wake p99 {m.TriggerThread?.WakeErrorP99Us:0.0} µs; {SimulatedTakeTests.Describe(m)}");

    [Fact]
    public void Default_OnPtpLockedCameras_IsScheduledAction_AndSkewIsTheResidualOffsets()
    {
        using var dir = new TempDirectory();
        long[] residual = [0, 3_000, -2_000];
        var (m, r) = Take(OpenLocked(residual), 60, 3, null, dir);
        Print("default", m, r);
        Assert.Equal(SyncTriggerMode.ScheduledAction, m.TriggerMode);
        Assert.StartsWith("the best mode every camera supports", m.TriggerModeNote);
        SimulatedTakeTests.AssertEveryFrame(m, 180);
        Assert.True(m.State == TakeState.Completed && m.Faults.Count == 0, SimulatedTakeTests.Describe(m));
        Assert.NotNull(m.Actions);
        Assert.Equal(180, m.Actions!.Sent);
        Assert.All(m.Cameras, c => Assert.Equal(180, c.ActionAcks!.Acknowledged));
        // Each camera fires when its own clock reads Tn: the host's wake-up error drops out, the residual offsets stay.
        long spread = residual.Max() - residual.Min();
        // The clock models map device time with the latches' error (a few µs on a loaded VM), so the bound is loose here;
        // the benchmark prints the figure against the residual offsets.
        Assert.InRange(r.MappedDeviceSkew.P99Ns, spread - 5_000, spread + 5_000);
        // The trigger time of a camera-timed slot is Tn itself, on every camera.
        Assert.Equal(0, r.TriggerSkew.MaxNs);
    }

    [Fact]
    public void Action_OnePacketPerSlot_FiresEveryCamera_AndEveryCameraAcknowledges()
    {
        using var dir = new TempDirectory();
        var (m, r) = Take(SimulatedTakeTests.OpenSimulated(3), 60, 3, SyncTriggerMode.Action, dir);
        Print("action", m, r);
        Assert.Equal(SyncTriggerMode.Action, m.TriggerMode);
        Assert.Equal("asked for", m.TriggerModeNote);
        // The command leaves from the trigger thread at Tn: a stall of the machine between the thread's in-time check and
        // the send (a CI-like run: 9.8 ms at 60 Hz) exposes the frames more than half a period late, so the slot is
        // TriggerMissed on every camera alike and its frames are extras named by the Stream faults. Its command was sent.
        var (late, _) = SimulatedTakeTests.AssertEveryFrameButHostStalls(m, 180, dir.Combine("take"));
        long fired = 180 - late.Count;
        Assert.Equal(fired, m.Actions!.Sent);
        Assert.All(m.Cameras, c => Assert.Equal(fired, c.ActionAcks!.Acknowledged));
        Assert.Equal("127.255.255.255:3956", m.Actions.Destination);
        // One packet reaches every camera: they expose together, apart only by when each receive thread ran.
        Assert.InRange(r.MappedDeviceSkew.P50Ns, 0, 1_000_000);
    }

    [Fact]
    public void CameraScheduler_FiresOnTheGrid_OnItsOwnClock_AndStopsAtTheEnd()
    {
        using var dir = new TempDirectory();
        long[] residual = [1_000, -1_000];
        var cameras = OpenLocked(residual);
        var (m, r) = Take(cameras, 50, 3, SyncTriggerMode.CameraScheduler, dir);
        Print("scheduler", m, r);
        foreach (SimulatedCamera c in cameras)
            _output.WriteLine($"{c.Id}: produced {c.FramesProduced}, warm-up {m.Cameras[c.Index].WarmUpFrames}, ignored actions {c.ActionsIgnored}, ignored triggers {c.IgnoredTriggers}");
        Assert.Equal(SyncTriggerMode.CameraScheduler, m.TriggerMode);
        SimulatedTakeTests.AssertEveryFrameButCancelOverrun(m, 150);
        Assert.Equal(0, m.Actions!.Sent); // one commit per camera, no packet per frame
        Assert.InRange(r.MappedDeviceSkew.P99Ns, 0, 2_000 + 5_000);
        // The scheduler was cancelled half a period after the last slot: no frame after the take, unless a stall of the
        // machine delayed the cancel past the next grid time; then exactly one, the frame the camera's Stream fault names.
        var table = FramesTableReader.Read(Path.Combine(dir.Combine("take"), m.Cameras[0].FramesFile));
        Assert.Equal(150, table.Count);
        foreach (SimulatedCamera c in cameras)
        {
            long overrun = c.FramesProduced - m.Cameras[c.Index].WarmUpFrames - 150;
            Assert.Equal(m.Faults.Count(f => f.Camera == c.Id), overrun);
        }
    }

    [Fact]
    public void CameraScheduler_WorksWithoutAGvcpAddress_WhileTheSendingModesNeedOne()
    {
        // USB3 cameras with an action scheduler (The Imaging Source's) have no GVCP address: the scheduler mode sends nothing.
        using var dir = new TempDirectory();
        var cameras = OpenLocked(1_000, -1_000).Select(c => (ICamera)new WithoutGvcp(c)).ToList();
        var decision = TriggerModeChoice.Decide(cameras, null, FrameSchedule.PeriodFromFrameRate(50));
        Assert.Equal(SyncTriggerMode.CameraScheduler, decision.Mode);
        Assert.Contains(decision.Notes, n => n.StartsWith("not ScheduledAction: camera 'sim-0' lacks a GVCP address", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => TriggerModeChoice.Decide(cameras, SyncTriggerMode.Action, FrameSchedule.PeriodFromFrameRate(50)));
        Assert.Equal("TriggerMode", e.ParameterName);

        var (m, r) = Take(cameras, 50, 2, SyncTriggerMode.CameraScheduler, dir);
        Print("scheduler without GVCP", m, r);
        SimulatedTakeTests.AssertEveryFrameButCancelOverrun(m, 100);
        Assert.Equal("none: the cameras' action schedulers fire on their own", m.Actions!.Destination);
        Assert.Equal(0, m.Actions.Sent);
        Assert.Equal(100, r.CompleteFrameSets);
    }

    /// <summary>A camera as a backend without GVCP gives it (USB3): everything delegated but the GVCP address.</summary>
    private sealed class WithoutGvcp(ICamera inner) : ICamera
    {
        public CameraInfo Info => inner.Info;
        public IFeatureMap Features => inner.Features;
        public int FrameBytes => inner.FrameBytes;
        public void ConfigureSoftwareTrigger(double? exposureUs) => inner.ConfigureSoftwareTrigger(exposureUs);
        public (double ExposureUs, long BusyNs) TriggerTiming => inner.TriggerTiming;
        public void StartAcquisition(IFrameTarget target) => inner.StartAcquisition(target);
        public void Trigger(long frameIndex) => inner.Trigger(frameIndex);
        public void StopAcquisition() => inner.StopAcquisition();
        public bool TriggerMayBlock => inner.TriggerMayBlock;
        public void Abandon() => inner.Abandon();
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void CameraScheduler_RefusedForAPeriodThatIsNotWholeMicroseconds()
    {
        using var dir = new TempDirectory();
        var schedule = SimulatedTakeTests.ScheduleSoon(60, 1);
        var e = Assert.Throws<InvalidCaptureArgumentException>(() =>
            CaptureSession.Start(OpenLocked(0, 0), new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), TriggerMode = SyncTriggerMode.CameraScheduler }));
        Assert.Equal("TriggerMode", e.ParameterName);
        Assert.Contains("sim-0", e.Message);
        Assert.Contains("whole µs", e.Message);
        Assert.False(Directory.Exists(dir.Combine("take")));
    }

    [Fact]
    public void AskingForAModeACameraLacks_IsRefused_NamingTheCameraAndTheFeature()
    {
        using var dir = new TempDirectory();
        var schedule = SimulatedTakeTests.ScheduleSoon(50, 1);
        var cameras = SimulatedTakeTests.OpenSimulated(2, (k, o) => o.ActionsSupported = k == 0);
        var e = Assert.Throws<InvalidCaptureArgumentException>(() =>
            CaptureSession.Start(cameras, new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), TriggerMode = SyncTriggerMode.Action }));
        Assert.Equal("TriggerMode", e.ParameterName);
        Assert.Contains("camera 'sim-1' lacks the ActionDeviceKey feature", e.Message);
        Assert.Contains("Leave -TriggerMode out", e.Message);
    }

    [Fact]
    public void ScheduledAction_RefusedWhileACameraIsNotPtpSlave()
    {
        using var dir = new TempDirectory();
        var schedule = SimulatedTakeTests.ScheduleSoon(50, 1);
        var e = Assert.Throws<InvalidCaptureArgumentException>(() =>
            CaptureSession.Start(SimulatedTakeTests.OpenSimulated(2), new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), TriggerMode = SyncTriggerMode.ScheduledAction }));
        Assert.Equal("TriggerMode", e.ParameterName);
        Assert.Contains("camera 'sim-0' is not ready: its PTP port is Disabled, not Slave", e.Message);
    }

    [Fact]
    public void Default_FallsBackToSoftware_WhenOneCameraLacksActions_AndSaysWhy()
    {
        using var dir = new TempDirectory();
        var cameras = SimulatedTakeTests.OpenSimulated(2, (k, o) => o.ActionsSupported = k == 0);
        var (m, _) = Take(cameras, 50, 1, null, dir);
        Assert.Equal(SyncTriggerMode.Software, m.TriggerMode);
        Assert.Contains("not Action: camera 'sim-1' lacks the ActionDeviceKey feature", m.TriggerModeNote);
        Assert.Null(m.Actions);
        SimulatedTakeTests.AssertEveryFrameButLateWakes(m, 50, dir.Combine("take"));
    }

    [Fact]
    public void LateScheduledActions_BecomeFaultsOfTheCamera()
    {
        using var dir = new TempDirectory();
        // sim-1's clock runs 40 ms ahead of the master: every action time has passed on it when the packet (sent one period,
        // 20 ms, ahead) arrives, so it answers ACTION_LATE and fires at once.
        var cameras = OpenLocked(0, 40_000_000);
        var (m, _) = Take(cameras, 50, 2, SyncTriggerMode.ScheduledAction, dir);
        Print("late", m, TakeAnalyzer.Analyze(dir.Combine("take")));
        Assert.Equal(0, m.Cameras[0].ActionAcks!.ActionLate);
        Assert.Equal(m.Actions!.Sent, m.Cameras[1].ActionAcks!.ActionLate);
        Assert.Equal(m.FirstFrameIndex, m.Cameras[1].ActionAcks!.FirstLateFrameIndex);
        var fault = Assert.Single(m.Faults, f => f.Camera == "sim-1" && f.Source == TakeFaultSource.Trigger);
        Assert.Contains("reached the camera after their action time (ACTION_LATE", fault.Message);
        // sim-1 fires when each packet arrives, a period before Tn: a stall of the host before a send (a CI-like run: 13 ms
        // at 50 Hz) moves that frame away from its slot, and the Stream fault counts it as matching none.
        Assert.All(m.Faults.Where(f => f.Camera == "sim-1" && f != fault), f =>
            Assert.True(SimulatedTakeTests.IsExtraFramesFault(f), f.Message));
        Assert.DoesNotContain(m.Faults, f => f.Camera == "sim-0");
    }

    [Fact]
    public void AnotherTakesActions_NeverFireThisTakesCameras()
    {
        // Two takes at once on one host, both sending ACTION_CMDs to the same broadcast address and port: each take's
        // random keys fire only its own cameras, so neither sees a frame it did not ask for.
        using var dir = new TempDirectory();
        var backend = new SimulatedBackend(4);
        var a = new List<ICamera> { backend.Open("sim-0"), backend.Open("sim-1") };
        var b = new List<ICamera> { backend.Open("sim-2"), backend.Open("sim-3") };
        var sa = SimulatedTakeTests.ScheduleSoon(50, 2);
        var sb = FrameSchedule.FromRateAndDuration(sa.StartNs + FrameSchedule.PeriodFromFrameRate(50) / 2, 50, FrameSchedule.NanosFromSeconds(2));
        using var ta = CaptureSession.Start(a, new CaptureOptions { Schedule = sa, Path = dir.Combine("a"), TriggerMode = SyncTriggerMode.Action });
        using var tb = CaptureSession.Start(b, new CaptureOptions { Schedule = sb, Path = dir.Combine("b"), TriggerMode = SyncTriggerMode.Action });
        var ma = SimulatedTakeTests.Run(ta);
        var mb = SimulatedTakeTests.Run(tb);
        Assert.NotEqual(ma.Actions!.DeviceKey, mb.Actions!.DeviceKey);
        foreach (var m in new[] { ma, mb })
        {
            Assert.All(m.Cameras, c => Assert.Equal(100, c.Counts.Captured + c.Counts.TriggerLate));
            Assert.All(m.Cameras, c => Assert.Equal(0, c.Counts.TriggerMissed));
            Assert.DoesNotContain(m.Faults, f => f.Message.Contains("matched no slot"));
        }
        Assert.All(a.Concat(b).Cast<SimulatedCamera>(), c => Assert.True(c.ActionsIgnored > 0, $"{c.Id} saw the other take's actions and ignored them"));
    }
}
