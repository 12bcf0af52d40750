namespace PsCamSync.Core.Cameras.IC4;

/// <summary>
/// Cameras of The Imaging Source through IC Imaging Control 4's C library (libic4core.so), called through P/Invoke.
/// Unavailable (with the reason) when the library does not load; probing is deferred to first use.
/// </summary>
/// <remarks>
/// Discovery is IC4's device enumerator (<c>ic4_devenum_*</c>); camera ids are serial numbers. <see cref="Open"/> passes
/// the id to <c>ic4_grabber_device_open_by_identifier</c>, which accepts a serial, unique name, user id, model name, IPv4
/// or MAC address.
/// </remarks>
public sealed class Ic4Backend : ICameraBackend
{
    /// <summary>Environment variable naming the full path of libic4core to load, tried before the standard names.</summary>
    public const string LibraryOverrideVariable = "PSCAMSYNC_IC4_LIBRARY";

    /// <summary>Vendor name reported for every IC4 camera.</summary>
    public const string Vendor = "The Imaging Source";

    /// <summary>Cameras this process has open, by id (discovery reads their format through them instead of opening them again).</summary>
    internal static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Ic4Camera> OpenCameras = new(StringComparer.Ordinal);

    private readonly Lazy<string?> _problem;

    /// <summary>Creates the backend; loading libic4core is deferred to first use.</summary>
    public Ic4Backend() : this(Ic4Library.DefaultCandidates) { }

    /// <summary>Creates a backend that tries <paramref name="candidates"/> (after the override variable) instead of the standard names (tests).</summary>
    internal Ic4Backend(IReadOnlyList<string> candidates) =>
        _problem = new Lazy<string?>(() => Ic4Library.Probe(candidates), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <inheritdoc/>
    public string Name => "IC4";

    /// <inheritdoc/>
    public bool IsAvailable => _problem.Value is null;

    /// <inheritdoc/>
    public string? UnavailableReason => _problem.Value;

    /// <summary>The libic4core file in use: the override path, or the soname the dynamic loader found; null when unavailable.</summary>
    public string? LibraryPath => IsAvailable ? Ic4Library.LoadedPath : null;

    /// <summary>
    /// Lists the cameras IC4 enumerates now, with their current Width, Height and PixelFormat read through the open
    /// camera when this process has it open, else by opening it briefly (a camera that cannot be opened, e.g. one another
    /// process holds, is listed with 0 × 0 and Mono8). Empty when the backend is unavailable.
    /// </summary>
    /// <exception cref="CameraException">The enumeration itself failed (inner: <see cref="Ic4Exception"/>).</exception>
    public IReadOnlyList<CameraInfo> Discover()
    {
        if (!IsAvailable)
            return Array.Empty<CameraInfo>();
        var found = new List<CameraInfo>();
        foreach (var (model, serial) in Enumerate())
        {
            var info = new CameraInfo(Name, serial, Vendor, model, serial, "", 0, 0, PixelFormat.Mono8);
            try
            {
                if (OpenCameras.TryGetValue(serial, out var open))
                {
                    info = open.Info;
                }
                else
                {
                    using var camera = OpenCamera(serial);
                    info = camera.Info;
                }
            }
            catch (Exception e) when (e is PsCamSyncException or ObjectDisposedException)
            {
                // documented: listed with 0 x 0 when it cannot be read
            }
            found.Add(info);
        }
        return found;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidCaptureArgumentException">The id is empty or matches several cameras.</exception>
    public ICamera Open(string idSerialOrAddress)
    {
        if (string.IsNullOrWhiteSpace(idSerialOrAddress))
            throw new InvalidCaptureArgumentException("CameraId", "a camera id is empty; pass a serial number from Get-SyncCamera.");
        if (_problem.Value is { } problem)
            throw new CameraException(idSerialOrAddress, $"Camera '{idSerialOrAddress}' cannot be opened: the IC4 backend is unavailable: {problem}");
        return OpenCamera(idSerialOrAddress);
    }

    private Ic4Camera OpenCamera(string key)
    {
        if (!Ic4Native.ic4_grabber_create(out var g))
            throw new CameraException(key, $"Camera '{key}': ic4_grabber_create failed: {Ic4Exception.FromLastError("ic4_grabber_create").Message}");
        var grabber = Ic4Handle.Own(g, Ic4HandleKind.Grabber);
        Ic4Handle? map = null;
        try
        {
            if (!Ic4Native.ic4_grabber_device_open_by_identifier(grabber, key))
            {
                var e = Ic4Exception.FromLastError("ic4_grabber_device_open_by_identifier");
                if (e.Code == 16) // IC4_ERROR_DEVICE_NOT_FOUND
                {
                    var list = Enumerate();
                    throw new CameraNotFoundException(key,
                        $"-CameraId: IC4 found no camera with serial, unique name, user id or address '{key}' " +
                        $"(found: {(list.Count == 0 ? "none" : string.Join(", ", list.Select(d => $"{d.Serial} ({d.Model})")))}). Run Get-SyncCamera to list the cameras.");
                }
                if (e.Code == 18) // IC4_ERROR_AMBIGUOUS
                    throw new InvalidCaptureArgumentException("CameraId", $"'{key}' matches several IC4 cameras ({e.LibraryMessage}); pass the serial number instead.");
                throw new CameraException(key, $"Camera '{key}' was found but could not be opened: {e.Message}", e);
            }
            if (!Ic4Native.ic4_grabber_device_get_property_map(grabber, out var m))
                throw Failed(key, "ic4_grabber_device_get_property_map");
            map = Ic4Handle.Own(m, Ic4HandleKind.PropertyMap);
            if (!Ic4Native.ic4_grabber_get_device(grabber, out var d))
                throw Failed(key, "ic4_grabber_get_device");
            string model, serial;
            using (var info = Ic4Handle.Own(d, Ic4HandleKind.DeviceInfo))
            {
                model = Ic4Native.Utf8(Ic4Native.ic4_devinfo_get_model_name(info));
                serial = Ic4Native.Utf8(Ic4Native.ic4_devinfo_get_serial(info));
            }
            return new Ic4Camera(grabber, map, new CameraInfo(Name, serial, Vendor, model, serial, "", 0, 0, PixelFormat.Mono8));
        }
        catch
        {
            map?.Dispose();
            grabber.Dispose();
            throw;
        }
    }

    private static CameraException Failed(string key, string function)
    {
        var e = Ic4Exception.FromLastError(function);
        return new CameraException(key, $"Camera '{key}': {e.Message}", e);
    }

    /// <summary>Model and serial of every device IC4 enumerates now.</summary>
    private static List<(string Model, string Serial)> Enumerate()
    {
        if (!Ic4Native.ic4_devenum_create(out var e))
            throw Failed("(discovery)", "ic4_devenum_create");
        using var enumerator = Ic4Handle.Own(e, Ic4HandleKind.DeviceEnum);
        if (!Ic4Native.ic4_devenum_update_device_list(enumerator))
            throw Failed("(discovery)", "ic4_devenum_update_device_list");
        int count = Ic4Native.ic4_devenum_get_device_count(enumerator);
        var list = new List<(string, string)>(count);
        for (int i = 0; i < count; i++)
        {
            if (!Ic4Native.ic4_devenum_get_devinfo(enumerator, i, out var d))
                throw Failed("(discovery)", "ic4_devenum_get_devinfo");
            using var info = Ic4Handle.Own(d, Ic4HandleKind.DeviceInfo);
            list.Add((Ic4Native.Utf8(Ic4Native.ic4_devinfo_get_model_name(info)), Ic4Native.Utf8(Ic4Native.ic4_devinfo_get_serial(info))));
        }
        return list;
    }
}
