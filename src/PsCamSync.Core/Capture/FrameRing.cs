using PsCamSync.Core.Concurrency;
using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Capture;

/// <summary>
/// One camera's bounded ring of pre-allocated frame buffers: the receive thread rents free buffers and hands
/// filled ones over; the writer thread takes filled buffers and returns them. All buffers are allocated here,
/// once, so steady-state capture allocates nothing.
/// </summary>
public sealed class FrameRing
{
    private readonly SpscQueue<FrameBuffer> _free;   // writer → receive thread
    private readonly SpscQueue<FrameBuffer> _filled; // receive thread → writer

    /// <summary>Allocates <paramref name="frames"/> buffers of <paramref name="frameBytes"/> bytes each.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1 frame or a non-positive size.</exception>
    public FrameRing(int frames, int frameBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameBytes, 1);
        Frames = frames;
        FrameBytes = frameBytes;
        _free = new SpscQueue<FrameBuffer>(frames);
        _filled = new SpscQueue<FrameBuffer>(frames);
        for (int i = 0; i < frames; i++)
            _free.TryEnqueue(new FrameBuffer(frameBytes));
    }

    /// <summary>Buffers in the ring.</summary>
    public int Frames { get; }

    /// <summary>Bytes per buffer.</summary>
    public int FrameBytes { get; }

    /// <summary>Total bytes held: <see cref="Frames"/> × <see cref="FrameBytes"/>.</summary>
    public long TotalBytes => (long)Frames * FrameBytes;

    /// <summary>Filled buffers waiting for the writer (snapshot).</summary>
    public int Backlog => _filled.Count;

    /// <summary>Receive thread: a free buffer, or null when every buffer is filled or being written.</summary>
    public FrameBuffer? TryRent()
    {
        if (!_free.TryDequeue(out var buffer))
            return null;
        buffer.FrameIndex = -1;
        buffer.Incomplete = false;
        buffer.Length = 0;
        return buffer;
    }

    /// <summary>Receive thread: hands a filled buffer to the writer. Never fails: only rented buffers circulate.</summary>
    public void Publish(FrameBuffer buffer)
    {
        if (!_filled.TryEnqueue(buffer))
            throw new InvalidOperationException("A frame buffer was published that was not rented from this ring.");
    }

    /// <summary>Writer thread: the oldest filled buffer, or false when none is waiting.</summary>
    public bool TryTake(out FrameBuffer buffer) => _filled.TryDequeue(out buffer);

    /// <summary>Writer thread: returns a written buffer to the free list.</summary>
    public void Return(FrameBuffer buffer)
    {
        if (!_free.TryEnqueue(buffer))
            throw new InvalidOperationException("A frame buffer was returned twice.");
    }

    /// <summary>
    /// Ring depth for a take: with a memory budget, the same depth for every camera so that the rings together fit
    /// <paramref name="budgetBytes"/>; otherwise <paramref name="seconds"/> of frames at the take's rate. At least 2.
    /// </summary>
    /// <param name="frameBytes">Bytes per frame of each camera.</param>
    /// <param name="budgetBytes">RAM for all rings together, bytes; null to size by time.</param>
    /// <param name="seconds">Seconds of frames per ring when there is no budget.</param>
    /// <param name="frameRateHz">The take's frame rate, Hz.</param>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "BufferMemory": the budget holds fewer than 2 frames per camera.</exception>
    public static int DepthFor(IReadOnlyList<int> frameBytes, long? budgetBytes, double seconds, double frameRateHz)
    {
        long perSet = frameBytes.Sum(b => (long)b);
        if (budgetBytes is long budget)
        {
            long depth = budget / Math.Max(perSet, 1);
            if (depth < 2)
                throw new InvalidCaptureArgumentException("BufferMemory",
                    $"{budget} bytes hold fewer than 2 frames per camera; these cameras need at least {2 * perSet} bytes ({2 * perSet / (1 << 20)} MiB). Give a larger -BufferMemory, e.g. {Math.Max(1, 2 * perSet * 30 / (1 << 20))}MB.");
            return (int)Math.Min(depth, 1 << 16);
        }
        if (!(seconds > 0))
            throw new InvalidCaptureArgumentException("BufferSeconds", $"the ring must hold a positive number of seconds; got {seconds}.");
        return (int)Math.Clamp(Math.Ceiling(seconds * frameRateHz), 2, 1 << 16);
    }
}
