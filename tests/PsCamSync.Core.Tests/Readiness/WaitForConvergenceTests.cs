using System.Diagnostics;
using PsCamSync.Core.Ptp;
using static PsCamSync.Core.Tests.Readiness.ReadinessStatuses;

namespace PsCamSync.Core.Tests.Readiness;

/// <summary>The poll loop: converges, times out with a hint, stops on Error, cancels, rejects bad input.</summary>
public class WaitForConvergenceTests
{
    private static readonly PtpReadinessCriteria Criteria = new() { MaxOffsetNs = 1_000 };
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void Returns_Ready_once_the_servo_settles_and_reports_progress()
    {
        // offset halves every poll: 64 µs, 32 µs, ... 1 µs (at the limit) at the 7th snapshot
        long offset = 64_000;
        int reads = 0;
        var seen = new List<PtpSyncVerdict>();
        var r = PtpReadiness.WaitForConvergence(() => { reads++; var s = Snap(Slave("h1", "111111.fffe.111111", offset)); offset /= 2; return s; },
            Criteria, TimeSpan.FromSeconds(30), Poll, (res, _) => seen.Add(res.Verdict), CancellationToken.None);
        Assert.Equal(PtpSyncVerdict.Ready, r.Verdict);
        Assert.Equal(7, reads);
        Assert.Equal(Enumerable.Repeat(PtpSyncVerdict.NotReady, 6).Append(PtpSyncVerdict.Ready), seen);
        Assert.Equal(1_000, r.OffsetFromMasterNs); // at the limit is within it
        Assert.InRange(r.WaitedNs, 6 * 10_000_000L, 30_000_000_000L);
    }

    [Fact]
    public void Times_out_as_NotReady_with_the_last_hints_and_a_timeout_hint()
    {
        var sw = Stopwatch.StartNew();
        var r = PtpReadiness.WaitForConvergence(() => Snap(Listening("h1", "111111.fffe.111111")), Criteria,
            TimeSpan.FromMilliseconds(200), Poll, null, CancellationToken.None);
        Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
        Assert.Equal(2, r.Hints.Length);
        Assert.StartsWith("no master", r.Hints[0]);
        Assert.StartsWith("not converged within 0.2 s", r.Hints[1]);
        Assert.InRange(sw.ElapsedMilliseconds, 200, 10_000);
    }

    [Fact]
    public void Timeout_zero_evaluates_once()
    {
        int reads = 0;
        var r = PtpReadiness.WaitForConvergence(() => { reads++; return Snap(Listening("h1", "111111.fffe.111111")); }, Criteria,
            TimeSpan.Zero, Poll, null, CancellationToken.None);
        Assert.Equal(1, reads);
        Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
    }

    [Fact]
    public void Stops_at_once_on_Error()
    {
        int reads = 0;
        var r = PtpReadiness.WaitForConvergence(() =>
        {
            reads++;
            return PtpSyncSnapshot.Unreachable("h1", "/run/x", new PtpDaemonUnreachableException("/run/x", "gone"));
        }, Criteria, TimeSpan.FromSeconds(30), Poll, null, CancellationToken.None);
        Assert.Equal(PtpSyncVerdict.Error, r.Verdict);
        Assert.Equal(1, reads);
    }

    [Fact]
    public void Cancellation_ends_the_wait_promptly()
    {
        using var cts = new CancellationTokenSource();
        int reads = 0;
        var sw = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => PtpReadiness.WaitForConvergence(() =>
        {
            if (++reads == 3)
                cts.CancelAfter(50);
            return Snap(Listening("h1", "111111.fffe.111111"));
        }, Criteria, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5), null, cts.Token));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"cancel took {sw.Elapsed}");
        Assert.Equal(3, reads);
    }

    [Fact]
    public void Negative_timeout_and_MaxOffset_name_their_parameter()
    {
        Func<PtpSyncSnapshot> read = () => throw new InvalidOperationException("must not be read");
        var t = Assert.Throws<InvalidCaptureArgumentException>(() =>
            PtpReadiness.WaitForConvergence(read, Criteria, TimeSpan.FromSeconds(-1), Poll, null, CancellationToken.None));
        Assert.Equal("Timeout", t.ParameterName);
        Assert.Contains("-Timeout", t.Message);
        var m = Assert.Throws<InvalidCaptureArgumentException>(() =>
            PtpReadiness.WaitForConvergence(read, new PtpReadinessCriteria { MaxOffsetNs = -5 }, TimeSpan.FromSeconds(1), Poll, null, CancellationToken.None));
        Assert.Equal("MaxOffset", m.ParameterName);
        Assert.Equal("PollInterval", Assert.Throws<InvalidCaptureArgumentException>(() =>
            PtpReadiness.WaitForConvergence(read, Criteria, TimeSpan.FromSeconds(1), TimeSpan.Zero, null, CancellationToken.None)).ParameterName);
    }

    [Fact]
    public void The_probe_records_a_missing_socket_as_Error_and_camera_read_errors_as_hints()
    {
        string missing = Path.Combine(Path.GetTempPath(), "pscamsync-noptp4l-" + Guid.NewGuid().ToString("N")[..8]);
        using var probe = new PtpReadinessProbe(missing, 0, 200,
        [
            ("c0", () => Camera("c0")),
            ("c1", () => throw new CameraException("c1", "camera c1 disappeared")),
        ]) { Host = "h1" };
        var snap = probe.Read();
        Assert.Null(snap.Status);
        Assert.IsType<PtpDaemonUnreachableException>(snap.HostError);
        Assert.Single(snap.Cameras);
        Assert.Equal("camera c1 disappeared", snap.CameraErrors!["c1"]);
        var r = PtpReadiness.Evaluate(snap, Criteria);
        Assert.Equal(PtpSyncVerdict.Error, r.Verdict);
        Assert.Contains(missing, r.Hints[0]);
        Assert.Contains(r.Hints, h => h.StartsWith("camera c1", StringComparison.Ordinal));

        Assert.Equal("DomainNumber", Assert.Throws<InvalidCaptureArgumentException>(() => new PtpReadinessProbe(missing, 300, 100, [])).ParameterName);
        Assert.Equal("SocketPath", Assert.Throws<InvalidCaptureArgumentException>(() => new PtpReadinessProbe(" ", 0, 100, [])).ParameterName);
    }
}
