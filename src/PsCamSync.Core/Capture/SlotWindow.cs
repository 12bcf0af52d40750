using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Capture;

/// <summary>What a camera's notice carries (see <see cref="TriggerNotice"/>).</summary>
internal enum TriggerNoticeKind
{
    /// <summary>A schedule slot: triggered (TriggerNs set) or skipped as late (<see cref="TriggerNotice.Late"/>).</summary>
    Slot,
    /// <summary>A slot not triggered because the camera was lost (out of the trigger set).</summary>
    CameraLost,
    /// <summary>Not a slot: the trigger of slot FrameIndex, announced earlier, was acknowledged at AcknowledgedNs.</summary>
    Acknowledgement,
}

/// <summary>What the trigger path tells a camera's writer about one schedule slot, or about its acknowledgement.</summary>
/// <param name="FrameIndex">Schedule index n.</param>
/// <param name="ScheduledNs">Tn, shared timeline.</param>
/// <param name="TriggerNs">When the trigger was sent (read just before the call), shared timeline; 0 when skipped.</param>
/// <param name="Late">True when the slot was skipped because its trigger could not be sent within the late tolerance.</param>
/// <param name="AcknowledgedNs">When the camera acknowledged the trigger, shared timeline; 0 while unknown (an
/// <see cref="TriggerNoticeKind.Acknowledgement"/> follows). Triggers that cannot block count as acknowledged when sent.</param>
/// <param name="Kind">Slot, lost slot or acknowledgement.</param>
internal readonly record struct TriggerNotice(long FrameIndex, long ScheduledNs, long TriggerNs, bool Late,
    long AcknowledgedNs = 0, TriggerNoticeKind Kind = TriggerNoticeKind.Slot);

/// <summary>
/// The writer's view of the slots in flight for one camera, oldest first: a pre-allocated circular array.
/// Slots enter in index order (from <see cref="TriggerNotice"/>s), get a status when their frame, drop report or
/// timeout arrives, and leave in index order once final, so the frames table is written in order.
/// </summary>
internal sealed class SlotWindow
{
    private struct Slot
    {
        public long FrameIndex, ScheduledNs, TriggerNs, AcknowledgedNs, DeviceTimestampNs, HostReceiveNs, VideoFrame, ReceivedBytes, DeviceFrameId;
        public FrameStatus Status;
        public bool Final;
    }

    private readonly Slot[] _slots;
    private long _head; // absolute position of the oldest slot
    private long _tail; // absolute position one past the newest slot

    public SlotWindow(int capacity) => _slots = new Slot[capacity];

    public int Count => (int)(_tail - _head);
    public bool IsFull => Count == _slots.Length;

    /// <summary>Appends the slot of a trigger notice (late and lost slots are final at once).</summary>
    public void Add(in TriggerNotice notice)
    {
        ref var s = ref _slots[_tail % _slots.Length];
        s = default;
        s.FrameIndex = notice.FrameIndex;
        s.ScheduledNs = notice.ScheduledNs;
        s.TriggerNs = notice.TriggerNs;
        s.AcknowledgedNs = notice.AcknowledgedNs;
        s.VideoFrame = -1;
        s.DeviceFrameId = -1;
        if (notice.Kind == TriggerNoticeKind.CameraLost)
        {
            s.Status = FrameStatus.CameraLost;
            s.TriggerNs = 0;
            s.Final = true;
        }
        else if (notice.Late)
        {
            s.Status = FrameStatus.TriggerLate;
            s.Final = true;
        }
        _tail++;
    }

    /// <summary>Records when the trigger of slot <paramref name="frameIndex"/> was acknowledged (ignored once the slot has left the window).</summary>
    public void Acknowledge(long frameIndex, long acknowledgedNs)
    {
        if (Count == 0) return;
        long pos = _head + (frameIndex - _slots[_head % _slots.Length].FrameIndex);
        if (pos < _head || pos >= _tail) return;
        ref var s = ref _slots[pos % _slots.Length];
        if (s.FrameIndex == frameIndex)
            s.AcknowledgedNs = acknowledgedNs;
    }

    /// <summary>
    /// True when the trigger of the slot at <paramref name="pos"/> cannot be shown to have reached the camera within
    /// <paramref name="toleranceNs"/> after Tn: the frame arrived later than that and the trigger's acknowledgement is
    /// later too, or not known yet. Such a frame is never recorded Captured (it is TriggerLate, without pixels).
    /// </summary>
    public bool TriggeredLate(long pos, long hostReceiveNs, long toleranceNs)
    {
        ref var s = ref _slots[pos % _slots.Length];
        long limit = s.ScheduledNs + toleranceNs;
        if (hostReceiveNs <= limit) return false; // the trigger took effect before its frame arrived
        return s.AcknowledgedNs == 0 || s.AcknowledgedNs > limit;
    }

    /// <summary>
    /// The position of the slot a frame belongs to: by index when known, else the newest pending slot whose trigger was
    /// issued at or before <paramref name="hostReceiveNs"/>. -1 when none matches (an extra frame).
    /// </summary>
    public long Find(long frameIndex, long hostReceiveNs)
    {
        if (frameIndex >= 0)
        {
            if (Count == 0) return -1;
            long pos = _head + (frameIndex - _slots[_head % _slots.Length].FrameIndex);
            if (pos < _head || pos >= _tail) return -1;
            ref var s = ref _slots[pos % _slots.Length];
            return s.FrameIndex == frameIndex && !s.Final ? pos : -1;
        }
        for (long pos = _tail - 1; pos >= _head; pos--)
        {
            ref var s = ref _slots[pos % _slots.Length];
            if (s.Final || s.TriggerNs == 0) continue;
            if (s.TriggerNs <= hostReceiveNs) return pos;
        }
        return -1;
    }

    /// <summary>
    /// The open slot (triggered, not final) whose Tn is nearest <paramref name="sharedNs"/> and at most
    /// <paramref name="withinNs"/> from it; -1 when none is.
    /// </summary>
    public long FindNearestScheduled(long sharedNs, long withinNs)
    {
        long best = -1, bestDistance = long.MaxValue;
        for (long pos = _head; pos < _tail; pos++)
        {
            ref var s = ref _slots[pos % _slots.Length];
            if (s.Final || s.TriggerNs == 0) continue;
            long distance = Math.Abs(s.ScheduledNs - sharedNs);
            if (distance <= withinNs && distance < bestDistance)
            {
                best = pos;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>Gives the slot at <paramref name="pos"/> its outcome; <paramref name="receivedBytes"/> and
    /// <paramref name="deviceFrameId"/> as in <see cref="FrameRecord"/>.</summary>
    public void Complete(long pos, FrameStatus status, long deviceTimestampNs, long hostReceiveNs, long videoFrame, long receivedBytes, long deviceFrameId)
    {
        ref var s = ref _slots[pos % _slots.Length];
        s.DeviceFrameId = deviceFrameId;
        s.ReceivedBytes = receivedBytes;
        s.Status = status;
        s.DeviceTimestampNs = deviceTimestampNs;
        s.HostReceiveNs = hostReceiveNs;
        s.VideoFrame = videoFrame;
        s.Final = true;
    }

    /// <summary>Marks pending slots whose trigger is older than <paramref name="missedBeforeNs"/> as missed.</summary>
    public void ExpirePending(long missedBeforeNs)
    {
        for (long pos = _head; pos < _tail; pos++)
        {
            ref var s = ref _slots[pos % _slots.Length];
            if (!s.Final && (s.TriggerNs == 0 || s.TriggerNs < missedBeforeNs))
            {
                s.Status = FrameStatus.TriggerMissed;
                s.Final = true;
            }
        }
    }

    /// <summary>Forces the oldest slot final as missed (when the window is full).</summary>
    public void ExpireOldest()
    {
        ref var s = ref _slots[_head % _slots.Length];
        if (!s.Final)
        {
            s.Status = FrameStatus.TriggerMissed;
            s.Final = true;
        }
    }

    /// <summary>Removes the oldest slot when final; false when the window is empty or its oldest slot is pending.</summary>
    public bool TryTakeFinal(out FrameRecord record)
    {
        if (_head == _tail || !_slots[_head % _slots.Length].Final)
        {
            record = default;
            return false;
        }
        ref var s = ref _slots[_head % _slots.Length];
        record = new FrameRecord(s.FrameIndex, s.ScheduledNs, s.TriggerNs, s.DeviceTimestampNs, s.HostReceiveNs, s.Status, s.VideoFrame, s.ReceivedBytes, s.DeviceFrameId);
        _head++;
        return true;
    }
}
