using System.Diagnostics;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Tests.Ptp;
using PsCamSync.Core.Tests.Support;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Readiness;

/// <summary>
/// The verdict against real ptp4l daemons in network namespaces (the shared <see cref="Ptp4lNetwork"/>: its group A
/// converges once per run). Tests that kill or add daemons start their own instances on their own domains (L2, so
/// they share a namespace's interface with the fixture's), and the fixture stops them by PID at the end.
/// </summary>
[Collection(Ptp4lCollection.Name)]
public class PtpReadinessPtp4lTests(Ptp4lNetwork fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private static PtpReadinessProbe Probe(Ptp4lInstance i, int? domain = null) =>
        new(i.SocketPath, domain, 1000, []) { Host = i.Name };

    private static string IdentityOf(Ptp4lInstance i)
    {
        using var c = i.Client();
        return c.GetDefaultDataSet().ClockIdentity.ToString();
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void A_grandmaster_and_two_slaves_are_Ready_host_by_host_and_as_a_rig()
    {
        var net = fixture.Ready();
        string gm = IdentityOf(net.A0);
        var criteria = new PtpReadinessCriteria { ExpectedGrandmaster = gm, ExpectedDomain = Ptp4lNetwork.DomainA };
        var snapshots = new List<PtpSyncSnapshot>();
        foreach (var inst in new[] { net.A1, net.A2 })
        {
            using var probe = Probe(inst); // domain detected
            var sw = Stopwatch.StartNew();
            var r = PtpReadiness.WaitForConvergence(probe.Read, criteria, TimeSpan.FromSeconds(30), Poll, null, CancellationToken.None);
            output.WriteLine($"{inst.Name}: {r.Verdict} after {sw.ElapsedMilliseconds} ms of waiting; offset {r.OffsetFromMasterNs} ns, " +
                             $"delay {r.MeanPathDelayNs} ns; hints: {string.Join(" | ", r.Hints)}");
            Assert.True(r.IsReady, string.Join("\n", r.Hints) + "\n" + inst.LogTail());
            Assert.Equal(inst.Name, r.Host);
            Assert.Equal(PtpRole.Slave, r.Role);
            Assert.Equal(gm, r.GrandmasterIdentity);
            Assert.Equal(Ptp4lNetwork.DomainA, r.Domain);
            Assert.True(r.GmPresent);
            Assert.Equal(Ptp4lNetwork.DomainA, probe.DomainNumber);
            snapshots.Add(probe.Read());
        }
        using (var gmProbe = Probe(net.A0, Ptp4lNetwork.DomainA))
            snapshots.Insert(0, gmProbe.Read());
        var rig = PtpReadiness.EvaluateRig(snapshots, criteria);
        Assert.All(rig, r => Assert.True(r.IsReady, r.Host + ": " + string.Join("\n", r.Hints)));
        Assert.Equal(PtpRole.Grandmaster, rig[0].Role);

        var tight = PtpReadiness.Evaluate(snapshots[1], criteria with { MaxOffsetNs = 0 });
        if (snapshots[1].Status!.OffsetFromMasterNs != 0)
            Assert.Contains(tight.Hints, h => h.StartsWith("offset above the limit on A1", StringComparison.Ordinal));
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void A_slave_converges_to_Ready_and_killing_its_grandmaster_changes_the_verdict()
    {
        var net = fixture.Ready();
        const int domain = 40;
        var d0 = net.StartPtp4l("R0", 0, domain, 100, "network_transport L2");
        var d1 = net.StartPtp4l("R1", 2, domain, 200, "network_transport L2", "free_running 1");
        try
        {
            WaitUntil(() => Answers(d0) && Answers(d1), TimeSpan.FromSeconds(20), "R0/R1 sockets");
            string answer = ToolRunner.Pmc(d1.SocketPath, domain, "SET SYNCHRONIZATION_UNCERTAIN_NP 0");
            Assert.Contains("uncertain 0", answer);
            string gm = IdentityOf(d0);
            var criteria = new PtpReadinessCriteria { ExpectedGrandmaster = gm };

            using var slave = Probe(d1, domain);
            var progress = new List<PtpSyncVerdict>();
            var ready = PtpReadiness.WaitForConvergence(slave.Read, criteria, TimeSpan.FromSeconds(60), Poll,
                (r, _) => progress.Add(r.Verdict), CancellationToken.None);
            output.WriteLine($"R1 Ready {d1.SinceStart.ElapsedMilliseconds} ms after ptp4l started ({progress.Count} polls, " +
                             $"{progress.Count(v => v == PtpSyncVerdict.NotReady)} NotReady); offset {ready.OffsetFromMasterNs} ns");
            Assert.True(ready.IsReady, string.Join("\n", ready.Hints) + "\n" + d1.LogTail());

            Ptp4lNetwork.Stop(d0, ToolRunner.SIGKILL);
            var sw = Stopwatch.StartNew();
            var after = PtpReadiness.WaitForConvergence(() => slave.Read(), criteria, TimeSpan.Zero, Poll, null, CancellationToken.None);
            while (after.IsReady && sw.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(200);
                after = PtpReadiness.Evaluate(slave.Read(), criteria);
            }
            output.WriteLine($"after killing R0: {after.Verdict} after {sw.ElapsedMilliseconds} ms, role {after.Role}: {string.Join(" | ", after.Hints)}");
            Assert.Equal(PtpSyncVerdict.NotReady, after.Verdict);
            Assert.Contains(after.Hints, h => h.Contains($"not the expected {gm}"));

            using var dead = Probe(d0, domain);
            var rig = PtpReadiness.EvaluateRig([dead.Read(), slave.Read()], criteria);
            Assert.Equal(PtpSyncVerdict.Error, rig[0].Verdict);
            Assert.Contains(d0.SocketPath, rig[0].Hints[0]);
            Assert.Equal(PtpSyncVerdict.NotReady, rig[1].Verdict);
        }
        finally
        {
            Ptp4lNetwork.Stop(d0);
            Ptp4lNetwork.Stop(d1);
        }
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void Two_master_only_grandmasters_give_the_multiple_masters_hint_and_a_stopped_one_is_Error()
    {
        var net = fixture.Ready();
        const int domain = 41;
        var m1 = net.StartPtp4l("M1", 1, domain, 10, "network_transport L2", "masterOnly 1");
        var m2 = net.StartPtp4l("M2", 2, domain, 10, "network_transport L2", "masterOnly 1");
        try
        {
            using var p1 = Probe(m1, domain);
            using var p2 = Probe(m2, domain);
            var sw = Stopwatch.StartNew();
            IReadOnlyList<PtpSyncResult> rig = [];
            WaitUntil(() =>
            {
                rig = PtpReadiness.EvaluateRig([p1.Read(), p2.Read()], new PtpReadinessCriteria());
                return rig.All(r => r.Role == PtpRole.Grandmaster);
            }, TimeSpan.FromSeconds(40), "two grandmasters");
            output.WriteLine($"two grandmasters after {sw.ElapsedMilliseconds} ms: {rig[0].Hints.FirstOrDefault()}");
            foreach (var r in rig)
            {
                Assert.Equal(PtpSyncVerdict.NotReady, r.Verdict);
                Assert.Contains(r.Hints, h => h.StartsWith($"multiple masters in domain {domain}", StringComparison.Ordinal)
                                             && h.Contains(rig[0].GrandmasterIdentity) && h.Contains(rig[1].GrandmasterIdentity));
            }

            Ptp4lNetwork.Stop(m1); // SIGTERM: ptp4l removes its socket
            var stopped = PtpReadiness.WaitForConvergence(p1.Read, new PtpReadinessCriteria(), TimeSpan.FromSeconds(5), Poll, null, CancellationToken.None);
            output.WriteLine($"stopped M1: {stopped.Verdict}: {stopped.Hints[0]}");
            Assert.Equal(PtpSyncVerdict.Error, stopped.Verdict);
            Assert.StartsWith($"ptp4l unreachable on M1 at '{m1.SocketPath}'", stopped.Hints[0]);
            Assert.Contains("Start ptp4l", stopped.Hints[0]);
        }
        finally
        {
            Ptp4lNetwork.Stop(m1);
            Ptp4lNetwork.Stop(m2);
        }
    }

    private static bool Answers(Ptp4lInstance i)
    {
        if (i.Process.HasExited)
            throw new InvalidOperationException($"{i.Name} exited with {i.Process.ExitCode}\n{i.LogTail()}");
        if (!File.Exists(i.SocketPath))
            return false;
        using var c = i.Client(300);
        try { c.GetDefaultDataSet(); return true; }
        catch (PtpManagementException) { return false; } // still starting: asked again until the deadline
    }

    private static void WaitUntil(Func<bool> condition, TimeSpan deadline, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > deadline)
                throw new TimeoutException($"{what}: not reached within {deadline}");
            Thread.Sleep(100);
        }
    }
}
