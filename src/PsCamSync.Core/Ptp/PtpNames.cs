namespace PsCamSync.Core.Ptp;

/// <summary>The IEEE 1588 / linuxptp spellings of ids and states, as pmc prints them (e.g. <c>PORT_DATA_SET</c>, <c>SLAVE</c>).</summary>
public static class PtpNames
{
    /// <summary>The managementId's name, e.g. <c>CURRENT_DATA_SET</c>; <c>0xNNNN</c> for ids not in <see cref="ManagementId"/>.</summary>
    public static string Of(ManagementId id) => id switch
    {
        ManagementId.NullManagement => "NULL_MANAGEMENT",
        ManagementId.DefaultDataSet => "DEFAULT_DATA_SET",
        ManagementId.CurrentDataSet => "CURRENT_DATA_SET",
        ManagementId.ParentDataSet => "PARENT_DATA_SET",
        ManagementId.TimePropertiesDataSet => "TIME_PROPERTIES_DATA_SET",
        ManagementId.PortDataSet => "PORT_DATA_SET",
        ManagementId.Priority1 => "PRIORITY1",
        ManagementId.Priority2 => "PRIORITY2",
        ManagementId.Domain => "DOMAIN",
        ManagementId.TimeStatusNp => "TIME_STATUS_NP",
        ManagementId.GrandmasterSettingsNp => "GRANDMASTER_SETTINGS_NP",
        ManagementId.PortDataSetNp => "PORT_DATA_SET_NP",
        ManagementId.PortPropertiesNp => "PORT_PROPERTIES_NP",
        ManagementId.PortStatsNp => "PORT_STATS_NP",
        ManagementId.SynchronizationUncertainNp => "SYNCHRONIZATION_UNCERTAIN_NP",
        _ => $"0x{(ushort)id:X4}",
    };

    /// <summary>The managementErrorId's name, e.g. <c>WRONG_VALUE</c>; <c>0xNNNN</c> for unknown values.</summary>
    public static string Of(ManagementErrorId id) => id switch
    {
        ManagementErrorId.ResponseTooBig => "RESPONSE_TOO_BIG",
        ManagementErrorId.NoSuchId => "NO_SUCH_ID",
        ManagementErrorId.WrongLength => "WRONG_LENGTH",
        ManagementErrorId.WrongValue => "WRONG_VALUE",
        ManagementErrorId.NotSetable => "NOT_SETABLE",
        ManagementErrorId.NotSupported => "NOT_SUPPORTED",
        ManagementErrorId.GeneralError => "GENERAL_ERROR",
        _ => $"0x{(ushort)id:X4}",
    };

    /// <summary>The portState's name as pmc prints it, e.g. <c>UNCALIBRATED</c>; <c>NONE</c> for unknown values.</summary>
    public static string Of(PortState state) => state switch
    {
        PortState.Initializing => "INITIALIZING",
        PortState.Faulty => "FAULTY",
        PortState.Disabled => "DISABLED",
        PortState.Listening => "LISTENING",
        PortState.PreMaster => "PRE_MASTER",
        PortState.Master => "MASTER",
        PortState.Passive => "PASSIVE",
        PortState.Uncalibrated => "UNCALIBRATED",
        PortState.Slave => "SLAVE",
        PortState.GrandMaster => "GRAND_MASTER",
        _ => "NONE",
    };

    /// <summary>The timestamping mode as pmc prints it, e.g. <c>SOFTWARE</c>.</summary>
    public static string Of(TimestampingMode mode) => mode switch
    {
        TimestampingMode.Software => "SOFTWARE",
        TimestampingMode.Hardware => "HARDWARE",
        TimestampingMode.LegacyHardware => "LEGACY_HW",
        TimestampingMode.OneStep => "ONESTEP",
        TimestampingMode.PeerToPeerOneStep => "P2P1STEP",
        _ => $"{(byte)mode}",
    };
}
