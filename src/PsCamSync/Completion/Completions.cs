using System.Collections;
using System.Management.Automation;

namespace PsCamSync.Commands.Completion;

/// <summary>Helpers the argument completers share.</summary>
internal static class Completions
{
    /// <summary>The word being completed without its opening quote.</summary>
    public static string Prefix(string? wordToComplete) => (wordToComplete ?? "").Trim('\'', '"');

    /// <summary>Values starting with the word (ignoring case), single-quoted where PowerShell needs quotes.</summary>
    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string? wordToComplete, string toolTipPrefix)
    {
        string prefix = Prefix(wordToComplete);
        foreach (var value in values.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (!value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                continue;
            yield return new CompletionResult(Quote(value), value, CompletionResultType.ParameterValue, toolTipPrefix + value);
        }
    }

    /// <summary>The value of <paramref name="name"/> among the parameters already typed, as strings.</summary>
    public static string[] Bound(IDictionary? fakeBoundParameters, string name)
    {
        if (fakeBoundParameters is null || !fakeBoundParameters.Contains(name))
            return Array.Empty<string>();
        object? value = fakeBoundParameters[name] is PSObject p ? p.BaseObject : fakeBoundParameters[name];
        return value switch
        {
            string s => new[] { s },
            IEnumerable e => e.Cast<object?>().Select(o => (o is PSObject q ? q.BaseObject : o)?.ToString() ?? "").ToArray(),
            null => Array.Empty<string>(),
            _ => new[] { value.ToString() ?? "" },
        };
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? value
            : "'" + value.Replace("'", "''") + "'";
}
