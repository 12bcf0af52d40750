using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;

namespace PsCamSync.Core.Tests.Simulated;

/// <summary>
/// A real frame ring for the simulated camera's tests: a fixed pool of buffers, every delivered frame's metadata
/// and decoded pattern header recorded into pre-allocated arrays (so recording allocates nothing), buffers returned
/// to the pool at once when <c>returnBuffers</c> is true. Called from the camera's delivery thread only.
/// </summary>
internal sealed class RecordingTarget : IFrameTarget
{
    public readonly record struct Frame(
        long FrameIndex, long DeviceFrameId, long DeviceTimestampNs, long HostReceiveNs, int Width, int Height,
        PixelFormat Format, int Length, bool Incomplete, bool Decoded, int DecodedCamera, long DecodedId);

    public readonly record struct Drop(long FrameIndex, long DeviceTimestampNs, long HostReceiveNs);

    private readonly FrameBuffer[] _pool;
    private readonly bool _returnBuffers;
    private readonly Frame[] _frames;
    private readonly Drop[] _drops;
    private readonly List<string> _faults = new();
    private int _free;
    private int _frameCount;
    private int _dropCount;

    public RecordingTarget(int buffers, int bufferBytes, bool returnBuffers = true, int capacity = 4096)
    {
        _pool = new FrameBuffer[buffers];
        for (int i = 0; i < buffers; i++)
            _pool[i] = new FrameBuffer(bufferBytes);
        _free = buffers;
        _returnBuffers = returnBuffers;
        _frames = new Frame[capacity];
        _drops = new Drop[capacity];
    }

    /// <summary>Runs inside Deliver, on the delivery thread, before the frame is recorded.</summary>
    public Action<FrameBuffer>? OnDeliver { get; set; }

    public int FrameCount => Volatile.Read(ref _frameCount);

    public int DropCount => Volatile.Read(ref _dropCount);

    public IReadOnlyList<Frame> Frames => _frames.AsSpan(0, Math.Min(FrameCount, _frames.Length)).ToArray();

    public IReadOnlyList<Drop> Drops => _drops.AsSpan(0, Math.Min(DropCount, _drops.Length)).ToArray();

    public IReadOnlyList<string> Faults
    {
        get
        {
            lock (_faults)
                return _faults.ToArray();
        }
    }

    public FrameBuffer? TryRent() => _free == 0 ? null : _pool[--_free];

    public void Deliver(FrameBuffer frame)
    {
        OnDeliver?.Invoke(frame);
        bool decoded = SimulatedPattern.TryDecode(frame.Pixels, frame.Width, frame.PixelFormat, out int camera, out long id);
        int n = _frameCount;
        if (n < _frames.Length)
        {
            _frames[n] = new Frame(frame.FrameIndex, frame.DeviceFrameId, frame.DeviceTimestampNs, frame.HostReceiveNs,
                frame.Width, frame.Height, frame.PixelFormat, frame.Length, frame.Incomplete, decoded, camera, id);
        }
        if (_returnBuffers)
            _pool[_free++] = frame;
        Volatile.Write(ref _frameCount, n + 1);
    }

    public void ReportDropped(long frameIndex, long deviceTimestampNs, long hostReceiveNs)
    {
        int n = _dropCount;
        if (n < _drops.Length)
            _drops[n] = new Drop(frameIndex, deviceTimestampNs, hostReceiveNs);
        Volatile.Write(ref _dropCount, n + 1);
    }

    public void ReportFault(string message, Exception? exception)
    {
        lock (_faults)
            _faults.Add(message);
    }

    /// <summary>Waits until <paramref name="count"/> frames were delivered or dropped; false on timeout.</summary>
    public bool WaitFor(int count, int timeoutMs = 5000) =>
        SpinWait.SpinUntil(() => FrameCount + DropCount >= count, timeoutMs);
}

/// <summary>Camera tests that run against the wall clock share this collection, so they never compete with each other.</summary>
[CollectionDefinition(Name)]
public sealed class SimulatedRealTimeCollection
{
    public const string Name = "Simulated real time";
}

/// <summary>Tests that measure process-wide allocation run alone: nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimulatedAloneCollection
{
    public const string Name = "Simulated alone";
}
