using System.Collections.Concurrent;
using System.Diagnostics;
using PsCamSync.Core.Ptp;

namespace PsCamSync.Core.Tests.Ptp;

/// <summary>One ptp4l process started by <see cref="Ptp4lNetwork"/>.</summary>
internal sealed class Ptp4lInstance
{
    public required string Name { get; init; }
    public required string Namespace { get; init; }
    public required string SocketPath { get; init; }
    public required int Domain { get; init; }
    public required Process Process { get; init; }
    public required Stopwatch SinceStart { get; init; }
    public ConcurrentQueue<string> Log { get; } = new();
    public int Pid => Process.Id;

    public PtpManagementClient Client(int timeoutMs = 1000, bool padded = false) =>
        new(new PtpManagementClientOptions { SocketPath = SocketPath, DomainNumber = Domain, TimeoutMs = timeoutMs, PaddedGets = padded });

    public string LogTail(int lines = 15) => $"--- {Name} log ---\n" + string.Join('\n', Log.TakeLast(lines));
}

/// <summary>
/// A private PTP network: a bridge in its own network namespace and three node namespaces joined to it by veth
/// pairs, addresses in a random 10.77.X.0/24 inside those namespaces only. At first use it starts
/// <list type="bullet">
/// <item>group A (domain 37, UDPv4): grandmaster A0 (priority1 100) in node 0, slaves A1, A2 (priority1 200,
/// free_running 1, since all namespaces share one CLOCK_REALTIME) in nodes 1 and 2;</item>
/// <item>group B (domain 38, L2): grandmaster B0 in node 0 and slave B1 in node 1, for the test that kills B0;</item>
/// </list>
/// all with software timestamping (ptp4l -S), sends SET SYNCHRONIZATION_UNCERTAIN_NP 0 to the slaves through pmc
/// (ptp4l keeps a free-running slave UNCALIBRATED otherwise) and waits until every slave is in SLAVE. Dispose
/// stops every ptp4l by PID and deletes the namespaces and the temp dir, whatever happened before.
/// </summary>
public sealed class Ptp4lNetwork : IDisposable
{
    public const int DomainA = 37, DomainB = 38;
    private static readonly TimeSpan ConvergenceDeadline = TimeSpan.FromSeconds(90);

    private readonly object _gate = new();
    private readonly List<string> _namespaces = [];
    private readonly List<Ptp4lInstance> _instances = [];
    private readonly string _suffix = Convert.ToHexString(Guid.NewGuid().ToByteArray()[..3]).ToLowerInvariant();
    private bool _started;
    private Exception? _startError;
    private string _tempDir = "";

    internal Ptp4lInstance A0 = null!, A1 = null!, A2 = null!, B0 = null!, B1 = null!;

    /// <summary>Time from each slave's start to its first SLAVE seen, ms.</summary>
    internal Dictionary<string, long> ConvergenceMs { get; } = [];

    internal string Node(int i) => $"psc{_suffix}n{i}";

    /// <summary>Starts the network once; rethrows the start error to every test that asks afterwards.</summary>
    internal Ptp4lNetwork Ready()
    {
        lock (_gate)
        {
            if (!_started)
            {
                _started = true;
                try { Start(); }
                catch (Exception e) { _startError = e; }
            }
            if (_startError is not null)
                throw new InvalidOperationException("The ptp4l test network did not come up: " + _startError.Message +
                    "\n" + string.Join("\n", _instances.Select(i => i.LogTail())), _startError);
            return this;
        }
    }

    private void Start()
    {
        _tempDir = Path.Combine(Path.GetTempPath(), "pscamsync-ptp-" + _suffix);
        Directory.CreateDirectory(_tempDir);
        string bridgeNs = $"psc{_suffix}br";
        AddNamespace(bridgeNs);
        ToolRunner.Run("ip", "-n", bridgeNs, "link", "add", "br0", "type", "bridge");
        ToolRunner.Run("ip", "-n", bridgeNs, "link", "set", "br0", "up");
        int subnet = Random.Shared.Next(256);
        for (int i = 0; i < 3; i++)
        {
            string ns = Node(i), hostEnd = $"v{_suffix}{i}";
            AddNamespace(ns);
            ToolRunner.Run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", ns);
            ToolRunner.Run("ip", "link", "set", hostEnd, "netns", bridgeNs);
            ToolRunner.Run("ip", "-n", bridgeNs, "link", "set", hostEnd, "master", "br0", "up");
            ToolRunner.Run("ip", "-n", ns, "addr", "add", $"10.77.{subnet}.{i + 1}/24", "dev", "eth0");
            ToolRunner.Run("ip", "-n", ns, "link", "set", "eth0", "up");
            ToolRunner.Run("ip", "-n", ns, "link", "set", "lo", "up");
        }

        A0 = StartPtp4l("A0", 0, DomainA, priority1: 100);
        A1 = StartPtp4l("A1", 1, DomainA, priority1: 200, "free_running 1");
        A2 = StartPtp4l("A2", 2, DomainA, priority1: 200, "free_running 1");
        B0 = StartPtp4l("B0", 0, DomainB, priority1: 100, "network_transport L2");
        B1 = StartPtp4l("B1", 1, DomainB, priority1: 200, "network_transport L2", "free_running 1");

        var slaves = new[] { A1, A2, B1 };
        foreach (var s in slaves)
        {
            WaitForSocket(s);
            string answer = ToolRunner.Pmc(s.SocketPath, s.Domain, "SET SYNCHRONIZATION_UNCERTAIN_NP 0");
            if (!answer.Contains("uncertain 0", StringComparison.Ordinal))
                throw new InvalidOperationException($"pmc SET SYNCHRONIZATION_UNCERTAIN_NP 0 on {s.Name} answered: {answer}");
        }
        WaitForSocket(A0);
        WaitForSocket(B0);
        foreach (var s in slaves)
            ConvergenceMs[s.Name] = WaitForSlave(s);
    }

    /// <summary>Starts ptp4l in node <paramref name="node"/> with its own config and uds_address under the temp dir.</summary>
    internal Ptp4lInstance StartPtp4l(string name, int node, int domain, int priority1, params string[] extraConfig)
    {
        string socket = Path.Combine(_tempDir, name + ".sock");
        string config = Path.Combine(_tempDir, name + ".conf");
        File.WriteAllLines(config,
        [
            "[global]",
            $"domainNumber {domain}",
            $"priority1 {priority1}",
            $"uds_address {socket}",
            "use_syslog 0",
            "verbose 1",
            "logging_level 6",
            .. extraConfig,
        ]);
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // ip netns exec execs ptp4l in place, so the PID is ptp4l's own.
        foreach (var a in new[] { "netns", "exec", Node(node), "ptp4l", "-f", config, "-i", "eth0", "-S" })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start ptp4l");
        var instance = new Ptp4lInstance
        {
            Name = name, Namespace = Node(node), SocketPath = socket, Domain = domain, Process = process,
            SinceStart = Stopwatch.StartNew(),
        };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) instance.Log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) instance.Log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_instances)
            _instances.Add(instance);
        return instance;
    }

    /// <summary>Stops one instance by PID (SIGTERM, then SIGKILL after 3 s), waits for it to exit.</summary>
    internal static void Stop(Ptp4lInstance instance, int signal = ToolRunner.SIGTERM)
    {
        if (instance.Process.HasExited)
            return;
        ToolRunner.Signal(instance.Pid, signal);
        if (!instance.Process.WaitForExit(3000))
        {
            ToolRunner.Signal(instance.Pid, ToolRunner.SIGKILL);
            instance.Process.WaitForExit(3000);
        }
    }

    private static void WaitForSocket(Ptp4lInstance instance)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (instance.Process.HasExited)
                throw new InvalidOperationException($"{instance.Name} exited with {instance.Process.ExitCode}\n{instance.LogTail()}");
            if (File.Exists(instance.SocketPath))
            {
                using var c = instance.Client(300);
                try { c.GetDefaultDataSet(); return; }
                catch (PtpManagementException) when (deadline.Elapsed < TimeSpan.FromSeconds(20)) { }
            }
            else if (deadline.Elapsed > TimeSpan.FromSeconds(20))
                throw new TimeoutException($"{instance.Name} did not create {instance.SocketPath}\n{instance.LogTail()}");
            Thread.Sleep(50);
        }
    }

    private static long WaitForSlave(Ptp4lInstance instance)
    {
        using var c = instance.Client();
        while (instance.SinceStart.Elapsed < ConvergenceDeadline)
        {
            if (c.GetPortDataSet().PortState == PortState.Slave)
                return instance.SinceStart.ElapsedMilliseconds;
            Thread.Sleep(100);
        }
        throw new TimeoutException($"{instance.Name} did not reach SLAVE within {ConvergenceDeadline}\n{instance.LogTail()}");
    }

    private void AddNamespace(string name)
    {
        ToolRunner.Run("ip", "netns", "add", name);
        _namespaces.Add(name);
        ToolRunner.Run("ip", "-n", name, "link", "set", "lo", "up");
    }

    public void Dispose()
    {
        var errors = new List<Exception>();
        List<Ptp4lInstance> instances;
        lock (_instances)
            instances = [.. _instances];
        foreach (var i in instances)
        {
            try { Stop(i); i.Process.Dispose(); }
            catch (Exception e) { errors.Add(e); }
        }
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            try { ToolRunner.Run("ip", "netns", "del", ns); }
            catch (Exception e) { errors.Add(e); }
        }
        if (_tempDir.Length > 0 && Directory.Exists(_tempDir))
        {
            try { Directory.Delete(_tempDir, recursive: true); }
            catch (Exception e) { errors.Add(e); }
        }
        if (errors.Count > 0)
            throw new AggregateException("cleaning up the ptp4l test network failed", errors);
    }
}

[CollectionDefinition(Name)]
public sealed class Ptp4lCollection : ICollectionFixture<Ptp4lNetwork>
{
    public const string Name = "ptp4l network";
}
