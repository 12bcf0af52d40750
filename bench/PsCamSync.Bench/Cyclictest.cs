using System.Diagnostics;
using System.Globalization;

namespace PsCamSync.Bench;

/// <summary>
/// Runs rt-tests' cyclictest with a latency histogram (<c>-h US</c>) and reads its output: one line
/// <c>BUCKET COUNT</c> per µs bucket (bucket b holds latencies in [b, b+1) µs), then <c># Total:</c>,
/// <c># Min Latencies:</c>, <c># Avg Latencies:</c>, <c># Max Latencies:</c>, <c># Histogram Overflows:</c>
/// (samples at or above US µs, not in any bucket). Its latency is CLOCK_MONOTONIC after
/// <c>clock_nanosleep(TIMER_ABSTIME)</c> returns minus the wake-up time asked for; after a wake-up later than the
/// next period it skips the periods already past (<c>while (now &gt; next) next += interval</c>), so one stall is
/// one sample. <c>-l</c> counts samples.
/// </summary>
internal sealed class Cyclictest
{
    private Cyclictest(long[] buckets, long overflows, long minUs, long avgUs, long maxUs, string commandLine)
    {
        Buckets = buckets;
        Overflows = overflows;
        MinUs = minUs;
        AvgUs = avgUs;
        MaxUs = maxUs;
        CommandLine = commandLine;
    }

    public long[] Buckets { get; }
    public long Overflows { get; }
    public long MinUs { get; }
    public long AvgUs { get; }
    public long MaxUs { get; }
    public string CommandLine { get; }
    public long Samples => Buckets.Sum() + Overflows;

    /// <summary>Full path of cyclictest on PATH (or /usr/sbin, /usr/bin), or null.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
            .Select(d => Path.Combine(d, "cyclictest"))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs <c>cyclictest -m -p PRIO -i INTERVAL -l LOOPS -q -h HISTOGRAM</c> and parses its output.</summary>
    /// <exception cref="InvalidOperationException">cyclictest failed or printed something unexpected.</exception>
    public static Cyclictest Run(string path, int priority, int intervalUs, int loops, int histogramUs)
    {
        string arguments = string.Create(CultureInfo.InvariantCulture,
            $"-m -p {priority} -i {intervalUs} -l {loops} -q -h {histogramUs}");
        var start = new ProcessStartInfo(path, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {path}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        var timeout = TimeSpan.FromMilliseconds((double)loops * intervalUs / 1000 + 60_000);
        if (!process.WaitForExit(timeout))
        {
            process.Kill();
            throw new InvalidOperationException($"cyclictest {arguments} did not finish within {timeout}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"cyclictest {arguments} exited with {process.ExitCode}: {stderr.Result.Trim()}");
        return Parse(stdout, histogramUs, $"{path} {arguments}");
    }

    public static Cyclictest Parse(string output, int histogramUs, string commandLine)
    {
        var buckets = new long[histogramUs];
        long? overflows = null, min = null, avg = null, max = null;
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0)
                continue;
            if (line.StartsWith('#'))
            {
                overflows ??= Field(line, "# Histogram Overflows:");
                min ??= Field(line, "# Min Latencies:");
                avg ??= Field(line, "# Avg Latencies:");
                max ??= Field(line, "# Max Latencies:");
                continue;
            }
            string[] columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length >= 2 && long.TryParse(columns[0], out long bucket) && long.TryParse(columns[1], out long count)
                && bucket >= 0 && bucket < histogramUs)
                buckets[bucket] += count;
        }
        if (overflows is null || min is null || avg is null || max is null)
            throw new InvalidOperationException($"cyclictest printed no histogram summary; its output was:\n{output}");
        return new Cyclictest(buckets, overflows.Value, min.Value, avg.Value, max.Value, commandLine);
    }

    /// <summary>
    /// The nearest-rank percentile's bucket: the latency lies in [bucket, bucket+1) µs. Returns
    /// <see cref="Buckets"/>.Length when the rank falls among the overflows (at or above the histogram's top).
    /// </summary>
    public long PercentileBucketUs(double percentile)
    {
        long total = Samples;
        double exact = percentile * total / 100.0;
        long rank = Math.Max(1, (long)Math.Ceiling(exact - 1e-9 * Math.Max(1.0, exact)));
        long seen = 0;
        for (int b = 0; b < Buckets.Length; b++)
        {
            seen += Buckets[b];
            if (seen >= rank)
                return b;
        }
        return Buckets.Length;
    }

    private static long? Field(string line, string name)
    {
        if (!line.StartsWith(name, StringComparison.Ordinal))
            return null;
        // One column per measurement thread; we run one.
        string first = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return long.Parse(first, CultureInfo.InvariantCulture);
    }
}
