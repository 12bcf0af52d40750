namespace PsCamSync.Core.Cameras.Simulated;

// STUB (skeleton): the simulated-camera helper replaces the bodies; signatures are the contract.

/// <summary>Sensor and clock model of one simulated camera.</summary>
public sealed class SimulatedCameraOptions
{
    /// <summary>Width in pixels (default 640).</summary>
    public int Width { get; set; } = 640;
    /// <summary>Height in pixels (default 480).</summary>
    public int Height { get; set; } = 480;
    /// <summary>Pixel format (default Mono8).</summary>
    public PixelFormat PixelFormat { get; set; } = PixelFormat.Mono8;
    /// <summary>Largest frame rate the sensor can follow, Hz (default 240).</summary>
    public double MaxFrameRateHz { get; set; } = 240;
    /// <summary>Sensor readout time, µs (default 2000).</summary>
    public double ReadoutUs { get; set; } = 2000;
    /// <summary>Exposure time, µs (default 1000).</summary>
    public double ExposureUs { get; set; } = 1000;
    /// <summary>Device clock offset against the shared timeline, ns (device = host + offset + drift).</summary>
    public long ClockOffsetNs { get; set; }
    /// <summary>Device clock drift against the shared timeline, parts per million.</summary>
    public double ClockDriftPpm { get; set; }
    /// <summary>Delay from trigger to exposure start, µs (default 10).</summary>
    public double TriggerLatencyUs { get; set; } = 10;
}

/// <summary>
/// The built-in backend: a chosen number of simulated cameras <c>sim-0</c>, <c>sim-1</c>, ... Camera <c>sim-k</c>
/// has a deterministic model derived from k (see <see cref="DefaultOptions"/>), so every host and process opening
/// the same id gets the same camera.
/// </summary>
public sealed class SimulatedBackend : ICameraBackend
{
    /// <summary>Creates a backend offering <paramref name="cameraCount"/> cameras.</summary>
    /// <param name="cameraCount">Cameras to offer, 1-64.</param>
    /// <param name="configure">Optional change to each camera's options, called with the camera's index.</param>
    public SimulatedBackend(int cameraCount = 1, Action<int, SimulatedCameraOptions>? configure = null) => throw new NotImplementedException();

    /// <summary>The default model of camera <c>sim-k</c>.</summary>
    public static SimulatedCameraOptions DefaultOptions(int index) => throw new NotImplementedException();

    /// <inheritdoc/>
    public string Name => "Simulated";
    /// <inheritdoc/>
    public bool IsAvailable => true;
    /// <inheritdoc/>
    public string? UnavailableReason => null;
    /// <inheritdoc/>
    public IReadOnlyList<CameraInfo> Discover() => throw new NotImplementedException();
    /// <inheritdoc/>
    public ICamera Open(string idSerialOrAddress) => throw new NotImplementedException();
}

/// <summary>
/// The pixel pattern of simulated frames: a header in the first row encodes camera index and device frame
/// counter, so a recording can be checked frame by frame.
/// </summary>
public static class SimulatedPattern
{
    /// <summary>Writes the pattern for <paramref name="cameraIndex"/> and <paramref name="frameId"/> into <paramref name="frame"/>.</summary>
    public static void Fill(Span<byte> frame, int width, int height, PixelFormat format, int cameraIndex, long frameId) => throw new NotImplementedException();

    /// <summary>Reads the camera index and frame id back; false when the header is damaged.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> frame, int width, PixelFormat format, out int cameraIndex, out long frameId) => throw new NotImplementedException();
}
