using System.Runtime.InteropServices;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Aravis;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Capture;
using PsCamSync.Core.Tests.Support;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>
/// A frame costs only itself: takes on three emulators that drop GVSP packets at random (<c>-r</c>: 1, 20 and 100 per
/// thousand). A frame with missing packets is Incomplete with the bytes that arrived (zeros elsewhere), every complete
/// frame has the emulator's pixels, the video holds exactly the rows that name a video frame, and libaravis prints no
/// GLib CRITICAL.
/// </summary>
[Collection(AravisEmulatorCollection.Name)]
public sealed class AravisLossyTakeTests
{
    private const int Width = 512, Height = 512, FrameBytes = Width * Height;
    private const double RateHz = 10, Seconds = 4;
    private readonly ITestOutputHelper _output;

    public AravisLossyTakeTests(ITestOutputHelper output) => _output = output;

    [DllImport(AravisNative.Lib)]
    private static extern int arv_buffer_get_image_width(IntPtr buffer);

    [RequiresFact(FakeGvCameras.Program, "ip", "root", "ffprobe")]
    public void The_GLib_probe_sees_a_CRITICAL_from_an_image_getter_on_a_buffer_that_is_not_an_image()
    {
        // The probe the lossy takes rely on must be able to fail: this is what the old receive path did per bad frame.
        using var probe = new GLibLogProbe();
        var buffer = AravisNative.arv_buffer_new_allocate(64);
        try
        {
            Assert.Equal(0, arv_buffer_get_image_width(buffer));
        }
        finally
        {
            AravisNative.g_object_unref(buffer);
        }
        Assert.Equal(1, probe.Criticals);
        Assert.Contains(probe.Seen, m => m.Contains("arv_buffer_part_is_image"));
    }

    [RequiresTheory(FakeGvCameras.Program, "ip", "root", "ffprobe")]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(100)]
    public void Lossy_emulators_keep_every_frame_that_arrives(int lostPerThousand)
    {
        using var fakes = new FakeGvCameras(3, lostPacketsPerThousand: lostPerThousand);
        using var dir = new TempDirectory();
        using var probe = new GLibLogProbe();
        TakeManifest? manifest = null;
        string? takePath = null;
        fakes.Run(() =>
        {
            var backend = new AravisBackend();
            var cameras = fakes.Cameras.Select(c => (ICamera)backend.Open(c.Address)).ToList();
            foreach (var camera in cameras)
            {
                camera.Features.SetInteger("Width", Width);
                camera.Features.SetInteger("Height", Height);
                camera.Features.SetEnumeration("PixelFormat", "Mono8");
                camera.Features.SetInteger("GainRaw", 0); // with 10 ms exposure the emulator's ramp is unscaled
            }
            var schedule = SimulatedTakeTests.ScheduleSoon(RateHz, Seconds, leadSeconds: 1.0);
            using var session = CaptureSession.Start(cameras, new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), ExposureUs = 10_000 });
            manifest = SimulatedTakeTests.Run(session, timeoutSeconds: 60);
            takePath = session.TakePath;
        });

        _output.WriteLine($"-r {lostPerThousand} ({lostPerThousand / 10.0}% GVSP loss): {SimulatedTakeTests.Describe(manifest!)}");
        Assert.True(probe.Criticals == 0, $"{probe.Criticals} GLib CRITICAL(s): {string.Join(" | ", probe.Seen.Take(5))}");
        Assert.DoesNotContain("CRITICAL", fakes.Output()); // nor in the emulators' own output
        long slots = (long)(RateHz * Seconds);
        long incomplete = 0, kept = 0;
        foreach (var cam in manifest!.Cameras)
        {
            Assert.Equal(slots, cam.Counts.Expected);
            Assert.Equal(slots, cam.Counts.Accounted);
            Assert.Equal(0, cam.Counts.WriteFailed);
            Assert.Equal(0, cam.Counts.Dropped);
            var rows = FramesTableReader.Read(Path.Combine(takePath!, cam.FramesFile));
            Assert.Equal(slots, rows.Count);
            var withVideo = rows.Where(r => r.VideoFrame >= 0).ToList();
            Assert.Equal(cam.Counts.Captured + cam.Counts.Incomplete, withVideo.Count);
            Assert.Equal(Enumerable.Range(0, withVideo.Count).Select(i => (long)i), withVideo.Select(r => r.VideoFrame));
            string video = Path.Combine(takePath!, cam.VideoFile);
            Assert.Equal(withVideo.Count, Processes.FfprobeFrameCount(video));

            using var reader = new Y4mReader(video);
            var frame = new byte[reader.FrameBytes];
            Assert.Equal(FrameBytes, frame.Length);
            (long Index, int BlockId)? previous = null;
            foreach (var row in withVideo)
            {
                Assert.True(reader.ReadFrame(frame));
                // Each frame sits in its own slot, in order (a frame whose leader was lost is placed by its estimated
                // receive time): the emulator's block id, read from the ramp, grows by one per trigger it answered.
                if (BlockId(frame) is int blockId)
                {
                    if (previous is { } p)
                        Assert.True(((blockId - p.BlockId) % 255 + 255) % 255 is var step && step >= 1 && step <= row.FrameIndex - p.Index + 1,
                            $"{cam.Id}: frame {row.FrameIndex} has block id {blockId} % 255 after frame {p.Index} with {p.BlockId}: out of order");
                    previous = (row.FrameIndex, blockId);
                }
                if (row.Status == FrameStatus.Captured)
                {
                    Assert.Equal(FrameBytes, row.ReceivedBytes);
                    Assert.True(IsRamp(frame, allowZeros: false, out _, out _), $"{cam.Id} frame {row.FrameIndex} (Captured) is not the emulator's ramp");
                }
                else
                {
                    Assert.Equal(FrameStatus.Incomplete, row.Status);
                    Assert.InRange(row.ReceivedBytes, 0, FrameBytes);
                    // What arrived is the ramp at its place; the rest is zeros: the ramp's nonzero pixels all arrived, and
                    // the bytes matching the ramp include every byte that arrived.
                    Assert.True(IsRamp(frame, allowZeros: true, out long nonzeroMatches, out long matches), $"{cam.Id} frame {row.FrameIndex} (Incomplete) has bytes that are neither the ramp nor zero");
                    Assert.True(nonzeroMatches <= row.ReceivedBytes && matches >= row.ReceivedBytes,
                        $"{cam.Id} frame {row.FrameIndex}: {row.ReceivedBytes} bytes received, but {nonzeroMatches} nonzero ramp bytes and {matches} ramp bytes");
                }
            }
            incomplete += cam.Counts.Incomplete;
            kept += withVideo.Count;
            _output.WriteLine($"  {cam.Id}: {cam.Counts.Captured} Captured + {cam.Counts.Incomplete} Incomplete = {withVideo.Count} of {slots} frames kept " +
                $"({cam.Counts.TriggerMissed} TriggerMissed, {cam.Counts.TriggerLate} TriggerLate); incomplete frames received on average " +
                $"{(cam.Counts.Incomplete == 0 ? 0 : rows.Where(r => r.Status == FrameStatus.Incomplete).Average(r => r.ReceivedBytes) / FrameBytes * 100):0.0}% of their bytes");
        }
        _output.WriteLine($"-r {lostPerThousand}: {kept} of {3 * slots} frames kept, {incomplete} incomplete; faults: {string.Join(" | ", manifest.Faults.Select(f => $"[{f.Source}] {f.Camera}: {f.Message}"))}");
        // Every frame that arrives keeps its slot: the emulator may merge two triggers on a loaded machine, no more.
        Assert.True(kept >= 3 * slots * 8 / 10, $"only {kept} of {3 * slots} frames kept");
        if (lostPerThousand >= 20)
            Assert.True(incomplete > 0, "at 2% loss and more, frames with missing packets must show as Incomplete");
    }

    /// <summary>The emulator's block id % 255 read from the ramp, or null for a frame of zeros.</summary>
    private static int? BlockId(byte[] frame)
    {
        int first = Array.FindIndex(frame, b => b != 0);
        return first < 0 ? null : ((frame[first] - first % Width - first / Width) % 255 + 255 * 8) % 255;
    }

    /// <summary>
    /// Whether <paramref name="frame"/> is the emulator's Mono8 ramp (pixel (x, y) = (x + y + block id) % 255, unscaled),
    /// with zeros allowed where data is missing; the block id is read from the first nonzero pixel.
    /// </summary>
    private static bool IsRamp(byte[] frame, bool allowZeros, out long nonzeroMatches, out long matches)
    {
        nonzeroMatches = matches = 0;
        int first = Array.FindIndex(frame, b => b != 0);
        if (first < 0)
            return allowZeros;
        int p0 = ((frame[first] - first % Width - first / Width) % 255 + 255 * 8) % 255;
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                byte expected = (byte)((p0 + x + y) % 255);
                byte actual = frame[y * Width + x];
                if (actual == expected)
                {
                    matches++;
                    if (actual != 0)
                        nonzeroMatches++;
                }
                else if (!allowZeros || actual != 0)
                    return false;
            }
        }
        return true;
    }
}
