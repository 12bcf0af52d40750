using System.Management.Automation;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;

namespace PsCamSync.Commands.Jobs;

/// <summary>
/// One camera of a <see cref="SyncCaptureJob"/> (see <c>Get-Job -IncludeChildJob</c> or <c>$job.ChildJobs</c>): the
/// camera, its frame counts once the take is finalised, and the faults recorded for it as errors. It ends with its
/// parent; a camera job in the Failed state had faults.
/// </summary>
public sealed class SyncCaptureCameraJob : Job
{
    private readonly string _location;
    private volatile string _status = "Recording";

    internal SyncCaptureCameraJob(string command, CameraInfo camera, string location)
        : base(command, camera.Id)
    {
        Camera = camera;
        _location = location;
        PSJobTypeName = SyncCaptureJob.JobTypeName;
        JobStreams.NeverBlocking(this);
    }

    /// <summary>The camera, as discovery described it when the take started.</summary>
    public CameraInfo Camera { get; }

    /// <summary>Camera id.</summary>
    public string CameraId => Camera.Id;

    /// <summary>Frame accounting of this camera once the take is finalised, else null.</summary>
    public FrameCounts? Counts { get; private set; }

    /// <summary>Frames captured of frames expected, once known.</summary>
    public override string StatusMessage => _status;

    /// <summary>Host name of the machine recording the take.</summary>
    public override string Location => _location;

    /// <summary>True while errors (faults) are waiting to be received.</summary>
    public override bool HasMoreData => JobStreams.HasData(this);

    /// <summary>Not supported: the cameras of a take stop together; stop the parent job.</summary>
    public override void StopJob() =>
        throw new PSNotSupportedException("The cameras of a take stop together: stop the parent job (Stop-Job) or use Stop-SyncCapture.");

    internal void SetState(JobState state) => SetJobState(state);

    internal void Finish(TakeCamera? camera, IReadOnlyList<ErrorRecord> faults, JobState takeState)
    {
        Counts = camera?.Counts;
        foreach (var fault in faults)
            Error.Add(fault);
        _status = Counts is { } c
            ? $"{c.Captured} of {c.Expected} frames captured, {c.TriggerMissed + c.TriggerLate + c.Dropped + c.CameraLost} lost, {c.Incomplete} incomplete" + (c.CameraLost > 0 ? $" ({c.CameraLost} while the camera was not answering)" : "")
            : "No frame counts recorded";
        SetJobState(faults.Count > 0 ? JobState.Failed : takeState);
    }
}
