namespace PsCamSync.Core.Ptp;

/// <summary>IEEE 1588 messageType values (low nibble of the first header octet).</summary>
public enum PtpMessageType : byte
{
    /// <summary>Sync (event).</summary>
    Sync = 0x0,
    /// <summary>Delay_Req (event).</summary>
    DelayReq = 0x1,
    /// <summary>Pdelay_Req (event).</summary>
    PdelayReq = 0x2,
    /// <summary>Pdelay_Resp (event).</summary>
    PdelayResp = 0x3,
    /// <summary>Follow_Up.</summary>
    FollowUp = 0x8,
    /// <summary>Delay_Resp.</summary>
    DelayResp = 0x9,
    /// <summary>Pdelay_Resp_Follow_Up.</summary>
    PdelayRespFollowUp = 0xA,
    /// <summary>Announce.</summary>
    Announce = 0xB,
    /// <summary>Signaling.</summary>
    Signaling = 0xC,
    /// <summary>Management.</summary>
    Management = 0xD,
}

/// <summary>IEEE 1588 management actionField values.</summary>
public enum ManagementAction : byte
{
    /// <summary>GET: read a data set.</summary>
    Get = 0,
    /// <summary>SET: write a data set.</summary>
    Set = 1,
    /// <summary>RESPONSE: the answer to GET or SET.</summary>
    Response = 2,
    /// <summary>COMMAND: perform an action.</summary>
    Command = 3,
    /// <summary>ACKNOWLEDGE: the answer to COMMAND.</summary>
    Acknowledge = 4,
}

/// <summary>IEEE 1588 portState values, numbered as linuxptp's <c>enum port_state</c> (fsm.h).</summary>
public enum PortState : byte
{
    /// <summary>Not a known state (0, or a value beyond the standard's).</summary>
    Unknown = 0,
    /// <summary>INITIALIZING.</summary>
    Initializing = 1,
    /// <summary>FAULTY: the port has a fault (e.g. link down, timestamping failed).</summary>
    Faulty = 2,
    /// <summary>DISABLED.</summary>
    Disabled = 3,
    /// <summary>LISTENING: waiting for Announce messages, no master selected yet.</summary>
    Listening = 4,
    /// <summary>PRE_MASTER: about to become MASTER (qualification timeout).</summary>
    PreMaster = 5,
    /// <summary>MASTER: this port sends Sync.</summary>
    Master = 6,
    /// <summary>PASSIVE: another master is better on this path.</summary>
    Passive = 7,
    /// <summary>UNCALIBRATED: a master is selected, the servo is not locked yet.</summary>
    Uncalibrated = 8,
    /// <summary>SLAVE: synchronised to the selected master.</summary>
    Slave = 9,
    /// <summary>linuxptp's non-standard GRAND_MASTER (ptp4l reports it as MASTER over management).</summary>
    GrandMaster = 10,
}

/// <summary>linuxptp's <c>enum timestamp_type</c>, as reported by PORT_PROPERTIES_NP.timestamping.</summary>
public enum TimestampingMode : byte
{
    /// <summary>SOFTWARE timestamping (ptp4l -S).</summary>
    Software = 0,
    /// <summary>HARDWARE timestamping (ptp4l -H).</summary>
    Hardware = 1,
    /// <summary>LEGACY_HW timestamping (ptp4l -L).</summary>
    LegacyHardware = 2,
    /// <summary>ONESTEP hardware timestamping.</summary>
    OneStep = 3,
    /// <summary>P2P1STEP hardware timestamping.</summary>
    PeerToPeerOneStep = 4,
}

/// <summary>IEEE 1588 delayMechanism values.</summary>
public enum DelayMechanism : byte
{
    /// <summary>Not a known value.</summary>
    Unknown = 0,
    /// <summary>E2E: end-to-end (Delay_Req/Delay_Resp).</summary>
    E2E = 1,
    /// <summary>P2P: peer-to-peer (Pdelay).</summary>
    P2P = 2,
    /// <summary>COMMON_P2P (IEEE 1588-2019).</summary>
    CommonP2P = 3,
    /// <summary>SPECIAL (IEEE 1588-2019).</summary>
    Special = 4,
    /// <summary>NO_MECHANISM.</summary>
    NoMechanism = 0xFE,
}
