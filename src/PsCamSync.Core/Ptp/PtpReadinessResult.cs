namespace PsCamSync.Core.Ptp;

/// <summary>The go/no-go answer of <see cref="PtpReadiness"/>.</summary>
public enum PtpSyncVerdict
{
    /// <summary>Converged: one master, every other port SLAVE, one grandmasterIdentity, |offset| within MaxOffset.</summary>
    Ready,
    /// <summary>ptp4l answers but the rig has not converged (yet): see the hints.</summary>
    NotReady,
    /// <summary>The host's ptp4l could not be read at all (not running, wrong socket, wrong domain).</summary>
    Error,
}

/// <summary>
/// Test-PtpSync's result for one host: where it came from, the host's PTP state, its cameras' states, the verdict and
/// the actionable hints that explain a NotReady or Error. Plain data (strings, numbers, enums, arrays), so results
/// gathered from many hosts through Invoke-Command stay comparable. Offsets and delays are ns.
/// </summary>
public sealed record PtpSyncResult
{
    /// <summary>Machine the result is about.</summary>
    public string Host { get; init; } = "";
    /// <summary>Go/no-go.</summary>
    public PtpSyncVerdict Verdict { get; init; }
    /// <summary>The host's role from its port states (Unknown when ptp4l could not be read).</summary>
    public PtpRole Role { get; init; }
    /// <summary>grandmasterIdentity the host follows (its own identity when it is the grandmaster); empty when unknown.</summary>
    public string GrandmasterIdentity { get; init; } = "";
    /// <summary>offsetFromMaster of the host, ns (0 on the grandmaster).</summary>
    public long OffsetFromMasterNs { get; init; }
    /// <summary>meanPathDelay of the host, ns.</summary>
    public long MeanPathDelayNs { get; init; }
    /// <summary>gmPresent (TIME_STATUS_NP): another clock is the grandmaster.</summary>
    public bool GmPresent { get; init; }
    /// <summary>domainNumber of the host's ptp4l (-1 when unknown).</summary>
    public int Domain { get; init; } = -1;
    /// <summary>State of the port that decided <see cref="Role"/>.</summary>
    public PortState PortState { get; init; }
    /// <summary>Whether phc2sys runs on the host (null: unknown).</summary>
    public bool? Phc2sysRunning { get; init; }
    /// <summary>The cameras' PTP states, in the order given.</summary>
    public CameraPtpStatus[] Cameras { get; init; } = [];
    /// <summary>One actionable sentence per problem found; empty when Ready.</summary>
    public string[] Hints { get; init; } = [];
    /// <summary>The MaxOffset the offsets were held to, ns.</summary>
    public long MaxOffsetNs { get; init; }
    /// <summary>ptp4l's management socket that was asked.</summary>
    public string SocketPath { get; init; } = "";
    /// <summary>When the last snapshot was taken, shared-timeline ns (CLOCK_REALTIME since the Unix epoch; 0 when unknown).</summary>
    public long SampledAtNs { get; init; }
    /// <summary>How long Test-PtpSync waited for this verdict, ns (0 for one evaluation).</summary>
    public long WaitedNs { get; init; }
    /// <summary>The full host status the verdict was computed from, or null when ptp4l could not be read.</summary>
    public HostPtpStatus? Status { get; init; }

    /// <summary>True when <see cref="Verdict"/> is Ready.</summary>
    public bool IsReady => Verdict == PtpSyncVerdict.Ready;
}
