using System.Text.RegularExpressions;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Aravis;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Capture;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>
/// A camera costs only itself, on three GigE Vision emulators of their own: one is killed mid-take (its triggers are
/// acknowledged GVCP writes that now wait for Aravis' timeout). The other two lose nothing, the take ends on schedule
/// with its counts in take.json, and an emulator started again with the same serial on the same address rejoins.
/// </summary>
[Collection(AravisEmulatorCollection.Name)]
public sealed class AravisLostCameraTests
{
    private readonly ITestOutputHelper _output;

    public AravisLostCameraTests(ITestOutputHelper output) => _output = output;

    private sealed record Outcome(TakeManifest Manifest, TakeManifest OnDisk, string Path, FrameSchedule Schedule, long StartCalledNs, long DoneNs, List<FrameRecord>[] Rows);

    /// <summary>Runs a 10 Hz take on the three emulators, kills emulator 1 at <paramref name="killAtSeconds"/> after T0 and,
    /// when asked, starts it again at <paramref name="restartAtSeconds"/>.</summary>
    private Outcome Run(FakeGvCameras fakes, TempDirectory dir, double seconds, double killAtSeconds, double? restartAtSeconds)
    {
        CaptureSession? session = null;
        TakeManifest? manifest = null;
        FrameSchedule? schedule = null;
        long startCalled = 0, done = 0;
        Exception? failure = null;
        using var started = new ManualResetEventSlim();
        // The take runs inside the emulators' namespace (its threads, the recovery thread included, are born there);
        // killing and restarting happen out here.
        var body = new Thread(() =>
        {
            try
            {
                fakes.Run(() =>
                {
                    var backend = new AravisBackend();
                    var cameras = fakes.Cameras.Select(c => (ICamera)backend.Open(c.Address)).ToList();
                    schedule = SimulatedTakeTests.ScheduleSoon(10, seconds, leadSeconds: 1.5);
                    startCalled = SharedTimeline.NowNs();
                    session = CaptureSession.Start(cameras, new CaptureOptions
                    {
                        Schedule = schedule, Path = dir.Combine("take"), Backends = new ICameraBackend[] { backend },
                    });
                    started.Set();
                    manifest = SimulatedTakeTests.Run(session, timeoutSeconds: seconds + 60);
                    done = SharedTimeline.NowNs();
                });
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                started.Set();
            }
        }) { Name = "take in namespace" };
        body.Start();
        try
        {
            Assert.True(started.Wait(TimeSpan.FromSeconds(60)), "the take did not start");
            if (session is null)
                throw new InvalidOperationException("the take failed to start", failure);
            SleepUntil(schedule!.StartNs + (long)(killAtSeconds * 1e9));
            fakes.Kill(1);
            _output.WriteLine($"killed {fakes.Cameras[1].Id} at {(SharedTimeline.NowNs() - schedule.StartNs) / 1e9:0.00} s");
            if (restartAtSeconds is double restart)
            {
                SleepUntil(schedule.StartNs + (long)(restart * 1e9));
                fakes.Restart(1);
                _output.WriteLine($"restarted {fakes.Cameras[1].Id} at {(SharedTimeline.NowNs() - schedule.StartNs) / 1e9:0.00} s");
            }
        }
        finally
        {
            body.Join();
            session?.Dispose();
        }
        if (failure is not null)
            throw new InvalidOperationException("the take failed", failure);

        var m = manifest!;
        var rows = m.Cameras.Select(c => FramesTableReader.Read(Path.Combine(session!.TakePath, c.FramesFile)).ToList()).ToArray();
        foreach (var c in m.Cameras)
            _output.WriteLine($"{c.Id}: expected {c.Counts.Expected} captured {c.Counts.Captured} missed {c.Counts.TriggerMissed} late {c.Counts.TriggerLate} " +
                $"lost {c.Counts.CameraLost} dropped {c.Counts.Dropped} incomplete {c.Counts.Incomplete}");
        foreach (var f in m.Faults)
            _output.WriteLine($"fault [{f.Source}] {f.Camera}: {f.Message}");
        for (int k = 0; k < rows.Length; k++)
            _output.WriteLine($"{m.Cameras[k].Id} slots not Captured: " + string.Join(", ", rows[k].Where(r => r.Status is not (FrameStatus.Captured or FrameStatus.CameraLost))
                .Select(r => $"{r.FrameIndex} {r.Status} (trigger {(r.TriggerNs == 0 ? "not sent" : $"+{(r.TriggerNs - r.ScheduledNs) / 1e6:0.0} ms")})")));
        long scheduledEnd = schedule!.TimeOf(schedule.EndIndex);
        _output.WriteLine($"wall time {(done - startCalled) / 1e9:0.00} s from Start for {(scheduledEnd - startCalled) / 1e9:0.00} s scheduled " +
            $"({seconds} s of slots after a {(schedule.StartNs - startCalled) / 1e9:0.00} s lead); finalised {(done - scheduledEnd) / 1e6:0} ms after the last slot; state {m.State}");
        return new Outcome(m, TakeFolder.ReadManifest(session!.TakePath), session.TakePath, schedule, startCalled, done, rows);
    }

    private static void SleepUntil(long ns)
    {
        long wait = ns - SharedTimeline.NowNs();
        if (wait > 0)
            Thread.Sleep(TimeSpan.FromTicks(wait / TimeSpan.NanosecondsPerTick));
    }

    private static void AssertHealthyLostNothing(Outcome o)
    {
        foreach (int k in new[] { 0, 2 })
        {
            var c = o.Manifest.Cameras[k].Counts;
            // Nothing missed, dropped or lost because of the dead camera; a slot this host was late for (a loaded machine)
            // is the only thing allowed besides Captured.
            Assert.True(c.Expected == 100 && c.Accounted == 100, SimulatedTakeTests.Describe(o.Manifest));
            // The emulator polls its trigger register on a 40 ms clock and may merge or miss a trigger on a loaded machine
            // (the three-emulator take without faults allows 95 of 100); a dead neighbour must cost nothing beyond that.
            Assert.True(c.Dropped == 0 && c.CameraLost == 0 && c.Incomplete == 0, SimulatedTakeTests.Describe(o.Manifest));
            Assert.True(c.Captured >= 97, SimulatedTakeTests.Describe(o.Manifest));
            Assert.All(o.Rows[k].Where(r => r.Status == FrameStatus.Captured), r => Assert.InRange(r.TriggerNs - r.ScheduledNs, 0, o.Manifest.LateToleranceNs));
        }
    }

    private static void AssertWrittenOnSchedule(Outcome o)
    {
        // take.json on disk is final and has its counts, however finalising went for the dead camera.
        Assert.Equal(TakeState.Completed, o.OnDisk.State);
        Assert.NotNull(o.OnDisk.EndedNs);
        Assert.NotNull(o.OnDisk.TriggerThread);
        Assert.Equal(100, o.OnDisk.EndFrameIndex);
        Assert.All(o.OnDisk.Cameras, c => Assert.Equal(100, c.Counts.Expected));
        Assert.All(o.OnDisk.Cameras, c => Assert.Equal(100, c.Counts.Accounted));
        // The take takes its scheduled time plus at most one second.
        long scheduledEnd = o.Schedule.TimeOf(o.Schedule.EndIndex);
        Assert.InRange(o.DoneNs - scheduledEnd, 0, 1_000_000_000);
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void AnEmulatorKilledMidTake_CostsOnlyItself_AndTheTakeEndsOnScheduleWithItsCounts()
    {
        using var fakes = new FakeGvCameras(3);
        using var dir = new TempDirectory();
        var o = Run(fakes, dir, seconds: 10, killAtSeconds: 3, restartAtSeconds: null);

        AssertHealthyLostNothing(o);
        AssertWrittenOnSchedule(o);
        var lost = o.Manifest.Cameras[1].Counts;
        Assert.Equal(100, lost.Accounted);
        Assert.InRange(lost.Captured, 25, 32); // the frames of the first 3 s
        Assert.InRange(lost.CameraLost, 55, 70);
        var rows = o.Rows[1];
        long firstLost = rows.First(r => r.Status == FrameStatus.CameraLost).FrameIndex;
        Assert.All(rows.Where(r => r.FrameIndex >= firstLost), r => Assert.Equal(FrameStatus.CameraLost, r.Status));
        // No frame triggered later than the tolerance is recorded Captured.
        Assert.All(rows.Where(r => r.Status == FrameStatus.Captured), r => Assert.InRange(r.TriggerNs - r.ScheduledNs, 0, o.Manifest.LateToleranceNs));
        Assert.Single(o.Manifest.Faults, f => f.Source == TakeFaultSource.Camera && f.Message.Contains("stopped answering at frame"));
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void AnEmulatorStartedAgain_WithTheSameSerial_Rejoins()
    {
        using var fakes = new FakeGvCameras(3);
        using var dir = new TempDirectory();
        var o = Run(fakes, dir, seconds: 20, killAtSeconds: 3, restartAtSeconds: 6);

        var rejoined = o.Manifest.Faults.FirstOrDefault(f => f.Message.Contains("rejoins the schedule at frame"));
        Assert.True(rejoined is not null, SimulatedTakeTests.Describe(o.Manifest));
        long rejoin = long.Parse(Regex.Match(rejoined!.Message, @"at frame (\d+)").Groups[1].Value);
        var rows = o.Rows[1];
        Assert.Equal(200, rows.Count);
        long firstLost = rows.First(r => r.Status == FrameStatus.CameraLost).FrameIndex;
        Assert.True(rejoin > firstLost);
        Assert.All(rows.Where(r => r.FrameIndex >= firstLost && r.FrameIndex < rejoin), r => Assert.Equal(FrameStatus.CameraLost, r.Status));
        var after = rows.Where(r => r.FrameIndex >= rejoin).ToList();
        int captured = after.Count(r => r.Status == FrameStatus.Captured);
        _output.WriteLine($"lost from frame {firstLost}, rejoined at frame {rejoin} ({(o.Schedule.TimeOf(rejoin) - o.Schedule.StartNs) / 1e9:0.0} s): {captured} of {after.Count} slots after it captured");
        Assert.NotEmpty(after);
        Assert.True(captured >= after.Count * 9 / 10, $"{captured} of {after.Count} captured after the rejoin");
        Assert.All(after.Where(r => r.Status != FrameStatus.Captured), r => Assert.NotEqual(FrameStatus.CameraLost, r.Status));
        foreach (int k in new[] { 0, 2 })
        {
            var c = o.Manifest.Cameras[k].Counts;
            Assert.True(c.CameraLost == 0 && c.Captured >= 194, SimulatedTakeTests.Describe(o.Manifest));
        }
        Assert.Equal(TakeState.Completed, o.OnDisk.State);
        Assert.All(o.OnDisk.Cameras, c => Assert.Equal(200, c.Counts.Accounted));
        Assert.InRange(o.DoneNs - o.Schedule.TimeOf(o.Schedule.EndIndex), 0, 1_000_000_000);
    }
}
