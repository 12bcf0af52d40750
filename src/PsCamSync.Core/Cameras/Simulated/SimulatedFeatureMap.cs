using System.Globalization;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// A GenICam-style feature map over a table of <see cref="SimulatedFeature"/> rows: it checks names, types,
/// access, ranges, entries and TLParamsLocked, then calls the row's accessor. New features (PTP, actions) are
/// added with <see cref="Add"/>, without touching the checks. Names are case-sensitive, as in GenICam.
/// </summary>
internal sealed class SimulatedFeatureMap : IFeatureMap
{
    private readonly Dictionary<string, SimulatedFeature> _features = new(StringComparer.Ordinal);
    private readonly List<string> _names = new();
    private readonly string _deviceId;
    private readonly Func<bool> _isStreaming;
    private readonly Func<bool> _isClosed;

    /// <summary>Creates an empty map for device <paramref name="deviceId"/>.</summary>
    /// <param name="deviceId">The camera id, for messages.</param>
    /// <param name="isStreaming">True while the stream is open (TLParamsLocked = 1).</param>
    /// <param name="isClosed">True once the camera is disposed: every access then fails.</param>
    /// <param name="checkAnswering">Fault injection: called with the feature name before every access; throws a FeatureException (after the simulated no-answer wait) while the device does not answer. Null: always answers.</param>
    public SimulatedFeatureMap(string deviceId, Func<bool> isStreaming, Func<bool> isClosed, Action<string>? checkAnswering = null)
    {
        _deviceId = deviceId;
        _isStreaming = isStreaming;
        _isClosed = isClosed;
        _checkAnswering = checkAnswering;
    }

    private readonly Action<string>? _checkAnswering; // throws when the device does not answer (fault injection)

    /// <summary>Adds a feature (or replaces one of the same name).</summary>
    public SimulatedFeatureMap Add(SimulatedFeature feature)
    {
        if (!_features.ContainsKey(feature.Name))
            _names.Add(feature.Name);
        _features[feature.Name] = feature;
        return this;
    }

    /// <summary>The row of <paramref name="name"/>.</summary>
    /// <exception cref="FeatureException">No such feature.</exception>
    public SimulatedFeature Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_isClosed())
            throw new FeatureException(name, $"{name}: {_deviceId} is closed; open it again with the Simulated backend.");
        _checkAnswering?.Invoke(name);
        return _features.TryGetValue(name, out var f)
            ? f
            : throw new FeatureException(name, $"{name}: {_deviceId} has no feature '{name}' (names are case-sensitive SFNC names); see ListFeatures() for those it has.");
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFeatures() => _names.AsReadOnly();

    /// <inheritdoc/>
    public bool IsAvailable(string name) => name is not null && _features.ContainsKey(name);

    /// <inheritdoc/>
    public FeatureType GetFeatureType(string name) => Get(name).Type;

    /// <inheritdoc/>
    public long GetInteger(string name) => Typed(name, FeatureType.Integer).GetInteger!();

    /// <inheritdoc/>
    public void SetInteger(string name, long value)
    {
        var f = Writable(name, FeatureType.Integer);
        if (value < f.MinInteger || value > f.MaxInteger)
            throw new FeatureException(name, $"{name}: {value}{f.UnitSuffix} is out of range; {_deviceId} accepts {f.RangeText}.");
        f.SetInteger!(value);
    }

    /// <inheritdoc/>
    public double GetFloat(string name) => Typed(name, FeatureType.Float).GetFloat!();

    /// <inheritdoc/>
    public void SetFloat(string name, double value)
    {
        var f = Writable(name, FeatureType.Float);
        if (!(value >= f.MinFloat && value <= f.MaxFloat))
            throw new FeatureException(name, string.Create(CultureInfo.InvariantCulture,
                $"{name}: {value}{f.UnitSuffix} is out of range; {_deviceId} accepts {f.RangeText}."));
        f.SetFloat!(value);
    }

    /// <inheritdoc/>
    public string GetEnumeration(string name) => Typed(name, FeatureType.Enumeration).GetEntry!();

    /// <inheritdoc/>
    public void SetEnumeration(string name, string entry)
    {
        var f = Writable(name, FeatureType.Enumeration);
        if (entry is null || !f.Entries.Contains(entry))
            throw new FeatureException(name, $"{name}: '{entry}' is not an entry of {name} on {_deviceId}; use one of {string.Join(", ", f.Entries)}.");
        f.SetEntry!(entry);
    }

    /// <inheritdoc/>
    /// <remarks>A copy of the entries, in the order the feature lists them.</remarks>
    public IReadOnlyList<string> GetEnumerationEntries(string name) => Typed(name, FeatureType.Enumeration).Entries.ToArray();

    /// <inheritdoc/>
    public bool GetBoolean(string name) => Typed(name, FeatureType.Boolean).GetBoolean!();

    /// <inheritdoc/>
    public void SetBoolean(string name, bool value) => Writable(name, FeatureType.Boolean).SetBoolean!(value);

    /// <inheritdoc/>
    public string GetString(string name) => Typed(name, FeatureType.String).GetString!();

    /// <inheritdoc/>
    public void SetString(string name, string value)
    {
        var f = Writable(name, FeatureType.String);
        if (value is null || value.Length > f.MaxLength)
            throw new FeatureException(name, $"{name}: a value of at most {f.MaxLength} characters is needed; got {(value is null ? "null" : value.Length + " characters")}.");
        f.SetString!(value);
    }

    /// <inheritdoc/>
    public void Execute(string name) => Typed(name, FeatureType.Command).Execute!();

    private SimulatedFeature Typed(string name, FeatureType expected)
    {
        var f = Get(name);
        if (f.Type != expected)
            throw new FeatureException(name, $"{name} is {Article(f.Type)} feature, not {Article(expected)}; use {Accessor(f.Type)}.");
        return f;
    }

    private SimulatedFeature Writable(string name, FeatureType expected)
    {
        var f = Typed(name, expected);
        if (!f.IsWritable)
            throw new FeatureException(name, $"{name} is read-only on {_deviceId}.");
        if (f.LockedWhileStreaming && _isStreaming())
            throw new FeatureException(name, $"{name} cannot be changed while {_deviceId} is acquiring (TLParamsLocked = 1); call StopAcquisition first.");
        return f;
    }

    private static string Article(FeatureType t) => t is FeatureType.Integer or FeatureType.Enumeration ? "an " + t : "a " + t;

    private static string Accessor(FeatureType t) => t switch
    {
        FeatureType.Command => "Execute",
        FeatureType.Enumeration => "GetEnumeration/SetEnumeration",
        _ => $"Get{t}/Set{t}",
    };
}
