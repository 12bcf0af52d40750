namespace PsCamSync.Core.Ptp;

/// <summary>On-the-wire sizes of the data sets (linuxptp ds.h, tlv.h), bytes, without padding.</summary>
public static class DataSetSizes
{
    /// <summary>defaultDS.</summary>
    public const int DefaultDataSet = 20;
    /// <summary>currentDS.</summary>
    public const int CurrentDataSet = 18;
    /// <summary>parentDS.</summary>
    public const int ParentDataSet = 32;
    /// <summary>timePropertiesDS.</summary>
    public const int TimePropertiesDataSet = 4;
    /// <summary>time_status_np.</summary>
    public const int TimeStatusNp = 50;
    /// <summary>portDS.</summary>
    public const int PortDataSet = 26;
    /// <summary>port_properties_np without the interface text (portIdentity, port_state, timestamping, text length).</summary>
    public const int PortPropertiesNpFixed = 13;
}

/// <summary>IEEE 1588 defaultDS, as DEFAULT_DATA_SET returns it.</summary>
public sealed record DefaultDataSet
{
    /// <summary>twoStepFlag.</summary>
    public bool TwoStepFlag { get; init; }
    /// <summary>slaveOnly.</summary>
    public bool SlaveOnly { get; init; }
    /// <summary>numberPorts: PTP ports of this clock (ptp4l's UNIX-domain port not counted).</summary>
    public ushort NumberPorts { get; init; }
    /// <summary>priority1 (lower wins the best master clock algorithm).</summary>
    public byte Priority1 { get; init; }
    /// <summary>clockQuality.</summary>
    public ClockQuality ClockQuality { get; init; }
    /// <summary>priority2.</summary>
    public byte Priority2 { get; init; }
    /// <summary>clockIdentity of this clock.</summary>
    public ClockIdentity ClockIdentity { get; init; }
    /// <summary>domainNumber.</summary>
    public byte DomainNumber { get; init; }
}

/// <summary>IEEE 1588 currentDS, as CURRENT_DATA_SET returns it.</summary>
public sealed record CurrentDataSet
{
    /// <summary>stepsRemoved: 0 on the grandmaster, 1 on its direct slaves, …</summary>
    public ushort StepsRemoved { get; init; }
    /// <summary>offsetFromMaster as TimeInterval (ns × 2^16, signed).</summary>
    public long OffsetFromMaster { get; init; }
    /// <summary>meanPathDelay as TimeInterval (ns × 2^16, signed).</summary>
    public long MeanPathDelay { get; init; }
    /// <summary>offsetFromMaster in whole ns (truncated toward zero).</summary>
    public long OffsetFromMasterNs => TimeInterval.ToNanoseconds(OffsetFromMaster);
    /// <summary>meanPathDelay in whole ns (truncated toward zero).</summary>
    public long MeanPathDelayNs => TimeInterval.ToNanoseconds(MeanPathDelay);
}

/// <summary>IEEE 1588 parentDS, as PARENT_DATA_SET returns it.</summary>
public sealed record ParentDataSet
{
    /// <summary>parentPortIdentity: the master port this clock follows (its own identity, port 0, on a grandmaster).</summary>
    public PortIdentity ParentPortIdentity { get; init; }
    /// <summary>parentStats.</summary>
    public bool ParentStats { get; init; }
    /// <summary>observedParentOffsetScaledLogVariance.</summary>
    public ushort ObservedParentOffsetScaledLogVariance { get; init; }
    /// <summary>observedParentClockPhaseChangeRate.</summary>
    public int ObservedParentClockPhaseChangeRate { get; init; }
    /// <summary>grandmasterPriority1.</summary>
    public byte GrandmasterPriority1 { get; init; }
    /// <summary>grandmasterClockQuality (clockClass, clockAccuracy, offsetScaledLogVariance).</summary>
    public ClockQuality GrandmasterClockQuality { get; init; }
    /// <summary>grandmasterPriority2.</summary>
    public byte GrandmasterPriority2 { get; init; }
    /// <summary>grandmasterIdentity.</summary>
    public ClockIdentity GrandmasterIdentity { get; init; }
}

/// <summary>IEEE 1588 timePropertiesDS, as TIME_PROPERTIES_DATA_SET returns it.</summary>
public sealed record TimePropertiesDataSet
{
    /// <summary>Bit of <see cref="Flags"/>: leap61.</summary>
    public const byte Leap61Flag = 1 << 0;
    /// <summary>Bit of <see cref="Flags"/>: leap59.</summary>
    public const byte Leap59Flag = 1 << 1;
    /// <summary>Bit of <see cref="Flags"/>: currentUtcOffsetValid.</summary>
    public const byte CurrentUtcOffsetValidFlag = 1 << 2;
    /// <summary>Bit of <see cref="Flags"/>: ptpTimescale.</summary>
    public const byte PtpTimescaleFlag = 1 << 3;
    /// <summary>Bit of <see cref="Flags"/>: timeTraceable.</summary>
    public const byte TimeTraceableFlag = 1 << 4;
    /// <summary>Bit of <see cref="Flags"/>: frequencyTraceable.</summary>
    public const byte FrequencyTraceableFlag = 1 << 5;

    /// <summary>currentUtcOffset: TAI − UTC, seconds (meaningful when currentUtcOffsetValid).</summary>
    public short CurrentUtcOffset { get; init; }
    /// <summary>The flags octet (the bits above; linuxptp puts flagField[1] of Announce here).</summary>
    public byte Flags { get; init; }
    /// <summary>timeSource enumeration (0xA0 = internal oscillator).</summary>
    public byte TimeSource { get; init; }
    /// <summary>leap61.</summary>
    public bool Leap61 => (Flags & Leap61Flag) != 0;
    /// <summary>leap59.</summary>
    public bool Leap59 => (Flags & Leap59Flag) != 0;
    /// <summary>currentUtcOffsetValid.</summary>
    public bool CurrentUtcOffsetValid => (Flags & CurrentUtcOffsetValidFlag) != 0;
    /// <summary>ptpTimescale: true = PTP timescale (TAI epoch), false = ARB (arbitrary, usually UTC-like).</summary>
    public bool PtpTimescale => (Flags & PtpTimescaleFlag) != 0;
    /// <summary>timeTraceable.</summary>
    public bool TimeTraceable => (Flags & TimeTraceableFlag) != 0;
    /// <summary>frequencyTraceable.</summary>
    public bool FrequencyTraceable => (Flags & FrequencyTraceableFlag) != 0;
}

/// <summary>linuxptp TIME_STATUS_NP (struct time_status_np, tlv.h).</summary>
public sealed record TimeStatusNp
{
    /// <summary>master_offset: last measured offset of this clock from its master, ns (0 on a grandmaster).</summary>
    public long MasterOffsetNs { get; init; }
    /// <summary>ingress_time: receive time of the last Sync on this clock, ns (0 before any).</summary>
    public long IngressTimeNs { get; init; }
    /// <summary>cumulativeScaledRateOffset ((rate ratio − 1) × 2^41).</summary>
    public int CumulativeScaledRateOffset { get; init; }
    /// <summary>scaledLastGmPhaseChange.</summary>
    public int ScaledLastGmPhaseChange { get; init; }
    /// <summary>gmTimeBaseIndicator.</summary>
    public ushort GmTimeBaseIndicator { get; init; }
    /// <summary>lastGmPhaseChange.</summary>
    public ScaledNs LastGmPhaseChange { get; init; }
    /// <summary>gmPresent: true when the grandmaster is another clock (false on the grandmaster itself).</summary>
    public bool GmPresent { get; init; }
    /// <summary>gmIdentity.</summary>
    public ClockIdentity GmIdentity { get; init; }
}
