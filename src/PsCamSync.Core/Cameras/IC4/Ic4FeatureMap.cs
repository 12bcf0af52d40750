namespace PsCamSync.Core.Cameras.IC4;

/// <summary>
/// A camera's GenICam features through IC4's property map (<c>IC4_PROPERTY_MAP</c>): values through
/// <c>ic4_propmap_get/set_value_int64/double/bool/string</c> and <c>ic4_propmap_execute_command</c>; types, availability and
/// enumeration entries through <c>ic4_propmap_find</c> and the <c>ic4_prop_*</c> calls. Every failure is a
/// <see cref="FeatureException"/> naming the feature and the camera, with the <see cref="Ic4Exception"/> (IC4_ERROR name,
/// function, library message) as inner exception. Safe to call from several threads (IC4 serialises device access; the
/// error state is per thread).
/// </summary>
public sealed class Ic4FeatureMap : IFeatureMap
{
    private readonly Ic4Handle _map;
    private readonly string _cameraId;

    internal Ic4FeatureMap(Ic4Handle map, string cameraId)
    {
        _map = map;
        _cameraId = cameraId;
    }

    /// <summary>Names of every property reachable from the map's Root category (<c>ic4_propmap_get_all</c>; categories excluded).</summary>
    public IReadOnlyList<string> ListFeatures()
    {
        using var list = Call("Root", "ic4_propmap_get_all", (out IntPtr l) => Ic4Native.ic4_propmap_get_all(_map, out l), Ic4HandleKind.PropertyList);
        return Names(list, "Root");
    }

    /// <summary>True when the property exists and <c>ic4_prop_is_available</c> says it can be used now.</summary>
    public bool IsAvailable(string name)
    {
        if (!Ic4Native.ic4_propmap_find(_map, name, out var p))
        {
            var e = Ic4Exception.FromLastError("ic4_propmap_find");
            if (e.Code is 101 or 107) // IC4_ERROR_GENICAM_FEATURE_NOT_FOUND, IC4_ERROR_GENICAM_NOT_IMPLEMENTED
                return false;
            throw Feature(name, e);
        }
        using var prop = Ic4Handle.Own(p, Ic4HandleKind.Property);
        if (Ic4Native.ic4_prop_is_available(prop))
            return true;
        var error = Ic4Exception.FromLastError("ic4_prop_is_available");
        return error.Code == 0 ? false : throw Feature(name, error);
    }

    /// <summary>The property's type (<c>ic4_prop_get_type</c>).</summary>
    public FeatureType GetFeatureType(string name)
    {
        using var prop = Find(name);
        var type = Ic4Native.ic4_prop_get_type(prop);
        return type switch
        {
            Ic4Native.PropertyType.Integer => FeatureType.Integer,
            Ic4Native.PropertyType.Float => FeatureType.Float,
            Ic4Native.PropertyType.Enumeration => FeatureType.Enumeration,
            Ic4Native.PropertyType.Boolean => FeatureType.Boolean,
            Ic4Native.PropertyType.String => FeatureType.String,
            Ic4Native.PropertyType.Command => FeatureType.Command,
            Ic4Native.PropertyType.Invalid => throw Feature(name, Ic4Exception.FromLastError("ic4_prop_get_type")),
            _ => throw new FeatureException(name, $"{_cameraId}: {name} is an IC4 {type} property, which PsCamSync does not read or write."),
        };
    }

    /// <inheritdoc/>
    public long GetInteger(string name) =>
        Ic4Native.ic4_propmap_get_value_int64(_map, name, out var v) ? v : throw Feature(name, Ic4Exception.FromLastError("ic4_propmap_get_value_int64"));

    /// <inheritdoc/>
    public void SetInteger(string name, long value) =>
        Check(name, Ic4Native.ic4_propmap_set_value_int64(_map, name, value), "ic4_propmap_set_value_int64");

    /// <inheritdoc/>
    public double GetFloat(string name) =>
        Ic4Native.ic4_propmap_get_value_double(_map, name, out var v) ? v : throw Feature(name, Ic4Exception.FromLastError("ic4_propmap_get_value_double"));

    /// <inheritdoc/>
    public void SetFloat(string name, double value) =>
        Check(name, Ic4Native.ic4_propmap_set_value_double(_map, name, value), "ic4_propmap_set_value_double");

    /// <summary>The selected entry's name (<c>ic4_propmap_find</c> + <c>ic4_prop_enum_get_value</c>).</summary>
    public string GetEnumeration(string name)
    {
        using var prop = Find(name);
        var text = Ic4Native.ic4_prop_enum_get_value(prop);
        return text != IntPtr.Zero ? Ic4Native.Utf8(text) : throw Feature(name, Ic4Exception.FromLastError("ic4_prop_enum_get_value"));
    }

    /// <summary>Selects an entry by name (<c>ic4_propmap_find</c> + <c>ic4_prop_enum_set_value</c>).</summary>
    public void SetEnumeration(string name, string entry)
    {
        using var prop = Find(name);
        Check(name, Ic4Native.ic4_prop_enum_set_value(prop, entry), "ic4_prop_enum_set_value");
    }

    /// <inheritdoc/>
    public bool GetBoolean(string name) =>
        Ic4Native.ic4_propmap_get_value_bool(_map, name, out var v) ? v : throw Feature(name, Ic4Exception.FromLastError("ic4_propmap_get_value_bool"));

    /// <inheritdoc/>
    public void SetBoolean(string name, bool value) =>
        Check(name, Ic4Native.ic4_propmap_set_value_bool(_map, name, value), "ic4_propmap_set_value_bool");

    /// <summary>Reads a string property (<c>ic4_propmap_get_value_string</c>: the length first, then the value).</summary>
    public unsafe string GetString(string name)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            nuint size = 0;
            Check(name, Ic4Native.ic4_propmap_get_value_string(_map, name, null, ref size), "ic4_propmap_get_value_string");
            var buffer = new byte[Math.Max(1, (int)size)];
            fixed (byte* p = buffer)
            {
                nuint have = (nuint)buffer.Length;
                if (Ic4Native.ic4_propmap_get_value_string(_map, name, p, ref have))
                {
                    int n = Array.IndexOf(buffer, (byte)0);
                    return System.Text.Encoding.UTF8.GetString(buffer, 0, n < 0 ? buffer.Length : n);
                }
                var e = Ic4Exception.FromLastError("ic4_propmap_get_value_string");
                if (e.Code != 50) // IC4_ERROR_BUFFER_TOO_SMALL: the value grew between the calls; ask again
                    throw Feature(name, e);
            }
        }
        throw new FeatureException(name, $"{_cameraId}: {name} kept changing length while it was read.");
    }

    /// <inheritdoc/>
    public void SetString(string name, string value) =>
        Check(name, Ic4Native.ic4_propmap_set_value_string(_map, name, value), "ic4_propmap_set_value_string");

    /// <inheritdoc/>
    public void Execute(string name) =>
        Check(name, Ic4Native.ic4_propmap_execute_command(_map, name), "ic4_propmap_execute_command");

    /// <summary>The entries that are available now (<c>ic4_prop_enum_get_entries</c>, <c>ic4_proplist_*</c>, <c>ic4_prop_is_available</c>).</summary>
    public IReadOnlyList<string> GetEnumerationEntries(string name)
    {
        using var prop = Find(name);
        using var list = Call(name, "ic4_prop_enum_get_entries", (out IntPtr l) => Ic4Native.ic4_prop_enum_get_entries(prop, out l), Ic4HandleKind.PropertyList);
        return Names(list, name, availableOnly: true);
    }

    private List<string> Names(Ic4Handle list, string name, bool availableOnly = false)
    {
        Check(name, Ic4Native.ic4_proplist_size(list, out var size), "ic4_proplist_size");
        var names = new List<string>((int)size);
        for (nuint i = 0; i < size; i++)
        {
            using var item = Call(name, "ic4_proplist_at", (out IntPtr p) => Ic4Native.ic4_proplist_at(list, i, out p), Ic4HandleKind.Property);
            if (availableOnly && !Ic4Native.ic4_prop_is_available(item))
                continue;
            var text = Ic4Native.ic4_prop_get_name(item);
            if (text == IntPtr.Zero)
                throw Feature(name, Ic4Exception.FromLastError("ic4_prop_get_name"));
            names.Add(Ic4Native.Utf8(text));
        }
        return names;
    }

    /// <summary>The property object for <paramref name="name"/> (<c>ic4_propmap_find</c>), owned by the caller.</summary>
    internal Ic4Handle Find(string name) =>
        Call(name, "ic4_propmap_find", (out IntPtr p) => Ic4Native.ic4_propmap_find(_map, name, out p), Ic4HandleKind.Property);

    /// <summary>The maximum of a float property (<c>ic4_prop_float_get_max</c>).</summary>
    internal double FloatMax(string name)
    {
        using var prop = Find(name);
        return Ic4Native.ic4_prop_float_get_max(prop, out var max) ? max : throw Feature(name, Ic4Exception.FromLastError("ic4_prop_float_get_max"));
    }

    /// <summary>The integer value of an enumeration's selected entry (<c>ic4_prop_enum_get_int_value</c>), e.g. PixelFormat's PFNC code.</summary>
    internal long EnumerationValue(string name)
    {
        using var prop = Find(name);
        return Ic4Native.ic4_prop_enum_get_int_value(prop, out var v) ? v : throw Feature(name, Ic4Exception.FromLastError("ic4_prop_enum_get_int_value"));
    }

    private delegate bool Creator(out IntPtr pointer);

    private Ic4Handle Call(string name, string function, Creator create, Ic4HandleKind kind) =>
        create(out var pointer) ? Ic4Handle.Own(pointer, kind) : throw Feature(name, Ic4Exception.FromLastError(function));

    private void Check(string name, bool success, string function)
    {
        if (!success)
            throw Feature(name, Ic4Exception.FromLastError(function));
    }

    private FeatureException Feature(string name, Ic4Exception e) => new(name, $"{_cameraId}: {name}: {e.Message}", e);
}
