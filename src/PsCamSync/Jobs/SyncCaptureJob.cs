using System.ComponentModel;
using System.Management.Automation;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Commands.Jobs;

/// <summary>
/// A take recording in the background, as a PowerShell job: <c>Get-Job</c>, <c>Wait-Job</c>, <c>Receive-Job</c>,
/// <c>Stop-Job</c> and <c>Remove-Job</c> work on it. One child job per camera carries that camera's frame counts and
/// faults. While recording, the job's Progress stream gets the countdown to T0 and then frames fired, captured and
/// lost; when the take is finalised its Output gets one <see cref="SyncTakeResult"/> (pipe it to Measure-SyncTake),
/// faults recorded in the take arrive as errors, and the state becomes Completed, Stopped or Failed (faulted take).
/// </summary>
/// <remarks>Shape after PowerShell/ThreadJob's ThreadJob: a Job2 registered through a JobSourceAdapter.</remarks>
public sealed class SyncCaptureJob : Job2
{
    /// <summary>The PSJobTypeName of capture jobs.</summary>
    public const string JobTypeName = "SyncCaptureJob";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    private readonly IRunningTake _take;
    private readonly FrameSchedule _schedule;
    private readonly string _location = System.Net.Dns.GetHostName();
    private Task _monitor = Task.CompletedTask;
    private volatile string _status = "Not started";
    private int _stopRequested;

    internal SyncCaptureJob(string command, IRunningTake take, FrameSchedule schedule, IReadOnlyList<CameraInfo> cameras)
        : base(command, take.Name)
    {
        _take = take;
        _schedule = schedule;
        PSJobTypeName = JobTypeName;
        TakePath = take.TakePath;
        StartTime = SharedTimeline.ToDateTimeOffset(schedule.StartNs);
        FrameRate = schedule.FrameRateHz;
        Cameras = cameras.Select(c => c.Id).ToArray();
        JobStreams.NeverBlocking(this);
        foreach (var camera in cameras)
            ChildJobs.Add(new SyncCaptureCameraJob(command, camera, _location));
    }

    /// <summary>Take folder on <see cref="Location"/>.</summary>
    public string TakePath { get; }

    /// <summary>When frame 0 is due (T0), UTC.</summary>
    public DateTimeOffset StartTime { get; }

    /// <summary>Frame rate of the schedule, Hz.</summary>
    public double FrameRate { get; }

    /// <summary>Camera ids, in capture order.</summary>
    public string[] Cameras { get; }

    /// <summary>The result once the take is finalised (also written to Output), else null.</summary>
    public SyncTakeResult? Result { get; private set; }

    /// <summary>The running take, for Stop-SyncCapture.</summary>
    internal IRunningTake Take => _take;

    /// <summary>The latest progress line.</summary>
    public override string StatusMessage => _status;

    /// <summary>Host name of the machine recording the take.</summary>
    public override string Location => _location;

    /// <summary>True while this job or a camera job holds records not yet received.</summary>
    public override bool HasMoreData => JobStreams.HasData(this) || ChildJobs.Any(c => c.HasMoreData);

    /// <summary>Adds the job to the session's job table through <see cref="SyncCaptureJobSourceAdapter"/>.</summary>
    internal void Register(JobManager jobManager)
    {
        var definition = new JobDefinition(typeof(SyncCaptureJobSourceAdapter), Command, Name);
        var parameters = new Dictionary<string, object> { [SyncCaptureJobSourceAdapter.JobParameter] = this };
        jobManager.NewJob(new JobInvocationInfo(definition, parameters));
    }

    /// <summary>Marks the job running and starts following the take.</summary>
    internal void Begin()
    {
        SetJobState(JobState.Running);
        foreach (var child in CameraJobs)
            child.SetState(JobState.Running);
        _monitor = Task.Run(FollowAsync);
    }

    /// <summary>Not supported: the capture starts when Start-SyncCapture creates the job.</summary>
    public override void StartJob() =>
        throw new PSInvalidOperationException("A capture job starts when Start-SyncCapture creates it; it cannot be started again.");

    /// <summary>Not supported: see <see cref="StartJob"/>.</summary>
    public override void StartJobAsync() => StartJob();

    /// <summary>Stops the take now and waits until it is finalised.</summary>
    public override void StopJob()
    {
        RequestStop();
        _monitor.Wait();
    }

    /// <summary>Stops the take now and waits until it is finalised.</summary>
    public override void StopJob(bool force, string reason) => StopJob();

    /// <summary>Stops the take now; raises StopJobCompleted once it is finalised (Stop-Job waits for that).</summary>
    public override void StopJobAsync()
    {
        RequestStop();
        _monitor.ContinueWith(_ => OnStopJobCompleted(new AsyncCompletedEventArgs(null, false, null)), TaskScheduler.Default);
    }

    /// <summary>Stops the take now; raises StopJobCompleted once it is finalised.</summary>
    public override void StopJobAsync(bool force, string reason) => StopJobAsync();

    /// <summary>Not supported: a take cannot pause.</summary>
    public override void SuspendJob() => throw NotSupported("suspended");
    /// <summary>Not supported: a take cannot pause.</summary>
    public override void SuspendJob(bool force, string reason) => throw NotSupported("suspended");
    /// <summary>Not supported: a take cannot pause.</summary>
    public override void SuspendJobAsync() => throw NotSupported("suspended");
    /// <summary>Not supported: a take cannot pause.</summary>
    public override void SuspendJobAsync(bool force, string reason) => throw NotSupported("suspended");
    /// <summary>Not supported: a take cannot pause.</summary>
    public override void ResumeJob() => throw NotSupported("resumed");
    /// <summary>Not supported: a take cannot pause.</summary>
    public override void ResumeJobAsync() => throw NotSupported("resumed");
    /// <summary>Not supported: a capture job never blocks.</summary>
    public override void UnblockJob() => throw NotSupported("unblocked");
    /// <summary>Not supported: a capture job never blocks.</summary>
    public override void UnblockJobAsync() => throw NotSupported("unblocked");

    /// <summary>
    /// When the job is removed: a take in this session's process (-InProcess) is stopped, without waiting; a take in a
    /// recorder process goes on (it belongs to the host; Get-SyncCapture still finds it), and the job stops following it.
    /// </summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_take.OutlivesSession)
            RequestStop();
        base.Dispose(disposing);
    }

    private IEnumerable<SyncCaptureCameraJob> CameraJobs => ChildJobs.OfType<SyncCaptureCameraJob>();

    private static PSNotSupportedException NotSupported(string what) => new($"A capture job cannot be {what}.");

    private void RequestStop()
    {
        if (_take.Completion.IsCompleted || Interlocked.Exchange(ref _stopRequested, 1) == 1)
            return;
        try
        {
            _take.Stop();
        }
        catch (PsCamSyncException e)
        {
            Error.Add(CoreErrors.Record(e, "CaptureJobStopFailed", Name, ErrorCategory.WriteError));
        }
    }

    private async Task FollowAsync()
    {
        int lastPercent = int.MinValue;
        var lastWritten = DateTime.MinValue;
        bool progressFailed = false;
        while (!_take.Completion.IsCompleted)
        {
            try
            {
                var view = CaptureProgressView.Describe(_take.GetProgress(), _schedule.PeriodNs);
                _status = view.Status;
                if (view.PercentComplete != lastPercent || DateTime.UtcNow - lastWritten >= ProgressEvery)
                {
                    Progress.Add(ProgressRecordFor(view, ProgressRecordType.Processing));
                    lastPercent = view.PercentComplete;
                    lastWritten = DateTime.UtcNow;
                }
            }
            catch (Exception e)
            {
                // Progress is only a view; the take goes on. Record the first failure, not one per poll.
                if (!progressFailed)
                    Error.Add(new ErrorRecord(e, "CaptureJobProgressFailed", ErrorCategory.NotSpecified, Name));
                progressFailed = true;
            }
            await Task.WhenAny(_take.Completion, Task.Delay(PollInterval)).ConfigureAwait(false);
        }

        TakeManifest? manifest = null;
        try
        {
            manifest = await _take.Completion.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Error.Add(e is PsCamSyncException p
                ? CoreErrors.Record(p, "CaptureJobFailed", Name, ErrorCategory.WriteError)
                : new ErrorRecord(e, "CaptureJobFailed", ErrorCategory.NotSpecified, Name));
        }
        try
        {
            _take.Dispose();
        }
        catch (Exception e)
        {
            Error.Add(new ErrorRecord(e, "CaptureJobCleanupFailed", ErrorCategory.NotSpecified, Name));
        }
        Finish(manifest);
    }

    private void Finish(TakeManifest? manifest)
    {
        if (manifest is null)
        {
            _status = "Failed: the take did not report its end";
            foreach (var child in CameraJobs)
                child.Finish(null, Array.Empty<ErrorRecord>(), JobState.Failed);
            SetJobState(JobState.Failed);
            return;
        }

        Result = new SyncTakeResult(manifest, TakePath);
        foreach (var fault in manifest.Faults.Where(f => f.Camera is null))
            Error.Add(CoreErrors.Fault(fault, Name));
        var notWritten = CoreErrors.FinalManifest(_take);
        if (notWritten is not null)
            Error.Add(notWritten);
        var state = notWritten is not null ? JobState.Failed : manifest.State switch
        {
            TakeState.Completed => JobState.Completed,
            TakeState.Stopped => JobState.Stopped,
            _ => JobState.Failed,
        };
        foreach (var child in CameraJobs)
        {
            var camera = manifest.Cameras.FirstOrDefault(c => string.Equals(c.Id, child.CameraId, StringComparison.Ordinal));
            var faults = manifest.Faults.Where(f => string.Equals(f.Camera, child.CameraId, StringComparison.Ordinal))
                .Select(f => CoreErrors.Fault(f, Name)).ToList();
            child.Finish(camera, faults, state);
        }

        var end = new CaptureProgress(Name, manifest.State, manifest.EndFrameIndex, manifest.FirstFrameIndex,
            manifest.EndFrameIndex, Result.Captured, Result.Lost, 0);
        var view = CaptureProgressView.Describe(end, _schedule.PeriodNs);
        _status = view.Status;
        Progress.Add(ProgressRecordFor(view, ProgressRecordType.Completed));
        Output.Add(PSObject.AsPSObject(Result));
        SetJobState(state);
    }

    private ProgressRecord ProgressRecordFor(CaptureProgressView view, ProgressRecordType type) =>
        new(Id, $"Sync capture '{Name}' on {_location}", view.Status)
        {
            PercentComplete = view.PercentComplete,
            SecondsRemaining = view.SecondsRemaining,
            RecordType = type,
        };
}
