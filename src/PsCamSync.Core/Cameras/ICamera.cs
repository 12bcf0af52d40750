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

    /// <summary>
    /// True when <see cref="Trigger"/> can block on the device, e.g. an acknowledged write over a network (GigE Vision
    /// GVCP: up to its timeout and retries when the camera is gone). A capture session then sends this camera's triggers
    /// from a thread of the camera's own, so that the trigger thread never waits on it. False only for backends whose
    /// Trigger returns within microseconds whatever the device does. Default true.
    /// </summary>
    bool TriggerMayBlock => true;

    /// <summary>
    /// Releases a camera that stopped answering, without asking the device anything it may not answer (no
    /// AcquisitionStop, no feature or register reads): the receive thread stops delivering frames to the target and
    /// is joined, and host resources are freed. What the transport itself does to give up a connection may still take
    /// its timeouts, so callers run this off the capture threads. Call it after the last <see cref="Trigger"/> call has
    /// returned; <see cref="IDisposable.Dispose"/> afterwards does nothing. Default: <see cref="IDisposable.Dispose"/>.
    /// </summary>
    void Abandon() => Dispose();

    /// <summary>
    /// Where the device takes GVCP commands (GigE Vision: its IP address and UDP port 3956), for unicast ACTION_CMDs and
    /// to tell whose ACTION_ACK came back; null for a camera without GVCP (USB3, or a backend that does not say).
    /// </summary>
    System.Net.IPEndPoint? GvcpEndPoint => null;

    /// <summary>
    /// True when this camera's backend sends action commands through its own SDK (<see cref="OpenActionPort"/>), as the
    /// Spinnaker backend does with <c>spinSystemSendActionCommand</c>. A take whose cameras all come from one such backend
    /// sends its ACTION_CMDs through that port; otherwise they go on the wire by GVCP to the cameras' subnet. The
    /// acknowledgements a port returns carry the camera's <see cref="GvcpEndPoint"/> as their source. Default false.
    /// </summary>
    bool HasActionPort => false;

    /// <summary>Opens the backend's action-command port (owned by the caller; one per take).</summary>
    /// <exception cref="NotSupportedException"><see cref="HasActionPort"/> is false.</exception>
    /// <exception cref="CameraException">The SDK could not provide the port.</exception>
    Gvcp.IActionCommandPort OpenActionPort() =>
        throw new NotSupportedException($"camera '{Info.Id}': the {Info.Backend} backend sends no action commands of its own; they go by GVCP.");
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

    /// <summary>
    /// The native library file the backend loaded (a vendor SDK's path, e.g. <c>/opt/spinnaker/lib/libSpinnaker_C.so.4</c>),
    /// or null when it loads none of its own or is unavailable. Default null.
    /// </summary>
    string? LibraryPath => null;

    /// <summary>Lists the cameras this backend can open now.</summary>
    IReadOnlyList<CameraInfo> Discover();

    /// <summary>Opens a camera by id, serial or address.</summary>
    /// <exception cref="CameraNotFoundException">Nothing matches <paramref name="idSerialOrAddress"/>.</exception>
    /// <exception cref="CameraException">The camera was found but could not be opened.</exception>
    ICamera Open(string idSerialOrAddress);
}
