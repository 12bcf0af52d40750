namespace PsCamSync.Core.Ptp;

/// <summary>
/// One reading of a host for <see cref="PtpReadiness.Evaluate"/>: its ptp4l status (or why it could not be read) and
/// its cameras' PTP statuses, all taken within one poll.
/// </summary>
/// <param name="Host">Machine name.</param>
/// <param name="SocketPath">ptp4l's management socket that was asked.</param>
/// <param name="Status">The host's status, or null when ptp4l could not be read (see <paramref name="HostError"/>).</param>
/// <param name="HostError">Why ptp4l could not be read (the client's error), or null.</param>
/// <param name="Cameras">The host's cameras' statuses (empty when no camera was given).</param>
/// <param name="CameraErrors">Cameras whose PTP state could not be read: camera id → error message.</param>
public sealed record PtpSyncSnapshot(
    string Host,
    string SocketPath,
    HostPtpStatus? Status,
    PtpManagementException? HostError,
    IReadOnlyList<CameraPtpStatus> Cameras,
    IReadOnlyDictionary<string, string>? CameraErrors = null)
{
    /// <summary>A snapshot of a host whose ptp4l answered, with its cameras.</summary>
    public static PtpSyncSnapshot Of(HostPtpStatus status, IReadOnlyList<CameraPtpStatus>? cameras = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new PtpSyncSnapshot(status.Host, status.SocketPath, status, null, cameras ?? []);
    }

    /// <summary>A snapshot of a host whose ptp4l could not be read.</summary>
    public static PtpSyncSnapshot Unreachable(string host, string socketPath, PtpManagementException error,
        IReadOnlyList<CameraPtpStatus>? cameras = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new PtpSyncSnapshot(host, socketPath, null, error, cameras ?? []);
    }
}
