using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsCamSync.Core.Capture;

namespace PsCamSync.Commands.Completion;

/// <summary>Completes the names of the takes recording in this process, for <c>Stop-SyncCapture -Name</c>.</summary>
public sealed class CaptureNameCompleter : IArgumentCompleter
{
    /// <summary>Names of running takes that start with the word typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(CaptureRegistry.Shared.CompleteNames(Completions.Prefix(wordToComplete)), wordToComplete, "Running take ");
}
