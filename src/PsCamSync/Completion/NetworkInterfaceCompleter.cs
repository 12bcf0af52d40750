using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace PsCamSync.Commands.Completion;

/// <summary>Completes the names of this host's network interfaces that have an IPv4 address (for <c>-ActionInterface</c>).</summary>
public sealed class NetworkInterfaceCompleter : IArgumentCompleter
{
    /// <summary>The interface names that start with the word typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.GetIPProperties().UnicastAddresses.Any(a => a.Address.AddressFamily == AddressFamily.InterNetwork))
            .Select(n => n.Name)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        return Completions.Matching(names, wordToComplete, "Network interface ");
    }
}
