using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Timing;
using static PsCamSync.Core.Tests.CameraPtp.DictionaryFeatureMap;
using CamPtp = PsCamSync.Core.Ptp.CameraPtp;

namespace PsCamSync.Core.Tests.CameraPtp;

public class CameraPtpTests
{
    private static SimulatedCamera Open(int k, Action<SimulatedCameraOptions> configure) =>
        new SimulatedBackend(1, (_, o) => configure(o)).OpenCamera($"sim-{k}");

    [Fact]
    public void Sfnc_SimulatedCamera_ReadsListeningThenSlave_WithIdentitiesInIeee1588Text()
    {
        using var camera = Open(2, o =>
        {
            o.PtpInitializingSeconds = 0; o.PtpListeningSeconds = 0.15; o.PtpConvergenceSeconds = 0.3;
            o.PtpGrandmasterIdentity = ClockIdentity.Parse("22be42.fffe.27351d").Value;
        });
        var off = CamPtp.Read(camera, "hostA");
        Assert.Equal(CameraPtpNaming.Sfnc, off.Naming);
        Assert.False(off.Enabled);
        Assert.Equal(PortState.Disabled, off.PortState);

        Assert.True(CamPtp.Enable(camera));
        var listening = CamPtp.Read(camera, "hostA");
        Assert.Equal(("hostA", "sim-2"), (listening.Host, listening.CameraId));
        Assert.True(listening.Enabled);
        Assert.Equal(PortState.Listening, listening.PortState);
        Assert.Equal("Unknown", listening.ServoStatus);
        Assert.Equal("025349.fffe.000002", listening.GrandmasterIdentity); // parentDS starts as the clock itself

        Thread.Sleep(500);
        long before = SharedTimeline.NowNs();
        var slave = CamPtp.Read(camera, "hostA");
        long after = SharedTimeline.NowNs();
        Assert.Equal(PortState.Slave, slave.PortState);
        Assert.Equal("Locked", slave.ServoStatus);
        Assert.Equal(0, slave.OffsetFromMasterNs);
        Assert.Equal("22be42.fffe.27351d", slave.GrandmasterIdentity);
        Assert.Equal("22be42.fffe.27351d", slave.ParentIdentity);
        Assert.False(slave.GrandmasterIsParent);
        Assert.Equal("025349.fffe.000002", slave.ClockIdentity);
        Assert.InRange(slave.SampledAtNs, before, after);
    }

    [Fact]
    public void CameraWithoutPtp_ReportsNamingNone_AndEnableDoesNothing()
    {
        using var camera = Open(0, o => o.PtpSupported = false);
        var s = CamPtp.Read(camera, "hostB");
        Assert.Equal(CameraPtpNaming.None, s.Naming);
        Assert.False(s.Supported);
        Assert.Equal(PortState.Unknown, s.PortState);
        Assert.Null(s.GrandmasterIdentity);
        Assert.False(CamPtp.Enable(camera));
    }

    private static FeatureMapCamera Legacy(string live = "Slave", string latched = "Slave")
    {
        var map = new DictionaryFeatureMap()
            .Set("GevIEEE1588", false)
            .Set("GevIEEE1588Status", new Entry(live))
            .Set("GevIEEE1588StatusLatched", new Entry("Initializing"))
            .Set("GevIEEE1588OffsetFromMaster", 0L)
            .Set("GevIEEE1588ClockId", 0L)
            .Set("GevIEEE1588ParentClockId", 0L);
        map.Command("GevIEEE1588DataSetLatch", () => map
            .Set("GevIEEE1588StatusLatched", new Entry(latched))
            .Set("GevIEEE1588OffsetFromMaster", -1234L)
            .Set("GevIEEE1588ClockId", 0x0030_53FF_FE01_0203L)
            .Set("GevIEEE1588ParentClockId", 0x22BE_42FF_FE27_351DL));
        return new FeatureMapCamera("basler-1", map);
    }

    [Fact]
    public void LegacyNames_LatchFirst_PreferTheLatchedStatus_AndTakeTheParentAsGrandmaster()
    {
        var camera = Legacy(live: "Uncalibrated", latched: "Slave");
        Assert.True(CamPtp.Enable(camera));
        Assert.True(camera.Map.GetBoolean("GevIEEE1588"));

        var s = CamPtp.Read(camera, "hostC");
        Assert.Equal(new[] { "GevIEEE1588DataSetLatch" }, camera.Map.Executed);
        Assert.Equal(CameraPtpNaming.GevIEEE1588, s.Naming);
        Assert.True(s.Enabled);
        Assert.Equal(PortState.Slave, s.PortState); // the latched one, not the live Uncalibrated
        Assert.Null(s.ServoStatus);
        Assert.Equal(-1234, s.OffsetFromMasterNs);
        Assert.Equal("003053.fffe.010203", s.ClockIdentity);
        Assert.Equal("22be42.fffe.27351d", s.GrandmasterIdentity);
        Assert.True(s.GrandmasterIsParent);
    }

    [Fact]
    public void LegacyNames_WithoutLatchedStatus_UseTheLiveStatus()
    {
        var map = new DictionaryFeatureMap().Set("GevIEEE1588", true).Set("GevIEEE1588Status", new Entry("Listening"));
        var s = CamPtp.Read(new FeatureMapCamera("flir-2", map), "h");
        Assert.Equal(PortState.Listening, s.PortState);
        Assert.Null(s.OffsetFromMasterNs);
        Assert.Null(s.GrandmasterIdentity);
        Assert.False(s.GrandmasterIsParent);
        Assert.Equal(CameraPtpNaming.GevIEEE1588, s.Naming);
    }

    [Fact]
    public void FailingFeature_PropagatesFeatureException_WithTheCameraId()
    {
        var camera = Legacy();
        camera.Map.Failing.Add("GevIEEE1588OffsetFromMaster");
        var e = Assert.Throws<FeatureException>(() => CamPtp.Read(camera, "h"));
        Assert.Equal("GevIEEE1588OffsetFromMaster", e.FeatureName);
        Assert.StartsWith("basler-1: ", e.Message);
        Assert.Contains("GVCP timeout", e.Message);
    }

    [Theory]
    [InlineData("Initializing", PortState.Initializing)]
    [InlineData("Faulty", PortState.Faulty)]
    [InlineData("Disabled", PortState.Disabled)]
    [InlineData("Listening", PortState.Listening)]
    [InlineData("PreMaster", PortState.PreMaster)]
    [InlineData("Pre_Master", PortState.PreMaster)]
    [InlineData("Master", PortState.Master)]
    [InlineData("Passive", PortState.Passive)]
    [InlineData("Uncalibrated", PortState.Uncalibrated)]
    [InlineData("slave", PortState.Slave)]
    [InlineData("Todo", PortState.Unknown)]
    [InlineData(null, PortState.Unknown)]
    public void StatusEntries_MapToIeee1588States(string? entry, PortState expected) =>
        Assert.Equal(expected, CamPtp.ParseState(entry));

    [Fact]
    public void EverySimulatedStatusEntry_Parses()
    {
        foreach (var entry in SimulatedPtpPort.StatusEntries)
            Assert.NotEqual(PortState.Unknown, CamPtp.ParseState(entry));
    }
}
