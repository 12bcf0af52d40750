using System.Globalization;
using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Commands.Jobs;
using PsCamSync.Core;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Timing;

namespace PsCamSync.Commands;

/// <summary>
/// Stop-SyncCapture: stops takes recording in this session's process, by name (wildcards), by job, or all; now, or
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

    private readonly HashSet<IRunningTake> _stopped = new(ReferenceEqualityComparer.Instance);
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

    /// <summary>Stops every take recording in this process.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    /// <summary>Stop before the first frame due at or after this time (the same on every host); default: now.</summary>
    [Parameter]
    [DateTimeOffsetTransformation]
    public DateTimeOffset? At { get; set; }

    /// <summary>Waits until each take is finalised and writes its result.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Checks -At once: it must be a time the shared timeline can hold.</summary>
    protected override void BeginProcessing()
    {
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
                foreach (var name in Name)
                {
                    var found = CaptureRegistry.Shared.Find(name);
                    if (found.Count == 0 && !NamePattern.HasWildcards(name))
                    {
                        var e = new PsCamSyncException($"No take named '{name}' is recording in this process. Running takes: {Running()}.");
                        WriteError(new ErrorRecord(e, "SyncCaptureNotFound", ErrorCategory.ObjectNotFound, name));
                    }
                    foreach (var entry in found)
                        StopOne(entry.Take);
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
                foreach (var entry in CaptureRegistry.Shared.List())
                    StopOne(entry.Take);
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
        if (!_stopped.Add(take))
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

    private static string Running()
    {
        var names = CaptureRegistry.Shared.List().Select(e => "'" + e.Name + "'").ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }
}
