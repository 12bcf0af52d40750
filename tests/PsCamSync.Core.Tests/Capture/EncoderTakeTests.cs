using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>Takes through the ffmpeg encoder path, and faults in the writer: nothing captured before a fault is lost.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // its fake encoders are shell scripts made executable with chmod
[Collection("Takes")]
public class EncoderTakeTests
{
    [RequiresFact("ffmpeg", "ffprobe")]
    public void Libx264Take_IsReadBackByFfprobe_WithEveryFrame()
    {
        using var dir = new TempDirectory();
        var schedule = SimulatedTakeTests.ScheduleSoon(30, 3);
        using var session = CaptureSession.Start(SimulatedTakeTests.OpenSimulated(2),
            new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), Encoder = VideoEncoder.Libx264, LateToleranceNs = SimulatedTakeTests.PipelineLateTolerance(schedule) });
        var manifest = SimulatedTakeTests.Run(session);
        var late = SimulatedTakeTests.AssertEveryFrameButLateWakes(manifest, 90, session.TakePath);
        foreach (var cam in manifest.Cameras)
        {
            Assert.Equal("libx264", cam.Encoder);
            Assert.EndsWith(".mkv", cam.VideoFile);
            Assert.Equal(90 - late.Count, Processes.FfprobeFrameCount(Path.Combine(session.TakePath, cam.VideoFile)));
        }
    }

    [RequiresFact("sh", "head")]
    public void EncoderDyingMidTake_IsRecorded_AndEveryRowAndEarlierFrameIsKept()
    {
        using var dir = new TempDirectory();
        // A stand-in "ffmpeg" that accepts exactly 10 frames of 640x480 Mono8 and then exits.
        string fake = dir.Combine("dying-ffmpeg");
        File.WriteAllText(fake, $"#!/bin/sh\nhead -c {10 * 640 * 480} > /dev/null\nexit 3\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var schedule = SimulatedTakeTests.ScheduleSoon(30, 2);
        using var session = CaptureSession.Start(SimulatedTakeTests.OpenSimulated(1),
            new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), Encoder = VideoEncoder.Ffv1, FfmpegPath = fake });
        var manifest = SimulatedTakeTests.Run(session);

        Assert.Equal(TakeState.Faulted, manifest.State);
        Assert.Contains(manifest.Faults, f => f.Source == TakeFaultSource.Encoder && f.Camera == "sim-0");
        var counts = manifest.Cameras[0].Counts;
        Assert.Equal(60, counts.Expected);
        Assert.Equal(60, counts.Accounted);
        Assert.InRange(counts.Captured, 10, 59);
        var rows = FramesTableReader.Read(Path.Combine(session.TakePath, manifest.Cameras[0].FramesFile));
        Assert.Equal(60, rows.Count); // every slot keeps its row and timestamps
        Assert.All(rows.Where(r => r.Status == FrameStatus.Dropped), r => Assert.True(r.DeviceTimestampNs != 0 && r.VideoFrame == -1));
        Assert.Equal(Enumerable.Range(0, (int)counts.Captured).Select(i => (long)i),
            rows.Where(r => r.Status == FrameStatus.Captured).Select(r => r.VideoFrame));
        // The table on disk agrees with the manifest.
        Assert.Equal(counts.Captured, rows.Count(r => r.Status == FrameStatus.Captured));
    }

    [RequiresFact("sh", "dd", "wc", "sleep")]
    public void WriterThatCannotKeepUp_DropsFramesFromTheRing_CountsThem_AndSaysSo()
    {
        using var dir = new TempDirectory();
        // A stand-in encoder that reads one 640x480 frame every 100 ms: 10 fps against a 50 Hz take.
        string slow = dir.Combine("slow-ffmpeg");
        // It ends at end of input (dd reads 0 bytes), as ffmpeg does.
        File.WriteAllText(slow, $"#!/bin/sh\nwhile [ \"$(dd bs={640 * 480} count=1 iflag=fullblock 2>/dev/null | wc -c)\" -gt 0 ]; do sleep 0.1; done\n");
        File.SetUnixFileMode(slow, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var schedule = SimulatedTakeTests.ScheduleSoon(50, 2);
        using var session = CaptureSession.Start(SimulatedTakeTests.OpenSimulated(1),
            new CaptureOptions
            {
                Schedule = schedule, Path = dir.Combine("take"), Encoder = VideoEncoder.Ffv1, FfmpegPath = slow, BufferMemoryBytes = 8 * 640 * 480,
                // 15 ms: a stalled machine's wake-ups (up to ~10 ms) stay inside it, a trigger thread held up by the 100 ms
                // encoder would not.
                LateToleranceNs = SimulatedTakeTests.PipelineLateTolerance(schedule),
            });
        var manifest = SimulatedTakeTests.Run(session);
        var counts = manifest.Cameras[0].Counts;
        Assert.Equal(100, counts.Expected);
        Assert.Equal(100, counts.Accounted);
        Assert.True(counts.Dropped > 0, "a full ring drops frames");
        // The trigger thread never waited on the writer: a trigger thread held up by a 10 fps encoder would be late for
        // most of the 100 slots. A slot or two may be late because the machine stalled (a loaded 2-core VM), which is
        // what this allows and nothing more.
        Assert.InRange(counts.TriggerLate, 0, 2);
        Assert.Contains(manifest.Faults, f => f.Source == TakeFaultSource.Writer && f.Message.Contains("could not keep up"));
        Assert.Equal(8, manifest.Cameras[0].RingFrames);
    }
}
