using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Analysis;

/// <summary>Which time of each frame a <see cref="SkewStatistics"/> compares across cameras.</summary>
public enum SkewKind
{
    /// <summary>The slot's scheduled time Tn (the same on every host that shares the schedule: 0 skew).</summary>
    Scheduled,
    /// <summary>When the host sent the trigger (software trigger or action command), on the shared timeline.</summary>
    Trigger,
    /// <summary>The camera's own exposure-start timestamp, as the camera reported it (its clock, not mapped).</summary>
    Device,
    /// <summary>The device timestamp mapped onto the shared timeline through the camera's clock model.</summary>
    MappedDevice,
}

/// <summary>
/// Distribution of cross-camera skew (max − min of one time kind within a frame set, over the cameras that have a
/// non-zero value of that kind; only sets with at least two such values count), ns.
/// </summary>
public sealed class SkewStatistics
{
    /// <summary>Which times are compared.</summary>
    public SkewKind Kind { get; init; }
    /// <summary>Frame sets with at least two cameras' values.</summary>
    public long FrameSets { get; init; }
    /// <summary>Median skew, ns.</summary>
    public long P50Ns { get; init; }
    /// <summary>99th percentile skew, ns (nearest-rank).</summary>
    public long P99Ns { get; init; }
    /// <summary>Largest skew, ns.</summary>
    public long MaxNs { get; init; }
}

/// <summary>How the analysis matches the frames of different cameras into frame sets.</summary>
public enum FrameMatchMethod
{
    /// <summary>Rows with the same schedule index n, on every host: the identity of a frame set wherever frames carry it.</summary>
    Index,
    /// <summary>
    /// For cameras whose frames carry no schedule index (they cannot be triggered): the first camera of the first folder is
    /// the reference, and every other camera joins with its frame of nearest device timestamp within half a period.
    /// </summary>
    NearestDeviceTimestamp,
}

/// <summary>One camera's part of a take report.</summary>
public sealed class CameraReport
{
    /// <summary>Take name.</summary>
    public string Take { get; init; } = "";
    /// <summary>Host that recorded the take.</summary>
    public string Host { get; init; } = "";
    /// <summary>Camera id.</summary>
    public string CameraId { get; init; } = "";
    /// <summary>Slots scheduled.</summary>
    public long Expected { get; init; }
    /// <summary>Complete frames.</summary>
    public long Captured { get; init; }
    /// <summary>Slots without pixels: trigger missed, dropped, or write failed.</summary>
    public long Missing { get; init; }
    /// <summary>Of <see cref="Missing"/>, frames dropped because the ring was full.</summary>
    public long Dropped { get; init; }
    /// <summary>Of <see cref="Missing"/>, frames that arrived but whose pixels could not be written (disk full, I/O error).</summary>
    public long WriteFailed { get; init; }
    /// <summary>Triggers skipped as late.</summary>
    public long Late { get; init; }
    /// <summary>Slots not triggered because the camera had stopped answering (status CameraLost).</summary>
    public long CameraLost { get; init; }
    /// <summary>Incomplete frames.</summary>
    public long Incomplete { get; init; }
    /// <summary>
    /// Mean device-timestamp interval between frames of consecutive indexes, ns (every row with a device timestamp
    /// counts: Captured, Incomplete and Dropped). With <c>NearestDeviceTimestamp</c> matching: between consecutive
    /// device timestamps at most 1.5 periods apart. 0 without any interval.
    /// </summary>
    public double IntervalMeanNs { get; init; }
    /// <summary>Population standard deviation of that interval (divides by <see cref="IntervalCount"/>), ns.</summary>
    public double IntervalStdDevNs { get; init; }
    /// <summary>Intervals measured.</summary>
    public long IntervalCount { get; init; }
    /// <summary>
    /// Mean of (device timestamp − scheduled time) over frames that arrived with pixels (Captured and Incomplete), ns:
    /// the camera clock's apparent offset plus its trigger-to-exposure latency. 0 without such frames.
    /// </summary>
    public double DeviceOffsetMeanNs { get; init; }
    /// <summary>
    /// Mean of (exposure start mapped onto the shared timeline by the camera's recorded clock model − scheduled time)
    /// over the same frames, ns: when the camera really exposed, relative to Tn. Null without a clock model.
    /// </summary>
    public double? MappedOffsetMeanNs { get; init; }
}

/// <summary>The analysis of one take folder.</summary>
public sealed class TakeReport
{
    /// <summary>Take name (several folders: their distinct names joined with ", ").</summary>
    public string Take { get; init; } = "";
    /// <summary>Take folder (several folders: their full paths joined with "; ").</summary>
    public string Path { get; init; } = "";
    /// <summary>Host that recorded it (several folders: their distinct hosts joined with ", ").</summary>
    public string Host { get; init; } = "";
    /// <summary>How frames were matched across cameras.</summary>
    public FrameMatchMethod MatchedBy { get; init; }
    /// <summary>How the frames were started (take.json TriggerMode): Software, Action, ScheduledAction or CameraScheduler; for
    /// several folders that differ, each distinct mode with its host ("pi-a Action, pi-b Software").</summary>
    public string TriggerMode { get; init; } = "";
    /// <summary>
    /// The take's state: as its <c>take.json</c> says, except <see cref="TakeState.Crashed"/> for a take left in
    /// Recording whose recorder process is gone (its counts are then rebuilt from the frames tables). Several folders:
    /// the first of Crashed, Recording, Faulted, Stopped that any has, else Completed.
    /// </summary>
    public TakeState State { get; init; }
    /// <summary>Frame sets in which every camera has a frame with status Captured.</summary>
    public long CompleteFrameSets { get; init; }
    /// <summary>Frame sets scheduled: the indexes in the union of every folder's [FirstFrameIndex, EndFrameIndex).</summary>
    public long ExpectedFrameSets { get; init; }
    /// <summary>Per-camera accounting and intervals.</summary>
    public IReadOnlyList<CameraReport> Cameras { get; init; } = Array.Empty<CameraReport>();
    /// <summary>Skew of scheduled times (0 on one host; non-zero across hosts with different grids).</summary>
    public SkewStatistics ScheduledSkew { get; init; } = new();
    /// <summary>Skew of trigger issue times.</summary>
    public SkewStatistics TriggerSkew { get; init; } = new();
    /// <summary>Skew of device timestamps, raw (each on its own camera clock).</summary>
    public SkewStatistics DeviceSkew { get; init; } = new();
    /// <summary>
    /// Skew of exposure starts on the shared timeline: device timestamps mapped through each camera's recorded clock
    /// model (cameras without one take no part). The closest measure of whether the frames line up.
    /// </summary>
    public SkewStatistics MappedDeviceSkew { get; init; } = new();
    /// <summary>
    /// Faults recorded in the take manifests, then problems the analysis found (a take still Recording, a torn last row,
    /// slots without a row, counts that disagree), each prefixed with host and take.
    /// </summary>
    public IReadOnlyList<string> Faults { get; init; } = Array.Empty<string>();
}
