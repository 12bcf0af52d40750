using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Cameras.Spinnaker;

/// <summary>
/// The receive thread of one streaming Spinnaker camera: <c>spinCameraGetNextImageEx</c> with a
/// <see cref="GrabTimeoutMs"/> timeout in a loop. SPINNAKER_ERR_TIMEOUT means no frame yet. Any other error is reported to
/// the frame target (the first of a run of equal errors, and again when it changes; a camera that stops answering is
/// named as such) and the thread waits <see cref="GrabTimeoutMs"/> before it asks again. Each image is copied into a
/// rented <see cref="FrameBuffer"/> and released (<c>spinImageRelease</c>) at once.
/// </summary>
internal sealed class SpinnakerStream
{
    /// <summary>How long one grab waits for an image, ms.</summary>
    public const ulong GrabTimeoutMs = 100;

    private readonly IntPtr _camera;
    private readonly string _cameraId;
    private readonly int _frameBytes;
    private readonly PixelFormat _format;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new(false);
    private long _delivered, _incomplete, _dropped, _faulted;

    public SpinnakerStream(IntPtr camera, string cameraId, IFrameTarget target, int frameBytes, PixelFormat format)
    {
        _camera = camera;
        _cameraId = cameraId;
        Target = target;
        _frameBytes = frameBytes;
        _format = format;
        _thread = new Thread(Run) { IsBackground = true, Name = $"PsCamSync Spinnaker receive {cameraId}" };
    }

    public IFrameTarget Target { get; }
    public long Delivered => Interlocked.Read(ref _delivered);
    public long Incomplete => Interlocked.Read(ref _incomplete);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Faulted => Interlocked.Read(ref _faulted);

    public void Start() => _thread.Start();

    /// <summary>Stops the loop and joins the thread (at most one grab timeout later).</summary>
    public void Stop()
    {
        _stop.Set();
        if (_thread.IsAlive)
            _thread.Join();
    }

    private void Run()
    {
        int lastError = SpinnakerNative.Success;
        while (!_stop.IsSet)
        {
            int error = SpinnakerNative.spinCameraGetNextImageEx(_camera, GrabTimeoutMs, out var image);
            if (error == SpinnakerNative.ErrTimeout)
                continue;
            if (error != SpinnakerNative.Success)
            {
                if (error != lastError)
                    Fault(new SpinnakerException(error, "spinCameraGetNextImageEx"));
                lastError = error;
                _stop.Wait(TimeSpan.FromMilliseconds(GrabTimeoutMs));
                continue;
            }
            lastError = SpinnakerNative.Success;
            try
            {
                Receive(image);
            }
            catch (SpinnakerException e)
            {
                Fault(e);
            }
            finally
            {
                int release = SpinnakerNative.spinImageRelease(image);
                if (release != SpinnakerNative.Success)
                    Fault(new SpinnakerException(release, "spinImageRelease"));
            }
        }
    }

    private unsafe void Receive(IntPtr image)
    {
        long hostNs = SharedTimeline.NowNs();
        SpinnakerNative.Check(SpinnakerNative.spinImageGetFrameID(image, out var frameId), "spinImageGetFrameID");
        SpinnakerNative.Check(SpinnakerNative.spinImageGetTimeStamp(image, out var timestamp), "spinImageGetTimeStamp");
        SpinnakerNative.Check(SpinnakerNative.spinImageIsIncomplete(image, out var incomplete), "spinImageIsIncomplete");
        var buffer = Target.TryRent();
        if (buffer is null)
        {
            Interlocked.Increment(ref _dropped);
            Target.ReportDropped(-1, unchecked((long)timestamp), hostNs);
            return;
        }
        SpinnakerNative.Check(SpinnakerNative.spinImageGetData(image, out var data), "spinImageGetData");
        SpinnakerNative.Check(SpinnakerNative.spinImageGetBufferSize(image, out var size), "spinImageGetBufferSize");
        SpinnakerNative.Check(SpinnakerNative.spinImageGetWidth(image, out var width), "spinImageGetWidth");
        SpinnakerNative.Check(SpinnakerNative.spinImageGetHeight(image, out var height), "spinImageGetHeight");
        long arrived = (long)size;
        if (incomplete != 0)
        {
            SpinnakerNative.Check(SpinnakerNative.spinImageGetValidPayloadSize(image, out var valid), "spinImageGetValidPayloadSize");
            arrived = Math.Min((long)valid, (long)size);
        }
        int length = Math.Min(_frameBytes, buffer.Data.Length);
        int copy = (int)Math.Min(arrived, length);
        if (data != IntPtr.Zero && copy > 0)
            new ReadOnlySpan<byte>((void*)data, copy).CopyTo(buffer.Data);
        buffer.Data.AsSpan(copy, length - copy).Clear();
        buffer.Length = length;
        buffer.FrameIndex = -1;
        buffer.DeviceFrameId = unchecked((long)frameId);
        buffer.DeviceTimestampNs = unchecked((long)timestamp);
        buffer.HostReceiveNs = hostNs;
        buffer.Incomplete = incomplete != 0;
        buffer.ReceivedBytes = incomplete != 0 ? Math.Min(arrived, length) : length;
        buffer.Width = (int)width;
        buffer.Height = (int)height;
        buffer.PixelFormat = _format;
        if (incomplete != 0)
            Interlocked.Increment(ref _incomplete);
        Interlocked.Increment(ref _delivered);
        Target.Deliver(buffer);
    }

    private void Fault(SpinnakerException e)
    {
        Interlocked.Increment(ref _faulted);
        string what = e.Code is -1010 or -1006 or -1002
            ? $"Camera '{_cameraId}' stopped answering: {e.Message}"
            : $"Camera '{_cameraId}': receiving frames failed: {e.Message}";
        Target.ReportFault(what, new CameraException(_cameraId, what, e));
    }
}
