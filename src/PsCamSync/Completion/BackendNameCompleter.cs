using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsCamSync.Core.Cameras;

namespace PsCamSync.Commands.Completion;

/// <summary>Completes camera backend names (<c>Simulated</c>, <c>Aravis</c>) for <c>-Backend</c>.</summary>
public sealed class BackendNameCompleter : IArgumentCompleter
{
    /// <summary>The backend names that start with the word typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(CameraBackends.Names, wordToComplete, "Camera backend ");
}
