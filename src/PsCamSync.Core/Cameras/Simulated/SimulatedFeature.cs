using System.Globalization;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// One row of a simulated feature table: name, GenICam type, range or entries, and the accessors that read and
/// write the camera's state. Built with the factory methods; a null setter means read-only.
/// </summary>
internal sealed class SimulatedFeature
{
    private SimulatedFeature(string name, FeatureType type) => (Name, Type) = (name, type);

    /// <summary>SFNC name.</summary>
    public string Name { get; }

    /// <summary>GenICam interface type.</summary>
    public FeatureType Type { get; }

    /// <summary>Unit for messages (µs, Hz, ns); empty when none.</summary>
    public string Unit { get; private init; } = "";

    /// <summary>True when writes are refused while the camera streams (TLParamsLocked = 1).</summary>
    public bool LockedWhileStreaming { get; private init; }

    /// <summary>Inclusive range of an IInteger.</summary>
    public long MinInteger { get; private init; }
    /// <summary>Inclusive range of an IInteger.</summary>
    public long MaxInteger { get; private init; }
    /// <summary>Inclusive range of an IFloat.</summary>
    public double MinFloat { get; private init; }
    /// <summary>Inclusive range of an IFloat.</summary>
    public double MaxFloat { get; private init; }

    /// <summary>Entry names of an IEnumeration; extendable (a later backend feature may add entries).</summary>
    public List<string> Entries { get; } = new();

    /// <summary>Longest value of an IString, characters.</summary>
    public int MaxLength { get; private init; }

    internal Func<long>? GetInteger { get; private init; }
    internal Action<long>? SetInteger { get; private init; }
    internal Func<double>? GetFloat { get; private init; }
    internal Action<double>? SetFloat { get; private init; }
    internal Func<string>? GetEntry { get; private init; }
    internal Action<string>? SetEntry { get; private init; }
    internal Func<bool>? GetBoolean { get; private init; }
    internal Action<bool>? SetBoolean { get; private init; }
    internal Func<string>? GetString { get; private init; }
    internal Action<string>? SetString { get; private init; }
    internal Action? Execute { get; private init; }

    /// <summary>True when the feature can be written (commands: executed).</summary>
    public bool IsWritable => Type switch
    {
        FeatureType.Integer => SetInteger is not null,
        FeatureType.Float => SetFloat is not null,
        FeatureType.Enumeration => SetEntry is not null,
        FeatureType.Boolean => SetBoolean is not null,
        FeatureType.String => SetString is not null,
        _ => Execute is not null,
    };

    /// <summary>The range as text for messages, e.g. "[10, 1000000] µs".</summary>
    public string RangeText => Type == FeatureType.Integer
        ? $"[{MinInteger}, {MaxInteger}]{UnitSuffix}"
        : string.Create(CultureInfo.InvariantCulture, $"[{MinFloat}, {MaxFloat}]{UnitSuffix}");

    /// <summary>" µs" or empty.</summary>
    public string UnitSuffix => Unit.Length == 0 ? "" : " " + Unit;

    /// <summary>An IInteger; <paramref name="set"/> null = read-only.</summary>
    public static SimulatedFeature Integer(string name, Func<long> get, Action<long>? set = null,
        long min = long.MinValue, long max = long.MaxValue, string unit = "", bool lockedWhileStreaming = false) =>
        new(name, FeatureType.Integer)
        {
            GetInteger = get, SetInteger = set, MinInteger = min, MaxInteger = max, Unit = unit,
            LockedWhileStreaming = lockedWhileStreaming,
        };

    /// <summary>An IFloat; <paramref name="set"/> null = read-only.</summary>
    public static SimulatedFeature Float(string name, Func<double> get, Action<double>? set = null,
        double min = double.MinValue, double max = double.MaxValue, string unit = "", bool lockedWhileStreaming = false) =>
        new(name, FeatureType.Float)
        {
            GetFloat = get, SetFloat = set, MinFloat = min, MaxFloat = max, Unit = unit,
            LockedWhileStreaming = lockedWhileStreaming,
        };

    /// <summary>An IEnumeration over <paramref name="entries"/>; <paramref name="set"/> null = read-only.</summary>
    public static SimulatedFeature Enumeration(string name, IEnumerable<string> entries, Func<string> get,
        Action<string>? set = null, bool lockedWhileStreaming = false)
    {
        var f = new SimulatedFeature(name, FeatureType.Enumeration)
        {
            GetEntry = get, SetEntry = set, LockedWhileStreaming = lockedWhileStreaming,
        };
        f.Entries.AddRange(entries);
        return f;
    }

    /// <summary>An IBoolean; <paramref name="set"/> null = read-only.</summary>
    public static SimulatedFeature Boolean(string name, Func<bool> get, Action<bool>? set = null, bool lockedWhileStreaming = false) =>
        new(name, FeatureType.Boolean) { GetBoolean = get, SetBoolean = set, LockedWhileStreaming = lockedWhileStreaming };

    /// <summary>An IString; <paramref name="set"/> null = read-only.</summary>
    public static SimulatedFeature String(string name, Func<string> get, Action<string>? set = null, int maxLength = 64) =>
        new(name, FeatureType.String) { GetString = get, SetString = set, MaxLength = maxLength };

    /// <summary>An ICommand.</summary>
    public static SimulatedFeature Command(string name, Action execute) =>
        new(name, FeatureType.Command) { Execute = execute };
}
