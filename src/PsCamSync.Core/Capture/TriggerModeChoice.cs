using PsCamSync.Core.Cameras;
using PsCamSync.Core.Gvcp;

namespace PsCamSync.Core.Capture;

/// <summary>The trigger mode a take uses, and why.</summary>
/// <param name="Mode">The mode.</param>
/// <param name="Requested">True when the caller asked for it; false when it was chosen as the best every camera supports.</param>
/// <param name="Notes">Why better modes were not used, one sentence each (empty when the best one was).</param>
public sealed record TriggerModeDecision(SyncTriggerMode Mode, bool Requested, IReadOnlyList<string> Notes);

/// <summary>
/// Chooses a take's <see cref="SyncTriggerMode"/>: the one asked for, refused when a camera lacks it, or else the first of
/// <see cref="Preference"/> that every camera supports. ScheduledAction comes first: it is as exact as the camera scheduler
/// (both fire on the cameras' PTP clocks) and keeps the host in charge of every slot (a stop, a late slot and a lost
/// camera work per frame, and every action is acknowledged).
/// </summary>
public static class TriggerModeChoice
{
    /// <summary>Modes from best to simplest.</summary>
    public static IReadOnlyList<SyncTriggerMode> Preference { get; } =
        [SyncTriggerMode.ScheduledAction, SyncTriggerMode.CameraScheduler, SyncTriggerMode.Action, SyncTriggerMode.Software];

    /// <summary>Decides the mode for <paramref name="cameras"/> at period <paramref name="periodNs"/>.</summary>
    /// <param name="cameras">The take's open cameras.</param>
    /// <param name="requested">The mode asked for, or null for the best supported.</param>
    /// <param name="periodNs">The frame period, ns.</param>
    /// <exception cref="InvalidCaptureArgumentException">Parameter TriggerMode: a camera lacks the requested mode (the message
    /// names the camera and what it lacks).</exception>
    /// <exception cref="FeatureException">A camera's features could not be read.</exception>
    public static TriggerModeDecision Decide(IReadOnlyList<ICamera> cameras, SyncTriggerMode? requested, long periodNs)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        if (requested == SyncTriggerMode.Software)
        {
            // Nothing else to probe (a GigE Vision camera's GVCP address, a simulated camera's sockets stay untouched).
            foreach (var c in cameras)
                if (!c.Features.IsAvailable("TriggerSoftware"))
                    throw new InvalidCaptureArgumentException("TriggerMode",
                        $"camera '{c.Info.Id}' lacks the TriggerSoftware feature, so it cannot use -TriggerMode Software. Leave -TriggerMode out to use the best mode every camera supports, or take that camera out of the take.");
            return new TriggerModeDecision(SyncTriggerMode.Software, true, []);
        }
        var support = cameras.Select(c => (Camera: c, Support: ActionTriggerSetup.Probe(c, periodNs))).ToList();
        var ptp = new Dictionary<ICamera, string?>(); // each camera's PTP state is read once, for both camera-timed modes
        if (requested is SyncTriggerMode asked)
        {
            if (Why(support, asked, ptp) is { } reason)
                throw new InvalidCaptureArgumentException("TriggerMode",
                    $"{reason}, so it cannot use -TriggerMode {asked}. Leave -TriggerMode out to use the best mode every camera supports" +
                    $" ({Best(support, ptp, out _)}), or take that camera out of the take.");
            return new TriggerModeDecision(asked, true, []);
        }
        return new TriggerModeDecision(Best(support, ptp, out var notes), false, notes);
    }

    /// <summary>The first action mode every camera supports, else Software: the last resort is not probed, so a camera that
    /// cannot be software-triggered either fails in its backend's own words when it is configured.</summary>
    private static SyncTriggerMode Best(List<(ICamera Camera, TriggerModeSupport Support)> support, Dictionary<ICamera, string?> ptp, out List<string> notes)
    {
        notes = [];
        foreach (var mode in Preference)
        {
            if (mode == SyncTriggerMode.Software)
                break;
            if (Why(support, mode, ptp) is not { } reason)
                return mode;
            notes.Add($"not {mode}: {reason}");
        }
        return SyncTriggerMode.Software;
    }

    /// <summary>Null when every camera can use <paramref name="mode"/> now, else why the first one cannot.</summary>
    private static string? Why(List<(ICamera Camera, TriggerModeSupport Support)> support, SyncTriggerMode mode, Dictionary<ICamera, string?> ptp)
    {
        foreach (var (camera, s) in support)
            if (s.Missing.TryGetValue(mode, out var missing))
                return $"camera '{s.CameraId}' lacks {missing}";
        if (mode is SyncTriggerMode.ScheduledAction or SyncTriggerMode.CameraScheduler)
            foreach (var (camera, s) in support)
                if ((ptp.TryGetValue(camera, out var known) ? known : ptp[camera] = ActionTriggerSetup.CheckPtpSlave(camera)) is { } notSlave)
                    return $"camera '{s.CameraId}' is not ready: {notSlave}";
        return null;
    }
}
