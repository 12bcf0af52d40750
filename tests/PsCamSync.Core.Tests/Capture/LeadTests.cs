using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>
/// A lead too short for the take's setup: estimated before the take (CaptureSession.CheckLead), and recorded after it
/// as TriggerLate slots plus one Trigger fault naming them; late wake-ups are summarised as a fault too.
/// </summary>
[Collection("Takes")] // takes run one at a time: they share two cores
public class LeadTests
{
    private const string DueBeforeReady = "due before the trigger thread was ready";
    private const string WokeLate = "because the trigger thread woke more than the late tolerance";

    private static CaptureOptions Options(FrameSchedule schedule, string path, long? bufferBytes = null) =>
        new() { Schedule = schedule, Path = path, BufferMemoryBytes = bufferBytes };

    [Fact]
    public void ALeadShorterThanTheSetup_EndsWithLateSlots_AndOneTriggerFaultNamingThem()
    {
        using var dir = new TempDirectory();
        var cameras = SimulatedTakeTests.OpenSimulated(2);
        // A 10 ms lead against a setup that latches each clock 10 times 2 ms apart and allocates 256 MiB of rings that
        // mlockall locks page by page: the first slots are due before the trigger thread is ready, every time.
        var schedule = SimulatedTakeTests.ScheduleSoon(100, 0.5, leadSeconds: 0.01);
        using var session = CaptureSession.Start(cameras, Options(schedule, dir.Combine("take"), 256L << 20));
        var manifest = SimulatedTakeTests.Run(session);

        long first = manifest.FirstFrameIndex, slots = manifest.EndFrameIndex - first;
        long late = manifest.Cameras[0].Counts.TriggerLate;
        Assert.True(late > 0, SimulatedTakeTests.Describe(manifest));
        Assert.All(manifest.Cameras, c => Assert.Equal(late, c.Counts.TriggerLate));
        Assert.True(manifest.TriggerThread!.ReadyNs > schedule.TimeOf(first), "the trigger thread was ready before the first slot");
        // The wake-up statistics are the timer's: the slots due before the thread was ready are not in them.
        Assert.True(manifest.TriggerThread.WakeErrorMaxUs * 1000 < manifest.TriggerThread.ReadyNs - schedule.TimeOf(first),
            $"wake-up max {manifest.TriggerThread.WakeErrorMaxUs} µs counts the {(manifest.TriggerThread.ReadyNs - schedule.TimeOf(first)) / 1000} µs the setup overran");

        var setupFaults = manifest.Faults.Where(f => f.Message.Contains(DueBeforeReady)).ToList();
        var fault = Assert.Single(setupFaults);
        Assert.Equal(TakeFaultSource.Trigger, fault.Source);
        Assert.Null(fault.Camera);
        Assert.Equal(manifest.TriggerThread.ReadyNs, fault.TimeNs);
        // The slots due before the trigger thread was ready are a run from the first slot.
        long dueBeforeReady = Enumerable.Range(0, (int)slots).Count(i => schedule.TimeOf(first + i) < manifest.TriggerThread.ReadyNs - manifest.LateToleranceNs);
        long named = long.Parse(System.Text.RegularExpressions.Regex.Match(fault.Message, @"\((\d+) of").Groups[1].Value);
        Assert.InRange(named, Math.Max(1, dueBeforeReady), late); // the rest of the late slots, if any, are late wake-ups
        Assert.StartsWith(named == 1 ? $"frame {first} (1 of {slots}) was due" : $"frames {first}-{first + named - 1} ({named} of {slots}) were due", fault.Message);
        Assert.Matches(@"setup took \d+ ms, lead was \d+ ms", fault.Message);
        Assert.Contains("raise -Lead", fault.Message);

        // Each late slot is in the frames table as TriggerLate, from the first slot on.
        var rows = FramesTableReader.Read(Path.Combine(session.TakePath, manifest.Cameras[0].FramesFile));
        Assert.All(rows.Take((int)named), r => Assert.Equal(FrameStatus.TriggerLate, r.Status));
        Assert.Equal(first, rows[0].FrameIndex);

        // Late slots are reported, but they do not make the take Faulted: every slot is accounted for.
        Assert.Equal(TakeState.Completed, manifest.State);
        Assert.All(manifest.Cameras, c => Assert.Equal(c.Counts.Expected, c.Counts.Accounted));
        Assert.Equal(manifest.Faults.Count, TakeFolder.ReadManifest(session.TakePath).Faults.Count);
    }

    [Fact]
    public void ANormalTake_HasNoLateSlotFault()
    {
        using var dir = new TempDirectory();
        var cameras = SimulatedTakeTests.OpenSimulated(1);
        var schedule = SimulatedTakeTests.ScheduleSoon(50, 0.5, leadSeconds: 1.0);
        Assert.False(CaptureSession.CheckLead(cameras, Options(schedule, dir.Combine("take")), SharedTimeline.NowNs()).IsTooShort);
        using var session = CaptureSession.Start(cameras, Options(schedule, dir.Combine("take")));
        var manifest = SimulatedTakeTests.Run(session);

        Assert.DoesNotContain(manifest.Faults, f => f.Message.Contains(DueBeforeReady));
        Assert.True(manifest.TriggerThread!.ReadyNs > manifest.StartedNs && manifest.TriggerThread.ReadyNs < schedule.StartNs, SimulatedTakeTests.Describe(manifest));
        // A late wake-up on a loaded machine is possible; it is then summarised, never left to the counts alone.
        long late = manifest.Cameras[0].Counts.TriggerLate;
        Assert.Equal(late > 0, manifest.Faults.Any(f => f.Source == TakeFaultSource.Trigger && f.Message.Contains(WokeLate)));
        if (late == 0)
            Assert.Equal(TakeState.Completed, manifest.State);
    }

    [Fact]
    public void LateWakeUps_AreSummarisedAsOneTriggerFault_WithTheirFrames()
    {
        using var dir = new TempDirectory();
        var cameras = SimulatedTakeTests.OpenSimulated(1);
        var schedule = SimulatedTakeTests.ScheduleSoon(50, 0.5, leadSeconds: 1.0);
        // A 1 ns tolerance: (nearly) every wake-up is later than that, so (nearly) every slot is skipped as late.
        using var session = CaptureSession.Start(cameras, new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), LateToleranceNs = 1 });
        var manifest = SimulatedTakeTests.Run(session);

        long late = manifest.Cameras[0].Counts.TriggerLate;
        Assert.True(late > 0, SimulatedTakeTests.Describe(manifest));
        var fault = Assert.Single(manifest.Faults, f => f.Message.Contains(WokeLate));
        Assert.Equal(TakeFaultSource.Trigger, fault.Source);
        Assert.Null(fault.Camera);
        Assert.StartsWith($"{late} of 25 slots ", fault.Message);
        Assert.Contains("late tolerance (0 ms)", fault.Message); // 1 ns, in ms
        Assert.Matches(@": frames? \d+", fault.Message);
        Assert.DoesNotContain(manifest.Faults, f => f.Message.Contains(DueBeforeReady));
        // The fault's time is when the first late slot was due.
        var rows = FramesTableReader.Read(Path.Combine(session.TakePath, manifest.Cameras[0].FramesFile));
        Assert.Equal(rows.First(r => r.Status == FrameStatus.TriggerLate).ScheduledNs, fault.TimeNs);
    }

    [Fact]
    public void CheckLead_FlagsALeadShorterThanTheEstimate_AndNotALongOne()
    {
        var cameras = SimulatedTakeTests.OpenSimulated(2);
        try
        {
            long now = SharedTimeline.NowNs();
            long period = FrameSchedule.PeriodFromFrameRate(30);
            FrameSchedule Soon(double leadSeconds) =>
                FrameSchedule.FromRateAndDuration(FrameSchedule.AlignedStart(now, FrameSchedule.NanosFromSeconds(leadSeconds), period), 30, FrameSchedule.NanosPerSecond);

            var shortLead = CaptureSession.CheckLead(cameras, Options(Soon(0.05), "unused"), now);
            Assert.True(shortLead.IsTooShort);
            Assert.InRange(shortLead.LeadNs, 50_000_000, 50_000_000 + period);
            Assert.Equal(0, shortLead.FirstFrameIndex);
            Assert.False(shortLead.JoinsLate);
            // Rings of 2 s at 30 Hz for both cameras: the floor plus 2 ms per MiB.
            var frameBytes = cameras.Select(c => c.FrameBytes).ToArray();
            Assert.Equal(FrameRing.DepthFor(frameBytes, null, 2.0, Soon(0.05).FrameRateHz) * frameBytes.Sum(b => (long)b), shortLead.RingBytes);
            Assert.Equal(CaptureSession.SetupFloorNs + (long)(shortLead.RingBytes / (double)(1 << 20) * CaptureSession.RingLockNsPerMiB), shortLead.SetupEstimateNs);
            Assert.True(shortLead.SuggestedLeadNs >= shortLead.SetupEstimateNs);
            Assert.Equal(0, shortLead.SuggestedLeadNs % 500_000_000);

            var longLead = CaptureSession.CheckLead(cameras, Options(Soon(2), "unused"), now);
            Assert.False(longLead.IsTooShort);
            Assert.Equal(shortLead.SetupEstimateNs, longLead.SetupEstimateNs);

            // The default 2 s lead is too short for 4 GiB of rings to lock.
            var hugeRings = CaptureSession.CheckLead(cameras, Options(Soon(2), "unused", 4L << 30), now);
            Assert.True(hugeRings.IsTooShort);
            Assert.InRange(hugeRings.SetupEstimateNs, 8_000_000_000, 9_000_000_000);

            // A host joining a running take: its first frame is the next on the grid, and its setup will make it late.
            var joined = CaptureSession.CheckLead(cameras, Options(FrameSchedule.FromRateAndDuration(now - FrameSchedule.NanosPerSecond, 30, 10 * FrameSchedule.NanosPerSecond), "unused"), now);
            Assert.True(joined.JoinsLate);
            Assert.True(joined.IsTooShort);
            Assert.InRange(joined.FirstFrameIndex, 30, 31);
        }
        finally
        {
            foreach (var c in cameras) c.Dispose();
        }
    }

    [Theory]
    [InlineData(100_000_000, 500_000_000)]
    [InlineData(277_000_000, 500_000_000)]
    [InlineData(371_000_000, 1_000_000_000)]
    [InlineData(710_000_000, 1_500_000_000)]
    [InlineData(8_124_000_000, 12_500_000_000)]
    public void SuggestedLead_IsOneAndAHalfTimesTheSetup_InHalfSeconds(long setupNs, long suggestedNs) =>
        Assert.Equal(suggestedNs, LeadCheck.SuggestLeadNs(setupNs));

    [Fact]
    public void LateSlotRuns_KeepRangesWithoutAllocating_AndCountTheRest()
    {
        var runs = new LateSlotRuns();
        Assert.Equal(-1, runs.FirstIndex);
        for (long n = 0; n <= 6; n++) runs.Add(n);
        Assert.Equal("0-6", runs.Describe());
        runs.Add(120);
        runs.Add(455);
        runs.Add(456);
        Assert.Equal("0-6, 120, 455-456", runs.Describe());
        Assert.Equal((10, 3), (runs.Slots, runs.Runs));

        var many = new LateSlotRuns();
        for (long n = 0; n < 12; n++) many.Add(n * 10); // 12 runs of one slot
        many.Add(111);
        Assert.Equal("0, 10, 20, 30, 40, 50, 60, 70 and 4 more runs (5 slots) up to 111", many.Describe());
        Assert.Equal((0, 111), (many.FirstIndex, many.LastIndex));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long n = 200; n < 10_000; n += 2) many.Add(n);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
