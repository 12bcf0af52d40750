using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;

namespace PsCamSync.Commands.Completion;

/// <summary>
/// Completes camera ids for <c>Start-SyncCapture -CameraId</c> by discovery, with the rules of Get-SyncCamera: the
/// backends named by an already typed <c>-Backend</c>, else every available real backend (simulated cameras only when
/// <c>-Backend Simulated</c> is typed).
/// </summary>
public sealed class CameraIdCompleter : IArgumentCompleter
{
    /// <summary>Ids of the cameras found that start with the word typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var ids = new List<string>();
        try
        {
            foreach (var choice in CameraSelection.ForDiscovery(Completions.Bound(fakeBoundParameters, "Backend"), null))
            {
                var backend = CameraBackends.Create(choice.Name, Math.Max(1, choice.SimulatedCount));
                if (backend.IsAvailable)
                    ids.AddRange(backend.Discover().Select(c => c.Id));
            }
        }
        catch (PsCamSyncException)
        {
            // An unknown -Backend typed so far, or a backend that failed discovery: offer what was found.
            // Tab completion has no stream to report on; Get-SyncCamera shows the error.
        }
        return Completions.Matching(ids, wordToComplete, "Camera ");
    }
}
