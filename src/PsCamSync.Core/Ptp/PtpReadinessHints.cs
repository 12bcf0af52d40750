using System.Globalization;

namespace PsCamSync.Core.Ptp;

/// <summary>The hint sentences of <see cref="PtpReadiness"/>: each says what is wrong, where, and what to do.</summary>
public static class PtpReadinessHints
{
    private static string Us(long ns) => (ns / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) + " µs";

    /// <summary>ptp4l could not be read.</summary>
    public static string Unreachable(string host, string socketPath, PtpManagementException? error) => error switch
    {
        PtpManagementTimeoutException => $"ptp4l unreachable on {host}: nothing answered on '{socketPath}' in this domain. " +
            "Pass -DomainNumber with ptp4l's domainNumber (or omit it to detect it), and check that the socket is ptp4l's uds_address.",
        _ => $"ptp4l unreachable on {host} at '{socketPath}': {error?.Message} Start ptp4l (e.g. 'ptp4l -i eth0 -H -f /etc/linuxptp/ptp4l.conf', " +
            "or systemctl start ptp4l@eth0), or pass -SocketPath with its uds_address.",
    };

    /// <summary>The host's domainNumber is not the expected one.</summary>
    public static string DomainMismatch(HostPtpStatus h, int expected) =>
        $"domain mismatch on {h.Host}: ptp4l runs domainNumber {h.Domain}, the rig uses {expected}. Set 'domainNumber {expected}' in ptp4l's config " +
        "(and the cameras' PtpDomain / GevIEEE1588 domain) so every clock is in one domain.";

    /// <summary>The host is neither slave nor grandmaster.</summary>
    public static string HostState(HostPtpStatus h) => h.Role switch
    {
        PtpRole.Listening => $"no master: ptp4l on {h.Host} ({h.Interface}) is LISTENING and hears no Announce in domain {h.Domain}. " +
            "Start the grandmaster, check the link/VLAN/switch (multicast 224.0.1.129 or 01-1B-19-00-00-00 must pass) and that both use one domainNumber and transport.",
        PtpRole.Uncalibrated => $"{h.Host} is UNCALIBRATED: a master is selected but the servo has not locked. Wait (raise -Timeout); " +
            "a free_running ptp4l stays here until 'pmc -u -b 0 \"SET SYNCHRONIZATION_UNCERTAIN_NP 0\"'.",
        PtpRole.Master => $"{h.Host} has a port in MASTER with stepsRemoved {h.StepsRemoved}: it is between states or a boundary clock; wait, or set 'slaveOnly 1' on hosts that must follow.",
        PtpRole.PreMaster => $"{h.Host} is PRE_MASTER: it is about to become a master. If it must follow the grandmaster, set 'slaveOnly 1' or a larger priority1 than the grandmaster's.",
        PtpRole.Passive => $"{h.Host} is PASSIVE: another master is better on its path. Check for two grandmasters on one segment.",
        PtpRole.Faulty => $"{h.Host}'s PTP port ({h.Interface}) is FAULTY: check the link and that the NIC supports the timestamping ptp4l uses (ethtool -T {h.Interface}).",
        PtpRole.Disabled => $"{h.Host}'s PTP port ({h.Interface}) is DISABLED: enable the port in ptp4l's configuration.",
        PtpRole.Initializing => $"{h.Host}'s ptp4l is INITIALIZING: wait for it to start.",
        _ => $"{h.Host}'s ptp4l reports no port in a known state ({string.Join(",", h.PortStates)}): check ptp4l's configuration and log.",
    };

    /// <summary>The host's |offsetFromMaster| is above MaxOffset.</summary>
    public static string HostOffset(HostPtpStatus h, long maxOffsetNs) =>
        $"offset above the limit on {h.Host}: offsetFromMaster {Us(h.OffsetFromMasterNs)} exceeds -MaxOffset {Us(maxOffsetNs)}. " +
        "The servo may still be settling (raise -Timeout); with software timestamping (ptp4l -S) expect tens of µs: use hardware timestamping (-H) or raise -MaxOffset.";

    /// <summary>ptp4l disciplines a PHC, and no phc2sys copies it to CLOCK_REALTIME.</summary>
    public static string NoPhc2sys(HostPtpStatus h) =>
        $"phc2sys is not running on {h.Host}: ptp4l uses {h.Timestamping} timestamping on {h.Interface}, so it disciplines the NIC's PHC, not CLOCK_REALTIME " +
        $"that frames are scheduled on. Start 'phc2sys -s {h.Interface} -c CLOCK_REALTIME -w' (or 'phc2sys -a -r').";

    /// <summary>A camera's PTP is off.</summary>
    public static string CameraDisabled(CameraPtpStatus c) =>
        $"camera {c.CameraId} on {c.Host} has PTP disabled ({(c.Naming == CameraPtpNaming.Sfnc ? "PtpEnable" : "GevIEEE1588")} = false): run Test-PtpSync without -WhatIf to enable it.";

    /// <summary>A camera is not SLAVE (nor the master).</summary>
    public static string CameraState(CameraPtpStatus c, HostPtpStatus h) => c.PortState switch
    {
        PortState.Listening => $"camera {c.CameraId} on {c.Host} is stuck in LISTENING: it hears no master. Check that it is on the segment of the grandmaster " +
            $"and on domain {h.Domain} (the host's), and that the switch passes PTP multicast.",
        PortState.Uncalibrated => $"camera {c.CameraId} on {c.Host} is UNCALIBRATED: its servo has not locked yet (servo {c.ServoStatus ?? "n/a"}); wait (raise -Timeout).",
        PortState.Initializing => $"camera {c.CameraId} on {c.Host} is INITIALIZING: PTP was just enabled; wait (raise -Timeout).",
        PortState.Faulty => $"camera {c.CameraId} on {c.Host} reports PTP FAULTY: power-cycle it or check its link.",
        PortState.Passive => $"camera {c.CameraId} on {c.Host} is PASSIVE: another master is better on its path; check for two grandmasters.",
        PortState.PreMaster => $"camera {c.CameraId} on {c.Host} is PRE_MASTER: it is about to claim master. Make the grandmaster's priority1 lower (better) or set the camera slave-only.",
        _ => $"camera {c.CameraId} on {c.Host} reports PTP state {c.PortState}: wait, or check its PTP settings.",
    };

    /// <summary>A camera's |offsetFromMaster| is above MaxOffset.</summary>
    public static string CameraOffset(CameraPtpStatus c, long maxOffsetNs) =>
        $"offset above the limit on camera {c.CameraId} ({c.Host}): offsetFromMaster {Us(c.OffsetFromMasterNs ?? 0)} exceeds -MaxOffset {Us(maxOffsetNs)}. " +
        "Its servo may still be settling (raise -Timeout).";

    /// <summary>A camera's PTP state could not be read.</summary>
    public static string CameraUnreadable(string cameraId, string error) =>
        $"camera {cameraId}: its PTP state could not be read ({error}). Check that it is connected and not opened by another program.";

    /// <summary>More than one clock claims master.</summary>
    public static string MultipleMasters(int domain, IReadOnlyList<(string Identity, string Who)> masters) =>
        $"multiple masters in domain {domain}: {string.Join(", ", masters.Select(m => $"{m.Identity} ({m.Who})"))}. " +
        "Keep one grandmaster: give it the lowest priority1 and set 'slaveOnly 1' (cameras: slave-only) on every other clock.";

    /// <summary>The host and its cameras (or other hosts) follow different grandmasters.</summary>
    public static string GrandmasterMismatch(HostPtpStatus h, IReadOnlyList<(string Gm, string Who)> followers) =>
        $"domain mismatch: not every clock follows one grandmaster: " +
        string.Join("; ", followers.GroupBy(f => f.Gm, StringComparer.OrdinalIgnoreCase).Select(g => $"{g.Key} ← {string.Join(", ", g.Select(f => f.Who))}")) +
        $". Put them on one network segment and one domainNumber (the host's is {h.Domain}).";

    /// <summary>The host follows another grandmaster than the one expected.</summary>
    public static string UnexpectedGrandmaster(HostPtpStatus h, string expected) =>
        $"{h.Host} follows grandmaster {h.GrandmasterIdentity}{(h.Role == PtpRole.Grandmaster ? " (itself)" : "")}, not the expected {expected}: " +
        "the expected grandmaster is gone or lost the best-master election. Check that it runs and that its priority1 is the lowest.";

    /// <summary>No convergence before the timeout.</summary>
    public static string TimedOut(TimeSpan timeout) =>
        $"not converged within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s: fix the problems above or raise -Timeout " +
        "(a software-timestamped slave needs about 15 s after ptp4l starts).";
}
