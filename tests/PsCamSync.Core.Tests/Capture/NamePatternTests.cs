using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>PowerShell wildcard matching of take names, without a PowerShell dependency.</summary>
public class NamePatternTests
{
    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "ABC", true)]
    [InlineData("abc", "ab", false)]
    [InlineData("abc", "a*", true)]
    [InlineData("abc", "*c", true)]
    [InlineData("abc", "*b*", true)]
    [InlineData("abc", "a*b*c*", true)]
    [InlineData("abc", "*d*", false)]
    [InlineData("aXbXc", "a*b*c", true)]
    [InlineData("abcabd", "*abd", true)]
    [InlineData("abc", "a?c", true)]
    [InlineData("ac", "a?c", false)]
    [InlineData("abc", "[a-b]bc", true)]
    [InlineData("Bbc", "[a-b]bc", true)]
    [InlineData("cbc", "[ab]bc", false)]
    [InlineData("a*c", "a`*c", true)]
    [InlineData("abc", "a`*c", false)]
    [InlineData("", "*", true)]
    [InlineData("", "?", false)]
    public void NamePattern_MatchesLikeWildcardPattern(string text, string pattern, bool expected) =>
        Assert.Equal(expected, NamePattern.IsMatch(text, pattern));

    [Theory]
    [InlineData("plain", false)]
    [InlineData("a*", true)]
    [InlineData("a?", true)]
    [InlineData("[ab]", true)]
    [InlineData("a`*", false)]
    public void HasWildcards_IgnoresEscapedCharacters(string pattern, bool expected) =>
        Assert.Equal(expected, NamePattern.HasWildcards(pattern));
}
