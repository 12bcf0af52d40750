using PsCamSync.Core.Cameras;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Ptp;

/// <summary>
/// Reads and enables a camera's PTP through its GenICam features, under the SFNC names or the GigE Vision legacy
/// names (see <see cref="CameraPtpFeatureNames"/>). Written once against feature names, so it works for every backend.
/// </summary>
public static class CameraPtp
{
    /// <summary>
    /// Latches the camera's PTP data set (PtpDataSetLatch, or GevIEEE1588DataSetLatch when present) and reads it.
    /// </summary>
    /// <remarks>
    /// <para>Naming: SFNC when PtpEnable exists, else GevIEEE1588 when GevIEEE1588 exists, else
    /// <see cref="CameraPtpNaming.None"/> (PortState Unknown, no error: a camera without PTP does not block).</para>
    /// <para>Legacy cameras: the state is GevIEEE1588StatusLatched when present (it belongs to the latched set), else the
    /// live GevIEEE1588Status; offset GevIEEE1588OffsetFromMasterLatched, else GevIEEE1588OffsetFromMaster (Basler
    /// latches the latter with GevIEEE1588DataSetLatch); ids GevIEEE1588ClockId(Latched) and
    /// GevIEEE1588ParentClockId(Latched). Legacy cameras have no grandmaster feature: GrandmasterIdentity is the parent's
    /// identity (correct when the camera follows the grandmaster directly, stepsRemoved 1, as through a
    /// non-PTP or transparent switch); <see cref="CameraPtpStatus.GrandmasterIsParent"/> says so.</para>
    /// <para>Entry names map to <see cref="PortState"/> case-insensitively, ignoring '_' (PreMaster, Pre_Master); an
    /// unknown entry gives PortState Unknown. Clock ids (IInteger, the EUI-64 as a big-endian integer) are given in
    /// IEEE 1588 text form; 0 gives null.</para>
    /// <para>SampledAtNs is the shared-timeline midpoint of the reads around the latch command.</para>
    /// </remarks>
    /// <param name="camera">An open camera.</param>
    /// <param name="host">The host name to put in the result.</param>
    /// <exception cref="FeatureException">A PTP feature the camera lists failed; the message starts with the camera id.</exception>
    public static CameraPtpStatus Read(ICamera camera, string host)
    {
        ArgumentNullException.ThrowIfNull(camera);
        string id = camera.Info.Id;
        var f = camera.Features;
        var names = CameraPtpFeatureNames.Detect(f);
        if (names is null)
            return new CameraPtpStatus(host, id, CameraPtpNaming.None, false, PortState.Unknown, null, null, null, null, SharedTimeline.NowNs());
        try
        {
            long before = SharedTimeline.NowNs();
            if (names.Latch is { } latch)
                f.Execute(latch);
            long after = SharedTimeline.NowNs();
            bool enabled = f.GetBoolean(names.Enable);
            var state = ParseState(f.GetEnumeration(names.Status));
            string? servo = names.Servo is { } s ? f.GetEnumeration(s) : null;
            long? offset = names.Offset is { } o ? f.GetInteger(o) : null;
            string? clock = IdText(f, names.ClockId);
            string? parent = IdText(f, names.ParentClockId);
            string? gm = names.GrandmasterClockId is { } g ? IdText(f, g) : parent;
            return new CameraPtpStatus(host, id, names.Naming, enabled, state, servo, offset, gm, clock, before + (after - before) / 2)
            {
                ParentIdentity = parent,
                GrandmasterIsParent = names.GrandmasterClockId is null && gm is not null,
            };
        }
        catch (FeatureException e)
        {
            throw new FeatureException(e.FeatureName, $"{id}: reading PTP ({names.Naming}) failed: {e.Message}", e);
        }
    }

    /// <summary>Enables PTP on the camera: PtpEnable = true (SFNC) or GevIEEE1588 = true (legacy).</summary>
    /// <param name="camera">An open camera.</param>
    /// <returns>True when the camera has PTP and it was enabled; false (nothing written) for a camera without PTP.</returns>
    /// <exception cref="FeatureException">The camera refused the write; the message starts with the camera id.</exception>
    public static bool Enable(ICamera camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        var names = CameraPtpFeatureNames.Detect(camera.Features);
        if (names is null)
            return false;
        try
        {
            camera.Features.SetBoolean(names.Enable, true);
            return true;
        }
        catch (FeatureException e)
        {
            throw new FeatureException(e.FeatureName, $"{camera.Info.Id}: enabling PTP ({names.Enable}) failed: {e.Message}", e);
        }
    }

    /// <summary>Maps an SFNC or GigE Vision PTP status entry name to the IEEE 1588 port state (Unknown when unrecognised).</summary>
    public static PortState ParseState(string? entry) =>
        (entry ?? "").Replace("_", "", StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "INITIALIZING" => PortState.Initializing,
            "FAULTY" => PortState.Faulty,
            "DISABLED" => PortState.Disabled,
            "LISTENING" => PortState.Listening,
            "PREMASTER" => PortState.PreMaster,
            "MASTER" or "GRANDMASTER" => PortState.Master,
            "PASSIVE" => PortState.Passive,
            "UNCALIBRATED" => PortState.Uncalibrated,
            "SLAVE" => PortState.Slave,
            _ => PortState.Unknown,
        };

    private static string? IdText(IFeatureMap f, string? name)
    {
        if (name is null)
            return null;
        long v = f.GetInteger(name);
        return v == 0 ? null : new ClockIdentity(unchecked((ulong)v)).ToString();
    }
}
