using PsCamSync.Core.Recording;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Commands;

/// <summary>
/// One take on a host as Get-SyncCapture lists it: recording (with its progress), or how it ended (Completed,
/// Stopped, Faulted, or Crashed when its recorder died without finalising it) with its frame counts. Plain data, so it
/// survives Invoke-Command; <see cref="Name"/> and <see cref="TakePath"/> bind to Stop-SyncCapture and Wait-SyncCapture
/// through the pipeline, and <see cref="TakePath"/> to Measure-SyncTake.
/// </summary>
public sealed class SyncCaptureInfo
{
    internal SyncCaptureInfo(HostTakeStatus status)
    {
        var entry = status.Entry;
        Host = entry.Recorder?.Host ?? entry.Launcher?.Host ?? Environment.MachineName;
        Name = entry.Name;
        TakeId = entry.Id;
        TakePath = entry.TakePath;
        State = status.State;
        IsRecording = status.IsLive;
        InProcess = entry.InProcess;
        ProcessId = entry.Recorder?.ProcessId ?? 0;
        Cameras = entry.Cameras.Select(c => c.Id).ToArray();
        StartTime = entry.StartNs != 0 ? SharedTimeline.ToDateTimeOffset(entry.StartNs) : null;
        FrameRate = entry.PeriodNs > 0 ? 1e9 / entry.PeriodNs : 0;
        Problem = status.Problem;
        if (status.Progress is { } p)
        {
            PercentComplete = p.PercentComplete;
            FirstFrameIndex = p.FirstFrameIndex;
            NextFrameIndex = p.NextFrameIndex;
            EndFrameIndex = p.EndFrameIndex;
            Captured = p.Captured;
            Lost = p.Lost;
        }
        else if (status.Manifest is { } m)
        {
            PercentComplete = 100;
            FirstFrameIndex = m.FirstFrameIndex;
            NextFrameIndex = m.EndFrameIndex;
            EndFrameIndex = m.EndFrameIndex;
            foreach (var c in m.Cameras)
            {
                Expected += c.Counts.Expected;
                Captured += c.Counts.Captured;
                Incomplete += c.Counts.Incomplete;
                Lost += SyncTakeResult.LostOf(c.Counts);
            }
            Faults = m.Faults.Count;
            StopReason = m.StopReason;
        }
    }

    /// <summary>Host that records (or recorded) the take.</summary>
    public string Host { get; }

    /// <summary>Take name.</summary>
    public string Name { get; }

    /// <summary>Recording while its recorder runs; else Completed, Stopped, Faulted, or Crashed.</summary>
    public TakeState State { get; }

    /// <summary>Percentage of the take's frame slots fired (100 once ended).</summary>
    public int PercentComplete { get; }

    /// <summary>Complete frames written so far (all cameras).</summary>
    public long Captured { get; }

    /// <summary>Slots without pixels so far (all cameras).</summary>
    public long Lost { get; }

    /// <summary>Frame slots scheduled (all cameras), once ended; 0 while recording.</summary>
    public long Expected { get; }

    /// <summary>Frames written with missing data (all cameras), once ended.</summary>
    public long Incomplete { get; }

    /// <summary>Faults recorded in the take, once ended.</summary>
    public int Faults { get; }

    /// <summary>When frame 0 is due (T0), UTC; null before the take started.</summary>
    public DateTimeOffset? StartTime { get; }

    /// <summary>Frame rate, Hz (0 before the take started).</summary>
    public double FrameRate { get; }

    /// <summary>First schedule index of this host's take.</summary>
    public long FirstFrameIndex { get; }

    /// <summary>The next index to fire (the end index once ended).</summary>
    public long NextFrameIndex { get; }

    /// <summary>One past the last index (moves earlier after a scheduled stop).</summary>
    public long EndFrameIndex { get; }

    /// <summary>Camera ids.</summary>
    public string[] Cameras { get; }

    /// <summary>Take folder on <see cref="Host"/>.</summary>
    public string TakePath { get; }

    /// <summary>True while the recorder process runs.</summary>
    public bool IsRecording { get; }

    /// <summary>True for a take recording inside a session's process (Start-SyncCapture -InProcess).</summary>
    public bool InProcess { get; }

    /// <summary>The recorder's process id (for an -InProcess take, that session's process).</summary>
    public int ProcessId { get; }

    /// <summary>Why an ended take stopped early, or why a crashed one reads as crashed.</summary>
    public string? StopReason { get; }

    /// <summary>What could not be found out about the take (folder gone, recorder not answering), else null.</summary>
    public string? Problem { get; }

    /// <summary>The take's id on its host.</summary>
    public string TakeId { get; }
}
