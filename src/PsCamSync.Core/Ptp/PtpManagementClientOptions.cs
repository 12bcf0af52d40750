namespace PsCamSync.Core.Ptp;

/// <summary>How a <see cref="PtpManagementClient"/> reaches ptp4l.</summary>
public sealed class PtpManagementClientOptions
{
    /// <summary>ptp4l's default uds_address.</summary>
    public const string DefaultSocketPath = "/var/run/ptp4l";

    /// <summary>ptp4l's management socket (its uds_address; default <c>/var/run/ptp4l</c>).</summary>
    public string SocketPath { get; init; } = DefaultSocketPath;

    /// <summary>How long each request waits for its answer, ms (default 1000; at least 1).</summary>
    public int TimeoutMs { get; init; } = 1000;

    /// <summary>
    /// domainNumber put in requests (0..255, default 0 like pmc). ptp4l ignores management messages of another
    /// domain, so this must be ptp4l's domainNumber; <see cref="PtpManagementClient.DetectDomainNumber(string, int)"/> finds it.
    /// </summary>
    public int DomainNumber { get; init; }

    /// <summary>
    /// Send pmc-style GETs whose dataField is zero-filled to the data set's size, instead of "empty" GETs
    /// (lengthField 2). ptp4l accepts both; default false.
    /// </summary>
    public bool PaddedGets { get; init; }

    /// <summary>
    /// The path this client binds (ptp4l answers to it). Default null: a unique name
    /// <c>pscamsync-pmc.PID.N</c> in /var/run when root can bind there (as pmc does), else in the temp directory.
    /// </summary>
    public string? ClientSocketPath { get; init; }
}
