using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Tests.Capture;

public class CaptureRegistryTests
{
    /// <summary>
    /// A take under the test's control: the registry only sees the <see cref="IRunningTake"/> contract, and this
    /// one finishes when the test says so.
    /// </summary>
    private sealed class ControlledTake(string name) : IRunningTake
    {
        private readonly TaskCompletionSource<TakeManifest> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Name { get; } = name;
        public string TakePath => "/takes/" + Name;
        public Task<TakeManifest> Completion => _done.Task;
        public List<long?> Stops { get; } = new();
        public CaptureProgress GetProgress() => new(Name, TakeState.Recording, 0, 0, 10, 0, 0, 1.0);
        public void Stop(long? atNs = null) => Stops.Add(atNs);
        public void Dispose() { }
        public void Finish() => _done.SetResult(new TakeManifest { Name = Name, State = TakeState.Completed });
    }

    private static void WaitUntil(Func<bool> condition)
    {
        // The removal runs as a continuation of Completion; give it a generous bound.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
            Thread.Sleep(5);
        Assert.True(condition());
    }

    [Fact]
    public void Add_AssignsIncreasingIds_AndListsInIdOrder()
    {
        var r = new CaptureRegistry();
        var a = r.Add(new ControlledTake("alpha"));
        var b = r.Add(new ControlledTake("beta"));
        Assert.True(b.Id > a.Id);
        Assert.Equal(new[] { "alpha", "beta" }, r.List().Select(e => e.Name));
        Assert.Equal("/takes/beta", r.Get(b.Id)!.TakePath);
        Assert.Same(a, r.Get(a.Take));
        Assert.True(a.RegisteredNs > 0);
    }

    [Fact]
    public void ATakeLeavesTheRegistry_WhenItCompletes()
    {
        var r = new CaptureRegistry();
        var t1 = new ControlledTake("one");
        var t2 = new ControlledTake("two");
        var e1 = r.Add(t1);
        r.Add(t2);
        t1.Finish();
        WaitUntil(() => r.Get(e1.Id) is null);
        Assert.Equal(new[] { "two" }, r.List().Select(e => e.Name));
    }

    [Fact]
    public void AnAlreadyCompletedTake_IsRemovedAtOnce()
    {
        var r = new CaptureRegistry();
        var t = new ControlledTake("done");
        t.Finish();
        r.Add(t);
        WaitUntil(() => r.Count == 0);
    }

    [Fact]
    public void Find_UsesPowerShellWildcards_IgnoringCase()
    {
        var r = new CaptureRegistry();
        foreach (var n in new[] { "Scene1-A", "scene1-b", "scene2-a", "warmup", "odd[1]" })
            r.Add(new ControlledTake(n));
        Assert.Equal(new[] { "Scene1-A", "scene1-b" }, r.Find("scene1-*").Select(e => e.Name));
        Assert.Equal(new[] { "Scene1-A", "scene2-a" }, r.Find("scene?-a").Select(e => e.Name));
        Assert.Equal(new[] { "scene2-a" }, r.Find("*[2-3]-?").Select(e => e.Name));
        Assert.Equal(new[] { "warmup" }, r.Find("WARMUP").Select(e => e.Name));
        Assert.Equal(new[] { "odd[1]" }, r.Find("odd`[1`]").Select(e => e.Name));
        Assert.Empty(r.Find("scene"));
        Assert.Equal(5, r.Find("*").Count);
    }

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

    [Fact]
    public void CompleteNames_GivesDistinctSortedNames_ByPrefix()
    {
        var r = new CaptureRegistry();
        foreach (var n in new[] { "scene2", "Scene1", "scene1", "warmup" })
            r.Add(new ControlledTake(n));
        Assert.Equal(new[] { "Scene1", "scene2" }, r.CompleteNames("sc"));
        Assert.Equal(4 - 1, r.CompleteNames(null).Count);
        Assert.Empty(r.CompleteNames("x"));
    }

    [Fact]
    public void ManyThreads_AddAndComplete_WithoutLosingOrKeepingEntries()
    {
        var r = new CaptureRegistry();
        var takes = Enumerable.Range(0, 400).Select(i => new ControlledTake("t" + i)).ToArray();
        Parallel.ForEach(takes, t => r.Add(t));
        Assert.Equal(400, r.Count);
        Assert.Equal(400, r.List().Select(e => e.Id).Distinct().Count());
        Parallel.ForEach(takes.Where((_, i) => i % 2 == 0), t => t.Finish());
        WaitUntil(() => r.Count == 200);
        var odd = takes.Where((_, i) => i % 2 == 1).Select(t => t.Name).ToHashSet();
        Assert.True(odd.SetEquals(r.List().Select(e => e.Name)));
    }

    [Fact]
    public void Remove_ReportsWhetherTheEntryWasThere()
    {
        var r = new CaptureRegistry();
        var e = r.Add(new ControlledTake("x"));
        Assert.True(r.Remove(e.Id));
        Assert.False(r.Remove(e.Id));
        Assert.Null(r.Get(e.Id));
    }
}
