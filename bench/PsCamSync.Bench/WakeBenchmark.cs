using System.Globalization;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Bench;

/// <summary>
/// Wake-up error of the trigger thread: N deadlines at 1 kHz on the shared timeline, each waited on with
/// <see cref="DeadlineTimer.WaitUntil"/> on a dedicated thread after <see cref="DeadlineTimer.ApplyToCurrentThread"/>,
/// error = returned shared-timeline time − deadline; when a wake-up is later than the next deadline, the deadlines
/// already past are skipped and counted (as cyclictest does), so one stall counts once. Three variants: (a) the defaults (sleep to 200 µs before the
/// deadline, then spin; slack 1 ns; SCHED_FIFO 80; mlockall), (b) plain sleep (no spin, the usual 50 µs slack,
/// SCHED_OTHER, no mlockall), (c) sleep only but with (a)'s privileges: cyclictest's own setup run through our
/// code, so (c)/cyclictest is the cost of .NET and the shared-timeline mapping. Then cyclictest runs the same
/// N × 1 ms with SCHED_FIFO 80 and mlockall, and the table gives ours next to it with the ratio. How busy the
/// machine was during each run is printed beside it: on a shared box the tails follow the load of the moment.
/// </summary>
/// <remarks>
/// Arguments: <c>--loops N</c> (default 20000), <c>--histogram-us US</c> (cyclictest's histogram top, default
/// 10000). Each variant first waits on 1000 unrecorded deadlines so the timer runs JIT-optimised code, as it does
/// during a take. Run order: (b), (a), (c), cyclictest: mlockall lasts for the whole process, so (b) runs first,
/// and (c) runs right before cyclictest, whose setup it copies.
/// </remarks>
internal static class WakeBenchmark
{
    private const long PeriodNs = 1_000_000;
    private const int WarmupDeadlines = 1000;
    private const int CyclictestPriority = 80;

    public static int Run(string[] args)
    {
        int loops = 20_000, histogramUs = 10_000;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--loops" when i + 1 < args.Length: loops = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--histogram-us" when i + 1 < args.Length: histogramUs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"wake: unknown argument '{args[i]}' (known: --loops N, --histogram-us US)");
                    return 2;
            }
        }

        string? cyclictest = Cyclictest.Find();
        if (cyclictest is null)
        {
            Console.Error.WriteLine("wake: cyclictest not found on PATH. It is the reference this benchmark compares against;");
            Console.Error.WriteLine("      install rt-tests (Debian/Ubuntu: apt-get install rt-tests) and run again.");
            return 3;
        }

        Console.WriteLine($"wake: {loops} deadlines at 1 kHz per variant ({loops / 1000.0:0.#} s each), {Environment.ProcessorCount} CPUs, {Environment.OSVersion}");
        var plain = Measure("plain sleep", new TriggerTimerOptions { SpinNs = 0, TimerSlackNs = 50_000, FifoPriority = 0, LockMemory = false }, loops);
        var ours = Measure("DeadlineTimer defaults", new TriggerTimerOptions(), loops);
        var sleepOnly = Measure("sleep only, FIFO 80", new TriggerTimerOptions { SpinNs = 0 }, loops);

        Console.WriteLine($"running {cyclictest} ...");
        Cyclictest reference;
        var before = CpuLoad.Read();
        try
        {
            reference = Cyclictest.Run(cyclictest, CyclictestPriority, (int)(PeriodNs / 1000), loops, histogramUs);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"wake: {e.Message}");
            return 4;
        }

        string referenceLoad = CpuLoad.Describe(before, CpuLoad.Read());
        Print([ours, plain, sleepOnly], reference, referenceLoad);
        return 0;
    }

    private sealed record Variant(string Name, TriggerThreadReport Granted, WakeErrorStatistics Errors)
    {
        public string Load { get; init; } = "";
        public long Skipped { get; init; }
    }

    private static Variant Measure(string name, TriggerTimerOptions options, int loops)
    {
        Console.WriteLine($"measuring {name} ...");
        Variant? result = null;
        Exception? failure = null;
        var before = CpuLoad.Read();
        var thread = new Thread(() =>
        {
            try
            {
                var timer = new DeadlineTimer(options);
                var granted = timer.ApplyToCurrentThread();
                var errors = new WakeErrorStatistics(loops);
                var grid = new FrameSchedule(FrameSchedule.AlignedStart(SharedTimeline.NowNs(), 20_000_000, PeriodNs), PeriodNs, long.MaxValue / PeriodNs / 2, null);
                long n = 0, skipped = 0;
                for (int wait = 0; wait < WarmupDeadlines + loops; wait++)
                {
                    long deadline = grid.TimeOf(n);
                    long woke = timer.WaitUntil(deadline, CancellationToken.None);
                    if (wait >= WarmupDeadlines)
                        errors.Record(woke - deadline);
                    // As cyclictest does: deadlines that passed while we were late are skipped, not waited on.
                    long next = Math.Max(n + 1, grid.FirstIndexAtOrAfter(woke));
                    if (wait >= WarmupDeadlines)
                        skipped += next - n - 1;
                    n = next;
                }
                errors.Fill(granted);
                result = new Variant(name, granted, errors) { Skipped = skipped };
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { Name = "wake benchmark", IsBackground = true };
        thread.Start();
        thread.Join();
        if (failure is not null)
            throw new InvalidOperationException($"the {name} run failed", failure);
        return result! with { Load = CpuLoad.Describe(before, CpuLoad.Read()) };
    }

    private static void Print(Variant[] variants, Cyclictest reference, string referenceLoad)
    {
        double[] percentiles = [50, 99, 99.9];
        string[] labels = ["a", "b", "c"];
        Console.WriteLine();
        Console.WriteLine($"Wake-up error after the deadline, µs ({variants[0].Errors.Count} deadlines at 1 kHz per row; nearest-rank percentiles)");
        Console.WriteLine($"{"",-34}{"p50",12}{"p99",12}{"p99.9",12}{"max",12}   load during the run");
        for (int i = 0; i < variants.Length; i++)
            Row($"({labels[i]}) {variants[i].Name}", variants[i].Errors, percentiles, variants[i].Load);

        var ctCells = percentiles.Select(p => BucketText(reference, p)).Append(reference.MaxUs.ToString(CultureInfo.InvariantCulture));
        Console.WriteLine($"{"cyclictest (bucket [b, b+1) µs)",-34}{string.Concat(ctCells.Select(c => c.PadLeft(12)))}   {referenceLoad}");
        for (int i = 0; i < variants.Length; i++)
            RatioRow($"ratio ({labels[i]}) / cyclictest", variants[i].Errors, reference, percentiles);
        Console.WriteLine("  (ratios divide by the cyclictest bucket's midpoint b + 0.5 µs; max by its exact max)");
        Console.WriteLine();
        Console.WriteLine($"cyclictest: {reference.CommandLine}");
        Console.WriteLine($"  samples {reference.Samples}, Min {reference.MinUs} µs, Avg {reference.AvgUs} µs, Max {reference.MaxUs} µs, overflows (>= {reference.Buckets.Length} µs) {reference.Overflows}");
        for (int i = 0; i < variants.Length; i++)
        {
            var e = variants[i].Errors;
            Console.WriteLine($"({labels[i]}), µs: min {e.MinNs / 1000.0:0.000}, mean {e.MeanNs / 1000.0:0.000}, early wake-ups {e.EarlyCount}, deadlines skipped after a late wake-up {variants[i].Skipped}");
        }
        Console.WriteLine();
        Console.WriteLine("What each trigger thread was granted:");
        for (int i = 0; i < variants.Length; i++)
            Granted($"({labels[i]})", variants[i]);
    }

    private static void Row(string name, WakeErrorStatistics errors, double[] percentiles, string load)
    {
        var cells = percentiles.Select(p => errors.PercentileNs(p) / 1000.0).Append(errors.MaxUs)
            .Select(v => v.ToString("0.000", CultureInfo.InvariantCulture).PadLeft(12));
        Console.WriteLine($"{name,-34}{string.Concat(cells)}   {load}");
    }

    private static void RatioRow(string name, WakeErrorStatistics errors, Cyclictest reference, double[] percentiles)
    {
        var cells = percentiles.Select(p =>
            {
                long bucket = reference.PercentileBucketUs(p);
                return bucket >= reference.Buckets.Length ? "n/a" : Ratio(errors.PercentileNs(p) / 1000.0, bucket + 0.5);
            })
            .Append(reference.MaxUs > 0 ? Ratio(errors.MaxUs, reference.MaxUs) : "n/a");
        Console.WriteLine($"{name,-34}{string.Concat(cells.Select(c => c.PadLeft(12)))}");
    }

    private static string Ratio(double ours, double theirs) =>
        (ours / theirs).ToString("0.000", CultureInfo.InvariantCulture);

    private static string BucketText(Cyclictest reference, double percentile)
    {
        long bucket = reference.PercentileBucketUs(percentile);
        return bucket >= reference.Buckets.Length ? $">={bucket}" : bucket.ToString(CultureInfo.InvariantCulture);
    }

    private static void Granted(string label, Variant v)
    {
        var g = v.Granted;
        string refused = g.Refused.Count == 0 ? "nothing refused" : "refused: " + string.Join("; ", g.Refused);
        Console.WriteLine($"{label} {v.Name}: SCHED_FIFO {(g.FifoPriority > 0 ? g.FifoPriority.ToString(CultureInfo.InvariantCulture) : "no (SCHED_OTHER)")}, " +
                          $"timer slack {g.TimerSlackNs} ns, mlockall {(g.MemoryLocked ? "yes" : "no")}, spin {g.SpinNs / 1000.0:0.#} µs; {refused}");
    }
}
