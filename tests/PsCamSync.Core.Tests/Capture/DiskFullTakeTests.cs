using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>
/// A full disk costs only the frames that did not fit: takes written to a small tmpfs that fills mid-take, a disk
/// already full at start, and a final take.json that cannot be written.
/// </summary>
[Collection("Takes")]
public sealed class DiskFullTakeTests
{
    private readonly ITestOutputHelper _output;

    public DiskFullTakeTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// Two simulated 640x480 Mono8 cameras at 20 Hz (12.3 MB/s of Y4M) into a 16 MiB tmpfs: the disk fills after about a
    /// second of a 10 s take. The take stops triggering soon after, records one disk-full fault and nothing that
    /// follows from it, and its take.json is final and truthful; every frame written before is intact.
    /// </summary>
    [RequiresFact("mount", "umount", "root")]
    public void A_disk_that_fills_mid_take_stops_the_take_with_one_fault_and_a_truthful_take_json()
    {
        using var disk = new Tmpfs(16L << 20);
        var schedule = SimulatedTakeTests.ScheduleSoon(20, 10, leadSeconds: 1.0);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var session = CaptureSession.Start(SimulatedTakeTests.OpenSimulated(2),
            new CaptureOptions { TriggerMode = SyncTriggerMode.Software, Schedule = schedule, Path = disk.Combine("take") });
        var manifest = SimulatedTakeTests.Run(session, timeoutSeconds: 60);
        watch.Stop();
        _output.WriteLine(SimulatedTakeTests.Describe(manifest));

        // One fault says the disk is full; nothing cascades from it (no "matched no trigger slot", no per-frame faults).
        var diskFaults = manifest.Faults.Where(f => f.Message.Contains("disk is full")).ToList();
        Assert.Single(diskFaults);
        Assert.Contains(disk.Path, diskFaults[0].Message);
        Assert.Contains("bytes free", diskFaults[0].Message);
        Assert.All(manifest.Faults.Except(diskFaults), f => Assert.Equal(TakeFaultSource.Trigger, f.Source)); // only timing faults of a loaded VM may join it
        Assert.Equal(TakeState.Faulted, manifest.State);

        // Triggering stopped soon after the fault, long before the scheduled end.
        Assert.True(manifest.EndFrameIndex < schedule.EndIndex - 50, $"the take ran to frame {manifest.EndFrameIndex} of {schedule.EndIndex}");

        // take.json on disk is the final manifest, and it adds up.
        var onDisk = TakeFolder.ReadManifest(session.TakePath);
        Assert.Equal(TakeState.Faulted, onDisk.State);
        Assert.NotNull(onDisk.EndedNs);
        Assert.Equal(manifest.EndFrameIndex, onDisk.EndFrameIndex);
        Assert.Equal(manifest.Faults.Count, onDisk.Faults.Count);
        Assert.False(File.Exists(Path.Combine(session.TakePath, TakeFolder.ReserveFileName)), "the reserve was released");
        long slots = onDisk.EndFrameIndex - onDisk.FirstFrameIndex;
        // The first camera to meet the full disk has a WriteFailed frame; the other may have finished its frames before.
        Assert.True(onDisk.Cameras.Sum(c => c.Counts.WriteFailed) > 0, "some frames did not fit");
        long firstFailedOfTake = onDisk.Cameras
            .SelectMany(c => FramesTableReader.Read(Path.Combine(session.TakePath, c.FramesFile)))
            .Where(r => r.Status == FrameStatus.WriteFailed).Min(r => r.FrameIndex);
        for (int k = 0; k < 2; k++)
        {
            var cam = onDisk.Cameras[k];
            Assert.Equal(slots, cam.Counts.Expected);
            Assert.Equal(slots, cam.Counts.Accounted);
            var rows = FramesTableReader.Read(Path.Combine(session.TakePath, cam.FramesFile));
            Assert.Equal(slots, rows.Count);
            Assert.Equal(cam.Counts.Captured, rows.Count(r => r.Status == FrameStatus.Captured));
            Assert.Equal(cam.Counts.WriteFailed, rows.Count(r => r.Status == FrameStatus.WriteFailed));
            Assert.Equal(cam.Counts.TriggerMissed, rows.Count(r => r.Status == FrameStatus.TriggerMissed));
            Assert.Equal(cam.Counts.TriggerLate, rows.Count(r => r.Status == FrameStatus.TriggerLate));
            Assert.True(cam.Counts.Captured > 0, "some frames were written before the disk filled");

            // Every frame written before the fault is intact: the video holds exactly the rows' video frames, in order,
            // and each decodes to its camera and frame index.
            var withVideo = rows.Where(r => r.VideoFrame >= 0).ToList();
            Assert.Equal(cam.Counts.Captured + cam.Counts.Incomplete, withVideo.Count);
            Assert.Equal(Enumerable.Range(0, withVideo.Count).Select(i => (long)i), withVideo.Select(r => r.VideoFrame));
            Assert.All(withVideo, r => Assert.Equal(640 * 480, r.ReceivedBytes));
            using var reader = new Y4mReader(Path.Combine(session.TakePath, cam.VideoFile));
            var frame = new byte[reader.FrameBytes];
            int v = 0;
            while (reader.ReadFrame(frame))
            {
                Assert.True(SimulatedPattern.TryDecode(frame, reader.Width, reader.PixelFormat, out int cameraIndex, out long frameIndex), $"camera {k} video frame {v} does not decode");
                Assert.Equal(k, cameraIndex);
                Assert.Equal(withVideo[v].FrameIndex, frameIndex);
                v++;
            }
            Assert.Equal(withVideo.Count, v);
            if (Machine.FindOnPath("ffprobe") is not null)
                Assert.Equal(withVideo.Count, Processes.FfprobeFrameCount(Path.Combine(session.TakePath, cam.VideoFile)));
            // Once one camera met the full disk, video writing stopped for all: a camera whose writer was already on a
            // later frame (they run side by side) may finish that one, no more.
            Assert.All(rows.Where(r => r.FrameIndex > firstFailedOfTake + 2), r => Assert.True(r.VideoFrame < 0, $"{cam.Id} frame {r.FrameIndex} was written after the disk filled at frame {firstFailedOfTake}"));
            _output.WriteLine($"{cam.Id}: {withVideo.Count} frames intact before the disk filled (first WriteFailed of the take at frame {firstFailedOfTake}); " +
                $"{slots - withVideo.Count} of {slots} slots without pixels ({cam.Counts.WriteFailed} WriteFailed); the take stopped at frame {onDisk.EndFrameIndex} of {schedule.EndIndex} scheduled, " +
                $"{onDisk.EndFrameIndex - firstFailedOfTake} frame(s) after the first failed one");
        }
        // The analysis reads the same: WriteFailed rows as missing, counts agreeing with take.json, no problem but the fault.
        var report = PsCamSync.Core.Analysis.TakeAnalyzer.Analyze(session.TakePath);
        Assert.Equal(onDisk.Cameras.Select(c => c.Counts.WriteFailed), report.Cameras.Select(c => c.WriteFailed));
        Assert.Equal(onDisk.Faults.Count, report.Faults.Count);
        _output.WriteLine($"take duration {(onDisk.EndedNs!.Value - onDisk.StartedNs) / 1e9:0.00} s (scheduled {schedule.EndIndex / 20.0:0.0} s after a 1 s lead), Start to Completion {watch.Elapsed.TotalSeconds:0.00} s; fault: {diskFaults[0].Message}");
    }

    /// <summary>
    /// The same with an ffmpeg encoder (FFV1): ffmpeg exits on the full disk, its log says "No space left on device", and
    /// that is the one disk-full fault; take.json is final and truthful and the frames ffmpeg wrote before decode.
    /// </summary>
    [RequiresFact("mount", "umount", "root", "ffmpeg", "ffprobe")]
    public void An_ffmpeg_encoder_that_fills_the_disk_gives_the_same_one_fault_and_truthful_take_json()
    {
        using var disk = new Tmpfs(3L << 20);
        var schedule = SimulatedTakeTests.ScheduleSoon(30, 20, leadSeconds: 1.0);
        using var session = CaptureSession.Start(SimulatedTakeTests.OpenSimulated(1),
            new CaptureOptions { TriggerMode = SyncTriggerMode.Software, Schedule = schedule, Path = disk.Combine("take"), Encoder = VideoEncoder.Ffv1 });
        var manifest = SimulatedTakeTests.Run(session, timeoutSeconds: 90);
        _output.WriteLine(SimulatedTakeTests.Describe(manifest));

        var diskFaults = manifest.Faults.Where(f => f.Message.Contains("disk is full")).ToList();
        Assert.Single(diskFaults);
        Assert.All(manifest.Faults.Except(diskFaults), f => Assert.Equal(TakeFaultSource.Trigger, f.Source));
        var onDisk = TakeFolder.ReadManifest(session.TakePath);
        Assert.Equal(TakeState.Faulted, onDisk.State);
        Assert.True(onDisk.EndFrameIndex < schedule.EndIndex - 100, $"the take ran to frame {onDisk.EndFrameIndex} of {schedule.EndIndex}");
        var cam = onDisk.Cameras[0];
        long slots = onDisk.EndFrameIndex - onDisk.FirstFrameIndex;
        Assert.Equal(slots, cam.Counts.Accounted);
        var rows = FramesTableReader.Read(Path.Combine(session.TakePath, cam.FramesFile));
        Assert.Equal(slots, rows.Count);
        Assert.True(cam.Counts.WriteFailed > 0);
        long decoded = Processes.FfprobeFrameCount(Path.Combine(session.TakePath, cam.VideoFile));
        // ffmpeg had frames queued that it could not write when the disk filled: the file holds at most the frames
        // handed to it, and those it holds decode.
        Assert.InRange(decoded, 1, cam.Counts.Captured);
        _output.WriteLine($"ffv1: {cam.Counts.Captured} frames handed to ffmpeg, {decoded} decodable in the file, {cam.Counts.WriteFailed} WriteFailed; take stopped at frame {onDisk.EndFrameIndex} of {schedule.EndIndex}; {diskFaults[0].Message}");
    }

    /// <summary>
    /// A disk too full for the take's reserve: the start fails with a clear error naming the disk-full cause, leaves no
    /// folder behind, and the same path works once there is room.
    /// </summary>
    [RequiresFact("mount", "umount", "root")]
    public void A_disk_full_at_start_fails_the_start_cleanly_and_the_same_path_works_after_freeing_space()
    {
        using var disk = new Tmpfs(8L << 20);
        disk.Fill("filler", 8L << 20); // as much as fits
        string path = disk.Combine("take");
        var schedule = SimulatedTakeTests.ScheduleSoon(10, 0.5, leadSeconds: 1.0);
        var e = Assert.Throws<TakeFolderException>(() => CaptureSession.Start(SimulatedTakeTests.OpenSimulated(1),
            new CaptureOptions { TriggerMode = SyncTriggerMode.Software, Schedule = schedule, Path = path }));
        _output.WriteLine(e.Message);
        Assert.True(e.DiskFull, e.ToString());
        Assert.Contains("bytes free", e.Message);
        Assert.Contains(path, e.Message);
        Assert.False(Directory.Exists(path), "the failed start removed the folder it created");
        Assert.Equal(new[] { "filler" }, Directory.GetFileSystemEntries(disk.Path).Select(Path.GetFileName));

        File.Delete(disk.Combine("filler"));
        schedule = SimulatedTakeTests.ScheduleSoon(10, 0.5, leadSeconds: 1.0);
        using var session = CaptureSession.Start(SimulatedTakeTests.OpenSimulated(1, (_, o) => { o.Width = 64; o.Height = 64; }),
            new CaptureOptions { TriggerMode = SyncTriggerMode.Software, Schedule = schedule, Path = path });
        var manifest = SimulatedTakeTests.Run(session);
        Assert.Equal(path, session.TakePath);
        Assert.Equal(5, manifest.Cameras[0].Counts.Expected);
        Assert.Equal(5, manifest.Cameras[0].Counts.Accounted);
        Assert.NotEqual(TakeState.Faulted, manifest.State);
        Assert.DoesNotContain(manifest.Faults, f => f.Message.Contains("disk is full"));
    }

    /// <summary>
    /// A start that fails after it made the folder and some files (here: libx264 cannot take the second camera's odd
    /// width) removes exactly what it made; the same path then works.
    /// </summary>
    [RequiresFact("ffmpeg")]
    public void A_start_that_fails_after_creating_files_removes_them()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("take");
        var schedule = SimulatedTakeTests.ScheduleSoon(10, 0.5, leadSeconds: 1.0);
        var cameras = SimulatedTakeTests.OpenSimulated(2, (k, o) => { o.Width = k == 0 ? 64 : 65; o.Height = 64; });
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => CaptureSession.Start(cameras,
            new CaptureOptions { TriggerMode = SyncTriggerMode.Software, Schedule = schedule, Path = path, Encoder = VideoEncoder.Libx264 }));
        Assert.Equal("Encoder", e.ParameterName);
        Assert.False(Directory.Exists(path), "the failed start removed its folder: " +
            (Directory.Exists(path) ? string.Join(", ", Directory.GetFileSystemEntries(path)) : ""));

        schedule = SimulatedTakeTests.ScheduleSoon(10, 0.5, leadSeconds: 1.0);
        using var session = CaptureSession.Start(SimulatedTakeTests.OpenSimulated(1, (_, o) => { o.Width = 64; o.Height = 64; }),
            new CaptureOptions { TriggerMode = SyncTriggerMode.Software, Schedule = schedule, Path = path, Encoder = VideoEncoder.Libx264 });
        var manifest = SimulatedTakeTests.Run(session);
        Assert.Equal(5, manifest.Cameras[0].Counts.Accounted);
    }

    /// <summary>
    /// A final take.json that cannot be written (its name is taken by a folder, so the atomic rename fails) is not only
    /// traced: the session exposes the error, naming the file.
    /// </summary>
    [Fact]
    public void A_final_manifest_that_cannot_be_written_is_exposed()
    {
        using var dir = new TempDirectory();
        var schedule = SimulatedTakeTests.ScheduleSoon(10, 1.5, leadSeconds: 1.0);
        using var session = CaptureSession.Start(SimulatedTakeTests.OpenSimulated(1, (_, o) => { o.Width = 64; o.Height = 64; }),
            new CaptureOptions { TriggerMode = SyncTriggerMode.Software, Schedule = schedule, Path = dir.Combine("take") });
        string manifestPath = Path.Combine(session.TakePath, TakeFolder.ManifestFileName);
        File.Delete(manifestPath);
        Directory.CreateDirectory(manifestPath);
        var manifest = SimulatedTakeTests.Run(session);

        Assert.NotNull(session.FinalManifestError);
        _output.WriteLine(session.FinalManifestError!.Message);
        Assert.Equal(manifestPath, session.FinalManifestError.Path);
        Assert.Contains("take manifest", session.FinalManifestError.Message);
        Assert.Equal(15, manifest.Cameras[0].Counts.Accounted); // the in-memory result is still the final one
        Assert.Same(session.FinalManifestError, ((IRunningTake)session).FinalManifestError);
    }

    /// <summary>
    /// The reserve covers the worst final manifest the take can end with on a full disk: compacted to
    /// <see cref="CaptureSession.FaultsKeptOnFullDisk"/> faults without details, a take.json of 8 cameras with every
    /// field filled and long fault messages still fits the manifest's share of the reserve (1 MiB) many times over.
    /// </summary>
    [Fact]
    public void A_compacted_manifest_fits_the_reserve_and_keeps_the_counts()
    {
        var manifest = new TakeManifest
        {
            Name = new string('n', 200), Host = new string('h', 64), ModuleVersion = "1.2.3",
            Schedule = SimulatedTakeTests.ScheduleSoon(30, 3600), FirstFrameIndex = 0, EndFrameIndex = 108_000, StartedNs = 1, EndedNs = 2,
            State = TakeState.Faulted, TriggerThread = new TriggerThreadReport { Refused = { new string('r', 300) } },
        };
        for (int k = 0; k < 8; k++)
        {
            manifest.Cameras.Add(new TakeCamera
            {
                Backend = "Aravis", Id = new string('c', 100) + k, Vendor = new string('v', 64), Model = new string('m', 64), Serial = new string('s', 64),
                Address = "192.168.100.100", Width = 8192, Height = 8192, PixelFormat = "Mono16", VideoFile = new string('f', 200), FramesFile = new string('f', 200),
                Encoder = "ffv1", RingFrames = 1000, Settings = Enumerable.Range(0, 8).ToDictionary(i => "Feature" + i, i => new string('x', 100)),
                Counts = new FrameCounts { Expected = 108_000, Captured = 100_000, WriteFailed = 8_000 },
                ClockModel = new PsCamSync.Core.Timing.CameraClockModel(long.MaxValue, 1.2345678901234567e15, 12.345678901234567, 1000, 123.45678901234567),
                ClockModelNote = new string('o', 500),
            });
        }
        for (int i = 0; i < 20_000; i++)
            manifest.Faults.Add(new TakeFault { TimeNs = long.MaxValue, Camera = new string('c', 101), Source = TakeFaultSource.Stream, Message = new string('m', 1000), Detail = new string('d', 5000) });

        Assert.True(CaptureSession.CompactFaults(manifest));
        Assert.Equal(CaptureSession.FaultsKeptOnFullDisk, manifest.Faults.Count);
        Assert.All(manifest.Faults, f => Assert.Null(f.Detail));
        Assert.Contains("19901 later fault(s)", manifest.Faults[^1].Message);
        Assert.Equal(108_000, manifest.Cameras[0].Counts.Accounted);

        using var stream = new MemoryStream();
        System.Text.Json.JsonSerializer.Serialize(stream, manifest, TakeJson.Options);
        _output.WriteLine($"compacted take.json of 8 cameras and {manifest.Faults.Count} faults: {stream.Length} bytes; reserve for 8 cameras {TakeFolder.ReserveBytes(8)} bytes");
        Assert.True(stream.Length < (1 << 20) / 4, $"{stream.Length} bytes");
    }

    /// <summary>The normal case: a take whose final take.json was written has no FinalManifestError.</summary>
    [Fact]
    public void A_written_final_manifest_leaves_no_error_and_no_reserve()
    {
        using var dir = new TempDirectory();
        var schedule = SimulatedTakeTests.ScheduleSoon(10, 0.5, leadSeconds: 1.0);
        using var session = CaptureSession.Start(SimulatedTakeTests.OpenSimulated(1, (_, o) => { o.Width = 64; o.Height = 64; }),
            new CaptureOptions { TriggerMode = SyncTriggerMode.Software, Schedule = schedule, Path = dir.Combine("take") });
        Assert.True(File.Exists(Path.Combine(session.TakePath, TakeFolder.ReserveFileName)), "the reserve exists while recording");
        SimulatedTakeTests.Run(session);
        Assert.Null(session.FinalManifestError);
        Assert.False(File.Exists(Path.Combine(session.TakePath, TakeFolder.ReserveFileName)));
        Assert.Equal(TakeState.Completed, TakeFolder.ReadManifest(session.TakePath).State);
    }
}
