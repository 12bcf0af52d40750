namespace PsCamSync.Core.Ptp;

/// <summary>
/// Decodes the dataField of a management RESPONSE into its data set (layouts: IEEE 1588 clause 15.5.3, linuxptp
/// ds.h and tlv.h). Each method checks that the message is a RESPONSE for the right managementId and that the
/// dataField is at least the data set's size (padding after it is allowed).
/// </summary>
/// <remarks>
/// Throws only <see cref="PtpManagementErrorException"/> (the message is an error status) and
/// <see cref="PtpMessageFormatException"/> (anything else wrong).
/// </remarks>
public static class DataSetDecoder
{
    /// <summary>Decodes DEFAULT_DATA_SET.</summary>
    public static DefaultDataSet DecodeDefaultDataSet(ManagementMessage response)
    {
        var r = Open(response, ManagementId.DefaultDataSet, "DEFAULT_DATA_SET");
        byte flags = r.U8("flags");
        r.Skip(1, "reserved1");
        return new DefaultDataSet
        {
            TwoStepFlag = (flags & 1) != 0,
            SlaveOnly = (flags & 2) != 0,
            NumberPorts = r.U16("numberPorts"),
            Priority1 = r.U8("priority1"),
            ClockQuality = r.ClockQuality("clockQuality"),
            Priority2 = r.U8("priority2"),
            ClockIdentity = r.ClockIdentity("clockIdentity"),
            DomainNumber = r.U8("domainNumber"),
        };
    }

    /// <summary>Decodes CURRENT_DATA_SET.</summary>
    public static CurrentDataSet DecodeCurrentDataSet(ManagementMessage response)
    {
        var r = Open(response, ManagementId.CurrentDataSet, "CURRENT_DATA_SET");
        return new CurrentDataSet
        {
            StepsRemoved = r.U16("stepsRemoved"),
            OffsetFromMaster = r.I64("offsetFromMaster"),
            MeanPathDelay = r.I64("meanPathDelay"),
        };
    }

    /// <summary>Decodes PARENT_DATA_SET.</summary>
    public static ParentDataSet DecodeParentDataSet(ManagementMessage response)
    {
        var r = Open(response, ManagementId.ParentDataSet, "PARENT_DATA_SET");
        var parent = r.PortIdentity("parentPortIdentity");
        bool stats = r.U8("parentStats") != 0;
        r.Skip(1, "reserved");
        return new ParentDataSet
        {
            ParentPortIdentity = parent,
            ParentStats = stats,
            ObservedParentOffsetScaledLogVariance = r.U16("observedParentOffsetScaledLogVariance"),
            ObservedParentClockPhaseChangeRate = r.I32("observedParentClockPhaseChangeRate"),
            GrandmasterPriority1 = r.U8("grandmasterPriority1"),
            GrandmasterClockQuality = r.ClockQuality("grandmasterClockQuality"),
            GrandmasterPriority2 = r.U8("grandmasterPriority2"),
            GrandmasterIdentity = r.ClockIdentity("grandmasterIdentity"),
        };
    }

    /// <summary>Decodes TIME_PROPERTIES_DATA_SET.</summary>
    public static TimePropertiesDataSet DecodeTimePropertiesDataSet(ManagementMessage response)
    {
        var r = Open(response, ManagementId.TimePropertiesDataSet, "TIME_PROPERTIES_DATA_SET");
        return new TimePropertiesDataSet
        {
            CurrentUtcOffset = r.I16("currentUtcOffset"),
            Flags = r.U8("flags"),
            TimeSource = r.U8("timeSource"),
        };
    }

    /// <summary>Decodes linuxptp's TIME_STATUS_NP.</summary>
    public static TimeStatusNp DecodeTimeStatusNp(ManagementMessage response)
    {
        var r = Open(response, ManagementId.TimeStatusNp, "TIME_STATUS_NP");
        return new TimeStatusNp
        {
            MasterOffsetNs = r.I64("master_offset"),
            IngressTimeNs = r.I64("ingress_time"),
            CumulativeScaledRateOffset = r.I32("cumulativeScaledRateOffset"),
            ScaledLastGmPhaseChange = r.I32("scaledLastGmPhaseChange"),
            GmTimeBaseIndicator = r.U16("gmTimeBaseIndicator"),
            LastGmPhaseChange = new ScaledNs(r.U16("lastGmPhaseChange.nanoseconds_msb"),
                r.U64("lastGmPhaseChange.nanoseconds_lsb"), r.U16("lastGmPhaseChange.fractional_nanoseconds")),
            GmPresent = r.I32("gmPresent") != 0,
            GmIdentity = r.ClockIdentity("gmIdentity"),
        };
    }

    /// <summary>Decodes PORT_DATA_SET.</summary>
    public static PortDataSet DecodePortDataSet(ManagementMessage response)
    {
        var r = Open(response, ManagementId.PortDataSet, "PORT_DATA_SET");
        return new PortDataSet
        {
            PortIdentity = r.PortIdentity("portIdentity"),
            PortState = (PortState)r.U8("portState"),
            LogMinDelayReqInterval = r.I8("logMinDelayReqInterval"),
            PeerMeanPathDelay = r.I64("peerMeanPathDelay"),
            LogAnnounceInterval = r.I8("logAnnounceInterval"),
            AnnounceReceiptTimeout = r.U8("announceReceiptTimeout"),
            LogSyncInterval = r.I8("logSyncInterval"),
            DelayMechanism = (DelayMechanism)r.U8("delayMechanism"),
            LogMinPdelayReqInterval = r.I8("logMinPdelayReqInterval"),
            VersionNumber = r.U8("versionNumber"),
        };
    }

    /// <summary>Decodes linuxptp's PORT_PROPERTIES_NP.</summary>
    public static PortPropertiesNp DecodePortPropertiesNp(ManagementMessage response)
    {
        var r = Open(response, ManagementId.PortPropertiesNp, "PORT_PROPERTIES_NP");
        return new PortPropertiesNp
        {
            PortIdentity = r.PortIdentity("portIdentity"),
            PortState = (PortState)r.U8("port_state"),
            Timestamping = (TimestampingMode)r.U8("timestamping"),
            Interface = r.PtpText("interface"),
        };
    }

    private static WireReader Open(ManagementMessage response, ManagementId expected, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.ManagementId != expected)
            throw new PtpMessageFormatException("managementId", ManagementMessage.HeaderSize + 4,
                $"expected a {name} response, got managementId {PtpNames.Of(response.ManagementId)}.");
        response.ThrowIfError();
        if (response.Action != ManagementAction.Response)
            throw new PtpMessageFormatException("actionField", ManagementMessage.HeaderSize - 2,
                $"expected actionField RESPONSE (2) for {name}, got {(byte)response.Action} ({response.Action}).");
        return new WireReader(response.Data, $"{name} dataField",
            ManagementMessage.HeaderSize + ManagementMessage.ManagementTlvHeaderSize);
    }
}
