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
/// <para>Buffer statuses: <c>Success</c> is delivered complete, after its payload type is checked to be an image
/// (<c>Image</c>, <c>ExtendedChunkData</c>, or <c>Multipart</c> whose part 0 is a 2D image); only then are the image
/// getters called, because in Aravis 0.8 they require status Success and an image part and otherwise print a GLib
/// CRITICAL. <c>MissingPackets</c>, <c>Timeout</c> (the frame's packets stopped arriving) and <c>WrongPacketId</c> are
/// delivered with <see cref="FrameBuffer.Incomplete"/> set, read through <c>arv_buffer_get_data</c> only (no image
/// getter), with the configured width, height and pixel format. Every other status (<c>SizeMismatch</c>,
/// <c>Aborted</c>, <c>Cleared</c>, <c>Filling</c>, <c>Unknown</c>) is counted and reported through
/// <see cref="IFrameTarget.ReportFault"/> with its name, and the frame is not delivered; so is a complete buffer
/// without image data (chunk-only or other payloads). Frames Aravis loses because all its buffers were in use
/// (underruns) are reported as a fault with their count.</para>
/// <para>What arrived of an incomplete frame. Aravis 0.8 keeps the per-packet bookkeeping to its stream thread and
/// sets a buffer's received size, image part and metadata only for a complete frame (the leader packet sets frame id,
/// timestamps and payload type; a buffer whose leader was lost keeps those of its previous use). So before each buffer
/// is queued it is armed: frame id and timestamps set to 0 (frame id 0 is not a valid GVSP block id), and, on GigE
/// Vision, a random 64-bit marker written at the start of every GVSP data block (the block size is GevSCPSPacketSize
/// less the IP/UDP/GVSP headers, exactly how Aravis places a packet's data). A data packet that arrives overwrites
/// its block's marker; a block whose marker is still there did not arrive. <see cref="FrameBuffer.ReceivedBytes"/> is
/// the sum of the blocks that arrived, and the blocks that did not are zeros in the delivered frame (their bytes in
/// the Aravis buffer are stale data of an earlier frame). A block whose data happens to begin with the marker is
/// counted as missing (odds 2^-64 for noise-like data). When the leader was lost the frame has no device timestamp
/// (0) and no frame id (-1), and its host receive time is estimated as the time it was popped less the stream's
/// frame retention (after which Aravis gives up on a frame), i.e. about when its last packet came. On other
/// transports (USB3 Vision) the buffer is zeroed before it is queued instead, and ReceivedBytes is -1 (not known).</para>
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
    private readonly int _payloadBytes;
    private readonly int _frameBytes;
    private readonly int _blockBytes; // GVSP data bytes per packet; 0 when not GigE Vision (markers not used)
    private readonly ulong _marker;
    private readonly long _frameRetentionNs;
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

    private AravisStream(IntPtr stream, IFrameTarget target, string cameraId, int width, int height, PixelFormat format,
        int payloadBytes, int blockBytes, long frameRetentionNs)
    {
        _payloadBytes = payloadBytes;
        _frameBytes = Math.Min(payloadBytes, PixelFormats.FrameBytes(width, height, format));
        _blockBytes = blockBytes;
        _frameRetentionNs = frameRetentionNs;
        ulong marker;
        do marker = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.Next() << 63);
        while (!IsMixed(marker));
        _marker = marker;
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
        var s = new AravisStream(stream, target, cameraId, width, height, format, payloadBytes,
            GvspBlockBytes(camera), FrameRetentionNs(stream));
        for (var i = 0; i < BufferCount; i++)
        {
            var buffer = AravisNative.arv_buffer_new_allocate((nuint)payloadBytes);
            s.Arm(buffer);
            AravisNative.arv_stream_push_buffer(stream, buffer);
        }
        s._thread.Start();
        return s;
    }

    /// <summary>GVSP data bytes per packet (GevSCPSPacketSize less headers), or 0 when not a GigE Vision camera.</summary>
    private static int GvspBlockBytes(IntPtr camera)
    {
        if (AravisNative.arv_camera_is_gv_device(camera) == 0)
            return 0;
        var device = AravisNative.arv_camera_get_device(camera);
        var packet = AravisNative.arv_gv_device_get_packet_size(device, out var error);
        if (AravisNative.TakeError(error).Message is not null)
            return 0;
        bool extended = false;
        var mode = AravisNative.arv_device_get_feature(device, "GevGVSPExtendedIDMode");
        if (mode != IntPtr.Zero)
        {
            var value = AravisNative.Utf8(AravisNative.arv_device_get_string_feature_value(device, "GevGVSPExtendedIDMode", out var e));
            extended = AravisNative.TakeError(e).Message is null && value == "On";
        }
        int block = (int)packet - (extended ? AravisNative.GvspExtendedPacketOverhead : AravisNative.GvspPacketOverhead);
        return block >= 8 ? block : 0;
    }

    /// <summary>The GigE Vision stream's "frame-retention" property (µs) in ns; 100 ms (Aravis' default) when it has none.</summary>
    private static long FrameRetentionNs(IntPtr stream)
    {
        const long defaultNs = 100_000_000;
        var gClass = *(IntPtr*)stream; // GTypeInstance.g_class
        if (gClass == IntPtr.Zero || AravisNative.g_object_class_find_property(gClass, "frame-retention") == IntPtr.Zero)
            return defaultNs;
        AravisNative.GValue value = default;
        AravisNative.g_value_init(&value, AravisNative.GTypeUInt);
        AravisNative.g_object_get_property(stream, "frame-retention", &value);
        long us = AravisNative.g_value_get_uint(&value);
        AravisNative.g_value_unset(&value);
        return us > 0 ? us * 1000 : defaultNs;
    }

    /// <summary>True when no byte value fills more than half the marker (so image content like a flat field cannot match it).</summary>
    private static bool IsMixed(ulong marker)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, marker);
        foreach (var b in bytes)
            if (bytes.Count(b) > 2)
                return false;
        return true;
    }

    /// <summary>
    /// Prepares a buffer before it is queued: frame id and timestamps 0 (so a lost leader shows), and a marker at the
    /// start of every GVSP data block (or zeros everywhere when blocks are unknown). Allocates nothing.
    /// </summary>
    private void Arm(IntPtr buffer)
    {
        AravisNative.arv_buffer_set_frame_id(buffer, 0);
        AravisNative.arv_buffer_set_timestamp(buffer, 0);
        AravisNative.arv_buffer_set_system_timestamp(buffer, 0);
        var data = (byte*)AravisNative.arv_buffer_get_data(buffer, out _);
        if (data == null)
            return;
        if (_blockBytes == 0)
        {
            new Span<byte>(data, _payloadBytes).Clear();
            return;
        }
        Span<byte> marker = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(marker, _marker);
        for (long offset = 0; offset < _payloadBytes; offset += _blockBytes)
        {
            int n = (int)Math.Min(8, _payloadBytes - offset);
            marker[..n].CopyTo(new Span<byte>(data + offset, n));
        }
    }

    /// <summary>
    /// Copies an incomplete frame's first <see cref="_frameBytes"/> bytes into <paramref name="frame"/>, zeroing every
    /// GVSP block whose marker is still in place (it did not arrive); returns the bytes that arrived, or -1 when blocks
    /// are unknown (the buffer was zeroed before it was queued, so missing data is zeros there too).
    /// </summary>
    private long CopyIncomplete(byte* data, FrameBuffer frame)
    {
        var target = frame.Data.AsSpan(0, _frameBytes);
        new ReadOnlySpan<byte>(data, _frameBytes).CopyTo(target);
        if (_blockBytes == 0)
            return -1;
        Span<byte> marker = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(marker, _marker);
        long received = 0;
        for (int offset = 0; offset < _frameBytes; offset += _blockBytes)
        {
            int inPayload = (int)Math.Min(_blockBytes, _payloadBytes - (long)offset);
            int inFrame = Math.Min(_blockBytes, _frameBytes - offset);
            int n = Math.Min(8, inPayload);
            if (new ReadOnlySpan<byte>(data + offset, n).SequenceEqual(marker[..n]))
                target.Slice(offset, inFrame).Clear();
            else
                received += inFrame;
        }
        return received;
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
                Arm(buffer);
                AravisNative.arv_stream_push_buffer(_stream, buffer);
            }
            CheckUnderruns();
            if (_stopping && MonotonicClock.NowNs() - _stopRequestedNs > DrainLimitNs)
                break;
        }
    }

    private void Handle(IntPtr buffer)
    {
        // Status first, then payload type: the image getters are called only for a complete image.
        var status = AravisNative.arv_buffer_get_status(buffer);
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
        if (!incomplete && !IsImage(buffer))
        {
            Faulted++;
            _target.ReportFault(_noImageFault, null);
            return;
        }

        // Frame id 0 and timestamps 0 are what Arm left: the leader packet never arrived.
        var rawId = AravisNative.arv_buffer_get_frame_id(buffer);
        bool leader = rawId != 0;
        long frameId = leader ? _ids.Next(rawId) : -1;
        var hostNs = (long)AravisNative.arv_buffer_get_system_timestamp(buffer);
        if (hostNs <= 0)
            hostNs = SharedTimeline.NowNs() - (leader ? 0 : _frameRetentionNs);
        var deviceNs = (long)AravisNative.arv_buffer_get_timestamp(buffer);

        var frame = _target.TryRent();
        if (frame is null)
        {
            Dropped++;
            _target.ReportDropped(-1, deviceNs, hostNs);
            return;
        }

        if (incomplete)
        {
            var data = (byte*)AravisNative.arv_buffer_get_data(buffer, out _);
            frame.ReceivedBytes = data == null || frame.Data.Length < _frameBytes ? 0 : CopyIncomplete(data, frame);
            frame.Length = data == null || frame.Data.Length < _frameBytes ? 0 : _frameBytes;
            frame.Width = _fallbackWidth;
            frame.Height = _fallbackHeight;
            frame.PixelFormat = _fallbackFormat;
        }
        else
        {
            var data = AravisNative.arv_buffer_get_image_data(buffer, out var size);
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
            if (length > 0 && data != IntPtr.Zero)
                new ReadOnlySpan<byte>((void*)data, length).CopyTo(frame.Data);
            else
                length = 0;
            var width = AravisNative.arv_buffer_get_image_width(buffer);
            var height = AravisNative.arv_buffer_get_image_height(buffer);
            var format = AravisNative.arv_buffer_get_image_pixel_format(buffer);
            frame.Length = length;
            frame.ReceivedBytes = length;
            frame.Width = width > 0 ? width : _fallbackWidth;
            frame.Height = height > 0 ? height : _fallbackHeight;
            frame.PixelFormat = format != 0 ? (PixelFormat)format : _fallbackFormat;
        }
        frame.FrameIndex = -1;
        frame.DeviceFrameId = frameId;
        frame.DeviceTimestampNs = deviceNs;
        frame.HostReceiveNs = hostNs;
        frame.Incomplete = incomplete;
        if (incomplete)
            Incomplete++;
        Delivered++;
        _target.Deliver(frame);
    }

    /// <summary>A complete buffer holds an image the image getters can read (payload type checked first).</summary>
    private static bool IsImage(IntPtr buffer)
    {
        switch (AravisNative.arv_buffer_get_payload_type(buffer))
        {
            case AravisNative.PayloadTypeImage:
            case AravisNative.PayloadTypeExtendedChunkData:
                return AravisNative.arv_buffer_get_n_parts(buffer) > 0;
            case AravisNative.PayloadTypeMultipart:
                return AravisNative.arv_buffer_get_n_parts(buffer) > 0
                    && AravisNative.arv_buffer_get_part_data_type(buffer, 0) == AravisNative.PartDataType2DImage;
            default:
                return false;
        }
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
