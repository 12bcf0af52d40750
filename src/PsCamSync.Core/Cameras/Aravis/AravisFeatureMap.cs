namespace PsCamSync.Core.Cameras.Aravis;

/// <summary>
/// The GenICam feature map of one Aravis device: <c>arv_device_{get,set}_*_feature_value</c> and
/// <c>arv_device_execute_command</c>, with the node's interface type checked first
/// (<c>arv_device_get_feature</c> + GObject type checks), so that a wrong type is reported by name. Enumerations
/// are read and written as entry names through the IString side Aravis gives them. Every call holds the camera's
/// gate, which the trigger path shares, because Aravis' GenICam node tree is not meant for concurrent use.
/// </summary>
internal sealed class AravisFeatureMap : IFeatureMap
{
    private readonly AravisCamera _camera;

    public AravisFeatureMap(AravisCamera camera) => _camera = camera;

    private string CameraId => _camera.Id;

    /// <summary>GTypes of the node classes and interfaces, resolved once.</summary>
    private static class NodeTypes
    {
        public static readonly nuint FeatureNode = AravisNative.arv_gc_feature_node_get_type();
        public static readonly nuint Category = AravisNative.arv_gc_category_get_type();
        public static readonly nuint Enumeration = AravisNative.arv_gc_enumeration_get_type();
        public static readonly nuint Boolean = AravisNative.arv_gc_boolean_get_type();
        public static readonly nuint Command = AravisNative.arv_gc_command_get_type();
        public static readonly nuint Float = AravisNative.arv_gc_float_get_type();
        public static readonly nuint Integer = AravisNative.arv_gc_integer_get_type();
        public static readonly nuint String = AravisNative.arv_gc_string_get_type();
    }

    private static bool Is(IntPtr node, nuint type) => AravisNative.g_type_check_instance_is_a(node, type) != 0;

    /// <summary>
    /// The feature type of a node, or null for a category or a node that is no feature. Order matters: an
    /// enumeration also implements IInteger and IString.
    /// </summary>
    private static FeatureType? Classify(IntPtr node)
    {
        if (!Is(node, NodeTypes.FeatureNode) || Is(node, NodeTypes.Category)) return null;
        if (Is(node, NodeTypes.Enumeration)) return FeatureType.Enumeration;
        if (Is(node, NodeTypes.Boolean)) return FeatureType.Boolean;
        if (Is(node, NodeTypes.Command)) return FeatureType.Command;
        if (Is(node, NodeTypes.Float)) return FeatureType.Float;
        if (Is(node, NodeTypes.Integer)) return FeatureType.Integer;
        if (Is(node, NodeTypes.String)) return FeatureType.String;
        return null;
    }

    private IntPtr Node(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new FeatureException(name ?? "", $"A feature name is empty; pass an SFNC name such as ExposureTime (camera '{CameraId}').");
        var node = AravisNative.arv_device_get_feature(_camera.Device, name);
        if (node == IntPtr.Zero)
            throw new FeatureException(name, $"Camera '{CameraId}' has no feature '{name}'; check the SFNC name against the camera's feature list.");
        return node;
    }

    private FeatureType TypeOf(string name) =>
        Classify(Node(name)) ?? throw new FeatureException(name, $"'{name}' on camera '{CameraId}' is a category or an internal node, not a feature.");

    private void Require(string name, FeatureType expected)
    {
        var actual = TypeOf(name);
        if (actual != expected)
            throw new FeatureException(name, $"Feature '{name}' of camera '{CameraId}' is {Article(actual)} {actual}, not {Article(expected)} {expected}.");
    }

    private static string Article(FeatureType t) => t is FeatureType.Integer or FeatureType.Enumeration ? "an" : "a";

    private void Check(IntPtr error, string name, string action)
    {
        var (_, message) = AravisNative.TakeError(error);
        if (message is not null)
            throw new FeatureException(name, $"{action} feature '{name}' of camera '{CameraId}' failed: {message}");
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFeatures()
    {
        lock (_camera.Gate)
        {
            var genicam = AravisNative.arv_device_get_genicam(_camera.Device);
            var names = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            Walk(genicam, "Root", names, seen);
            return names;
        }
    }

    /// <summary>Depth-first walk of the category tree from <paramref name="category"/>, keeping implemented features.</summary>
    private static unsafe void Walk(IntPtr genicam, string category, List<string> names, HashSet<string> seen)
    {
        if (!seen.Add(category))
            return;
        var node = AravisNative.arv_gc_get_node(genicam, category);
        if (node == IntPtr.Zero || !Is(node, NodeTypes.Category))
            return;
        for (var item = AravisNative.arv_gc_category_get_features(node); item != IntPtr.Zero; item = ((AravisNative.GSList*)item)->Next)
        {
            var name = AravisNative.Utf8(((AravisNative.GSList*)item)->Data);
            var child = AravisNative.arv_gc_get_node(genicam, name);
            if (child == IntPtr.Zero)
                continue;
            if (Is(child, NodeTypes.Category))
            {
                Walk(genicam, name, names, seen);
                continue;
            }
            if (Classify(child) is null || !seen.Add(name))
                continue;
            var implemented = AravisNative.arv_gc_feature_node_is_implemented(child, out var error) != 0;
            if (AravisNative.TakeError(error).Message is null && implemented)
                names.Add(name);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="FeatureException">Evaluating the feature's pIsImplemented/pIsAvailable failed on the device.</exception>
    public bool IsAvailable(string name)
    {
        if (string.IsNullOrEmpty(name))
            return false;
        lock (_camera.Gate)
        {
            var node = AravisNative.arv_device_get_feature(_camera.Device, name);
            if (node == IntPtr.Zero || Classify(node) is null)
                return false;
            var implemented = AravisNative.arv_gc_feature_node_is_implemented(node, out var error) != 0;
            Check(error, name, "Checking");
            if (!implemented)
                return false;
            var available = AravisNative.arv_gc_feature_node_is_available(node, out error) != 0;
            Check(error, name, "Checking");
            return available;
        }
    }

    /// <inheritdoc/>
    public FeatureType GetFeatureType(string name)
    {
        lock (_camera.Gate)
            return TypeOf(name);
    }

    /// <inheritdoc/>
    public long GetInteger(string name)
    {
        lock (_camera.Gate)
        {
            Require(name, FeatureType.Integer);
            var value = AravisNative.arv_device_get_integer_feature_value(_camera.Device, name, out var error);
            Check(error, name, "Reading");
            return value;
        }
    }

    /// <inheritdoc/>
    public void SetInteger(string name, long value)
    {
        lock (_camera.Gate)
        {
            Require(name, FeatureType.Integer);
            AravisNative.arv_device_set_integer_feature_value(_camera.Device, name, value, out var error);
            Check(error, name, $"Writing {value} to");
        }
    }

    /// <inheritdoc/>
    public double GetFloat(string name)
    {
        lock (_camera.Gate)
        {
            Require(name, FeatureType.Float);
            var value = AravisNative.arv_device_get_float_feature_value(_camera.Device, name, out var error);
            Check(error, name, "Reading");
            return value;
        }
    }

    /// <inheritdoc/>
    public void SetFloat(string name, double value)
    {
        lock (_camera.Gate)
        {
            Require(name, FeatureType.Float);
            AravisNative.arv_device_set_float_feature_value(_camera.Device, name, value, out var error);
            Check(error, name, $"Writing {value} to");
        }
    }

    /// <inheritdoc/>
    public string GetEnumeration(string name) => ReadText(name, FeatureType.Enumeration);

    /// <inheritdoc/>
    public void SetEnumeration(string name, string entry) => WriteText(name, FeatureType.Enumeration, entry);

    /// <inheritdoc/>
    public bool GetBoolean(string name)
    {
        lock (_camera.Gate)
        {
            Require(name, FeatureType.Boolean);
            var value = AravisNative.arv_device_get_boolean_feature_value(_camera.Device, name, out var error);
            Check(error, name, "Reading");
            return value != 0;
        }
    }

    /// <inheritdoc/>
    public void SetBoolean(string name, bool value)
    {
        lock (_camera.Gate)
        {
            Require(name, FeatureType.Boolean);
            AravisNative.arv_device_set_boolean_feature_value(_camera.Device, name, value ? 1 : 0, out var error);
            Check(error, name, $"Writing {value} to");
        }
    }

    /// <inheritdoc/>
    public string GetString(string name) => ReadText(name, FeatureType.String);

    /// <inheritdoc/>
    public void SetString(string name, string value) => WriteText(name, FeatureType.String, value);

    /// <summary>Enumerations and strings both travel as text through Aravis' string accessors.</summary>
    private string ReadText(string name, FeatureType type)
    {
        lock (_camera.Gate)
        {
            Require(name, type);
            var value = AravisNative.arv_device_get_string_feature_value(_camera.Device, name, out var error);
            Check(error, name, "Reading");
            return AravisNative.Utf8(value);
        }
    }

    private void WriteText(string name, FeatureType type, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_camera.Gate)
        {
            Require(name, type);
            AravisNative.arv_device_set_string_feature_value(_camera.Device, name, value, out var error);
            Check(error, name, $"Writing '{value}' to");
        }
    }

    /// <inheritdoc/>
    public void Execute(string name)
    {
        lock (_camera.Gate)
        {
            Require(name, FeatureType.Command);
            AravisNative.arv_device_execute_command(_camera.Device, name, out var error);
            Check(error, name, "Executing");
        }
    }
}
