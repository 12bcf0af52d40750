using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using static PsCamSync.Core.Cameras.FrameStatus;

namespace PsCamSync.Core.Tests.Analysis;

/// <summary>
/// TakeSeries lays out the frame sets TakeAnalyzer matches: per set the statuses, skews, exposure after Tn and
/// intervals, checked against values worked out by hand from the rows written, and against the report's statistics.
/// </summary>
public sealed class TakeSeriesTests
{
    private const long T0 = TakeBuilder.T0;
    private const long P = TakeBuilder.Period;

    // Camera a: device clock 1 ms ahead of the shared timeline (clock model), all Captured.
    private static readonly FrameStatus[] StatusA = [Captured, Captured, Captured, Captured, Captured, Captured];
    private static readonly long[] TriggerA = [10_000, 12_000, 11_000, 10_500, 10_000, 13_000];
    private static readonly long[] DeviceA = [1_050_000, 1_052_000, 1_049_000, 1_051_000, 1_050_000, 1_053_000];
    // Camera b: no clock model; a missed trigger, a dropped frame, then lost for one slot.
    private static readonly FrameStatus[] StatusB = [Captured, TriggerMissed, Captured, Dropped, CameraLost, Captured];
    private static readonly long[] TriggerB = [20_000, 21_000, 19_000, 20_000, 0, 22_000];
    private static readonly long[] DeviceB = [7_000_000, 0, 7_001_000, 7_002_000, 0, 7_003_000];
    // Camera c: device clock 5 ms behind (clock model); one slot the host was late for.
    private static readonly FrameStatus[] StatusC = [Captured, Captured, TriggerLate, Captured, Captured, Captured];
    private static readonly long[] TriggerC = [15_000, 15_000, 0, 16_000, 14_000, 15_000];
    private static readonly long[] DeviceC = [-4_940_000, -4_945_000, 0, -4_950_000, -4_930_000, -4_948_000];

    private static CameraClockModel Offset(double offsetNs) => new(T0, offsetNs, 0, 10, 0);

    private static string Write(TempDirectory dir)
    {
        var b = new TakeBuilder();
        b.Manifest.Schedule = new FrameSchedule(T0, P, 6, null);
        b.Manifest.EndFrameIndex = 6;
        b.Manifest.Faults.Add(new TakeFault { TimeNs = T0 + 4 * P, Camera = "b", Source = TakeFaultSource.Camera, Message = "b stopped answering" });
        b.Manifest.Faults.Add(new TakeFault { TimeNs = T0 + 1 * P, Camera = "b", Source = TakeFaultSource.Trigger, Message = "b missed a trigger" });
        b.Camera("a", StatusA, TriggerA, DeviceA, clock: Offset(1_000_000))
         .Camera("b", StatusB, TriggerB, DeviceB)
         .Camera("c", StatusC, TriggerC, DeviceC, clock: Offset(-5_000_000));
        return b.Write(dir.Combine("take"));
    }

    [Fact]
    public void FrameSets_CarryEachCamerasStatus_AndMarkTheGaps()
    {
        using var dir = new TempDirectory();
        var series = TakeSeries.Load([Write(dir)]);

        Assert.Equal(["host-a/a", "host-a/b", "host-a/c"], series.Cameras.Select(c => c.Label));
        Assert.Equal([true, false, true], series.Cameras.Select(c => c.HasClockModel));
        Assert.Equal([0L, 1, 2, 3, 4, 5], series.FrameSets.Select(r => r.Index));
        for (int n = 0; n < 6; n++)
        {
            var row = series.FrameSets[n];
            Assert.Equal(T0 + n * P, row.ScheduledNs);
            Assert.Equal(new FrameStatus?[] { StatusA[n], StatusB[n], StatusC[n] }, row.Status);
        }
        Assert.Equal([1L, 2, 3, 4], series.FrameSets.Where(r => r.HasGap).Select(r => r.Index));
    }

    [Fact]
    public void Skews_ExposureAfterTn_AndIntervals_AreThoseOfTheRows()
    {
        using var dir = new TempDirectory();
        var series = TakeSeries.Load([Write(dir)]);
        for (int n = 0; n < 6; n++)
        {
            var row = series.FrameSets[n];
            // Trigger skew over cameras with a trigger time (TakeBuilder writes one for every status but TriggerLate: c at 2).
            var triggers = new[] { (long?)TriggerA[n], TriggerB[n], StatusC[n] == TriggerLate ? null : TriggerC[n] }
                .Where(t => t.HasValue).Select(t => t!.Value).ToList();
            Assert.Equal(triggers.Max() - triggers.Min(), row.TriggerSkewNs);
            // Raw device skew over cameras whose frame arrived (Captured or Dropped).
            var devices = new[] { (long?)DeviceA[n], DeviceB[n] == 0 ? null : DeviceB[n], DeviceC[n] == 0 ? null : DeviceC[n] }
                .Where(t => t.HasValue).Select(t => t!.Value).ToList();
            Assert.Equal(devices.Max() - devices.Min(), row.DeviceSkewNs);
            // Exposure after Tn: device time mapped through the model (a: −1 ms, c: +5 ms); b has no model.
            long? a = DeviceA[n] - 1_000_000;
            long? c = StatusC[n] == Captured ? DeviceC[n] + 5_000_000 : null;
            Assert.Equal(new long?[] { a, null, c }, row.ExposureAfterTnNs);
            Assert.Equal(c is null ? null : Math.Abs(a.Value - c.Value), row.MappedDeviceSkewNs);
            // Intervals end at frame n when frames n−1 and n both have a device timestamp.
            long? Interval(long[] device) => n > 0 && device[n] != 0 && device[n - 1] != 0 ? P + device[n] - device[n - 1] : null;
            Assert.Equal(new[] { Interval(DeviceA), Interval(DeviceB), Interval(DeviceC) }, row.IntervalNs);
        }
    }

    [Fact]
    public void Series_AgreeWithTheReport_AndCarryTheTimedFaults()
    {
        using var dir = new TempDirectory();
        string take = Write(dir);
        var series = TakeSeries.Load([take]);
        var report = TakeAnalyzer.Analyze(take);

        foreach (var (stats, values) in new[]
        {
            (report.TriggerSkew, series.FrameSets.Select(r => r.TriggerSkewNs)),
            (report.DeviceSkew, series.FrameSets.Select(r => r.DeviceSkewNs)),
            (report.MappedDeviceSkew, series.FrameSets.Select(r => r.MappedDeviceSkewNs)),
        })
        {
            var sorted = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToList();
            Assert.Equal(stats.FrameSets, sorted.Count);
            Assert.Equal(stats.P50Ns, Percentiles.NearestRank(sorted, 50));
            Assert.Equal(stats.MaxNs, sorted[^1]);
        }
        Assert.Equal(report.CompleteFrameSets, series.Report.CompleteFrameSets);
        Assert.Equal(series.FrameSets.Count(r => !r.HasGap), series.Report.CompleteFrameSets);
        for (int c = 0; c < 3; c++)
        {
            var intervals = series.FrameSets.Where(r => r.IntervalNs[c].HasValue).Select(r => (double)r.IntervalNs[c]!.Value).ToList();
            Assert.Equal(report.Cameras[c].IntervalCount, intervals.Count);
            Assert.Equal(report.Cameras[c].IntervalMeanNs, intervals.Average(), 6);
        }

        Assert.Equal(["b missed a trigger", "b stopped answering"], series.Faults.Select(f => f.Message));
        Assert.All(series.Faults, f => Assert.Equal("host-a", f.Host));
        Assert.Equal(T0 + P, series.Faults[0].TimeNs);
        var folder = Assert.Single(series.Folders);
        Assert.Equal(("take-001", "host-a", "Completed", 0L, 6L), (folder.Take, folder.Host, folder.State, folder.FirstFrameIndex, folder.EndFrameIndex));
    }
}
