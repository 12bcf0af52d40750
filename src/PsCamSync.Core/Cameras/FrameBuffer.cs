namespace PsCamSync.Core.Cameras;

/// <summary>Outcome of one frame slot of the schedule, as recorded in the frames table.</summary>
public enum FrameStatus
{
    /// <summary>The frame arrived complete and its pixels were written.</summary>
    Captured,
    /// <summary>The trigger was issued but the camera produced no frame for it (busy, as a real sensor is).</summary>
    TriggerMissed,
    /// <summary>
    /// The trigger could not reach the camera within the late tolerance after Tn, so it was skipped, not sent late: the
    /// trigger thread woke late, the camera had not acknowledged its previous trigger yet, or its acknowledgement came
    /// back later than the tolerance (then a frame that arrived for it keeps its times but not its pixels).
    /// </summary>
    TriggerLate,
    /// <summary>
    /// The frame arrived with missing packets or lines. Its video slot holds the bytes that arrived at their places
    /// and zeros where data was lost (the frame is never shortened or shifted); the row's <c>received_bytes</c> says
    /// how many bytes arrived.
    /// </summary>
    Incomplete,
    /// <summary>The frame arrived but no ring buffer was free (the writer fell behind); pixels were lost.</summary>
    Dropped,
    /// <summary>
    /// The frame arrived but writing its pixels failed (disk full, I/O error, encoder gone); the row has no video frame
    /// and the take records the cause as one fault (counted, not repeated per frame). Later frames are written as usual
    /// while the sink still works.
    /// </summary>
    WriteFailed,
    /// <summary>
    /// The camera had stopped answering (see <c>CameraLossRule</c>) and was out of the trigger set: the slot was not
    /// triggered. The camera rejoins at a later index when it answers again.
    /// </summary>
    CameraLost,
}

/// <summary>
/// One pre-allocated frame buffer of a capture ring. The receive path fills it and hands it over; the writer
/// consumes it and returns it to the ring. Fields are plain so that filling one allocates nothing.
/// </summary>
public sealed class FrameBuffer
{
    /// <summary>Allocates a buffer of <paramref name="capacity"/> bytes (pinned, so native code may fill it).</summary>
    public FrameBuffer(int capacity) => Data = GC.AllocateArray<byte>(capacity, pinned: true);

    /// <summary>Pixel storage; <see cref="Length"/> bytes of it are valid.</summary>
    public byte[] Data { get; }

    /// <summary>Valid bytes in <see cref="Data"/>.</summary>
    public int Length;

    /// <summary>Schedule index n this frame answers, or -1 when the backend cannot tell (the session then correlates it).</summary>
    public long FrameIndex = -1;

    /// <summary>Device frame counter (GVSP block id; simulated: frames produced so far).</summary>
    public long DeviceFrameId;

    /// <summary>Exposure-start timestamp on the device clock, ns.</summary>
    public long DeviceTimestampNs;

    /// <summary>When the host received the frame, ns on the shared timeline.</summary>
    public long HostReceiveNs;

    /// <summary>True when packets or lines were missing.</summary>
    public bool Incomplete;

    /// <summary>
    /// Bytes of the frame's payload that arrived from the camera: <see cref="Length"/> for a complete frame, fewer for an
    /// incomplete one (whose missing parts are zeros in <see cref="Data"/>), -1 when the backend cannot tell.
    /// </summary>
    public long ReceivedBytes = -1;

    /// <summary>Width in pixels.</summary>
    public int Width;

    /// <summary>Height in pixels.</summary>
    public int Height;

    /// <summary>Pixel format of <see cref="Data"/>.</summary>
    public PixelFormat PixelFormat;

    /// <summary>The valid bytes.</summary>
    public ReadOnlySpan<byte> Pixels => Data.AsSpan(0, Length);
}

/// <summary>
/// Where a streaming camera gets empty buffers and delivers full ones: the capture ring of one camera.
/// Called from the backend's receive thread only; never blocks.
/// </summary>
public interface IFrameTarget
{
    /// <summary>An empty buffer of at least the camera's frame size, or null when the ring is full.</summary>
    FrameBuffer? TryRent();

    /// <summary>Hands over a buffer obtained from <see cref="TryRent"/>, now filled.</summary>
    void Deliver(FrameBuffer frame);

    /// <summary>
    /// Records a frame that arrived while <see cref="TryRent"/> returned null: its metadata is kept, its pixels lost.
    /// </summary>
    /// <param name="frameIndex">Schedule index, or -1 when unknown.</param>
    /// <param name="deviceTimestampNs">Exposure start on the device clock, ns.</param>
    /// <param name="hostReceiveNs">Receive time on the shared timeline, ns.</param>
    void ReportDropped(long frameIndex, long deviceTimestampNs, long hostReceiveNs);

    /// <summary>Records a fault of the stream (it goes into the take); streaming may continue.</summary>
    void ReportFault(string message, Exception? exception);
}
