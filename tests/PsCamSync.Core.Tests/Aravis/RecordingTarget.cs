using PsCamSync.Core.Cameras;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>What a <see cref="RecordingTarget"/> kept of one delivered frame.</summary>
public readonly record struct ReceivedFrame(
    long FrameIndex, long DeviceFrameId, long DeviceTimestampNs, long HostReceiveNs, long DeliveredNs,
    int Length, int Width, int Height, PixelFormat PixelFormat, bool Incomplete, bool PixelsVary);

/// <summary>What a <see cref="RecordingTarget"/> kept of one dropped frame.</summary>
public readonly record struct DroppedFrame(long FrameIndex, long DeviceTimestampNs, long HostReceiveNs);

/// <summary>
/// A frame target like a capture ring: a few pre-allocated buffers, handed back as soon as a frame's metadata is
/// recorded. With <c>rentNothing</c> it behaves like a full ring (every frame is dropped). Read its lists only
/// after the stream was stopped.
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
        var vary = pixels.Length > 1 && pixels.IndexOfAnyExcept(pixels[0]) >= 0;
        Frames.Add(new ReceivedFrame(frame.FrameIndex, frame.DeviceFrameId, frame.DeviceTimestampNs, frame.HostReceiveNs,
            delivered, frame.Length, frame.Width, frame.Height, frame.PixelFormat, frame.Incomplete, vary));
        _free.Push(frame);
    }

    public void ReportDropped(long frameIndex, long deviceTimestampNs, long hostReceiveNs) =>
        Dropped.Add(new DroppedFrame(frameIndex, deviceTimestampNs, hostReceiveNs));

    public void ReportFault(string message, Exception? exception)
    {
        lock (Faults)
            Faults.Add(message);
    }
}
