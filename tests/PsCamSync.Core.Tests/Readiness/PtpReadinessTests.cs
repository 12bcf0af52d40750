using System.Diagnostics;
using PsCamSync.Core.Ptp;
using Xunit.Abstractions;
using static PsCamSync.Core.Tests.Readiness.ReadinessStatuses;

namespace PsCamSync.Core.Tests.Readiness;

/// <summary>The verdict over hand-built host and camera states.</summary>
public class PtpReadinessTests(ITestOutputHelper output)
{
    private static readonly PtpReadinessCriteria Criteria = new() { MaxOffsetNs = 1_000 };

    private static PtpSyncResult Eval(PtpSyncSnapshot s, IReadOnlyList<HostPtpStatus>? others = null, PtpReadinessCriteria? c = null) =>
        PtpReadiness.Evaluate(s, c ?? Criteria, others);

    [Fact]
    public void One_grandmaster_and_slaves_with_their_cameras_is_Ready()
    {
        var r = Eval(Snap(Slave("h1", "111111.fffe.111111"), Camera("c0"), Camera("c1", offsetNs: -900)), [Grandmaster(), Slave("h2", "222222.fffe.222222")]);
        Assert.Equal(PtpSyncVerdict.Ready, r.Verdict);
        Assert.Empty(r.Hints);
        Assert.True(r.IsReady);
        Assert.Equal("h1", r.Host);
        Assert.Equal(PtpRole.Slave, r.Role);
        Assert.Equal(GmId, r.GrandmasterIdentity);
        Assert.Equal(800, r.OffsetFromMasterNs);
        Assert.Equal(12_000, r.MeanPathDelayNs);
        Assert.True(r.GmPresent);
        Assert.Equal(2, r.Cameras.Length);
        Assert.Equal(1_000, r.MaxOffsetNs);

        var gm = Eval(Snap(Grandmaster(), Camera("c2", host: "gm")));
        Assert.Equal(PtpSyncVerdict.Ready, gm.Verdict);
        Assert.Equal(PtpRole.Grandmaster, gm.Role);
    }

    [Fact]
    public void Two_masters_across_hosts_give_the_multiple_masters_hint_on_each()
    {
        var a = Grandmaster("a", GmId);
        var b = Grandmaster("b", OtherGmId);
        var results = PtpReadiness.EvaluateRig([PtpSyncSnapshot.Of(a), PtpSyncSnapshot.Of(b)], Criteria);
        foreach (var r in results)
        {
            Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
            var hint = Assert.Single(r.Hints);
            Assert.StartsWith("multiple masters in domain 0", hint);
            Assert.Contains(GmId, hint);
            Assert.Contains(OtherGmId, hint);
            Assert.Contains("slaveOnly", hint);
        }
        // alone, each is a fine grandmaster: the hint comes from the rig view
        Assert.Equal(PtpSyncVerdict.Ready, Eval(PtpSyncSnapshot.Of(a)).Verdict);
    }

    [Fact]
    public void A_camera_claiming_master_beside_the_hosts_grandmaster_is_a_second_master()
    {
        var r = Eval(Snap(Slave("h1", "111111.fffe.111111"), Camera("c0"), Camera("c1", PortState.Master, offsetNs: null, gm: null)));
        Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
        Assert.Contains(r.Hints, h => h.StartsWith("multiple masters", StringComparison.Ordinal) && h.Contains("camera c1 on h1"));
    }

    [Fact]
    public void A_host_hearing_no_master_gets_the_no_master_hint()
    {
        var r = Eval(Snap(Listening("h1", "111111.fffe.111111")));
        Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
        var hint = Assert.Single(r.Hints);
        Assert.StartsWith("no master", hint);
        Assert.Contains("LISTENING", hint);
    }

    [Fact]
    public void A_camera_stuck_in_Listening_blocks_and_says_which()
    {
        var r = Eval(Snap(Slave("h1", "111111.fffe.111111"), Camera("c0"), Camera("c7", PortState.Listening, offsetNs: null, gm: null)));
        Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
        var hint = Assert.Single(r.Hints);
        Assert.Contains("camera c7 on h1 is stuck in LISTENING", hint);
    }

    [Theory]
    [InlineData(1_001, true)]
    [InlineData(-1_001, true)]
    [InlineData(1_000, false)]
    [InlineData(-1_000, false)]
    public void An_offset_above_the_limit_blocks_on_host_and_camera(long offsetNs, bool blocks)
    {
        var host = Eval(Snap(Slave("h1", "111111.fffe.111111", offsetNs)));
        var cam = Eval(Snap(Slave("h1", "111111.fffe.111111"), Camera("c0", offsetNs: offsetNs)));
        Assert.Equal(blocks ? PtpSyncVerdict.NotReady : PtpSyncVerdict.Ready, host.Verdict);
        Assert.Equal(blocks ? PtpSyncVerdict.NotReady : PtpSyncVerdict.Ready, cam.Verdict);
        if (blocks)
        {
            Assert.StartsWith("offset above the limit on h1", Assert.Single(host.Hints));
            Assert.StartsWith("offset above the limit on camera c0", Assert.Single(cam.Hints));
            Assert.Contains("-MaxOffset 1 µs", host.Hints[0]);
        }
    }

    [Fact]
    public void A_camera_following_another_grandmaster_is_a_domain_mismatch()
    {
        var r = Eval(Snap(Slave("h1", "111111.fffe.111111"), Camera("c0"), Camera("c1", gm: OtherGmId)));
        Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
        var hint = Assert.Single(r.Hints);
        Assert.StartsWith("domain mismatch", hint);
        Assert.Contains($"{OtherGmId} ← camera c1", hint);
        Assert.Contains($"{GmId} ← host h1, camera c0", hint);
    }

    [Fact]
    public void Another_host_following_another_grandmaster_is_a_mismatch_in_the_rig_view()
    {
        var r = Eval(Snap(Slave("h1", "111111.fffe.111111")), [Slave("h2", "222222.fffe.222222", gm: OtherGmId)]);
        Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
        Assert.Contains(r.Hints, h => h.Contains($"{OtherGmId} ← host h2"));
    }

    [Fact]
    public void Expected_domain_and_grandmaster_are_checked()
    {
        var r = Eval(Snap(Slave("h1", "111111.fffe.111111", domain: 3)), c: Criteria with { ExpectedDomain = 0, ExpectedGrandmaster = OtherGmId });
        Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
        Assert.Contains(r.Hints, h => h.StartsWith("domain mismatch on h1: ptp4l runs domainNumber 3, the rig uses 0", StringComparison.Ordinal));
        Assert.Contains(r.Hints, h => h.Contains($"not the expected {OtherGmId}"));
        Assert.Equal(PtpSyncVerdict.Ready, Eval(Snap(Slave("h1", "111111.fffe.111111")), c: Criteria with { ExpectedDomain = 0, ExpectedGrandmaster = GmId.ToUpperInvariant() }).Verdict);
    }

    [Fact]
    public void Unreachable_ptp4l_is_Error_with_the_socket_and_the_fix()
    {
        var error = new PtpDaemonUnreachableException("/run/nope", "No ptp4l listens on '/run/nope'.");
        var r = Eval(PtpSyncSnapshot.Unreachable("h1", "/run/nope", error, [Camera("c0")]));
        Assert.Equal(PtpSyncVerdict.Error, r.Verdict);
        Assert.False(r.IsReady);
        Assert.Equal(PtpRole.Unknown, r.Role);
        Assert.Null(r.Status);
        var hint = Assert.Single(r.Hints);
        Assert.StartsWith("ptp4l unreachable on h1 at '/run/nope'", hint);
        Assert.Contains("-SocketPath", hint);
        Assert.Single(r.Cameras);

        var timeout = Eval(PtpSyncSnapshot.Unreachable("h1", "/run/p", new PtpManagementTimeoutException("/run/p", ManagementId.DefaultDataSet, 100, 0)));
        Assert.Contains("-DomainNumber", Assert.Single(timeout.Hints));
    }

    [Fact]
    public void Hardware_timestamping_without_phc2sys_blocks_and_with_it_passes()
    {
        var hw = Slave("h1", "111111.fffe.111111") with { Timestamping = TimestampingMode.Hardware, Interface = "enp3s0" };
        var r = Eval(Snap(hw with { Phc2sysRunning = false }));
        Assert.Contains("phc2sys -s enp3s0 -c CLOCK_REALTIME", Assert.Single(r.Hints));
        Assert.Equal(PtpSyncVerdict.Ready, Eval(Snap(hw with { Phc2sysRunning = true })).Verdict);
        Assert.Equal(PtpSyncVerdict.Ready, Eval(Snap(hw with { Phc2sysRunning = null })).Verdict); // unknown: not blamed
    }

    [Fact]
    public void Cameras_without_PTP_never_block_and_disabled_or_unreadable_ones_do()
    {
        var host = Slave("h1", "111111.fffe.111111");
        var none = new CameraPtpStatus("h1", "usb0", CameraPtpNaming.None, false, PortState.Unknown, null, null, null, null, 0);
        Assert.Equal(PtpSyncVerdict.Ready, Eval(Snap(host, none)).Verdict);

        var off = Eval(Snap(host, Camera("c0", PortState.Disabled, enabled: false, naming: CameraPtpNaming.GevIEEE1588)));
        Assert.Contains("GevIEEE1588 = false", Assert.Single(off.Hints));

        var unreadable = Eval(PtpSyncSnapshot.Of(host) with { CameraErrors = new Dictionary<string, string> { ["c9"] = "gone" } });
        Assert.Equal(PtpSyncVerdict.NotReady, unreadable.Verdict);
        Assert.StartsWith("camera c9: its PTP state could not be read (gone)", Assert.Single(unreadable.Hints));
    }

    [Fact]
    public void Uncalibrated_and_other_host_states_block_with_a_hint_each()
    {
        foreach (var (role, state) in new[] { (PtpRole.Uncalibrated, PortState.Uncalibrated), (PtpRole.Faulty, PortState.Faulty),
                     (PtpRole.PreMaster, PortState.PreMaster), (PtpRole.Passive, PortState.Passive), (PtpRole.Unknown, PortState.Unknown) })
        {
            var r = Eval(Snap(Slave("h1", "111111.fffe.111111") with { Role = role, PortState = state, PortStates = [state] }));
            Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
            Assert.Contains("h1", Assert.Single(r.Hints));
        }
    }

    [Fact]
    public void Negative_MaxOffset_and_a_malformed_grandmaster_name_their_parameter()
    {
        var s = Snap(Slave("h1", "111111.fffe.111111"));
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => Eval(s, c: new PtpReadinessCriteria { MaxOffsetNs = -1 }));
        Assert.Equal("MaxOffset", e.ParameterName);
        Assert.Equal("Grandmaster", Assert.Throws<InvalidCaptureArgumentException>(
            () => Eval(s, c: new PtpReadinessCriteria { ExpectedGrandmaster = "not-an-id" })).ParameterName);
        Assert.Equal("DomainNumber", Assert.Throws<InvalidCaptureArgumentException>(
            () => Eval(s, c: new PtpReadinessCriteria { ExpectedDomain = 256 })).ParameterName);
    }

    [Fact]
    public void Evaluation_cost_is_reported()
    {
        var cams = Enumerable.Range(0, 16).Select(i => Camera("c" + i)).ToArray();
        var snap = Snap(Slave("h1", "111111.fffe.111111"), cams);
        var others = Enumerable.Range(0, 8).Select(i => Slave("o" + i, $"{i:x6}.fffe.000000")).Append(Grandmaster()).ToList();
        for (int i = 0; i < 200; i++)
            Assert.True(Eval(snap, others).IsReady); // warm up
        const int n = 5_000;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
            Eval(snap, others);
        output.WriteLine($"Evaluate, 1 host + 16 cameras + 9 other hosts: {sw.Elapsed.TotalMilliseconds * 1000 / n:F2} µs per verdict (n={n})");
    }
}
