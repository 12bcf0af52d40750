using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Tests.Ptp;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using Xunit.Abstractions;
using CamPtp = global::PsCamSync.Core.Ptp.CameraPtp;

namespace PsCamSync.Core.Tests.CameraPtp;

/// <summary>
/// How Get-CameraTimestampDelta chooses each camera's timescale mapping (<see cref="TimestampDeltaPlan"/>): from the
/// camera's PTP state and ptp4l's TIME_PROPERTIES_DATA_SET, with a note for every choice and a warning for every
/// fallback that may be wrong.
/// </summary>
public class TimestampDeltaPlanTests
{
    private const long Ms = 1_000_000;

    private static string MissingSocket() => Path.Combine(Path.GetTempPath(), "pscamsync-no-ptp4l-" + Guid.NewGuid().ToString("N"));

    private static SimulatedCamera SlaveOfTaiGrandmaster(string id)
    {
        var camera = new SimulatedBackend(2, (_, o) =>
        {
            o.PtpInitializingSeconds = 0; o.PtpListeningSeconds = 0; o.PtpConvergenceSeconds = 0.1; o.PtpMasterOffsetNs = 37_000_000_000;
        }).OpenCamera(id);
        CamPtp.Enable(camera);
        Thread.Sleep(200);
        return camera;
    }

    [Fact]
    public void NoSocketAtTheDefaultPath_CamerasWithoutPtpFollowing_AreIdentity_WithNotesAndNoWarning()
    {
        var backend = new SimulatedBackend(2);
        using var sim0 = backend.OpenCamera("sim-0");
        using var sim1 = backend.OpenCamera("sim-1");
        string missing = MissingSocket();
        var plan = TimestampDeltaPlan.Prepare("h", [sim0, sim1], socketPath: null, defaultSocketPath: missing);

        Assert.Null(plan.SocketPath);
        Assert.Null(plan.TimeProperties);
        Assert.Null(plan.Ptp4lError);
        Assert.Empty(plan.Warnings);
        Assert.Equal(new[] { "sim-0", "sim-1" }, plan.Cameras.Select(c => c.CameraId));
        Assert.All(plan.Cameras, c => Assert.Equal(("Identity", 0L), (c.Mapping.Name, c.Mapping.SubtractNs)));
        Assert.All(plan.Cameras, c => Assert.False(c.FollowsPtp)); // PTP not enabled: the port is disabled
        Assert.Contains(plan.Notes, n => n.Contains($"no ptp4l socket at {missing}", StringComparison.Ordinal));
        Assert.Contains(plan.Notes, n => n.StartsWith("Camera 'sim-1': mapping Identity", StringComparison.Ordinal));
        Assert.Equal("Identity", plan.MappingFor(sim1).Name);
    }

    [Fact]
    public void AGivenSocketThatIsMissing_IsAWarning_AndEveryCameraIsIdentity()
    {
        using var sim = new SimulatedBackend(1).OpenCamera("sim-0");
        string missing = MissingSocket();
        var plan = TimestampDeltaPlan.Prepare("h", [sim], socketPath: missing);

        Assert.Equal(missing, plan.SocketPath);
        Assert.IsType<PtpDaemonUnreachableException>(plan.Ptp4lError);
        Assert.Null(plan.TimeProperties);
        var warning = Assert.Single(plan.Warnings);
        Assert.StartsWith($"Timescale: ptp4l at {missing} could not be read", warning);
        Assert.Equal("Identity", plan.MappingFor(sim).Name);
    }

    [Fact]
    public void ACameraFollowingPtp_WithTheTimescaleUnknown_IsWarnedAbout_AndMeasuresOff37s()
    {
        using var camera = SlaveOfTaiGrandmaster("sim-1");
        var plan = TimestampDeltaPlan.Prepare("h", [camera], socketPath: null, defaultSocketPath: MissingSocket());

        var c = Assert.Single(plan.Cameras);
        Assert.True(c.FollowsPtp);
        Assert.Equal(PortState.Slave, c.Ptp!.PortState);
        var warning = Assert.Single(plan.Warnings);
        Assert.StartsWith("Camera 'sim-1' follows PTP (Slave) but the domain's timescale is unknown", warning);
        Assert.Contains("37 s", warning);
        var r = TimestampDeltaMeter.Measure("h", [camera], new TimestampDeltaOptions(), plan.MappingFor).Single();
        Assert.Equal((TimestampDeltaVerdict.Fail, "Identity"), (r.Verdict, r.Mapping));
        Assert.InRange(r.DeltaNs, 37_000_000_000 - r.UncertaintyNs - 2, 37_000_000_000 + r.UncertaintyNs + 2);
    }

    [Fact]
    public void ATaiDomain_MapsTheFollowingCameraOnly_AndItsDeltaComesBackToZero()
    {
        using var slave = SlaveOfTaiGrandmaster("sim-1");
        using var free = new SimulatedBackend(1, (_, o) => o.PtpSupported = false).OpenCamera("sim-0");
        var tai = new TimePropertiesDataSet { CurrentUtcOffset = 37, Flags = TimePropertiesDataSet.PtpTimescaleFlag | TimePropertiesDataSet.CurrentUtcOffsetValidFlag };
        var states = new List<(string, CameraPtpStatus?, string?)> { ("sim-0", CamPtp.Read(free, "h"), null), ("sim-1", CamPtp.Read(slave, "h"), null) };
        var plan = TimestampDeltaPlan.Decide(states, "/run/ptp4l-test", "/var/run/ptp4l", tai, null);

        Assert.Empty(plan.Warnings);
        Assert.Equal(("Identity", "TaiToUtc"), (plan.MappingFor(free).Name, plan.MappingFor(slave).Name));
        Assert.Equal(37_000_000_000, plan.MappingFor(slave).SubtractNs);
        Assert.Contains(plan.Notes, n => n.Contains("ptpTimescale True, currentUtcOffset 37 s", StringComparison.Ordinal));
        Assert.Contains(plan.Notes, n => n.StartsWith("Camera 'sim-0': mapping Identity: the camera has no PTP", StringComparison.Ordinal));

        var results = TimestampDeltaMeter.Measure("h", [free, slave], new TimestampDeltaOptions(), plan.MappingFor);
        Assert.Equal(new[] { TimestampDeltaVerdict.Pass, TimestampDeltaVerdict.Pass }, results.Select(r => r.Verdict));
        Assert.Equal(("TaiToUtc", 37_000_000_000L), (results[1].Mapping, results[1].MappingSubtractNs));
        Assert.InRange(results[1].DeltaNs, -results[1].UncertaintyNs - 2, results[1].UncertaintyNs + 2);
    }

    [Fact]
    public void AGivenSocketThatFails_WithNoCameraFollowing_IsStillAWarning_ButTheDefaultOneIsANote()
    {
        var states = new List<(string, CameraPtpStatus?, string?)> { ("c", null, "PtpStatus: GVCP timeout") };
        var error = new PtpDaemonUnreachableException("/var/run/ptp4l", "nobody listens on /var/run/ptp4l.");
        var byDefault = TimestampDeltaPlan.Decide(states, "/var/run/ptp4l", "/var/run/ptp4l", null, error);
        Assert.DoesNotContain(byDefault.Warnings, w => w.StartsWith("Timescale:", StringComparison.Ordinal));
        Assert.Contains(byDefault.Notes, n => n.Contains("could not be read: nobody listens", StringComparison.Ordinal));
        var given = TimestampDeltaPlan.Decide(states, "/var/run/ptp4l", "/var/run/ptp4l", null, error, socketPathGiven: true);
        Assert.Contains(given.Warnings, w => w.StartsWith("Timescale: ptp4l at /var/run/ptp4l could not be read", StringComparison.Ordinal));
    }

    [Fact]
    public void ACameraWhosePtpStateCannotBeRead_IsIdentity_WithAWarningNamingIt()
    {
        var map = new DictionaryFeatureMap()
            .Set("PtpEnable", true).Set("PtpStatus", new DictionaryFeatureMap.Entry("Slave"))
            .Command("PtpDataSetLatch", () => { });
        map.Failing.Add("PtpStatus");
        var camera = new FeatureMapCamera("gev-7", map);
        var plan = TimestampDeltaPlan.Prepare("h", [camera], socketPath: null, defaultSocketPath: MissingSocket());

        var c = Assert.Single(plan.Cameras);
        Assert.Null(c.Ptp);
        Assert.Equal("Identity", c.Mapping.Name);
        Assert.Contains("GVCP timeout", c.Mapping.Reason);
        var warning = Assert.Single(plan.Warnings);
        Assert.StartsWith("Camera 'gev-7': its PTP state could not be read", warning);
    }

    [Fact]
    public void EmptySocketPath_NamesSocketPath()
    {
        using var sim = new SimulatedBackend(1).OpenCamera("sim-0");
        Assert.Equal("SocketPath", Assert.Throws<InvalidCaptureArgumentException>(() => TimestampDeltaPlan.Prepare("h", [sim], " ")).ParameterName);
    }

    [Fact]
    public void TheMeter_ReportsEachRound_ForTheProgressBar()
    {
        using var sim = new SimulatedBackend(1).OpenCamera("sim-0");
        var rounds = new List<int>();
        var r = TimestampDeltaMeter.Measure("h", [sim], new TimestampDeltaOptions { Samples = 4, IntervalNs = 0 }, null, default, rounds.Add).Single();
        Assert.Equal(new[] { 1, 2, 3, 4 }, rounds);
        Assert.Equal(4, r.Samples);
    }
}

/// <summary>The plan against a real ptp4l (the shared <see cref="Ptp4lNetwork"/>'s grandmaster A0, software timestamping).</summary>
[Collection(Ptp4lCollection.Name)]
public class TimestampDeltaPlanPtp4lTests(Ptp4lNetwork fixture, ITestOutputHelper output)
{
    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void TimeProperties_AreReadFromPtp4l_WithTheDomainDetected_AndDecideEachCamerasMapping()
    {
        var net = fixture.Ready();
        TimePropertiesDataSet direct;
        using (var client = net.A0.Client())
            direct = client.GetTimePropertiesDataSet();

        var backend = new SimulatedBackend(2, (k, o) =>
        {
            o.PtpSupported = k == 1;
            o.PtpInitializingSeconds = 0; o.PtpListeningSeconds = 0; o.PtpConvergenceSeconds = 0.1;
        });
        using var free = backend.OpenCamera("sim-0");
        using var slave = backend.OpenCamera("sim-1");
        CamPtp.Enable(slave);
        Thread.Sleep(200);
        var plan = TimestampDeltaPlan.Prepare("h", [free, slave], net.A0.SocketPath);
        output.WriteLine(string.Join("\n", plan.Notes.Concat(plan.Warnings)));

        Assert.Null(plan.Ptp4lError);
        Assert.Empty(plan.Warnings);
        Assert.Equal(direct, plan.TimeProperties); // domain 37 found without being told
        Assert.Equal(TimescaleMapping.For(direct, plan.Cameras[1].Ptp), plan.MappingFor(slave));
        Assert.Equal("Identity", plan.MappingFor(free).Name);
        Assert.Contains(plan.Notes, n => n.StartsWith($"Timescale: ptp4l at {net.A0.SocketPath}: ptpTimescale {direct.PtpTimescale}", StringComparison.Ordinal));
    }
}
