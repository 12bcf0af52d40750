using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>
/// A network namespace of its own (<c>ip netns add</c>) with only a loopback interface, so that Aravis' discovery
/// broadcasts and the emulators' traffic never leave it. Code runs inside it through <see cref="Run"/>: a fresh
/// thread joins the namespace with <c>setns(CLONE_NEWNET)</c> (a per-thread attribute on Linux), runs the code
/// and ends, so no pooled thread is ever left inside. Sockets keep the namespace they were created in, so objects
/// created inside (an open camera, a stream) keep working when used from other threads afterwards. Threads
/// started from inside inherit the namespace, so bodies start no thread-pool work, timers or processes (a pool
/// thread born inside would stay inside); Aravis' own threads and the backend's receive thread may. Needs root.
/// </summary>
public sealed partial class NetworkNamespace : IDisposable
{
    private const string Prefix = "pscs-arv-";
    private const int CLONE_NEWNET = 0x40000000;
    private static int _counter;
    private bool _disposed;

    /// <summary>Creates the namespace with lo up and the given extra IPv4 addresses on it (127.0.0.1 is there already).</summary>
    public NetworkNamespace(IEnumerable<string> loopbackAddresses)
    {
        RemoveStale();
        Name = $"{Prefix}{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}";
        Ip("netns", "add", Name);
        try
        {
            Ip("-n", Name, "link", "set", "lo", "up");
            foreach (var address in loopbackAddresses.Where(a => a != "127.0.0.1"))
                Ip("-n", Name, "addr", "add", $"{address}/8", "dev", "lo");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The namespace name under /var/run/netns.</summary>
    public string Name { get; }

    /// <summary>Runs <paramref name="body"/> on a new thread inside the namespace and rethrows what it throws.</summary>
    public void Run(Action body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Enter();
                body();
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        }) { Name = $"in {Name}" };
        thread.Start();
        thread.Join();
        failure?.Throw();
    }

    /// <summary>Starts <paramref name="program"/> inside the namespace (<c>ip netns exec</c> execs it: same PID).</summary>
    public Process Start(string program, params string[] arguments)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", Name, program }.Concat(arguments))
            psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program} in {Name}");
    }

    private void Enter()
    {
        using var handle = File.OpenHandle($"/var/run/netns/{Name}", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (SetNs((int)handle.DangerousGetHandle(), CLONE_NEWNET) != 0)
            throw new InvalidOperationException($"setns({Name}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Ip("netns", "delete", Name);
    }

    /// <summary>Deletes namespaces a crashed earlier run of these tests left behind (their process is gone).</summary>
    private static void RemoveStale()
    {
        if (!Directory.Exists("/var/run/netns"))
            return;
        foreach (var path in Directory.GetFiles("/var/run/netns", Prefix + "*"))
        {
            var name = Path.GetFileName(path);
            var pidText = name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pidText, out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
                Ip("netns", "delete", name);
        }
    }

    private static void Ip(params string[] arguments)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({p.ExitCode}): {error.Trim()}");
    }
}
