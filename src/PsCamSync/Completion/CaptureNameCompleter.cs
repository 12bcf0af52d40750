using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsCamSync.Core;
using PsCamSync.Core.Recording;

namespace PsCamSync.Commands.Completion;

/// <summary>Completes the names of the takes registered on this host (recording first), for the -Name of
/// Stop-SyncCapture, Wait-SyncCapture and Get-SyncCapture.</summary>
public sealed class CaptureNameCompleter : IArgumentCompleter
{
    /// <summary>Names of takes that start with the word typed: those recording, then (except for Stop-SyncCapture) those
    /// that ended, newest first.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IReadOnlyList<HostTakeEntry> entries;
        try
        {
            entries = HostTakeDirectory.Open().ReadAll();
        }
        catch (PsCamSyncException)
        {
            return Array.Empty<CompletionResult>(); // completion offers nothing; the command itself reports the folder's problem
        }
        string prefix = Completions.Prefix(wordToComplete);
        bool liveOnly = string.Equals(commandName, "Stop-SyncCapture", StringComparison.OrdinalIgnoreCase); // only a recording take can stop
        var names = entries.Reverse().Where(e => !liveOnly || HostTakes.IsLive(e)).OrderByDescending(HostTakes.IsLive).Select(e => e.Name)
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return Completions.Matching(names, wordToComplete, "Take ");
    }
}
