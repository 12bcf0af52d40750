using PsCamSync.Core.Ptp;

namespace PsCamSync.Core.Timing;

/// <summary>
/// How a camera's timestamps map onto the shared timeline (UTC, CLOCK_REALTIME): <c>shared = device − SubtractNs</c>.
/// A PTP camera locked to a grandmaster that serves the PTP timescale (ptpTimescale, a PHC grandmaster) counts TAI,
/// which runs currentUtcOffset seconds (37 s since 2017) ahead of UTC; phc2sys applies that offset to CLOCK_REALTIME,
/// so the camera's time needs it subtracted. A grandmaster on CLOCK_REALTIME with software timestamping serves ARB
/// (UTC-like) time, and a camera without PTP is left as it is (its offset is what the delta and the clock model measure).
/// </summary>
/// <param name="Name"><c>Identity</c> or <c>TaiToUtc</c>.</param>
/// <param name="SubtractNs">Subtracted from device times, ns (0 or currentUtcOffset × 1e9).</param>
/// <param name="Reason">Why this mapping was chosen, for people.</param>
public sealed record TimescaleMapping(string Name, long SubtractNs, string Reason)
{
    /// <summary>Device time taken as shared time.</summary>
    public static TimescaleMapping Identity { get; } = new("Identity", 0, "the camera counts the shared timeline's timescale");

    /// <summary>Maps a device time to the shared timeline, ns.</summary>
    public long ToShared(long deviceNs) => deviceNs - SubtractNs;

    /// <summary>
    /// The mapping for one camera: TaiToUtc (subtract currentUtcOffset) when the camera follows PTP (Slave or
    /// Uncalibrated) and the domain's timePropertiesDS says ptpTimescale; Identity otherwise (no PTP, not following,
    /// ARB timescale, or no timePropertiesDS known).
    /// </summary>
    /// <param name="timeProperties">TIME_PROPERTIES_DATA_SET of the host's ptp4l, or null when unknown.</param>
    /// <param name="camera">The camera's PTP state, or null when unknown.</param>
    public static TimescaleMapping For(TimePropertiesDataSet? timeProperties, CameraPtpStatus? camera)
    {
        if (camera is null || !camera.Supported)
            return Identity with { Reason = "the camera has no PTP: its offset is measured, not mapped" };
        if (camera.PortState is not (PortState.Slave or PortState.Uncalibrated))
            return Identity with { Reason = $"the camera's PTP port is {camera.PortState}, not following a master" };
        if (timeProperties is null)
            return Identity with { Reason = "the domain's timePropertiesDS is unknown" };
        if (!timeProperties.PtpTimescale)
            return Identity with { Reason = "the grandmaster serves ARB (UTC-like) time (ptpTimescale false)" };
        return new TimescaleMapping("TaiToUtc", timeProperties.CurrentUtcOffset * 1_000_000_000L,
            $"the grandmaster serves TAI (ptpTimescale); currentUtcOffset {timeProperties.CurrentUtcOffset} s subtracted" +
            (timeProperties.CurrentUtcOffsetValid ? "" : " (currentUtcOffsetValid is false)"));
    }
}
