using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>
/// A frame target that measures the receive thread: at every delivered or dropped frame it samples
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> into a pre-allocated array, and it rents a buffer only for
/// every other frame, so both the deliver and the drop path run. It allocates nothing itself after construction,
/// so the difference between two samples is what the backend's receive loop allocated for one frame.
/// </summary>
public sealed class AllocationProbeTarget : IFrameTarget
{
    private readonly long[] _samples;
    private readonly FrameBuffer _buffer;
    private int _count;
    private bool _rent = true;
    private int _faults;

    public AllocationProbeTarget(int frameBytes, int capacity = 256)
    {
        _samples = new long[capacity];
        _buffer = new FrameBuffer(frameBytes);
    }

    /// <summary>Frames seen (delivered or dropped); read after the stream stopped.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Faults reported.</summary>
    public int Faults => Volatile.Read(ref _faults);

    /// <summary>Bytes the receive thread allocated between frame i-1 and frame i.</summary>
    public long AllocatedBefore(int i) => _samples[i] - _samples[i - 1];

    public FrameBuffer? TryRent()
    {
        var rent = _rent;
        _rent = !_rent;
        return rent ? _buffer : null;
    }

    public void Deliver(FrameBuffer frame) => Sample();

    public void ReportDropped(long frameIndex, long deviceTimestampNs, long hostReceiveNs) => Sample();

    public void ReportFault(string message, Exception? exception) => Interlocked.Increment(ref _faults);

    private void Sample()
    {
        if (_count < _samples.Length)
            _samples[_count] = GC.GetAllocatedBytesForCurrentThread();
        _count++;
    }
}
