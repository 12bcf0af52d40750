using System.Diagnostics;
using System.Globalization;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Takes;

namespace PsCamSync.Bench;

/// <summary>
/// The product's FFmpeg path — the sink a capture session writes with (<see cref="VideoSinks.Create"/>: an ffmpeg child
/// fed raw frames through a pipe) — as a fraction of the same ffmpeg command line reading the same frames from a file.
/// Per encoder that runs here (Libx264, Ffv1; HevcNvenc when an NVIDIA encoder answers). Target: at least 0.9.
/// </summary>
/// <remarks>
/// <para><b>Ours.</b> From before the sink is created (ffmpeg starts) until <c>Complete()</c> returns (input closed,
/// ffmpeg exited), N frames of 1920x1200 Mono8 written one <c>Write</c> call each, as the session's writer thread does.</para>
/// <para><b>Reference.</b> The same frames, written to a raw file first (it stays in the page cache), then
/// <c>ffmpeg</c> with the argument list the product builds (<c>VideoSinks.FfmpegArguments</c>) with its input
/// <c>-i -</c> replaced by <c>-i file:FRAMES.raw</c>, timed from start to exit. Rounds alternate which goes first; the
/// ratio printed is the median of the rounds' ratios (reference seconds over ours). Beside it, the same for CPU seconds
/// (getrusage of this process and its waited-for children: ffmpeg's work plus ours), which the host's other load
/// changes less than wall time; it is what showed the 64 KiB pipe's cost (0.89-0.94 with it, 0.94-0.99 with the
/// 1 MiB pipe, in runs minutes apart).</para>
/// <para>Frame contents, each a row: <c>pattern</c>, the simulated camera's frames (constant rows: cheap to encode, so
/// the pipe's cost shows most), and <c>texture</c>, a gradient with pseudo-random noise, closer to a sensor's image.
/// Eight distinct frames are cycled.</para>
/// <para>Arguments: <c>--frames N</c> (default 240), <c>--rounds R</c> (default 4), <c>--path DIR</c> (default the temp
/// folder), <c>--encoders Libx264,Ffv1,HevcNvenc</c>, <c>--contents pattern,texture</c>. HevcNvenc runs only when the
/// product's sink can encode one frame with it; otherwise it is skipped with ffmpeg's reason. Exit codes: 0 measured (verdicts printed, not enforced), 1 a run failed, 2 bad argument.</para>
/// </remarks>
internal static class FfmpegPathBenchmark
{
    private const int Width = 1920, Height = 1200, Distinct = 8;
    private const double RateHz = 60;

    public static int Run(string[] args)
    {
        int frames = 240, rounds = 4;
        string root = Path.GetTempPath();
        List<VideoEncoder>? only = null;
        var contentNames = new List<string> { "pattern", "texture" };
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--frames" when i + 1 < args.Length: frames = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds" when i + 1 < args.Length: rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--path" when i + 1 < args.Length: root = args[++i]; break;
                case "--encoders" when i + 1 < args.Length: only = args[++i].Split(',').Select(e => Enum.Parse<VideoEncoder>(e.Trim(), ignoreCase: true)).ToList(); break;
                case "--contents" when i + 1 < args.Length: contentNames = args[++i].Split(',').Select(c => c.Trim().ToLowerInvariant()).ToList(); break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; use --frames N --rounds R --path DIR --encoders Libx264,Ffv1,HevcNvenc --contents pattern,texture");
                    return 2;
            }
        }
        if (frames < 1 || rounds < 1 || !Directory.Exists(root))
        {
            Console.Error.WriteLine("--frames and --rounds must be at least 1, and --path an existing folder.");
            return 2;
        }
        string work = Path.Combine(Path.GetFullPath(root), $"pscamsync-ffmpeg-path-{Environment.ProcessId}");
        var format = new VideoFormat(Width, Height, PixelFormat.Mono8, RateHz);
        try
        {
            Directory.CreateDirectory(work);
            var contents = contentNames.Select(c => c switch
            {
                "pattern" => (Name: c, Frames: PatternFrames()),
                "texture" => (Name: c, Frames: TextureFrames()),
                _ => throw new InvalidOperationException($"--contents: '{c}' is not a content; use pattern, texture."),
            }).ToList();
            var encoders = (only ?? [VideoEncoder.Libx264, VideoEncoder.Ffv1, VideoEncoder.HevcNvenc]).ToList();
            string? nvenc = encoders.Contains(VideoEncoder.HevcNvenc) ? Unavailable(VideoEncoder.HevcNvenc, work, format) : null;
            if (nvenc is not null)
                encoders.Remove(VideoEncoder.HevcNvenc);
            Console.WriteLine($"ffmpeg path: {frames} frames of {Width}x{Height} Mono8 per run, {rounds} rounds, into {work}");
            if (nvenc is not null)
                Console.WriteLine($"HevcNvenc skipped: {nvenc}");
            Console.WriteLine($"{"encoder",-9} {"content",-8} {"round",5} {"first",5} {"ours s",7} {"ours fps",9} {"file s",7} {"file fps",9} {"ratio",6} {"ours cpu s",10} {"file cpu s",10} {"cpu ratio",9}");
            var summary = new List<(VideoEncoder Encoder, string Content, double OursFps, double FileFps, double Ratio, double CpuRatio)>();
            foreach (var encoder in encoders)
            {
                foreach (var (name, content) in contents)
                {
                    string raw = Path.Combine(work, "frames.raw");
                    WriteRaw(raw, content, frames);
                    var ours = new List<double>();
                    var file = new List<double>();
                    var ratios = new List<double>();
                    var cpuRatios = new List<double>();
                    for (int r = 0; r < rounds; r++)
                    {
                        bool fileFirst = r % 2 == 1;
                        (double Seconds, double Cpu) f = default, o;
                        if (fileFirst) f = FromFile(encoder, format, raw, Path.Combine(work, $"file-{r}.mkv"));
                        o = ThroughSink(encoder, format, work, $"ours-{r}.mkv", content, frames);
                        if (!fileFirst) f = FromFile(encoder, format, raw, Path.Combine(work, $"file-{r}.mkv"));
                        ours.Add(frames / o.Seconds);
                        file.Add(frames / f.Seconds);
                        ratios.Add(f.Seconds / o.Seconds);
                        cpuRatios.Add(f.Cpu / o.Cpu);
                        Console.WriteLine($"{encoder,-9} {name,-8} {r + 1,5} {(fileFirst ? "file" : "ours"),5} {o.Seconds,7:0.00} {frames / o.Seconds,9:0.0} {f.Seconds,7:0.00} {frames / f.Seconds,9:0.0} {f.Seconds / o.Seconds,6:0.00} {o.Cpu,10:0.00} {f.Cpu,10:0.00} {f.Cpu / o.Cpu,9:0.00}");
                        foreach (var mkv in Directory.EnumerateFiles(work, "*.mkv").Concat(Directory.EnumerateFiles(work, "*.log")))
                            File.Delete(mkv);
                    }
                    File.Delete(raw);
                    summary.Add((encoder, name, BenchProcess.Median(ours), BenchProcess.Median(file), BenchProcess.Median(ratios), BenchProcess.Median(cpuRatios)));
                }
            }
            Console.WriteLine();
            Console.WriteLine($"{"encoder",-9} {"content",-8} {"ours fps",9} {"file fps",9} {"ours MB/s",10} {"ratio",6}  {"verdict",-12} {"cpu ratio",9}   (target >= {BenchProcess.TargetRatio:0.0})");
            double mbPerFrame = PixelFormats.FrameBytes(Width, Height, PixelFormat.Mono8) / 1e6;
            foreach (var s in summary)
                Console.WriteLine($"{s.Encoder,-9} {s.Content,-8} {s.OursFps,9:0.0} {s.FileFps,9:0.0} {s.OursFps * mbPerFrame,10:0} {s.Ratio,6:0.00}  {BenchProcess.Verdict(s.Ratio),-12} {s.CpuRatio,9:0.00}");
            if (nvenc is not null)
                Console.WriteLine($"{"HevcNvenc",-9} skipped: {ShortReason(nvenc)}");
            Console.WriteLine("(fps: medians of the rounds; ratio: median of the rounds' file seconds / ours seconds, the verdict's measure;");
            Console.WriteLine(" cpu ratio: the same for CPU seconds, ffmpeg's plus this process's, which the host's other load changes less)");
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PsCamSync.Core.PsCamSyncException)
        {
            Console.Error.WriteLine($"ffmpeg-path: {e.Message}");
            return 1;
        }
        finally
        {
            BenchProcess.Remove(work);
        }
    }

    /// <summary>Seconds from creating the product's sink to its Complete() returning, writing <paramref name="frames"/> frames.</summary>
    private static (double Seconds, double Cpu) ThroughSink(VideoEncoder encoder, VideoFormat format, string dir, string fileName, byte[][] content, int frames)
    {
        double cpu = BenchProcess.CpuSeconds();
        var watch = Stopwatch.StartNew();
        using (var sink = VideoSinks.Create(encoder, dir, fileName, format))
        {
            for (int n = 0; n < frames; n++)
                sink.Write(content[n % content.Length]);
            sink.Complete();
        }
        double seconds = watch.Elapsed.TotalSeconds;
        return (seconds, BenchProcess.CpuSeconds() - cpu);
    }

    /// <summary>Seconds the product's ffmpeg command line takes with its input read from <paramref name="raw"/>.</summary>
    private static (double Seconds, double Cpu) FromFile(VideoEncoder encoder, VideoFormat format, string raw, string output)
    {
        double cpu = BenchProcess.CpuSeconds();
        var arguments = VideoSinks.FfmpegArguments(encoder, format, output).ToList();
        int input = arguments.IndexOf("-i");
        if (input < 0 || arguments[input + 1] != "-")
            throw new InvalidOperationException($"the product's ffmpeg arguments no longer read '-i -': {string.Join(' ', arguments)}");
        arguments[input + 1] = "file:" + raw;
        var (code, seconds, err) = BenchProcess.Run("ffmpeg", arguments);
        if (code != 0)
            throw new InvalidOperationException($"ffmpeg from the file failed ({code}): {err}");
        return (seconds, BenchProcess.CpuSeconds() - cpu);
    }

    private static void WriteRaw(string path, byte[][] content, int frames)
    {
        using (var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20))
        {
            for (int n = 0; n < frames; n++)
                f.Write(content[n % content.Length]);
        }
        BenchProcess.Sync();
    }

    /// <summary>The line of ffmpeg's log that says why (e.g. "Cannot load libcuda.so.1"), else the whole message.</summary>
    private static string ShortReason(string message) =>
        message.Split(" | ").FirstOrDefault(l => l.Contains("Cannot", StringComparison.OrdinalIgnoreCase) || l.Contains("No device", StringComparison.OrdinalIgnoreCase))?.Trim() is { } line
            ? $"the product's sink could not encode one frame: {line}" : message;

    /// <summary>Null when the product's sink can encode one frame with <paramref name="encoder"/> here, else why not.</summary>
    private static string? Unavailable(VideoEncoder encoder, string work, VideoFormat format)
    {
        string dir = Path.Combine(work, "probe");
        Directory.CreateDirectory(dir);
        try
        {
            using var sink = VideoSinks.Create(encoder, dir, "probe.mkv", format);
            sink.Write(new byte[sink.FrameBytes]);
            sink.Complete();
            return null;
        }
        catch (PsCamSync.Core.PsCamSyncException e)
        {
            return e.Message;
        }
        finally
        {
            BenchProcess.Remove(dir);
        }
    }

    private static byte[][] PatternFrames()
    {
        int bytes = PixelFormats.FrameBytes(Width, Height, PixelFormat.Mono8);
        return Enumerable.Range(0, Distinct).Select(n =>
        {
            var b = new byte[bytes];
            SimulatedPattern.Fill(b, Width, Height, PixelFormat.Mono8, 0, n);
            return b;
        }).ToArray();
    }

    /// <summary>A diagonal gradient plus noise of ±12 grey levels from a fixed-seed generator, shifted per frame.</summary>
    private static byte[][] TextureFrames()
    {
        var random = new Random(10);
        var noise = new byte[Width * Height + Distinct * 7];
        random.NextBytes(noise);
        return Enumerable.Range(0, Distinct).Select(n =>
        {
            var b = new byte[Width * Height];
            for (int y = 0; y < Height; y++)
            {
                for (int x = 0; x < Width; x++)
                {
                    int v = (x + y) / 12 + n + noise[y * Width + x + n * 7] % 25 - 12;
                    b[y * Width + x] = (byte)Math.Clamp(v, 0, 255);
                }
            }
            return b;
        }).ToArray();
    }
}
