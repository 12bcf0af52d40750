namespace PsCamSync.Core.Analysis;

// STUB (skeleton): the analysis helper replaces the bodies; signatures are the contract.

/// <summary>Distribution of cross-camera skew (max − min of one time kind within a frame set), ns.</summary>
public sealed class SkewStatistics
{
    /// <summary>Which times: <c>Scheduled</c>, <c>Trigger</c> or <c>Device</c>.</summary>
    public string Kind { get; init; } = "";
    /// <summary>Frame sets with at least two cameras' values.</summary>
    public long FrameSets { get; init; }
    /// <summary>Median skew, ns.</summary>
    public long P50Ns { get; init; }
    /// <summary>99th percentile skew, ns (nearest-rank).</summary>
    public long P99Ns { get; init; }
    /// <summary>Largest skew, ns.</summary>
    public long MaxNs { get; init; }
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
    /// <summary>Slots without pixels: trigger missed or dropped.</summary>
    public long Missing { get; init; }
    /// <summary>Of <see cref="Missing"/>, frames dropped because the ring was full.</summary>
    public long Dropped { get; init; }
    /// <summary>Triggers skipped as late.</summary>
    public long Late { get; init; }
    /// <summary>Incomplete frames.</summary>
    public long Incomplete { get; init; }
    /// <summary>Mean device-timestamp interval between frames of consecutive indexes, ns.</summary>
    public double IntervalMeanNs { get; init; }
    /// <summary>Standard deviation of that interval, ns.</summary>
    public double IntervalStdDevNs { get; init; }
    /// <summary>Mean of (device timestamp − scheduled time) over captured frames, ns: the camera clock's apparent offset.</summary>
    public double DeviceOffsetMeanNs { get; init; }
}

/// <summary>The analysis of one take folder.</summary>
public sealed class TakeReport
{
    /// <summary>Take name.</summary>
    public string Take { get; init; } = "";
    /// <summary>Take folder.</summary>
    public string Path { get; init; } = "";
    /// <summary>Host that recorded it.</summary>
    public string Host { get; init; } = "";
    /// <summary>How frames were matched across cameras: <c>Index</c> or <c>NearestDeviceTimestamp</c>.</summary>
    public string MatchedBy { get; init; } = "";
    /// <summary>Frame sets in which every camera has a captured frame.</summary>
    public long CompleteFrameSets { get; init; }
    /// <summary>Frame sets scheduled.</summary>
    public long ExpectedFrameSets { get; init; }
    /// <summary>Per-camera accounting and intervals.</summary>
    public IReadOnlyList<CameraReport> Cameras { get; init; } = Array.Empty<CameraReport>();
    /// <summary>Skew of scheduled times (0 on one host; non-zero across hosts with different grids).</summary>
    public SkewStatistics ScheduledSkew { get; init; } = new();
    /// <summary>Skew of trigger issue times.</summary>
    public SkewStatistics TriggerSkew { get; init; } = new();
    /// <summary>Skew of device timestamps.</summary>
    public SkewStatistics DeviceSkew { get; init; } = new();
    /// <summary>Faults recorded in the take.</summary>
    public IReadOnlyList<string> Faults { get; init; } = Array.Empty<string>();
}

/// <summary>Reads a take folder back and computes its <see cref="TakeReport"/>.</summary>
public static class TakeAnalyzer
{
    /// <summary>Analyses the take folder at <paramref name="takePath"/>.</summary>
    /// <param name="matchBy">"Index" (default when frames carry schedule indexes) or "NearestDeviceTimestamp".</param>
    /// <exception cref="TakeFolderException">The folder is not a readable take.</exception>
    public static TakeReport Analyze(string takePath, string? matchBy = null) => throw new NotImplementedException();

    /// <summary>
    /// Analyses several take folders of one shoot (one per host, same schedule) as one take: frame sets span every
    /// camera of every folder.
    /// </summary>
    /// <exception cref="TakeFolderException">A folder is not a readable take, or the schedules differ.</exception>
    public static TakeReport Analyze(IReadOnlyList<string> takePaths, string? matchBy = null) => throw new NotImplementedException();
}
