using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Ptp;

/// <summary>
/// The feature names one camera exposes its PTP state under. SFNC (GenICam SFNC 2.x "PTP" category): PtpEnable,
/// PtpStatus, PtpDataSetLatch, PtpServoStatus, PtpOffsetFromMaster, PtpGrandmasterClockID, PtpParentClockID,
/// PtpClockID. GigE Vision legacy (as in Basler's and FLIR's node maps, checked against public code using them):
/// GevIEEE1588, GevIEEE1588Status, GevIEEE1588DataSetLatch, GevIEEE1588StatusLatched,
/// GevIEEE1588OffsetFromMaster or GevIEEE1588OffsetFromMasterLatched, GevIEEE1588ClockId(Latched),
/// GevIEEE1588ParentClockId(Latched); no grandmaster feature.
/// </summary>
/// <param name="Naming">The scheme.</param>
/// <param name="Enable">IBoolean that enables PTP.</param>
/// <param name="Status">IEnumeration with the port state (the latched one when the camera has it).</param>
/// <param name="Latch">ICommand latching the data set, or null when absent.</param>
/// <param name="Servo">IEnumeration servo status, or null.</param>
/// <param name="Offset">IInteger offsetFromMaster (ns), or null.</param>
/// <param name="GrandmasterClockId">IInteger grandmasterIdentity, or null.</param>
/// <param name="ParentClockId">IInteger parent clockIdentity, or null.</param>
/// <param name="ClockId">IInteger own clockIdentity, or null.</param>
public sealed record CameraPtpFeatureNames(
    CameraPtpNaming Naming, string Enable, string Status, string? Latch, string? Servo, string? Offset,
    string? GrandmasterClockId, string? ParentClockId, string? ClockId)
{
    /// <summary>The names a camera offers, SFNC first; null when it has neither PtpEnable nor GevIEEE1588 (or no status feature).</summary>
    /// <param name="features">The camera's feature map.</param>
    public static CameraPtpFeatureNames? Detect(IFeatureMap features)
    {
        ArgumentNullException.ThrowIfNull(features);
        string? Pick(params string[] names) => names.FirstOrDefault(features.IsAvailable);

        if (features.IsAvailable("PtpEnable") && Pick("PtpStatus") is { } sfncStatus)
            return new(CameraPtpNaming.Sfnc, "PtpEnable", sfncStatus, Pick("PtpDataSetLatch"), Pick("PtpServoStatus"),
                Pick("PtpOffsetFromMaster"), Pick("PtpGrandmasterClockID"), Pick("PtpParentClockID"), Pick("PtpClockID"));
        if (features.IsAvailable("GevIEEE1588") && Pick("GevIEEE1588StatusLatched", "GevIEEE1588Status") is { } gevStatus)
            return new(CameraPtpNaming.GevIEEE1588, "GevIEEE1588", gevStatus, Pick("GevIEEE1588DataSetLatch"), null,
                Pick("GevIEEE1588OffsetFromMasterLatched", "GevIEEE1588OffsetFromMaster"),
                Pick("GevIEEE1588GrandmasterClockIdLatched", "GevIEEE1588GrandmasterClockId"),
                Pick("GevIEEE1588ParentClockIdLatched", "GevIEEE1588ParentClockId"),
                Pick("GevIEEE1588ClockIdLatched", "GevIEEE1588ClockId"));
        return null;
    }
}
