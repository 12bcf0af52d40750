using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Aravis;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>
/// Software-triggered streams from Aravis GigE Vision emulators, and what the emulator does with triggers
/// (arvgvfakecamera.c, arvfakecamera.c in Aravis 0.8.26):
/// <list type="bullet">
/// <item>While streaming it looks at its trigger register only on 40 ms boundaries of CLOCK_REALTIME (its fixed
/// 25 Hz trigger clock); all triggers that arrived since the last look give one frame. So triggers go out at
/// 12.5 Hz (80 ms), 20 ms after such a boundary: each has a window of its own, with ±20 ms of slack.</item>
/// <item>After AcquisitionStart, until it has sent its first frame, it looks only every 100 ms; so each stream
/// starts with one warm-up trigger whose frame is awaited and then forgotten.</item>
/// <item>It stamps a frame with CLOCK_REALTIME in whole µs (<c>g_get_real_time() * 1000</c>) when it fills it,
/// right after its look.</item>
/// </list>
/// On a loaded machine the emulator process can wake late by more than a window; two triggers then share one
/// frame. That is the emulator's behaviour, not a drop: the tests check that every trigger is answered by a
/// frame stamped after it, every frame follows a trigger, and that at least 80 % of the triggers got a frame of
/// their own.
/// </summary>
[Collection(AravisEmulatorCollection.Name)]
public sealed class AravisStreamTests
{
    private const long PeriodNs = 80_000_000;
    private const long EmulatorWindowNs = 40_000_000;
    private const long AnswerLimitNs = 500_000_000;
    private const int Triggers = 25; // 2 s at 12.5 Hz
    private readonly SharedFakeGvCameras _shared;
    private readonly ITestOutputHelper _output;

    public AravisStreamTests(SharedFakeGvCameras shared, ITestOutputHelper output)
    {
        _shared = shared;
        _output = output;
    }

    private static AravisCamera OpenTriggered(FakeGvCamera fake)
    {
        var camera = (AravisCamera)new AravisBackend().Open(fake.Address);
        camera.Features.SetInteger("Width", 512);
        camera.Features.SetInteger("Height", 512);
        camera.Features.SetEnumeration("PixelFormat", "Mono8");
        camera.Features.SetInteger("GainRaw", 0);
        // 10 ms: the emulator scales its ramp by 1 + gain + log10(exposure / 10 ms), so this gives the plain ramp.
        camera.ConfigureSoftwareTrigger(10_000);
        return camera;
    }

    /// <summary>One trigger per camera, wait for its frame (the emulator leaves its start-up polling), forget it.</summary>
    private static void WarmUp(IReadOnlyList<ICamera> cameras, IReadOnlyList<RecordingTarget> targets)
    {
        foreach (var camera in cameras)
            camera.Trigger(-1);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (targets.Any(t => t.Arrived == 0) && waited.ElapsedMilliseconds < 2000)
            Thread.Sleep(5);
        Assert.All(targets, t => Assert.Equal(1, t.Arrived));
        Thread.Sleep(50);
        foreach (var t in targets)
            t.Clear();
    }

    /// <summary>Sends <paramref name="count"/> triggers to every camera, 80 ms apart, 20 ms into a 40 ms window.</summary>
    /// <returns>Send times per camera and trigger (shared timeline, ns) and how late each round was.</returns>
    private static (long[][] SentNs, long[] LatenessNs) TriggerAll(IReadOnlyList<ICamera> cameras, int count)
    {
        var sent = cameras.Select(_ => new long[count]).ToArray();
        var lateness = new long[count];
        var start = (SharedTimeline.NowNs() / EmulatorWindowNs + 2) * EmulatorWindowNs + EmulatorWindowNs / 2;
        for (var n = 0; n < count; n++)
        {
            var deadline = start + n * PeriodNs;
            long t;
            while ((t = SharedTimeline.NowNs()) < deadline)
            {
                var left = deadline - t;
                if (left > 2_000_000)
                    Thread.Sleep(TimeSpan.FromTicks((left - 1_000_000) / 100));
                else
                    Thread.SpinWait(50);
            }
            lateness[n] = t - deadline;
            for (var c = 0; c < cameras.Count; c++)
            {
                sent[c][n] = SharedTimeline.NowNs();
                cameras[c].Trigger(n);
            }
        }
        return (sent, lateness);
    }

    /// <summary>Index of the first frame stamped at or after <paramref name="sentNs"/>, or -1.</summary>
    private static int Answer(IReadOnlyList<long> stampsNs, long sentNs)
    {
        for (var i = 0; i < stampsNs.Count; i++)
            if (stampsNs[i] >= sentNs)
                return i;
        return -1;
    }

    /// <summary>
    /// Frames stamped strictly after the previous frame and at or after a trigger sent since; every trigger answered
    /// within <see cref="AnswerLimitNs"/>; at least 80 % of the triggers with a frame of their own.
    /// </summary>
    private static void AssertCausal(IReadOnlyList<long> stampsNs, long[] sentNs, string name)
    {
        Assert.InRange(stampsNs.Count, Math.Max(1, (int)(sentNs.Length * 0.8)), sentNs.Length);
        for (var i = 0; i < stampsNs.Count; i++)
        {
            var previous = i == 0 ? long.MinValue : stampsNs[i - 1];
            Assert.True(sentNs.Any(s => s > previous && s <= stampsNs[i]), $"{name} frame {i} follows no trigger");
        }
        for (var j = 0; j < sentNs.Length; j++)
        {
            var answer = Answer(stampsNs, sentNs[j]);
            Assert.True(answer >= 0, $"{name} trigger {j} got no frame");
            Assert.InRange(stampsNs[answer] - sentNs[j], 0, AnswerLimitNs);
        }
    }

    /// <summary>The checks every delivered stream must pass.</summary>
    private static void AssertStream(RecordingTarget target, long[] sentNs, string name)
    {
        Assert.Empty(target.Faults);
        Assert.Empty(target.Dropped);
        for (var i = 0; i < target.Frames.Count; i++)
        {
            var f = target.Frames[i];
            Assert.Equal(-1, f.FrameIndex);
            Assert.False(f.Incomplete, $"{name} frame {i} incomplete");
            Assert.Equal((512, 512, PixelFormat.Mono8, 512 * 512), (f.Width, f.Height, f.PixelFormat, f.Length));
            // The emulator's Mono8 pattern: row 0 is (x + GVSP block id) % 255.
            Assert.True(f.RowZeroIsRamp, $"{name} frame {i}: row 0 is not the emulator's ramp");
            Assert.Equal((int)(((f.DeviceFrameId - 1) % 65535 + 1) % 255), f.Pixel0);
            Assert.Equal(0, f.DeviceTimestampNs % 1000);
            Assert.True(f.HostReceiveNs >= f.DeviceTimestampNs, $"{name} frame {i} received before it was stamped");
            Assert.InRange(f.DeliveredNs - f.HostReceiveNs, 0, 1_000_000_000);
            if (i > 0)
                Assert.Equal(target.Frames[i - 1].DeviceFrameId + 1, f.DeviceFrameId);
        }
        AssertCausal(target.Frames.Select(f => f.DeviceTimestampNs).ToList(), sentNs, name);
    }

    private static string Stats(IEnumerable<long> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0)
            return "n/a";
        static string Ms(long ns) => (ns / 1e6).ToString("F3");
        return $"min {Ms(v[0])} ms, median {Ms(v[v.Length / 2])} ms, max {Ms(v[^1])} ms (n={v.Length})";
    }

    private void Report(string name, RecordingTarget target, long[] sentNs)
    {
        var frames = target.Frames;
        var stamps = frames.Select(f => f.DeviceTimestampNs).ToList();
        var answers = sentNs.Select(s => Answer(stamps, s)).Where(a => a >= 0).ToArray();
        var answered = sentNs.Where(s => Answer(stamps, s) >= 0).ToArray();
        _output.WriteLine($"{name}: {frames.Count} frames for {sentNs.Length} triggers ({(double)frames.Count / sentNs.Length:F2} per trigger)");
        _output.WriteLine($"  trigger sent -> device timestamp: {Stats(answers.Select((a, k) => frames[a].DeviceTimestampNs - answered[k]))}");
        _output.WriteLine($"  trigger sent -> host receive (first packet): {Stats(answers.Select((a, k) => frames[a].HostReceiveNs - answered[k]))}");
        _output.WriteLine($"  trigger sent -> delivered to target: {Stats(answers.Select((a, k) => frames[a].DeliveredNs - answered[k]))}");
        _output.WriteLine($"  device timestamp -> host receive: {Stats(frames.Select(f => f.HostReceiveNs - f.DeviceTimestampNs))}");
        _output.WriteLine($"  host receive -> delivered: {Stats(frames.Select(f => f.DeliveredNs - f.HostReceiveNs))}");
        _output.WriteLine($"  device timestamp phase in its 40 ms window: {Stats(frames.Select(f => f.DeviceTimestampNs % EmulatorWindowNs))}");
        _output.WriteLine($"  device timestamps in whole µs: {frames.All(f => f.DeviceTimestampNs % 1000 == 0)}; " +
            $"frame ids {frames.FirstOrDefault().DeviceFrameId}..{frames.LastOrDefault().DeviceFrameId}");
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void One_camera_gives_one_frame_per_software_trigger_at_12_5_Hz()
    {
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            using var camera = OpenTriggered(fakes.Cameras[0]);
            var target = new RecordingTarget(camera.FrameBytes);
            camera.StartAcquisition(target);
            WarmUp(new[] { camera }, new[] { target });
            var (sent, lateness) = TriggerAll(new[] { camera }, Triggers);
            Thread.Sleep(200);
            camera.StopAcquisition();

            _output.WriteLine($"trigger lateness: {Stats(lateness)}");
            Report(camera.Id, target, sent[0]);
            AssertStream(target, sent[0], camera.Id);
            Assert.Equal(Triggers - 1, camera.LastTriggerIndex);
            Assert.Equal(target.Frames.Count + 1, camera.StreamCounters.Delivered); // + the warm-up frame
            // Those frames came from the direct register write, not the GenICam node (arv-fake-camera.xml: TriggerSoftware
            // writes 1 to TriggerSoftwareCommandRegister at 0x30c).
            Assert.True(camera.TriggersByRegister, camera.TriggerPath);
            Assert.Equal("register 0x30C = 1 (TriggerSoftwareCommandRegister)", camera.TriggerPath);
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void Three_cameras_stream_at_once_each_frame_per_trigger()
    {
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            var cameras = fakes.Cameras.Select(OpenTriggered).ToList();
            try
            {
                var targets = cameras.Select(c => new RecordingTarget(c.FrameBytes)).ToList();
                for (var c = 0; c < cameras.Count; c++)
                    cameras[c].StartAcquisition(targets[c]);
                WarmUp(cameras, targets);
                var (sent, lateness) = TriggerAll(cameras, Triggers);
                Thread.Sleep(200);
                foreach (var camera in cameras)
                    camera.StopAcquisition();

                _output.WriteLine($"trigger lateness: {Stats(lateness)}");
                for (var c = 0; c < cameras.Count; c++)
                    Report(cameras[c].Id, targets[c], sent[c]);
                for (var c = 0; c < cameras.Count; c++)
                    AssertStream(targets[c], sent[c], cameras[c].Id);

                // All emulators stamp with this host's CLOCK_REALTIME: the frames answering one trigger agree.
                var spread = Enumerable.Range(0, Triggers).Select(j =>
                {
                    var answers = targets.Select((t, c) => t.Frames[Answer(t.Frames.Select(f => f.DeviceTimestampNs).ToList(), sent[c][j])].DeviceTimestampNs).ToList();
                    return answers.Max() - answers.Min();
                }).ToList();
                _output.WriteLine($"device timestamp spread across the 3 cameras per trigger: {Stats(spread)}");
                Assert.All(spread, s => Assert.InRange(s, 0, AnswerLimitNs));
            }
            finally
            {
                foreach (var camera in cameras)
                    camera.Dispose();
            }
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void Frames_are_reported_dropped_when_the_target_has_no_free_buffer()
    {
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            using var camera = OpenTriggered(fakes.Cameras[1]);
            var target = new RecordingTarget(camera.FrameBytes, rentNothing: true);
            camera.StartAcquisition(target);
            WarmUp(new[] { camera }, new[] { target });
            var (sent, _) = TriggerAll(new[] { camera }, 10);
            Thread.Sleep(200);
            camera.StopAcquisition();

            Assert.Empty(target.Frames);
            Assert.Empty(target.Faults);
            Assert.Equal(target.Dropped.Count + 1, camera.StreamCounters.Dropped); // + the warm-up frame
            Assert.All(target.Dropped, d => Assert.Equal(-1, d.FrameIndex));
            Assert.All(target.Dropped, d => Assert.True(d.HostReceiveNs >= d.DeviceTimestampNs));
            AssertCausal(target.Dropped.Select(d => d.DeviceTimestampNs).ToList(), sent[0], camera.Id);
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void Trigger_and_the_receive_loop_allocate_nothing_per_frame()
    {
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            using var camera = OpenTriggered(fakes.Cameras[1]);
            var probe = new AllocationProbeTarget(camera.FrameBytes);
            camera.StartAcquisition(probe);
            foreach (var _ in Enumerable.Range(0, 2))
                camera.Trigger(-1); // warm-up: the first frames run first-call paths (P/Invoke binding, statics)
            Thread.Sleep(300);
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var n = 0; n < 12; n++)
            {
                camera.Trigger(n);
                Thread.Sleep(80);
            }
            var triggerBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Thread.Sleep(200);
            camera.StopAcquisition();

            _output.WriteLine($"bytes allocated by 12 Trigger calls: {triggerBytes}");
            Assert.Equal(0, triggerBytes);
            Assert.Equal(0, probe.Faults);
            Assert.InRange(probe.Count, 8, 14);
            var perFrame = Enumerable.Range(3, probe.Count - 3).Select(probe.AllocatedBefore).ToList();
            _output.WriteLine($"bytes allocated by the receive thread per frame (deliver and drop alternating): {string.Join(", ", perFrame)}");
            Assert.All(perFrame, bytes => Assert.Equal(0, bytes));
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void A_stream_stops_restarts_and_stops_again()
    {
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            using var camera = OpenTriggered(fakes.Cameras[2]);
            var first = new RecordingTarget(camera.FrameBytes);
            camera.StartAcquisition(first);
            Assert.Throws<CameraException>(() => camera.StartAcquisition(first));
            WarmUp(new[] { camera }, new[] { first });
            var (sentFirst, _) = TriggerAll(new[] { camera }, 3);
            Thread.Sleep(200);
            camera.StopAcquisition();
            camera.StopAcquisition();
            var afterStop = first.Frames.Count;

            var second = new RecordingTarget(camera.FrameBytes);
            camera.StartAcquisition(second);
            WarmUp(new[] { camera }, new[] { second });
            var (sentSecond, _) = TriggerAll(new[] { camera }, 3);
            Thread.Sleep(200);
            camera.StopAcquisition();

            Assert.Equal(afterStop, first.Frames.Count); // nothing reached the first target after its stop
            AssertStream(first, sentFirst[0], "first stream");
            AssertStream(second, sentSecond[0], "second stream");
        });
    }
}
