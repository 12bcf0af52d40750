using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Capture;

/// <summary>
/// A take that is recording in this process, as the registry, <c>Stop-SyncCapture</c> and the capture job see it.
/// <see cref="CaptureSession"/> is the implementation; the members are exactly those it already has. Whoever started
/// the take (the job, or <c>Start-SyncCapture -Wait</c>) disposes it after <see cref="Completion"/>.
/// </summary>
public interface IRunningTake : IDisposable
{
    /// <summary>Take name (unique names are not required; <c>Stop-SyncCapture -Name</c> stops every match).</summary>
    string Name { get; }

    /// <summary>The take folder.</summary>
    string TakePath { get; }

    /// <summary>Finishes with the final manifest once the take is finalised; never faults.</summary>
    Task<TakeManifest> Completion { get; }

    /// <summary>Current progress, for progress bars.</summary>
    CaptureProgress GetProgress();

    /// <summary>
    /// Null, or why the final <c>take.json</c> could not be written (known once <see cref="Completion"/> has finished):
    /// the folder's manifest then still says Recording, and the caller must report it.
    /// </summary>
    TakeFolderException? FinalManifestError => null;

    /// <summary>
    /// True when the take records in another process (a recorder) and goes on when this view of it is disposed; false
    /// (default) when disposing it stops the take.
    /// </summary>
    bool OutlivesSession => false;

    /// <summary>
    /// Stops now (<paramref name="atNs"/> null) or before the first frame due at or after <paramref name="atNs"/> on
    /// the shared timeline; a time in the past stops at the next frame, never before a frame already fired. Returns at
    /// once; <see cref="Completion"/> finishes when the take is finalised.
    /// </summary>
    /// <exception cref="PsCamSyncException">The take could not be stopped (implementations may throw it; CaptureSession does not).</exception>
    void Stop(long? atNs = null);
}

/// <summary>One entry of a <see cref="CaptureRegistry"/>.</summary>
public sealed class RegisteredTake
{
    internal RegisteredTake(int id, IRunningTake take, long registeredNs)
    {
        Id = id;
        Take = take;
        RegisteredNs = registeredNs;
    }

    /// <summary>Registry id: 1, 2, ... in registration order, never reused within a process.</summary>
    public int Id { get; }

    /// <summary>Take name.</summary>
    public string Name => Take.Name;

    /// <summary>Take folder.</summary>
    public string TakePath => Take.TakePath;

    /// <summary>The running take.</summary>
    public IRunningTake Take { get; }

    /// <summary>When it was registered, ns on the shared timeline.</summary>
    public long RegisteredNs { get; }
}

/// <summary>
/// The takes recording in this process, by id and name, for <c>Stop-SyncCapture</c> and tab completion. A take
/// leaves the registry by itself when its <see cref="IRunningTake.Completion"/> finishes. Thread-safe.
/// </summary>
public sealed class CaptureRegistry
{
    private readonly object _gate = new();
    private readonly SortedDictionary<int, RegisteredTake> _takes = new();
    private int _lastId;

    /// <summary>The process-wide registry the cmdlets use.</summary>
    public static CaptureRegistry Shared { get; } = new();

    /// <summary>Number of takes registered now.</summary>
    public int Count
    {
        get { lock (_gate) return _takes.Count; }
    }

    /// <summary>
    /// Registers <paramref name="take"/> and arranges its removal when its <see cref="IRunningTake.Completion"/>
    /// finishes (at once if it already has).
    /// </summary>
    /// <returns>The entry, with its new id.</returns>
    public RegisteredTake Add(IRunningTake take)
    {
        ArgumentNullException.ThrowIfNull(take);
        var completion = take.Completion ?? throw new ArgumentException("the take has no Completion task.", nameof(take));
        RegisteredTake entry;
        lock (_gate)
        {
            entry = new RegisteredTake(++_lastId, take, Timing.SharedTimeline.NowNs());
            _takes.Add(entry.Id, entry);
        }
        completion.ContinueWith(static (_, state) =>
        {
            var (registry, id) = ((CaptureRegistry, int))state!;
            registry.Remove(id);
        }, (this, entry.Id), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return entry;
    }

    /// <summary>Removes the entry <paramref name="id"/>; false when it is not registered.</summary>
    public bool Remove(int id)
    {
        lock (_gate) return _takes.Remove(id);
    }

    /// <summary>The entry <paramref name="id"/>, or null.</summary>
    public RegisteredTake? Get(int id)
    {
        lock (_gate) return _takes.TryGetValue(id, out var entry) ? entry : null;
    }

    /// <summary>The entry whose take is <paramref name="take"/> (same object), or null.</summary>
    public RegisteredTake? Get(IRunningTake take)
    {
        lock (_gate) return _takes.Values.FirstOrDefault(e => ReferenceEquals(e.Take, take));
    }

    /// <summary>Every registered take, in id order.</summary>
    public IReadOnlyList<RegisteredTake> List()
    {
        lock (_gate) return _takes.Values.ToList();
    }

    /// <summary>
    /// The takes whose name matches <paramref name="namePattern"/>, in id order: PowerShell wildcards
    /// (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[a-z]</c>, backtick escapes), case-insensitive.
    /// </summary>
    public IReadOnlyList<RegisteredTake> Find(string namePattern)
    {
        ArgumentNullException.ThrowIfNull(namePattern);
        return List().Where(e => NamePattern.IsMatch(e.Name, namePattern)).ToList();
    }

    /// <summary>Distinct names starting with <paramref name="prefix"/> (case-insensitive), sorted: tab completion.</summary>
    public IReadOnlyList<string> CompleteNames(string? prefix)
    {
        prefix ??= "";
        return List().Select(e => e.Name)
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}

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
