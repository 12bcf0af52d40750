using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Timing;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Simulated;

public class SimulatedPtpTests(ITestOutputHelper output)
{
    private const long Ms = 1_000_000;

    private static SimulatedCamera Open(int k, Action<SimulatedCameraOptions> configure) =>
        new SimulatedBackend(1, (_, o) => configure(o)).OpenCamera($"sim-{k}");

    private static void Fast(SimulatedCameraOptions o)
    {
        o.PtpInitializingSeconds = 0.05;
        o.PtpListeningSeconds = 0.2;
        o.PtpConvergenceSeconds = 1.0;
    }

    [Fact]
    public void StateMachine_FollowsTheConfiguredPhases_Exactly()
    {
        using var camera = Open(2, Fast);
        var port = camera.Ptp!;
        Assert.Equal(PortState.Disabled, port.StateAt(SharedTimeline.NowNs()));
        camera.Features.SetBoolean("PtpEnable", true);
        long t = port.EnabledAtNs;
        Assert.Equal(PortState.Initializing, port.StateAt(t));
        Assert.Equal(PortState.Initializing, port.StateAt(t + 50 * Ms - 1));
        Assert.Equal(PortState.Listening, port.StateAt(t + 50 * Ms));
        Assert.Equal(PortState.Listening, port.StateAt(t + 250 * Ms - 1));
        Assert.Equal(PortState.Uncalibrated, port.StateAt(t + 250 * Ms));
        Assert.Equal(PortState.Uncalibrated, port.StateAt(t + 1250 * Ms - 1));
        Assert.Equal(PortState.Slave, port.StateAt(t + 1250 * Ms));
        Assert.Equal(t + 1250 * Ms, camera.PtpLockedAtNs);
    }

    [Fact]
    public void Servo_SlewsTheDeviceClockOntoTheMaster_WithinTheConvergenceTime()
    {
        // sim-2 free-runs 3 ms ahead at +2 ppm; the master is the shared timeline plus 5 s.
        using var camera = Open(2, o => { Fast(o); o.PtpMasterOffsetNs = 5_000_000_000; });
        camera.Features.SetBoolean("PtpEnable", true);
        long t = camera.Ptp!.EnabledAtNs;
        long tL = t + 250 * Ms, tS = t + 1250 * Ms;
        long freeAtL = camera.Clock.OffsetAt(tL);
        Assert.InRange(freeAtL, 3 * Ms, 3 * Ms + 10_000); // still free-running while listening
        // Linear slew: halfway through, halfway there; at the end exactly on the master, then at its rate.
        long half = camera.Clock.OffsetAt(tL + 500 * Ms);
        Assert.InRange(half - (freeAtL + 5_000_000_000L) / 2, -2, 2);
        Assert.Equal(5_000_000_000L, camera.Clock.OffsetAt(tS));
        Assert.Equal(5_000_000_000L, camera.Clock.OffsetAt(tS + 3_600_000 * Ms));
        long mid = tL + 700 * Ms;
        Assert.InRange(camera.Clock.ToHostNs(camera.Clock.ToDeviceNs(mid)) - mid, -1, 1);
    }

    [Fact]
    public void FeatureLevel_Run_ReachesSlave_Locked_AndTheLatchReflectsTheConvergedClock()
    {
        using var camera = Open(3, o => { Fast(o); o.PtpGrandmasterIdentity = 0x001122FFFE334455; });
        var f = camera.Features;
        f.SetBoolean("PtpEnable", true);
        long enabledAt = camera.Ptp!.EnabledAtNs;
        var seen = new List<string>();
        var offsets = new List<long>();
        long? slaveAt = null;
        while (SharedTimeline.NowNs() - enabledAt < 5_000 * Ms)
        {
            f.Execute("PtpDataSetLatch");
            string state = f.GetEnumeration("PtpStatus");
            if (seen.Count == 0 || seen[^1] != state)
                seen.Add(state);
            if (state == "Uncalibrated")
                offsets.Add(f.GetInteger("PtpOffsetFromMaster"));
            if (state == "Slave")
            {
                slaveAt = SharedTimeline.NowNs();
                break;
            }
            Thread.Sleep(5);
        }
        Assert.Equal(new[] { "Initializing", "Listening", "Uncalibrated", "Slave" }, seen);
        double seconds = (slaveAt!.Value - enabledAt) / 1e9;
        output.WriteLine($"enable -> Slave: {seconds:F3} s (configured 0.05 + 0.2 + 1.0 = 1.25 s); {offsets.Count} Uncalibrated offsets, first {offsets[0]} ns, last {offsets[^1]} ns");
        Assert.InRange(seconds, 1.25, 1.25 + 1.0); // generous: the poll loop sleeps
        // While Uncalibrated the latched offset shrinks toward 0 (from sim-3's 4.5 ms).
        Assert.True(offsets.Count >= 2);
        Assert.True(Math.Abs(offsets[^1]) < Math.Abs(offsets[0]));
        Assert.InRange(offsets[0], 0, 4_600_000);

        f.Execute("PtpDataSetLatch");
        Assert.Equal("Locked", f.GetEnumeration("PtpServoStatus"));
        Assert.Equal(0, f.GetInteger("PtpOffsetFromMaster"));
        Assert.Equal(0x001122FFFE334455, f.GetInteger("PtpGrandmasterClockID"));
        Assert.Equal(0x001122FFFE334455, f.GetInteger("PtpParentClockID"));
        Assert.Equal(0x025349FFFE000003, f.GetInteger("PtpClockID"));

        long before = SharedTimeline.NowNs();
        f.Execute("TimestampLatch");
        long after = SharedTimeline.NowNs();
        long latched = f.GetInteger("TimestampLatchValue");
        Assert.InRange(latched, before, after); // converged: the device clock reads the shared timeline
    }

    [Fact]
    public void StuckInListening_NeverChoosesAMaster_AndLeavesTheClockAlone()
    {
        using var camera = Open(2, o => { Fast(o); o.PtpBehavior = SimulatedPtpBehavior.StuckInListening; });
        camera.Features.SetBoolean("PtpEnable", true);
        long t = camera.Ptp!.EnabledAtNs;
        Assert.Equal(PortState.Listening, camera.Ptp.StateAt(t + 3_600_000 * Ms));
        Assert.Null(camera.PtpLockedAtNs);
        Assert.InRange(camera.Clock.OffsetAt(t + 10_000 * Ms), 3 * Ms, 3 * Ms + 100_000); // still free at +2 ppm
        Thread.Sleep(300);
        var f = camera.Features;
        f.Execute("PtpDataSetLatch");
        Assert.Equal("Listening", f.GetEnumeration("PtpStatus"));
        Assert.Equal("Unknown", f.GetEnumeration("PtpServoStatus"));
        Assert.Equal(f.GetInteger("PtpClockID"), f.GetInteger("PtpGrandmasterClockID")); // parentDS still itself
    }

    [Fact]
    public void BecomesMaster_GoesThroughPreMaster_AndReportsItselfAsGrandmaster()
    {
        using var camera = Open(1, o => { Fast(o); o.PtpBehavior = SimulatedPtpBehavior.BecomesMaster; });
        camera.Features.SetBoolean("PtpEnable", true);
        long t = camera.Ptp!.EnabledAtNs;
        Assert.Equal(PortState.PreMaster, camera.Ptp.StateAt(t + 250 * Ms));
        Assert.Equal(PortState.Master, camera.Ptp.StateAt(t + 300 * Ms));
        Thread.Sleep(350);
        var f = camera.Features;
        f.Execute("PtpDataSetLatch");
        Assert.Equal("Master", f.GetEnumeration("PtpStatus"));
        Assert.Equal(0x025349FFFE000001, f.GetInteger("PtpGrandmasterClockID"));
        Assert.Equal(0, f.GetInteger("PtpOffsetFromMaster"));
    }

    [Fact]
    public void ResidualOffset_IsReportedLocked_WithTheOffsetAboveTheLimit()
    {
        using var camera = Open(0, o =>
        {
            o.PtpInitializingSeconds = 0; o.PtpListeningSeconds = 0; o.PtpConvergenceSeconds = 0.1;
            o.PtpResidualOffsetNs = 5 * Ms;
        });
        var f = camera.Features;
        f.SetBoolean("PtpEnable", true);
        Thread.Sleep(200);
        f.Execute("PtpDataSetLatch");
        Assert.Equal("Slave", f.GetEnumeration("PtpStatus"));
        Assert.Equal("Locked", f.GetEnumeration("PtpServoStatus"));
        Assert.Equal(5 * Ms, f.GetInteger("PtpOffsetFromMaster"));
    }

    [Fact]
    public void Disable_StopsThePort_AndTheClockRunsOnContinuously()
    {
        using var camera = Open(2, o => { o.PtpInitializingSeconds = 0; o.PtpListeningSeconds = 0; o.PtpConvergenceSeconds = 0.05; });
        var f = camera.Features;
        f.SetBoolean("PtpEnable", true);
        Thread.Sleep(100);
        long before = SharedTimeline.NowNs();
        f.SetBoolean("PtpEnable", false);
        Assert.Equal("Disabled", f.GetEnumeration("PtpStatus"));
        Assert.False(f.GetBoolean("PtpEnable"));
        Assert.InRange(camera.Clock.OffsetAt(before), -1, 1); // it had converged onto the shared timeline
        Assert.Equal(2.0, camera.Clock.DriftPpm); // and drifts freely again
    }

    [Fact]
    public void WithoutPtp_TheCameraHasNoPtpFeatures()
    {
        using var camera = Open(0, o => o.PtpSupported = false);
        Assert.DoesNotContain(camera.Features.ListFeatures(), n => n.StartsWith("Ptp", StringComparison.Ordinal));
        Assert.True(camera.Features.IsAvailable("TimestampLatch"));
        Assert.Null(camera.PtpLockedAtNs);
    }

    [Theory]
    [InlineData(nameof(SimulatedCameraOptions.PtpConvergenceSeconds), 0.0)]
    [InlineData(nameof(SimulatedCameraOptions.PtpListeningSeconds), -1.0)]
    [InlineData(nameof(SimulatedCameraOptions.PtpInitializingSeconds), double.NaN)]
    public void BadPtpOptions_NameTheOption(string name, double value)
    {
        var o = SimulatedBackend.DefaultOptions(0);
        typeof(SimulatedCameraOptions).GetProperty(name)!.SetValue(o, value);
        Assert.Equal(name, Assert.Throws<InvalidCaptureArgumentException>(o.Validate).ParameterName);
    }

    [Fact]
    public void BadResidualAndGrandmaster_NameTheOption()
    {
        var o = SimulatedBackend.DefaultOptions(0);
        o.PtpResidualOffsetNs = 2_000_000_000;
        Assert.Equal("PtpResidualOffsetNs", Assert.Throws<InvalidCaptureArgumentException>(o.Validate).ParameterName);
        o = SimulatedBackend.DefaultOptions(0);
        o.PtpGrandmasterIdentity = 0;
        Assert.Equal("PtpGrandmasterIdentity", Assert.Throws<InvalidCaptureArgumentException>(o.Validate).ParameterName);
    }
}
