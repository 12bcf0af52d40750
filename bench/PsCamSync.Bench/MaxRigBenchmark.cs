using System.Diagnostics;
using System.Globalization;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Bench;

/// <summary>
/// The largest cameras × frame rate this host records with 0 Dropped, for each encoder: real takes through
/// <see cref="CaptureSession"/> (the API examples/SyncTakeRunner uses) of simulated 1920x1200 Mono8 cameras, searching
/// the rate for 1..4 cameras.
/// </summary>
/// <remarks>
/// <para>A rate passes when the take completes and every camera captured every slot (no Dropped, and nothing missed,
/// late or failed to write either). Search per camera count: start from the previous count's best at the same total
/// frame rate (60 Hz for one camera), step ×1.5 up or ×0.6 down until passing and failing rates bracket the limit,
/// then bisect (geometric mean) until they are within 10 % or the count's share of the time budget is spent. The
/// printed rate is the highest that passed; the next column the lowest that failed.</para>
/// <para>Short takes flatter the host, so: the rings hold 0.25 s of frames (<c>BufferSeconds</c>; the product's default
/// is 2 s, which over a take of a few seconds hides a writer that falls behind), and a take of S seconds still lands in
/// the page cache as long as the dirty limit allows; MB/s is the raw frame rate offered (cameras × rate × 2 304 000
/// bytes), which Y4M writes as is. The simulated frames are constant rows: the ffmpeg encoders go faster on them than on
/// a sensor's noisy images (see the ffmpeg-path benchmark's texture rows). The simulated sensors take 100 µs of
/// exposure and 400 µs of readout, so they follow triggers up to 2 kHz; the search stops at 1 kHz.</para>
/// <para>Arguments: <c>--encoders Y4M,Libx264,Ffv1</c>, <c>--max-cameras N</c> (default 4), <c>--seconds S</c> per take
/// (default 4), <c>--budget S</c> per encoder (default 180), <c>--path DIR</c> (default the temp folder). Exit codes:
/// 0 measured, 1 a take could not start, 2 bad argument.</para>
/// </remarks>
internal static class MaxRigBenchmark
{
    private const int Width = 1920, Height = 1200;
    private const double MaxRate = 320, MinRate = 1;
    private const double BufferSeconds = 0.25;

    private sealed record Trial(double Rate, bool Passed, long Late, string Detail);

    private static string Shorten(string message) => message.Length <= 160 ? message : message[..157] + "...";

    public static int Run(string[] args)
    {
        var encoders = new List<VideoEncoder> { VideoEncoder.Y4M, VideoEncoder.Libx264, VideoEncoder.Ffv1 };
        int maxCameras = 4;
        double seconds = 4, budget = 180;
        string root = Path.GetTempPath();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--encoders" when i + 1 < args.Length:
                    encoders = args[++i].Split(',').Select(e => Enum.Parse<VideoEncoder>(e.Trim(), ignoreCase: true)).ToList();
                    break;
                case "--max-cameras" when i + 1 < args.Length: maxCameras = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seconds" when i + 1 < args.Length: seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--budget" when i + 1 < args.Length: budget = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--path" when i + 1 < args.Length: root = args[++i]; break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; use --encoders Y4M,Libx264,Ffv1 --max-cameras N --seconds S --budget S --path DIR");
                    return 2;
            }
        }
        if (maxCameras < 1 || seconds <= 0 || budget <= 0 || !Directory.Exists(root))
        {
            Console.Error.WriteLine("--max-cameras must be at least 1, --seconds and --budget positive, --path an existing folder.");
            return 2;
        }
        string work = Path.Combine(Path.GetFullPath(root), $"pscamsync-max-rig-{Environment.ProcessId}");
        double frameMB = PixelFormats.FrameBytes(Width, Height, PixelFormat.Mono8) / 1e6;
        var table = new List<(VideoEncoder Encoder, int Cameras, double Best, long BestLate, double FirstFail, int Takes, string FailDetail)>();
        Console.WriteLine($"max rig: simulated {Width}x{Height} Mono8 cameras, takes of {seconds:0.#} s, BufferSeconds {BufferSeconds}, budget {budget:0} s per encoder, into {work}");
        try
        {
            Directory.CreateDirectory(work);
            int serial = 0;
            foreach (var encoder in encoders)
            {
                var encoderWatch = Stopwatch.StartNew();
                double previousTotal = 60; // frames per second of all cameras together that passed with one camera fewer
                for (int cameras = 1; cameras <= maxCameras; cameras++)
                {
                    double share = (budget - encoderWatch.Elapsed.TotalSeconds) / (maxCameras - cameras + 1);
                    var countWatch = Stopwatch.StartNew();
                    var trials = new List<Trial>();
                    Trial Try(double rate)
                    {
                        rate = Math.Round(rate, rate < 20 ? 1 : 0);
                        var t = Take(encoder, cameras, rate, seconds, Path.Combine(work, $"take-{serial++}"));
                        trials.Add(t);
                        Console.WriteLine($"  {encoder,-8} {cameras} cam {rate,7:0.#} Hz  {(t.Passed ? "ok  " : "FAIL")}  {t.Detail}");
                        return t;
                    }
                    bool TimeLeft() => countWatch.Elapsed.TotalSeconds + seconds + 3 < share;

                    double lo = 0, hi = double.PositiveInfinity;
                    double start = Math.Clamp(previousTotal / cameras, MinRate, MaxRate);
                    var first = Try(start);
                    if (first.Passed)
                    {
                        lo = first.Rate;
                        while (lo < MaxRate && TimeLeft())
                        {
                            var t = Try(Math.Min(MaxRate, lo * 1.5));
                            if (t.Passed) lo = t.Rate;
                            else { hi = t.Rate; break; }
                        }
                    }
                    else
                    {
                        hi = first.Rate;
                        while (hi > MinRate && TimeLeft())
                        {
                            var t = Try(Math.Max(MinRate, hi * 0.6));
                            if (t.Passed) { lo = t.Rate; break; }
                            hi = t.Rate;
                        }
                    }
                    while (lo > 0 && !double.IsInfinity(hi) && hi / lo > 1.1 && TimeLeft())
                    {
                        var t = Try(Math.Sqrt(lo * hi));
                        if (t.Rate <= lo || t.Rate >= hi) break; // rounding leaves nothing between them
                        if (t.Passed) lo = t.Rate;
                        else hi = t.Rate;
                    }
                    string failDetail = trials.Where(t => !t.Passed && t.Rate == hi).Select(t => t.Detail).FirstOrDefault() ?? "";
                    long bestLate = trials.Where(t => t.Passed && t.Rate == lo).Select(t => t.Late).FirstOrDefault();
                    table.Add((encoder, cameras, lo, bestLate, hi, trials.Count, failDetail));
                    if (lo > 0)
                        previousTotal = lo * cameras;
                }
            }
        }
        catch (Exception e) when (e is PsCamSync.Core.PsCamSyncException or IOException)
        {
            Console.Error.WriteLine($"max-rig: {e.Message}");
            return 1;
        }
        finally
        {
            BenchProcess.Remove(work);
        }

        Console.WriteLine();
        Console.WriteLine($"{"encoder",-8} {"cameras",7} {"max Hz, 0 Dropped",17} {"MB/s",6} {"late",5} {"fails at Hz",11} {"takes",5}");
        foreach (var r in table)
        {
            string best = r.Best > 0 ? r.Best.ToString(r.Best < 20 ? "0.0" : "0", CultureInfo.InvariantCulture) : $"< {MinRate}";
            string fail = !double.IsInfinity(r.FirstFail) ? r.FirstFail.ToString(r.FirstFail < 20 ? "0.0" : "0", CultureInfo.InvariantCulture)
                : r.Best >= MaxRate ? $"> {MaxRate:0} (sensor)" : "not reached";
            Console.WriteLine($"{r.Encoder,-8} {r.Cameras,7} {best,17} {r.Cameras * r.Best * frameMB,6:0} {r.BestLate,5} {fail,11} {r.Takes,5}");
        }
        Console.WriteLine("(MB/s: raw frames offered, cameras x rate x 2.304 MB. A rate passes with no frame Dropped, TriggerMissed, WriteFailed,");
        Console.WriteLine(" CameraLost or Incomplete; late: TriggerLate slots at that rate (the trigger thread woke too late: a host wake-up limit);");
        Console.WriteLine(" fails at: the lowest rate that failed; \"not reached\": the count's time budget ran out first.)");
        foreach (var r in table.Where(r => r.FailDetail.Length > 0))
            Console.WriteLine($"  {r.Encoder} {r.Cameras} cam at {r.FirstFail:0.#} Hz: {r.FailDetail}");
        return 0;
    }

    /// <summary>One take; passed when no frame was Dropped, failed to write, lost with its camera or incomplete.</summary>
    private static Trial Take(VideoEncoder encoder, int cameras, double rate, double seconds, string path)
    {
        try
        {
            var backend = new SimulatedBackend(cameras, (_, o) => { o.Width = Width; o.Height = Height; o.PixelFormat = PixelFormat.Mono8; });
            var opened = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
            long period = FrameSchedule.PeriodFromFrameRate(rate);
            var schedule = FrameSchedule.FromRateAndDuration(FrameSchedule.AlignedStart(SharedTimeline.NowNs(), 500_000_000, period), rate, FrameSchedule.NanosFromSeconds(seconds));
            TakeManifest manifest;
            using (var session = CaptureSession.Start(opened, new CaptureOptions { Schedule = schedule, Path = path, Encoder = encoder, BufferSeconds = BufferSeconds }))
                manifest = session.Completion.Result;
            var c = manifest.Cameras.Select(x => x.Counts).ToList();
            long expected = c.Sum(x => x.Expected), captured = c.Sum(x => x.Captured);
            long notRecorded = c.Sum(x => x.Dropped + x.WriteFailed + x.CameraLost + x.Incomplete + x.TriggerMissed);
            long late = c.Sum(x => x.TriggerLate);
            bool passed = notRecorded == 0 && expected > 0 && manifest.State is TakeState.Completed or TakeState.Faulted;
            var otherFault = manifest.Faults.FirstOrDefault(f => f.Source != "Trigger");
            string detail = $"captured {captured}/{expected}, dropped {c.Sum(x => x.Dropped)}, write-failed {c.Sum(x => x.WriteFailed)}, lost {c.Sum(x => x.CameraLost)}, missed {c.Sum(x => x.TriggerMissed)}, "
                + $"late {late}, wake-up error p99 {manifest.TriggerThread?.WakeErrorP99Us / 1000:0.0} ms, state {manifest.State}"
                + (otherFault is null ? "" : $"; fault [{otherFault.Source}] {Shorten(otherFault.Message)}");
            return new Trial(rate, passed, late, detail);
        }
        finally
        {
            BenchProcess.Remove(path);
        }
    }
}
