namespace PsCamSync.Core.Capture;

/// <summary>
/// PowerShell wildcard matching (as <c>WildcardPattern</c> with IgnoreCase) without a PowerShell dependency:
/// <c>*</c> any run, <c>?</c> one character, <c>[abc]</c> / <c>[a-z]</c> one of a set, a backtick escapes the next character.
/// </summary>
public static class NamePattern
{
    /// <summary>True when <paramref name="pattern"/> holds an unescaped <c>*</c>, <c>?</c> or <c>[</c>.</summary>
    public static bool HasWildcards(string pattern)
    {
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '`') { i++; continue; }
            if (c is '*' or '?' or '[') return true;
        }
        return false;
    }

    /// <summary>True when the whole of <paramref name="text"/> matches <paramref name="pattern"/>, ignoring case.</summary>
    public static bool IsMatch(string text, string pattern)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(pattern);
        // Iterative match with one backtrack point for the last '*' (linear in practice, no recursion).
        int t = 0, p = 0, starP = -1, starT = -1;
        while (t < text.Length)
        {
            if (p < pattern.Length)
            {
                char pc = pattern[p];
                if (pc == '*') { starP = ++p; starT = t; continue; }
                int next = MatchOne(pattern, p, text[t]);
                if (next >= 0) { p = next; t++; continue; }
            }
            if (starP < 0) return false;
            p = starP;
            t = ++starT;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    // Matches one pattern element at p against c; returns the index after the element, or -1.
    private static int MatchOne(string pattern, int p, char c)
    {
        char pc = pattern[p];
        if (pc == '?') return p + 1;
        if (pc == '`' && p + 1 < pattern.Length) return Same(pattern[p + 1], c) ? p + 2 : -1;
        if (pc == '[')
        {
            int close = pattern.IndexOf(']', p + 1);
            if (close < 0) return Same('[', c) ? p + 1 : -1; // unclosed: a literal '['
            bool hit = false;
            for (int i = p + 1; i < close; i++)
            {
                char lo = pattern[i];
                if (i + 2 < close && pattern[i + 1] == '-')
                {
                    char hi = pattern[i + 2];
                    char u = char.ToUpperInvariant(c), l = char.ToLowerInvariant(c);
                    hit |= (u >= lo && u <= hi) || (l >= lo && l <= hi);
                    i += 2;
                }
                else
                {
                    hit |= Same(lo, c);
                }
            }
            return hit ? close + 1 : -1;
        }
        return Same(pc, c) ? p + 1 : -1;
    }

    private static bool Same(char a, char b) => char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
