using System.Text.RegularExpressions;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>
/// A camera costs only itself: a simulated camera unplugged mid-take (fault injection) is lost after
/// <see cref="CameraLossRule.SlotsFor"/> slots, its later slots are CameraLost, the other cameras lose nothing, the take
/// ends on schedule with its counts written, and a camera plugged in again rejoins at a later index.
/// </summary>
[Collection("Takes")]
public sealed class LostCameraTests
{
    private readonly ITestOutputHelper _output;

    public LostCameraTests(ITestOutputHelper output) => _output = output;

    /// <summary>What one lost-camera take produced.</summary>
    internal sealed record LostTake(TakeManifest Manifest, TakeManifest OnDisk, string Path, long EndedAfterScheduleNs, List<FrameRecord>[] Rows);

    private LostTake RunTake(TempDirectory dir, int cameras, double hz, double seconds, int faultyCamera, Action<SimulatedCameraOptions> fault)
    {
        var backend = new SimulatedBackend(cameras, (k, o) => { if (k == faultyCamera) fault(o); });
        var opened = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
        var schedule = SimulatedTakeTests.ScheduleSoon(hz, seconds, leadSeconds: 2.0);
        using var session = CaptureSession.Start(opened,
            new CaptureOptions { TriggerMode = SyncTriggerMode.Software, Schedule = schedule, Path = dir.Combine("take"), Backends = new ICameraBackend[] { backend } });
        var manifest = SimulatedTakeTests.Run(session, timeoutSeconds: seconds + 30);
        long endedAfter = SharedTimeline.NowNs() - schedule.TimeOf(schedule.EndIndex);
        var rows = manifest.Cameras.Select(c => FramesTableReader.Read(System.IO.Path.Combine(session.TakePath, c.FramesFile)).ToList()).ToArray();
        foreach (var c in manifest.Cameras)
            _output.WriteLine($"{c.Id}: expected {c.Counts.Expected} captured {c.Counts.Captured} missed {c.Counts.TriggerMissed} late {c.Counts.TriggerLate} " +
                $"lost {c.Counts.CameraLost} dropped {c.Counts.Dropped} incomplete {c.Counts.Incomplete}");
        foreach (var f in manifest.Faults)
            _output.WriteLine($"fault [{f.Source}] {f.Camera}: {f.Message}");
        _output.WriteLine($"the take ended {endedAfter / 1e6:0} ms after its last slot was due; state {manifest.State}");
        return new LostTake(manifest, TakeFolder.ReadManifest(session.TakePath), session.TakePath, endedAfter, rows);
    }

    private static long FrameOf(TakeManifest m, string pattern)
    {
        var fault = m.Faults.FirstOrDefault(f => Regex.IsMatch(f.Message, pattern));
        Assert.True(fault is not null, $"no fault matching '{pattern}': " + SimulatedTakeTests.Describe(m));
        return long.Parse(Regex.Match(fault!.Message, pattern).Groups[1].Value);
    }

    /// <summary>
    /// The healthy cameras lose nothing to the faulty one: every slot is Captured except slots the host itself was late
    /// for. Those are TriggerLate on every healthy camera alike (the trigger thread woke late on a loaded machine), plus
    /// at most 2 per camera that only that camera has: software triggers go out one camera after another, and a thread
    /// preempted between two of them (wake-ups of 9 ms p99 on one CI run) reaches the later camera past the tolerance.
    /// All of them together are few. Returns the slots late on every healthy camera.
    /// </summary>
    private static HashSet<long> AssertOthersLostNothing(LostTake take, int faultyCamera, long expected)
    {
        var healthy = Enumerable.Range(0, take.Manifest.Cameras.Count).Where(k => k != faultyCamera).ToList();
        var lateOf = healthy.ToDictionary(k => k, k => take.Rows[k].Where(r => r.Status == FrameStatus.TriggerLate).Select(r => r.FrameIndex).ToHashSet());
        var hostLate = new HashSet<long>(lateOf[healthy[0]]);
        foreach (int k in healthy)
            hostLate.IntersectWith(lateOf[k]);
        foreach (int k in healthy)
        {
            var c = take.Manifest.Cameras[k].Counts;
            string what = $"camera {k}: " + SimulatedTakeTests.Describe(take.Manifest);
            Assert.True(c.Expected == expected && c.Accounted == expected, what);
            Assert.True(take.Rows[k].All(r => r.Status is FrameStatus.Captured or FrameStatus.TriggerLate), what);
            Assert.True(c.TriggerLate == lateOf[k].Count && c.Captured == expected - lateOf[k].Count, what);
            Assert.True(lateOf[k].Count - hostLate.Count <= 2, what);
        }
        Assert.True(lateOf.Values.SelectMany(l => l).Distinct().Count() <= expected / 20, "the host was late for too many slots: " + SimulatedTakeTests.Describe(take.Manifest));
        return hostLate;
    }

    /// <summary>The lost camera's rows: every slot accounted for; from the first CameraLost row to <paramref name="rejoin"/> nothing else.</summary>
    private static (long FirstLost, long LastLost) AssertLostRows(LostTake take, int lostCamera, long expected, long unpluggedAt, long rejoin, HashSet<long> hostLate)
    {
        var rows = take.Rows[lostCamera];
        var counts = take.Manifest.Cameras[lostCamera].Counts;
        Assert.Equal(expected, counts.Expected);
        Assert.Equal(expected, counts.Accounted);
        Assert.Equal(expected, rows.Count);
        Assert.Equal(Enumerable.Range(0, (int)expected).Select(i => (long)i), rows.Select(r => r.FrameIndex));
        // Every slot before the unplug has its frame (but for slots the host was late for).
        Assert.All(rows.Take((int)unpluggedAt), r => Assert.True(r.Status == FrameStatus.Captured || (r.Status == FrameStatus.TriggerLate && (hostLate.Contains(r.FrameIndex) || r.TriggerNs == 0)), $"{r}"));
        long firstLost = rows.First(r => r.Status == FrameStatus.CameraLost).FrameIndex;
        long lastLost = rows.Last(r => r.Status == FrameStatus.CameraLost).FrameIndex;
        // Lost within the rule's slots of the unplug (plus a few slots for the writer side and a loaded machine).
        int k = CameraLossRule.SlotsFor(take.Manifest.Schedule!.PeriodNs);
        Assert.InRange(firstLost, unpluggedAt + 1, unpluggedAt + k + 3);
        // Between the unplug and the loss the camera only missed or skipped slots: never a frame recorded Captured.
        Assert.All(rows.Where(r => r.FrameIndex >= unpluggedAt && r.FrameIndex < firstLost),
            r => Assert.Contains(r.Status, new[] { FrameStatus.TriggerMissed, FrameStatus.TriggerLate }));
        // After the loss, every slot is CameraLost until the rejoin.
        Assert.All(rows.Where(r => r.FrameIndex >= firstLost && r.FrameIndex < rejoin), r => Assert.Equal(FrameStatus.CameraLost, r.Status));
        Assert.Equal(counts.CameraLost, rows.Count(r => r.Status == FrameStatus.CameraLost));
        Assert.Equal(counts.Captured, rows.Count(r => r.Status == FrameStatus.Captured));
        return (firstLost, lastLost);
    }

    [Theory]
    [InlineData(0.0)]     // the unplugged camera's trigger fails at once (triggered from the trigger thread)
    [InlineData(2500.0)]  // it blocks for a GVCP-like 2.5 s timeout first (triggered from its own sender thread)
    public void UnpluggedCamera_IsLost_OthersLoseNothing_CountsAddUp_TakeEndsOnSchedule(double noAnswerMs)
    {
        using var dir = new TempDirectory();
        var take = RunTake(dir, 3, 50, 5, faultyCamera: 1, o => { o.UnplugAfterTriggers = 100; o.NoAnswerMs = noAnswerMs; });
        var m = take.Manifest;

        var hostLate = AssertOthersLostNothing(take, 1, 250);
        long unplugged = FrameOf(m, @"trigger (\d+) failed");
        Assert.InRange(unplugged, 100, 110); // the 101st trigger sent (a slot the host was late for is not sent)
        var (firstLost, lastLost) = AssertLostRows(take, 1, 250, unplugged, rejoin: long.MaxValue, hostLate);
        Assert.Equal(249, lastLost);
        long lostAt = FrameOf(m, @"stopped answering at frame (\d+)");
        Assert.Equal(firstLost - 1, lostAt);
        Assert.Single(m.Faults, f => f.Message.Contains("stopped answering"));
        Assert.DoesNotContain(m.Faults, f => f.Message.Contains("rejoins"));

        // Finalised on schedule, counts written on disk, and nothing of finalising waited on the lost camera.
        Assert.InRange(take.EndedAfterScheduleNs, 0, 1_000_000_000);
        Assert.Equal(TakeState.Completed, take.OnDisk.State);
        Assert.NotNull(take.OnDisk.EndedNs);
        Assert.NotNull(take.OnDisk.TriggerThread);
        Assert.Equal(250, take.OnDisk.EndFrameIndex);
        Assert.All(take.OnDisk.Cameras, c => Assert.Equal(250, c.Counts.Accounted));
        Assert.Equal(m.Cameras[1].Counts.CameraLost, take.OnDisk.Cameras[1].Counts.CameraLost);

        // The analysis counts CameraLost and finds the folder consistent.
        var report = PsCamSync.Core.Analysis.TakeAnalyzer.Analyze(take.Path);
        Assert.Equal(m.Cameras[1].Counts.CameraLost, report.Cameras[1].CameraLost);
        Assert.DoesNotContain(report.Faults, f => f.Contains("differ from") || f.Contains("have no row"));
    }

    [Fact]
    public void UnpluggedCamera_PluggedInAgain_RejoinsAtALaterIndex_WithCapturedFramesAfter()
    {
        using var dir = new TempDirectory();
        var take = RunTake(dir, 3, 50, 8, faultyCamera: 2, o => { o.UnplugAfterTriggers = 100; o.NoAnswerMs = 500; o.ReplugAfterSeconds = 1.0; });
        var m = take.Manifest;

        var hostLate = AssertOthersLostNothing(take, 2, 400);
        long rejoin = FrameOf(m, @"rejoins the schedule at frame (\d+)");
        long unplugged = FrameOf(m, @"trigger (\d+) failed");
        var (firstLost, lastLost) = AssertLostRows(take, 2, 400, unplugged, rejoin, hostLate);
        Assert.Equal(rejoin - 1, lastLost);
        Assert.True(rejoin > firstLost);
        var after = take.Rows[2].Where(r => r.FrameIndex >= rejoin).ToList();
        _output.WriteLine($"lost from frame {firstLost}, rejoined at {rejoin}: {after.Count(r => r.Status == FrameStatus.Captured)} of {after.Count} slots after it captured");
        Assert.NotEmpty(after);
        // Captured, but for slots the host was late for: the trigger thread (every camera alike) or, at most twice on a
        // loaded machine, this camera's sender thread (woken later than the tolerance: not sent, TriggerNs 0).
        var notCaptured = after.Where(r => r.Status != FrameStatus.Captured && !hostLate.Contains(r.FrameIndex)).ToList();
        foreach (var r in notCaptured) _output.WriteLine($"after the rejoin, not captured: {r}");
        Assert.All(notCaptured, r => Assert.True(r.Status == FrameStatus.TriggerLate && r.TriggerNs == 0, $"after the rejoin: {r}"));
        Assert.InRange(notCaptured.Count, 0, 2);
        Assert.InRange(take.EndedAfterScheduleNs, 0, 1_000_000_000);
        Assert.Equal(TakeState.Completed, take.OnDisk.State);

        // The video holds exactly the Captured frames, and they decode to their own slots.
        var cam = m.Cameras[2];
        using var reader = new Y4mReader(System.IO.Path.Combine(take.Path, cam.VideoFile));
        var frame = new byte[PixelFormats.FrameBytes(reader.Width, reader.Height, reader.PixelFormat)];
        var byVideo = take.Rows[2].Where(r => r.VideoFrame >= 0).ToDictionary(r => r.VideoFrame, r => r.FrameIndex);
        long v = 0;
        while (reader.ReadFrame(frame))
        {
            Assert.True(SimulatedPattern.TryDecode(frame, reader.Width, reader.PixelFormat, out int index, out long id));
            Assert.Equal(2, index);
            Assert.Equal(byVideo[v], id);
            v++;
        }
        Assert.Equal(cam.Counts.Captured, v);
    }

    [Fact]
    public void ATriggerThatReachesTheCameraLaterThanTheTolerance_IsNeverCaptured_AndTheOthersLoseNothing()
    {
        // sim-0's trigger for frame 50 blocks for 150 ms before it reaches the sensor (a retried write): its frame comes,
        // but the slot is TriggerLate without pixels; the slots while it blocks are not sent (TriggerLate); it is not lost.
        const long slow = 50;
        using var dir = new TempDirectory();
        var take = RunTake(dir, 3, 50, 3, faultyCamera: 0, o => { o.SlowTriggerFrameIndex = slow; o.SlowTriggerMs = 150; });
        var m = take.Manifest;
        var hostLate = AssertOthersLostNothing(take, 0, 150);

        var rows = take.Rows[0];
        long tolerance = m.LateToleranceNs;
        var slowRow = rows.Single(r => r.FrameIndex == slow);
        _output.WriteLine($"slot {slow}: {slowRow.Status}, trigger {(slowRow.TriggerNs - slowRow.ScheduledNs) / 1e6:0.000} ms after Tn, frame received {(slowRow.HostReceiveNs - slowRow.ScheduledNs) / 1e6:0.0} ms after Tn");
        Assert.Equal(FrameStatus.TriggerLate, slowRow.Status);
        Assert.Equal(-1, slowRow.VideoFrame);
        Assert.NotEqual(0, slowRow.DeviceTimestampNs); // the frame came, and its lateness is on the row
        Assert.True(slowRow.HostReceiveNs - slowRow.ScheduledNs > 150_000_000);
        // Not sent by sim-0's sender: the slots while its trigger blocked, and (at most twice on a loaded machine) a slot
        // its sender thread woke later than the tolerance for, anywhere in the take.
        var notSent = rows.Where(r => r.FrameIndex != slow && r.Status == FrameStatus.TriggerLate && !hostLate.Contains(r.FrameIndex)).ToList();
        var skipped = notSent.Where(r => r.FrameIndex > slow && r.FrameIndex <= slow + 12).ToList();
        Assert.InRange(skipped.Count, 5, 12); // 150 ms at 20 ms a slot, give or take scheduling
        Assert.InRange(notSent.Count - skipped.Count, 0, 2);
        Assert.All(notSent, r => Assert.Equal(0, r.TriggerNs));
        Assert.Equal(0, m.Cameras[0].Counts.CameraLost);
        // Every Captured row was triggered within the tolerance of its slot, and the video holds exactly those frames.
        Assert.All(rows.Where(r => r.Status == FrameStatus.Captured), r => Assert.InRange(r.TriggerNs - r.ScheduledNs, 0, tolerance));
        Assert.Equal(150 - 1 - notSent.Count - hostLate.Count, m.Cameras[0].Counts.Captured);
        Assert.Equal(m.Cameras[0].Counts.Captured, Processes.FfprobeFrameCountOrRead(System.IO.Path.Combine(take.Path, m.Cameras[0].VideoFile)));
        Assert.DoesNotContain(m.Faults, f => f.Message.Contains("matched no trigger slot"));
    }

    [Fact]
    public void ACameraThatAnswersAgainWithAnotherFrameSize_DoesNotRejoin_AndTheTakeSaysWhy()
    {
        // sim-1 comes back (after an unplug) reset to another frame size, as a camera that lost its settings would: its
        // frames cannot go into the take's video, so it stays lost rather than failing every later write.
        using var dir = new TempDirectory();
        var sinceStart = System.Diagnostics.Stopwatch.StartNew();
        var take = RunTake(dir, 2, 50, 5, faultyCamera: 1, o =>
        {
            o.UnplugAfterTriggers = 60; o.NoAnswerMs = 500; o.ReplugAfterSeconds = 0.5;
            // Opened within the 2 s lead; reopened after the unplug (slot 60: 2 s + 1.2 s in), at another size.
            if (sinceStart.Elapsed > TimeSpan.FromSeconds(2.5)) { o.Width = 320; o.Height = 240; }
        });
        var m = take.Manifest;
        Assert.Contains(m.Faults, f => f.Camera == "sim-1" && f.Message.Contains("answered again with 320x240 Mono8 frames, not the take's 640x480 Mono8; it does not rejoin"));
        Assert.DoesNotContain(m.Faults, f => f.Message.Contains("rejoins the schedule"));
        Assert.Equal(0, m.Cameras[1].Counts.WriteFailed);
        Assert.True(m.Cameras[1].Counts.CameraLost > 0, SimulatedTakeTests.Describe(m));
        Assert.Equal(m.Cameras[1].Counts.Expected, m.Cameras[1].Counts.Accounted);
        AssertOthersLostNothing(take, 1, 250);
    }

    [Fact]
    public void ACameraUnpluggedJustBeforeTheEnd_IsNotWaitedFor_AndTheCountsAreWritten()
    {
        // sim-1 stops answering after its 140th trigger, 10 slots before the end, its trigger then blocking for 3 s: too
        // few slots to be lost by the rule (25 at 50 Hz), so finalising finds its last trigger unacknowledged and must not
        // touch it (no AcquisitionStop, no Info, no clock latch: each would wait 3 s). The 10 slots leave room for a loaded
        // machine's TriggerLate slots, whose triggers are not sent and so push the unplug later (a run with 3 such slots
        // and the unplug 3 slots before the end never reached it).
        using var dir = new TempDirectory();
        const int unplugAfter = 140;
        var take = RunTake(dir, 3, 50, 3, faultyCamera: 1, o => { o.UnplugAfterTriggers = unplugAfter; o.NoAnswerMs = 3000; });
        var m = take.Manifest;
        Assert.True(CameraLossRule.SlotsFor(FrameSchedule.PeriodFromFrameRate(50)) > 150 - unplugAfter);
        AssertOthersLostNothing(take, 1, 150);
        Assert.InRange(take.EndedAfterScheduleNs, 0, 1_000_000_000);
        // The slots after the unplug have no frame: never Captured. The camera stops answering at its 141st trigger, sent
        // for slot 140 unless a stalled machine skipped earlier slots as TriggerLate (their triggers were not sent).
        var sent = take.Rows[1].Where(r => r.TriggerNs != 0).ToList();
        Assert.True(sent.Count > unplugAfter, $"only {sent.Count} triggers were sent to sim-1, so it never stopped answering: {SimulatedTakeTests.Describe(m)}");
        long unplugged = sent[unplugAfter].FrameIndex;
        Assert.All(take.Rows[1].Where(r => r.FrameIndex >= unplugged), r => Assert.Contains(r.Status, new[] { FrameStatus.TriggerMissed, FrameStatus.TriggerLate }));
        Assert.Equal(0, m.Cameras[1].Counts.CameraLost);
        Assert.Contains(m.Faults, f => f.Camera == "sim-1" && f.Message.Contains("its last trigger was still unacknowledged when the take ended"));
        Assert.Equal(TakeState.Completed, take.OnDisk.State);
        Assert.NotNull(take.OnDisk.EndedNs);
        Assert.NotNull(take.OnDisk.TriggerThread);
        Assert.All(take.OnDisk.Cameras, c => Assert.Equal(150, c.Counts.Accounted));
    }

    [Fact]
    public void LossRule_IsAtLeastThreeSlots_OrHalfASecond()
    {
        Assert.Equal(5, CameraLossRule.SlotsFor(100_000_000));   // 10 Hz
        Assert.Equal(30, CameraLossRule.SlotsFor(FrameSchedule.PeriodFromFrameRate(60)));
        Assert.Equal(3, CameraLossRule.SlotsFor(1_000_000_000)); // 1 Hz
        Assert.Throws<ArgumentOutOfRangeException>(() => CameraLossRule.SlotsFor(0));
    }
}
