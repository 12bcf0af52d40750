using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Analysis;

/// <summary>One camera's accounting, intervals and device offset, from its frames table.</summary>
internal static class CameraStatistics
{
    public static CameraReport Report(CameraData camera, FrameMatchMethod mode, long periodNs, List<string> faults)
    {
        var counts = new FrameCounts { Expected = Math.Max(0, camera.EndIndex - camera.FirstIndex) };
        var offset = new Moments();
        var mapped = new Moments();
        foreach (var row in camera.Rows)
        {
            counts.Add(row.Status);
            if (row.Status is (FrameStatus.Captured or FrameStatus.Incomplete) && row.DeviceTimestampNs != 0)
            {
                offset.Add(row.DeviceTimestampNs - row.ScheduledNs);
                if (camera.Info.ClockModel is not null)
                    mapped.Add(TakeAnalyzer.MappedDeviceNs(camera, row) - row.ScheduledNs);
            }
        }

        var byIndex = FrameSetMatcher.RowsByIndex(camera, faults: null);
        var intervals = new Moments();
        foreach (var (_, interval) in Intervals(camera, mode, periodNs, byIndex))
            intervals.Add(interval);
        CheckRows(camera, counts, byIndex, mode, faults);

        return new CameraReport
        {
            Take = camera.Take,
            Host = camera.Host,
            CameraId = camera.Info.Id,
            Expected = counts.Expected,
            Captured = counts.Captured,
            Missing = counts.TriggerMissed + counts.Dropped + counts.WriteFailed,
            Dropped = counts.Dropped,
            WriteFailed = counts.WriteFailed,
            Late = counts.TriggerLate,
            CameraLost = counts.CameraLost,
            Incomplete = counts.Incomplete,
            IntervalMeanNs = intervals.Mean,
            IntervalStdDevNs = intervals.PopulationStdDev,
            IntervalCount = intervals.Count,
            DeviceOffsetMeanNs = offset.Mean,
            MappedOffsetMeanNs = camera.Info.ClockModel is null ? null : mapped.Mean,
        };
    }

    /// <summary>
    /// The camera's frame intervals, ns, each with the row that ends it (index into <see cref="CameraData.Rows"/>).
    /// <c>Index</c> matching: device-timestamp differences between the rows of indexes n and n+1 that both have one.
    /// <c>NearestDeviceTimestamp</c>: differences of consecutive device timestamps at most 1.5 periods apart (larger
    /// gaps span lost frames). Ascending by index or time. <paramref name="byIndex"/>: the camera's
    /// <see cref="FrameSetMatcher.RowsByIndex"/> when the caller has it already.
    /// </summary>
    internal static List<(int Row, long IntervalNs)> Intervals(CameraData camera, FrameMatchMethod mode, long periodNs, Dictionary<long, int>? byIndex = null)
    {
        var intervals = new List<(int Row, long IntervalNs)>();
        if (mode == FrameMatchMethod.Index)
        {
            byIndex ??= FrameSetMatcher.RowsByIndex(camera, faults: null);
            foreach (var (n, row) in byIndex.OrderBy(kv => kv.Key))
            {
                long t = camera.Rows[row].DeviceTimestampNs;
                if (t != 0 && byIndex.TryGetValue(n + 1, out int next) && camera.Rows[next].DeviceTimestampNs != 0)
                    intervals.Add((next, camera.Rows[next].DeviceTimestampNs - t));
            }
            return intervals;
        }
        var sorted = FrameSetMatcher.SortedByDeviceTime(camera);
        for (int i = 1; i < sorted.Length; i++)
        {
            long d = sorted[i].Time - sorted[i - 1].Time;
            if (d <= periodNs + periodNs / 2)
                intervals.Add((sorted[i].Row, d));
        }
        return intervals;
    }

    private static void CheckRows(CameraData camera, FrameCounts counts, Dictionary<long, int> byIndex, FrameMatchMethod mode, List<string> faults)
    {
        string file = Path.GetFileName(camera.FramesPath);
        if (camera.TornLastRow)
            faults.Add($"{camera.Label}: {file} ends in a torn row (the writer stopped in the middle of it); it was left out.");
        long withRow = mode == FrameMatchMethod.Index
            ? byIndex.Keys.LongCount(n => n >= camera.FirstIndex && n < camera.EndIndex)
            : Math.Min(camera.Rows.Length, counts.Expected);
        if (withRow < counts.Expected)
            faults.Add($"{camera.Label}: {counts.Expected - withRow} of {counts.Expected} scheduled slots have no row in {file}.");
        var recorded = camera.Info.Counts;
        if (camera.State is not (TakeState.Recording or TakeState.Crashed) && recorded.Accounted > 0 &&
            (recorded.Captured, recorded.TriggerMissed, recorded.TriggerLate, recorded.Incomplete, recorded.Dropped, recorded.WriteFailed, recorded.CameraLost) !=
            (counts.Captured, counts.TriggerMissed, counts.TriggerLate, counts.Incomplete, counts.Dropped, counts.WriteFailed, counts.CameraLost))
            faults.Add($"{camera.Label}: {TakeFolder.ManifestFileName} counts (Captured {recorded.Captured}, TriggerMissed {recorded.TriggerMissed}, " +
                $"TriggerLate {recorded.TriggerLate}, Incomplete {recorded.Incomplete}, Dropped {recorded.Dropped}, WriteFailed {recorded.WriteFailed}, CameraLost {recorded.CameraLost}) differ from {file} " +
                $"(Captured {counts.Captured}, TriggerMissed {counts.TriggerMissed}, TriggerLate {counts.TriggerLate}, Incomplete {counts.Incomplete}, Dropped {counts.Dropped}, WriteFailed {counts.WriteFailed}, CameraLost {counts.CameraLost}).");
    }
}
