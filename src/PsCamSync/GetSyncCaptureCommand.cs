using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Core;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Recording;
using PsCamSync.Core.Takes;

namespace PsCamSync.Commands;

/// <summary>
/// Get-SyncCapture: lists the takes on this host of this user, from any session: those recording (in their recorder
/// processes, or inside a session with -InProcess) with their progress, and those that ended, with how they ended
/// (Completed, Stopped, Faulted, or Crashed when the recorder died without finalising) and their frame counts.
/// Oldest first.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SyncCapture")]
[OutputType(typeof(SyncCaptureInfo))]
public sealed class GetSyncCaptureCommand : PsCamSyncCmdlet
{
    /// <summary>Take names to list (wildcards allowed); all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CaptureNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only takes in these states (Recording, Completed, Stopped, Faulted, Crashed).</summary>
    [Parameter]
    public TakeState[]? State { get; set; }

    private HostTakeDirectory? _directory;
    private IReadOnlyList<HostTakeEntry> _entries = Array.Empty<HostTakeEntry>();
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>Reads the host's take entries once.</summary>
    protected override void BeginProcessing()
    {
        try
        {
            _directory = HostTakeDirectory.Open();
            _entries = _directory.ReadAll();
        }
        catch (PsCamSyncException e)
        {
            ThrowCoreError(e, "SyncCaptureHostFolderUnusable", null, ErrorCategory.PermissionDenied);
        }
    }

    /// <summary>Writes the takes whose names match.</summary>
    protected override void ProcessRecord()
    {
        foreach (string pattern in Name ?? new[] { "*" })
        {
            bool any = false;
            foreach (var entry in _entries.Where(e => NamePattern.IsMatch(e.Name, pattern)))
            {
                any = true;
                if (!_written.Add(entry.Id))
                    continue;
                var status = HostTakes.Describe(entry);
                if (State is { Length: > 0 } states && !states.Contains(status.State))
                    continue;
                WriteObject(new SyncCaptureInfo(status));
            }
            if (!any && !NamePattern.HasWildcards(pattern))
            {
                var e = new PsCamSyncException($"No take named '{pattern}' is registered on this host (folder {_directory!.Path}). Get-SyncCapture without -Name lists them all.");
                WriteError(new ErrorRecord(e, "SyncCaptureNotFound", ErrorCategory.ObjectNotFound, pattern));
            }
        }
    }
}
