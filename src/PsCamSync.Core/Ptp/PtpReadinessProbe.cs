namespace PsCamSync.Core.Ptp;

/// <summary>
/// Takes <see cref="PtpSyncSnapshot"/>s of this host for <see cref="PtpReadiness.WaitForConvergence"/>: the host's
/// status through a <see cref="PtpManagementClient"/>, and each camera's status through the reader given for it.
/// ptp4l errors become part of the snapshot (verdict Error) instead of exceptions; the client is rebuilt after an error
/// so a ptp4l that restarts is found again. When no domainNumber is given, it is detected on first contact
/// (<see cref="PtpManagementClient.DetectDomainNumber"/>). Not thread-safe.
/// </summary>
public sealed class PtpReadinessProbe : IDisposable
{
    private readonly string _socketPath;
    private readonly int? _domainNumber;
    private readonly int _requestTimeoutMs;
    private readonly IReadOnlyList<(string CameraId, Func<CameraPtpStatus> Read)> _cameras;
    private PtpManagementClient? _client;

    /// <summary>Creates the probe; contacts nothing yet.</summary>
    /// <param name="socketPath">ptp4l's uds_address.</param>
    /// <param name="domainNumber">ptp4l's domainNumber, or null to detect it.</param>
    /// <param name="requestTimeoutMs">Per-request timeout, ms (≥ 1).</param>
    /// <param name="cameras">A reader per camera (e.g. <c>() =&gt; CameraPtp.Read(camera, host)</c>); may be empty.</param>
    /// <exception cref="InvalidCaptureArgumentException">SocketPath empty, DomainNumber outside 0..255, Timeout &lt; 1 ms.</exception>
    public PtpReadinessProbe(string socketPath, int? domainNumber, int requestTimeoutMs,
        IReadOnlyList<(string CameraId, Func<CameraPtpStatus> Read)> cameras)
    {
        if (string.IsNullOrWhiteSpace(socketPath))
            throw new InvalidCaptureArgumentException("SocketPath", "give ptp4l's uds_address (default /var/run/ptp4l).");
        if (domainNumber is < 0 or > 255)
            throw new InvalidCaptureArgumentException("DomainNumber", $"{domainNumber} is not a PTP domainNumber: give ptp4l's, 0..255, or omit it to detect it.");
        if (requestTimeoutMs < 1)
            throw new InvalidCaptureArgumentException("Timeout", $"{requestTimeoutMs} ms per request is not a timeout: give at least 1 ms.");
        _socketPath = socketPath;
        _domainNumber = domainNumber;
        _requestTimeoutMs = requestTimeoutMs;
        _cameras = cameras ?? [];
    }

    /// <summary>Machine name put in snapshots.</summary>
    public string Host { get; init; } = Environment.MachineName;

    /// <summary>The domainNumber in use (given or detected), or null before the first successful contact.</summary>
    public int? DomainNumber => _client?.DomainNumber ?? _domainNumber;

    /// <summary>
    /// One snapshot. ptp4l errors (<see cref="PtpManagementException"/>) are recorded as the snapshot's HostError;
    /// a camera reader's <see cref="PsCamSyncException"/> is recorded in CameraErrors. Other exceptions propagate.
    /// </summary>
    public PtpSyncSnapshot Read()
    {
        HostPtpStatus? status = null;
        PtpManagementException? error = null;
        try
        {
            _client ??= new PtpManagementClient(_socketPath, _requestTimeoutMs,
                _domainNumber ?? PtpManagementClient.DetectDomainNumber(_socketPath, _requestTimeoutMs));
            status = _client.GetHostStatus() with { Host = Host };
        }
        catch (PtpManagementException e)
        {
            error = e;
            _client?.Dispose();
            _client = null;
        }

        var cameras = new List<CameraPtpStatus>(_cameras.Count);
        Dictionary<string, string>? cameraErrors = null;
        foreach (var (id, read) in _cameras)
        {
            try
            {
                cameras.Add(read());
            }
            catch (PsCamSyncException e)
            {
                (cameraErrors ??= new Dictionary<string, string>())[id] = e.Message;
            }
        }
        return new PtpSyncSnapshot(Host, _socketPath, status, error, cameras, cameraErrors);
    }

    /// <summary>Closes the client socket.</summary>
    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
    }
}
