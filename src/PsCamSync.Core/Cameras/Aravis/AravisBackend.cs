using System.Net;
using System.Net.Sockets;

namespace PsCamSync.Core.Cameras.Aravis;

/// <summary>
/// Real GenICam cameras (GigE Vision, USB3 Vision) through libaravis-0.8 (Debian <c>libaravis-0.8-0</c>),
/// called through P/Invoke. Unavailable (with the reason) when the library does not load.
/// </summary>
/// <remarks>
/// <para>Discovery is Aravis' own (<c>arv_update_device_list</c>): GigE Vision DISCOVERY_CMD broadcast from every
/// IPv4 interface that is up, plus USB3 Vision enumeration. Camera ids are Aravis' device ids,
/// <c>Vendor-Model-Serial</c>.</para>
/// <para><see cref="Open"/> with an IPv4 address connects to that address directly (unicast, no broadcast);
/// with anything else it runs discovery and matches the device id, then the serial number, then the MAC
/// address (physical id), then the address. Aravis keeps one device list per process, so discovery and opening
/// are serialised process-wide.</para>
/// </remarks>
public sealed class AravisBackend : ICameraBackend
{
    /// <summary>Serialises use of Aravis' process-wide device list (update, read, open).</summary>
    internal static readonly Lock SystemGate = new();

    /// <summary>
    /// Cameras this process has open, by id. Discovery reads their format through the open connection instead of
    /// opening them a second time (which costs Aravis seconds of retries for the control channel they hold).
    /// </summary>
    internal static readonly System.Collections.Concurrent.ConcurrentDictionary<string, AravisCamera> OpenCameras = new(StringComparer.Ordinal);

    private readonly Lazy<string?> _problem;

    /// <summary>Creates the backend; loading libaravis is deferred to first use.</summary>
    public AravisBackend() => _problem = new Lazy<string?>(() => AravisLibrary.Problem);

    /// <summary>Creates a backend that probes <paramref name="libraries"/> instead of the standard ones (tests).</summary>
    internal AravisBackend(IReadOnlyList<string> libraries) => _problem = new Lazy<string?>(() => AravisLibrary.Probe(libraries));

    /// <inheritdoc/>
    public string Name => "Aravis";

    /// <inheritdoc/>
    public bool IsAvailable => _problem.Value is null;

    /// <inheritdoc/>
    public string? UnavailableReason => _problem.Value;

    /// <summary>The soname of libaravis-0.8 when it loads (the dynamic loader's search finds the file), else null.</summary>
    public string? LibraryPath => IsAvailable ? AravisNative.Lib : null;

    /// <summary>
    /// Lists the cameras Aravis discovers now. Width, height and pixel format are read by opening each camera
    /// briefly, or through the open connection for cameras this process has open; a camera that cannot be read is
    /// listed with 0 × 0 and <see cref="PixelFormat.Mono8"/>. A camera another process controls costs Aravis a few
    /// seconds of control-channel retries before it is read. A pixel format outside <see cref="PixelFormat"/>'s
    /// named members is kept as the camera's PFNC code (such a camera must be switched to a supported format before
    /// it can stream). Discovery takes about 1 s (Aravis waits that long for late answers). Returns an empty list
    /// when the backend is unavailable.
    /// </summary>
    public IReadOnlyList<CameraInfo> Discover()
    {
        if (!IsAvailable)
            return Array.Empty<CameraInfo>();
        lock (SystemGate)
        {
            var found = new List<CameraInfo>();
            foreach (var d in ListDevicesLocked())
            {
                var (width, height, format) = OpenCameras.TryGetValue(d.Id, out var open) ? FormatOf(open) : ProbeFormatLocked(d.Id);
                found.Add(d.ToInfo(width, height, format));
            }
            return found;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidCaptureArgumentException">The id is empty, or a serial matches several cameras.</exception>
    public ICamera Open(string idSerialOrAddress)
    {
        if (string.IsNullOrWhiteSpace(idSerialOrAddress))
            throw new InvalidCaptureArgumentException("CameraId", "a camera id is empty; pass an id, serial or address from Get-SyncCamera.");
        if (_problem.Value is { } problem)
            throw new CameraException(idSerialOrAddress, $"Camera '{idSerialOrAddress}' cannot be opened: the Aravis backend is unavailable: {problem}");

        lock (SystemGate)
        {
            if (IPAddress.TryParse(idSerialOrAddress, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork)
                return OpenLocked(idSerialOrAddress, idSerialOrAddress, known: null);

            var devices = ListDevicesLocked();
            var match = Match(devices, idSerialOrAddress);
            if (match is null)
                throw new CameraNotFoundException(idSerialOrAddress,
                    $"-CameraId: Aravis found no camera with id, serial, MAC or address '{idSerialOrAddress}' " +
                    $"(found: {(devices.Count == 0 ? "none" : string.Join(", ", devices.Select(d => $"{d.Id} at {d.Address}")))}). " +
                    "Run Get-SyncCamera to list the cameras, or pass the camera's IP address.");
            return OpenLocked(idSerialOrAddress, match.Id, match);
        }
    }

    /// <summary>One entry of Aravis' device list.</summary>
    internal sealed record DeviceEntry(string Id, string PhysicalId, string Address, string Vendor, string Model, string Serial, string Protocol)
    {
        public CameraInfo ToInfo(int width, int height, PixelFormat format) =>
            new("Aravis", Id, Vendor, Model, Serial, Address, width, height, format);
    }

    /// <summary>Refreshes and reads Aravis' device list. Call under <see cref="SystemGate"/>.</summary>
    internal static List<DeviceEntry> ListDevicesLocked()
    {
        AravisNative.arv_update_device_list();
        var n = AravisNative.arv_get_n_devices();
        var list = new List<DeviceEntry>((int)n);
        for (uint i = 0; i < n; i++)
        {
            list.Add(new DeviceEntry(
                AravisNative.Utf8(AravisNative.arv_get_device_id(i)),
                AravisNative.Utf8(AravisNative.arv_get_device_physical_id(i)),
                AravisNative.Utf8(AravisNative.arv_get_device_address(i)),
                AravisNative.Utf8(AravisNative.arv_get_device_vendor(i)),
                AravisNative.Utf8(AravisNative.arv_get_device_model(i)),
                AravisNative.Utf8(AravisNative.arv_get_device_serial_nbr(i)),
                AravisNative.Utf8(AravisNative.arv_get_device_protocol(i))));
        }
        return list;
    }

    /// <summary>
    /// The device <paramref name="key"/> names: by id, else serial, else physical id (MAC), else address.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">The key matches several devices at the same rank.</exception>
    internal static DeviceEntry? Match(IReadOnlyList<DeviceEntry> devices, string key)
    {
        Func<DeviceEntry, string>[] ranks = { d => d.Id, d => d.Serial, d => d.PhysicalId, d => d.Address };
        foreach (var rank in ranks)
        {
            var hits = devices.Where(d => string.Equals(rank(d), key, StringComparison.Ordinal)).ToList();
            if (hits.Count == 1)
                return hits[0];
            if (hits.Count > 1)
                throw new InvalidCaptureArgumentException("CameraId",
                    $"'{key}' matches several cameras ({string.Join(", ", hits.Select(h => h.Id))}); pass the camera id instead.");
        }
        return null;
    }

    private static ICamera OpenLocked(string requested, string deviceId, DeviceEntry? known)
    {
        var camera = AravisNative.arv_camera_new(deviceId, out var error);
        var (code, message) = AravisNative.TakeError(error);
        if (camera == IntPtr.Zero || message is not null)
        {
            if (camera != IntPtr.Zero)
                AravisNative.g_object_unref(camera);
            if (code == AravisNative.DeviceErrorNotFound || camera == IntPtr.Zero && message is null)
                throw new CameraNotFoundException(requested,
                    $"-CameraId: Aravis could not reach camera '{requested}' ({message ?? "not found"}). " +
                    "Check the address and the network link, or run Get-SyncCamera to list the cameras.");
            throw new CameraException(requested, $"Camera '{requested}' was found but could not be opened: {message}");
        }

        try
        {
            var info = known?.ToInfo(0, 0, PixelFormat.Mono8) ?? IdentityByAddress(camera, deviceId);
            return new AravisCamera(camera, info);
        }
        catch
        {
            AravisNative.g_object_unref(camera);
            throw;
        }
    }

    /// <summary>
    /// Identity of a camera opened by address, without a broadcast: vendor, model and serial from its features
    /// (DeviceVendorName, DeviceModelName, DeviceSerialNumber or else DeviceID), the id composed as Aravis composes
    /// GigE Vision ids from the discovery answer (<c>Vendor-Model-Serial</c>, arvgvinterface.c). A camera whose
    /// serial feature differs from its bootstrap serial gets an id that differs from the discovered one.
    /// </summary>
    private static CameraInfo IdentityByAddress(IntPtr camera, string address)
    {
        var vendor = Text(AravisNative.arv_camera_get_vendor_name(camera, out var e1), e1, address, "DeviceVendorName");
        var model = Text(AravisNative.arv_camera_get_model_name(camera, out var e2), e2, address, "DeviceModelName");
        var serial = Text(AravisNative.arv_camera_get_device_serial_number(camera, out var e3), e3, address, "DeviceSerialNumber");
        // arv_str_strip with ARV_DEVICE_NAME_ILLEGAL_CHARACTERS (arvinterfaceprivate.h): 0x01-0x0F and 0x11-0x1F go.
        var id = new string($"{vendor}-{model}-{serial}".Where(ch => ch is not (>= '\x01' and <= '\x1f') || ch == '\x10').ToArray());
        return new CameraInfo("Aravis", id, vendor, model, serial, address, 0, 0, PixelFormat.Mono8);
    }

    private static string Text(IntPtr text, IntPtr error, string cameraId, string feature)
    {
        var (_, message) = AravisNative.TakeError(error);
        if (message is not null)
            throw new CameraException(cameraId, $"Camera '{cameraId}' opened but reading {feature} failed: {message}");
        return AravisNative.Utf8(text);
    }

    /// <summary>Region and format of a camera this process has open; (0, 0, Mono8) when it does not answer.</summary>
    private static (int Width, int Height, PixelFormat Format) FormatOf(AravisCamera camera)
    {
        try
        {
            var info = camera.Info;
            return (info.Width, info.Height, info.PixelFormat);
        }
        catch (Exception ex) when (ex is PsCamSyncException or ObjectDisposedException)
        {
            return (0, 0, PixelFormat.Mono8); // documented: listed as 0 x 0 when it cannot be read
        }
    }

    /// <summary>Opens <paramref name="deviceId"/> briefly for its region and pixel format; (0, 0, Mono8) when that fails.</summary>
    private static (int Width, int Height, PixelFormat Format) ProbeFormatLocked(string deviceId)
    {
        var camera = AravisNative.arv_camera_new(deviceId, out var error);
        var (_, message) = AravisNative.TakeError(error);
        if (camera == IntPtr.Zero)
            return (0, 0, PixelFormat.Mono8);
        try
        {
            if (message is not null)
                return (0, 0, PixelFormat.Mono8);
            AravisNative.arv_camera_get_region(camera, out _, out _, out var width, out var height, out error);
            if (AravisNative.TakeError(error).Message is not null)
                return (0, 0, PixelFormat.Mono8);
            var format = AravisNative.arv_camera_get_pixel_format(camera, out error);
            if (AravisNative.TakeError(error).Message is not null)
                return (width, height, PixelFormat.Mono8);
            return (width, height, (PixelFormat)format);
        }
        finally
        {
            AravisNative.g_object_unref(camera);
        }
    }
}
