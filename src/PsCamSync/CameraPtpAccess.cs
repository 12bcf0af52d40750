using PsCamSync.Core.Cameras;
using PsCamSync.Core.Ptp;

namespace PsCamSync.Commands;

/// <summary>
/// How Test-PtpSync reads and enables a camera's PTP through its GenICam features (SFNC Ptp* or GigE Vision
/// GevIEEE1588*). The core's camera PTP code plugs in here: <c>Read = CameraPtp.Read</c>, <c>Enable = CameraPtp.Enable</c>.
/// While either is null, Test-PtpSync refuses -CameraId with a clear error and still checks the host.
/// </summary>
internal static class CameraPtpAccess
{
    /// <summary>Reads one camera's latched PTP data set; the string is the host name put in the status.</summary>
    public static Func<ICamera, string, CameraPtpStatus>? Read { get; set; }

    /// <summary>Turns PTP on in one camera (PtpEnable / GevIEEE1588 = true).</summary>
    public static Action<ICamera>? Enable { get; set; }
}
