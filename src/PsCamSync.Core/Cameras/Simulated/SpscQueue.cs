namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// A bounded single-producer/single-consumer ring of structs, allocated once. One thread enqueues (or several,
/// serialised by a lock the caller holds), one thread dequeues; neither blocks nor allocates.
/// </summary>
internal sealed class SpscQueue<T> where T : struct
{
    private readonly T[] _items;
    private readonly int _mask;
    private long _head; // next slot to read; written by the consumer only
    private long _tail; // next slot to write; written by the producer only

    /// <summary>Creates a ring of <paramref name="capacity"/> slots (a power of two).</summary>
    public SpscQueue(int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "the capacity must be a power of two, at least 2.");
        _items = new T[capacity];
        _mask = capacity - 1;
    }

    /// <summary>Slots in the ring.</summary>
    public int Capacity => _items.Length;

    /// <summary>Items waiting (a snapshot).</summary>
    public int Count => (int)(Volatile.Read(ref _tail) - Volatile.Read(ref _head));

    /// <summary>Appends an item; false when the ring is full (the item is not stored).</summary>
    public bool TryEnqueue(in T item)
    {
        long tail = _tail;
        if (tail - Volatile.Read(ref _head) >= _items.Length)
            return false;
        _items[tail & _mask] = item;
        Volatile.Write(ref _tail, tail + 1); // publishes the slot
        return true;
    }

    /// <summary>Takes the oldest item; false when the ring is empty.</summary>
    public bool TryDequeue(out T item)
    {
        long head = _head;
        if (head >= Volatile.Read(ref _tail))
        {
            item = default;
            return false;
        }
        item = _items[head & _mask];
        Volatile.Write(ref _head, head + 1); // frees the slot
        return true;
    }
}
