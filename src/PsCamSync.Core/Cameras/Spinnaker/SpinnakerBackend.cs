using System.Collections.Concurrent;

namespace PsCamSync.Core.Cameras.Spinnaker;

/// <summary>
/// FLIR/Teledyne cameras (GigE Vision, USB3 Vision) through the Spinnaker SDK's C library, libSpinnaker_C.so.&lt;major&gt;
/// (the SDK's .NET binding exists only for Windows). Optional: unavailable, with the reason, when the library does not load;
/// probing waits for the first use. Camera ids are serial numbers (DeviceSerialNumber).
/// </summary>
/// <remarks>
/// Discovery is the SDK's (<c>spinSystemGetCameras</c>): vendor, model, serial, type and address come from each camera's
/// transport-layer node map; width, height and pixel format from its device node map, which needs the camera initialised
/// briefly (a camera this process has open is read through its open handle). <see cref="Open"/> takes a serial
/// (<c>spinCameraListGetBySerial</c>) or a GigE camera's IPv4 address. Discovery and opening are serialised process-wide.
/// </remarks>
public sealed class SpinnakerBackend : ICameraBackend
{
    /// <summary>Environment variable naming the library file to load instead of the standard sonames (tried first).</summary>
    public const string LibraryOverrideVariable = "PSCAMSYNC_SPINNAKER_LIBRARY";

    /// <summary>Serialises discovery and opening.</summary>
    internal static readonly Lock SystemGate = new();

    /// <summary>Cameras this process has open, by serial.</summary>
    internal static readonly ConcurrentDictionary<string, SpinnakerCamera> OpenCameras = new(StringComparer.Ordinal);

    private readonly Lazy<string?> _problem;

    /// <summary>Creates the backend; loading libSpinnaker_C is deferred to first use.</summary>
    public SpinnakerBackend()
        : this(SpinnakerLibrary.DefaultCandidates)
    {
    }

    /// <summary>Creates a backend that probes <paramref name="candidates"/> (after the override variable) instead of the standard sonames (tests).</summary>
    internal SpinnakerBackend(IReadOnlyList<string> candidates)
        => _problem = new Lazy<string?>(() => SpinnakerLibrary.Probe(candidates, Environment.GetEnvironmentVariable(LibraryOverrideVariable)));

    /// <summary>Creates a backend that probes <paramref name="overridePath"/> as if the override variable named it, then <paramref name="candidates"/> (tests).</summary>
    internal SpinnakerBackend(IReadOnlyList<string> candidates, string? overridePath)
        => _problem = new Lazy<string?>(() => SpinnakerLibrary.Probe(candidates, overridePath));

    /// <inheritdoc/>
    public string Name => "Spinnaker";

    /// <inheritdoc/>
    public bool IsAvailable => _problem.Value is null;

    /// <inheritdoc/>
    public string? UnavailableReason => _problem.Value;

    /// <summary>The libSpinnaker_C file loaded: the override path, or the soname the dynamic loader found; null when unavailable.</summary>
    public string? LibraryPath => IsAvailable ? SpinnakerLibrary.LoadedFile : null;

    /// <summary>One camera of the SDK's list, from its transport-layer node map.</summary>
    internal sealed record DeviceEntry(string Serial, string Vendor, string Model, string Address, uint AddressValue);

    /// <inheritdoc/>
    /// <remarks>A camera whose format cannot be read (another process holds it) is listed with 0 × 0 and Mono8. Returns an
    /// empty list when the backend is unavailable.</remarks>
    /// <exception cref="CameraException">The SDK's system or camera list could not be obtained.</exception>
    public IReadOnlyList<CameraInfo> Discover()
    {
        if (!IsAvailable)
            return Array.Empty<CameraInfo>();
        lock (SystemGate)
        {
            var found = new List<CameraInfo>();
            WithCameraList("(discovery)", list =>
            {
                SpinnakerNative.Check(SpinnakerNative.spinCameraListGetSize(list.DangerousGetHandle(), out var n), "spinCameraListGetSize");
                for (nuint i = 0; i < n; i++)
                {
                    SpinnakerNative.Check(SpinnakerNative.spinCameraListGet(list.DangerousGetHandle(), i, out var raw), "spinCameraListGet");
                    using var camera = new SpinnakerCameraHandle(raw);
                    var entry = Identify(camera.DangerousGetHandle());
                    var info = new CameraInfo(Name, entry.Serial, entry.Vendor, entry.Model, entry.Serial, entry.Address, 0, 0, PixelFormat.Mono8);
                    found.Add(OpenCameras.TryGetValue(entry.Serial, out var open) ? FormatOf(open, info) : ProbeFormat(camera.DangerousGetHandle(), info));
                }
            });
            return found;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidCaptureArgumentException">The id is empty.</exception>
    public ICamera Open(string idSerialOrAddress)
    {
        if (string.IsNullOrWhiteSpace(idSerialOrAddress))
            throw new InvalidCaptureArgumentException("CameraId", "a camera id is empty; pass a serial number or IPv4 address from Get-SyncCamera.");
        if (_problem.Value is { } problem)
            throw new CameraException(idSerialOrAddress, $"Camera '{idSerialOrAddress}' cannot be opened: the Spinnaker backend is unavailable: {problem}");
        lock (SystemGate)
        {
            if (OpenCameras.ContainsKey(idSerialOrAddress))
                throw new CameraException(idSerialOrAddress, $"Camera '{idSerialOrAddress}' is already open in this process; dispose the open camera first.");
            SpinnakerCamera? opened = null;
            WithCameraList(idSerialOrAddress, list => opened = OpenFrom(list, idSerialOrAddress));
            return opened!;
        }
    }

    private SpinnakerCamera OpenFrom(SpinnakerCameraListHandle list, string key)
    {
        // By serial first (an IPv4 address is never a serial); a serial the SDK does not know may come back as a null
        // handle or as an error, and either way the list is searched by serial and address.
        IntPtr raw = IntPtr.Zero;
        // Dotted quads only: IPAddress.TryParse reads a bare number such as the serial 20000001 as an IPv4 address too.
        bool isAddress = key.Count(ch => ch == '.') == 3 && System.Net.IPAddress.TryParse(key, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        int bySerial = isAddress ? SpinnakerNative.Success : SpinnakerNative.spinCameraListGetBySerial(list.DangerousGetHandle(), key, out raw);
        if (bySerial != SpinnakerNative.Success)
            raw = IntPtr.Zero;
        SpinnakerCameraHandle? handle = raw != IntPtr.Zero ? new SpinnakerCameraHandle(raw) : null;
        DeviceEntry? entry = handle is null ? null : IdentifyOrRelease(handle);
        var seen = new List<DeviceEntry>();
        if (handle is null)
        {
            SpinnakerNative.Check(SpinnakerNative.spinCameraListGetSize(list.DangerousGetHandle(), out var n), "spinCameraListGetSize");
            for (nuint i = 0; i < n && handle is null; i++)
            {
                SpinnakerNative.Check(SpinnakerNative.spinCameraListGet(list.DangerousGetHandle(), i, out var candidate), "spinCameraListGet");
                var h = new SpinnakerCameraHandle(candidate);
                var e = IdentifyOrRelease(h);
                seen.Add(e);
                if (string.Equals(e.Serial, key, StringComparison.Ordinal) || e.Address.Length > 0 && string.Equals(e.Address, key, StringComparison.Ordinal))
                {
                    handle = h;
                    entry = e;
                }
                else
                {
                    h.Dispose();
                }
            }
        }
        if (handle is null || entry is null)
            throw new CameraNotFoundException(key,
                $"-CameraId: Spinnaker found no camera with serial or address '{key}' " +
                $"(found: {(seen.Count == 0 ? "none" : string.Join(", ", seen.Select(d => d.Address.Length > 0 ? $"{d.Serial} at {d.Address}" : $"{d.Serial} (USB3)")))}" +
                (bySerial != SpinnakerNative.Success ? $"; spinCameraListGetBySerial answered {SpinnakerException.NameOf(bySerial)}" : "") + "). " +
                "Run Get-SyncCamera to list the cameras.");

        bool initialised = false;
        try
        {
            if (OpenCameras.ContainsKey(entry.Serial))
                throw new CameraException(key, $"Camera '{entry.Serial}' is already open in this process; dispose the open camera first.");
            SpinnakerNative.Check(SpinnakerNative.spinCameraInit(handle.DangerousGetHandle()), "spinCameraInit");
            initialised = true;
            SpinnakerNative.Check(SpinnakerNative.spinCameraGetNodeMap(handle.DangerousGetHandle(), out var nodeMap), "spinCameraGetNodeMap");
            uint address = entry.AddressValue;
            var features = new SpinnakerFeatureMap(nodeMap, entry.Serial);
            if (address != 0 && features.IsAvailable("GevCurrentIPAddress"))
                address = unchecked((uint)features.GetInteger("GevCurrentIPAddress"));
            var info = new CameraInfo(Name, entry.Serial, entry.Vendor, entry.Model, entry.Serial, address == 0 ? "" : Format(address), 0, 0, PixelFormat.Mono8);
            SpinnakerSystem.Acquire(); // the camera's own reference, dropped when it is released
            var camera = new SpinnakerCamera(handle, nodeMap, info, address);
            OpenCameras[entry.Serial] = camera;
            return camera;
        }
        catch (Exception e) when (e is SpinnakerException or FeatureException)
        {
            if (initialised)
                SpinnakerNative.spinCameraDeInit(handle.DangerousGetHandle()); // the open failed already; its error is the one reported
            handle.Dispose();
            var inner = e as SpinnakerException ?? e.InnerException as SpinnakerException;
            throw new CameraException(key, $"Camera '{key}' was found but could not be opened: {e.Message}", (Exception?)inner ?? e);
        }
        catch
        {
            if (initialised)
                SpinnakerNative.spinCameraDeInit(handle.DangerousGetHandle());
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="body"/> with the system held and a filled camera list, releasing both in order.</summary>
    private static void WithCameraList(string cameraId, Action<SpinnakerCameraListHandle> body)
    {
        IntPtr system;
        try
        {
            system = SpinnakerSystem.Acquire();
        }
        catch (SpinnakerException e)
        {
            throw new CameraException(cameraId, $"The Spinnaker system could not be obtained: {e.Message}", e);
        }
        Exception? failure = null;
        try
        {
            using var list = SpinnakerCameraListHandle.Of(system);
            body(list);
        }
        catch (SpinnakerException e)
        {
            failure = new CameraException(cameraId, $"Spinnaker: {e.Message}", e);
        }
        catch (Exception e)
        {
            failure = e;
        }
        try
        {
            SpinnakerSystem.Release();
        }
        catch (SpinnakerException e)
        {
            failure ??= new CameraException(cameraId, $"Spinnaker: {e.Message}", e);
        }
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    /// <summary><see cref="Identify"/>, releasing <paramref name="handle"/> when it throws.</summary>
    private static DeviceEntry IdentifyOrRelease(SpinnakerCameraHandle handle)
    {
        try
        {
            return Identify(handle.DangerousGetHandle());
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Serial, vendor, model and GigE address from the camera's transport-layer node map (no Init needed).</summary>
    private static DeviceEntry Identify(IntPtr camera)
    {
        SpinnakerNative.Check(SpinnakerNative.spinCameraGetTLDeviceNodeMap(camera, out var tl), "spinCameraGetTLDeviceNodeMap");
        var map = new SpinnakerFeatureMap(tl, "(transport layer)");
        string serial = map.GetString("DeviceSerialNumber");
        string vendor = map.IsAvailable("DeviceVendorName") ? map.GetString("DeviceVendorName") : "";
        string model = map.IsAvailable("DeviceModelName") ? map.GetString("DeviceModelName") : "";
        // TLDevice DeviceType entries are GenTL's (TransportLayerDefsC.h: GEV, U3V, ...); SFNC spells GigE "GigEVision".
        bool gige = !map.IsAvailable("DeviceType") || map.GetEnumeration("DeviceType") is "GEV" or "GigEVision";
        uint address = gige && map.IsAvailable("GevDeviceIPAddress") ? unchecked((uint)map.GetInteger("GevDeviceIPAddress")) : 0;
        return new DeviceEntry(serial, vendor, model, address == 0 ? "" : Format(address), address);
    }

    /// <summary>An IPv4 address given as GenICam gives it (most significant byte first), dotted.</summary>
    internal static string Format(uint address) => $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}";

    private static CameraInfo FormatOf(SpinnakerCamera camera, CameraInfo listed)
    {
        try
        {
            var info = camera.Info;
            return listed with { Width = info.Width, Height = info.Height, PixelFormat = info.PixelFormat };
        }
        catch (Exception ex) when (ex is PsCamSyncException or ObjectDisposedException)
        {
            return listed; // documented: listed as 0 x 0 when it cannot be read
        }
    }

    /// <summary>Initialises the camera briefly to read Width, Height and PixelFormat; the listed info when that fails.</summary>
    private static CameraInfo ProbeFormat(IntPtr camera, CameraInfo listed)
    {
        if (SpinnakerNative.spinCameraInit(camera) != SpinnakerNative.Success)
            return listed; // documented: another process may hold it; listed as 0 x 0
        try
        {
            if (SpinnakerNative.spinCameraGetNodeMap(camera, out var nodeMap) != SpinnakerNative.Success)
                return listed;
            var map = new SpinnakerFeatureMap(nodeMap, listed.Id);
            var format = Enum.TryParse<PixelFormat>(map.GetEnumeration("PixelFormat"), out var known) ? known : (PixelFormat)0;
            return listed with { Width = (int)map.GetInteger("Width"), Height = (int)map.GetInteger("Height"), PixelFormat = format };
        }
        catch (FeatureException)
        {
            return listed;
        }
        finally
        {
            SpinnakerNative.Check(SpinnakerNative.spinCameraDeInit(camera), "spinCameraDeInit");
        }
    }
}
