namespace PsCamSync.Core.Cameras;

/// <summary>
/// One open camera: a GenICam feature map plus a stream into pre-allocated buffers.
/// Backends: <c>Simulated</c> (built in), <c>Aravis</c> (libaravis-0.8), later vendor SDKs.
/// </summary>
public interface ICamera : IDisposable
{
    /// <summary>Discovery data, refreshed with the current width, height and pixel format.</summary>
    CameraInfo Info { get; }

    /// <summary>The camera's feature map (SFNC names).</summary>
    IFeatureMap Features { get; }

    /// <summary>Bytes one frame needs at the current settings.</summary>
    int FrameBytes { get; }

    /// <summary>
    /// Sets the camera up for one software-triggered frame per trigger (TriggerSelector=FrameStart,
    /// TriggerMode=On, TriggerSource=Software) with the given exposure.
    /// </summary>
    /// <param name="exposureUs">Exposure time in µs, or null to keep the current one.</param>
    /// <exception cref="FeatureException">The camera cannot be software-triggered.</exception>
    void ConfigureSoftwareTrigger(double? exposureUs);

    /// <summary>
    /// Current exposure in µs (SFNC ExposureTime) and the time after a trigger during which the camera ignores
    /// further triggers, in ns (exposure + readout when TriggerOverlap is Off). Used to reject a period the
    /// camera cannot follow.
    /// </summary>
    (double ExposureUs, long BusyNs) TriggerTiming { get; }

    /// <summary>Starts streaming into <paramref name="target"/>; frames arrive on a backend thread.</summary>
    /// <exception cref="CameraException">The stream could not be started.</exception>
    void StartAcquisition(IFrameTarget target);

    /// <summary>
    /// Issues one software trigger for schedule index <paramref name="frameIndex"/>. Called from the trigger thread:
    /// must not wait on readout, frame delivery or disk.
    /// </summary>
    void Trigger(long frameIndex);

    /// <summary>Stops streaming; returns after the backend thread has delivered its last frame.</summary>
    void StopAcquisition();
}

/// <summary>A source of cameras: discovery plus opening by id, serial or address.</summary>
public interface ICameraBackend
{
    /// <summary>Backend name as users type it (<c>Simulated</c>, <c>Aravis</c>).</summary>
    string Name { get; }

    /// <summary>
    /// True when the backend can run on this machine (its native library loads). When false,
    /// <see cref="UnavailableReason"/> says why.
    /// </summary>
    bool IsAvailable { get; }

    /// <summary>Why the backend cannot run here, or null.</summary>
    string? UnavailableReason { get; }

    /// <summary>Lists the cameras this backend can open now.</summary>
    IReadOnlyList<CameraInfo> Discover();

    /// <summary>Opens a camera by id, serial or address.</summary>
    /// <exception cref="CameraNotFoundException">Nothing matches <paramref name="idSerialOrAddress"/>.</exception>
    /// <exception cref="CameraException">The camera was found but could not be opened.</exception>
    ICamera Open(string idSerialOrAddress);
}
