namespace PsCamSync.Core.Cameras;

/// <summary>GenICam feature interface types.</summary>
public enum FeatureType
{
    /// <summary>IInteger.</summary>
    Integer,
    /// <summary>IFloat.</summary>
    Float,
    /// <summary>IEnumeration (value read and written as its entry name).</summary>
    Enumeration,
    /// <summary>IBoolean.</summary>
    Boolean,
    /// <summary>IString.</summary>
    String,
    /// <summary>ICommand.</summary>
    Command,
}

/// <summary>
/// A camera's GenICam feature map, addressed by SFNC feature names (<c>ExposureTime</c>, <c>TriggerMode</c>,
/// <c>PtpEnable</c>, ...). Every method throws <see cref="FeatureException"/> when the feature does not exist,
/// has another type, or the device rejects the value. Implementations are safe to call from one thread at a time.
/// </summary>
public interface IFeatureMap
{
    /// <summary>Names of the features the device exposes.</summary>
    IReadOnlyList<string> ListFeatures();

    /// <summary>True when the feature exists (and is implemented) on this device.</summary>
    bool IsAvailable(string name);

    /// <summary>The feature's interface type.</summary>
    FeatureType GetFeatureType(string name);

    /// <summary>Reads an IInteger feature.</summary>
    long GetInteger(string name);

    /// <summary>Writes an IInteger feature.</summary>
    void SetInteger(string name, long value);

    /// <summary>Reads an IFloat feature (SFNC units: ExposureTime in µs, AcquisitionFrameRate in Hz).</summary>
    double GetFloat(string name);

    /// <summary>Writes an IFloat feature.</summary>
    void SetFloat(string name, double value);

    /// <summary>Reads an IEnumeration feature as its entry name.</summary>
    string GetEnumeration(string name);

    /// <summary>Writes an IEnumeration feature by entry name.</summary>
    void SetEnumeration(string name, string entry);

    /// <summary>Reads an IBoolean feature.</summary>
    bool GetBoolean(string name);

    /// <summary>Writes an IBoolean feature.</summary>
    void SetBoolean(string name, bool value);

    /// <summary>Reads an IString feature.</summary>
    string GetString(string name);

    /// <summary>Writes an IString feature.</summary>
    void SetString(string name, string value);

    /// <summary>Executes an ICommand feature (e.g. <c>TriggerSoftware</c>, <c>TimestampLatch</c>).</summary>
    void Execute(string name);

    /// <summary>
    /// The entry names an IEnumeration feature offers now (e.g. TriggerSource: <c>Software</c>, <c>Action0</c>, <c>Line0</c>),
    /// so a caller can see whether the device supports a value without writing it.
    /// </summary>
    /// <exception cref="FeatureException">The feature does not exist, is not an IEnumeration, or this feature map cannot list
    /// entries (the default implementation).</exception>
    IReadOnlyList<string> GetEnumerationEntries(string name) =>
        throw new FeatureException(name, $"{name}: this feature map cannot list enumeration entries.");
}
