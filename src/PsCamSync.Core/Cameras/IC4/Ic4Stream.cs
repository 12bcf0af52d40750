using System.Runtime.InteropServices;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Cameras.IC4;

/// <summary>
/// One data stream of an <see cref="Ic4Camera"/>: an IC4 queue sink whose <c>frames_queued</c> callback (on IC4's sink
/// thread) only wakes a managed receive thread, which pops the output queue (<c>ic4_queuesink_pop_output_buffer</c>) until
/// IC4_ERROR_NO_DATA, copies each image into a ring buffer of the frame target and re-queues the image
/// (<c>ic4_imagebuffer_unref</c>). The callbacks' context is a <see cref="GCHandle"/> to this object, freed by the sink's
/// <c>release</c> callback when IC4 destroys the sink.
/// </summary>
/// <remarks>
/// IC4 delivers complete frames only: a frame with missing data never reaches the sink (the driver drops it and counts it
/// in the stream statistics), so every delivered frame has <see cref="FrameBuffer.Incomplete"/> false and
/// <see cref="FrameBuffer.ReceivedBytes"/> equal to its length; a dropped frame shows as a gap in
/// <c>device_frame_number</c> and its slot as TriggerMissed in the frames table.
/// </remarks>
internal sealed class Ic4Stream
{
    /// <summary>Buffers queued in the sink at stream set-up.</summary>
    public const int BufferCount = 8;

    /// <summary>The sink's pixel format list (Mono8 only), pinned for the life of the process: IC4 may keep the pointer.</summary>
    private static readonly int[] Mono8Only = CreateMono8Only();

    private readonly Ic4Handle _grabber;
    private readonly string _cameraId;
    private readonly int _frameBytes;
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly Thread _thread;
    private volatile bool _stop;
    private GCHandle _self;

    private Ic4Stream(Ic4Handle grabber, IFrameTarget target, string cameraId, int frameBytes)
    {
        _grabber = grabber;
        Target = target;
        _cameraId = cameraId;
        _frameBytes = frameBytes;
        _thread = new Thread(Receive) { IsBackground = true, Name = $"ic4-receive {cameraId}" };
    }

    /// <summary>Where frames go.</summary>
    public IFrameTarget Target { get; }

    /// <summary>The queue sink (one reference, ours).</summary>
    public Ic4Handle Sink { get; private set; } = null!;

    /// <summary>Frames delivered to the target.</summary>
    public long Delivered;

    /// <summary>Frames reported dropped (no free ring buffer).</summary>
    public long Dropped;

    /// <summary>True once IC4 called <c>sink_disconnected</c>.</summary>
    public volatile bool Disconnected;

    /// <summary>Creates the queue sink and sets the stream up on <paramref name="grabber"/> (acquisition not started).</summary>
    /// <exception cref="Ic4Exception">IC4 refused the sink or the stream.</exception>
    public static unsafe Ic4Stream Create(Ic4Handle grabber, IFrameTarget target, string cameraId, int frameBytes)
    {
        var stream = new Ic4Stream(grabber, target, cameraId, frameBytes);
        stream._self = GCHandle.Alloc(stream);
        var config = new Ic4Native.QueueSinkConfig
        {
            Callbacks = new Ic4Native.QueueSinkCallbacks
            {
                Release = &OnRelease,
                SinkConnected = &OnSinkConnected,
                SinkDisconnected = &OnSinkDisconnected,
                FramesQueued = &OnFramesQueued,
            },
            CallbackContext = GCHandle.ToIntPtr(stream._self),
            PixelFormats = (int*)Marshal.UnsafeAddrOfPinnedArrayElement(Mono8Only, 0),
            NumPixelFormats = 1,
            MaxOutputBuffers = 0,
        };
        if (!Ic4Native.ic4_queuesink_create(out var sink, in config))
        {
            var e = Ic4Exception.FromLastError("ic4_queuesink_create");
            stream._self.Free(); // no sink: no release callback will come
            throw e;
        }
        stream.Sink = Ic4Handle.Own(sink, Ic4HandleKind.Sink); // from here the release callback frees _self
        stream._thread.Start();
        if (!Ic4Native.ic4_grabber_stream_setup(grabber, stream.Sink, IntPtr.Zero, startAcquisition: false))
        {
            var e = Ic4Exception.FromLastError("ic4_grabber_stream_setup");
            stream.StopThread();
            stream.Sink.Dispose();
            throw e;
        }
        return stream;
    }

    /// <summary>Stops the receive thread (after it has drained what was queued) and joins it.</summary>
    public void StopThread()
    {
        _stop = true;
        _signal.Release();
        if (Thread.CurrentThread != _thread)
            _thread.Join();
    }

    private void Receive()
    {
        while (true)
        {
            bool stopping = _stop;
            _signal.Wait(50); // frames_queued wakes it; the timeout also covers a missed wake-up
            try
            {
                Drain();
            }
            catch (Exception e)
            {
                // Anything that escaped would end the process from this thread: it goes into the take instead.
                Target.ReportFault($"Camera '{_cameraId}': receiving a frame failed: {e.Message}", e);
            }
            if (stopping)
                return; // one more look after the stop was seen: nothing queued before it is left behind
        }
    }

    private void Drain()
    {
        while (true)
        {
            if (!Ic4Native.ic4_queuesink_pop_output_buffer(Sink, out var buffer))
            {
                var e = Ic4Exception.FromLastError("ic4_queuesink_pop_output_buffer");
                if (e.Code == 9) // IC4_ERROR_NO_DATA: the queue is empty
                    return;
                if (e.Code == 3 && (_stop || Disconnected)) // IC4_ERROR_INVALID_OPERATION: the stream was stopped
                    return;
                throw e;
            }
            try
            {
                Take(buffer);
            }
            finally
            {
                Ic4Native.ic4_imagebuffer_unref(buffer);
            }
        }
    }

    private unsafe void Take(IntPtr buffer)
    {
        long receivedNs = SharedTimeline.NowNs();
        if (!Ic4Native.ic4_imagebuffer_get_metadata(buffer, out var meta))
            throw Ic4Exception.FromLastError("ic4_imagebuffer_get_metadata");
        if (!Ic4Native.ic4_imagebuffer_get_image_type(buffer, out var type))
            throw Ic4Exception.FromLastError("ic4_imagebuffer_get_image_type");
        var frame = Target.TryRent();
        if (frame is null)
        {
            Dropped++;
            Target.ReportDropped(-1, (long)meta.DeviceTimestampNs, receivedNs);
            return;
        }
        var data = Ic4Native.ic4_imagebuffer_get_ptr(buffer);
        if (data == IntPtr.Zero)
            throw Ic4Exception.FromLastError("ic4_imagebuffer_get_ptr");
        int bytes = (int)Math.Min((long)type.Width * type.Height, Math.Min((long)Ic4Native.ic4_imagebuffer_get_buffer_size(buffer), Math.Min(_frameBytes, frame.Data.Length)));
        new ReadOnlySpan<byte>((void*)data, bytes).CopyTo(frame.Data);
        frame.Length = bytes;
        frame.FrameIndex = -1;
        frame.DeviceFrameId = (long)meta.DeviceFrameNumber;
        frame.DeviceTimestampNs = (long)meta.DeviceTimestampNs;
        frame.HostReceiveNs = receivedNs;
        frame.Incomplete = false;
        frame.ReceivedBytes = bytes;
        frame.Width = (int)type.Width;
        frame.Height = (int)type.Height;
        frame.PixelFormat = (PixelFormat)type.PixelFormat;
        Delivered++;
        Target.Deliver(frame);
    }

    private static int[] CreateMono8Only()
    {
        var formats = GC.AllocateArray<int>(1, pinned: true);
        formats[0] = Ic4Native.PixelFormatMono8;
        return formats;
    }

    private static Ic4Stream? From(IntPtr context) => GCHandle.FromIntPtr(context).Target as Ic4Stream;

    [UnmanagedCallersOnly]
    private static void OnFramesQueued(IntPtr sink, IntPtr context) => From(context)?._signal.Release();

    [UnmanagedCallersOnly]
    private static unsafe byte OnSinkConnected(IntPtr sink, IntPtr context, Ic4Native.ImageType* type, nuint minBuffers)
    {
        // Queue enough buffers for bursts; IC4 adds the minimum itself if this falls short.
        return Ic4Native.ic4_queuesink_alloc_and_queue_buffers(sink, Math.Max(minBuffers, BufferCount)) ? (byte)1 : (byte)0;
    }

    [UnmanagedCallersOnly]
    private static void OnSinkDisconnected(IntPtr sink, IntPtr context)
    {
        if (From(context) is { } stream)
            stream.Disconnected = true;
    }

    [UnmanagedCallersOnly]
    private static void OnRelease(IntPtr context)
    {
        var handle = GCHandle.FromIntPtr(context);
        if (handle.IsAllocated)
            handle.Free();
    }
}
