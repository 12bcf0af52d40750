using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Takes;
using PsCamSync.Core.Timing;
using static PsCamSync.Core.Cameras.FrameStatus;

namespace PsCamSync.Core.Tests.Analysis;

/// <summary>
/// Analysis of constructed takes: 3 cameras, 10 slots of 10 ms. Per slot n (times relative to Tn, ns):
/// <code>
///  n            0     1     2     3     4     5     6     7     8     9
///  A status     C     C     C     Miss  C     C     C     Drop  C     C      device +5000 (+10 at n=1)
///  A trigger    100   120   100   150   100   100   130   100   100   100
///  B status     C     C     C     C     C     Late  C     C     Inc   C      device +25000 (+40 at n=8)
///  B trigger    2100  2100  2300  2150  2100  -     2100  2100  2100  2100
///  C status     C     C     Miss  C     C     C     C     C     C     Drop   device -3000 (+20 at n=9)
///  C trigger    4100  4100  4100  4100  4100  4600  4100  4100  4100  4100
/// </code>
/// Every expected number below is worked out by hand in the comments.
/// </summary>
public class TakeAnalyzerTests
{
    private static readonly FrameStatus[] StatusA = { Captured, Captured, Captured, TriggerMissed, Captured, Captured, Captured, Dropped, Captured, Captured };
    private static readonly FrameStatus[] StatusB = { Captured, Captured, Captured, Captured, Captured, TriggerLate, Captured, Captured, Incomplete, Captured };
    private static readonly FrameStatus[] StatusC = { Captured, Captured, TriggerMissed, Captured, Captured, Captured, Captured, Captured, Captured, Dropped };
    private static readonly long[] TriggerA = { 100, 120, 100, 150, 100, 100, 130, 100, 100, 100 };
    private static readonly long[] TriggerB = { 2100, 2100, 2300, 2150, 2100, 0, 2100, 2100, 2100, 2100 };
    private static readonly long[] TriggerC = { 4100, 4100, 4100, 4100, 4100, 4600, 4100, 4100, 4100, 4100 };
    private static readonly long[] DeviceA = { 5000, 5010, 5000, 0, 5000, 5000, 5000, 5000, 5000, 5000 };
    private static readonly long[] DeviceB = { 25000, 25000, 25000, 25000, 25000, 0, 25000, 25000, 25040, 25000 };
    private static readonly long[] DeviceC = { -3000, -3000, 0, -3000, -3000, -3000, -3000, -3000, -3000, -2980 };

    private static TakeBuilder Build(bool indexedBC = true) => new TakeBuilder()
        .Camera("cam-a", StatusA, TriggerA, DeviceA)
        .Camera("cam-b", StatusB, TriggerB, DeviceB, withIndex: indexedBC)
        .Camera("cam-c", StatusC, TriggerC, DeviceC, withIndex: indexedBC);

    private static void AssertCameraStatistics(TakeReport report)
    {
        var a = report.Cameras.Single(c => c.CameraId == "cam-a");
        var b = report.Cameras.Single(c => c.CameraId == "cam-b");
        var c = report.Cameras.Single(c => c.CameraId == "cam-c");

        // A: 8 captured; missed n=3 and dropped n=7 are both missing.
        Assert.Equal((10L, 8L, 2L, 1L, 0L, 0L), (a.Expected, a.Captured, a.Missing, a.Dropped, a.Late, a.Incomplete));
        // B: late n=5 (no trigger), incomplete n=8.
        Assert.Equal((10L, 8L, 0L, 0L, 1L, 1L), (b.Expected, b.Captured, b.Missing, b.Dropped, b.Late, b.Incomplete));
        // C: missed n=2, dropped n=9.
        Assert.Equal((10L, 8L, 2L, 1L, 0L, 0L), (c.Expected, c.Captured, c.Missing, c.Dropped, c.Late, c.Incomplete));

        // Intervals between consecutive indexes that both have a device time.
        // A: pairs 0-1 (P+10), 1-2 (P-10), 4-5, 5-6, 6-7, 7-8, 8-9 (P): mean P, variance 200/7.
        Assert.Equal(7, a.IntervalCount);
        Assert.Equal(10_000_000.0, a.IntervalMeanNs, 6);
        Assert.Equal(Math.Sqrt(200.0 / 7), a.IntervalStdDevNs, 6);
        // B: pairs 0-1, 1-2, 2-3, 3-4, 6-7 (P), 7-8 (P+40), 8-9 (P-40): mean P, variance 3200/7.
        Assert.Equal(7, b.IntervalCount);
        Assert.Equal(10_000_000.0, b.IntervalMeanNs, 6);
        Assert.Equal(Math.Sqrt(3200.0 / 7), b.IntervalStdDevNs, 6);
        // C: pairs 0-1, 3-4 ... 7-8 (P), 8-9 (P+20): mean P + 20/7, variance (6·(20/7)² + (120/7)²)/7 = 2400/49.
        Assert.Equal(7, c.IntervalCount);
        Assert.Equal(10_000_000 + 20.0 / 7, c.IntervalMeanNs, 6);
        Assert.Equal(Math.Sqrt(2400.0 / 49), c.IntervalStdDevNs, 6);

        // Device offset over Captured + Incomplete: A 8 frames, 7×5000 + 5010 → 5001.25;
        // B 9 frames, 8×25000 + 25040 → 25000 + 40/9; C 8 frames of -3000 (the dropped -2980 does not count).
        Assert.Equal(5001.25, a.DeviceOffsetMeanNs, 6);
        Assert.Equal(25000 + 40.0 / 9, b.DeviceOffsetMeanNs, 6);
        Assert.Equal(-3000.0, c.DeviceOffsetMeanNs, 6);
    }

    [Fact]
    public void ByIndex_RecoversCountsIntervalsOffsetsAndSkewsExactly()
    {
        using var dir = new TempDirectory();
        var builder = Build();
        builder.Manifest.Faults.Add(new TakeFault { TimeNs = TakeBuilder.T0, Camera = "cam-b", Source = TakeFaultSource.Trigger, Message = "trigger for frame 5 was late" });
        string take = builder.Write(dir.Combine("take-001"));

        var report = TakeAnalyzer.Analyze(take);

        Assert.Equal("take-001", report.Take);
        Assert.Equal("host-a", report.Host);
        Assert.Equal(take, report.Path);
        Assert.Equal(FrameMatchMethod.Index, report.MatchedBy);
        Assert.Equal(new[] { "cam-a", "cam-b", "cam-c" }, report.Cameras.Select(c => c.CameraId));
        Assert.All(report.Cameras, c => Assert.Equal(("take-001", "host-a"), (c.Take, c.Host)));
        AssertCameraStatistics(report);

        // Complete sets: all three Captured at n = 0, 1, 4, 6.
        Assert.Equal(10, report.ExpectedFrameSets);
        Assert.Equal(4, report.CompleteFrameSets);

        // Scheduled: every row of set n carries Tn → 10 sets of skew 0.
        AssertSkew(report.ScheduledSkew, SkewKind.Scheduled, 10, 0, 0, 0);
        // Trigger skew per set (B's late n=5 has no trigger): 4000, 3980, 4000, 3950, 4000, 4500 (4600-100), 3970,
        // 4000, 4000, 4000 → sorted 3950 3970 3980 4000×6 4500; p50 = rank ceil(5) = 4000; p99 = rank 10 = 4500.
        AssertSkew(report.TriggerSkew, SkewKind.Trigger, 10, 4000, 4500, 4500);
        // Device skew per set (max - min): n0 28000 (25000 - -3000), n1 28000 (A's 5010 lies between), n2 20000 (C missed),
        // n3 28000 (A missed), n4 28000, n5 8000 (B late), n6 28000, n7 28000 (A dropped keeps its time),
        // n8 28040, n9 27980 (C dropped, -2980) → sorted 8000 20000 27980 28000×6 28040; p50 = 28000, p99 = max = 28040.
        AssertSkew(report.DeviceSkew, SkewKind.Device, 10, 28000, 28040, 28040);

        Assert.Equal(new[] { "host-a take-001: Trigger cam-b: trigger for frame 5 was late" }, report.Faults);
    }

    [Fact]
    public void NearestDeviceTimestamp_MatchesCamerasWithoutIndexes()
    {
        using var dir = new TempDirectory();
        string take = Build(indexedBC: false).Write(dir.Combine("take-001"));

        var report = TakeAnalyzer.Analyze(take);

        // B and C carry no index, so the analyser falls back to device-time matching with A as the reference.
        Assert.Equal(FrameMatchMethod.NearestDeviceTimestamp, report.MatchedBy);
        // Interval gaps over lost frames (2P) are left out, so the intervals equal the by-index ones.
        AssertCameraStatistics(report);
        // One set per A row with a device time: n = 0,1,2,4,5,6,7,8,9 (A missed n=3). C has no frame near A's n=2,
        // B none near A's n=5 (the neighbours are ~P away, beyond P/2).
        Assert.Equal(10, report.ExpectedFrameSets);
        Assert.Equal(4, report.CompleteFrameSets); // n = 0, 1, 4, 6
        AssertSkew(report.ScheduledSkew, SkewKind.Scheduled, 9, 0, 0, 0);
        // Trigger: 4000, 3980, 2200 (n2: A 100, B 2300; C not matched), 4000, 4500 (n5: A, C), 3970, 4000, 4000, 4000
        // → sorted 2200 3970 3980 4000×5 4500; p50 = rank ceil(4.5) = 5 → 4000; p99 = rank 9 → 4500.
        AssertSkew(report.TriggerSkew, SkewKind.Trigger, 9, 4000, 4500, 4500);
        // Device: 28000, 28000, 20000, 28000, 8000, 28000, 28000, 28040, 27980 → sorted 8000 20000 27980 28000×5 28040.
        AssertSkew(report.DeviceSkew, SkewKind.Device, 9, 28000, 28040, 28040);
        Assert.Empty(report.Faults);
    }

    [Fact]
    public void ExplicitIndexMatching_OnRowsWithoutIndex_SaysSo()
    {
        using var dir = new TempDirectory();
        string take = Build(indexedBC: false).Write(dir.Combine("take-001"));
        var report = TakeAnalyzer.Analyze(take, FrameMatchMethod.Index);
        Assert.Equal(FrameMatchMethod.Index, report.MatchedBy);
        Assert.Equal(0, report.CompleteFrameSets);
        Assert.Contains(report.Faults, f => f.Contains("cam-b") && f.Contains("10 rows") && f.Contains("NearestDeviceTimestamp"));
        Assert.Equal(0, report.DeviceSkew.FrameSets); // only A is left in every set
    }

    [Fact]
    public void SeveralHosts_AreAnalysedAsOneTake()
    {
        using var dir = new TempDirectory();
        var hostA = new TakeBuilder().Camera("cam-a", StatusA, TriggerA, DeviceA).Camera("cam-b", StatusB, TriggerB, DeviceB);
        var hostB = new TakeBuilder().Camera("cam-c", StatusC, TriggerC, DeviceC);
        hostB.Manifest.Host = "host-b";
        hostB.Manifest.Name = "take-001-b";
        string a = hostA.Write(dir.Combine("a"));
        string b = hostB.Write(dir.Combine("b"));

        var report = TakeAnalyzer.Analyze(new[] { a, b });

        Assert.Equal("take-001, take-001-b", report.Take);
        Assert.Equal("host-a, host-b", report.Host);
        Assert.Equal($"{a}; {b}", report.Path);
        Assert.Equal(new[] { ("host-a", "take-001", "cam-a"), ("host-a", "take-001", "cam-b"), ("host-b", "take-001-b", "cam-c") },
            report.Cameras.Select(c => (c.Host, c.Take, c.CameraId)));
        AssertCameraStatistics(report);
        Assert.Equal(10, report.ExpectedFrameSets);
        Assert.Equal(4, report.CompleteFrameSets);
        AssertSkew(report.TriggerSkew, SkewKind.Trigger, 10, 4000, 4500, 4500);
        AssertSkew(report.DeviceSkew, SkewKind.Device, 10, 28000, 28040, 28040);
    }

    [Fact]
    public void LateJoiningHost_WidensNothing_AndItsMissingStartIsNotCountedAgainstIt()
    {
        using var dir = new TempDirectory();
        var hostA = new TakeBuilder().Camera("cam-a", StatusA, TriggerA, DeviceA);
        // Host B joined at n = 4: its table only has rows 4..9.
        var hostB = new TakeBuilder().Camera("cam-c", StatusC[4..], TriggerC[4..], DeviceC[4..]);
        hostB.Manifest.Host = "host-b";
        hostB.Manifest.FirstFrameIndex = 4;
        string a = hostA.Write(dir.Combine("a"));
        string b = hostB.Write(dir.Combine("b"));
        // The builder numbered host B's rows from 0; renumber them to the shared grid.
        string table = Path.Combine(b, "cam-c.frames.csv");
        var rows = FramesTableReader.Read(table).Select(r => r with
        {
            FrameIndex = r.FrameIndex + 4,
            ScheduledNs = r.ScheduledNs + 4 * TakeBuilder.Period,
            TriggerNs = r.TriggerNs == 0 ? 0 : r.TriggerNs + 4 * TakeBuilder.Period,
            DeviceTimestampNs = r.DeviceTimestampNs == 0 ? 0 : r.DeviceTimestampNs + 4 * TakeBuilder.Period,
        }).ToList();
        File.Delete(table);
        using (var w = new FramesTableWriter(table))
            rows.ForEach(r => w.Write(r));

        var report = TakeAnalyzer.Analyze(new[] { a, b });

        var c = report.Cameras.Single(x => x.CameraId == "cam-c");
        Assert.Equal(6, c.Expected); // slots 4..9
        Assert.Equal(5, c.Captured);
        Assert.Equal(10, report.ExpectedFrameSets);
        // Sets with both A and C captured: n = 4, 5, 6, 8 (A dropped 7, C dropped 9); n < 4 lack C, so are not complete.
        Assert.Equal(4, report.CompleteFrameSets);
        // Device skew only where both have a time: n4..n8 → 8000 each (5000 - (-3000)), n9 → 7980.
        AssertSkew(report.DeviceSkew, SkewKind.Device, 6, 8000, 8000, 8000);
        Assert.DoesNotContain(report.Faults, f => f.Contains("no row"));
    }

    [Fact]
    public void SchedulesThatDiffer_AreRefused_NamingTheMismatch()
    {
        using var dir = new TempDirectory();
        var hostA = new TakeBuilder().Camera("cam-a", StatusA, TriggerA, DeviceA);
        var hostB = new TakeBuilder().Camera("cam-c", StatusC, TriggerC, DeviceC);
        hostB.Manifest.Host = "host-b";
        hostB.Manifest.Schedule = new FrameSchedule(TakeBuilder.T0 + 1000, TakeBuilder.Period, 10, null);
        string a = hostA.Write(dir.Combine("a"));
        string b = hostB.Write(dir.Combine("b"));

        var e = Assert.Throws<TakeFolderException>(() => TakeAnalyzer.Analyze(new[] { a, b }));
        Assert.Equal(b, e.Path);
        Assert.Contains("StartNs=" + (TakeBuilder.T0 + 1000), e.Message);
        Assert.Contains("host-b", e.Message);
        Assert.Throws<TakeFolderException>(() => TakeAnalyzer.Analyze(new[] { a, a }));
    }

    [Fact]
    public void CrashedTake_IsAnalysed_WithWhatWasWritten_AndTheFaultsSaySo()
    {
        using var dir = new TempDirectory();
        var builder = new TakeBuilder().Camera("cam-a", StatusA[..6], TriggerA, DeviceA);
        builder.Manifest.State = TakeState.Recording;
        string take = builder.Write(dir.Combine("crashed"));
        File.AppendAllText(Path.Combine(take, "cam-a.frames.csv"), "6,17900000000600"); // torn row 6

        var report = TakeAnalyzer.Analyze(take);

        var a = Assert.Single(report.Cameras);
        Assert.Equal((10L, 5L, 1L), (a.Expected, a.Captured, a.Missing)); // rows 0..5: missed n=3
        Assert.Contains(report.Faults, f => f.Contains("state Recording"));
        Assert.Contains(report.Faults, f => f.Contains("torn row"));
        Assert.Contains(report.Faults, f => f.Contains("4 of 10 scheduled slots have no row"));
    }

    /// <summary>The identity of a process that has ended (its pid is free, or reused by a later process).</summary>
    private static RecorderIdentity EndedRecorder()
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true"))!;
        p.WaitForExit();
        var identity = RecorderIdentity.Current();
        identity.ProcessId = p.Id;
        return identity;
    }

    [Fact]
    public void RecordingTake_WhoseRecorderIsGone_IsCrashed_WithCountsRebuiltFromTheRows()
    {
        using var dir = new TempDirectory();
        var builder = new TakeBuilder().Camera("cam-a", StatusA[..6], TriggerA, DeviceA).Camera("cam-b", StatusB[..5], TriggerB, DeviceB);
        builder.Manifest.State = TakeState.Recording;
        builder.Manifest.Recorder = EndedRecorder();
        // Counts in take.json stay 0 until a take is finalised, as in a real crash:
        string take = builder.Write(dir.Combine("crashed"));
        var manifest = TakeFolder.ReadManifest(take);
        foreach (var c in manifest.Cameras) c.Counts = new FrameCounts();
        TakeFolder.WriteManifest(take, manifest);

        var report = TakeAnalyzer.Analyze(take);

        Assert.Equal(TakeState.Crashed, report.State);
        Assert.Equal(6, report.ExpectedFrameSets); // slots 0-5 have rows; the schedule's 10 were never fired
        var a = report.Cameras[0];
        var b = report.Cameras[1];
        Assert.Equal((6L, 5L, 1L), (a.Expected, a.Captured, a.Missing));
        Assert.Equal((6L, 5L), (b.Expected, b.Captured)); // cam-b's row 5 was not written before the crash
        Assert.Contains(report.Faults, f => f.Contains("the take crashed") && f.Contains($"process {builder.Manifest.Recorder!.ProcessId}") && f.Contains("frames 0-5"));
        Assert.Contains(report.Faults, f => f.Contains("1 of 6 scheduled slots have no row"));
        Assert.DoesNotContain(report.Faults, f => f.Contains("counts (Captured 0")); // the zero counts of a crash are no disagreement
    }

    [Fact]
    public void RecordingTake_WhoseRecorderRuns_IsStillRecording_NotCrashed()
    {
        using var dir = new TempDirectory();
        var builder = new TakeBuilder().Camera("cam-a", StatusA[..6], TriggerA, DeviceA);
        builder.Manifest.State = TakeState.Recording;
        builder.Manifest.Recorder = RecorderIdentity.Current();
        string take = builder.Write(dir.Combine("live"));

        var report = TakeAnalyzer.Analyze(take);

        Assert.Equal(TakeState.Recording, report.State);
        Assert.Equal(6, report.Cameras[0].Expected);
        Assert.Contains(report.Faults, f => f.Contains($"still recording (process {Environment.ProcessId})"));
        Assert.DoesNotContain(report.Faults, f => f.Contains("crashed"));
    }

    [Fact]
    public void FinalisedTake_ReportsItsOwnState()
    {
        using var dir = new TempDirectory();
        var builder = new TakeBuilder().Camera("cam-a", StatusA, TriggerA, DeviceA);
        builder.Manifest.State = TakeState.Stopped;
        builder.Manifest.Recorder = EndedRecorder(); // a finalised take is never crashed, whatever became of its process
        Assert.Equal(TakeState.Stopped, TakeAnalyzer.Analyze(builder.Write(dir.Combine("t"))).State);
    }

    [Fact]
    public void ManifestCountsThatDisagree_AreReported()
    {
        using var dir = new TempDirectory();
        var builder = new TakeBuilder().Camera("cam-a", StatusA, TriggerA, DeviceA);
        string take = builder.Write(dir.Combine("t"));
        var manifest = TakeFolder.ReadManifest(take);
        manifest.Cameras[0].Counts.Captured = 9;
        TakeFolder.WriteManifest(take, manifest);

        var report = TakeAnalyzer.Analyze(take);
        Assert.Equal(8, report.Cameras[0].Captured); // the table wins
        Assert.Contains(report.Faults, f => f.Contains("Captured 9") && f.Contains("Captured 8"));
    }

    [Fact]
    public void NotATake_Throws()
    {
        using var dir = new TempDirectory();
        Assert.Throws<TakeFolderException>(() => TakeAnalyzer.Analyze(dir.Path));
    }

    [Fact]
    public void MissingFramesTable_Throws_WithItsPath()
    {
        using var dir = new TempDirectory();
        string take = Build().Write(dir.Combine("t"));
        File.Delete(Path.Combine(take, "cam-b.frames.csv"));
        var e = Assert.Throws<TakeFolderException>(() => TakeAnalyzer.Analyze(take));
        Assert.Equal(Path.Combine(take, "cam-b.frames.csv"), e.Path);
    }

    private static void AssertSkew(SkewStatistics s, SkewKind kind, long sets, long p50, long p99, long max) =>
        Assert.Equal((kind, sets, p50, p99, max), (s.Kind, s.FrameSets, s.P50Ns, s.P99Ns, s.MaxNs));
}
