namespace PsCamSync.Core.Ptp;

/// <summary>IEEE 1588 portDS, as PORT_DATA_SET returns it.</summary>
public sealed record PortDataSet
{
    /// <summary>portIdentity.</summary>
    public PortIdentity PortIdentity { get; init; }
    /// <summary>portState (ptp4l reports its GRAND_MASTER as MASTER).</summary>
    public PortState PortState { get; init; }
    /// <summary>logMinDelayReqInterval.</summary>
    public sbyte LogMinDelayReqInterval { get; init; }
    /// <summary>peerMeanPathDelay as TimeInterval (ns × 2^16).</summary>
    public long PeerMeanPathDelay { get; init; }
    /// <summary>peerMeanPathDelay in whole ns (truncated toward zero).</summary>
    public long PeerMeanPathDelayNs => TimeInterval.ToNanoseconds(PeerMeanPathDelay);
    /// <summary>logAnnounceInterval.</summary>
    public sbyte LogAnnounceInterval { get; init; }
    /// <summary>announceReceiptTimeout.</summary>
    public byte AnnounceReceiptTimeout { get; init; }
    /// <summary>logSyncInterval.</summary>
    public sbyte LogSyncInterval { get; init; }
    /// <summary>delayMechanism.</summary>
    public DelayMechanism DelayMechanism { get; init; }
    /// <summary>logMinPdelayReqInterval.</summary>
    public sbyte LogMinPdelayReqInterval { get; init; }
    /// <summary>versionNumber (low nibble: versionPTP).</summary>
    public byte VersionNumber { get; init; }
}

/// <summary>linuxptp PORT_PROPERTIES_NP (struct port_properties_np, tlv.h).</summary>
public sealed record PortPropertiesNp
{
    /// <summary>portIdentity.</summary>
    public PortIdentity PortIdentity { get; init; }
    /// <summary>port_state.</summary>
    public PortState PortState { get; init; }
    /// <summary>timestamping: how this port timestamps (software, hardware, …).</summary>
    public TimestampingMode Timestamping { get; init; }
    /// <summary>interface: the network interface name (its timestamping label).</summary>
    public string Interface { get; init; } = "";
}
