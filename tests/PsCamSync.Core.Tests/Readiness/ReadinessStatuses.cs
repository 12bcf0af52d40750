using PsCamSync.Core.Ptp;

namespace PsCamSync.Core.Tests.Readiness;

/// <summary>Hand-built PTP states for the verdict tests: one grandmaster, slave hosts, cameras.</summary>
internal static class ReadinessStatuses
{
    public const string GmId = "001122.fffe.334455";
    public const string OtherGmId = "00aabb.fffe.ccddee";

    public static HostPtpStatus Grandmaster(string host = "gm", string id = GmId, int domain = 0) => new()
    {
        Host = host, SocketPath = "/var/run/ptp4l", Role = PtpRole.Grandmaster, PortState = PortState.Master,
        PortStates = [PortState.Master], ClockIdentity = id, GrandmasterIdentity = id, StepsRemoved = 0,
        Domain = domain, Interface = "eth0", Timestamping = TimestampingMode.Software, Phc2sysRunning = false,
    };

    public static HostPtpStatus Slave(string host, string id, long offsetNs = 800, string gm = GmId, int domain = 0) => new()
    {
        Host = host, SocketPath = "/var/run/ptp4l", Role = PtpRole.Slave, PortState = PortState.Slave,
        PortStates = [PortState.Slave], ClockIdentity = id, GrandmasterIdentity = gm, StepsRemoved = 1,
        OffsetFromMasterNs = offsetNs, MeanPathDelayNs = 12_000, GmPresent = true, Domain = domain, Interface = "eth0",
        Timestamping = TimestampingMode.Software, Phc2sysRunning = false,
    };

    public static HostPtpStatus Listening(string host, string id) => Slave(host, id) with
    {
        Role = PtpRole.Listening, PortState = PortState.Listening, PortStates = [PortState.Listening],
        GrandmasterIdentity = id, GmPresent = false, StepsRemoved = 0, OffsetFromMasterNs = 0,
    };

    public static CameraPtpStatus Camera(string id, PortState state = PortState.Slave, long? offsetNs = 300, string? gm = GmId,
        string host = "h1", bool enabled = true, CameraPtpNaming naming = CameraPtpNaming.Sfnc) =>
        new(host, id, naming, enabled, state, state == PortState.Slave ? "Locked" : "Unlocked", offsetNs, gm,
            "0a0b0c.fffe." + id.GetHashCode().ToString("x6")[..6], 1_700_000_000_000_000_000);

    public static PtpSyncSnapshot Snap(HostPtpStatus host, params CameraPtpStatus[] cameras) => PtpSyncSnapshot.Of(host, cameras);
}
