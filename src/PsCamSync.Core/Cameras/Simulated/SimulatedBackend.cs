using System.Globalization;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// The built-in backend: a chosen number of simulated cameras <c>sim-0</c>, <c>sim-1</c>, ... Camera <c>sim-k</c>
/// has a deterministic model derived from k (see <see cref="DefaultOptions"/>), so every host and process opening
/// the same id gets the same camera.
/// </summary>
/// <remarks>
/// <para>Identities of camera k: id <c>sim-k</c> (k without leading zeros), serial <c>SIMkkk</c> (three digits,
/// <c>SIM000</c>-<c>SIM063</c>), no transport address (<see cref="CameraInfo.Address"/> is empty, and no address
/// opens a simulated camera). <see cref="Open"/> matches ids and serials case-insensitively.</para>
/// <para><see cref="Discover"/> lists the first <see cref="CameraCount"/> cameras, but <see cref="Open"/> opens any
/// <c>sim-k</c> with k &lt; 64, so a remote host can open a camera another host listed whatever count it was given.
/// The <c>configure</c> callback applies to every k opened, listed or not. Each <see cref="Open"/> creates a new,
/// independent camera object (its clock reference is the moment of opening unless the options fix it).</para>
/// </remarks>
public sealed class SimulatedBackend : ICameraBackend
{
    /// <summary>The backend name, <c>Simulated</c>.</summary>
    public const string BackendName = "Simulated";

    /// <summary>Most cameras one simulated backend can have (ids sim-0 .. sim-63).</summary>
    public const int MaxCameras = 64;

    private readonly Action<int, SimulatedCameraOptions>? _configure;
    private readonly SimulatedPlug?[] _plugs = new SimulatedPlug?[MaxCameras]; // fault injection per device, created at first open

    /// <summary>Creates a backend offering <paramref name="cameraCount"/> cameras.</summary>
    /// <param name="cameraCount">Cameras to offer, 1-64.</param>
    /// <param name="configure">Optional change to each camera's options, called with the camera's index.</param>
    /// <exception cref="InvalidCaptureArgumentException">
    /// The count is out of range (ParameterName <c>Simulated</c>), or <paramref name="configure"/> produced invalid
    /// options for a listed camera (ParameterName is the option's name).
    /// </exception>
    public SimulatedBackend(int cameraCount = 1, Action<int, SimulatedCameraOptions>? configure = null)
    {
        if (cameraCount is < 1 or > MaxCameras)
            throw new InvalidCaptureArgumentException("Simulated", $"a simulated backend has 1-{MaxCameras} cameras; got {cameraCount}.");
        CameraCount = cameraCount;
        _configure = configure;
        for (int k = 0; k < cameraCount; k++)
            OptionsFor(k); // fail now, not at the first Open, when the callback makes a bad model
    }

    /// <summary>The default model of camera <c>sim-k</c>.</summary>
    /// <remarks>
    /// 640x480 Mono8, MaxFrameRateHz 240, ReadoutUs 2000, ExposureUs 1000, TriggerLatencyUs 10,
    /// ClockOffsetNs <c>k × 1 500 000</c> (k × 1.5 ms), ClockDriftPpm <c>(k − 1) × 2</c> (sim-0 −2 ppm, sim-1 0,
    /// sim-2 +2 ppm, ...), ClockReferenceNs null (the clock reference is the moment the camera is opened).
    /// </remarks>
    /// <param name="index">Camera index k, 0-63.</param>
    /// <exception cref="InvalidCaptureArgumentException">The index is out of range (ParameterName <c>CameraId</c>).</exception>
    public static SimulatedCameraOptions DefaultOptions(int index)
    {
        if (index is < 0 or >= MaxCameras)
            throw new InvalidCaptureArgumentException("CameraId", $"simulated cameras are sim-0 .. sim-{MaxCameras - 1}; got index {index}.");
        return new SimulatedCameraOptions
        {
            Width = 640,
            Height = 480,
            PixelFormat = PixelFormat.Mono8,
            MaxFrameRateHz = 240,
            ReadoutUs = 2000,
            ExposureUs = 1000,
            TriggerLatencyUs = 10,
            ClockOffsetNs = index * 1_500_000L,
            ClockDriftPpm = (index - 1) * 2.0,
        };
    }

    /// <summary>The id of camera k: <c>sim-k</c>.</summary>
    public static string IdOf(int index) => "sim-" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The serial number of camera k: <c>SIM000</c> .. <c>SIM063</c>.</summary>
    public static string SerialOf(int index) => "SIM" + index.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>Cameras <see cref="Discover"/> lists.</summary>
    public int CameraCount { get; }

    /// <inheritdoc/>
    public string Name => BackendName;

    /// <inheritdoc/>
    public bool IsAvailable => true;

    /// <inheritdoc/>
    public string? UnavailableReason => null;

    /// <summary>The options camera k gets: <see cref="DefaultOptions"/> changed by the backend's callback, validated.</summary>
    /// <exception cref="InvalidCaptureArgumentException">The index is out of range or the options are invalid.</exception>
    public SimulatedCameraOptions OptionsFor(int index)
    {
        var options = DefaultOptions(index);
        _configure?.Invoke(index, options);
        options.Validate();
        return options;
    }

    /// <inheritdoc/>
    public IReadOnlyList<CameraInfo> Discover()
    {
        var list = new List<CameraInfo>(CameraCount);
        for (int k = 0; k < CameraCount; k++)
        {
            var o = OptionsFor(k);
            list.Add(new CameraInfo(BackendName, IdOf(k), SimulatedCamera.VendorName, SimulatedCamera.ModelName,
                SerialOf(k), "", o.Width, o.Height, o.PixelFormat));
        }
        return list;
    }

    /// <inheritdoc/>
    /// <remarks>Accepts <c>sim-k</c> or <c>SIMkkk</c> for k 0-63, case-insensitive; see the class remarks.</remarks>
    public ICamera Open(string idSerialOrAddress) => OpenCamera(idSerialOrAddress);

    /// <summary><see cref="Open"/>, typed.</summary>
    /// <exception cref="CameraNotFoundException">The text is no simulated id or serial, or the device is unplugged
    /// (fault injection, <see cref="SimulatedCameraOptions.UnplugAfterTriggers"/>) and not back yet.</exception>
    public SimulatedCamera OpenCamera(string idSerialOrAddress)
    {
        if (!TryParseIndex(idSerialOrAddress, out int k))
            throw new CameraNotFoundException(idSerialOrAddress ?? "",
                $"no simulated camera '{idSerialOrAddress}': simulated cameras are opened by id sim-0 .. sim-{MaxCameras - 1} or serial SIM000 .. SIM{MaxCameras - 1:D3}.");
        var options = OptionsFor(k);
        SimulatedPlug? plug = null;
        if (options.UnplugAfterTriggers is not null)
        {
            lock (_plugs)
                plug = _plugs[k] ??= new SimulatedPlug(options);
            if (!plug.IsUp)
                throw new CameraNotFoundException(idSerialOrAddress!,
                    $"simulated camera {IdOf(k)} does not answer: it was unplugged (fault injection: UnplugAfterTriggers) and is not back yet.");
        }
        return new SimulatedCamera(k, options, plug);
    }

    /// <summary>Parses <c>sim-k</c> or <c>SIMkkk</c> (case-insensitive) to k; false for anything else.</summary>
    public static bool TryParseIndex(string? idOrSerial, out int index)
    {
        index = -1;
        if (idOrSerial is null)
            return false;
        ReadOnlySpan<char> s = idOrSerial.AsSpan().Trim();
        ReadOnlySpan<char> digits;
        if (s.StartsWith("sim-", StringComparison.OrdinalIgnoreCase))
        {
            digits = s[4..];
            if (digits.Length == 0 || digits.Length > 2 || (digits.Length > 1 && digits[0] == '0'))
                return false;
        }
        else if (s.StartsWith("SIM", StringComparison.OrdinalIgnoreCase))
        {
            digits = s[3..];
            if (digits.Length != 3)
                return false;
        }
        else
        {
            return false;
        }
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k >= MaxCameras)
            return false;
        index = k;
        return true;
    }
}
