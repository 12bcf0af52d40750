using System.Net;

namespace PsCamSync.Core.Cameras.IC4;

/// <summary>
/// One camera opened through IC Imaging Control 4 (an <c>IC4_GRABBER</c> with the device open): its property map as an
/// <see cref="IFeatureMap"/>, software-trigger set-up and a queue-sink stream received on a thread of its own (see
/// <see cref="StartAcquisition"/>). Obtained from <see cref="Ic4Backend.Open"/>. IC4 errors become
/// <see cref="FeatureException"/> or <see cref="CameraException"/> with the <see cref="Ic4Exception"/> inside, or, while
/// streaming, faults reported to the frame target.
/// </summary>
public sealed class Ic4Camera : ICamera
{
    private readonly Lock _gate = new();
    private readonly CameraInfo _identity;
    private readonly Ic4FeatureMap _features;
    private Ic4Handle? _grabber;
    private Ic4Handle? _map;
    private Ic4Stream? _stream;
    private long _lastTriggerIndex = -1;

    internal Ic4Camera(Ic4Handle grabber, Ic4Handle map, CameraInfo identity)
    {
        _grabber = grabber;
        _map = map;
        _features = new Ic4FeatureMap(map, identity.Id);
        var address = "";
        if (_features.IsAvailable("GevCurrentIPAddress"))
        {
            // GenICam keeps an IPv4 address as an integer with the first octet in the high byte.
            uint ip = (uint)_features.GetInteger("GevCurrentIPAddress");
            address = new IPAddress([(byte)(ip >> 24), (byte)(ip >> 16), (byte)(ip >> 8), (byte)ip]).ToString();
        }
        _identity = identity with { Address = address };
        Ic4Backend.OpenCameras[_identity.Id] = this;
    }

    /// <summary>The camera's id: its serial number.</summary>
    public string Id => _identity.Id;

    /// <summary>The schedule index of the last <see cref="Trigger"/> call, or -1 (diagnostics).</summary>
    public long LastTriggerIndex => Interlocked.Read(ref _lastTriggerIndex);

    /// <summary>Frames of the last stopped stream: delivered and dropped (no free ring buffer).</summary>
    internal (long Delivered, long Dropped) StreamCounters { get; private set; }

    /// <summary>Identity plus the current Width, Height and PixelFormat (PFNC code of the selected entry).</summary>
    /// <exception cref="CameraException">A feature could not be read.</exception>
    public CameraInfo Info
    {
        get
        {
            ThrowIfReleased();
            try
            {
                return _identity with
                {
                    Width = (int)_features.GetInteger("Width"),
                    Height = (int)_features.GetInteger("Height"),
                    PixelFormat = (PixelFormat)_features.EnumerationValue("PixelFormat"),
                };
            }
            catch (FeatureException e)
            {
                throw new CameraException(Id, $"Camera '{Id}': reading Width/Height/PixelFormat failed: {e.Message}", e.InnerException ?? e);
            }
        }
    }

    /// <inheritdoc/>
    public IFeatureMap Features => _features;

    /// <summary>Bytes one frame needs: PayloadSize when the device has it, else Width × Height × bytes per pixel.</summary>
    /// <exception cref="CameraException">The size could not be read.</exception>
    public int FrameBytes
    {
        get
        {
            var info = Info;
            long bytes = _features.IsAvailable("PayloadSize") ? _features.GetInteger("PayloadSize") : PixelFormats.FrameBytes(info.Width, info.Height, info.PixelFormat);
            if (bytes <= 0 || bytes > int.MaxValue)
                throw new CameraException(Id, $"Camera '{Id}' reports a frame size of {bytes} bytes, which cannot be streamed.");
            return (int)bytes;
        }
    }

    /// <summary>
    /// TriggerSelector=FrameStart, TriggerMode=On, TriggerSource=Software, AcquisitionMode=Continuous (when present); with
    /// <paramref name="exposureUs"/>, ExposureAuto=Off (when present) and ExposureTime.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">The exposure is not a positive number.</exception>
    /// <exception cref="FeatureException">The camera refused a write or has no TriggerSoftware.</exception>
    public void ConfigureSoftwareTrigger(double? exposureUs)
    {
        lock (_gate)
        {
            ThrowIfReleased();
            SfncTriggerSetup.ConfigureSoftware(_features, Id, exposureUs);
        }
    }

    /// <summary>
    /// ExposureTime in µs and the busy time after a trigger in ns: exposure + the shortest frame period the camera allows
    /// (1 / maximum of AcquisitionFrameRate, <c>ic4_prop_float_get_max</c>) when it has that feature, an estimate that errs long.
    /// </summary>
    /// <exception cref="FeatureException">The exposure could not be read.</exception>
    public (double ExposureUs, long BusyNs) TriggerTiming => SfncTriggerSetup.Timing(_features, _features.FloatMax);

    /// <summary>
    /// Creates a queue sink (Mono8, <see cref="Ic4Stream.BufferCount"/> buffers), sets the stream up
    /// (<c>ic4_grabber_stream_setup</c>), starts the receive thread and then the acquisition
    /// (<c>ic4_grabber_acquisition_start</c>). Frames go to <paramref name="target"/> with FrameIndex -1,
    /// DeviceFrameId = IC4's <c>device_frame_number</c>, DeviceTimestampNs = <c>device_timestamp_ns</c> and HostReceiveNs
    /// taken when the receive thread popped the frame. IC4 delivers complete frames only (see <see cref="Ic4Stream"/>).
    /// </summary>
    /// <exception cref="CameraException">Already streaming, or IC4 refused the stream (inner: <see cref="Ic4Exception"/>).</exception>
    public void StartAcquisition(IFrameTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (_gate)
        {
            ThrowIfReleased();
            if (_stream is not null)
                throw new CameraException(Id, $"Camera '{Id}' is already streaming; call StopAcquisition first.");
            int bytes = FrameBytes;
            Ic4Stream stream;
            try
            {
                stream = Ic4Stream.Create(_grabber!, target, Id, bytes);
            }
            catch (Ic4Exception e)
            {
                throw new CameraException(Id, $"Camera '{Id}': setting up the stream failed: {e.Message}", e);
            }
            if (!Ic4Native.ic4_grabber_acquisition_start(_grabber!))
            {
                var e = Ic4Exception.FromLastError("ic4_grabber_acquisition_start");
                stream.StopThread();
                Ic4Native.ic4_grabber_stream_stop(_grabber!);
                stream.Sink.Dispose();
                throw new CameraException(Id, $"Camera '{Id}': AcquisitionStart failed: {e.Message}", e);
            }
            _stream = stream;
        }
    }

    /// <summary>
    /// Executes TriggerSoftware (<c>ic4_propmap_execute_command</c>) without waiting for the frame. <paramref name="frameIndex"/>
    /// is kept for diagnostics only: the session correlates frames to triggers by time. A failure while streaming is
    /// reported to the frame target as a fault, otherwise thrown.
    /// </summary>
    /// <exception cref="CameraException">The trigger failed and the camera is not streaming.</exception>
    /// <exception cref="ObjectDisposedException">The camera was released.</exception>
    public void Trigger(long frameIndex)
    {
        var map = _map;
        ObjectDisposedException.ThrowIf(map is null, this);
        Interlocked.Exchange(ref _lastTriggerIndex, frameIndex);
        if (Ic4Native.ic4_propmap_execute_command(map, "TriggerSoftware"))
            return;
        var e = Ic4Exception.FromLastError("ic4_propmap_execute_command");
        SoftwareTriggerFault.ReportOrThrow(Id, frameIndex, e.Message, e, _stream?.Target);
    }

    /// <summary>
    /// Stops the acquisition (<c>ic4_grabber_acquisition_stop</c>), lets the receive thread take what is queued, joins it,
    /// stops the stream (<c>ic4_grabber_stream_stop</c>) and releases the sink. Failures are reported to the frame target;
    /// the stream is released regardless. Does nothing when not streaming.
    /// </summary>
    public void StopAcquisition()
    {
        Ic4Stream? stream;
        lock (_gate)
        {
            stream = _stream;
            if (stream is null || _grabber is null)
                return;
            _stream = null;
            if (!Ic4Native.ic4_grabber_acquisition_stop(_grabber))
            {
                var e = Ic4Exception.FromLastError("ic4_grabber_acquisition_stop");
                stream.Target.ReportFault($"Camera '{Id}': AcquisitionStop failed: {e.Message}", e);
            }
            stream.StopThread();
            if (!Ic4Native.ic4_grabber_stream_stop(_grabber))
            {
                var e = Ic4Exception.FromLastError("ic4_grabber_stream_stop");
                stream.Target.ReportFault($"Camera '{Id}': stopping the stream failed: {e.Message}", e);
            }
            stream.Sink.Dispose();
            StreamCounters = (stream.Delivered, stream.Dropped);
        }
    }

    /// <summary>
    /// Where the device takes GVCP commands: (GevCurrentIPAddress, 3956) for a GigE Vision camera that has that feature;
    /// null for USB3 Vision cameras. The camera scheduler (CameraScheduler mode) needs no GVCP address.
    /// </summary>
    public IPEndPoint? GvcpEndPoint =>
        IPAddress.TryParse(_identity.Address, out var ip) ? new IPEndPoint(ip, Gvcp.GvcpProtocol.Port) : null;

    /// <summary>True: TriggerSoftware is a control transfer to the device that waits for its answer (USB3 Vision or GVCP).</summary>
    public bool TriggerMayBlock => true;

    /// <summary>
    /// Releases a camera that stopped answering without asking the device anything: no AcquisitionStop, no
    /// <c>ic4_grabber_stream_stop</c>, no feature reads. The receive thread is stopped and joined, then the sink, the
    /// property map and the grabber are released (<c>ic4_grabber_unref</c> tears the stream down inside IC4; what the
    /// transport does then is IC4's). Call it once no <see cref="Trigger"/> call is running.
    /// </summary>
    public void Abandon()
    {
        lock (_gate)
        {
            var stream = _stream;
            _stream = null;
            if (stream is not null)
            {
                stream.StopThread();
                StreamCounters = (stream.Delivered, stream.Dropped);
            }
            Release(stream);
        }
    }

    /// <summary>Stops streaming and releases the property map and the grabber (which closes the device).</summary>
    public void Dispose()
    {
        StopAcquisition();
        lock (_gate)
            Release(null);
    }

    private void Release(Ic4Stream? stream)
    {
        if (_grabber is null)
            return;
        var map = _map;
        _map = null; // a stray Trigger now throws ObjectDisposedException
        map?.Dispose();
        stream?.Sink.Dispose(); // the grabber holds its own reference until it is destroyed
        _grabber.Dispose();
        _grabber = null;
        Ic4Backend.OpenCameras.TryRemove(new KeyValuePair<string, Ic4Camera>(Id, this));
    }

    private void ThrowIfReleased() => ObjectDisposedException.ThrowIf(_grabber is null, this);
}
