using PsCamSync.Core.Cameras;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>What a <see cref="RecordingTarget"/> kept of one delivered frame.</summary>
public readonly record struct ReceivedFrame(
    long FrameIndex, long DeviceFrameId, long DeviceTimestampNs, long HostReceiveNs, long DeliveredNs,
    int Length, int Width, int Height, PixelFormat PixelFormat, bool Incomplete, int Pixel0, bool RowZeroIsRamp);

/// <summary>What a <see cref="RecordingTarget"/> kept of one dropped frame.</summary>
public readonly record struct DroppedFrame(long FrameIndex, long DeviceTimestampNs, long HostReceiveNs);

/// <summary>
/// A frame target like a capture ring: a few pre-allocated buffers, handed back as soon as a frame's metadata is
/// recorded. With <c>rentNothing</c> it behaves like a full ring (every frame is dropped). Read its lists only
/// after the stream was stopped (<see cref="Arrived"/> may be read at any time).
/// </summary>
public sealed class RecordingTarget : IFrameTarget
{
    private readonly Stack<FrameBuffer> _free = new();
    private readonly bool _rentNothing;

    public RecordingTarget(int frameBytes, int buffers = 4, bool rentNothing = false)
    {
        _rentNothing = rentNothing;
        for (var i = 0; i < buffers; i++)
            _free.Push(new FrameBuffer(frameBytes));
    }

    public List<ReceivedFrame> Frames { get; } = new();
    public List<DroppedFrame> Dropped { get; } = new();
    public List<string> Faults { get; } = new();

    public FrameBuffer? TryRent() => _rentNothing || _free.Count == 0 ? null : _free.Pop();

    public void Deliver(FrameBuffer frame)
    {
        var delivered = SharedTimeline.NowNs();
        var pixels = frame.Pixels;
        var ramp = pixels.Length >= frame.Width && frame.Width > 0;
        for (var x = 0; ramp && x < frame.Width; x++)
            ramp = pixels[x] == (pixels[0] + x) % 255;
        lock (Frames)
            Frames.Add(new ReceivedFrame(frame.FrameIndex, frame.DeviceFrameId, frame.DeviceTimestampNs, frame.HostReceiveNs,
            delivered, frame.Length, frame.Width, frame.Height, frame.PixelFormat, frame.Incomplete,
                pixels.Length > 0 ? pixels[0] : -1, ramp));
        _free.Push(frame);
    }

    public void ReportDropped(long frameIndex, long deviceTimestampNs, long hostReceiveNs)
    {
        lock (Frames)
            Dropped.Add(new DroppedFrame(frameIndex, deviceTimestampNs, hostReceiveNs));
    }

    /// <summary>Frames delivered plus frames dropped so far; safe while streaming.</summary>
    public int Arrived
    {
        get
        {
            lock (Frames)
                return Frames.Count + Dropped.Count;
        }
    }

    /// <summary>Forgets what arrived so far (after a warm-up); call while no frame is expected.</summary>
    public void Clear()
    {
        lock (Frames)
        {
            Frames.Clear();
            Dropped.Clear();
        }
    }

    public void ReportFault(string message, Exception? exception)
    {
        lock (Faults)
            Faults.Add(message);
    }
}
