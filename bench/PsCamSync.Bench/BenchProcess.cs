using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PsCamSync.Bench;

/// <summary>
/// What the take-writing benchmarks (take-write, ffmpeg-path, max-rig) share: running a reference program (dd, ffmpeg)
/// with an argument list and timing it, medians of rounds, file sizes and the printed verdict.
/// </summary>
internal static class BenchProcess
{
    /// <summary>The ratio a product path must reach against its reference (issue 10: at least 0.9).</summary>
    public const double TargetRatio = 0.9;

    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/> (no shell), waits for it and returns its
    /// exit code, wall-clock seconds from start to exit, and the last lines of its stderr.</summary>
    public static (int ExitCode, double Seconds, string StdErrTail) Run(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.WaitForExit();
        double seconds = watch.Elapsed.TotalSeconds;
        Task.WaitAll(stderr, stdout);
        string tail = string.Join(" | ", stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
        return (process.ExitCode, seconds, tail);
    }

    /// <summary>Flushes every file system (<c>sync</c>), so one run's dirty pages are not written during the next one.</summary>
    public static void Sync()
    {
        var (code, _, err) = Run("sync", []);
        if (code != 0)
            throw new InvalidOperationException($"sync failed ({code}): {err}");
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0)
            return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>Bytes of all files under <paramref name="directory"/>.</summary>
    public static long DirectoryBytes(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>"PASS" at or above <see cref="TargetRatio"/>, else "BELOW TARGET".</summary>
    public static string Verdict(double ratio) => ratio >= TargetRatio ? "PASS" : "BELOW TARGET";

    /// <summary>Removes <paramref name="directory"/> if it exists.</summary>
    public static void Remove(string directory)
    {
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
    }

    /// <summary>
    /// CPU seconds (user + system) used so far by this process and by its children that have exited and been waited for
    /// (getrusage RUSAGE_SELF + RUSAGE_CHILDREN). The difference across a run is the CPU the run cost, whatever else the
    /// host was doing meanwhile.
    /// </summary>
    public static double CpuSeconds()
    {
        if (GetRUsage(0, out var self) != 0 || GetRUsage(-1, out var children) != 0)
            throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        return self.Seconds + children.Seconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSec, UserUsec, SystemSec, SystemUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NvCsw, NivCsw;

        public readonly double Seconds => UserSec + SystemSec + (UserUsec + SystemUsec) / 1e6;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRUsage(int who, out RUsage usage);
}
