using System.Diagnostics;
using System.Globalization;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Bench;

/// <summary>
/// Raw take writing (Y4M, N cameras at 1920x1200 Mono8) as a fraction of <c>dd conv=fdatasync</c> sequential write
/// throughput on the same path, measured in the same run. Target: at least 0.9.
/// </summary>
/// <remarks>
/// <para><b>Ours.</b> The sinks a capture session writes with, fed as fast as possible: per camera one thread that
/// creates the Y4M sink (<see cref="VideoSinks.Create"/>) and the frames table (<see cref="FramesTableWriter"/>) under
/// the same names as <c>CaptureSession</c>, then per frame does what the session's writer thread does with the disk —
/// <c>sink.Write(pixels)</c>, one table row, <c>table.Flush()</c> — and at the end <c>Complete()</c> (fsync) and
/// <c>Dispose()</c> (fsync). The clock runs from before the files are created until the last thread has closed its files;
/// the bytes are the sizes of the files written. Why the sinks and not a whole take: a take's bytes are fixed by its
/// schedule, not by how fast the disk is, and its simulated cameras spend CPU on producing frames; fed from threads the
/// writer alone is timed, on exactly the bytes dd writes. A real take at a saturating rate is printed after the verdict
/// as a cross-check (<c>--no-take</c> skips it): offered about 1.3 times dd's rate, its bytes over the time from T0 to
/// the end of completion. On the 2-core test host it is limited by the CPU (simulated cameras, writers and the
/// trigger thread share two cores), not by the writer.</para>
/// <para><b>Reference.</b> <c>dd if=/dev/zero of=DIR/dd.bin bs=4M count=… conv=fdatasync</c> writing as many bytes as
/// the frames (the verdict's reference), and, printed beside it, N dd processes at once, one per camera, each writing
/// its share into its own file: the same number of writers and fsyncs as ours (on a virtual disk N streams can be
/// faster than one). Each is timed from start to exit. Rounds rotate the order of the three runs; the ratios printed
/// are the medians of the rounds' ratios (each round's ours over the dd runs next to it), since the disk is shared and
/// its speed drifts.</para>
/// <para>Arguments: <c>--cameras N</c> (default 4), <c>--frames F</c> per camera (default 200, about 460 MB per camera),
/// <c>--rounds R</c> (default 5), <c>--path DIR</c> (default the temp folder), <c>--take-seconds S</c> (default 6),
/// <c>--no-take</c>. Exit codes: 0 measured (the verdict is printed, not enforced), 1 a run failed, 2 bad argument.</para>
/// </remarks>
internal static class TakeWriteBenchmark
{
    private const int Width = 1920, Height = 1200;
    private const int DdBlockBytes = 4 << 20;

    public static int Run(string[] args)
    {
        int cameras = 4, frames = 200, rounds = 5;
        double takeSeconds = 6;
        bool take = true;
        string root = Path.GetTempPath();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--cameras" when i + 1 < args.Length: cameras = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--frames" when i + 1 < args.Length: frames = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds" when i + 1 < args.Length: rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--path" when i + 1 < args.Length: root = args[++i]; break;
                case "--take-seconds" when i + 1 < args.Length: takeSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-take": take = false; break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; use --cameras N --frames F --rounds R --path DIR --take-seconds S --no-take");
                    return 2;
            }
        }
        if (cameras < 1 || frames < 1 || rounds < 1 || !Directory.Exists(root))
        {
            Console.Error.WriteLine("--cameras, --frames and --rounds must be at least 1, and --path an existing folder.");
            return 2;
        }

        string work = Path.Combine(Path.GetFullPath(root), $"pscamsync-take-write-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(work);
            int frameBytes = PixelFormats.FrameBytes(Width, Height, PixelFormat.Mono8);
            Console.WriteLine($"take writing: {cameras} cameras x {frames} frames of {Width}x{Height} Mono8 ({frameBytes} bytes) into {work}; {rounds} rounds, dd bs=4M conv=fdatasync");
            Console.WriteLine($"{"round",5} {"ours MB",8} {"ours s",7} {"ours MB/s",10} {"dd MB/s",8} {$"{cameras}xdd MB/s",11} {"ratio",6} {$"vs {cameras}xdd",8}   (runs in the order ours, dd, {cameras}xdd, rotated each round)");
            var ours = new List<double>();
            var dd = new List<double>();
            var ddN = new List<double>();
            var ratios = new List<double>();
            var ratiosN = new List<double>();
            long target = TargetBytes(cameras, frames, frameBytes);
            for (int r = 0; r < rounds; r++)
            {
                (long Bytes, double Seconds) o = default, d = default, dN = default;
                for (int k = 0; k < 3; k++)
                {
                    switch ((k + r) % 3)
                    {
                        case 0: o = Sinks(Path.Combine(work, $"ours-{r}"), cameras, frames); break;
                        case 1: d = Dd(work, target, 1); break;
                        default: dN = Dd(work, target, cameras); break;
                    }
                }
                double oMBs = o.Bytes / o.Seconds / 1e6, dMBs = d.Bytes / d.Seconds / 1e6, dNMBs = dN.Bytes / dN.Seconds / 1e6;
                ours.Add(oMBs);
                dd.Add(dMBs);
                ddN.Add(dNMBs);
                ratios.Add(oMBs / dMBs);
                ratiosN.Add(oMBs / dNMBs);
                Console.WriteLine($"{r + 1,5} {o.Bytes / 1e6,8:0} {o.Seconds,7:0.00} {oMBs,10:0} {dMBs,8:0} {dNMBs,11:0} {oMBs / dMBs,6:0.00} {oMBs / dNMBs,8:0.00}");
            }
            double ratio = BenchProcess.Median(ratios);
            Console.WriteLine();
            Console.WriteLine($"{"cameras",7} {"ours MB/s",10} {"dd MB/s",8} {"ratio",6}  verdict (target >= {BenchProcess.TargetRatio:0.0})   {$"{cameras}xdd MB/s",11} {$"vs {cameras}xdd",8}");
            Console.WriteLine($"{cameras,7} {BenchProcess.Median(ours),10:0} {BenchProcess.Median(dd),8:0} {ratio,6:0.00}  {BenchProcess.Verdict(ratio),-12}                {BenchProcess.Median(ddN),11:0} {BenchProcess.Median(ratiosN),8:0.00}");
            Console.WriteLine($"(MB/s: medians of the rounds; ratios: medians of the rounds' ratios. dd: one dd of the same bytes; {cameras}xdd: {cameras} dd");
            Console.WriteLine($" processes at once, one per camera, each a {cameras}th of the bytes: the same number of writers and fsyncs as ours)");

            if (take)
            {
                Console.WriteLine();
                RealTake(work, cameras, takeSeconds, BenchProcess.Median(dd));
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PsCamSync.Core.PsCamSyncException)
        {
            Console.Error.WriteLine($"take-write: {e.Message}");
            return 1;
        }
        finally
        {
            BenchProcess.Remove(work);
        }
    }

    private static long TargetBytes(int cameras, int frames, int frameBytes) =>
        cameras * (long)frames * (frameBytes + Y4mFormat.FrameMarker.Length);

    /// <summary>
    /// <paramref name="processes"/> dd processes started together, each writing its share of at least
    /// <paramref name="bytes"/> in 4 MiB blocks with fdatasync into its own file; timed until the last exits. The files
    /// are removed afterwards.
    /// </summary>
    private static (long Bytes, double Seconds) Dd(string work, long bytes, int processes)
    {
        BenchProcess.Sync();
        long count = (bytes / processes + DdBlockBytes - 1) / DdBlockBytes;
        var files = Enumerable.Range(0, processes).Select(k => Path.Combine(work, $"dd-{k}.bin")).ToList();
        var watch = Stopwatch.StartNew();
        var runs = files.Select(file => Task.Run(() =>
            BenchProcess.Run("dd", ["if=/dev/zero", $"of={file}", "bs=4M", $"count={count}", "conv=fdatasync", "status=none"]))).ToArray();
        Task.WaitAll(runs);
        double seconds = watch.Elapsed.TotalSeconds;
        if (runs.Select(t => t.Result).FirstOrDefault(r => r.ExitCode != 0) is { ExitCode: not 0 } failed)
            throw new InvalidOperationException($"dd failed ({failed.ExitCode}): {failed.StdErrTail}");
        long written = files.Sum(f => new FileInfo(f).Length);
        files.ForEach(File.Delete);
        BenchProcess.Sync();
        return (written, seconds);
    }

    /// <summary>One writer thread per camera through the session's sinks (see the class remarks); returns bytes and seconds.</summary>
    private static (long Bytes, double Seconds) Sinks(string dir, int cameras, int frames)
    {
        BenchProcess.Sync();
        Directory.CreateDirectory(dir);
        var format = new VideoFormat(Width, Height, PixelFormat.Mono8, 60);
        int frameBytes = PixelFormats.FrameBytes(Width, Height, PixelFormat.Mono8);
        // The frames the cameras would deliver, made before the clock starts (producing them is the camera's work).
        var pixels = Enumerable.Range(0, cameras).Select(k =>
        {
            var b = new byte[frameBytes];
            SimulatedPattern.Fill(b, Width, Height, PixelFormat.Mono8, k, 0);
            return b;
        }).ToArray();
        var errors = new Exception?[cameras];
        using var go = new Barrier(cameras + 1);
        var threads = Enumerable.Range(0, cameras).Select(k => new Thread(() =>
        {
            go.SignalAndWait();
            try
            {
                string stem = TakeFolder.FileStem($"sim-{k}");
                using var sink = VideoSinks.Create(VideoEncoder.Y4M, dir, stem + VideoSinks.Extension(VideoEncoder.Y4M), format);
                using var table = new FramesTableWriter(Path.Combine(dir, stem + ".frames.csv"));
                long period = FrameSchedule.PeriodFromFrameRate(60);
                for (int n = 0; n < frames; n++)
                {
                    long now = SharedTimeline.NowNs();
                    long video = sink.Write(pixels[k]);
                    table.Write(new FrameRecord(n, n * period, now, now, now, FrameStatus.Captured, video, frameBytes));
                    table.Flush();
                }
                sink.Complete();
            }
            catch (Exception e)
            {
                errors[k] = e;
            }
        }) { Name = $"take-write {k}" }).ToList();
        threads.ForEach(t => t.Start());
        go.SignalAndWait();
        var watch = Stopwatch.StartNew();
        threads.ForEach(t => t.Join());
        double seconds = watch.Elapsed.TotalSeconds;
        if (errors.FirstOrDefault(e => e is not null) is { } error)
            throw new InvalidOperationException($"a writer failed: {error.Message}", error);
        long bytes = BenchProcess.DirectoryBytes(dir);
        BenchProcess.Remove(dir);
        BenchProcess.Sync();
        return (bytes, seconds);
    }

    /// <summary>
    /// Cross-check: a real take of simulated cameras through CaptureSession, offered about 1.3 times what dd wrote (capped
    /// by the simulated sensor), so its writers are saturated; bytes written over the time from T0 to the end of
    /// completion (which includes the files' fsync).
    /// </summary>
    private static void RealTake(string work, int cameras, double seconds, double ddMBs)
    {
        int frameBytes = PixelFormats.FrameBytes(Width, Height, PixelFormat.Mono8);
        double rate = Math.Min(320, Math.Round(1.3 * ddMBs * 1e6 / (cameras * (double)frameBytes)));
        rate = Math.Max(rate, 10);
        string path = Path.Combine(work, "take");
        BenchProcess.Sync();
        var backend = new SimulatedBackend(cameras, (_, o) =>
        {
            o.Width = Width; o.Height = Height; o.PixelFormat = PixelFormat.Mono8;
        });
        var opened = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
        long period = FrameSchedule.PeriodFromFrameRate(rate);
        var schedule = FrameSchedule.FromRateAndDuration(FrameSchedule.AlignedStart(SharedTimeline.NowNs(), 1_000_000_000, period), rate, FrameSchedule.NanosFromSeconds(seconds));
        TakeManifest manifest;
        using (var session = CaptureSession.Start(opened, new CaptureOptions { Schedule = schedule, Path = path }))
            manifest = session.Completion.Result;
        long end = SharedTimeline.NowNs();
        double elapsed = (end - schedule.TimeOf(0)) / 1e9;
        long bytes = BenchProcess.DirectoryBytes(path);
        long captured = manifest.Cameras.Sum(c => c.Counts.Captured), expected = manifest.Cameras.Sum(c => c.Counts.Expected);
        long dropped = manifest.Cameras.Sum(c => c.Counts.Dropped);
        double mbs = bytes / elapsed / 1e6;
        Console.WriteLine($"cross-check, a real take (CaptureSession, Y4M): {cameras} simulated cameras at {rate:0} Hz for {seconds:0.#} s, offered {cameras * (double)frameBytes * rate / 1e6:0} MB/s; state {manifest.State}");
        Console.WriteLine($"  captured {captured}/{expected}, dropped {dropped}; {bytes / 1e6:0} MB in {elapsed:0.00} s (T0 to completion, fsync included) = {mbs:0} MB/s = {mbs / ddMBs:0.00} of dd's median"
            + (dropped == 0 && captured == expected ? " (not saturated: the take wrote all it was offered)" : ""));
        foreach (var f in manifest.Faults.Take(3))
            Console.WriteLine($"  fault [{f.Source}] {f.Camera}: {f.Message}");
        BenchProcess.Remove(path);
    }
}
