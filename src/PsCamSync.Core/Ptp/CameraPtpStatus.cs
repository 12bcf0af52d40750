namespace PsCamSync.Core.Ptp;

/// <summary>Which GenICam feature names a camera exposes its PTP state under.</summary>
public enum CameraPtpNaming
{
    /// <summary>No PTP features: the camera reports N/A and does not block readiness.</summary>
    None,
    /// <summary>SFNC: PtpEnable, PtpStatus, PtpDataSetLatch, PtpServoStatus, PtpOffsetFromMaster, PtpGrandmasterClockID.</summary>
    Sfnc,
    /// <summary>GigE Vision legacy: GevIEEE1588, GevIEEE1588Status, GevIEEE1588StatusLatched, ...</summary>
    GevIEEE1588,
}

/// <summary>
/// One camera's PTP state, as read through its GenICam features at <see cref="SampledAtNs"/>. Plain data, so results
/// gathered from many hosts through Invoke-Command can be compared. <see cref="PortState"/> uses IEEE 1588 states;
/// a camera without PTP has <see cref="Naming"/> None and <see cref="PortState"/> Unknown.
/// </summary>
/// <param name="Host">Host the camera is attached to.</param>
/// <param name="CameraId">Camera id.</param>
/// <param name="Naming">Feature naming scheme found, or None.</param>
/// <param name="Enabled">PtpEnable / GevIEEE1588 value (false when unsupported).</param>
/// <param name="PortState">IEEE 1588 port state of the camera's PTP port.</param>
/// <param name="ServoStatus">SFNC PtpServoStatus entry (e.g. "Locked"), or null when the camera has none.</param>
/// <param name="OffsetFromMasterNs">Latched offsetFromMaster in ns, or null when the camera has none.</param>
/// <param name="GrandmasterIdentity">Latched grandmasterIdentity in IEEE 1588 text form (xxxxxx.xxxx.xxxxxx), or null.</param>
/// <param name="ClockIdentity">The camera's own clockIdentity in text form, or null.</param>
/// <param name="SampledAtNs">When the dataset was latched, ns on the shared timeline.</param>
public sealed record CameraPtpStatus(
    string Host,
    string CameraId,
    CameraPtpNaming Naming,
    bool Enabled,
    PortState PortState,
    string? ServoStatus,
    long? OffsetFromMasterNs,
    string? GrandmasterIdentity,
    string? ClockIdentity,
    long SampledAtNs)
{
    /// <summary>True when the camera has PTP features at all.</summary>
    public bool Supported => Naming != CameraPtpNaming.None;

    /// <summary>The latched parent clockIdentity (the master port's clock) in text form, or null.</summary>
    public string? ParentIdentity { get; init; }

    /// <summary>True when the camera has no grandmaster feature (GigE Vision legacy) and <see cref="GrandmasterIdentity"/> is its parent's identity.</summary>
    public bool GrandmasterIsParent { get; init; }
}
