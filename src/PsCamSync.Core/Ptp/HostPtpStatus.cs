namespace PsCamSync.Core.Ptp;

/// <summary>What a host is in its PTP domain, summarised from the states of its ports.</summary>
public enum PtpRole
{
    /// <summary>No port in a known state (or no ports).</summary>
    Unknown = 0,
    /// <summary>This clock is the grandmaster: stepsRemoved 0 and a port in MASTER.</summary>
    Grandmaster,
    /// <summary>A port in MASTER but stepsRemoved &gt; 0 (a boundary clock between states).</summary>
    Master,
    /// <summary>A port in SLAVE: synchronised to a master.</summary>
    Slave,
    /// <summary>A port in UNCALIBRATED: master selected, servo not locked yet.</summary>
    Uncalibrated,
    /// <summary>A port in PRE_MASTER.</summary>
    PreMaster,
    /// <summary>A port in PASSIVE.</summary>
    Passive,
    /// <summary>Ports in LISTENING: no master heard yet.</summary>
    Listening,
    /// <summary>Ports FAULTY.</summary>
    Faulty,
    /// <summary>Ports DISABLED.</summary>
    Disabled,
    /// <summary>Ports INITIALIZING.</summary>
    Initializing,
}

/// <summary>Which timescale the grandmaster distributes (TIME_PROPERTIES_DATA_SET.ptpTimescale).</summary>
public enum PtpTimescale
{
    /// <summary>ARB: an arbitrary epoch (with linuxptp's software defaults, CLOCK_REALTIME, i.e. UTC).</summary>
    Arbitrary = 0,
    /// <summary>PTP: the TAI epoch; UTC = TAI − currentUtcOffset.</summary>
    Ptp = 1,
}

/// <summary>
/// A snapshot of one host's PTP state as its ptp4l reports it. Plain data (strings, numbers, enums) so it crosses
/// PowerShell remoting intact; identities are in linuxptp's text form (<c>xxxxxx.xxxx.xxxxxx</c>).
/// </summary>
public sealed record HostPtpStatus
{
    /// <summary>The machine name this snapshot was taken on.</summary>
    public string Host { get; init; } = "";
    /// <summary>ptp4l's management socket that was asked.</summary>
    public string SocketPath { get; init; } = "";
    /// <summary>When the snapshot was finished, shared-timeline ns (CLOCK_REALTIME since the Unix epoch).</summary>
    public long SampledAtNs { get; init; }
    /// <summary>The host's role, from its port states (see <see cref="ClassifyRole"/>).</summary>
    public PtpRole Role { get; init; }
    /// <summary>State of the port that decided <see cref="Role"/> (the first one in that state).</summary>
    public PortState PortState { get; init; }
    /// <summary>portNumber of that port (0 when there are no ports).</summary>
    public int PortNumber { get; init; }
    /// <summary>Network interface of that port.</summary>
    public string Interface { get; init; } = "";
    /// <summary>Timestamping of that port.</summary>
    public TimestampingMode Timestamping { get; init; }
    /// <summary>States of all ports, index 0 = port 1.</summary>
    public PortState[] PortStates { get; init; } = [];
    /// <summary>This clock's clockIdentity.</summary>
    public string ClockIdentity { get; init; } = "";
    /// <summary>grandmasterIdentity (PARENT_DATA_SET); this clock's own identity when it is the grandmaster.</summary>
    public string GrandmasterIdentity { get; init; } = "";
    /// <summary>parentPortIdentity (<c>xxxxxx.xxxx.xxxxxx-N</c>).</summary>
    public string ParentPortIdentity { get; init; } = "";
    /// <summary>stepsRemoved (CURRENT_DATA_SET).</summary>
    public int StepsRemoved { get; init; }
    /// <summary>offsetFromMaster (CURRENT_DATA_SET), whole ns.</summary>
    public long OffsetFromMasterNs { get; init; }
    /// <summary>meanPathDelay (CURRENT_DATA_SET), whole ns.</summary>
    public long MeanPathDelayNs { get; init; }
    /// <summary>master_offset (TIME_STATUS_NP), ns.</summary>
    public long MasterOffsetNs { get; init; }
    /// <summary>gmPresent (TIME_STATUS_NP): true when another clock is the grandmaster.</summary>
    public bool GmPresent { get; init; }
    /// <summary>domainNumber.</summary>
    public int Domain { get; init; }
    /// <summary>This clock's priority1.</summary>
    public int Priority1 { get; init; }
    /// <summary>This clock's priority2.</summary>
    public int Priority2 { get; init; }
    /// <summary>This clock's clockClass.</summary>
    public int ClockClass { get; init; }
    /// <summary>grandmasterPriority1.</summary>
    public int GrandmasterPriority1 { get; init; }
    /// <summary>grandmasterPriority2.</summary>
    public int GrandmasterPriority2 { get; init; }
    /// <summary>grandmasterClockQuality.clockClass.</summary>
    public int GrandmasterClockClass { get; init; }
    /// <summary>PTP (TAI) or ARB timescale, from the ptpTimescale flag.</summary>
    public PtpTimescale Timescale { get; init; }
    /// <summary>currentUtcOffset, s (TAI − UTC).</summary>
    public int CurrentUtcOffset { get; init; }
    /// <summary>currentUtcOffsetValid.</summary>
    public bool CurrentUtcOffsetValid { get; init; }
    /// <summary>Whether a phc2sys process runs on this host (null when that cannot be seen, e.g. no /proc).</summary>
    public bool? Phc2sysRunning { get; init; }

    /// <summary>Builds a snapshot from the data sets one ptp4l returned.</summary>
    /// <param name="host">Machine name.</param>
    /// <param name="socketPath">The management socket asked.</param>
    /// <param name="sampledAtNs">Shared-timeline ns.</param>
    /// <param name="dds">DEFAULT_DATA_SET.</param>
    /// <param name="cds">CURRENT_DATA_SET.</param>
    /// <param name="pds">PARENT_DATA_SET.</param>
    /// <param name="tpds">TIME_PROPERTIES_DATA_SET.</param>
    /// <param name="tsn">TIME_STATUS_NP.</param>
    /// <param name="ports">PORT_PROPERTIES_NP of each port, port 1 first.</param>
    /// <param name="phc2sysRunning">Whether phc2sys runs (null: unknown).</param>
    public static HostPtpStatus From(string host, string socketPath, long sampledAtNs, DefaultDataSet dds,
        CurrentDataSet cds, ParentDataSet pds, TimePropertiesDataSet tpds, TimeStatusNp tsn,
        IReadOnlyList<PortPropertiesNp> ports, bool? phc2sysRunning)
    {
        var states = ports.Select(p => p.PortState).ToArray();
        var (role, index) = ClassifyRole(states, cds.StepsRemoved);
        var decider = index >= 0 ? ports[index] : null;
        return new HostPtpStatus
        {
            Host = host,
            SocketPath = socketPath,
            SampledAtNs = sampledAtNs,
            Role = role,
            PortState = decider?.PortState ?? PortState.Unknown,
            PortNumber = decider?.PortIdentity.PortNumber ?? 0,
            Interface = decider?.Interface ?? "",
            Timestamping = decider?.Timestamping ?? TimestampingMode.Software,
            PortStates = states,
            ClockIdentity = dds.ClockIdentity.ToString(),
            GrandmasterIdentity = pds.GrandmasterIdentity.ToString(),
            ParentPortIdentity = pds.ParentPortIdentity.ToString(),
            StepsRemoved = cds.StepsRemoved,
            OffsetFromMasterNs = cds.OffsetFromMasterNs,
            MeanPathDelayNs = cds.MeanPathDelayNs,
            MasterOffsetNs = tsn.MasterOffsetNs,
            GmPresent = tsn.GmPresent,
            Domain = dds.DomainNumber,
            Priority1 = dds.Priority1,
            Priority2 = dds.Priority2,
            ClockClass = dds.ClockQuality.ClockClass,
            GrandmasterPriority1 = pds.GrandmasterPriority1,
            GrandmasterPriority2 = pds.GrandmasterPriority2,
            GrandmasterClockClass = pds.GrandmasterClockQuality.ClockClass,
            Timescale = tpds.PtpTimescale ? PtpTimescale.Ptp : PtpTimescale.Arbitrary,
            CurrentUtcOffset = tpds.CurrentUtcOffset,
            CurrentUtcOffsetValid = tpds.CurrentUtcOffsetValid,
            Phc2sysRunning = phc2sysRunning,
        };
    }

    /// <summary>
    /// The host's role from its port states, first match wins: any SLAVE → Slave; any UNCALIBRATED → Uncalibrated;
    /// any MASTER → Grandmaster when <paramref name="stepsRemoved"/> is 0, else Master; then PRE_MASTER, PASSIVE,
    /// LISTENING, FAULTY, DISABLED, INITIALIZING; otherwise Unknown.
    /// </summary>
    /// <returns>The role and the index of the first port in the deciding state (-1 for Unknown).</returns>
    public static (PtpRole Role, int PortIndex) ClassifyRole(IReadOnlyList<PortState> portStates, int stepsRemoved)
    {
        ArgumentNullException.ThrowIfNull(portStates);
        ReadOnlySpan<(PortState State, PtpRole Role)> order =
        [
            (PortState.Slave, PtpRole.Slave),
            (PortState.Uncalibrated, PtpRole.Uncalibrated),
            (PortState.Master, stepsRemoved == 0 ? PtpRole.Grandmaster : PtpRole.Master),
            (PortState.GrandMaster, stepsRemoved == 0 ? PtpRole.Grandmaster : PtpRole.Master),
            (PortState.PreMaster, PtpRole.PreMaster),
            (PortState.Passive, PtpRole.Passive),
            (PortState.Listening, PtpRole.Listening),
            (PortState.Faulty, PtpRole.Faulty),
            (PortState.Disabled, PtpRole.Disabled),
            (PortState.Initializing, PtpRole.Initializing),
        ];
        foreach (var (state, role) in order)
            for (int i = 0; i < portStates.Count; i++)
                if (portStates[i] == state)
                    return (role, i);
        return (PtpRole.Unknown, -1);
    }
}
