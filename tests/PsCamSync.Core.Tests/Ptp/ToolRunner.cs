using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PsCamSync.Core.Tests.Ptp;

/// <summary>Runs the real tools the ptp4l tests need (ip, pmc) and signals processes by PID.</summary>
internal static class ToolRunner
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when it no longer exists.</summary>
    public static bool Signal(int pid, int signal) => SysKill(pid, signal) == 0;

    /// <summary>Runs a program to completion and returns its stdout; throws with its stderr on a non-zero exit.</summary>
    public static string Run(string program, params string[] args) => Run(program, TimeSpan.FromSeconds(30), args);

    public static string Run(string program, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill();
            p.WaitForExit();
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {timeout}");
        }
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Result.Trim()} {stdout.Result.Trim()}");
        return stdout.Result;
    }

    /// <summary><c>pmc -u -b 0 -d DOMAIN -s SOCKET COMMANDS…</c>; returns pmc's text.</summary>
    public static string Pmc(string socketPath, int domain, params string[] commands) =>
        Run("pmc", ["-u", "-b", "0", "-d", domain.ToString(), "-s", socketPath, .. commands]);
}

/// <summary>
/// pmc's text answers, by managementId name: each "RESPONSE MANAGEMENT NAME" line is followed by
/// "\t\tfield value" lines.
/// </summary>
internal static class PmcText
{
    public static Dictionary<string, Dictionary<string, string>> Parse(string text)
    {
        var result = new Dictionary<string, Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            int at = raw.IndexOf("RESPONSE MANAGEMENT ", StringComparison.Ordinal);
            if (at >= 0)
            {
                string id = raw[(at + "RESPONSE MANAGEMENT ".Length)..].Trim();
                result[id] = current = new Dictionary<string, string>();
                continue;
            }
            if (current is not null && raw.StartsWith("\t\t", StringComparison.Ordinal))
            {
                var parts = raw.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2)
                    current[parts[0]] = parts[1].Trim();
            }
        }
        return result;
    }
}
