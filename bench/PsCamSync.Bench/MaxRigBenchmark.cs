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
/// <para>A rate passes when no frame of any camera was Dropped, missed (TriggerMissed: its frame did not reach the writer
/// within the frame timeout), failed to write, was lost with its camera or was incomplete. TriggerLate slots (the
/// trigger thread woke later than the late tolerance) do not fail a rate: they measure the host's wake-up, not what it
/// can record, and on a loaded virtual machine they come at any rate; they are counted in the table. Search per camera
/// count: start from the previous count's best at the same total frame rate (60 Hz for one camera), step ×1.5 up or
/// ×0.6 down until a passing and a failing rate bracket the limit, then bisect (geometric mean) until they are within
/// 10 % or the count's share of the time budget is spent. The table gives the highest rate that passed and the lowest
/// that failed.</para>
/// <para>Takes start 2 s ahead of T0 and keep rings of 2 s of frames (<c>BufferSeconds</c>), the product's defaults: the
/// ffmpeg encoders open when their first frame arrives and stop reading for 1-2 s while they do (FFV1 most; measured
/// with ffmpeg fed from a script too, so it is ffmpeg's, not the sink's), which a smaller ring turns into Dropped frames
/// at any rate. The price: a writer slower than the cameras hides in the ring for a while, so a take of S seconds can
/// pass with a writer as slow as S/(S+2) of the offered rate (8 s takes: 0.8). A take of a few seconds also lands in
/// the page cache (dirty limit: 20 % of RAM), so Y4M's numbers are the host's burst rate, not its disk's sustained one
/// (take-write measures that). MB/s is the raw frame rate offered (cameras × rate × 2 304 000 bytes). The simulated
/// frames are constant rows: the ffmpeg encoders go faster on them than on a sensor's noisy images (ffmpeg-path's
/// texture rows). The simulated sensors keep their defaults (1 ms exposure, 2 ms readout: triggers up to 332 Hz), so
/// the search stops at 320 Hz.</para>
/// <para>Arguments: <c>--encoders Y4M,Libx264,Ffv1</c>, <c>--max-cameras N</c> (default 4), <c>--seconds S</c> per take
/// (default 8), <c>--budget S</c> per encoder (default 240), <c>--path DIR</c> (default the temp folder). Exit codes:
/// 0 measured, 1 a take could not start, 2 bad argument.</para>
/// </remarks>
internal static class MaxRigBenchmark
{
    private const int Width = 1920, Height = 1200;
    private const double MaxRate = 320, MinRate = 1;
    private const double BufferSeconds = 2.0;

    /// <summary>Time from starting a take to its T0, ns: the product's default lead (Start-SyncCapture -Lead 2 s).</summary>
    private const long LeadNs = 2_000_000_000;

    private sealed record Trial(double Rate, bool Passed, long Late, string Detail);

    private static string Shorten(string message, int length = 160) => message.Length <= length ? message : message[..(length - 3)] + "...";

    public static int Run(string[] args)
    {
        var encoders = new List<VideoEncoder> { VideoEncoder.Y4M, VideoEncoder.Libx264, VideoEncoder.Ffv1 };
        int maxCameras = 4;
        double seconds = 8, budget = 240;
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
            var schedule = FrameSchedule.FromRateAndDuration(FrameSchedule.AlignedStart(SharedTimeline.NowNs(), LeadNs, period), rate, FrameSchedule.NanosFromSeconds(seconds));
            TakeManifest manifest;
            using (var session = CaptureSession.Start(opened, new CaptureOptions { Schedule = schedule, Path = path, Encoder = encoder, BufferSeconds = BufferSeconds }))
                manifest = session.Completion.Result;
            var c = manifest.Cameras.Select(x => x.Counts).ToList();
            long expected = c.Sum(x => x.Expected), captured = c.Sum(x => x.Captured);
            long notRecorded = c.Sum(x => x.Dropped + x.WriteFailed + x.CameraLost + x.Incomplete + x.TriggerMissed);
            long late = c.Sum(x => x.TriggerLate);
            bool passed = notRecorded == 0 && expected > 0 && manifest.State is TakeState.Completed or TakeState.Faulted;
            var otherFault = manifest.Faults.FirstOrDefault(f => f.Source != TakeFaultSource.Trigger);
            string detail = $"captured {captured}/{expected}, dropped {c.Sum(x => x.Dropped)}, write-failed {c.Sum(x => x.WriteFailed)}, lost {c.Sum(x => x.CameraLost)}, missed {c.Sum(x => x.TriggerMissed)}, "
                + $"late {late}, wake-up error p99 {manifest.TriggerThread?.WakeErrorP99Us / 1000:0.0} ms, state {manifest.State}"
                + (otherFault is null ? "" : $"; fault [{otherFault.Source}] {Shorten(otherFault.Message)}")
                + (manifest.Faults.Count(f => f.Source != TakeFaultSource.Trigger) > 1
                    ? $" (+ faults: {string.Join(", ", manifest.Faults.Where(f => f.Source != TakeFaultSource.Trigger).Skip(1).Select(f => $"[{f.Source}] {Shorten(f.Message, 90)}"))})" : "");
            return new Trial(rate, passed, late, detail);
        }
        finally
        {
            BenchProcess.Remove(path);
        }
    }
}
