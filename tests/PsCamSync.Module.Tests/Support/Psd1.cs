using System.Text.RegularExpressions;

namespace PsCamSync.Module.Tests.Support;

/// <summary>
/// Reads the literal subset of PowerShell data files that module manifests use: <c>Key = 'text'</c>,
/// <c>Key = @('a', 'b')</c> (also across lines), <c>Key = @()</c> and nested <c>@{ }</c> tables (skipped).
/// Comments are ignored. Enough for PsCamSync.psd1; not a PowerShell parser.
/// </summary>
public static partial class Psd1
{
    /// <summary>A manifest value: one string, or a list (an empty list for <c>@()</c>).</summary>
    public sealed record Value(string? Text, IReadOnlyList<string>? List)
    {
        /// <summary>The strings of the value (one for a string).</summary>
        public IReadOnlyList<string> Items => List ?? (Text is null ? Array.Empty<string>() : new[] { Text });
    }

    /// <summary>The top-level keys of the manifest and their values.</summary>
    public static IReadOnlyDictionary<string, Value> Parse(string text)
    {
        string body = CommentRegex().Replace(text, "");
        int open = body.IndexOf("@{", StringComparison.Ordinal);
        int close = body.LastIndexOf('}');
        if (open < 0 || close < open)
            throw new FormatException("The manifest is not a hashtable @{ ... }.");
        body = body[(open + 2)..close];

        var result = new Dictionary<string, Value>(StringComparer.OrdinalIgnoreCase);
        int i = 0;
        while (true)
        {
            var key = KeyRegex().Match(body, i);
            if (!key.Success)
                break;
            int at = key.Index + key.Length;
            string name = key.Groups[1].Value;
            if (body.AsSpan(at).StartsWith("@{"))
            {
                i = SkipTable(body, at);
                continue;
            }
            if (body.AsSpan(at).StartsWith("@("))
            {
                int end = body.IndexOf(')', at);
                var items = StringRegex().Matches(body[(at + 2)..end]).Select(m => m.Groups[1].Value.Replace("''", "'")).ToList();
                result[name] = new Value(null, items);
                i = end + 1;
                continue;
            }
            var str = StringRegex().Match(body, at);
            if (!str.Success || str.Index != at)
                throw new FormatException($"The value of {name} is not a literal string or array.");
            result[name] = new Value(str.Groups[1].Value.Replace("''", "'"), null);
            i = str.Index + str.Length;
        }
        return result;
    }

    private static int SkipTable(string body, int at)
    {
        int depth = 0;
        for (int j = at; j < body.Length; j++)
        {
            if (body[j] == '{') depth++;
            else if (body[j] == '}' && --depth == 0) return j + 1;
        }
        throw new FormatException("Unclosed @{ in the manifest.");
    }

    [GeneratedRegex(@"(?m)#.*$")]
    private static partial Regex CommentRegex();

    [GeneratedRegex(@"(?m)^\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*")]
    private static partial Regex KeyRegex();

    [GeneratedRegex(@"'((?:[^']|'')*)'")]
    private static partial Regex StringRegex();
}
