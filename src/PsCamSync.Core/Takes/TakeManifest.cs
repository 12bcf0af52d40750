using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Takes;

/// <summary>State of a take as recorded in <c>take.json</c>.</summary>
public enum TakeState
{
    /// <summary>Written at start; a take still in this state after its process ended crashed.</summary>
    Recording,
    /// <summary>Every scheduled frame slot was accounted for.</summary>
    Completed,
    /// <summary>Stopped early by Stop-SyncCapture (possibly at a scheduled frame).</summary>
    Stopped,
    /// <summary>Ended by a fault; what was captured before it is kept.</summary>
    Faulted,
    /// <summary>
    /// Never written by a recorder: the analysis (<c>Measure-SyncTake</c>) reports a take as Crashed when its
    /// <c>take.json</c> still says <see cref="Recording"/> but its recorder process (<see cref="TakeManifest.Recorder"/>)
    /// is gone; the counts are then rebuilt from the frames tables.
    /// </summary>
    Crashed,
}

/// <summary>
/// <c>take.json</c>: the self-description of a take folder. Written when the take starts and rewritten
/// (atomically, via a temporary file) when it ends, so a crashed take is still described.
/// </summary>
public sealed class TakeManifest
{
    /// <summary>Manifest format version; readers reject a newer major version.</summary>
    public int FormatVersion { get; set; } = 1;
    /// <summary>Take name (the folder name).</summary>
    public string Name { get; set; } = "";
    /// <summary>Host that recorded the take (DNS host name).</summary>
    public string Host { get; set; } = "";
    /// <summary>PsCamSync version that wrote the take.</summary>
    public string ModuleVersion { get; set; } = "";
    /// <summary>The frame grid; indexes in the frames tables are indexes of this schedule.</summary>
    public FrameSchedule? Schedule { get; set; }
    /// <summary>First index this host scheduled (later than 0 when it joined after T0).</summary>
    public long FirstFrameIndex { get; set; }
    /// <summary>One past the last index this host scheduled (earlier than Schedule.EndIndex when stopped).</summary>
    public long EndFrameIndex { get; set; }
    /// <summary>Trigger tolerance: a trigger later than this many ns after Tn is skipped as late.</summary>
    public long LateToleranceNs { get; set; }
    /// <summary>When the take object started, ns on the shared timeline.</summary>
    public long StartedNs { get; set; }
    /// <summary>When it was finalised, ns on the shared timeline; null while recording.</summary>
    public long? EndedNs { get; set; }
    /// <summary>Current state.</summary>
    public TakeState State { get; set; } = TakeState.Recording;
    /// <summary>
    /// Why the take stopped before its schedule ended, for people: e.g. "stop requested" or "SIGTERM: the process
    /// was asked to end"; null when it was not stopped early.
    /// </summary>
    public string? StopReason { get; set; }
    /// <summary>The process recording the take (null in takes written before it was recorded).</summary>
    public RecorderIdentity? Recorder { get; set; }
    /// <summary>The cameras, in capture order.</summary>
    public List<TakeCamera> Cameras { get; set; } = new();
    /// <summary>Faults recorded during the take, in order.</summary>
    public List<TakeFault> Faults { get; set; } = new();
    /// <summary>What real-time settings the trigger thread got, and which it did not.</summary>
    public TriggerThreadReport? TriggerThread { get; set; }
    /// <summary>How the frames were started (Software, Action, ScheduledAction, CameraScheduler). Takes recorded before
    /// trigger modes existed read as Software.</summary>
    public global::PsCamSync.Core.Cameras.SyncTriggerMode TriggerMode { get; set; } = global::PsCamSync.Core.Cameras.SyncTriggerMode.Software;
    /// <summary>Why this mode: asked for, or chosen as the best every camera supports (with why better ones were not).</summary>
    public string? TriggerModeNote { get; set; }
    /// <summary>For the action modes: where the ACTION_CMDs went (IPv4 address:port), the keys' device key in hex, and the lead
    /// of scheduled actions in ns; null for Software.</summary>
    public ActionTriggerInfo? Actions { get; set; }
}

/// <summary>One camera of a take.</summary>
public sealed class TakeCamera
{
    /// <summary>Backend name.</summary>
    public string Backend { get; set; } = "";
    /// <summary>Camera id as discovery gave it.</summary>
    public string Id { get; set; } = "";
    /// <summary>Vendor.</summary>
    public string Vendor { get; set; } = "";
    /// <summary>Model.</summary>
    public string Model { get; set; } = "";
    /// <summary>Serial number.</summary>
    public string Serial { get; set; } = "";
    /// <summary>Transport address.</summary>
    public string Address { get; set; } = "";
    /// <summary>Width in pixels.</summary>
    public int Width { get; set; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; set; }
    /// <summary>PFNC pixel format name.</summary>
    public string PixelFormat { get; set; } = "";
    /// <summary>Feature values that matter for the take (ExposureTime, TriggerMode, ...), as strings.</summary>
    public Dictionary<string, string> Settings { get; set; } = new();
    /// <summary>Video file name, relative to the take folder.</summary>
    public string VideoFile { get; set; } = "";
    /// <summary>Frames table file name, relative to the take folder.</summary>
    public string FramesFile { get; set; } = "";
    /// <summary>Encoder that wrote the video (<c>Y4M</c>, <c>libx264</c>, <c>ffv1</c>, <c>hevc_nvenc</c>).</summary>
    public string Encoder { get; set; } = "";
    /// <summary>Ring size in frames.</summary>
    public int RingFrames { get; set; }
    /// <summary>
    /// Frames answering the warm-up trigger fired before the first slot (so that frame 0 does not pay for cold paths
    /// in the camera and the module); they are not part of the take.
    /// </summary>
    public int WarmUpFrames { get; set; }
    /// <summary>Frame accounting; complete once the take is finalised.</summary>
    public FrameCounts Counts { get; set; } = new();
    /// <summary>
    /// The camera clock against the shared timeline (offset and drift), fitted by least squares over timestamp latches
    /// just before the take; maps device timestamps onto the shared timeline (<see cref="Timing.CameraClockModel.ToHost"/>).
    /// Null when the camera has no timestamp latch.
    /// </summary>
    public Timing.CameraClockModel? ClockModel { get; set; }
    /// <summary>How <see cref="ClockModel"/> was measured, or why there is none.</summary>
    public string? ClockModelNote { get; set; }
    /// <summary>For the action modes: what the camera's ACTION_ACKs said; null for Software.</summary>
    public ActionAckCounts? ActionAcks { get; set; }
}

/// <summary>The part of a take a <see cref="TakeFault"/> happened in.</summary>
public enum TakeFaultSource
{
    /// <summary>Preparing the take: cameras, clock models, memory locking.</summary>
    Setup = 1,
    /// <summary>The trigger path: the trigger thread, software triggers, action commands, the cameras' schedulers.</summary>
    Trigger,
    /// <summary>A camera's frame stream: receiving, frames that match no slot, stopping acquisition.</summary>
    Stream,
    /// <summary>A camera lost, released or rejoining (see <c>CameraLossRule</c>).</summary>
    Camera,
    /// <summary>The frames table, take.json or the ring (frames dropped because the writer fell behind).</summary>
    Writer,
    /// <summary>The video sink: the built-in Y4M writer or the ffmpeg process.</summary>
    Encoder,
}

/// <summary>A fault recorded in a take; nothing captured before it is lost.</summary>
public sealed class TakeFault
{
    /// <summary>When, ns on the shared timeline.</summary>
    public long TimeNs { get; set; }
    /// <summary>Camera id, or null for the take as a whole.</summary>
    public string? Camera { get; set; }
    /// <summary>Where it happened (written by name in take.json).</summary>
    public TakeFaultSource Source { get; set; }
    /// <summary>What happened.</summary>
    public string Message { get; set; } = "";
    /// <summary>Exception type and stack, when there was one.</summary>
    public string? Detail { get; set; }
}

/// <summary>Real-time settings asked for on the trigger thread and what the OS granted.</summary>
public sealed class TriggerThreadReport
{
    /// <summary>SCHED_FIFO priority granted, or 0 when the thread ran SCHED_OTHER.</summary>
    public int FifoPriority { get; set; }
    /// <summary>Timer slack in ns after PR_SET_TIMERSLACK (the Linux default is 50 000).</summary>
    public long TimerSlackNs { get; set; }
    /// <summary>True when mlockall(MCL_CURRENT|MCL_FUTURE) succeeded.</summary>
    public bool MemoryLocked { get; set; }
    /// <summary>
    /// When the trigger thread was ready to fire its first slot, ns on the shared timeline (0 when it never ran).
    /// <c>ReadyNs - StartedNs</c> is what the take's setup cost; slots due before it are recorded as TriggerLate.
    /// </summary>
    public long ReadyNs { get; set; }
    /// <summary>Spin window before each deadline, ns (0 = pure sleep).</summary>
    public long SpinNs { get; set; }
    /// <summary>Settings that were refused, with errno text (e.g. "SCHED_FIFO: EPERM").</summary>
    public List<string> Refused { get; set; } = new();
    /// <summary>Wake-up error statistics over the take, µs after the deadline, of the slots due once the trigger thread
    /// was ready (<see cref="ReadyNs"/>): slots due before were not waited for (they are TriggerLate, with a fault of
    /// their own), and their lateness is the setup's, not the timer's.</summary>
    public double WakeErrorP50Us { get; set; }
    /// <summary>99th percentile of the wake-up error, µs.</summary>
    public double WakeErrorP99Us { get; set; }
    /// <summary>Largest wake-up error, µs.</summary>
    public double WakeErrorMaxUs { get; set; }
    /// <summary>
    /// Garbage collections in the process while the trigger thread ran (all generations). A collection suspends
    /// managed threads, the trigger thread included, so a late trigger during one is the runtime's, not the OS's.
    /// </summary>
    public int GarbageCollections { get; set; }
}

/// <summary>What one camera's ACTION_ACKs said during a take triggered by action commands.</summary>
public sealed class ActionAckCounts
{
    /// <summary>ACTION_ACKs received from the camera for the take's action commands (any status).</summary>
    public long Acknowledged { get; set; }
    /// <summary>ACKs with status ACTION_LATE: the scheduled action reached the camera after its action time.</summary>
    public long ActionLate { get; set; }
    /// <summary>ACKs with status NO_REF_TIME: the camera had no PTP reference time for a scheduled action.</summary>
    public long NoRefTime { get; set; }
    /// <summary>ACKs with another error status.</summary>
    public long OtherStatus { get; set; }
    /// <summary>Frame index of the first late action, or null.</summary>
    public long? FirstLateFrameIndex { get; set; }
    /// <summary>The first other error status (GVCP status name), or null.</summary>
    public string? FirstOtherStatus { get; set; }
}

/// <summary>How a take sent its action commands (take.json "Actions").</summary>
public sealed class ActionTriggerInfo
{
    /// <summary>Destination of the ACTION_CMDs, "address:port" (the subnet broadcast).</summary>
    public string Destination { get; set; } = "";
    /// <summary>ActionDeviceKey given to every camera, hex ("0x...").</summary>
    public string DeviceKey { get; set; } = "";
    /// <summary>ActionGroupKey of action 0, hex.</summary>
    public string GroupKey { get; set; } = "";
    /// <summary>ActionGroupMask of action 0, hex.</summary>
    public string GroupMask { get; set; } = "";
    /// <summary>How long before Tn a slot is handled (scheduled actions sent), ns; 0 for Action.</summary>
    public long LeadNs { get; set; }
    /// <summary>Camera time minus shared time added to Tn for action times, ns (0, or currentUtcOffset seconds for TAI cameras).</summary>
    public long TimescaleOffsetNs { get; set; }
    /// <summary>Action commands sent for slots.</summary>
    public long Sent { get; set; }
    /// <summary>ACTION_ACKs from a source that is none of the cameras' GVCP endpoints (a camera reopened on another address
    /// after it was lost answers from there).</summary>
    public long UnknownAcks { get; set; }
}
