namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// Sensor and clock model of one simulated camera. <see cref="SimulatedBackend.DefaultOptions"/> gives the model of
/// camera <c>sim-k</c>; a backend's <c>configure</c> callback may change it before the camera is created.
/// </summary>
/// <remarks>
/// The device clock is <c>device_ns = host_ns + ClockOffsetNs + ClockDriftPpm × 1e-6 × (host_ns − reference)</c>,
/// where host_ns is the shared timeline and the reference is <see cref="ClockReferenceNs"/> (default: the moment the
/// camera is created). A trigger at host time t starts the exposure at <c>t + TriggerLatencyUs</c>; the frame is
/// ready <c>ExposureUs + ReadoutUs</c> after that.
/// </remarks>
public sealed class SimulatedCameraOptions
{
    /// <summary>Smallest width in pixels: the pattern header needs <see cref="SimulatedPattern.HeaderPixels"/> pixels.</summary>
    public const int MinWidth = 32;
    /// <summary>Largest width in pixels (the simulated sensor's WidthMax).</summary>
    public const int MaxWidth = 8192;
    /// <summary>Smallest height in pixels.</summary>
    public const int MinHeight = 1;
    /// <summary>Largest height in pixels (the simulated sensor's HeightMax).</summary>
    public const int MaxHeight = 8192;
    /// <summary>Shortest exposure, µs.</summary>
    public const double MinExposureUs = 10;
    /// <summary>Longest exposure, µs (1 s).</summary>
    public const double MaxExposureUs = 1_000_000;
    /// <summary>Largest readout time, µs (1 s).</summary>
    public const double MaxReadoutUs = 1_000_000;
    /// <summary>Smallest AcquisitionFrameRate, Hz.</summary>
    public const double MinFrameRateHz = 1;
    /// <summary>Largest value <see cref="MaxFrameRateHz"/> may take, Hz.</summary>
    public const double MaxFrameRateLimitHz = 100_000;
    /// <summary>Largest |<see cref="ClockDriftPpm"/>|, ppm.</summary>
    public const double MaxDriftPpm = 1000;
    /// <summary>Largest |<see cref="ClockOffsetNs"/>|, ns (about 31 years).</summary>
    public const long MaxOffsetNs = 1_000_000_000_000_000_000;

    /// <summary>Width in pixels (default 640), <see cref="MinWidth"/>-<see cref="MaxWidth"/>.</summary>
    public int Width { get; set; } = 640;
    /// <summary>Height in pixels (default 480), <see cref="MinHeight"/>-<see cref="MaxHeight"/>.</summary>
    public int Height { get; set; } = 480;
    /// <summary>Pixel format (default Mono8).</summary>
    public PixelFormat PixelFormat { get; set; } = PixelFormat.Mono8;
    /// <summary>
    /// Largest frame rate the sensor can follow, Hz (default 240): the maximum of AcquisitionFrameRate and the
    /// free-run rate when AcquisitionFrameRateEnable is false. Triggered capture is limited by exposure and readout
    /// only (see <see cref="ICamera.TriggerTiming"/>).
    /// </summary>
    public double MaxFrameRateHz { get; set; } = 240;
    /// <summary>Sensor readout time, µs (default 2000), above 0 and at most <see cref="MaxReadoutUs"/>.</summary>
    public double ReadoutUs { get; set; } = 2000;
    /// <summary>Initial exposure time, µs (default 1000), <see cref="MinExposureUs"/>-<see cref="MaxExposureUs"/>.</summary>
    public double ExposureUs { get; set; } = 1000;
    /// <summary>Device clock offset against the shared timeline, ns (device = host + offset + drift).</summary>
    public long ClockOffsetNs { get; set; }
    /// <summary>Device clock drift against the shared timeline, parts per million (positive: the device runs fast).</summary>
    public double ClockDriftPpm { get; set; }
    /// <summary>Delay from trigger to exposure start, µs (default 10), 0-1 000 000.</summary>
    public double TriggerLatencyUs { get; set; } = 10;
    /// <summary>
    /// Host time (shared timeline, ns) at which the drift term is zero, so the device clock reads exactly
    /// host + <see cref="ClockOffsetNs"/> there; null (default) = the moment the camera is created (opened).
    /// </summary>
    public long? ClockReferenceNs { get; set; }

    /// <summary>A copy of these options.</summary>
    public SimulatedCameraOptions Clone() => (SimulatedCameraOptions)MemberwiseClone();

    /// <summary>Checks every value.</summary>
    /// <exception cref="InvalidCaptureArgumentException">A value is out of range; ParameterName is the property name.</exception>
    public void Validate()
    {
        if (Width is < MinWidth or > MaxWidth)
            throw new InvalidCaptureArgumentException(nameof(Width), $"a simulated camera is {MinWidth}-{MaxWidth} pixels wide; got {Width}.");
        if (Height is < MinHeight or > MaxHeight)
            throw new InvalidCaptureArgumentException(nameof(Height), $"a simulated camera is {MinHeight}-{MaxHeight} pixels high; got {Height}.");
        if (!Enum.IsDefined(PixelFormat))
            throw new InvalidCaptureArgumentException(nameof(PixelFormat), $"0x{(uint)PixelFormat:X8} is not a supported pixel format; use one of {string.Join(", ", Enum.GetNames<PixelFormat>())}.");
        if (!(MaxFrameRateHz >= MinFrameRateHz && MaxFrameRateHz <= MaxFrameRateLimitHz))
            throw new InvalidCaptureArgumentException(nameof(MaxFrameRateHz), $"the largest frame rate must be {MinFrameRateHz}-{MaxFrameRateLimitHz} Hz; got {MaxFrameRateHz}.");
        if (!(ReadoutUs > 0 && ReadoutUs <= MaxReadoutUs))
            throw new InvalidCaptureArgumentException(nameof(ReadoutUs), $"the readout time must be above 0 and at most {MaxReadoutUs} µs; got {ReadoutUs}.");
        if (!(ExposureUs >= MinExposureUs && ExposureUs <= MaxExposureUs))
            throw new InvalidCaptureArgumentException(nameof(ExposureUs), $"the exposure must be {MinExposureUs}-{MaxExposureUs} µs; got {ExposureUs}.");
        if (!(TriggerLatencyUs >= 0 && TriggerLatencyUs <= 1_000_000))
            throw new InvalidCaptureArgumentException(nameof(TriggerLatencyUs), $"the trigger latency must be 0-1000000 µs; got {TriggerLatencyUs}.");
        if (ClockOffsetNs is < -MaxOffsetNs or > MaxOffsetNs)
            throw new InvalidCaptureArgumentException(nameof(ClockOffsetNs), $"the clock offset must be within ±{MaxOffsetNs} ns; got {ClockOffsetNs}.");
        if (!(Math.Abs(ClockDriftPpm) <= MaxDriftPpm))
            throw new InvalidCaptureArgumentException(nameof(ClockDriftPpm), $"the clock drift must be within ±{MaxDriftPpm} ppm; got {ClockDriftPpm}.");
        if (ClockReferenceNs is <= 0)
            throw new InvalidCaptureArgumentException(nameof(ClockReferenceNs), $"the clock reference must be a time on the shared timeline (ns since 1970-01-01 UTC) or null; got {ClockReferenceNs}.");
    }
}
