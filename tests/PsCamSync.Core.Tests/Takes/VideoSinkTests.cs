using System.Buffers.Binary;
using System.Diagnostics;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Takes;

public class VideoSinkTests
{
    /// <summary>Frames that differ per pixel and per frame, so a swapped, shifted or repeated frame is seen.</summary>
    internal static byte[][] Frames(int width, int height, PixelFormat format, int count)
    {
        var frames = new byte[count][];
        var random = new Random(1234);
        for (int f = 0; f < count; f++)
        {
            var frame = new byte[PixelFormats.FrameBytes(width, height, format)];
            if (format == PixelFormat.Mono16)
            {
                for (int i = 0; i < width * height; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(2 * i), (ushort)(i * 37 + f * 1009 + random.Next(0, 64)));
            }
            else
            {
                for (int i = 0; i < frame.Length; i++)
                    frame[i] = (byte)(i % width + i / width * 3 + f * 17 + random.Next(0, 8));
            }
            frames[f] = frame;
        }
        return frames;
    }

    private static void WriteAll(IVideoSink sink, byte[][] frames)
    {
        for (int i = 0; i < frames.Length; i++)
            Assert.Equal(i, sink.Write(frames[i]));
        sink.Complete();
    }

    /// <summary>
    /// A Y4M write that meets a full disk cuts its partial frame off and says the disk is full; once there is room the
    /// sink goes on, and the file holds exactly the frames whose writes succeeded, bit-exact and in order.
    /// </summary>
    [RequiresFact("mount", "umount", "root")]
    public void Y4m_AFailedWrite_CostsOnlyThatFrame()
    {
        using var disk = new Tmpfs(1L << 20);
        var frames = Frames(256, 256, PixelFormat.Mono8, 20); // 64 KiB each: the disk holds about 15
        disk.Fill("filler", 200 * 1024);
        using var sink = VideoSinks.Create(VideoEncoder.Y4M, disk.Path, "cam.y4m", new VideoFormat(256, 256, PixelFormat.Mono8, 30));
        var written = new List<int>();
        TakeFolderException? full = null;
        int i = 0;
        for (; i < frames.Length && full is null; i++)
        {
            try
            {
                Assert.Equal(written.Count, sink.Write(frames[i]));
                written.Add(i);
            }
            catch (TakeFolderException e)
            {
                full = e;
            }
        }
        Assert.NotNull(full);
        Assert.True(full!.DiskFull, full.ToString());
        Assert.False(sink.IsDead);
        long header = Y4mFormat.StreamHeader(new VideoFormat(256, 256, PixelFormat.Mono8, 30)).Length;
        Assert.Equal(header + written.Count * (Y4mFormat.FrameMarker.Length + 65536L), new FileInfo(disk.Combine("cam.y4m")).Length);

        File.Delete(disk.Combine("filler")); // room for about 3 more
        int failedFrame = i - 1;
        for (int end = i + 2; i < end; i++)
        {
            Assert.Equal(written.Count, sink.Write(frames[i]));
            written.Add(i);
        }
        sink.Complete();

        using var reader = new Y4mReader(disk.Combine("cam.y4m"));
        var frame = new byte[reader.FrameBytes];
        foreach (int w in written)
        {
            Assert.True(reader.ReadFrame(frame));
            Assert.Equal(frames[w], frame);
        }
        Assert.False(reader.ReadFrame(frame));
        Assert.DoesNotContain(failedFrame, written);
        Assert.Equal(Enumerable.Range(0, failedFrame + 3).Where(f => f != failedFrame), written);
    }

    [Theory]
    [InlineData(PixelFormat.Mono8, 64, 48)]
    [InlineData(PixelFormat.Mono16, 64, 48)]
    [InlineData(PixelFormat.BayerRG8, 32, 16)]
    [InlineData(PixelFormat.BayerBG8, 33, 7)]
    public void Y4m_RoundTrip_IsBitExact(PixelFormat format, int width, int height)
    {
        using var dir = new TempDirectory();
        var frames = Frames(width, height, format, 5);
        using (var sink = VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "cam.y4m", new VideoFormat(width, height, format, 30)))
        {
            Assert.Equal("cam.y4m", sink.FileName);
            Assert.Equal("Y4M", sink.EncoderName);
            WriteAll(sink, frames);
        }

        using var reader = new Y4mReader(dir.Combine("cam.y4m"));
        Assert.Equal(width, reader.Width);
        Assert.Equal(height, reader.Height);
        Assert.Equal(format, reader.PixelFormat);
        Assert.Equal(new FrameRateRational(30, 1), reader.FrameRate);
        var buffer = new byte[reader.FrameBytes];
        foreach (var expected in frames)
        {
            Assert.True(reader.ReadFrame(buffer));
            Assert.Equal(expected, buffer);
        }
        Assert.False(reader.ReadFrame(buffer));
    }

    [Fact]
    public void Y4m_Header_IsTheDocumentedOne()
    {
        using var dir = new TempDirectory();
        using (var sink = VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "a.y4m", new VideoFormat(4, 2, PixelFormat.Mono16, 1e9 / 33_366_667)))
            sink.Complete();
        using (var sink = VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "b.y4m", new VideoFormat(4, 2, PixelFormat.BayerGR8, 60)))
            sink.Complete();
        Assert.Equal("YUV4MPEG2 W4 H2 F30000:1001 Ip A1:1 Cmono16\n", File.ReadAllText(dir.Combine("a.y4m")));
        Assert.Equal("YUV4MPEG2 W4 H2 F60:1 Ip A1:1 Cmono XPFNC=BayerGR8\n", File.ReadAllText(dir.Combine("b.y4m")));
    }

    [Theory]
    [InlineData(30.0, 30, 1)]
    [InlineData(1e9 / 33_333_333, 30, 1)]
    [InlineData(1e9 / 16_666_667, 60, 1)]
    [InlineData(29.97002997002997, 30000, 1001)]
    [InlineData(1e9 / 33_366_667, 30000, 1001)]
    [InlineData(59.94005994005994, 60000, 1001)]
    [InlineData(1e9 / 16_683_333, 60000, 1001)]
    [InlineData(29.97, 2997, 100)]
    [InlineData(59.94, 2997, 50)]
    [InlineData(12.5, 25, 2)]
    [InlineData(0.5, 1, 2)]
    public void FrameRateRational_FindsTheSimpleFraction(double hz, long num, long den) =>
        Assert.Equal(new FrameRateRational(num, den), FrameRateRational.FromHz(hz));

    [Fact]
    public void Y4m_Write_AllocatesNothing()
    {
        using var dir = new TempDirectory();
        var frame = new byte[320 * 240];
        using var sink = VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "a.y4m", new VideoFormat(320, 240, PixelFormat.Mono8, 30));
        for (int i = 0; i < 10; i++)
            sink.Write(frame);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 500; i++)
            sink.Write(frame);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        sink.Complete();
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Y4m_WrongFrameSize_IsRejected_AndExistingFilesAreKept()
    {
        using var dir = new TempDirectory();
        using (var sink = VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "a.y4m", new VideoFormat(4, 4, PixelFormat.Mono8, 30)))
            Assert.Throws<ArgumentException>(() => sink.Write(new byte[15]));
        var e = Assert.Throws<TakeFolderException>(() => VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "a.y4m", new VideoFormat(4, 4, PixelFormat.Mono8, 30)));
        Assert.Contains("exists", e.Message);
    }

    [Fact]
    public void Y4mReader_CutShortFrame_SaysSo()
    {
        using var dir = new TempDirectory();
        using (var sink = VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "a.y4m", new VideoFormat(8, 8, PixelFormat.Mono8, 30)))
            WriteAll(sink, Frames(8, 8, PixelFormat.Mono8, 2));
        using (var f = new FileStream(dir.Combine("a.y4m"), FileMode.Open))
            f.SetLength(f.Length - 10);
        using var reader = new Y4mReader(dir.Combine("a.y4m"));
        var buffer = new byte[64];
        Assert.True(reader.ReadFrame(buffer));
        var e = Assert.Throws<TakeFolderException>(() => reader.ReadFrame(buffer));
        Assert.Contains("frame 1 is cut short", e.Message);
    }

    [Theory]
    [InlineData("P6\n")]
    [InlineData("YUV4MPEG2 W8 H8 F30:1 Ip A1:1\n")]
    [InlineData("YUV4MPEG2 W8 H8 F30:1 Ip A1:1 C420jpeg\n")]
    [InlineData("YUV4MPEG2 W8 F30:1 Cmono\n")]
    [InlineData("YUV4MPEG2 W8 H8 Cmono\n")]
    [InlineData("YUV4MPEG2 W8 H8 F30:1 Cmono XPFNC=Mono16\n")]
    public void Y4mReader_RejectsOtherStreams(string header)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("x.y4m"), header);
        var e = Assert.Throws<TakeFolderException>(() => new Y4mReader(dir.Combine("x.y4m")));
        Assert.Contains("not a Y4M stream this module wrote", e.Message);
    }

    [RequiresFact("ffprobe")]
    public void Y4m_IsReadByFfprobe_WithFrameCountSizeAndFormat()
    {
        using var dir = new TempDirectory();
        using (var sink = VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "mono8.y4m", new VideoFormat(64, 48, PixelFormat.Mono8, 30)))
            WriteAll(sink, Frames(64, 48, PixelFormat.Mono8, 7));
        using (var sink = VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "mono16.y4m", new VideoFormat(40, 30, PixelFormat.Mono16, 60)))
            WriteAll(sink, Frames(40, 30, PixelFormat.Mono16, 4));
        using (var sink = VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "bayer.y4m", new VideoFormat(32, 16, PixelFormat.BayerRG8, 25)))
            WriteAll(sink, Frames(32, 16, PixelFormat.BayerRG8, 3));

        Assert.Equal((7L, 64, 48, "gray"), Tools.Probe(dir.Combine("mono8.y4m")));
        Assert.Equal((4L, 40, 30, "gray16le"), Tools.Probe(dir.Combine("mono16.y4m")));
        Assert.Equal((3L, 32, 16, "gray"), Tools.Probe(dir.Combine("bayer.y4m")));
    }

    [RequiresFact("ffmpeg")]
    public void Y4m_DecodesBitExactWithFfmpeg()
    {
        using var dir = new TempDirectory();
        var frames = Frames(40, 30, PixelFormat.Mono16, 4);
        using (var sink = VideoSinks.Create(VideoEncoder.Y4M, dir.Path, "mono16.y4m", new VideoFormat(40, 30, PixelFormat.Mono16, 60)))
            WriteAll(sink, frames);
        Assert.Equal(frames.SelectMany(f => f).ToArray(), Tools.DecodeRaw(dir.Combine("mono16.y4m"), "gray16le"));
    }

    [RequiresFact("ffmpeg", "ffprobe")]
    public void Libx264_WritesAnMkvWithExactlyTheFramesWritten()
    {
        using var dir = new TempDirectory();
        var format = new VideoFormat(320, 240, PixelFormat.Mono8, 30);
        using (var sink = VideoSinks.Create(VideoEncoder.Libx264, dir.Path, "cam.mkv", format))
        {
            Assert.Equal("libx264", sink.EncoderName);
            WriteAll(sink, Frames(320, 240, PixelFormat.Mono8, 37));
        }
        Assert.Equal((37L, 320, 240, "yuv420p"), Tools.Probe(dir.Combine("cam.mkv")));
        string log = File.ReadAllText(dir.Combine("cam.ffmpeg.log"));
        Assert.Contains("libx264", log);
    }

    [RequiresFact("ffmpeg", "ffprobe")]
    public void Libx264_DemosaicsBayerToColour()
    {
        using var dir = new TempDirectory();
        using (var sink = VideoSinks.Create(VideoEncoder.Libx264, dir.Path, "cam.mkv", new VideoFormat(64, 32, PixelFormat.BayerRG8, 30)))
            WriteAll(sink, Frames(64, 32, PixelFormat.BayerRG8, 5));
        Assert.Equal((5L, 64, 32, "yuv420p"), Tools.Probe(dir.Combine("cam.mkv")));
        Assert.Contains("bayer_rggb8", File.ReadAllText(dir.Combine("cam.ffmpeg.log")));
    }

    [RequiresFact("ffmpeg", "ffprobe")]
    public void Ffv1_IsLossless_ForMono8Mono16AndBayerMosaic()
    {
        using var dir = new TempDirectory();
        foreach (var (format, pixFmt) in new[] { (PixelFormat.Mono8, "gray"), (PixelFormat.Mono16, "gray16le"), (PixelFormat.BayerGB8, "gray") })
        {
            string file = $"{format}.mkv";
            var frames = Frames(96, 64, format, 23);
            using (var sink = VideoSinks.Create(VideoEncoder.Ffv1, dir.Path, file, new VideoFormat(96, 64, format, 50)))
            {
                Assert.Equal("ffv1", sink.EncoderName);
                WriteAll(sink, frames);
            }
            Assert.Equal((23L, 96, 64, pixFmt), Tools.Probe(dir.Combine(file)));
            Assert.Equal(frames.SelectMany(f => f).ToArray(), Tools.DecodeRaw(dir.Combine(file), pixFmt));
        }
    }

    [RequiresFact("ffmpeg", "ffprobe")]
    public void FileNamesThatLookLikeOptionsOrProtocols_AreWrittenAsFiles()
    {
        using var dir = new TempDirectory();
        using (var sink = VideoSinks.Create(VideoEncoder.Ffv1, dir.Path, "-y:cam.mkv", new VideoFormat(16, 16, PixelFormat.Mono8, 30)))
            WriteAll(sink, Frames(16, 16, PixelFormat.Mono8, 3));
        Assert.Equal((3L, 16, 16, "gray"), Tools.Probe("file:" + dir.Combine("-y:cam.mkv")));
        Assert.True(File.Exists(dir.Combine("-y:cam.ffmpeg.log")));
    }

    [Fact]
    public void MissingFfmpeg_NamesEncoder_AndTheFix()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<InvalidCaptureArgumentException>(() =>
            VideoSinks.Create(VideoEncoder.Ffv1, dir.Path, "cam.mkv", new VideoFormat(16, 16, PixelFormat.Mono8, 30), ffmpegPath: dir.Combine("no-ffmpeg-here")));
        Assert.Equal("Encoder", e.ParameterName);
        Assert.Contains("install ffmpeg", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("-Encoder Y4M", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void OddSize_ForA420Encoder_NamesEncoder()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<InvalidCaptureArgumentException>(() =>
            VideoSinks.Create(VideoEncoder.Libx264, dir.Path, "cam.mkv", new VideoFormat(33, 16, PixelFormat.Mono8, 30)));
        Assert.Equal("Encoder", e.ParameterName);
    }

    [Theory]
    [InlineData(VideoEncoder.Y4M, ".y4m")]
    [InlineData(VideoEncoder.Libx264, ".mkv")]
    [InlineData(VideoEncoder.Ffv1, ".mkv")]
    [InlineData(VideoEncoder.HevcNvenc, ".mkv")]
    public void Extension_PerEncoder(VideoEncoder encoder, string extension) =>
        Assert.Equal(extension, VideoSinks.Extension(encoder));

    [Fact]
    public void Arguments_AreTheDocumentedOnes()
    {
        var args = VideoSinks.FfmpegArguments(VideoEncoder.Libx264, new VideoFormat(1920, 1200, PixelFormat.BayerRG8, 1e9 / 33_366_667), "cam.mkv");
        Assert.Equal(
            "-hide_banner -nostats -loglevel info -n -f rawvideo -pix_fmt bayer_rggb8 -s 1920x1200 -framerate 30000/1001 -i - -an " +
            "-c:v libx264 -preset ultrafast -crf 18 -pix_fmt yuv420p -f matroska file:cam.mkv",
            string.Join(' ', args));
        args = VideoSinks.FfmpegArguments(VideoEncoder.Ffv1, new VideoFormat(64, 48, PixelFormat.Mono16, 30), "x.mkv");
        Assert.Contains("-pix_fmt gray16le -s 64x48", string.Join(' ', args));
        Assert.Contains("-c:v ffv1 -level 3", string.Join(' ', args));
        args = VideoSinks.FfmpegArguments(VideoEncoder.HevcNvenc, new VideoFormat(64, 48, PixelFormat.Mono8, 30), "x.mkv");
        Assert.Contains("-c:v hevc_nvenc", string.Join(' ', args));
    }

    [RequiresFact("ffmpeg")]
    public void FfmpegDyingMidTake_MakesWriteThrow_WithExitCodeAndLog()
    {
        using var dir = new TempDirectory();
        var format = new VideoFormat(640, 480, PixelFormat.Mono8, 30);
        var frame = new byte[640 * 480];
        using var sink = VideoSinks.Create(VideoEncoder.Ffv1, dir.Path, "cam.mkv", format);
        for (int i = 0; i < 5; i++)
            sink.Write(frame);
        using (var ffmpeg = Process.GetProcessById(((FfmpegSink)sink).ProcessId))
        {
            ffmpeg.Kill();
            ffmpeg.WaitForExit();
        }
        var e = Assert.Throws<TakeFolderException>(() =>
        {
            for (int i = 0; i < 100; i++) // the first writes may still fit in the pipe buffer
                sink.Write(frame);
        });
        Assert.Contains("exited with code 137", e.Message);
        Assert.Contains(dir.Combine("cam.ffmpeg.log"), e.Message);
        Assert.Equal(dir.Combine("cam.mkv"), e.Path);
        // The failure sticks: later writes and Complete report it again instead of pretending all is well.
        Assert.Contains("exited with code 137", Assert.Throws<TakeFolderException>(() => sink.Write(frame)).Message);
        Assert.Contains("exited with code 137", Assert.Throws<TakeFolderException>(() => sink.Complete()).Message);
    }

    [RequiresFact("ffmpeg")]
    public void PipeIntoFfmpeg_Holds1MiB_SoAFrameCrossesInFewWakeUps()
    {
        using var dir = new TempDirectory();
        var format = new VideoFormat(64, 48, PixelFormat.Mono8, 30);
        using var sink = VideoSinks.Create(VideoEncoder.Ffv1, dir.Path, "cam.mkv", format);
        Assert.Equal(FfmpegSink.PipeCapacity, ((FfmpegSink)sink).PipeBytes);
        sink.Write(new byte[64 * 48]);
        sink.Complete();
    }

    [RequiresFact("ffmpeg")]
    public void Complete_IsBounded_AndKillsAnFfmpegThatDoesNotFinishInTime()
    {
        using var dir = new TempDirectory();
        var format = new VideoFormat(640, 480, PixelFormat.Mono8, 30);
        var args = VideoSinks.FfmpegArguments(VideoEncoder.Ffv1, format, dir.Combine("cam.mkv"));
        // A zero wait: ffmpeg cannot have flushed its queue and written the trailer the instant its input closes.
        using var sink = FfmpegSink.Start("ffmpeg", args, dir.Path, "cam.mkv", format, "ffv1", TimeSpan.Zero);
        int pid = sink.ProcessId;
        for (int i = 0; i < 20; i++)
            sink.Write(new byte[640 * 480]);
        var e = Assert.Throws<TakeFolderException>(() => sink.Complete());
        Assert.Contains("did not finish", e.Message);
        Assert.Contains("was killed", e.Message);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid)); // gone, and reaped
    }

    [RequiresFact("ffmpeg")]
    public void FfmpegRejectingItsArguments_IsReported_WithTheLogTail()
    {
        using var dir = new TempDirectory();
        var format = new VideoFormat(64, 48, PixelFormat.Mono8, 30);
        var args = VideoSinks.FfmpegArguments(VideoEncoder.Ffv1, format, dir.Combine("cam.mkv")).Select(a => a == "ffv1" ? "no_such_encoder" : a).ToList();
        using var sink = FfmpegSink.Start("ffmpeg", args, dir.Path, "cam.mkv", format, "ffv1", TimeSpan.FromSeconds(30));
        var e = Assert.Throws<TakeFolderException>(() =>
        {
            for (int i = 0; i < 1000; i++)
                sink.Write(new byte[64 * 48]);
            sink.Complete();
        });
        Assert.Matches("exited with code [1-9]", e.Message);
        Assert.Contains("no_such_encoder", e.Message);
        Assert.Contains("no_such_encoder", File.ReadAllText(dir.Combine("cam.ffmpeg.log")));
    }
}
