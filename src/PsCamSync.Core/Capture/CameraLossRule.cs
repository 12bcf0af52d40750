namespace PsCamSync.Core.Capture;

/// <summary>Why a camera was taken out of a take's trigger set.</summary>
internal enum CameraLossCause
{
    /// <summary>Its triggers failed (the backend reported an error).</summary>
    TriggerFailed,
    /// <summary>Its previous trigger was still unacknowledged when its next slots came, so they were not sent.</summary>
    TriggerUnacknowledged,
    /// <summary>Its triggers were acknowledged later than the late tolerance.</summary>
    AcknowledgedLate,
    /// <summary>Its triggers were sent but no frame came for them.</summary>
    NoFrames,
    /// <summary>Its last trigger was still unacknowledged when the take ended.</summary>
    UnacknowledgedAtEnd,
}

/// <summary>
/// When a camera counts as lost, so that it costs only itself: after <see cref="SlotsFor"/> consecutive slots it did not
/// answer, K = max(<see cref="MinSlots"/>, the slots in <see cref="WindowNs"/>) (10 Hz: 5 slots, 60 Hz: 30).
/// </summary>
/// <remarks>
/// <para>A slot is unanswered on the trigger side when its trigger failed, when the camera's previous trigger was still
/// unacknowledged at the slot (so the slot was not sent: <see cref="Cameras.FrameStatus.TriggerLate"/>), or when its
/// acknowledgement came back later than the late tolerance after Tn. Any slot acknowledged in time resets the count.
/// Slots skipped because the host was late (the trigger thread woke late) say nothing about the camera and do not count.</para>
/// <para>Counted apart on the frame side: K consecutive slots whose trigger was sent but whose frame never came
/// (<see cref="Cameras.FrameStatus.TriggerMissed"/>, known a frame timeout after the slot) also make the camera lost.
/// Any slot with a frame resets that count.</para>
/// <para>A lost camera is taken out of the trigger set: its later slots are recorded as
/// <see cref="Cameras.FrameStatus.CameraLost"/>, its connection is released off the capture threads, and a recovery
/// thread tries to reopen it through its backend; when that works it rejoins the schedule at a later index.</para>
/// </remarks>
public static class CameraLossRule
{
    /// <summary>The time a camera may stay silent before it is lost, ns (0.5 s).</summary>
    public const long WindowNs = 500_000_000;

    /// <summary>Fewest unanswered slots that make a camera lost, whatever the rate.</summary>
    public const int MinSlots = 3;

    /// <summary>K for a schedule with period <paramref name="periodNs"/> (ns): max(3, ceil(0.5 s / period)).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The period is not positive.</exception>
    public static int SlotsFor(long periodNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(periodNs, 0);
        long slots = (WindowNs + periodNs - 1) / periodNs;
        return (int)Math.Clamp(slots, MinSlots, 1 << 20);
    }

    /// <summary>What <paramref name="cause"/> means, for a fault message.</summary>
    internal static string Describe(CameraLossCause cause, int slots) => cause switch
    {
        CameraLossCause.TriggerFailed => $"its triggers failed for {slots} consecutive slots",
        CameraLossCause.TriggerUnacknowledged => $"its trigger stayed unacknowledged for {slots} consecutive slots",
        CameraLossCause.AcknowledgedLate => $"its triggers were acknowledged later than the late tolerance for {slots} consecutive slots",
        CameraLossCause.NoFrames => $"no frame came for {slots} consecutive triggered slots",
        CameraLossCause.UnacknowledgedAtEnd => "its last trigger was still unacknowledged when the take ended",
        _ => cause.ToString(),
    };
}
