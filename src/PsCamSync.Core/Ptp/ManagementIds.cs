namespace PsCamSync.Core.Ptp;

/// <summary>IEEE 1588 tlvType values this client reads (linuxptp tlv.h).</summary>
public static class TlvType
{
    /// <summary>MANAGEMENT.</summary>
    public const ushort Management = 0x0001;
    /// <summary>MANAGEMENT_ERROR_STATUS.</summary>
    public const ushort ManagementErrorStatus = 0x0002;
}

/// <summary>IEEE 1588 managementId values (and linuxptp's _NP extensions) that this client asks for.</summary>
public enum ManagementId : ushort
{
    /// <summary>NULL_MANAGEMENT.</summary>
    NullManagement = 0x0000,
    /// <summary>DEFAULT_DATA_SET (clock).</summary>
    DefaultDataSet = 0x2000,
    /// <summary>CURRENT_DATA_SET (clock).</summary>
    CurrentDataSet = 0x2001,
    /// <summary>PARENT_DATA_SET (clock).</summary>
    ParentDataSet = 0x2002,
    /// <summary>TIME_PROPERTIES_DATA_SET (clock).</summary>
    TimePropertiesDataSet = 0x2003,
    /// <summary>PORT_DATA_SET (port).</summary>
    PortDataSet = 0x2004,
    /// <summary>PRIORITY1 (clock).</summary>
    Priority1 = 0x2005,
    /// <summary>PRIORITY2 (clock).</summary>
    Priority2 = 0x2006,
    /// <summary>DOMAIN (clock).</summary>
    Domain = 0x2007,
    /// <summary>linuxptp TIME_STATUS_NP (clock).</summary>
    TimeStatusNp = 0xC000,
    /// <summary>linuxptp GRANDMASTER_SETTINGS_NP (clock).</summary>
    GrandmasterSettingsNp = 0xC001,
    /// <summary>linuxptp PORT_DATA_SET_NP (port).</summary>
    PortDataSetNp = 0xC002,
    /// <summary>linuxptp PORT_PROPERTIES_NP (port, answered on the UNIX-domain socket only).</summary>
    PortPropertiesNp = 0xC004,
    /// <summary>linuxptp PORT_STATS_NP (port).</summary>
    PortStatsNp = 0xC005,
    /// <summary>linuxptp SYNCHRONIZATION_UNCERTAIN_NP (clock).</summary>
    SynchronizationUncertainNp = 0xC006,
}

/// <summary>IEEE 1588 managementErrorId values (MANAGEMENT_ERROR_STATUS TLV).</summary>
public enum ManagementErrorId : ushort
{
    /// <summary>RESPONSE_TOO_BIG.</summary>
    ResponseTooBig = 0x0001,
    /// <summary>NO_SUCH_ID: the managementId is unknown.</summary>
    NoSuchId = 0x0002,
    /// <summary>WRONG_LENGTH.</summary>
    WrongLength = 0x0003,
    /// <summary>WRONG_VALUE (linuxptp: also a port number that does not exist).</summary>
    WrongValue = 0x0004,
    /// <summary>NOT_SETABLE.</summary>
    NotSetable = 0x0005,
    /// <summary>NOT_SUPPORTED.</summary>
    NotSupported = 0x0006,
    /// <summary>GENERAL_ERROR.</summary>
    GeneralError = 0xFFFE,
}
