using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Xml.Linq;
using Xunit.Abstractions;

// One test at a time: the Pester suite's takes and the runspace tests' sample takes would share two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace PsCamSync.Module.Tests;

/// <summary>
/// Runs every Pester file in real pwsh 7.6.9 (the repository's local .NET tool) with Pester 5.9.1, so the README's
/// one test command (<c>dotnet test PsCamSync.sln -m:1</c>) exercises the cmdlets as users run them. Where the machine
/// can host it (root, ip, unshare, nsenter, sshd, ptp4l, pmc, an executable pwsh), the run happens inside the
/// three-host SSH remoting rig of tests/rig/rig.sh; otherwise the rig tests skip with the reason, except under
/// CI=true, where they fail. Pester's NUnit XML goes to $PSCAMSYNC_TEST_RESULTS (default TestResults/pester), where
/// .ci/run counts it into the totals.
/// </summary>
public sealed class PesterSuiteTests(ITestOutputHelper output)
{
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(30);

    [Fact]
    public void EveryPesterFilePasses_InRealPwsh()
    {
        string repo = RepoRoot();
        string resultsDir = Environment.GetEnvironmentVariable("PSCAMSYNC_TEST_RESULTS") is { Length: > 0 } r
            ? r : Path.Combine(repo, "TestResults", "pester");
        Directory.CreateDirectory(resultsDir);
        string xml = Path.Combine(resultsDir, "pester.xml");
        string log = Path.Combine(resultsDir, "pester.log");
        File.Delete(xml);

        Run(repo, "dotnet", ["tool", "restore"], TimeSpan.FromMinutes(5), null);

        var suite = new List<string>
        {
            "dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-File", Path.Combine(repo, "tests", "pester", "Invoke-PesterSuite.ps1"),
            "-PesterPath", PesterModule(), "-ResultPath", xml,
        };
        var missing = RigMissing();
        var env = new Dictionary<string, string>();
        List<string> command;
        if (missing.Count == 0)
        {
            string state = Path.Combine(Path.GetTempPath(), "pscamsync-rig-" + Guid.NewGuid().ToString("N")[..8]);
            command = ["bash", Path.Combine(repo, "tests", "rig", "rig.sh"), "with", state, "--", .. suite];
        }
        else
        {
            env["PSCAMSYNC_RIG_MISSING"] = string.Join(", ", missing);
            command = suite;
        }

        var (exit, text) = Run(repo, command[0], command[1..], SuiteTimeout, env);
        File.WriteAllText(log, text);
        Assert.True(File.Exists(xml), $"Pester wrote no results ({xml}); exit {exit}. Log tail:\n{Tail(text, 60)}");
        var counts = XDocument.Load(xml).Root!;
        output.WriteLine($"Pester: total {counts.Attribute("total")?.Value}, failures {counts.Attribute("failures")?.Value}, " +
                         $"skipped {counts.Attribute("skipped")?.Value}; log {log}");
        string failures = string.Join('\n', text.Split('\n').Where(l => l.StartsWith("FAILED", StringComparison.Ordinal)));
        Assert.True(exit == 0, $"Pester exited {exit}.\n{failures}\nLog tail:\n{Tail(text, 40)}");
    }

    /// <summary>What the rig needs that this machine lacks (empty: the rig can run).</summary>
    private static List<string> RigMissing()
    {
        var missing = new List<string>();
        if (Environment.UserName != "root") missing.Add("root");
        foreach (var tool in new[] { "ip", "unshare", "nsenter", "sshd", "ssh", "ptp4l", "pmc", "ssh-keygen" })
            if (FindOnPath(tool) is null) missing.Add(tool);
        bool pwsh = Environment.GetEnvironmentVariable("PSCAMSYNC_PWSH") is { Length: > 0 } p ? File.Exists(p)
            : File.Exists("/root/.dotnet/tools/pwsh") || FindOnPath("pwsh") is not null;
        if (!pwsh) missing.Add("an executable pwsh for sshd (dotnet tool install --global PowerShell --version 7.6.9)");
        return missing;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private (int Exit, string Text) Run(string cwd, string file, IEnumerable<string> args, TimeSpan timeout, Dictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? []) psi.Environment[k] = v;
        var text = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}. Log tail:\n{Tail(text.ToString(), 40)}");
        }
        process.WaitForExit();
        if (env is null && process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{text}");
        return (process.ExitCode, text.ToString());
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private static string PesterModule() =>
        typeof(PesterSuiteTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "PesterModule").Value!;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PsCamSync.sln")))
                return dir.FullName;
        throw new InvalidOperationException("PsCamSync.sln not found above " + AppContext.BaseDirectory);
    }
}
