using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Commands;

/// <summary>
/// What a finished take left behind: written by <c>Start-SyncCapture -Wait</c>, <c>Receive-Job</c> on a capture job
/// and <c>Stop-SyncCapture -Wait</c>. <see cref="TakePath"/> binds to <c>Measure-SyncTake -Path</c> through the pipeline.
/// Plain data, so it survives Invoke-Command (the manifest travels as a nested object; see the types file).
/// </summary>
public sealed class SyncTakeResult
{
    internal SyncTakeResult(TakeManifest manifest, string takePath)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        Name = manifest.Name;
        Host = manifest.Host;
        TakePath = takePath;
        State = manifest.State;
        StartTime = manifest.Schedule is { } s ? SharedTimeline.ToDateTimeOffset(s.StartNs) : null;
        FrameRate = manifest.Schedule?.FrameRateHz ?? 0;
        FirstFrameIndex = manifest.FirstFrameIndex;
        EndFrameIndex = manifest.EndFrameIndex;
        Cameras = manifest.Cameras.Select(c => c.Id).ToArray();
        foreach (var c in manifest.Cameras)
        {
            Expected += c.Counts.Expected;
            Captured += c.Counts.Captured;
            Incomplete += c.Counts.Incomplete;
            Lost += LostOf(c.Counts);
        }
        Faults = manifest.Faults.Count;
        TriggerMode = manifest.TriggerMode.ToString();
    }

    /// <summary>Slots without pixels among <paramref name="counts"/>: trigger missed, trigger late, dropped, write failed,
    /// camera lost (what <see cref="Lost"/> and <see cref="SyncCaptureInfo.Lost"/> sum over the cameras).</summary>
    internal static long LostOf(FrameCounts counts) =>
        counts.TriggerMissed + counts.TriggerLate + counts.Dropped + counts.WriteFailed + counts.CameraLost;

    /// <summary>Take name.</summary>
    public string Name { get; }

    /// <summary>Host that recorded the take.</summary>
    public string Host { get; }

    /// <summary>How the frames were started: Software, Action, ScheduledAction or CameraScheduler (a string, so that it
    /// compares by name after Invoke-Command too).</summary>
    public string TriggerMode { get; }

    /// <summary>How the take ended: Completed, Stopped or Faulted.</summary>
    public TakeState State { get; }

    /// <summary>Take folder on <see cref="Host"/>.</summary>
    public string TakePath { get; }

    /// <summary>When frame 0 was due (T0), UTC; null when the manifest has no schedule.</summary>
    public DateTimeOffset? StartTime { get; }

    /// <summary>Frame rate of the schedule, Hz.</summary>
    public double FrameRate { get; }

    /// <summary>First schedule index this host recorded (above 0 when it joined late).</summary>
    public long FirstFrameIndex { get; }

    /// <summary>One past the last schedule index this host recorded.</summary>
    public long EndFrameIndex { get; }

    /// <summary>Camera ids, in capture order.</summary>
    public string[] Cameras { get; }

    /// <summary>Frame slots scheduled, all cameras.</summary>
    public long Expected { get; }

    /// <summary>Complete frames written, all cameras.</summary>
    public long Captured { get; }

    /// <summary>Frames written with missing data, all cameras.</summary>
    public long Incomplete { get; }

    /// <summary>Slots without pixels (trigger missed, trigger late, dropped, write failed, camera lost), all cameras.</summary>
    public long Lost { get; }

    /// <summary>Faults recorded in the take (details in <see cref="Manifest"/>).</summary>
    public int Faults { get; }

    /// <summary>The take's final <c>take.json</c>.</summary>
    public TakeManifest Manifest { get; }
}
