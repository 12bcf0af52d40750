using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Core;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Recording;

namespace PsCamSync.Commands;

/// <summary>
/// Wait-SyncCapture: waits, from any session on the host, until takes are finalised, with a progress bar per take,
/// and writes each one's SyncTakeResult (with the take's faults as errors). A take that has already ended, or crashed,
/// is written at once: this is how the result of a take whose job was lost with its session is received again.
/// With -Timeout, writes the takes finalised in time and warns about the others, as Wait-Job does.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "SyncCapture")]
[OutputType(typeof(SyncTakeResult))]
public sealed class WaitSyncCaptureCommand : PsCamSyncCmdlet
{
    /// <summary>Names of the takes (wildcards allowed). For a name that several takes have had, the live ones, or the
    /// latest that ended.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CaptureNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>The take folder, to pick one take of a name exactly (bound from Get-SyncCapture output).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? TakePath { get; set; }

    /// <summary>Longest wait (a number is seconds); default: until every take is finalised.</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan? Timeout { get; set; }

    private HostTakeDirectory? _directory;
    private readonly List<RecorderTake> _takes = new();

    /// <summary>Opens the host's take folder.</summary>
    protected override void BeginProcessing()
    {
        if (Timeout is { } t && t < TimeSpan.Zero)
            ThrowCoreError(new InvalidCaptureArgumentException("Timeout", $"the timeout must not be negative; got {t}. Give e.g. -Timeout 60."), "SyncCaptureArgumentInvalid");
        try
        {
            _directory = HostTakeDirectory.Open();
        }
        catch (PsCamSyncException e)
        {
            ThrowCoreError(e, "SyncCaptureHostFolderUnusable", null, ErrorCategory.PermissionDenied);
        }
    }

    /// <summary>Finds the takes this record names.</summary>
    protected override void ProcessRecord()
    {
        IReadOnlyList<HostTakeEntry> entries;
        try
        {
            entries = _directory!.ReadAll();
        }
        catch (PsCamSyncException e)
        {
            ThrowCoreError(e, "SyncCaptureHostFolderUnreadable", _directory!.Path);
            return;
        }
        foreach (string pattern in Name)
        {
            var matching = entries.Where(e => NamePattern.IsMatch(e.Name, pattern) && e.Phase != RecorderPhase.StartFailed &&
                                              (TakePath is null || string.Equals(Path.TrimEndingDirectorySeparator(e.TakePath), Path.TrimEndingDirectorySeparator(TakePath), StringComparison.Ordinal)))
                .ToList();
            // Per name: the live takes, else the latest that ended (names are often reused take after take).
            var chosen = matching.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
                .SelectMany(g => g.Any(HostTakes.IsLive) ? g.Where(HostTakes.IsLive) : g.TakeLast(1));
            bool any = false;
            foreach (var entry in chosen)
            {
                any = true;
                if (_takes.All(t => t.Id != entry.Id))
                    _takes.Add(RecorderTake.Attach(_directory!, entry));
            }
            if (!any && !NamePattern.HasWildcards(pattern))
            {
                var e = new PsCamSyncException($"No take named '{pattern}'{(TakePath is null ? "" : $" in '{TakePath}'")} is registered on this host; Get-SyncCapture lists the takes there are.");
                WriteError(new ErrorRecord(e, "SyncCaptureNotFound", ErrorCategory.ObjectNotFound, pattern));
            }
        }
    }

    /// <summary>Waits and writes the results.</summary>
    protected override void EndProcessing()
    {
        try
        {
            var takes = _takes.Select(t => ((IRunningTake)t, t.Entry.PeriodNs)).ToList();
            bool all = WaitWithProgress(takes, Timeout);
            foreach (var take in _takes.Where(t => t.Completion.IsCompleted))
                WriteTakeResult(take, take.Completion.Result, allFaults: true);
            if (!all && !StopToken.IsCancellationRequested)
            {
                var left = _takes.Where(t => !t.Completion.IsCompleted).Select(t => $"'{t.Name}'");
                WriteWarning($"-Timeout {Timeout!.Value.TotalSeconds:0.###} s passed; still recording: {string.Join(", ", left)}.");
            }
        }
        finally
        {
            foreach (var take in _takes)
                take.Dispose();
        }
    }
}
