namespace PsCamSync.Core.Concurrency;

/// <summary>
/// A bounded, lock-free, allocation-free queue for exactly one producer thread and one consumer thread
/// (the shape mocap-toolkit's threads talk through). Capacity is rounded up to a power of two.
/// Neither side ever blocks: <see cref="TryEnqueue"/> returns false when full, <see cref="TryDequeue"/> when empty.
/// </summary>
/// <typeparam name="T">Element type; structs are copied in and out.</typeparam>
public sealed class SpscQueue<T>
{
    private readonly T[] _items;
    private readonly long _mask;
    // Head and tail on separate cache lines so producer and consumer do not false-share.
    private PaddedLong _head; // next slot to read (consumer-owned)
    private PaddedLong _tail; // next slot to write (producer-owned)

    /// <summary>Creates a queue holding at least <paramref name="capacity"/> items.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Capacity below 1 or above 2^30.</exception>
    public SpscQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1 << 30);
        int size = 1;
        while (size < capacity) size <<= 1;
        _items = new T[size];
        _mask = size - 1;
    }

    /// <summary>Slots in the queue (a power of two).</summary>
    public int Capacity => _items.Length;

    /// <summary>Items queued now (a snapshot; exact only on the producer or consumer thread).</summary>
    public int Count => (int)(Volatile.Read(ref _tail.Value) - Volatile.Read(ref _head.Value));

    /// <summary>Producer side: appends <paramref name="item"/>; false when full.</summary>
    public bool TryEnqueue(in T item)
    {
        long tail = _tail.Value;
        if (tail - Volatile.Read(ref _head.Value) >= _items.Length)
            return false;
        _items[tail & _mask] = item;
        Volatile.Write(ref _tail.Value, tail + 1);
        return true;
    }

    /// <summary>Consumer side: removes the oldest item; false when empty.</summary>
    public bool TryDequeue(out T item)
    {
        long head = _head.Value;
        if (head == Volatile.Read(ref _tail.Value))
        {
            item = default!;
            return false;
        }
        long index = head & _mask;
        item = _items[index];
        _items[index] = default!; // release references for the GC
        Volatile.Write(ref _head.Value, head + 1);
        return true;
    }
}

/// <summary>A long alone on its cache line (64-byte padding both sides).</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    [System.Runtime.InteropServices.FieldOffset(64)]
    public long Value;
}
