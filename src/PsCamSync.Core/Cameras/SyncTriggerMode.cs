namespace PsCamSync.Core.Cameras;

/// <summary>
/// How the frames of a take are started (Start-SyncCapture -TriggerMode). Ordered from host-timed to camera-timed; the
/// default for a take is the first of <see cref="ScheduledAction"/>, <see cref="CameraScheduler"/>, <see cref="Action"/>,
/// <see cref="Software"/> that every selected camera supports (see <c>Capture.TriggerModeChoice</c>).
/// </summary>
public enum SyncTriggerMode
{
    /// <summary>
    /// One software trigger per camera per frame (SFNC TriggerSource=Software, TriggerSoftware), sent at Tn by the host;
    /// a camera whose trigger is an acknowledged network write gets it from a thread of its own, so the trigger thread
    /// never waits on one camera before the next. Skew: the host's wake-up jitter plus the spread of the calls.
    /// </summary>
    Software,

    /// <summary>
    /// One GigE Vision ACTION_CMD per frame for the whole group (TriggerSource=Action0), sent at Tn by the trigger thread
    /// to the subnet broadcast: the cameras fire when the packet arrives. Skew does not grow with the camera count; the
    /// host's wake-up jitter still moves every frame set as a whole.
    /// </summary>
    Action,

    /// <summary>
    /// ACTION_CMDs carrying action_time = Tn on the cameras' PTP timescale, sent ahead of Tn: each camera fires when its
    /// own PTP clock reaches Tn, so the host's wake-up jitter drops out and the skew is the cameras' residual PTP offsets.
    /// Needs GigE Vision scheduled action support and every camera's PTP port in Slave.
    /// </summary>
    ScheduledAction,

    /// <summary>
    /// The camera's own action scheduler (ActionSchedulerTime = T0 on its PTP clock, ActionSchedulerInterval = the period in
    /// µs, ActionSchedulerCommit): the host commits once and the cameras fire on their own clocks until the take ends
    /// (ActionSchedulerCancel). Needs the scheduler features, a period of whole µs, and PTP Slave.
    /// </summary>
    CameraScheduler,
}
