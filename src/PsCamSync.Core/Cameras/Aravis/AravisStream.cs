using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Cameras.Aravis;

/// <summary>
/// One Aravis stream of one camera and the thread that receives it. Aravis' own stream thread reassembles GVSP
/// packets into <see cref="BufferCount"/> pre-allocated Aravis buffers; this class's receive thread pops each
/// filled buffer (<c>arv_stream_timeout_pop_buffer</c>), copies the pixels into a <see cref="FrameBuffer"/> rented
/// from the target, fills the metadata and pushes the Aravis buffer back. The loop allocates nothing per frame;
/// fault messages are built once at start (statuses) or only when a fault happens.
/// </summary>
/// <remarks>
/// Buffer statuses: <c>Success</c> is delivered complete; <c>MissingPackets</c>, <c>Timeout</c> (the frame's packets
/// stopped arriving) and <c>WrongPacketId</c> are delivered with <see cref="FrameBuffer.Incomplete"/> set (pixels
/// as received); every other status (<c>SizeMismatch</c>, <c>Aborted</c>, <c>Cleared</c>, <c>Filling</c>,
/// <c>Unknown</c>) is counted and reported through <see cref="IFrameTarget.ReportFault"/> with its name, and the
/// frame is not delivered; so is a buffer without image data (chunk-only or multi-part payloads). Frames Aravis loses because all its buffers were in use (underruns) are reported as a
/// fault with their count.
/// </remarks>
internal sealed unsafe class AravisStream
{
    /// <summary>Aravis buffers kept in the stream. The copy out is fast, so a few cover scheduling hiccups.</summary>
    public const int BufferCount = 8;

    /// <summary>How long one pop waits, µs; bounds how quickly a stop is seen.</summary>
    public const ulong PopTimeoutUs = 50_000;

    /// <summary>After a stop request, frames still arriving are drained for at most this long, ns.</summary>
    private const long DrainLimitNs = 1_000_000_000;

    private static readonly string[] StatusNames =
        { "Unknown", "Success", "Cleared", "Timeout", "MissingPackets", "WrongPacketId", "SizeMismatch", "Filling", "Aborted" };

    private readonly IntPtr _stream;
    private readonly IFrameTarget _target;
    private readonly string _cameraId;
    private readonly int _fallbackWidth;
    private readonly int _fallbackHeight;
    private readonly PixelFormat _fallbackFormat;
    private readonly string[] _statusFaults;
    private readonly string _noImageFault;
    private readonly Thread _thread;
    private GvspBlockIdUnwrapper _ids;
    private ulong _underrunsReported;
    private bool _truncationReported;
    private volatile bool _stopping;
    private long _stopRequestedNs;

    /// <summary>Frames handed to <see cref="IFrameTarget.Deliver"/> (complete or not).</summary>
    public long Delivered;

    /// <summary>Frames delivered with <see cref="FrameBuffer.Incomplete"/> set.</summary>
    public long Incomplete;

    /// <summary>Frames reported through <see cref="IFrameTarget.ReportDropped"/> (no free ring buffer).</summary>
    public long Dropped;

    /// <summary>Buffers with a status that is neither success nor incomplete (reported as faults).</summary>
    public long Faulted;

    private AravisStream(IntPtr stream, IFrameTarget target, string cameraId, int width, int height, PixelFormat format)
    {
        _stream = stream;
        _target = target;
        _cameraId = cameraId;
        _fallbackWidth = width;
        _fallbackHeight = height;
        _fallbackFormat = format;
        _statusFaults = StatusNames.Select(n =>
            $"Camera '{cameraId}': Aravis returned a buffer with status {n}; the frame was discarded.").ToArray();
        _noImageFault = $"Camera '{cameraId}': a buffer carried no image (chunk-only or unsupported payload type); it was discarded.";
        _thread = new Thread(Run) { IsBackground = true, Name = $"aravis-rx {cameraId}" };
    }

    /// <summary>The target frames go to.</summary>
    public IFrameTarget Target => _target;

    /// <summary>
    /// Creates the stream on <paramref name="camera"/>, queues <see cref="BufferCount"/> buffers of
    /// <paramref name="payloadBytes"/>, and starts the receive thread. Acquisition itself is started by the caller.
    /// </summary>
    /// <exception cref="CameraException">Aravis could not create the stream.</exception>
    public static AravisStream Create(IntPtr camera, IFrameTarget target, string cameraId, int payloadBytes,
        int width, int height, PixelFormat format)
    {
        var stream = AravisNative.arv_camera_create_stream(camera, IntPtr.Zero, IntPtr.Zero, out var error);
        var (_, message) = AravisNative.TakeError(error);
        if (stream == IntPtr.Zero || message is not null)
        {
            if (stream != IntPtr.Zero)
                AravisNative.g_object_unref(stream);
            throw new CameraException(cameraId, $"Camera '{cameraId}': Aravis could not create a stream: {message ?? "no reason given"}.");
        }
        for (var i = 0; i < BufferCount; i++)
            AravisNative.arv_stream_push_buffer(stream, AravisNative.arv_buffer_new_allocate((nuint)payloadBytes));
        var s = new AravisStream(stream, target, cameraId, width, height, format);
        s._thread.Start();
        return s;
    }

    /// <summary>
    /// Asks the receive thread to finish: it drains frames still arriving (until one pop times out, at most 1 s),
    /// reports lost-frame statistics, and exits; then the stream and its buffers are freed. Call once.
    /// </summary>
    public void StopAndFree()
    {
        if (!_stopping)
        {
            _stopRequestedNs = MonotonicClock.NowNs();
            _stopping = true;
        }
        _thread.Join();
        // Unref stops Aravis' stream thread and frees every buffer still queued in either direction.
        AravisNative.g_object_unref(_stream);
    }

    private void Run()
    {
        while (true)
        {
            var buffer = AravisNative.arv_stream_timeout_pop_buffer(_stream, PopTimeoutUs);
            if (buffer == IntPtr.Zero)
            {
                CheckUnderruns();
                if (_stopping)
                    break;
                continue;
            }
            try
            {
                Handle(buffer);
            }
            catch (Exception ex)
            {
                // A throwing target must not end the stream: record it and go on with the next frame.
                _target.ReportFault($"Camera '{_cameraId}': handling a received frame failed: {ex.Message}", ex);
            }
            finally
            {
                AravisNative.arv_stream_push_buffer(_stream, buffer);
            }
            CheckUnderruns();
            if (_stopping && MonotonicClock.NowNs() - _stopRequestedNs > DrainLimitNs)
                break;
        }
    }

    private void Handle(IntPtr buffer)
    {
        var status = AravisNative.arv_buffer_get_status(buffer);
        var hostNs = (long)AravisNative.arv_buffer_get_system_timestamp(buffer);
        if (hostNs <= 0)
            hostNs = SharedTimeline.NowNs();
        var deviceNs = (long)AravisNative.arv_buffer_get_timestamp(buffer);

        bool incomplete;
        switch (status)
        {
            case AravisNative.BufferStatusSuccess:
                incomplete = false;
                break;
            case AravisNative.BufferStatusMissingPackets:
            case AravisNative.BufferStatusTimeout:
            case AravisNative.BufferStatusWrongPacketId:
                incomplete = true;
                break;
            default:
                Faulted++;
                var index = status + 1;
                _target.ReportFault(_statusFaults[(uint)index < (uint)_statusFaults.Length ? index : 0], null);
                return;
        }

        var frameId = _ids.Next(AravisNative.arv_buffer_get_frame_id(buffer));
        var data = AravisNative.arv_buffer_get_image_data(buffer, out var size);
        if (data == IntPtr.Zero)
        {
            Faulted++;
            _target.ReportFault(_noImageFault, null);
            return;
        }
        var frame = _target.TryRent();
        if (frame is null)
        {
            Dropped++;
            _target.ReportDropped(-1, deviceNs, hostNs);
            return;
        }

        var length = (int)Math.Min((ulong)size, (ulong)frame.Data.Length);
        if ((ulong)size > (ulong)frame.Data.Length)
        {
            incomplete = true;
            if (!_truncationReported)
            {
                _truncationReported = true;
                _target.ReportFault($"Camera '{_cameraId}': frames of {size} bytes do not fit ring buffers of {frame.Data.Length} bytes; " +
                    "they are truncated and marked incomplete. Do not change Width, Height or PixelFormat while streaming.", null);
            }
        }
        if (length > 0)
            new ReadOnlySpan<byte>((void*)data, length).CopyTo(frame.Data);

        var width = AravisNative.arv_buffer_get_image_width(buffer);
        var height = AravisNative.arv_buffer_get_image_height(buffer);
        var format = AravisNative.arv_buffer_get_image_pixel_format(buffer);
        frame.Length = length;
        frame.FrameIndex = -1;
        frame.DeviceFrameId = frameId;
        frame.DeviceTimestampNs = deviceNs;
        frame.HostReceiveNs = hostNs;
        frame.Incomplete = incomplete;
        frame.Width = width > 0 ? width : _fallbackWidth;
        frame.Height = height > 0 ? height : _fallbackHeight;
        frame.PixelFormat = format != 0 ? (PixelFormat)format : _fallbackFormat;
        if (incomplete)
            Incomplete++;
        Delivered++;
        _target.Deliver(frame);
    }

    private void CheckUnderruns()
    {
        AravisNative.arv_stream_get_statistics(_stream, out _, out _, out var underruns);
        if (underruns <= _underrunsReported)
            return;
        var lost = underruns - _underrunsReported;
        _underrunsReported = underruns;
        _target.ReportFault($"Camera '{_cameraId}': Aravis lost {lost} frame(s) because all {BufferCount} stream buffers were in use " +
            $"({underruns} in this stream so far).", null);
    }
}
