using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Takes;

/// <summary>
/// One row of a camera's frames table: what happened to schedule slot <see cref="FrameIndex"/>.
/// All times are Int64 ns; 0 means "did not happen" (no trigger issued, no frame received).
/// </summary>
/// <param name="FrameIndex">Schedule index n.</param>
/// <param name="ScheduledNs">Tn on the shared timeline.</param>
/// <param name="TriggerNs">When the trigger was issued, shared timeline; 0 when skipped.</param>
/// <param name="DeviceTimestampNs">Exposure start on the device clock; 0 without a frame.</param>
/// <param name="HostReceiveNs">When the host received the frame, shared timeline; 0 without a frame.</param>
/// <param name="Status">What happened.</param>
/// <param name="VideoFrame">0-based index of this frame in the camera's video file, or -1 when no pixels were written.</param>
/// <param name="ReceivedBytes">Bytes of the frame's payload that arrived from the camera: the frame size for a complete
/// frame, fewer for an <see cref="FrameStatus.Incomplete"/> one, 0 when no frame arrived, -1 when not known (a dropped
/// frame, a backend that cannot tell, or a table written before this column existed).</param>
/// <param name="DeviceFrameId">The camera's own frame counter for this frame (GVSP block id, Spinnaker's
/// <c>spinImageGetFrameID</c>, IC4's <c>device_frame_number</c>, the simulated camera's frames produced), so a slot can be
/// traced to the camera's numbering; -1 without a frame, for a <see cref="FrameStatus.Dropped"/> one (its buffer never
/// came), or in a table written before this column existed.</param>
public readonly record struct FrameRecord(
    long FrameIndex,
    long ScheduledNs,
    long TriggerNs,
    long DeviceTimestampNs,
    long HostReceiveNs,
    FrameStatus Status,
    long VideoFrame,
    long ReceivedBytes = -1,
    long DeviceFrameId = -1);

/// <summary>Per-camera frame accounting: every scheduled slot falls in exactly one status bucket.</summary>
public sealed class FrameCounts
{
    /// <summary>Slots the schedule asked this camera for.</summary>
    public long Expected { get; set; }
    /// <summary>Complete frames written.</summary>
    public long Captured { get; set; }
    /// <summary>Triggers issued that produced no frame.</summary>
    public long TriggerMissed { get; set; }
    /// <summary>Triggers skipped because the trigger thread woke too late.</summary>
    public long TriggerLate { get; set; }
    /// <summary>Frames with missing data (written as received).</summary>
    public long Incomplete { get; set; }
    /// <summary>Frames lost because the ring was full.</summary>
    public long Dropped { get; set; }
    /// <summary>Frames that arrived but whose pixels could not be written (disk full, I/O error, encoder gone).</summary>
    public long WriteFailed { get; set; }

    /// <summary>Slots not triggered because the camera had stopped answering and was out of the trigger set.</summary>
    public long CameraLost { get; set; }

    /// <summary>Adds one slot with <paramref name="status"/>.</summary>
    public void Add(FrameStatus status)
    {
        switch (status)
        {
            case FrameStatus.Captured: Captured++; break;
            case FrameStatus.TriggerMissed: TriggerMissed++; break;
            case FrameStatus.TriggerLate: TriggerLate++; break;
            case FrameStatus.Incomplete: Incomplete++; break;
            case FrameStatus.Dropped: Dropped++; break;
            case FrameStatus.WriteFailed: WriteFailed++; break;
            case FrameStatus.CameraLost: CameraLost++; break;
            default: throw new ArgumentOutOfRangeException(nameof(status), status, "unknown frame status");
        }
    }

    /// <summary>Sum of every bucket; equals <see cref="Expected"/> once a take is finalised.</summary>
    public long Accounted => Captured + TriggerMissed + TriggerLate + Incomplete + Dropped + WriteFailed + CameraLost;
}
