namespace PsCamSync.Core.Cameras.Aravis;

/// <summary>
/// One camera opened through libaravis-0.8 (<c>ArvCamera</c>): its GenICam feature map, software-trigger set-up
/// and a stream received on a thread of its own (see <see cref="StartAcquisition"/>). Obtained from
/// <see cref="AravisBackend.Open"/>. Aravis errors become <see cref="FeatureException"/> or
/// <see cref="CameraException"/> with Aravis' message, or, while streaming, faults reported to the frame target.
/// </summary>
public sealed class AravisCamera : ICamera
{
    /// <summary>
    /// Aravis' GigE Vision emulator (<c>arv-fake-gv-camera-0.8</c>) looks at its software-trigger register only once
    /// per period of its fixed 25 Hz trigger clock (arvfakecamera.c, <c>trigger_frequency</c>), on 40 ms boundaries
    /// of CLOCK_REALTIME; triggers within one such window give one frame. <see cref="TriggerTiming"/> reports at
    /// least this busy time for it.
    /// </summary>
    public const long EmulatorTriggerPollNs = 40_000_000;

    private readonly CameraInfo _identity;
    private readonly AravisFeatureMap _features;
    private readonly IntPtr _device;
    private IntPtr _camera;
    private AravisStream? _stream;
    private long _lastTriggerIndex = -1;

    // The TriggerSoftware register (see SoftwareTriggerRegister), set by ConfigureSoftwareTrigger; written by Trigger
    // without the gate. Published by _triggerByRegister (volatile) after the address and value.
    private ulong _triggerAddress;
    private uint _triggerValue;
    private volatile bool _triggerByRegister;

    internal AravisCamera(IntPtr camera, CameraInfo identity)
    {
        _camera = camera;
        _identity = identity;
        _device = AravisNative.arv_camera_get_device(camera);
        _features = new AravisFeatureMap(this);
        AravisBackend.OpenCameras[identity.Id] = this;
    }

    /// <summary>Serialises every use of the GenICam tree: feature calls and triggers.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>The <c>ArvDevice</c> the camera owns (borrowed pointer).</summary>
    /// <exception cref="ObjectDisposedException">The camera was disposed.</exception>
    internal IntPtr Device
    {
        get
        {
            ObjectDisposedException.ThrowIf(_camera == IntPtr.Zero, this);
            return _device;
        }
    }

    /// <summary>The camera's id (Aravis device id, <c>Vendor-Model-Serial</c>).</summary>
    public string Id => _identity.Id;

    /// <summary>The schedule index of the last <see cref="Trigger"/> call, or -1 (diagnostics).</summary>
    public long LastTriggerIndex => Interlocked.Read(ref _lastTriggerIndex);

    /// <summary>True for Aravis' GigE Vision emulator (vendor <c>Aravis</c>, model <c>Fake</c>).</summary>
    public bool IsEmulator => _identity.Vendor == "Aravis" && _identity.Model == "Fake";

    /// <summary>Counters of the last stopped stream: delivered, incomplete, dropped, faulted frames.</summary>
    internal (long Delivered, long Incomplete, long Dropped, long Faulted) StreamCounters { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="CameraException">The camera did not answer the region or pixel format read.</exception>
    public CameraInfo Info
    {
        get
        {
            lock (Gate)
            {
                var camera = Handle;
                AravisNative.arv_camera_get_region(camera, out _, out _, out var width, out var height, out var error);
                ThrowCamera(error, "reading Width/Height");
                var format = AravisNative.arv_camera_get_pixel_format(camera, out error);
                ThrowCamera(error, "reading PixelFormat");
                return _identity with { Width = width, Height = height, PixelFormat = (PixelFormat)format };
            }
        }
    }

    /// <inheritdoc/>
    public IFeatureMap Features => _features;

    /// <summary>Bytes one frame needs: the device's PayloadSize.</summary>
    /// <exception cref="CameraException">PayloadSize could not be read.</exception>
    public int FrameBytes
    {
        get
        {
            lock (Gate)
            {
                var payload = AravisNative.arv_camera_get_payload(Handle, out var error);
                ThrowCamera(error, "reading PayloadSize");
                if (payload == 0 || payload > int.MaxValue)
                    throw new CameraException(Id, $"Camera '{Id}' reports a PayloadSize of {payload} bytes, which cannot be streamed.");
                return (int)payload;
            }
        }
    }

    /// <summary>
    /// Sets the camera up for one frame per software trigger through <c>arv_camera_set_trigger("Software")</c>:
    /// every TriggerSelector entry gets TriggerMode=Off, then TriggerSelector=FrameStart (else FrameBurstStart, else
    /// AcquisitionStart) with TriggerMode=On, TriggerActivation=RisingEdge (when present) and TriggerSource=Software;
    /// AcquisitionFrameRateEnable is switched off when present. Then AcquisitionMode=Continuous (when present) and,
    /// when <paramref name="exposureUs"/> is given, ExposureAuto=Off (when present) and the exposure through
    /// <c>arv_camera_set_exposure_time</c>, which writes SFNC ExposureTime or the legacy ExposureTimeAbs.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">The exposure is not a positive number.</exception>
    public void ConfigureSoftwareTrigger(double? exposureUs)
    {
        if (exposureUs is { } e && !(e > 0 && double.IsFinite(e)))
            throw new InvalidCaptureArgumentException("ExposureUs", $"{e} µs is not an exposure time; pass a positive number of microseconds.");
        lock (Gate)
        {
            var camera = Handle;
            var supported = AravisNative.arv_camera_is_software_trigger_supported(camera, out var error) != 0;
            ThrowFeature(error, "TriggerSoftware", "checking for TriggerSoftware");
            if (!supported)
                throw new FeatureException("TriggerSoftware", $"Camera '{Id}' cannot be software-triggered: it implements no TriggerSoftware command.");
            AravisNative.arv_camera_set_trigger(camera, "Software", out error);
            ThrowFeature(error, "TriggerMode", "setting TriggerSelector, TriggerMode and TriggerSource for software triggering");
            ResolveTriggerRegister();
            if (_features.IsAvailable("AcquisitionMode"))
                _features.SetEnumeration("AcquisitionMode", "Continuous");
            if (exposureUs is { } exposure)
            {
                if (_features.IsAvailable("ExposureAuto"))
                    _features.SetEnumeration("ExposureAuto", "Off");
                AravisNative.arv_camera_set_exposure_time(camera, exposure, out error);
                ThrowFeature(error, "ExposureTime", $"setting the exposure time to {exposure} µs");
            }
        }
    }

    /// <summary>
    /// How <see cref="Trigger"/> reaches the camera, set by <see cref="ConfigureSoftwareTrigger"/>: <c>register 0xADDR = V</c>
    /// when TriggerSoftware is one plain 32-bit register write (<see cref="SoftwareTriggerRegister"/>), else
    /// <c>GenICam node TriggerSoftware (why)</c>. Before set-up: <c>GenICam node TriggerSoftware (not set up)</c>.
    /// </summary>
    public string TriggerPath { get; private set; } = "GenICam node TriggerSoftware (not set up)";

    /// <summary>True when <see cref="Trigger"/> writes the TriggerSoftware register directly (see <see cref="TriggerPath"/>).</summary>
    public bool TriggersByRegister => _triggerByRegister;

    /// <summary>Looks TriggerSoftware up once in the GenICam XML and the node tree (under <see cref="Gate"/>).</summary>
    private void ResolveTriggerRegister()
    {
        _triggerByRegister = false;
        var device = Device;
        var xmlPointer = AravisNative.arv_device_get_genicam_xml(device, out var size);
        if (xmlPointer == IntPtr.Zero || size == 0 || size > int.MaxValue)
        {
            TriggerPath = "GenICam node TriggerSoftware (the device gave no GenICam XML)";
            return;
        }
        var found = SoftwareTriggerRegister.FromGenicamXml(System.Runtime.InteropServices.Marshal.PtrToStringUTF8(xmlPointer, (int)size));
        if (found.Reason is not null)
        {
            TriggerPath = $"GenICam node TriggerSoftware ({found.Reason})";
            return;
        }
        var node = AravisNative.arv_gc_get_node(AravisNative.arv_device_get_genicam(device), found.RegisterName!);
        if (node == IntPtr.Zero || AravisNative.g_type_check_instance_is_a(node, AravisNative.arv_gc_int_reg_node_get_type()) == 0)
        {
            TriggerPath = $"GenICam node TriggerSoftware (Aravis has no IntReg node '{found.RegisterName}')";
            return;
        }
        var address = AravisNative.arv_gc_register_get_address(node, out var error);
        var (_, message) = AravisNative.TakeError(error);
        if (message is not null)
        {
            TriggerPath = $"GenICam node TriggerSoftware (the address of '{found.RegisterName}' could not be evaluated: {message})";
            return;
        }
        _triggerAddress = address;
        _triggerValue = found.Value;
        _triggerByRegister = true;
        TriggerPath = $"register 0x{address:X} = {found.Value} ({found.RegisterName})";
    }

    /// <summary>
    /// Exposure in µs (<c>arv_camera_get_exposure_time</c>: ExposureTime or ExposureTimeAbs) and the busy time
    /// after a trigger in ns: exposure + readout, where readout is SFNC SensorReadoutTime when the camera has it,
    /// else the shortest frame period the camera allows now (1 / the maximum of AcquisitionFrameRate), else 0.
    /// That estimate errs long: the shortest period already includes readout. For Aravis' emulator the busy time
    /// is at least <see cref="EmulatorTriggerPollNs"/>.
    /// </summary>
    /// <exception cref="FeatureException">The exposure could not be read.</exception>
    public (double ExposureUs, long BusyNs) TriggerTiming
    {
        get
        {
            lock (Gate)
            {
                var exposureUs = AravisNative.arv_camera_get_exposure_time(Handle, out var error);
                ThrowFeature(error, "ExposureTime", "reading the exposure time");
                var busyNs = (long)Math.Round(exposureUs * 1000) + ReadoutEstimateNs();
                if (IsEmulator)
                    busyNs = Math.Max(busyNs, EmulatorTriggerPollNs);
                return (exposureUs, busyNs);
            }
        }
    }

    private long ReadoutEstimateNs()
    {
        if (_features.IsAvailable("SensorReadoutTime") && _features.GetFeatureType("SensorReadoutTime") == FeatureType.Float)
            return (long)Math.Round(_features.GetFloat("SensorReadoutTime") * 1000);
        if (_features.IsAvailable("AcquisitionFrameRate") && _features.GetFeatureType("AcquisitionFrameRate") == FeatureType.Float)
        {
            AravisNative.arv_device_get_float_feature_bounds(Device, "AcquisitionFrameRate", out _, out var max, out var error);
            ThrowFeature(error, "AcquisitionFrameRate", "reading the bounds of AcquisitionFrameRate");
            if (max > 0 && double.IsFinite(max))
                return (long)Math.Round(1e9 / max);
        }
        return 0;
    }

    /// <summary>
    /// Creates the Aravis stream (<see cref="AravisStream.BufferCount"/> buffers of PayloadSize bytes), starts its
    /// receive thread and then the acquisition (AcquisitionStart). Frames go to <paramref name="target"/> with
    /// FrameIndex -1; <see cref="FrameBuffer.HostReceiveNs"/> is Aravis' system timestamp, taken with
    /// CLOCK_REALTIME (<c>g_get_real_time</c>, µs resolution) when the frame's first packet arrived, and
    /// <see cref="FrameBuffer.DeviceTimestampNs"/> is the GVSP leader timestamp converted with the device's tick
    /// frequency. <see cref="FrameBuffer.DeviceFrameId"/> is the block id, unwrapped (see
    /// <see cref="GvspBlockIdUnwrapper"/>). Frames with missing packets are delivered Incomplete with
    /// <see cref="FrameBuffer.ReceivedBytes"/> and zeros where data was lost; one whose leader packet was lost has no
    /// device timestamp (0), DeviceFrameId -1 and an estimated receive time (see <see cref="AravisStream"/>).
    /// </summary>
    /// <exception cref="CameraException">Already streaming, an unsupported pixel format, or Aravis failed.</exception>
    public void StartAcquisition(IFrameTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (Gate)
        {
            var camera = Handle;
            if (_stream is not null)
                throw new CameraException(Id, $"Camera '{Id}' is already streaming; call StopAcquisition first.");
            var info = Info;
            if (!Enum.IsDefined(info.PixelFormat))
            {
                var name = AravisNative.Utf8(AravisNative.arv_camera_get_pixel_format_as_string(camera, out var e));
                AravisNative.TakeError(e);
                throw new CameraException(Id, $"Camera '{Id}' is set to pixel format {name} (0x{(uint)info.PixelFormat:X8}), which PsCamSync cannot record; " +
                    $"set PixelFormat to one of {string.Join(", ", Enum.GetNames<PixelFormat>())}.");
            }
            var stream = AravisStream.Create(camera, target, Id, FrameBytes, info.Width, info.Height, info.PixelFormat);
            AravisNative.arv_camera_start_acquisition(camera, out var error);
            var (_, message) = AravisNative.TakeError(error);
            if (message is not null)
            {
                stream.StopAndFree();
                throw new CameraException(Id, $"Camera '{Id}': AcquisitionStart failed: {message}");
            }
            _stream = stream;
        }
    }

    /// <summary>
    /// Executes TriggerSoftware: when it is one plain register write (<see cref="TriggersByRegister"/>), that write,
    /// <c>arv_device_write_register</c> (one GVCP WRITEREG_CMD, acknowledged), sent without the feature-map gate, so a
    /// feature call on another thread never holds a trigger back (Aravis serialises the two GVCP transactions on the
    /// device's own I/O mutex); else <c>arv_camera_software_trigger</c>, which evaluates the GenICam node under the
    /// gate. <paramref name="frameIndex"/> is only kept for diagnostics (<see cref="LastTriggerIndex"/>): the capture
    /// session correlates frames to triggers by time. Allocation-free unless the write fails; a failure while
    /// streaming is reported to the frame target as a fault, otherwise thrown. Do not call it while the camera is
    /// being released (<see cref="Abandon"/>, <see cref="Dispose"/>).
    /// </summary>
    /// <exception cref="CameraException">The trigger failed and the camera is not streaming.</exception>
    /// <exception cref="ObjectDisposedException">The camera was released.</exception>
    public void Trigger(long frameIndex)
    {
        IntPtr error;
        if (_triggerByRegister)
        {
            AravisNative.arv_device_write_register(Device, _triggerAddress, _triggerValue, out error);
        }
        else
        {
            lock (Gate)
                AravisNative.arv_camera_software_trigger(Handle, out error);
        }
        Interlocked.Exchange(ref _lastTriggerIndex, frameIndex);
        if (error == IntPtr.Zero)
            return;
        var (_, message) = AravisNative.TakeError(error);
        SoftwareTriggerFault.ReportOrThrow(Id, frameIndex, message ?? "", null, _stream?.Target);
    }

    /// <summary>
    /// Executes AcquisitionStop, lets the receive thread deliver what is still arriving, joins it and frees the
    /// stream. A failing AcquisitionStop is reported to the frame target; the stream is freed regardless.
    /// Does nothing when not streaming.
    /// </summary>
    public void StopAcquisition()
    {
        AravisStream? stream;
        lock (Gate)
        {
            stream = _stream;
            if (stream is null)
                return;
            _stream = null;
            if (_camera != IntPtr.Zero)
            {
                AravisNative.arv_camera_stop_acquisition(_camera, out var error);
                var (_, message) = AravisNative.TakeError(error);
                if (message is not null)
                    stream.Target.ReportFault($"Camera '{Id}': AcquisitionStop failed: {message}", null);
            }
        }
        stream.StopAndFree();
        StreamCounters = (stream.Delivered, stream.Incomplete, stream.Dropped, stream.Faulted);
    }

    /// <summary>
    /// The device's GVCP port: its IPv4 address (the discovery address Aravis reports) and UDP 3956; null when the address is
    /// not an IPv4 address (a USB3 Vision camera). Action commands go to the subnet broadcast; this tells whose ACK came back.
    /// </summary>
    public System.Net.IPEndPoint? GvcpEndPoint =>
        System.Net.IPAddress.TryParse(_identity.Address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? new System.Net.IPEndPoint(ip, Gvcp.GvcpProtocol.Port)
            : null;

    /// <summary>True: TriggerSoftware is an acknowledged GVCP write that waits for the camera (up to Aravis' GVCP timeout
    /// and retries when the camera is gone), so a capture session sends it from a thread of the camera's own.</summary>
    public bool TriggerMayBlock => true;

    /// <summary>
    /// Releases a camera that stopped answering without a GVCP round trip of its own: no AcquisitionStop and no reads.
    /// The receive thread is stopped and joined (it only waits for buffers, at most <see cref="AravisStream.PopTimeoutUs"/>
    /// per look), the stream freed and the camera released (<c>g_object_unref</c>; what Aravis does then to give up
    /// the control channel may take its own timeouts). Call it once no <see cref="Trigger"/> call is running.
    /// </summary>
    public void Abandon()
    {
        AravisStream? stream;
        lock (Gate)
        {
            stream = _stream;
            _stream = null;
        }
        stream?.StopAndFree();
        if (stream is not null)
            StreamCounters = (stream.Delivered, stream.Incomplete, stream.Dropped, stream.Faulted);
        Release();
    }

    /// <summary>Stops streaming and releases the camera (<c>g_object_unref</c>), which gives up its control channel.</summary>
    public void Dispose()
    {
        StopAcquisition();
        Release();
    }

    /// <summary>Releases the ArvCamera (<c>g_object_unref</c>, which gives up the control channel) once; later calls do nothing.</summary>
    private void Release()
    {
        lock (Gate)
        {
            if (_camera == IntPtr.Zero)
                return;
            _triggerByRegister = false; // a stray Trigger now takes the gate and finds the camera disposed
            AravisNative.g_object_unref(_camera);
            _camera = IntPtr.Zero;
            AravisBackend.OpenCameras.TryRemove(new KeyValuePair<string, AravisCamera>(Id, this));
        }
    }

    private IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_camera == IntPtr.Zero, this);
            return _camera;
        }
    }

    private void ThrowCamera(IntPtr error, string action)
    {
        var (_, message) = AravisNative.TakeError(error);
        if (message is not null)
            throw new CameraException(Id, $"Camera '{Id}': {action} failed: {message}");
    }

    private void ThrowFeature(IntPtr error, string feature, string action)
    {
        var (_, message) = AravisNative.TakeError(error);
        if (message is not null)
            throw new FeatureException(feature, $"Camera '{Id}': {action} failed: {message}");
    }
}
