using System.Globalization;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Aravis;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Aravis;
using PsCamSync.Core.Timing;

namespace PsCamSync.Bench;

/// <summary>
/// Trigger skew of whole takes against cyclictest in the same run. Each row is one take: its trigger skew
/// (<see cref="TakeReport.TriggerSkew"/>: per frame set, the spread across cameras of the time read just before each
/// camera's trigger call, ns) as p50/p99/max, the ratio of its p99 to cyclictest's p99, and the managed bytes the
/// whole process allocated per frame in the take's steady state. Then cyclictest runs for as long as the takes did,
/// at 1 kHz with SCHED_FIFO at the trigger thread's priority and mlockall, on the same machine with the same
/// emulators running, and its row closes the table.
/// </summary>
/// <remarks>
/// <para>Rows today: <c>Software, Aravis emulators</c>: N <c>arv-fake-gv-camera-0.8</c> processes in a network
/// namespace of their own (the tests' <see cref="FakeGvCameras"/>; needs root and <c>ip</c>), software-triggered
/// through the per-camera sender threads of <see cref="TriggerPort"/>. A further row is a function that returns a
/// <see cref="SkewRow"/> (use <see cref="MeasureTake"/> for the take itself) added to <see cref="Takes"/>.</para>
/// <para>Below the table, per camera: how long after Tn its trigger time came (TriggerNs − Tn, p50/p99/max µs) and
/// how many of its slots were sent, with the trigger thread's own wake-up error from take.json; the same by rank within
/// a frame set (the first, second, ... camera to be triggered), so one sees whether the skew is one camera's lateness,
/// the senders running one after another, or everyone's jitter; and how each camera was triggered (sender thread, slots
/// taken awake, the Aravis trigger path).</para>
/// <para>Arguments: <c>--rate HZ</c> (default 20: the emulator refuses more than 25 Hz, see
/// <see cref="AravisCamera.EmulatorTriggerPollNs"/>), <c>--seconds S</c> (default 20), <c>--cameras N</c> (default 3),
/// <c>--histogram-us US</c> (cyclictest's histogram top, default 10000). Exit codes: 0 measured; 2 bad argument;
/// 3 a prerequisite (cyclictest, the emulator, ip, root) is missing; 4 cyclictest failed; 1 a take failed.</para>
/// </remarks>
internal static class TriggerSkewBenchmark
{
    private const int CyclictestIntervalUs = 1000;

    /// <summary>One row of the table: one take's trigger skew, ns, and allocation.</summary>
    /// <param name="Name">What was measured (mode and cameras).</param>
    /// <param name="Cameras">Cameras in the take.</param>
    /// <param name="FrameSets">Frame sets with at least two trigger times (the skew's sample count).</param>
    /// <param name="P50Ns">Median trigger skew, ns.</param>
    /// <param name="P99Ns">99th-percentile trigger skew (nearest rank), ns.</param>
    /// <param name="MaxNs">Largest trigger skew, ns.</param>
    /// <param name="BytesPerFrame">Managed bytes allocated by the whole process per frame (slot × camera) in the
    /// steady-state window; NaN when no frame was accounted for in it.</param>
    /// <param name="Load">How busy the CPUs were during the take (<see cref="CpuLoad.Describe"/>).</param>
    /// <param name="Details">Lines printed under the table for this row (per-camera detail).</param>
    internal sealed record SkewRow(string Name, int Cameras, long FrameSets, long P50Ns, long P99Ns, long MaxNs,
        double BytesPerFrame, string Load, IReadOnlyList<string> Details);

    /// <summary>What <see cref="MeasureTake"/> returns: the finished take and its steady-state allocation.</summary>
    internal sealed record TakeMeasurement(TakeManifest Manifest, TakeReport Report, string TakePath, double BytesPerFrame, string Load)
    {
        /// <summary>Each camera's frames table, read before the take folder was deleted.</summary>
        public IReadOnlyList<(string Id, IReadOnlyList<FrameRecord> Frames)> Rows { get; init; } = [];

        /// <summary>Per camera, how its slots were sent: by a sender thread, and how many it took awake at Tn
        /// (<see cref="TriggerPort.SlotsTakenAwake"/>), and the backend's trigger path where it says one.</summary>
        public IReadOnlyList<string> TriggerPaths { get; init; } = [];
    }

    /// <summary>The rows, in print order: each gets the benchmark's settings and returns its measured row.</summary>
    private static readonly (string Name, Func<Settings, SkewRow> Measure)[] Takes =
    [
        ("Software, Aravis emulators", SoftwareOnAravisEmulators),
    ];

    /// <summary>The benchmark's arguments.</summary>
    internal sealed record Settings(double RateHz, double Seconds, int Cameras, int HistogramUs);

    public static int Run(string[] args)
    {
        var settings = new Settings(20, 20, 3, 10_000); // the emulator follows at most 25 Hz (AravisCamera.EmulatorTriggerPollNs)
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rate" when i + 1 < args.Length: settings = settings with { RateHz = double.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--seconds" when i + 1 < args.Length: settings = settings with { Seconds = double.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--cameras" when i + 1 < args.Length: settings = settings with { Cameras = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--histogram-us" when i + 1 < args.Length: settings = settings with { HistogramUs = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                default:
                    Console.Error.WriteLine($"trigger-skew: unknown argument '{args[i]}' (known: --rate HZ, --seconds S, --cameras N, --histogram-us US)");
                    return 2;
            }
        }
        if (!(settings.RateHz > 0) || !(settings.Seconds > 0) || settings.Cameras is < 2 or > 200)
        {
            Console.Error.WriteLine("trigger-skew: --rate and --seconds must be positive and --cameras 2 to 200");
            return 2;
        }

        string? cyclictest = Cyclictest.Find();
        var missing = new List<string>();
        if (cyclictest is null) missing.Add("cyclictest (apt-get install rt-tests)");
        if (!OnPath(FakeGvCameras.Program)) missing.Add($"{FakeGvCameras.Program} (apt-get install aravis-tools)");
        if (!OnPath("ip")) missing.Add("ip (apt-get install iproute2)");
        if (Environment.UserName != "root") missing.Add("root (network namespaces for the emulators)");
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"trigger-skew: missing {string.Join(", ", missing)}");
            return 3;
        }

        Console.WriteLine($"trigger-skew: {settings.Cameras} cameras, {settings.RateHz} Hz, {settings.Seconds} s per take, {Environment.ProcessorCount} CPUs, {Environment.OSVersion}");
        var rows = new List<SkewRow>();
        foreach (var (name, measure) in Takes)
        {
            Console.WriteLine($"measuring {name} ...");
            try
            {
                rows.Add(measure(settings));
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"trigger-skew: the take '{name}' failed: {e}");
                return 1;
            }
        }

        int loops = (int)Math.Ceiling(settings.Seconds * 1e6 / CyclictestIntervalUs);
        int priority = new TriggerTimerOptions().FifoPriority;
        Console.WriteLine($"running {cyclictest} for {settings.Seconds} s ...");
        Cyclictest reference;
        var before = CpuLoad.Read();
        try
        {
            reference = Cyclictest.Run(cyclictest!, priority, CyclictestIntervalUs, loops, settings.HistogramUs);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"trigger-skew: {e.Message}");
            return 4;
        }
        Print(rows, reference, CpuLoad.Describe(before, CpuLoad.Read()), settings);
        return 0;
    }

    /// <summary>
    /// The Software row: <paramref name="settings"/>.Cameras Aravis emulators in a namespace of their own, one take
    /// software-triggered through the cameras' sender threads.
    /// </summary>
    private static SkewRow SoftwareOnAravisEmulators(Settings settings)
    {
        using var fakes = new FakeGvCameras(settings.Cameras);
        TakeMeasurement? m = null;
        fakes.Run(() =>
        {
            var backend = new AravisBackend();
            var cameras = fakes.Cameras.Select(c => (ICamera)backend.Open(c.Address)).ToList();
            m = MeasureTake(cameras, settings.RateHz, settings.Seconds, "aravis");
        });
        return ToRow($"Software, {settings.Cameras} Aravis emulators", m!);
    }

    /// <summary>
    /// Records one take of <paramref name="cameras"/> at <paramref name="rateHz"/> for <paramref name="seconds"/> into
    /// RAM (/dev/shm when there), starting 1.5 s from now, and analyses it. Allocation: the process-wide allocated-bytes
    /// counter is read at a quarter and at seven eighths of the take and divided by the frames (slots × cameras)
    /// accounted for in between. The take folder is deleted afterwards.
    /// </summary>
    /// <param name="configure">Changes to the capture options (trigger mode, timer) before the take starts; may be null.</param>
    /// <exception cref="InvalidOperationException">The take did not finish within its length plus a minute.</exception>
    internal static TakeMeasurement MeasureTake(IReadOnlyList<ICamera> cameras, double rateHz, double seconds, string label,
        Func<CaptureOptions, CaptureOptions>? configure = null)
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        string path = Path.Combine(root, $"pscamsync-skew-{label}-{Environment.ProcessId}");
        try
        {
            long period = FrameSchedule.PeriodFromFrameRate(rateHz);
            var schedule = FrameSchedule.FromRateAndDuration(FrameSchedule.AlignedStart(SharedTimeline.NowNs(), 1_500_000_000, period), rateHz, FrameSchedule.NanosFromSeconds(seconds));
            var options = new CaptureOptions { Schedule = schedule, Path = path };
            if (configure is not null)
                options = configure(options);
            var load0 = CpuLoad.Read();
            using var session = CaptureSession.Start(cameras.ToList(), options);
            long warmUp = schedule.TimeOf(schedule.EndIndex / 4), measureEnd = schedule.TimeOf(schedule.EndIndex * 7 / 8);
            WaitUntil(warmUp);
            var p0 = session.GetProgress();
            long a0 = GC.GetTotalAllocatedBytes(precise: true);
            WaitUntil(measureEnd);
            long a1 = GC.GetTotalAllocatedBytes(precise: true);
            var p1 = session.GetProgress();
            if (!session.Completion.Wait(TimeSpan.FromSeconds(seconds + 60)))
                throw new InvalidOperationException($"the take '{label}' did not finish within {seconds + 60} s");
            var manifest = session.Completion.Result;
            string load = CpuLoad.Describe(load0, CpuLoad.Read());
            long frames = (p1.NextFrameIndex - p0.NextFrameIndex) * cameras.Count;
            var report = TakeAnalyzer.Analyze(session.TakePath);
            return new TakeMeasurement(manifest, report, session.TakePath, frames > 0 ? (double)(a1 - a0) / frames : double.NaN, load)
            {
                // read now: the folder is deleted when this method returns
                Rows = manifest.Cameras.Select(c => (c.Id, FramesTableReader.Read(Path.Combine(session.TakePath, c.FramesFile)))).ToList(),
                TriggerPaths = session.Pipelines.Select(p => $"{p.CameraId}: " + (p.Port!.Sends ? $"sender thread, {p.Port.SlotsTakenAwake} slots taken awake at Tn" : "direct from the trigger thread")
                    + (p.Port.Camera is AravisCamera a ? $"; {a.TriggerPath}" : "")).ToList(),
            };
        }
        finally
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>A row from a measured take, with per-camera detail: TriggerNs − Tn of every slot sent.</summary>
    internal static SkewRow ToRow(string name, TakeMeasurement m)
    {
        var s = m.Report.TriggerSkew;
        var details = new List<string>();
        var t = m.Manifest.TriggerThread;
        details.Add(string.Create(CultureInfo.InvariantCulture,
            $"trigger thread: SCHED_FIFO {t?.FifoPriority}, wake-up error p50/p99/max {t?.WakeErrorP50Us:0.0}/{t?.WakeErrorP99Us:0.0}/{t?.WakeErrorMaxUs:0.0} µs, {t?.GarbageCollections} GCs; state {m.Manifest.State}, {m.Manifest.Faults.Count} faults"));
        foreach (var (id, rows) in m.Rows)
        {
            var late = rows.Where(r => r.TriggerNs != 0).Select(r => r.TriggerNs - r.ScheduledNs).Order().ToList();
            var counts = m.Manifest.Cameras.First(c => c.Id == id).Counts;
            details.Add(late.Count == 0
                ? $"{id}: no slot sent; {Counts(counts)}"
                : string.Create(CultureInfo.InvariantCulture,
                    $"{id}: TriggerNs − Tn p50/p99/max {Percentiles.NearestRank(late, 50) / 1e3:0.0}/{Percentiles.NearestRank(late, 99) / 1e3:0.0}/{late[^1] / 1e3:0.0} µs over {late.Count} sent; {Counts(counts)}"));
        }
        // By rank within a frame set: the first, second, ... camera's TriggerNs − Tn, over sets where every camera was sent.
        var byIndex = m.Rows.Select(r => r.Frames.Where(f => f.TriggerNs != 0).ToDictionary(f => f.FrameIndex, f => f.TriggerNs - f.ScheduledNs)).ToList();
        var complete = byIndex.Count == 0 ? [] : byIndex[0].Keys.Where(k => byIndex.All(d => d.ContainsKey(k))).ToList();
        if (complete.Count > 0 && byIndex.Count > 1)
        {
            var ranks = complete.Select(k => byIndex.Select(d => d[k]).Order().ToArray()).ToList();
            details.Add("by rank in a frame set, TriggerNs − Tn p50/p99 µs: " + string.Join(", ", Enumerable.Range(0, byIndex.Count).Select(rank =>
            {
                var v = ranks.Select(r => r[rank]).Order().ToList();
                return string.Create(CultureInfo.InvariantCulture, $"#{rank + 1} {Percentiles.NearestRank(v, 50) / 1e3:0.0}/{Percentiles.NearestRank(v, 99) / 1e3:0.0}");
            })) + $" (over {complete.Count} sets)");
        }
        details.AddRange(m.TriggerPaths);
        foreach (var f in m.Manifest.Faults.Take(5))
            details.Add($"fault [{f.Source}] {f.Camera}: {f.Message}");
        return new SkewRow(name, m.Manifest.Cameras.Count, s.FrameSets, s.P50Ns, s.P99Ns, s.MaxNs, m.BytesPerFrame, m.Load, details);
    }

    private static string Counts(FrameCounts c) =>
        $"expected {c.Expected} captured {c.Captured} missed {c.TriggerMissed} late {c.TriggerLate} lost {c.CameraLost}";

    /// <summary>Prints the rows, cyclictest's row and the ratios of each p99 to cyclictest's.</summary>
    internal static void Print(IReadOnlyList<SkewRow> rows, Cyclictest reference, string referenceLoad, Settings settings)
    {
        long ctP50 = reference.PercentileBucketUs(50), ctP99 = reference.PercentileBucketUs(99);
        Console.WriteLine();
        Console.WriteLine($"Trigger skew across cameras, µs ({settings.RateHz} Hz, {settings.Seconds} s per take; nearest-rank percentiles over frame sets)");
        Console.WriteLine($"{"",-36}{"sets",7}{"p50",10}{"p99",10}{"max",10}{"p99/ct99",10}{"B/frame",9}   load during the run");
        foreach (var r in rows)
        {
            string ratio = ctP99 >= reference.Buckets.Length ? "n/a" : (r.P99Ns / 1e3 / (ctP99 + 0.5)).ToString("0.00", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-36}{r.FrameSets,7}{r.P50Ns / 1e3,10:0.0}{r.P99Ns / 1e3,10:0.0}{r.MaxNs / 1e3,10:0.0}{ratio,10}{r.BytesPerFrame,9:0.0}   {r.Load}"));
        }
        Console.WriteLine($"{"cyclictest wake-up (bucket [b,b+1))",-36}{reference.Samples,7}{Bucket(reference, ctP50),10}{Bucket(reference, ctP99),10}{reference.MaxUs,10}{"",10}{"",9}   {referenceLoad}");
        Console.WriteLine("  (p99/ct99 divides a row's p99 by the midpoint b + 0.5 µs of cyclictest's p99 bucket; target for Software on the emulators: <= 2)");
        Console.WriteLine("  (B/frame: managed bytes the whole process allocated per frame (slot × camera) in the take's steady state; target 0)");
        Console.WriteLine();
        Console.WriteLine($"cyclictest: {reference.CommandLine}");
        Console.WriteLine($"  samples {reference.Samples}, Min {reference.MinUs} µs, Avg {reference.AvgUs} µs, Max {reference.MaxUs} µs, overflows (>= {reference.Buckets.Length} µs) {reference.Overflows}");
        foreach (var r in rows)
        {
            Console.WriteLine($"{r.Name}:");
            foreach (var d in r.Details)
                Console.WriteLine($"  {d}");
        }
    }

    private static string Bucket(Cyclictest reference, long bucket) =>
        bucket >= reference.Buckets.Length ? $">={bucket}" : bucket.ToString(CultureInfo.InvariantCulture);

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
            .Any(d => File.Exists(Path.Combine(d, program)));

    private static void WaitUntil(long ns)
    {
        long ms = (ns - SharedTimeline.NowNs()) / 1_000_000;
        if (ms > 0) Thread.Sleep((int)ms);
    }
}
