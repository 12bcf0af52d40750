using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Tests.CameraPtp;

/// <summary>
/// A small, real feature map over a dictionary, standing in for a vendor camera's node map with names the simulated
/// camera does not have (GigE Vision legacy PTP and timestamp names). Commands run the given actions.
/// </summary>
internal sealed class DictionaryFeatureMap : IFeatureMap
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Action> _commands = new(StringComparer.Ordinal);

    public DictionaryFeatureMap Set(string name, object value) { _values[name] = value; return this; }
    public DictionaryFeatureMap Command(string name, Action run) { _commands[name] = run; return this; }
    public HashSet<string> Failing { get; } = new(StringComparer.Ordinal);
    public List<string> Executed { get; } = new();

    public IReadOnlyList<string> ListFeatures() => _values.Keys.Concat(_commands.Keys).ToList();
    public bool IsAvailable(string name) => _values.ContainsKey(name) || _commands.ContainsKey(name);

    public FeatureType GetFeatureType(string name) => _commands.ContainsKey(name) ? FeatureType.Command : Get<object>(name) switch
    {
        long => FeatureType.Integer,
        double => FeatureType.Float,
        bool => FeatureType.Boolean,
        Entry => FeatureType.Enumeration,
        _ => FeatureType.String,
    };

    public long GetInteger(string name) => Get<long>(name);
    public void SetInteger(string name, long value) => Put(name, value);
    public double GetFloat(string name) => Get<double>(name);
    public void SetFloat(string name, double value) => Put(name, value);
    public string GetEnumeration(string name) => Get<Entry>(name).Name;
    public void SetEnumeration(string name, string entry) => Put(name, new Entry(entry));
    public bool GetBoolean(string name) => Get<bool>(name);
    public void SetBoolean(string name, bool value) => Put(name, value);
    public string GetString(string name) => Get<string>(name);
    public void SetString(string name, string value) => Put(name, value);

    public void Execute(string name)
    {
        Check(name);
        if (!_commands.TryGetValue(name, out var run))
            throw new FeatureException(name, $"{name} is not a command.");
        Executed.Add(name);
        run();
    }

    private T Get<T>(string name)
    {
        Check(name);
        return _values.TryGetValue(name, out var v) && v is T t ? t : throw new FeatureException(name, $"{name} does not exist or is not {typeof(T).Name}.");
    }

    private void Put(string name, object value)
    {
        Check(name);
        if (!_values.TryGetValue(name, out var old) || old.GetType() != value.GetType())
            throw new FeatureException(name, $"{name} does not exist or has another type.");
        _values[name] = value;
    }

    private void Check(string name)
    {
        if (Failing.Contains(name))
            throw new FeatureException(name, $"{name}: the device did not answer (GVCP timeout).");
    }

    /// <summary>An enumeration value (so a string feature and an enum feature stay apart).</summary>
    public sealed record Entry(string Name);
}

/// <summary>A camera around a <see cref="DictionaryFeatureMap"/> (no stream: the PTP and latch code only use features).</summary>
internal sealed class FeatureMapCamera(string id, DictionaryFeatureMap features) : ICamera
{
    public CameraInfo Info => new("Test", id, "Vendor", "Model", "SN" + id, "", 640, 480, PixelFormat.Mono8);
    public IFeatureMap Features => features;
    public DictionaryFeatureMap Map => features;
    public int FrameBytes => 640 * 480;
    public (double ExposureUs, long BusyNs) TriggerTiming => (1000, 3_000_000);
    public void ConfigureSoftwareTrigger(double? exposureUs) => throw new CameraException(id, "not streamable");
    public void StartAcquisition(IFrameTarget target) => throw new CameraException(id, "not streamable");
    public void Trigger(long frameIndex) { }
    public void StopAcquisition() { }
    public void Dispose() { }
}
