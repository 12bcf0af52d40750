using System.Globalization;
using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Commands.Jobs;
using PsCamSync.Core;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Recording;
using PsCamSync.Core.Timing;

namespace PsCamSync.Commands;

/// <summary>
/// Stop-SyncCapture: stops takes recording on this host, from any session of the same user (their recorder processes,
/// or a session's own -InProcess takes), by name (wildcards), by job, or all; now, or
/// with -At before the first frame due at or after a time on the shared timeline, so every host given the same -At
/// stops on the same frame. With -Wait it waits until each take is finalised and writes its SyncTakeResult.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "SyncCapture", SupportsShouldProcess = true, DefaultParameterSetName = NameSet)]
[OutputType(typeof(SyncTakeResult))]
public sealed class StopSyncCaptureCommand : PsCamSyncCmdlet
{
    private const string NameSet = "Name";
    private const string JobSet = "Job";
    private const string AllSet = "All";

    private readonly HashSet<string> _stopped = new(StringComparer.Ordinal); // take folders: one stop per take
    private readonly List<IRunningTake> _toWaitFor = new();

    /// <summary>Names of the takes to stop (wildcards allowed).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CaptureNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Capture jobs (from Start-SyncCapture or Get-Job) whose takes to stop.</summary>
    [Parameter(Mandatory = true, ParameterSetName = JobSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Job[] Job { get; set; } = Array.Empty<Job>();

    /// <summary>The take folder, to tell apart takes of the same name (bound from Get-SyncCapture and SyncTakeResult output).</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    public string? TakePath { get; set; }

    /// <summary>Stops every take recording on this host (of this user).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <summary>Stop before the first frame due at or after this time (the same on every host); default: now.</summary>
    [Parameter]
    [DateTimeOffsetTransformation]
    public DateTimeOffset? At { get; set; }

    /// <summary>Waits until each take is finalised and writes its result.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    private HostTakeDirectory? _directory;

    /// <summary>Checks -At once: it must be a time the shared timeline can hold.</summary>
    protected override void BeginProcessing()
    {
        if (ParameterSetName != JobSet)
        {
            try
            {
                _directory = HostTakeDirectory.Open();
            }
            catch (PsCamSyncException e)
            {
                ThrowCoreError(e, "SyncCaptureHostFolderUnusable", null, ErrorCategory.PermissionDenied);
            }
        }
        if (At is { } at && at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks > long.MaxValue / TimeSpan.NanosecondsPerTick)
            ThrowCoreError(new InvalidCaptureArgumentException("At",
                $"{at.ToString("o", CultureInfo.InvariantCulture)} is after the year 2262, which the shared timeline cannot represent; give a time such as (Get-Date).AddSeconds(5)."),
                "SyncCaptureArgumentInvalid");
    }

    /// <summary>Stops the takes this record names.</summary>
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case NameSet:
                var live = LiveTakes();
                foreach (var name in Name)
                {
                    var found = live.Where(e => NamePattern.IsMatch(e.Name, name) &&
                                                (TakePath is null || SamePath(e.TakePath, TakePath))).ToList();
                    if (found.Count == 0 && !NamePattern.HasWildcards(name))
                    {
                        var e = new PsCamSyncException($"No take named '{name}'{(TakePath is null ? "" : $" in '{TakePath}'")} is recording on this host. Running takes: {Running(live)}. Get-SyncCapture lists the takes that have ended.");
                        WriteError(new ErrorRecord(e, "SyncCaptureNotFound", ErrorCategory.ObjectNotFound, name));
                    }
                    foreach (var entry in found)
                        StopOne(RecorderTake.Attach(_directory!, entry));
                }
                break;
            case JobSet:
                foreach (var job in Job)
                {
                    if (job is SyncCaptureJob capture)
                    {
                        StopOne(capture.Take);
                    }
                    else
                    {
                        var e = new PsCamSyncException($"Job {job.Id} ('{job.Name}') is a {job.PSJobTypeName} job, not a capture job from Start-SyncCapture; use Stop-Job for it.");
                        WriteError(new ErrorRecord(e, "SyncCaptureJobExpected", ErrorCategory.InvalidArgument, job));
                    }
                }
                break;
            default:
                foreach (var entry in LiveTakes())
                    StopOne(RecorderTake.Attach(_directory!, entry));
                break;
        }
    }

    /// <summary>With -Wait: waits for each stopped take to be finalised and writes its result.</summary>
    protected override void EndProcessing()
    {
        if (!Wait)
            return;
        foreach (var take in _toWaitFor)
        {
            try
            {
                var manifest = take.Completion.WaitAsync(StopToken).GetAwaiter().GetResult();
                if (CoreErrors.FinalManifest(take) is { } notWritten)
                    WriteError(notWritten);
                WriteObject(new SyncTakeResult(manifest, take.TakePath));
            }
            catch (OperationCanceledException)
            {
                return; // Ctrl+C: stop waiting; the takes still finalise in the background.
            }
        }
    }

    private void StopOne(IRunningTake take)
    {
        if (!_stopped.Add(System.IO.Path.TrimEndingDirectorySeparator(take.TakePath)))
            return;
        if (take.Completion.IsCompleted)
        {
            WriteVerbose($"Take '{take.Name}' has already ended.");
            _toWaitFor.Add(take);
            return;
        }

        string when = At is { } at
            ? string.Format(CultureInfo.InvariantCulture, "Stop before the first frame at or after {0:yyyy-MM-dd HH:mm:ss.fffffff} UTC", at.UtcDateTime)
            : "Stop now";
        if (!ShouldProcess($"take '{take.Name}' ({take.TakePath})", when))
            return;
        try
        {
            long? atNs = At is { } t ? SharedTimeline.FromDateTimeOffset(t) : null;
            long nowNs = SharedTimeline.NowNs();
            take.Stop(atNs);
            if (atNs < nowNs)
            {
                var progress = take.GetProgress();
                WriteWarning(string.Format(CultureInfo.InvariantCulture,
                    "-At {0:yyyy-MM-dd HH:mm:ss.fffffff} UTC is {1:0.###} s in the past, so take '{2}' stops at its next frame (it ends before frame {3}); frames already triggered stay in the take. Give every host the same -At in the future to stop them on the same frame.",
                    At!.Value.UtcDateTime, (nowNs - atNs.Value) / 1e9, take.Name, progress.EndFrameIndex));
            }
            _toWaitFor.Add(take);
        }
        catch (PsCamSyncException e)
        {
            WriteCoreError(e, "SyncCaptureStopFailed", take.Name, ErrorCategory.WriteError);
        }
    }

    private List<HostTakeEntry> LiveTakes()
    {
        try
        {
            return _directory!.ReadAll().Where(HostTakes.IsLive).ToList();
        }
        catch (PsCamSyncException e)
        {
            ThrowCoreError(e, "SyncCaptureHostFolderUnreadable", _directory!.Path);
            throw; // not reached
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(System.IO.Path.TrimEndingDirectorySeparator(a), System.IO.Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);

    private static string Running(IReadOnlyList<HostTakeEntry> live) =>
        live.Count == 0 ? "none" : string.Join(", ", live.Select(e => "'" + e.Name + "'"));
}
