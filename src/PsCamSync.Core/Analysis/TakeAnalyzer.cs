using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Analysis;

/// <summary>
/// Reads take folders back and computes their <see cref="TakeReport"/>: per-camera accounting, device-timestamp
/// intervals and offsets, and the cross-camera skew of scheduled, trigger and device times per frame set.
/// </summary>
/// <remarks>
/// Frame sets are matched <c>Index</c> (rows with the same schedule index n, on every host) or
/// <c>NearestDeviceTimestamp</c> (see <see cref="FrameSetMatcher.ByNearestDeviceTimestamp"/>): the first camera of
/// the first folder is the reference, every other camera joins with its frame of nearest device timestamp within half
/// a period. Counts come from the frames tables, not from the manifest; a disagreement is reported as a fault.
/// </remarks>
public static class TakeAnalyzer
{
    /// <summary>Analyses the take folder at <paramref name="takePath"/>.</summary>
    /// <param name="takePath">The take folder.</param>
    /// <param name="matchBy">Index (default when frames carry schedule indexes) or NearestDeviceTimestamp
    /// (default when some row has no index); null chooses.</param>
    /// <exception cref="TakeFolderException">The folder is not a readable take.</exception>
    public static TakeReport Analyze(string takePath, FrameMatchMethod? matchBy = null) => Analyze([takePath], matchBy);

    /// <summary>
    /// Analyses several take folders of one shoot (one per host, same schedule) as one take: frame sets span every
    /// camera of every folder.
    /// </summary>
    /// <param name="takePaths">The folders, each once; the first folder's first camera is the reference for
    /// NearestDeviceTimestamp matching.</param>
    /// <param name="matchBy">As for <see cref="Analyze(string, FrameMatchMethod?)"/>.</param>
    /// <exception cref="TakeFolderException">A folder is not a readable take, or the schedules differ (StartNs or PeriodNs).</exception>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "Path": no folder given.</exception>
    public static TakeReport Analyze(IReadOnlyList<string> takePaths, FrameMatchMethod? matchBy = null) => Match(takePaths, matchBy).Report;

    /// <summary>What <see cref="Analyze(IReadOnlyList{string}, FrameMatchMethod?)"/> matched: the folders read back, the matching
    /// method, the frame sets and the report computed from them (for <see cref="TakeSeries"/>, which draws on the same sets).</summary>
    internal sealed record Matching(TakeData Data, FrameMatchMethod Mode, List<FrameSet> Sets, TakeReport Report);

    /// <summary>Reads the folders, matches their frame sets and computes the report (see
    /// <see cref="Analyze(IReadOnlyList{string}, FrameMatchMethod?)"/> for the exceptions).</summary>
    internal static Matching Match(IReadOnlyList<string> takePaths, FrameMatchMethod? matchBy)
    {
        ArgumentNullException.ThrowIfNull(takePaths);
        if (takePaths.Count == 0)
            throw new InvalidCaptureArgumentException("Path", "give at least one take folder to analyse.");
        var data = TakeData.Load(takePaths);
        var cameras = data.Cameras;

        var faults = new List<string>();
        for (int i = 0; i < data.Folders.Count; i++)
        {
            var m = data.Folders[i].Manifest;
            var (state, recorder, end) = data.Status[i];
            foreach (var fault in m.Faults)
                faults.Add($"{m.Host} {m.Name}: {fault.Source}{(fault.Camera is null ? "" : " " + fault.Camera)}: {fault.Message}");
            if (state == TakeState.Crashed)
                faults.Add($"{m.Host} {m.Name}: the take crashed: its take.json still says Recording but its recorder (process {m.Recorder!.ProcessId} on {m.Recorder.Host}) is gone; " +
                    $"the counts are rebuilt from the frames tables' rows (frames {m.FirstFrameIndex}-{end - 1}); frames the recorder held in memory when it ended are lost.");
            else if (state == TakeState.Recording)
                faults.Add(recorder switch
                {
                    RecorderLiveness.Running => $"{m.Host} {m.Name}: the take is still recording (process {m.Recorder!.ProcessId}); the analysis covers the rows written so far.",
                    RecorderLiveness.OtherHost => $"{m.Host} {m.Name}: the take is in state Recording and was recorded on {m.Recorder!.Host}, so this host cannot tell whether it crashed or is still running; the analysis covers the rows written so far. Analyse it on {m.Recorder.Host} to know.",
                    _ => $"{m.Host} {m.Name}: the take is still in state Recording: it crashed or is still running (its take.json does not say which process records it); the analysis covers the rows written so far.",
                });
        }

        var mode = matchBy ?? (cameras.All(c => c.Rows.All(r => r.FrameIndex >= 0)) ? FrameMatchMethod.Index : FrameMatchMethod.NearestDeviceTimestamp);
        var sets = cameras.Count == 0 ? new List<FrameSet>()
            : mode == FrameMatchMethod.Index ? FrameSetMatcher.ByIndex(cameras, faults)
            : FrameSetMatcher.ByNearestDeviceTimestamp(cameras, data.PeriodNs, faults);

        var reports = cameras.Select(c => CameraStatistics.Report(c, mode, data.PeriodNs, faults)).ToList();
        var expectedRanges = data.Folders.Select((f, i) => (f.Manifest.FirstFrameIndex, data.Status[i].EndIndex)).ToList();

        var report = new TakeReport
        {
            Take = string.Join(", ", data.Folders.Select(f => f.Manifest.Name).Distinct()),
            Path = string.Join("; ", data.Folders.Select(f => f.Path)),
            Host = string.Join(", ", data.Folders.Select(f => f.Manifest.Host).Distinct()),
            MatchedBy = mode,
            TriggerMode = data.Folders.Select(f => f.Manifest.TriggerMode).Distinct().Count() == 1
                ? data.Folders[0].Manifest.TriggerMode.ToString()
                : string.Join(", ", data.Folders.Select(f => $"{f.Manifest.Host} {f.Manifest.TriggerMode}")),
            State = CombinedState(data.Status.Select(st => st.State)),
            ExpectedFrameSets = UnionLength(expectedRanges),
            CompleteFrameSets = sets.LongCount(s => IsComplete(s, cameras) && (mode != FrameMatchMethod.Index || InRanges(s.Index, expectedRanges))),
            Cameras = reports,
            ScheduledSkew = Skew(SkewKind.Scheduled, sets, cameras, static r => r.ScheduledNs),
            TriggerSkew = Skew(SkewKind.Trigger, sets, cameras, static r => r.TriggerNs),
            DeviceSkew = Skew(SkewKind.Device, sets, cameras, static r => r.DeviceTimestampNs),
            MappedDeviceSkew = Skew(SkewKind.MappedDevice, sets, cameras, static (c, r) => MappedDeviceNs(c, r)),
            Faults = faults,
        };
        return new Matching(data, mode, sets, report);
    }

    /// <summary>The state of several folders: Crashed, else Recording, else Faulted, else Stopped, else Completed.</summary>
    private static TakeState CombinedState(IEnumerable<TakeState> states)
    {
        var set = states.ToHashSet();
        foreach (var s in new[] { TakeState.Crashed, TakeState.Recording, TakeState.Faulted, TakeState.Stopped })
            if (set.Contains(s))
                return s;
        return TakeState.Completed;
    }

    private static bool IsComplete(FrameSet set, IReadOnlyList<CameraData> cameras)
    {
        for (int c = 0; c < cameras.Count; c++)
            if (set.Rows[c] < 0 || cameras[c].Rows[set.Rows[c]].Status != FrameStatus.Captured)
                return false;
        return true;
    }

    /// <summary>A frame's exposure start on the shared timeline through the camera's clock model; 0 without one.</summary>
    internal static long MappedDeviceNs(CameraData camera, FrameRecord row) =>
        camera.Info.ClockModel is { } model && row.DeviceTimestampNs != 0 ? model.ToHost(row.DeviceTimestampNs) : 0;

    private static SkewStatistics Skew(SkewKind kind, List<FrameSet> sets, IReadOnlyList<CameraData> cameras, Func<FrameRecord, long> value) =>
        Skew(kind, sets, cameras, (_, r) => value(r));

    /// <summary>Skew statistics of <paramref name="value"/> over the sets (see <see cref="SetSkew"/>).</summary>
    private static SkewStatistics Skew(SkewKind kind, List<FrameSet> sets, IReadOnlyList<CameraData> cameras, Func<CameraData, FrameRecord, long> value)
    {
        var skews = new List<long>(sets.Count);
        foreach (var set in sets)
            if (SetSkew(set, cameras, value) is long skew)
                skews.Add(skew);
        return Percentiles.Skew(kind, skews);
    }

    /// <summary>max − min of <paramref name="value"/> over the set's cameras with a non-zero value, ns; null when fewer
    /// than two cameras have one.</summary>
    internal static long? SetSkew(FrameSet set, IReadOnlyList<CameraData> cameras, Func<CameraData, FrameRecord, long> value)
    {
        long min = long.MaxValue, max = long.MinValue;
        int count = 0;
        for (int c = 0; c < cameras.Count; c++)
        {
            if (set.Rows[c] < 0)
                continue;
            long v = value(cameras[c], cameras[c].Rows[set.Rows[c]]);
            if (v == 0)
                continue;
            count++;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return count >= 2 ? max - min : null;
    }

    private static bool InRanges(long n, List<(long First, long End)> ranges) => ranges.Any(r => n >= r.First && n < r.End);

    /// <summary>Number of indexes in the union of half-open ranges.</summary>
    private static long UnionLength(List<(long First, long End)> ranges)
    {
        long total = 0, coveredTo = long.MinValue;
        foreach (var (first, end) in ranges.Where(r => r.End > r.First).OrderBy(r => r.First))
        {
            long start = Math.Max(first, coveredTo);
            if (end > start)
                total += end - start;
            coveredTo = Math.Max(coveredTo, end);
        }
        return total;
    }
}
