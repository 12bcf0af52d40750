namespace PsCamSync.Core.Cameras.Spinnaker;

/// <summary>
/// A camera's GenICam node map through the Spinnaker C API (<c>spinCameraGetNodeMap</c>, or the transport layer's device
/// node map). Nodes are looked up once by name (<c>spinNodeMapGetNode</c>) and kept: Spinnaker node handles need no
/// release and live as long as the camera is initialised. Enumerations are written by entry name
/// (<c>spinEnumerationGetEntryByName</c> → <c>spinEnumerationEntryGetIntValue</c> → <c>spinEnumerationSetIntValue</c>) and read
/// as the current entry's symbolic name. Every failure is a <see cref="FeatureException"/> naming the feature and the
/// camera, with the <see cref="SpinnakerException"/> (error name, code, function) as its inner exception when the SDK
/// refused. Calls are serialised on one lock.
/// </summary>
public sealed class SpinnakerFeatureMap : IFeatureMap
{
    private readonly IntPtr _nodeMap;
    private readonly string _cameraId;
    private readonly Dictionary<string, IntPtr> _nodes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    internal SpinnakerFeatureMap(IntPtr nodeMap, string cameraId)
    {
        _nodeMap = nodeMap;
        _cameraId = cameraId;
    }

    /// <summary>Set once the camera was released: every call then fails with a FeatureException.</summary>
    internal bool Closed { get; set; }

    /// <inheritdoc/>
    /// <remarks><c>spinNodeMapGetNumNodes</c>, <c>spinNodeMapGetNodeByIndex</c>, <c>spinNodeGetName</c>; every node, categories included.</remarks>
    public IReadOnlyList<string> ListFeatures()
    {
        lock (_gate)
        {
            return Call("(node map)", "listing the features", () =>
            {
                SpinnakerNative.Check(SpinnakerNative.spinNodeMapGetNumNodes(MapHandle, out var n), "spinNodeMapGetNumNodes");
                var names = new List<string>((int)n);
                for (nuint i = 0; i < n; i++)
                {
                    SpinnakerNative.Check(SpinnakerNative.spinNodeMapGetNodeByIndex(MapHandle, i, out var node), "spinNodeMapGetNodeByIndex");
                    names.Add(Name(node));
                }
                return names;
            });
        }
    }

    /// <inheritdoc/>
    public bool IsAvailable(string name)
    {
        lock (_gate)
        {
            return Call(name, "checking", () =>
            {
                var node = Lookup(name);
                if (node == IntPtr.Zero)
                    return false;
                SpinnakerNative.Check(SpinnakerNative.spinNodeIsAvailable(node, out var available), "spinNodeIsAvailable");
                return available != 0;
            });
        }
    }

    /// <inheritdoc/>
    public FeatureType GetFeatureType(string name)
    {
        lock (_gate)
            return Call(name, "reading the type of", () => TypeOf(name, Node(name)));
    }

    /// <summary>True when the feature exists and is writable now (<c>spinNodeIsWritable</c>).</summary>
    /// <exception cref="FeatureException">The SDK refused the question.</exception>
    public bool IsWritable(string name)
    {
        lock (_gate)
        {
            return Call(name, "checking", () =>
            {
                var node = Lookup(name);
                if (node == IntPtr.Zero)
                    return false;
                SpinnakerNative.Check(SpinnakerNative.spinNodeIsWritable(node, out var writable), "spinNodeIsWritable");
                return writable != 0;
            });
        }
    }

    /// <inheritdoc/>
    public long GetInteger(string name)
    {
        lock (_gate)
            return Call(name, "reading", () =>
            {
                SpinnakerNative.Check(SpinnakerNative.spinIntegerGetValue(Typed(name, FeatureType.Integer), out var v), "spinIntegerGetValue");
                return v;
            });
    }

    /// <inheritdoc/>
    public void SetInteger(string name, long value)
    {
        lock (_gate)
            Call(name, $"writing {value} to", () => SpinnakerNative.Check(SpinnakerNative.spinIntegerSetValue(Typed(name, FeatureType.Integer), value), "spinIntegerSetValue"));
    }

    /// <inheritdoc/>
    public double GetFloat(string name)
    {
        lock (_gate)
            return Call(name, "reading", () =>
            {
                SpinnakerNative.Check(SpinnakerNative.spinFloatGetValue(Typed(name, FeatureType.Float), out var v), "spinFloatGetValue");
                return v;
            });
    }

    /// <summary>The largest value an IFloat feature takes now (<c>spinFloatGetMax</c>), in its SFNC unit.</summary>
    /// <exception cref="FeatureException">The feature does not exist, is not an IFloat, or the SDK refused.</exception>
    public double GetFloatMax(string name)
    {
        lock (_gate)
            return Call(name, "reading the maximum of", () =>
            {
                SpinnakerNative.Check(SpinnakerNative.spinFloatGetMax(Typed(name, FeatureType.Float), out var v), "spinFloatGetMax");
                return v;
            });
    }

    /// <inheritdoc/>
    public void SetFloat(string name, double value)
    {
        lock (_gate)
            Call(name, $"writing {value} to", () => SpinnakerNative.Check(SpinnakerNative.spinFloatSetValue(Typed(name, FeatureType.Float), value), "spinFloatSetValue"));
    }

    /// <inheritdoc/>
    public string GetEnumeration(string name)
    {
        lock (_gate)
            return Call(name, "reading", () =>
            {
                SpinnakerNative.Check(SpinnakerNative.spinEnumerationGetCurrentEntry(Typed(name, FeatureType.Enumeration), out var entry), "spinEnumerationGetCurrentEntry");
                return Symbolic(entry);
            });
    }

    /// <inheritdoc/>
    /// <exception cref="FeatureException">Also when <paramref name="entry"/> is not one of the feature's entries (the message lists them).</exception>
    public void SetEnumeration(string name, string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            Call(name, $"writing {entry} to", () =>
            {
                var node = Typed(name, FeatureType.Enumeration);
                SpinnakerNative.Check(SpinnakerNative.spinEnumerationGetEntryByName(node, entry, out var handle), "spinEnumerationGetEntryByName");
                if (handle == IntPtr.Zero)
                    throw new FeatureException(name, $"Camera '{_cameraId}': {name} has no entry '{entry}' (it offers {string.Join(", ", Entries(node))}).");
                SpinnakerNative.Check(SpinnakerNative.spinEnumerationEntryGetIntValue(handle, out var value), "spinEnumerationEntryGetIntValue");
                SpinnakerNative.Check(SpinnakerNative.spinEnumerationSetIntValue(node, value), "spinEnumerationSetIntValue");
            });
        }
    }

    /// <inheritdoc/>
    /// <remarks><c>spinEnumerationGetNumEntries</c>, <c>spinEnumerationGetEntryByIndex</c>, the entries that are available now.</remarks>
    public IReadOnlyList<string> GetEnumerationEntries(string name)
    {
        lock (_gate)
            return Call(name, "listing the entries of", () => Entries(Typed(name, FeatureType.Enumeration)));
    }

    /// <inheritdoc/>
    public bool GetBoolean(string name)
    {
        lock (_gate)
            return Call(name, "reading", () =>
            {
                SpinnakerNative.Check(SpinnakerNative.spinBooleanGetValue(Typed(name, FeatureType.Boolean), out var v), "spinBooleanGetValue");
                return v != 0;
            });
    }

    /// <inheritdoc/>
    public void SetBoolean(string name, bool value)
    {
        lock (_gate)
            Call(name, $"writing {value} to", () => SpinnakerNative.Check(SpinnakerNative.spinBooleanSetValue(Typed(name, FeatureType.Boolean), value ? (byte)1 : (byte)0), "spinBooleanSetValue"));
    }

    /// <inheritdoc/>
    public unsafe string GetString(string name)
    {
        lock (_gate)
            return Call(name, "reading", () => SpinnakerNative.ReadString(Typed(name, FeatureType.String), SpinnakerNative.spinStringGetValue, "spinStringGetValue"));
    }

    /// <inheritdoc/>
    public void SetString(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
            Call(name, $"writing '{value}' to", () => SpinnakerNative.Check(SpinnakerNative.spinStringSetValue(Typed(name, FeatureType.String), value), "spinStringSetValue"));
    }

    /// <inheritdoc/>
    public void Execute(string name)
    {
        lock (_gate)
            Call(name, "executing", () => SpinnakerNative.Check(SpinnakerNative.spinCommandExecute(Typed(name, FeatureType.Command)), "spinCommandExecute"));
    }

    /// <summary>The node handle of an ICommand feature, for a caller that executes it without this map's lock (the trigger).</summary>
    /// <exception cref="FeatureException">The feature does not exist or is not an ICommand.</exception>
    internal IntPtr CommandNode(string name)
    {
        lock (_gate)
            return Call(name, "looking up", () => Typed(name, FeatureType.Command));
    }

    private IntPtr MapHandle => Closed ? throw new FeatureException("(node map)", $"Camera '{_cameraId}' was released; its features cannot be used.") : _nodeMap;

    private IntPtr Lookup(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var map = MapHandle;
        if (_nodes.TryGetValue(name, out var node))
            return node;
        SpinnakerNative.Check(SpinnakerNative.spinNodeMapGetNode(map, name, out node), "spinNodeMapGetNode");
        if (node != IntPtr.Zero)
            _nodes[name] = node;
        return node;
    }

    private IntPtr Node(string name) =>
        Lookup(name) is var node && node != IntPtr.Zero ? node
            : throw new FeatureException(name, $"Camera '{_cameraId}' has no feature '{name}'.");

    private IntPtr Typed(string name, FeatureType expected)
    {
        var node = Node(name);
        var type = TypeOf(name, node);
        if (type != expected)
            throw new FeatureException(name, $"Camera '{_cameraId}': {name} is an {Interface(type)}, not an {Interface(expected)}.");
        return node;
    }

    private static string Interface(FeatureType type) => "I" + type;

    private FeatureType TypeOf(string name, IntPtr node)
    {
        SpinnakerNative.Check(SpinnakerNative.spinNodeGetType(node, out var type), "spinNodeGetType");
        return type switch
        {
            SpinnakerNative.IntegerNode => FeatureType.Integer,
            SpinnakerNative.FloatNode => FeatureType.Float,
            SpinnakerNative.BooleanNode => FeatureType.Boolean,
            SpinnakerNative.StringNode => FeatureType.String,
            SpinnakerNative.CommandNode => FeatureType.Command,
            SpinnakerNative.EnumerationNode => FeatureType.Enumeration,
            _ => throw new FeatureException(name, $"Camera '{_cameraId}': {name} is a node of spinNodeType {type} (a category, register or port), not a feature PsCamSync reads."),
        };
    }

    private static unsafe string Name(IntPtr node) => SpinnakerNative.ReadString(node, SpinnakerNative.spinNodeGetName, "spinNodeGetName");

    private static unsafe string Symbolic(IntPtr entry) => SpinnakerNative.ReadString(entry, SpinnakerNative.spinEnumerationEntryGetSymbolic, "spinEnumerationEntryGetSymbolic");

    private static List<string> Entries(IntPtr node)
    {
        SpinnakerNative.Check(SpinnakerNative.spinEnumerationGetNumEntries(node, out var n), "spinEnumerationGetNumEntries");
        var entries = new List<string>((int)n);
        for (nuint i = 0; i < n; i++)
        {
            SpinnakerNative.Check(SpinnakerNative.spinEnumerationGetEntryByIndex(node, i, out var entry), "spinEnumerationGetEntryByIndex");
            SpinnakerNative.Check(SpinnakerNative.spinNodeIsAvailable(entry, out var available), "spinNodeIsAvailable");
            if (available != 0)
                entries.Add(Symbolic(entry));
        }
        return entries;
    }

    private T Call<T>(string name, string action, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (SpinnakerException e)
        {
            throw new FeatureException(name, $"Camera '{_cameraId}': {action} {name} failed: {e.Message}", e);
        }
    }

    private void Call(string name, string action, Action body) => Call(name, action, () => { body(); return 0; });
}
