using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Capture;

/// <summary>A bounded sequential write test: how many bytes reached the disk (fsync'ed) in how long.</summary>
/// <param name="Folder">The folder written in.</param>
/// <param name="Bytes">Bytes written and synced.</param>
/// <param name="Elapsed">From the first write to the end of the last fsync.</param>
public sealed record DiskWriteMeasurement(string Folder, long Bytes, TimeSpan Elapsed)
{
    /// <summary>Bytes / Elapsed, bytes/s.</summary>
    public double BytesPerSecond => Bytes / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>A short run of the take's own ffmpeg sinks, one per camera, fed as fast as they take frames.</summary>
/// <param name="Processes">ffmpeg processes run together (one per camera, at most <see cref="CaptureBudgetProbes.MaxEncoderProcesses"/>).</param>
/// <param name="Frames">Frames encoded by all of them together after their warm-up frames.</param>
/// <param name="RawBytes">Raw frame bytes fed to them, bytes.</param>
/// <param name="EncodedBytes">Bytes of their output files, bytes.</param>
/// <param name="Elapsed">From the first ffmpeg that took its warm-up frames (<see cref="CaptureBudgetProbes.WarmUpFrames"/>,
/// not counted) until every ffmpeg had finished its file.</param>
public sealed record EncoderMeasurement(int Processes, long Frames, long RawBytes, long EncodedBytes, TimeSpan Elapsed)
{
    /// <summary>Raw frame bytes per second the encoders took together, bytes/s.</summary>
    public double BytesPerSecond => RawBytes / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Frames per second the encoders took together.</summary>
    public double FramesPerSecond => Frames / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Mean bytes of one encoded frame in the output files, bytes: <see cref="EncodedBytes"/> over every frame in
    /// them (each file also holds its warm-up frames).</summary>
    public double EncodedBytesPerFrame => EncodedBytes / (double)(Frames + Processes * CaptureBudgetProbes.WarmUpFrames);
}

/// <summary>
/// Measures what a host offers a take, on the take path: the disk's sequential write throughput, the encoders'
/// throughput at the plan's frame sizes, free space, RAM for the rings and the cameras' links. The slow probes
/// (disk, encoder) are bounded in bytes and time and leave no file behind.
/// </summary>
public static class CaptureBudgetProbes
{
    /// <summary>Most bytes the disk test writes: 256 MiB.</summary>
    public const long DefaultDiskTestBytes = 256L << 20;

    /// <summary>Longest the disk test writes before its last fsync: 2 s.</summary>
    public static readonly TimeSpan DefaultDiskTestTime = TimeSpan.FromSeconds(2);

    /// <summary>The disk test fsyncs every 32 MiB, so the page cache never holds more than that and the last fsync is short.</summary>
    public const int DiskSyncEveryBytes = 32 << 20;

    /// <summary>Longest the encoder test feeds frames: 2 s (ffmpeg then finishes its files).</summary>
    public static readonly TimeSpan DefaultEncoderTestTime = TimeSpan.FromSeconds(2);

    /// <summary>How long the encoder test waits at most for slow ffmpeg starts before it stops feeding: 5 s (each
    /// encoder still gets one counted frame).</summary>
    public static readonly TimeSpan EncoderStartAllowance = TimeSpan.FromSeconds(5);

    /// <summary>Most frames the encoder test feeds each ffmpeg: 1000.</summary>
    public const int MaxEncoderTestFrames = 1000;

    /// <summary>Frames each ffmpeg gets before the encoder test's clock starts for it: 3 (see <see cref="MeasureEncoder"/>).</summary>
    public const int WarmUpFrames = 3;

    /// <summary>Most ffmpeg processes the encoder test runs together: 8 (more cameras share the same cores).</summary>
    public const int MaxEncoderProcesses = 8;

    /// <summary>Nominal USB3 (SuperSpeed) signalling rate, bits/s: 5 Gb/s.</summary>
    public const double Usb3BitsPerSecond = 5e9;

    /// <summary>Prefix of the probes' temporary files and folders in the take path.</summary>
    public const string TempPrefix = ".pscamsync-budget-";

    /// <summary>
    /// Writes up to <paramref name="maxBytes"/> (4 MiB blocks of random bytes, so no file system compresses them) to a new
    /// hidden file in <paramref name="folder"/> for at most <paramref name="maxTime"/>, fsyncing every
    /// <see cref="DiskSyncEveryBytes"/> and at the end so the page cache does not flatter the disk, then deletes the file
    /// (also when writing fails or is cancelled).
    /// </summary>
    /// <param name="folder">An existing folder on the disk to measure.</param>
    /// <param name="maxBytes">Most bytes to write, at least 4 MiB.</param>
    /// <param name="maxTime">Longest to write (the last fsync comes after it); default <see cref="DefaultDiskTestTime"/>.</param>
    /// <param name="cancel">Stops the test (the file is still deleted).</param>
    /// <exception cref="TakeFolderException">The file could not be created, written or deleted; the message says which.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was set.</exception>
    public static DiskWriteMeasurement MeasureDiskWrite(string folder, long maxBytes = DefaultDiskTestBytes, TimeSpan? maxTime = null, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        const int block = 4 << 20;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, block);
        var limit = maxTime ?? DefaultDiskTestTime;
        string file = Path.Combine(folder, TempPrefix + Guid.NewGuid().ToString("N") + ".tmp");
        var data = new byte[block];
        new Random(1).NextBytes(data);
        DiskWriteMeasurement? result = null;
        Exception? writeError = null;
        string? deleteError = null;
        try
        {
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            long written = 0, sinceSync = 0;
            var watch = Stopwatch.StartNew();
            while (written < maxBytes && watch.Elapsed < limit)
            {
                cancel.ThrowIfCancellationRequested();
                int n = (int)Math.Min(block, maxBytes - written);
                stream.Write(data, 0, n);
                written += n;
                sinceSync += n;
                if (sinceSync >= DiskSyncEveryBytes)
                {
                    stream.Flush(flushToDisk: true);
                    sinceSync = 0;
                }
            }
            stream.Flush(flushToDisk: true);
            watch.Stop();
            result = new DiskWriteMeasurement(folder, written, watch.Elapsed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            writeError = e;
        }
        finally
        {
            // Also after a failure or Ctrl+C: the test leaves nothing behind.
            try
            {
                File.Delete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                deleteError = e.Message;
            }
        }
        string deleteNote = deleteError is null ? "" : $"; deleting it failed too ({deleteError}): delete it by hand";
        if (writeError is not null)
            throw new TakeFolderException(file, $"the disk write test could not write '{file}': {writeError.Message}{deleteNote}", writeError);
        if (deleteError is not null)
            throw new TakeFolderException(file, $"the disk write test could not delete its file '{file}': {deleteError}; delete it by hand.");
        return result!;
    }

    /// <summary>
    /// Runs the take's own video sinks (<see cref="VideoSinks.Create"/>: the same ffmpeg arguments, one process per
    /// camera, up to <see cref="MaxEncoderProcesses"/>) in a hidden temporary folder in <paramref name="folder"/>, each fed
    /// from its own thread as fast as it takes frames, for at most <paramref name="maxTime"/> after its warm-up frames (and
    /// until <paramref name="maxTime"/> + <see cref="EncoderStartAllowance"/> from the start at the latest, but at least
    /// one counted frame) or <see cref="MaxEncoderTestFrames"/> frames,
    /// then waits for every file to be finished and deletes the folder.
    /// </summary>
    /// <remarks>The frames model a sensor image: a smooth gradient with a few levels of noise, four different frames in
    /// turn (so no encoder sees identical frames). Flat synthetic frames encode faster and smaller than real ones.</remarks>
    /// <param name="encoder">An ffmpeg encoder (not Y4M).</param>
    /// <param name="cameras">The plan's cameras: their frame sizes and formats.</param>
    /// <param name="frameRateHz">The plan's rate, written into the container as the take does.</param>
    /// <param name="folder">An existing folder on the take's disk.</param>
    /// <param name="maxTime">Longest to feed frames; default <see cref="DefaultEncoderTestTime"/>.</param>
    /// <param name="ffmpegPath">ffmpeg executable.</param>
    /// <param name="tick">Called on the calling thread about every 250 ms while the encoders run, with the fraction of
    /// <paramref name="maxTime"/> gone (0-1); may be null.</param>
    /// <param name="cancel">Stops the test (the folder is still deleted).</param>
    /// <exception cref="InvalidCaptureArgumentException">Encoder: Y4M (it has no encoder process), a format the encoder
    /// cannot take, or ffmpeg is missing.</exception>
    /// <exception cref="TakeFolderException">An ffmpeg failed (e.g. hevc_nvenc without an NVIDIA GPU) or the folder could not
    /// be created; the message has ffmpeg's last log lines.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was set.</exception>
    public static EncoderMeasurement MeasureEncoder(VideoEncoder encoder, IReadOnlyList<CaptureBudgetCamera> cameras, double frameRateHz, string folder,
        TimeSpan? maxTime = null, string ffmpegPath = "ffmpeg", Action<double>? tick = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        if (encoder == VideoEncoder.Y4M)
            throw new InvalidCaptureArgumentException("Encoder", "Y4M is written in-process and has no encoder to measure: its throughput is the disk's.");
        var limit = maxTime ?? DefaultEncoderTestTime;
        var used = cameras.Take(MaxEncoderProcesses).ToList();
        if (used.Count == 0)
            throw new InvalidCaptureArgumentException("CameraId", "the encoder test needs at least one camera.");
        string temp = Path.Combine(folder, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TakeFolderException(temp, $"the encoder test could not create its folder '{temp}': {e.Message}", e);
        }
        var sinks = new List<IVideoSink>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Task[] feeders = Array.Empty<Task>();
        EncoderMeasurement? result = null;
        Exception? cleanupError = null;
        try
        {
            var frames = used.Select(c => c.Format).Distinct().ToDictionary(f => f, f => TestFrames(used.First(c => c.Format == f)));
            for (int k = 0; k < used.Count; k++)
            {
                var c = used[k];
                sinks.Add(VideoSinks.Create(encoder, temp, $"probe-{k}{VideoSinks.Extension(encoder)}", new VideoFormat(c.Width, c.Height, c.PixelFormat, frameRateHz), ffmpegPath));
            }
            var counts = new long[sinks.Count];
            var started = new TimeSpan[sinks.Count];
            var ended = new TimeSpan[sinks.Count];
            var watch = Stopwatch.StartNew();
            feeders = sinks.Select((sink, k) => Task.Factory.StartNew(() =>
            {
                var own = frames[used[k].Format];
                // The warm-up frames wait for ffmpeg to start, read its first frame and set up its encoder (ffmpeg reads
                // the next frame only when the previous one went through, and a frame is larger than the pipe's buffer):
                // this encoder's clock starts after them, so process start-up is not counted as encoding time.
                for (int w = 0; w < WarmUpFrames; w++)
                    sink.Write(own[w % own.Length]);
                started[k] = watch.Elapsed;
                long n = 0;
                // Each encoder is fed for the limit after its own warm-up, and all of them stop by the limit plus
                // EncoderStartAllowance from the start however slowly they started (a loaded host), after one counted frame.
                while (n < MaxEncoderTestFrames && !stop.IsCancellationRequested &&
                       (n == 0 || (watch.Elapsed - started[k] < limit && watch.Elapsed < limit + EncoderStartAllowance)))
                    sink.Write(own[(int)(n++ % own.Length)]);
                counts[k] = n;
                sink.Complete();
                ended[k] = watch.Elapsed;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            var all = Task.WhenAll(feeders);
            while (!((IAsyncResult)all).AsyncWaitHandle.WaitOne(TimeSpan.FromMilliseconds(250)))
            {
                if (cancel.IsCancellationRequested)
                    stop.Cancel();
                tick?.Invoke(Math.Min(1, watch.Elapsed / (limit + limit)));
            }
            watch.Stop();
            cancel.ThrowIfCancellationRequested();
            if (all.IsFaulted)
            {
                var inner = all.Exception!.InnerExceptions[0];
                if (inner is TakeFolderException or InvalidCaptureArgumentException)
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
                throw new TakeFolderException(temp, $"the encoder test failed: {inner.Message}", inner);
            }
            long encoded = Directory.EnumerateFiles(temp, "probe-*" + VideoSinks.Extension(encoder)).Sum(f => new FileInfo(f).Length);
            long raw = used.Select((c, k) => counts[k] * c.FrameBytes).Sum();
            // From the first encoder ready to the last file finished: all of them ran together in that window.
            result = new EncoderMeasurement(sinks.Count, counts.Sum(), raw, encoded, ended.Max() - started.Min());
        }
        finally
        {
            // Also after a failure or Ctrl+C: stop the feeders, end every ffmpeg, delete the folder.
            stop.Cancel();
            try
            {
                Task.WaitAll(feeders, TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // a feeder's failure was reported above; the others end because their sinks are disposed next
            }
            foreach (var sink in sinks)
                sink.Dispose();
            try
            {
                Directory.Delete(temp, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                cleanupError = e;
                Trace.TraceError($"PsCamSync: the encoder test could not delete '{temp}': {e}");
            }
        }
        if (cleanupError is not null)
            throw new TakeFolderException(temp, $"the encoder test could not delete its folder '{temp}': {cleanupError.Message}; delete it by hand.", cleanupError);
        return result;
    }

    /// <summary>
    /// The link of each camera that has one: GigE cameras by the interface whose IPv4 subnet holds their address
    /// (<see cref="GvcpActionSender.InterfaceReaching"/>) and its <c>speed</c> in sysfs (Mb/s); USB3 cameras at the nominal
    /// <see cref="Usb3BitsPerSecond"/>. Simulated cameras and plans by frame size have none.
    /// </summary>
    /// <param name="cameras">The plan's cameras.</param>
    /// <param name="sysClassNet">Where the interfaces' sysfs folders are (tests give another folder).</param>
    /// <param name="interfaces">The host's interfaces; null reads them.</param>
    public static IReadOnlyList<CameraLink> ReadLinks(IReadOnlyList<CaptureBudgetCamera> cameras, string sysClassNet = "/sys/class/net",
        IReadOnlyList<NetworkInterface>? interfaces = null)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        var links = new List<CameraLink>();
        foreach (var c in cameras)
        {
            switch (c.LinkKind)
            {
                case CaptureLinkKind.Usb3:
                    links.Add(new CameraLink(c.Id, "USB3 " + c.Id, Usb3BitsPerSecond / 8, "USB3 nominal 5 Gb/s per camera (a shared host controller is not seen)"));
                    break;
                case CaptureLinkKind.GigE:
                    string name;
                    try
                    {
                        name = GvcpActionSender.InterfaceReaching(IPAddress.Parse(c.Address), interfaces ?? NetworkInterface.GetAllNetworkInterfaces());
                    }
                    catch (GvcpException e)
                    {
                        links.Add(new CameraLink(c.Id, "unreachable " + c.Address, null, e.Message));
                        break;
                    }
                    string speedFile = Path.Combine(sysClassNet, name, "speed");
                    double? mbps = ReadSpeedMbps(speedFile);
                    links.Add(mbps is double s
                        ? new CameraLink(c.Id, name, s * 1e6 / 8, string.Create(CultureInfo.InvariantCulture, $"{speedFile}: {s:0} Mb/s"))
                        : new CameraLink(c.Id, name, null, $"{speedFile} gives no link speed (a virtual interface, or the link is down)"));
                    break;
            }
        }
        return links;
    }

    private static double? ReadSpeedMbps(string file)
    {
        try
        {
            return double.TryParse(File.ReadAllText(file).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out double v) && v > 0 ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // reading speed fails with EINVAL on interfaces without a link; the caller says so
        }
    }

    /// <summary>Four sensor-like frames: a diagonal gradient plus noise of ±4 levels, different noise in each.</summary>
    private static byte[][] TestFrames(CaptureBudgetCamera camera)
    {
        var frames = new byte[4][];
        var random = new Random(camera.Width * 31 + camera.Height);
        int bpp = PixelFormats.BytesPerPixel(camera.PixelFormat);
        for (int f = 0; f < frames.Length; f++)
        {
            var frame = new byte[camera.FrameBytes];
            var noise = new byte[camera.Width * camera.Height];
            random.NextBytes(noise);
            for (int y = 0; y < camera.Height; y++)
            {
                for (int x = 0; x < camera.Width; x++)
                {
                    int i = y * camera.Width + x;
                    int value = (x * 255 / Math.Max(1, camera.Width - 1) + y * 255 / Math.Max(1, camera.Height - 1)) / 2 + (noise[i] & 7) - 4;
                    if (bpp == 1)
                        frame[i] = (byte)Math.Clamp(value, 0, 255);
                    else
                    {
                        ushort v16 = (ushort)(Math.Clamp(value, 0, 255) * 257);
                        frame[2 * i] = (byte)v16;
                        frame[2 * i + 1] = (byte)(v16 >> 8);
                    }
                }
            }
            frames[f] = frame;
        }
        return frames;
    }

    /// <summary>
    /// The cheap part, read on every Start-SyncCapture: free space, RAM for the rings (unless
    /// <paramref name="includeMemory"/> is false), links, and the disk and encoder throughputs that an earlier
    /// Test-CaptureBudget stored in <paramref name="cache"/> for this disk and these frame sizes (none measured here).
    /// </summary>
    /// <param name="plan">The take.</param>
    /// <param name="cache">The throughput cache, or null for none.</param>
    /// <param name="includeMemory">False leaves memory out (a started take has checked its rings itself).</param>
    public static CaptureBudgetMeasurements ReadCheap(CaptureBudgetPlan plan, CaptureBudgetCache? cache, bool includeMemory = true)
    {
        ArgumentNullException.ThrowIfNull(plan);
        string folder = plan.ExistingFolder;
        long free = DiskSpace.FreeBytes(folder);
        var room = includeMemory ? MemoryBudget.Read() : null;
        string device = CaptureBudgetCache.DeviceOf(folder);
        var disk = cache?.Disk(device);
        var enc = plan.Encoder == VideoEncoder.Y4M ? null : cache?.Encoder(CaptureBudgetCache.EncoderKey(plan.Encoder, plan.Cameras));
        return new CaptureBudgetMeasurements
        {
            FreeBytes = free >= 0 ? free : null,
            MaxRingBytes = room is null ? null : MemoryBudget.MaxRingBytes(room),
            MemoryNote = room?.Describe() ?? "",
            DiskWriteBytesPerSecond = disk?.BytesPerSecond,
            DiskNote = disk is null ? $"not measured (no Test-CaptureBudget result cached for device {device})"
                : string.Create(CultureInfo.InvariantCulture, $"measured by Test-CaptureBudget at {disk.MeasuredUtc:yyyy-MM-dd HH:mm} UTC in {disk.Folder} (device {device})"),
            EncoderBytesPerSecond = enc?.BytesPerSecond,
            EncodedBytesPerFrame = enc?.EncodedBytesPerFrame,
            EncoderNote = plan.Encoder == VideoEncoder.Y4M ? "none (Y4M)" : enc is null ? "not measured (no Test-CaptureBudget result cached for this encoder and these frame sizes)"
                : string.Create(CultureInfo.InvariantCulture, $"measured by Test-CaptureBudget at {enc.MeasuredUtc:yyyy-MM-dd HH:mm} UTC ({enc.Processes} ffmpeg processes)"),
            Links = ReadLinks(plan.Cameras),
        };
    }

    /// <summary>
    /// Everything, measured now on the take path: <see cref="ReadCheap"/>'s numbers plus the disk test and (for ffmpeg
    /// encoders) the encoder test. What was measured is in <see cref="CaptureBudgetMeasurements.MeasuredDisk"/> and
    /// <see cref="CaptureBudgetMeasurements.MeasuredEncoder"/>, for <see cref="CaptureBudgetCache.Save"/>. A probe that fails becomes part of the answer (a disk that cannot be written has 0 bytes/s; an encoder
    /// that cannot run is <see cref="CaptureBudgetMeasurements.EncoderError"/>), not an exception.
    /// </summary>
    /// <param name="plan">The take (validated).</param>
    /// <param name="progress">Called on the calling thread with a status line and a percentage (0-100); may be null.</param>
    /// <param name="ffmpegPath">ffmpeg executable.</param>
    /// <param name="cancel">Stops the measurement.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was set.</exception>
    public static CaptureBudgetMeasurements Measure(CaptureBudgetPlan plan, Action<string, int>? progress = null,
        string ffmpegPath = "ffmpeg", CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        string folder = plan.ExistingFolder;
        bool ffmpeg = plan.Encoder != VideoEncoder.Y4M;
        progress?.Invoke($"Free space, RAM and links", 0);
        var cheap = ReadCheap(plan, null);
        string device = CaptureBudgetCache.DeviceOf(folder);

        progress?.Invoke($"Disk write throughput in {folder} (up to {DefaultDiskTestBytes >> 20} MiB, {DefaultDiskTestTime.TotalSeconds:0} s)", 5);
        double diskBps;
        string diskNote;
        CachedDiskThroughput? measuredDisk = null;
        CachedEncoderThroughput? measuredEncoder = null;
        try
        {
            var disk = MeasureDiskWrite(folder, cancel: cancel);
            diskBps = disk.BytesPerSecond;
            diskNote = string.Create(CultureInfo.InvariantCulture, $"measured now: {disk.Bytes >> 20} MiB in {disk.Elapsed.TotalSeconds:0.00} s with fsync (device {device})");
            measuredDisk = new CachedDiskThroughput(device, folder, diskBps, DateTimeOffset.UtcNow);
        }
        catch (TakeFolderException e)
        {
            // A take could not write there either: the disk row says so (0 bytes/s) with the reason.
            diskBps = 0;
            diskNote = e.Message;
        }

        double? encBps = null, encBytes = null;
        string encNote = "none (Y4M is written in-process: its throughput is the disk's)";
        string? encError = null;
        if (ffmpeg)
        {
            progress?.Invoke($"{VideoSinks.EncoderName(plan.Encoder)} throughput, {Math.Min(plan.Cameras.Count, MaxEncoderProcesses)} ffmpeg process(es) for {DefaultEncoderTestTime.TotalSeconds:0} s", 50);
            try
            {
                var enc = MeasureEncoder(plan.Encoder, plan.Cameras, plan.FrameRateHz, folder, ffmpegPath: ffmpegPath,
                    tick: f => progress?.Invoke($"{VideoSinks.EncoderName(plan.Encoder)} throughput", 50 + (int)(45 * f)), cancel: cancel);
                encBps = enc.BytesPerSecond;
                encBytes = enc.EncodedBytesPerFrame;
                encNote = string.Create(CultureInfo.InvariantCulture,
                    $"measured now: {enc.Processes} ffmpeg process(es) together encoded {enc.Frames} frames in {enc.Elapsed.TotalSeconds:0.00} s ({enc.FramesPerSecond:0} frames/s), {CaptureBudget.Size(enc.EncodedBytesPerFrame)} per frame");
                if (plan.Cameras.Count > enc.Processes)
                    encNote += string.Create(CultureInfo.InvariantCulture, $"; the take runs {plan.Cameras.Count} processes on the same cores");
                measuredEncoder = new CachedEncoderThroughput(CaptureBudgetCache.EncoderKey(plan.Encoder, plan.Cameras), encBps.Value, encBytes.Value, enc.Processes, DateTimeOffset.UtcNow);
            }
            catch (Exception e) when (e is TakeFolderException or InvalidCaptureArgumentException)
            {
                encError = e.Message;
                encNote = "failed";
            }
        }
        progress?.Invoke("Done", 100);
        return cheap with
        {
            DiskWriteBytesPerSecond = diskBps,
            DiskNote = diskNote,
            EncoderBytesPerSecond = encBps,
            EncodedBytesPerFrame = encBytes,
            EncoderNote = encNote,
            EncoderError = encError,
            MeasuredDisk = measuredDisk,
            MeasuredEncoder = measuredEncoder,
        };
    }
}
