using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Analysis;

/// <summary>
/// A take as series over its frame sets, for plots and tables: per frame set the cross-camera skews and, per camera,
/// the frame's status, its exposure start after Tn and its frame interval; plus the take's folders, cameras and timed
/// faults. Built from the same frame sets as <see cref="TakeAnalyzer"/>'s report (<see cref="Report"/>), so the two
/// always agree.
/// </summary>
public sealed class TakeSeries
{
    /// <summary>The take's report, as Measure-SyncTake computes it from the same frame sets.</summary>
    public required TakeReport Report { get; init; }
    /// <summary>Schedule period, ns.</summary>
    public required long PeriodNs { get; init; }
    /// <summary>The schedule's t0 (time of index 0), ns on the shared timeline.</summary>
    public required long StartNs { get; init; }
    /// <summary>Each folder (host) of the take, in the order given.</summary>
    public required IReadOnlyList<SeriesFolder> Folders { get; init; }
    /// <summary>Every camera of every folder: the columns of <see cref="FrameSetRow.Status"/> and the other per-camera arrays.</summary>
    public required IReadOnlyList<SeriesCamera> Cameras { get; init; }
    /// <summary>The frame sets, ascending by index (Index matching) or by the reference camera's rows (NearestDeviceTimestamp).</summary>
    public required IReadOnlyList<FrameSetRow> FrameSets { get; init; }
    /// <summary>The faults the take manifests recorded, with their times, ascending by time.</summary>
    public required IReadOnlyList<TimedFault> Faults { get; init; }

    /// <summary>
    /// Reads and matches the take folders as <see cref="TakeAnalyzer.Analyze(IReadOnlyList{string}, FrameMatchMethod?)"/> does,
    /// and lays the frame sets out as series.
    /// </summary>
    /// <param name="takePaths">One take folder, or one folder per host of one shoot.</param>
    /// <param name="matchBy">Index, NearestDeviceTimestamp, or null (choose as the analyzer does).</param>
    /// <exception cref="TakeFolderException">A folder is not a readable take, or the schedules differ.</exception>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "Path": no folder.</exception>
    public static TakeSeries Load(IReadOnlyList<string> takePaths, FrameMatchMethod? matchBy = null)
    {
        var matching = TakeAnalyzer.Match(takePaths, matchBy);
        var data = matching.Data;
        var cameras = data.Cameras;

        // Per camera: row → interval that ends at it.
        var intervals = cameras.Select(c => CameraStatistics.Intervals(c, matching.Mode, data.PeriodNs).ToDictionary(i => i.Row, i => i.IntervalNs)).ToArray();

        var rows = new List<FrameSetRow>(matching.Sets.Count);
        foreach (var set in matching.Sets)
        {
            var status = new FrameStatus?[cameras.Count];
            var exposure = new long?[cameras.Count];
            var interval = new long?[cameras.Count];
            long scheduled = 0;
            for (int c = 0; c < cameras.Count; c++)
            {
                int r = set.Rows[c];
                if (r < 0)
                    continue;
                var row = cameras[c].Rows[r];
                status[c] = row.Status;
                if (scheduled == 0)
                    scheduled = row.ScheduledNs;
                long mapped = TakeAnalyzer.MappedDeviceNs(cameras[c], row);
                if (mapped != 0 && row.Status is FrameStatus.Captured or FrameStatus.Incomplete)
                    exposure[c] = mapped - row.ScheduledNs;
                if (intervals[c].TryGetValue(r, out long i))
                    interval[c] = i;
            }
            rows.Add(new FrameSetRow
            {
                Index = set.Index,
                ScheduledNs = scheduled,
                TriggerSkewNs = TakeAnalyzer.SetSkew(set, cameras, static (_, r) => r.TriggerNs),
                DeviceSkewNs = TakeAnalyzer.SetSkew(set, cameras, static (_, r) => r.DeviceTimestampNs),
                MappedDeviceSkewNs = TakeAnalyzer.SetSkew(set, cameras, TakeAnalyzer.MappedDeviceNs),
                Status = status,
                ExposureAfterTnNs = exposure,
                IntervalNs = interval,
            });
        }

        var folders = data.Folders.Select((f, i) => new SeriesFolder
        {
            Path = f.Path,
            Take = f.Manifest.Name,
            Host = f.Manifest.Host,
            TriggerMode = f.Manifest.TriggerMode.ToString(),
            State = data.Status[i].State.ToString(),
            StopReason = f.Manifest.StopReason,
            FirstFrameIndex = f.Manifest.FirstFrameIndex,
            EndFrameIndex = data.Status[i].EndIndex,
            StartedNs = f.Manifest.StartedNs,
            EndedNs = f.Manifest.EndedNs,
            TriggerThread = f.Manifest.TriggerThread,
        }).ToList();

        var faults = data.Folders
            .SelectMany(f => f.Manifest.Faults.Select(x => new TimedFault
            {
                TimeNs = x.TimeNs, Host = f.Manifest.Host, Camera = x.Camera, Source = x.Source, Message = x.Message,
            }))
            .OrderBy(x => x.TimeNs)
            .ToList();

        return new TakeSeries
        {
            Report = matching.Report,
            PeriodNs = data.PeriodNs,
            StartNs = data.Folders[0].Manifest.Schedule!.StartNs,
            Folders = folders,
            Cameras = cameras.Select(c => new SeriesCamera { Host = c.Host, CameraId = c.Info.Id, HasClockModel = c.Info.ClockModel is not null }).ToList(),
            FrameSets = rows,
            Faults = faults,
        };
    }
}

/// <summary>One frame set of a <see cref="TakeSeries"/>. Per-camera arrays are in <see cref="TakeSeries.Cameras"/> order.</summary>
public sealed class FrameSetRow
{
    /// <summary>Schedule index n (NearestDeviceTimestamp matching: the reference camera's row index field).</summary>
    public long Index { get; init; }
    /// <summary>Tn of the first camera with a row, ns on the shared timeline.</summary>
    public long ScheduledNs { get; init; }
    /// <summary>Cross-camera skew of trigger issue times, ns (max − min over cameras with one); null with fewer than two.</summary>
    public long? TriggerSkewNs { get; init; }
    /// <summary>Skew of raw device timestamps (each on its camera's clock), ns; null with fewer than two.</summary>
    public long? DeviceSkewNs { get; init; }
    /// <summary>Skew of exposure starts mapped onto the shared timeline by each camera's clock model, ns; null with fewer than two.</summary>
    public long? MappedDeviceSkewNs { get; init; }
    /// <summary>Per camera: the frame's status, or null when the camera has no row in this set.</summary>
    public IReadOnlyList<FrameStatus?> Status { get; init; } = Array.Empty<FrameStatus?>();
    /// <summary>Per camera: exposure start (mapped device timestamp) − Tn, ns, for frames with pixels (Captured or
    /// Incomplete) of cameras with a clock model; else null.</summary>
    public IReadOnlyList<long?> ExposureAfterTnNs { get; init; } = Array.Empty<long?>();
    /// <summary>Per camera: the frame interval that ends at this frame, ns (as <see cref="CameraReport.IntervalMeanNs"/>
    /// counts them); null when there is none.</summary>
    public IReadOnlyList<long?> IntervalNs { get; init; } = Array.Empty<long?>();
    /// <summary>True when some camera has no Captured frame in this set (no row, or another status).</summary>
    public bool HasGap => Status.Any(s => s != FrameStatus.Captured);
}

/// <summary>One camera column of a <see cref="TakeSeries"/>.</summary>
public sealed class SeriesCamera
{
    /// <summary>Host that recorded it.</summary>
    public string Host { get; init; } = "";
    /// <summary>Camera id.</summary>
    public string CameraId { get; init; } = "";
    /// <summary>True when the take recorded a clock model for it (so its exposure starts map onto the shared timeline).</summary>
    public bool HasClockModel { get; init; }
    /// <summary>"host/camera".</summary>
    public string Label => $"{Host}/{CameraId}";
}

/// <summary>One take folder (host) of a <see cref="TakeSeries"/>.</summary>
public sealed class SeriesFolder
{
    /// <summary>Full path of the folder.</summary>
    public string Path { get; init; } = "";
    /// <summary>Take name.</summary>
    public string Take { get; init; } = "";
    /// <summary>Host that recorded it.</summary>
    public string Host { get; init; } = "";
    /// <summary>How frames were started (take.json TriggerMode).</summary>
    public string TriggerMode { get; init; } = "";
    /// <summary>The state the analysis reports (Crashed for a Recording take whose recorder is gone).</summary>
    public string State { get; init; } = "";
    /// <summary>Why the take stopped early, or null.</summary>
    public string? StopReason { get; init; }
    /// <summary>First schedule index of this host.</summary>
    public long FirstFrameIndex { get; init; }
    /// <summary>One past the last index the analysis covers.</summary>
    public long EndFrameIndex { get; init; }
    /// <summary>When recording started, ns on the shared timeline.</summary>
    public long StartedNs { get; init; }
    /// <summary>When it ended, ns on the shared timeline; null while recording.</summary>
    public long? EndedNs { get; init; }
    /// <summary>The trigger thread's real-time settings and wake-up error (take.json TriggerThread), or null.</summary>
    public TriggerThreadReport? TriggerThread { get; init; }
}

/// <summary>A fault from a take manifest, with its host.</summary>
public sealed class TimedFault
{
    /// <summary>When, ns on the shared timeline.</summary>
    public long TimeNs { get; init; }
    /// <summary>Host whose take recorded it.</summary>
    public string Host { get; init; } = "";
    /// <summary>Camera id, or null for the take as a whole.</summary>
    public string? Camera { get; init; }
    /// <summary>Where it happened.</summary>
    public TakeFaultSource Source { get; init; }
    /// <summary>What happened.</summary>
    public string Message { get; init; } = "";
}
