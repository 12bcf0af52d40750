using PsCamSync.Core.Cameras;
using PsCamSync.Core.Ptp;

namespace PsCamSync.Core.Gvcp;

/// <summary>The action keys a take gives its cameras (SFNC ActionDeviceKey, ActionGroupKey, ActionGroupMask of action 0).</summary>
/// <param name="DeviceKey">ActionDeviceKey: the same on every camera of the take.</param>
/// <param name="GroupKey">ActionGroupKey of ActionSelector 0.</param>
/// <param name="GroupMask">ActionGroupMask of ActionSelector 0 (the take's ACTION_CMDs use the same mask).</param>
public readonly record struct ActionKeys(uint DeviceKey, uint GroupKey, uint GroupMask)
{
    /// <summary>Fresh random keys for one take, so that another take's actions on the same network never fire its cameras
    /// (a camera ignores an ACTION_CMD whose keys do not match); the mask is 1 (group bit 0).</summary>
    public static ActionKeys NewRandom()
    {
        Span<byte> b = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(b);
        uint device = BitConverter.ToUInt32(b) | 1; // never 0: some devices treat device key 0 as "not set"
        uint group = BitConverter.ToUInt32(b[4..]) | 1;
        return new ActionKeys(device, group, 1);
    }

    /// <summary>The immediate ACTION_CMD that fires action 0 of every camera holding these keys.</summary>
    public ActionCommand Immediate => new(DeviceKey, GroupKey, GroupMask);

    /// <summary>The scheduled ACTION_CMD for <paramref name="actionTimeNs"/> (the cameras' timescale, ns).</summary>
    public ActionCommand ScheduledAt(long actionTimeNs) => new(DeviceKey, GroupKey, GroupMask, unchecked((ulong)actionTimeNs));
}

/// <summary>What one camera supports of the <see cref="SyncTriggerMode"/>s, read from its GenICam features without changing
/// anything but selectors.</summary>
/// <param name="CameraId">The camera.</param>
/// <param name="Missing">Per mode the camera lacks, what is missing (a feature name, entry or condition) in words; a
/// supported mode has no entry.</param>
public sealed record TriggerModeSupport(string CameraId, IReadOnlyDictionary<SyncTriggerMode, string> Missing)
{
    /// <summary>True when the camera can be triggered in <paramref name="mode"/>.</summary>
    public bool Supports(SyncTriggerMode mode) => !Missing.ContainsKey(mode);
}

/// <summary>
/// Sets cameras up for action-command triggers through SFNC features, written once for every backend: ActionDeviceKey,
/// ActionSelector, ActionGroupKey, ActionGroupMask, TriggerSource=Action0; GevSupportedOptionSelector=ScheduledAction
/// for scheduled actions; and the camera scheduler of The Imaging Source (ActionSchedulerTime in ns on the camera clock,
/// ActionSchedulerInterval in µs, ActionSchedulerCommit, ActionSchedulerCancel, ActionSchedulerStatus).
/// </summary>
public static class ActionTriggerSetup
{
    private static readonly string[] ActionFeatures = ["ActionDeviceKey", "ActionSelector", "ActionGroupKey", "ActionGroupMask"];
    private static readonly string[] SchedulerFeatures = ["ActionSchedulerTime", "ActionSchedulerInterval", "ActionSchedulerCommit", "ActionSchedulerCancel"];

    /// <summary>
    /// Reads what <paramref name="camera"/> supports for a take with period <paramref name="periodNs"/>. PTP state is not
    /// part of it (it changes while a rig settles): see <see cref="CheckPtpSlave"/>.
    /// </summary>
    /// <exception cref="FeatureException">A feature the camera lists could not be read.</exception>
    public static TriggerModeSupport Probe(ICamera camera, long periodNs)
    {
        ArgumentNullException.ThrowIfNull(camera);
        var f = camera.Features;
        var missing = new Dictionary<SyncTriggerMode, string>();
        if (!f.IsAvailable("TriggerSoftware"))
            missing[SyncTriggerMode.Software] = "the TriggerSoftware feature";

        // The action features and Action0 serve all three action modes; a way to send commands only the two that send them
        // (the camera scheduler fires on its own: a USB3 camera with a scheduler needs no GVCP address).
        string? actionFeatures = null;
        if (ActionFeatures.FirstOrDefault(n => !f.IsAvailable(n)) is { } absent)
            actionFeatures = $"the {absent} feature (GigE Vision action commands)";
        else if (EntriesOf(f, "TriggerSource") is { } sources && !sources.Contains("Action0"))
            actionFeatures = $"TriggerSource entry Action0 (it offers {string.Join(", ", sources)})";
        string? action = actionFeatures
            ?? (camera.GvcpEndPoint is null && !camera.HasActionPort ? "a GVCP address (the backend does not give one)" : null);
        if (action is not null)
            missing[SyncTriggerMode.Action] = action;

        string? ptp = CameraPtpFeatureNames.Detect(f) is null ? "PTP (PtpEnable/PtpStatus or GevIEEE1588)" : null;
        string? scheduled = action ?? ptp;
        if (scheduled is null)
        {
            if (!f.IsAvailable("GevSupportedOptionSelector") || !f.IsAvailable("GevSupportedOption"))
                scheduled = "the GevSupportedOptionSelector/GevSupportedOption features that announce scheduled actions";
            else if (EntriesOf(f, "GevSupportedOptionSelector") is { } options && !options.Contains("ScheduledAction"))
                scheduled = "GevSupportedOptionSelector entry ScheduledAction";
            else
            {
                f.SetEnumeration("GevSupportedOptionSelector", "ScheduledAction");
                if (!f.GetBoolean("GevSupportedOption"))
                    scheduled = "scheduled action commands (GevSupportedOption is false for ScheduledAction)";
            }
        }
        if (scheduled is not null)
            missing[SyncTriggerMode.ScheduledAction] = scheduled;

        string? scheduler = actionFeatures ?? ptp;
        if (scheduler is null && SchedulerFeatures.FirstOrDefault(n => !f.IsAvailable(n)) is { } noScheduler)
            scheduler = $"the {noScheduler} feature (an action scheduler)";
        if (scheduler is null && periodNs % 1000 != 0)
            scheduler = $"a period of whole µs: ActionSchedulerInterval counts µs and the period is {periodNs / 1000.0:0.###} µs (choose a rate such as 25, 50, 100 or 125 Hz)";
        if (scheduler is not null)
            missing[SyncTriggerMode.CameraScheduler] = scheduler;
        return new TriggerModeSupport(camera.Info.Id, missing);
    }

    /// <summary>The entries of an IEnumeration, or null when the feature map cannot list them (the write will tell).</summary>
    private static IReadOnlyList<string>? EntriesOf(IFeatureMap f, string name)
    {
        try { return f.GetEnumerationEntries(name); }
        catch (FeatureException) { return null; } // not listable on this backend: the configuration write fails with its own error if the entry is absent
    }

    /// <summary>
    /// Null when the camera's PTP port is Slave, else why not (for the error or the fallback note): a scheduled action or
    /// scheduler fires on the camera's PTP clock, which means nothing before the port follows the grandmaster.
    /// </summary>
    /// <exception cref="FeatureException">The PTP features could not be read.</exception>
    public static string? CheckPtpSlave(ICamera camera)
    {
        var status = CameraPtp.Read(camera, Environment.MachineName);
        if (!status.Supported)
            return "it has no PTP";
        return status.PortState == PortState.Slave ? null : $"its PTP port is {status.PortState}, not Slave (wait for Test-PtpSync to pass)";
    }

    /// <summary>
    /// Configures one frame per action 0 (TriggerSelector=FrameStart, AcquisitionMode=Continuous, TriggerSource=Action0
    /// written while TriggerMode=Off, then TriggerMode=On) with the take's keys on ActionSelector 0, and the exposure.
    /// </summary>
    /// <param name="camera">An open camera that is not streaming.</param>
    /// <param name="exposureUs">Exposure in µs, or null to keep the current one.</param>
    /// <param name="keys">The take's keys.</param>
    /// <exception cref="FeatureException">A feature was refused; the message names it and the camera.</exception>
    public static void ConfigureAction(ICamera camera, double? exposureUs, ActionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(camera);
        var f = camera.Features;
        string id = camera.Info.Id;
        try
        {
            if (exposureUs is double us)
                f.SetFloat("ExposureTime", us);
            f.SetEnumeration("TriggerSelector", "FrameStart");
            f.SetEnumeration("AcquisitionMode", "Continuous");
            // TriggerSource is changed with TriggerMode Off: cameras such as FLIR's refuse it while the trigger is on.
            f.SetEnumeration("TriggerMode", "Off");
            f.SetEnumeration("TriggerSource", "Action0");
            f.SetEnumeration("TriggerMode", "On");
            f.SetInteger("ActionDeviceKey", keys.DeviceKey);
            f.SetInteger("ActionSelector", 0);
            f.SetInteger("ActionGroupKey", keys.GroupKey);
            f.SetInteger("ActionGroupMask", keys.GroupMask);
        }
        catch (FeatureException e)
        {
            throw new FeatureException(e.FeatureName, $"{id}: setting up action triggers failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// Arms the camera's scheduler: ActionSchedulerTime = <paramref name="startCameraNs"/>, ActionSchedulerInterval =
    /// <paramref name="intervalUs"/>, ActionSchedulerCommit. The camera then fires action 0 at start + k × interval.
    /// </summary>
    /// <param name="camera">A camera set up with <see cref="ConfigureAction"/>, streaming.</param>
    /// <param name="startCameraNs">First fire time on the camera's clock (its PTP timescale), ns.</param>
    /// <param name="intervalUs">Interval, µs (whole).</param>
    /// <exception cref="FeatureException">A scheduler feature was refused.</exception>
    public static void CommitScheduler(ICamera camera, long startCameraNs, long intervalUs)
    {
        ArgumentNullException.ThrowIfNull(camera);
        var f = camera.Features;
        try
        {
            f.SetInteger("ActionSchedulerTime", startCameraNs);
            f.SetInteger("ActionSchedulerInterval", intervalUs);
            f.Execute("ActionSchedulerCommit");
        }
        catch (FeatureException e)
        {
            throw new FeatureException(e.FeatureName, $"{camera.Info.Id}: arming the action scheduler failed: {e.Message}", e);
        }
    }

    /// <summary>Stops the camera's scheduler (ActionSchedulerCancel).</summary>
    /// <exception cref="FeatureException">The camera refused it.</exception>
    public static void CancelScheduler(ICamera camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        try
        {
            camera.Features.Execute("ActionSchedulerCancel");
        }
        catch (FeatureException e)
        {
            throw new FeatureException(e.FeatureName, $"{camera.Info.Id}: cancelling the action scheduler failed: {e.Message}", e);
        }
    }
}
