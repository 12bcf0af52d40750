using System.Net;

namespace PsCamSync.Core.Cameras.Spinnaker;

/// <summary>
/// One camera opened through the Spinnaker C API (<c>spinCamera</c>, initialised with <c>spinCameraInit</c>): its
/// GenICam node map (<see cref="SpinnakerFeatureMap"/>), software-trigger set-up, a receive thread
/// (<see cref="StartAcquisition"/>) and, for GigE cameras with action features, the SDK's action-command port.
/// Obtained from <see cref="SpinnakerBackend.Open"/>. SDK errors become <see cref="CameraException"/> or
/// <see cref="FeatureException"/> with the <see cref="SpinnakerException"/> inside, or, while streaming, faults
/// reported to the frame target.
/// </summary>
public sealed class SpinnakerCamera : ICamera
{
    private readonly Lock _gate = new();
    private readonly SpinnakerCameraHandle _handle;
    private readonly SpinnakerFeatureMap _features;
    private readonly CameraInfo _identity;
    private readonly uint _address;
    private IntPtr _triggerNode;
    private SpinnakerStream? _stream;
    private bool _released;

    internal SpinnakerCamera(SpinnakerCameraHandle handle, IntPtr nodeMap, CameraInfo identity, uint address)
    {
        _handle = handle;
        _identity = identity;
        _address = address;
        _features = new SpinnakerFeatureMap(nodeMap, identity.Id);
        if (address != 0)
            SpinnakerSystem.AddAddress(address);
    }

    /// <summary>The camera's id: its serial number (DeviceSerialNumber).</summary>
    public string Id => _identity.Id;

    /// <inheritdoc/>
    /// <remarks>Identity from discovery; Width, Height and PixelFormat read now. A pixel format PsCamSync does not name is
    /// kept as its PFNC value (the enumeration entry's integer value) when the name is unknown.</remarks>
    /// <exception cref="FeatureException">A feature could not be read.</exception>
    public CameraInfo Info
    {
        get
        {
            var format = _features.GetEnumeration("PixelFormat");
            var pixelFormat = Enum.TryParse<PixelFormat>(format, out var known) ? known : (PixelFormat)0;
            return _identity with
            {
                Width = (int)_features.GetInteger("Width"),
                Height = (int)_features.GetInteger("Height"),
                PixelFormat = pixelFormat,
            };
        }
    }

    /// <inheritdoc/>
    public IFeatureMap Features => _features;

    /// <inheritdoc/>
    /// <remarks>Width × Height × bytes per pixel of the current format (PayloadSize can include chunk data, which is not kept).</remarks>
    public int FrameBytes
    {
        get
        {
            var info = Info;
            return PixelFormats.FrameBytes(info.Width, info.Height, info.PixelFormat);
        }
    }

    /// <inheritdoc/>
    /// <remarks>TriggerMode Off first (Spinnaker cameras change TriggerSource only then), TriggerSelector FrameStart,
    /// TriggerSource Software, TriggerMode On, AcquisitionMode Continuous, and with an exposure ExposureAuto Off
    /// (when present) and ExposureTime.</remarks>
    /// <exception cref="InvalidCaptureArgumentException">The exposure is not a positive number.</exception>
    public void ConfigureSoftwareTrigger(double? exposureUs)
    {
        lock (_gate)
        {
            SfncTriggerSetup.ConfigureSoftware(_features, Id, exposureUs);
            _triggerNode = _features.CommandNode("TriggerSoftware");
        }
    }

    /// <inheritdoc/>
    /// <remarks>Busy time = ExposureTime + the shortest frame period the camera allows now (1 / the maximum of
    /// AcquisitionFrameRate, <c>spinFloatGetMax</c>), which errs long: that period already includes the exposure.</remarks>
    /// <exception cref="FeatureException">The exposure could not be read.</exception>
    public (double ExposureUs, long BusyNs) TriggerTiming => SfncTriggerSetup.Timing(_features, _features.GetFloatMax);

    /// <inheritdoc/>
    /// <remarks><c>spinCameraBeginAcquisition</c> (which runs AcquisitionStart), then the receive thread
    /// (<c>spinCameraGetNextImageEx</c>, 100 ms timeout). Frames carry FrameIndex -1, DeviceFrameId = <c>spinImageGetFrameID</c>,
    /// DeviceTimestampNs = <c>spinImageGetTimeStamp</c> (ns), HostReceiveNs = the shared timeline when the image was handed
    /// over; incomplete images (<c>spinImageIsIncomplete</c>) keep the bytes that arrived
    /// (<c>spinImageGetValidPayloadSize</c>) and zeros elsewhere.</remarks>
    /// <exception cref="CameraException">Already streaming, an unsupported pixel format, or the SDK refused.</exception>
    public void StartAcquisition(IFrameTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (_gate)
        {
            var camera = Handle;
            if (_stream is not null)
                throw new CameraException(Id, $"Camera '{Id}' is already streaming; call StopAcquisition first.");
            var info = Info;
            if (!Enum.IsDefined(info.PixelFormat))
                throw new CameraException(Id, $"Camera '{Id}' is set to pixel format {_features.GetEnumeration("PixelFormat")}, which PsCamSync cannot record; " +
                    $"set PixelFormat to one of {string.Join(", ", Enum.GetNames<PixelFormat>())}.");
            var stream = new SpinnakerStream(camera, Id, target, PixelFormats.FrameBytes(info.Width, info.Height, info.PixelFormat), info.PixelFormat);
            int error = SpinnakerNative.spinCameraBeginAcquisition(camera);
            if (error != SpinnakerNative.Success)
            {
                var e = new SpinnakerException(error, "spinCameraBeginAcquisition");
                throw new CameraException(Id, $"Camera '{Id}': starting the acquisition failed: {e.Message}", e);
            }
            stream.Start();
            _stream = stream;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Executes TriggerSoftware (<c>spinCommandExecute</c> on the node looked up by
    /// <see cref="ConfigureSoftwareTrigger"/>, without the feature map's lock): one acknowledged register write on a GigE
    /// camera, so it can block up to the SDK's GVCP timeout. A failure while streaming is reported to the frame target.</remarks>
    /// <exception cref="CameraException">The trigger failed and the camera is not streaming, or software triggering was not set up.</exception>
    public void Trigger(long frameIndex)
    {
        var node = _triggerNode;
        if (node == IntPtr.Zero || _released)
            throw new CameraException(Id, $"Camera '{Id}': Trigger({frameIndex}) before ConfigureSoftwareTrigger, or after the camera was released.");
        int error = SpinnakerNative.spinCommandExecute(node);
        if (error == SpinnakerNative.Success)
            return;
        var e = new SpinnakerException(error, "spinCommandExecute");
        SoftwareTriggerFault.ReportOrThrow(Id, frameIndex, e.Message, e, _stream?.Target);
    }

    /// <inheritdoc/>
    /// <remarks>Joins the receive thread, then <c>spinCameraEndAcquisition</c>; a failure of the latter is reported to the target.</remarks>
    public void StopAcquisition()
    {
        lock (_gate)
        {
            var stream = _stream;
            if (stream is null)
                return;
            _stream = null;
            stream.Stop();
            StreamCounters = (stream.Delivered, stream.Incomplete, stream.Dropped, stream.Faulted);
            if (_released)
                return;
            int error = SpinnakerNative.spinCameraEndAcquisition(_handle.DangerousGetHandle());
            if (error != SpinnakerNative.Success)
            {
                var e = new SpinnakerException(error, "spinCameraEndAcquisition");
                stream.Target.ReportFault($"Camera '{Id}': ending the acquisition failed: {e.Message}", new CameraException(Id, e.Message, e));
            }
        }
    }

    /// <summary>Frames delivered, incomplete, dropped (no free buffer) and stream faults of the last acquisition.</summary>
    public (long Delivered, long Incomplete, long Dropped, long Faults) StreamCounters { get; private set; }

    /// <inheritdoc/>
    /// <remarks>GevCurrentIPAddress of the device (or the transport layer's GevDeviceIPAddress) and UDP 3956; null for USB3.</remarks>
    public IPEndPoint? GvcpEndPoint => _address == 0 ? null
        : new IPEndPoint(new IPAddress([(byte)(_address >> 24), (byte)(_address >> 16), (byte)(_address >> 8), (byte)_address]), Gvcp.GvcpProtocol.Port);

    /// <inheritdoc/>
    public bool TriggerMayBlock => true;

    /// <inheritdoc/>
    /// <remarks>True for a GigE camera with ActionDeviceKey, ActionGroupKey, ActionGroupMask and ActionSelector.</remarks>
    public bool HasActionPort =>
        _address != 0 && !_released && new[] { "ActionDeviceKey", "ActionGroupKey", "ActionGroupMask", "ActionSelector" }.All(_features.IsAvailable);

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException"><see cref="HasActionPort"/> is false.</exception>
    /// <exception cref="CameraException">The Spinnaker system could not be obtained.</exception>
    public Gvcp.IActionCommandPort OpenActionPort()
    {
        if (!HasActionPort)
            throw new NotSupportedException($"camera '{Id}': it is not a GigE camera with action features, so Spinnaker cannot send it action commands.");
        return new SpinnakerActionPort(Id);
    }

    /// <summary>
    /// What went wrong when <see cref="Abandon"/> gave the camera up (a <see cref="CameraException"/> with the
    /// <see cref="SpinnakerException"/> inside), or null. Abandon does not throw: the camera is gone either way.
    /// </summary>
    public CameraException? AbandonFault { get; private set; }

    /// <inheritdoc/>
    /// <remarks>No AcquisitionStop and no feature access: the receive thread is joined, then <c>spinCameraDeInit</c> and
    /// <c>spinCameraRelease</c> give the camera up (what the SDK does on the wire then may take its own timeouts). Their
    /// errors go to <see cref="AbandonFault"/>.</remarks>
    public void Abandon()
    {
        SpinnakerStream? stream;
        lock (_gate)
        {
            stream = _stream;
            _stream = null;
        }
        if (stream is not null)
        {
            stream.Stop();
            StreamCounters = (stream.Delivered, stream.Incomplete, stream.Dropped, stream.Faulted);
        }
        Release(deInit: true, throwErrors: false);
    }

    /// <summary>Stops streaming, then <c>spinCameraDeInit</c>, <c>spinCameraRelease</c> and the system reference.</summary>
    /// <exception cref="CameraException">The SDK refused to release the camera (it is released on our side regardless).</exception>
    public void Dispose()
    {
        StopAcquisition();
        Release(deInit: true, throwErrors: true);
    }

    private void Release(bool deInit, bool throwErrors)
    {
        SpinnakerException? failure = null;
        lock (_gate)
        {
            if (_released)
                return;
            _released = true;
            _triggerNode = IntPtr.Zero;
            _features.Closed = true;
            if (deInit)
            {
                int error = SpinnakerNative.spinCameraDeInit(_handle.DangerousGetHandle());
                if (error != SpinnakerNative.Success)
                    failure = new SpinnakerException(error, "spinCameraDeInit");
            }
            _handle.Dispose();
            if (_handle.ReleaseError != SpinnakerNative.Success)
                failure ??= new SpinnakerException(_handle.ReleaseError, "spinCameraRelease");
            if (_address != 0)
                SpinnakerSystem.RemoveAddress(_address);
            SpinnakerBackend.OpenCameras.TryRemove(new KeyValuePair<string, SpinnakerCamera>(Id, this));
            try
            {
                SpinnakerSystem.Release();
            }
            catch (SpinnakerException e)
            {
                failure ??= e;
            }
        }
        if (failure is null)
            return;
        var fault = new CameraException(Id, $"Camera '{Id}': releasing it failed: {failure.Message}", failure);
        if (throwErrors)
            throw fault;
        AbandonFault = fault;
    }

    private IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_released, this);
            return _handle.DangerousGetHandle();
        }
    }
}
