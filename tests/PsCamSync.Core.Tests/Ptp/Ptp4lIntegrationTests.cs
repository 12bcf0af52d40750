using System.Diagnostics;
using System.Globalization;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Tests.Support;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Ptp;

/// <summary>The client against real ptp4l daemons in network namespaces, compared with pmc.</summary>
[Collection(Ptp4lCollection.Name)]
public class Ptp4lIntegrationTests
{
    private readonly Ptp4lNetwork _fixture;
    private readonly ITestOutputHelper _out;

    public Ptp4lIntegrationTests(Ptp4lNetwork fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _out = output;
    }

    private static readonly string[] AllGets =
    [
        "GET DEFAULT_DATA_SET", "GET CURRENT_DATA_SET", "GET PARENT_DATA_SET", "GET TIME_PROPERTIES_DATA_SET",
        "GET TIME_STATUS_NP", "GET PORT_DATA_SET", "GET PORT_PROPERTIES_NP",
    ];

    private static int Int(string s) => s.StartsWith("0x", StringComparison.Ordinal)
        ? int.Parse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : int.Parse(s, CultureInfo.InvariantCulture);

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void Client_answers_match_pmc_field_by_field()
    {
        var net = _fixture.Ready();
        foreach (var inst in new[] { net.A0, net.A1, net.A2 })
        {
            using var c = inst.Client();
            var dds = c.GetDefaultDataSet();
            var cds = c.GetCurrentDataSet();
            var pds = c.GetParentDataSet();
            var tp = c.GetTimePropertiesDataSet();
            var tsn = c.GetTimeStatusNp();
            var port = c.GetPortDataSet();
            var props = c.GetPortPropertiesNp();
            var pmc = PmcText.Parse(ToolRunner.Pmc(inst.SocketPath, inst.Domain, AllGets));
            string who = inst.Name;

            var d = pmc["DEFAULT_DATA_SET"];
            Assert.Equal(d["clockIdentity"], dds.ClockIdentity.ToString());
            Assert.Equal(Int(d["priority1"]), dds.Priority1);
            Assert.Equal(Int(d["priority2"]), dds.Priority2);
            Assert.Equal(Int(d["clockClass"]), dds.ClockQuality.ClockClass);
            Assert.Equal(Int(d["clockAccuracy"]), dds.ClockQuality.ClockAccuracy);
            Assert.Equal(Int(d["offsetScaledLogVariance"]), dds.ClockQuality.OffsetScaledLogVariance);
            Assert.Equal(Int(d["numberPorts"]), dds.NumberPorts);
            Assert.Equal(Int(d["domainNumber"]), dds.DomainNumber);
            Assert.Equal(d["twoStepFlag"] == "1", dds.TwoStepFlag);
            Assert.Equal(d["slaveOnly"] == "1", dds.SlaveOnly);

            var cur = pmc["CURRENT_DATA_SET"];
            Assert.Equal(Int(cur["stepsRemoved"]), cds.StepsRemoved);
            double pmcOffset = double.Parse(cur["offsetFromMaster"], CultureInfo.InvariantCulture);
            double pmcDelay = double.Parse(cur["meanPathDelay"], CultureInfo.InvariantCulture);
            // read at different moments: compare magnitudes loosely (software timestamps on veth: µs)
            Assert.True(Math.Abs(pmcOffset) < 50e6 && Math.Abs(cds.OffsetFromMasterNs) < 50e6, $"{who}: offsets {pmcOffset} / {cds.OffsetFromMasterNs}");
            Assert.True(pmcDelay >= 0 && cds.MeanPathDelayNs >= 0 && cds.MeanPathDelayNs < 50e6, $"{who}: delays {pmcDelay} / {cds.MeanPathDelayNs}");

            var p = pmc["PARENT_DATA_SET"];
            Assert.Equal(p["parentPortIdentity"], pds.ParentPortIdentity.ToString());
            Assert.Equal(p["grandmasterIdentity"], pds.GrandmasterIdentity.ToString());
            Assert.Equal(Int(p["grandmasterPriority1"]), pds.GrandmasterPriority1);
            Assert.Equal(Int(p["grandmasterPriority2"]), pds.GrandmasterPriority2);
            Assert.Equal(Int(p["gm.ClockClass"]), pds.GrandmasterClockQuality.ClockClass);
            Assert.Equal(Int(p["gm.ClockAccuracy"]), pds.GrandmasterClockQuality.ClockAccuracy);
            Assert.Equal(Int(p["observedParentOffsetScaledLogVariance"]), pds.ObservedParentOffsetScaledLogVariance);

            var t = pmc["TIME_PROPERTIES_DATA_SET"];
            Assert.Equal(Int(t["currentUtcOffset"]), tp.CurrentUtcOffset);
            Assert.Equal(t["ptpTimescale"] == "1", tp.PtpTimescale);
            Assert.Equal(t["currentUtcOffsetValid"] == "1", tp.CurrentUtcOffsetValid);
            Assert.Equal(t["leap61"] == "1", tp.Leap61);
            Assert.Equal(t["timeTraceable"] == "1", tp.TimeTraceable);
            Assert.Equal(Int(t["timeSource"]), tp.TimeSource);

            var s = pmc["TIME_STATUS_NP"];
            Assert.Equal(s["gmPresent"] == "true", tsn.GmPresent);
            Assert.Equal(s["gmIdentity"], tsn.GmIdentity.ToString());

            var pd = pmc["PORT_DATA_SET"];
            Assert.Equal(pd["portIdentity"], port.PortIdentity.ToString());
            Assert.Equal(pd["portState"], PtpNames.Of(port.PortState));
            Assert.Equal(Int(pd["logAnnounceInterval"]), port.LogAnnounceInterval);
            Assert.Equal(Int(pd["announceReceiptTimeout"]), port.AnnounceReceiptTimeout);
            Assert.Equal(Int(pd["logSyncInterval"]), port.LogSyncInterval);
            Assert.Equal(Int(pd["delayMechanism"]), (int)port.DelayMechanism);
            Assert.Equal(Int(pd["versionNumber"]), port.VersionNumber);

            var pp = pmc["PORT_PROPERTIES_NP"];
            Assert.Equal(pp["portIdentity"], props.PortIdentity.ToString());
            Assert.Equal(pp["portState"], PtpNames.Of(props.PortState));
            Assert.Equal(pp["timestamping"], PtpNames.Of(props.Timestamping));
            Assert.Equal(pp["interface"], props.Interface);
            _out.WriteLine($"{who}: {PtpNames.Of(port.PortState)} stepsRemoved {cds.StepsRemoved} offset {cds.OffsetFromMasterNs} ns " +
                           $"(pmc {pmcOffset}) delay {cds.MeanPathDelayNs} ns (pmc {pmcDelay}) gm {pds.GrandmasterIdentity}");
        }
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void Padded_and_empty_GETs_get_the_same_answers()
    {
        var net = _fixture.Ready();
        using var empty = net.A1.Client();
        using var padded = net.A1.Client(padded: true);
        Assert.Equal(empty.GetDefaultDataSet(), padded.GetDefaultDataSet());
        Assert.Equal(empty.GetParentDataSet() with { ObservedParentClockPhaseChangeRate = 0 },
                     padded.GetParentDataSet() with { ObservedParentClockPhaseChangeRate = 0 });
        Assert.Equal(empty.GetTimePropertiesDataSet(), padded.GetTimePropertiesDataSet());
        Assert.Equal(empty.GetPortDataSet(), padded.GetPortDataSet());
        Assert.Equal(empty.GetPortPropertiesNp(), padded.GetPortPropertiesNp());
        Assert.Equal(empty.GetCurrentDataSet().StepsRemoved, padded.GetCurrentDataSet().StepsRemoved);
        Assert.Equal(empty.GetTimeStatusNp().GmIdentity, padded.GetTimeStatusNp().GmIdentity);
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void Host_status_says_grandmaster_and_slaves()
    {
        var net = _fixture.Ready();
        using var gmClient = net.A0.Client();
        var gm = gmClient.GetHostStatus();
        Assert.Equal(PtpRole.Grandmaster, gm.Role);
        Assert.Equal(PortState.Master, gm.PortState);
        Assert.Equal(0, gm.StepsRemoved);
        Assert.False(gm.GmPresent);
        Assert.Equal(gm.ClockIdentity, gm.GrandmasterIdentity);
        Assert.Equal(100, gm.Priority1);
        Assert.Equal(Ptp4lNetwork.DomainA, gm.Domain);
        Assert.Equal(net.A0.SocketPath, gm.SocketPath);
        Assert.Equal(Environment.MachineName, gm.Host);
        Assert.NotNull(gm.Phc2sysRunning);

        foreach (var slave in new[] { net.A1, net.A2 })
        {
            using var c = slave.Client();
            var s = c.GetHostStatus();
            Assert.Equal(PtpRole.Slave, s.Role);
            Assert.Equal(PortState.Slave, s.PortState);
            Assert.Equal([PortState.Slave], s.PortStates);
            Assert.Equal(1, s.StepsRemoved);
            Assert.True(s.GmPresent);
            Assert.Equal(gm.ClockIdentity, s.GrandmasterIdentity);
            Assert.StartsWith(gm.ClockIdentity + "-", s.ParentPortIdentity);
            Assert.Equal(100, s.GrandmasterPriority1);
            Assert.Equal(248, s.GrandmasterClockClass);
            Assert.Equal(TimestampingMode.Software, s.Timestamping);
            Assert.Equal("eth0", s.Interface);
            Assert.Equal(PtpTimescale.Arbitrary, s.Timescale);
            Assert.Equal(37, s.CurrentUtcOffset);
            Assert.True(Math.Abs(s.OffsetFromMasterNs) < 50_000_000, $"offset {s.OffsetFromMasterNs} ns");
            Assert.InRange(s.MeanPathDelayNs, 0, 50_000_000);
            _out.WriteLine(s.ToString());
        }
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void Domain_is_detected_and_a_wrong_domain_times_out_with_the_hint()
    {
        var net = _fixture.Ready();
        Assert.Equal(Ptp4lNetwork.DomainA, PtpManagementClient.DetectDomainNumber(net.A1.SocketPath));
        Assert.Equal(Ptp4lNetwork.DomainB, PtpManagementClient.DetectDomainNumber(net.B0.SocketPath, 2000));
        using var wrong = new PtpManagementClient(net.A1.SocketPath, 300, 0);
        var e = Assert.Throws<PtpManagementTimeoutException>(() => wrong.GetDefaultDataSet());
        Assert.Contains("domainNumber 0", e.Message);
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void A_port_ptp4l_does_not_have_is_a_WRONG_VALUE_error()
    {
        var net = _fixture.Ready();
        using var c = net.A1.Client();
        var e = Assert.Throws<PtpManagementErrorException>(() => c.GetPortDataSet(9));
        Assert.Equal(ManagementErrorId.WrongValue, e.ErrorId);
        Assert.Contains("WRONG_VALUE", e.Message);
        Assert.Single(c.GetPortDataSets());
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void Offsets_and_convergence_are_reported()
    {
        var net = _fixture.Ready();
        foreach (var (name, ms) in net.ConvergenceMs)
            _out.WriteLine($"{name}: SLAVE {ms} ms after ptp4l started");
        using var a1 = net.A1.Client();
        using var a2 = net.A2.Client();
        var seen = new List<long>();
        for (int i = 0; i < 6; i++)
        {
            seen.Add(a1.GetTimeStatusNp().MasterOffsetNs);
            seen.Add(a2.GetTimeStatusNp().MasterOffsetNs);
            Thread.Sleep(500);
        }
        _out.WriteLine($"master_offset seen on A1/A2 over 3 s: min {seen.Min()} ns, max {seen.Max()} ns, " +
                       $"mean |offset| {seen.Average(x => Math.Abs((double)x)):F0} ns");
        Assert.All(net.ConvergenceMs.Values, ms => Assert.InRange(ms, 1, 90_000));
        Assert.All(seen, o => Assert.InRange(o, -50_000_000, 50_000_000));
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void Round_trip_of_the_client_next_to_pmc()
    {
        var net = _fixture.Ready();
        using var c = net.A1.Client();
        c.GetCurrentDataSet(); // warm up
        var client = new List<double>();
        for (int i = 0; i < 50; i++)
        {
            var sw = Stopwatch.StartNew();
            var cds = c.GetCurrentDataSet();
            client.Add(sw.Elapsed.TotalMilliseconds);
            Assert.Equal(1, cds.StepsRemoved);
        }
        var pmc = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            var text = ToolRunner.Pmc(net.A1.SocketPath, net.A1.Domain, "GET CURRENT_DATA_SET");
            pmc.Add(sw.Elapsed.TotalMilliseconds);
            Assert.Equal("1", PmcText.Parse(text)["CURRENT_DATA_SET"]["stepsRemoved"]);
        }
        var hostStatus = Stopwatch.StartNew();
        c.GetHostStatus();
        client.Sort();
        pmc.Sort();
        _out.WriteLine($"client GET CURRENT_DATA_SET: median {client[client.Count / 2]:F3} ms, max {client[^1]:F3} ms (n={client.Count}); " +
                       $"pmc process: median {pmc[pmc.Count / 2]:F1} ms, max {pmc[^1]:F1} ms (n={pmc.Count}); " +
                       $"GetHostStatus (6 GETs + /proc scan): {hostStatus.Elapsed.TotalMilliseconds:F2} ms");
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void Killing_the_grandmaster_changes_the_slaves_status_and_its_stale_socket_is_unreachable()
    {
        var net = _fixture.Ready();
        using var slave = net.B1.Client();
        var before = slave.GetHostStatus();
        Assert.Equal(PtpRole.Slave, before.Role);
        Assert.True(before.GmPresent);
        using (var gmClient = net.B0.Client())
            Assert.Equal(before.GrandmasterIdentity, gmClient.GetDefaultDataSet().ClockIdentity.ToString());

        Ptp4lNetwork.Stop(net.B0, ToolRunner.SIGKILL); // SIGKILL leaves the socket file behind
        var sw = Stopwatch.StartNew();
        HostPtpStatus after = before;
        while (sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            after = slave.GetHostStatus();
            if (!after.GmPresent)
                break;
            Thread.Sleep(200);
        }
        _out.WriteLine($"after killing B0: gmPresent false after {sw.ElapsedMilliseconds} ms; {after}");
        Assert.False(after.GmPresent, net.B1.LogTail());
        Assert.NotEqual(PtpRole.Slave, after.Role);
        Assert.Equal(after.ClockIdentity, after.GrandmasterIdentity);

        Assert.True(File.Exists(net.B0.SocketPath));
        using var dead = net.B0.Client(300);
        var e = Assert.Throws<PtpDaemonUnreachableException>(() => dead.GetDefaultDataSet());
        Assert.Contains(net.B0.SocketPath, e.Message);
        Assert.Contains("ptp4l running", e.Message);
    }

    [RequiresFact("ptp4l", "pmc", "ip", "root")]
    public void Two_master_only_grandmasters_both_report_master_and_a_stopped_one_is_unreachable()
    {
        var net = _fixture.Ready();
        var c1 = net.StartPtp4l("C1", 1, 39, 10, "network_transport L2", "masterOnly 1");
        var c2 = net.StartPtp4l("C2", 2, 39, 10, "network_transport L2", "masterOnly 1");
        try
        {
            var sw = Stopwatch.StartNew();
            HostPtpStatus? s1 = null, s2 = null;
            while (sw.Elapsed < TimeSpan.FromSeconds(40))
            {
                s1 = TryStatus(c1);
                s2 = TryStatus(c2);
                if (s1?.Role == PtpRole.Grandmaster && s2?.Role == PtpRole.Grandmaster)
                    break;
                Thread.Sleep(250);
            }
            _out.WriteLine($"two grandmasters after {sw.ElapsedMilliseconds} ms:\n{s1}\n{s2}");
            Assert.Equal(PtpRole.Grandmaster, s1?.Role);
            Assert.Equal(PtpRole.Grandmaster, s2?.Role);
            Assert.Equal(PortState.Master, s1!.PortState);
            Assert.Equal(PortState.Master, s2!.PortState);
            Assert.NotEqual(s1.GrandmasterIdentity, s2.GrandmasterIdentity);

            Ptp4lNetwork.Stop(c1); // SIGTERM: ptp4l removes its socket
            using var stopped = c1.Client(300);
            var e = Assert.Throws<PtpDaemonUnreachableException>(() => stopped.GetCurrentDataSet());
            Assert.Contains(c1.SocketPath, e.Message);
            Assert.Contains("uds_address", e.Message);
        }
        finally
        {
            Ptp4lNetwork.Stop(c1);
            Ptp4lNetwork.Stop(c2);
        }
    }

    private static HostPtpStatus? TryStatus(Ptp4lInstance instance)
    {
        if (!File.Exists(instance.SocketPath))
            return null;
        using var c = instance.Client(500);
        try
        {
            return c.GetHostStatus();
        }
        catch (PtpManagementException)
        {
            return null; // still starting: polled again until the deadline
        }
    }
}
