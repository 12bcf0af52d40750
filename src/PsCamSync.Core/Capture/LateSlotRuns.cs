using System.Globalization;

namespace PsCamSync.Core.Capture;

/// <summary>
/// The slots the trigger thread skipped as late, as runs of consecutive frame indexes: the first
/// <see cref="MaxStoredRuns"/> runs are kept, beyond that only counted. <see cref="Add"/> allocates nothing, so the
/// trigger thread can call it; the finaliser reads the runs once that thread has ended.
/// </summary>
internal sealed class LateSlotRuns
{
    /// <summary>Runs kept with their frame ranges; later runs are only counted.</summary>
    public const int MaxStoredRuns = 8;

    private readonly long[] _first = new long[MaxStoredRuns];
    private readonly long[] _last = new long[MaxStoredRuns];
    private long _previous;

    /// <summary>Slots added.</summary>
    public long Slots { get; private set; }

    /// <summary>Runs of consecutive indexes, stored or not.</summary>
    public long Runs { get; private set; }

    /// <summary>The first slot added, or -1.</summary>
    public long FirstIndex => Slots == 0 ? -1 : _first[0];

    /// <summary>The last slot added, or -1.</summary>
    public long LastIndex => Slots == 0 ? -1 : _previous;

    /// <summary>Adds slot <paramref name="frameIndex"/>; indexes come in increasing order.</summary>
    public void Add(long frameIndex)
    {
        if (Slots > 0 && frameIndex == _previous + 1)
        {
            if (Runs <= MaxStoredRuns)
                _last[Runs - 1] = frameIndex;
        }
        else
        {
            Runs++;
            if (Runs <= MaxStoredRuns)
                _first[Runs - 1] = _last[Runs - 1] = frameIndex;
        }
        _previous = frameIndex;
        Slots++;
    }

    /// <summary>The runs as text: <c>"0-6"</c>, <c>"120, 455-456"</c>, <c>"3, 9, ... and 4 more runs (12 slots)"</c>.</summary>
    public string Describe()
    {
        var ci = CultureInfo.InvariantCulture;
        int stored = (int)Math.Min(Runs, MaxStoredRuns);
        var parts = new string[stored];
        long storedSlots = 0;
        for (int i = 0; i < stored; i++)
        {
            parts[i] = _first[i] == _last[i] ? _first[i].ToString(ci) : string.Create(ci, $"{_first[i]}-{_last[i]}");
            storedSlots += _last[i] - _first[i] + 1;
        }
        string text = string.Join(", ", parts);
        return Runs > stored
            ? string.Create(ci, $"{text} and {Runs - stored} more runs ({Slots - storedSlots} slots) up to {_previous}")
            : text;
    }
}
