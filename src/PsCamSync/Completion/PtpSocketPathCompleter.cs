using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PsCamSync.Commands.Completion;

/// <summary>
/// Completes <c>-SocketPath</c> with the entries named <c>ptp4l*</c> where linuxptp puts its management sockets
/// (<c>/var/run</c>, <c>/run</c>), plus <c>ptp4l*</c> and <c>*.sock</c> entries in the folder of a path being typed.
/// </summary>
public sealed class PtpSocketPathCompleter : IArgumentCompleter
{
    /// <summary>Socket paths that start with the word typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string typed = Completions.Prefix(wordToComplete);
        var folders = new List<string> { "/var/run", "/run" };
        if (typed.Contains('/') && Path.GetDirectoryName(typed) is { Length: > 0 } typedFolder)
            folders.Add(typedFolder);
        var paths = new List<string>();
        foreach (var folder in folders.Distinct(StringComparer.Ordinal))
        {
            try
            {
                foreach (var pattern in new[] { "ptp4l*", "*.sock" })
                    foreach (var path in Directory.EnumerateFiles(folder, pattern))
                        paths.Add(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A missing or unreadable folder offers nothing; tab completion has no stream to report on.
            }
        }
        return Completions.Matching(paths, wordToComplete, "ptp4l management socket ");
    }
}
