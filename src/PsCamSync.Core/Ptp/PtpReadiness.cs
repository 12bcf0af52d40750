using System.Diagnostics;
using System.Globalization;

namespace PsCamSync.Core.Ptp;

/// <summary>
/// The readiness verdict over PTP states. Converged (<see cref="PtpSyncVerdict.Ready"/>) means: exactly one master on
/// the domain, every other port (host and camera) SLAVE, the host and every camera following one
/// grandmasterIdentity, |offsetFromMaster| within <see cref="PtpReadinessCriteria.MaxOffsetNs"/>, and phc2sys running
/// where ptp4l disciplines a PHC instead of CLOCK_REALTIME. A host whose ptp4l cannot be read is
/// <see cref="PtpSyncVerdict.Error"/>. Cameras without PTP (Naming None) are listed but never block. Pure functions
/// over plain data; the poll loop is <see cref="WaitForConvergence"/>.
/// </summary>
public static class PtpReadiness
{
    /// <summary>
    /// The verdict for one host. <paramref name="otherHosts"/> (statuses of the rig's other hosts, e.g. gathered from
    /// their Test-PtpSync results) widen the master count and the grandmaster agreement to the whole rig.
    /// </summary>
    /// <param name="snapshot">The host's reading.</param>
    /// <param name="criteria">MaxOffset and the optional expected domain and grandmaster (validated here).</param>
    /// <param name="otherHosts">The other hosts' statuses, or null.</param>
    /// <exception cref="InvalidCaptureArgumentException">Invalid <paramref name="criteria"/> (MaxOffset, DomainNumber, Grandmaster).</exception>
    public static PtpSyncResult Evaluate(PtpSyncSnapshot snapshot, PtpReadinessCriteria criteria, IReadOnlyList<HostPtpStatus>? otherHosts = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(criteria);
        criteria.Validate();
        var hints = new List<string>();
        var cameras = snapshot.Cameras ?? [];
        foreach (var (id, error) in snapshot.CameraErrors ?? new Dictionary<string, string>())
            hints.Add(PtpReadinessHints.CameraUnreadable(id, error));

        var h = snapshot.Status;
        if (h is null)
        {
            hints.Insert(0, PtpReadinessHints.Unreachable(snapshot.Host, snapshot.SocketPath, snapshot.HostError));
            return new PtpSyncResult
            {
                Host = snapshot.Host, SocketPath = snapshot.SocketPath, Verdict = PtpSyncVerdict.Error, Role = PtpRole.Unknown,
                Cameras = [.. cameras], Hints = [.. hints], MaxOffsetNs = criteria.MaxOffsetNs,
            };
        }

        HostHints(h, criteria, hints);
        foreach (var c in cameras)
            CameraHints(c, h, criteria, hints);
        // Two masters also means two grandmasters: one hint says it, with the fix.
        if (!MasterHints(h, cameras, otherHosts ?? [], hints))
            GrandmasterHints(h, cameras, otherHosts ?? [], hints);
        if (criteria.ExpectedGrandmaster is { } expected && !string.Equals(h.GrandmasterIdentity, expected, StringComparison.OrdinalIgnoreCase))
            hints.Add(PtpReadinessHints.UnexpectedGrandmaster(h, expected));

        return new PtpSyncResult
        {
            Host = snapshot.Host,
            SocketPath = snapshot.SocketPath,
            Verdict = hints.Count == 0 ? PtpSyncVerdict.Ready : PtpSyncVerdict.NotReady,
            Role = h.Role,
            PortState = h.PortState,
            GrandmasterIdentity = h.GrandmasterIdentity,
            OffsetFromMasterNs = h.OffsetFromMasterNs,
            MeanPathDelayNs = h.MeanPathDelayNs,
            GmPresent = h.GmPresent,
            Domain = h.Domain,
            Phc2sysRunning = h.Phc2sysRunning,
            Cameras = [.. cameras],
            Hints = [.. hints],
            MaxOffsetNs = criteria.MaxOffsetNs,
            SampledAtNs = h.SampledAtNs,
            Status = h,
        };
    }

    /// <summary>
    /// The verdict of every host of a rig, each judged with the other hosts' statuses (see <see cref="Evaluate"/>):
    /// two hosts that both claim master, or that follow different grandmasters, are NotReady together.
    /// </summary>
    /// <returns>One result per snapshot, in the same order.</returns>
    /// <exception cref="InvalidCaptureArgumentException">Invalid <paramref name="criteria"/>.</exception>
    public static IReadOnlyList<PtpSyncResult> EvaluateRig(IReadOnlyList<PtpSyncSnapshot> snapshots, PtpReadinessCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var results = new PtpSyncResult[snapshots.Count];
        for (int i = 0; i < snapshots.Count; i++)
        {
            var others = new List<HostPtpStatus>(snapshots.Count);
            for (int j = 0; j < snapshots.Count; j++)
                if (j != i && snapshots[j].Status is { } s)
                    others.Add(s);
            results[i] = Evaluate(snapshots[i], criteria, others);
        }
        return results;
    }

    /// <summary>
    /// Polls <paramref name="read"/> every <paramref name="pollInterval"/> and evaluates each snapshot until the verdict
    /// is Ready, the verdict is Error (ptp4l unreachable: waiting does not start it), or <paramref name="timeout"/>
    /// has passed (the last NotReady result then gets a hint saying so). Timeout zero evaluates once.
    /// </summary>
    /// <param name="read">Takes one snapshot; called on this thread. Exceptions other than cancellation propagate.</param>
    /// <param name="criteria">See <see cref="Evaluate"/>.</param>
    /// <param name="timeout">How long to wait for Ready (≥ 0).</param>
    /// <param name="pollInterval">Time between snapshots (&gt; 0), e.g. 250 ms.</param>
    /// <param name="progress">Called after every evaluation with the result and the time waited so far; may be null.</param>
    /// <param name="cancellationToken">Stops the wait (Ctrl+C).</param>
    /// <returns>The last result, with <see cref="PtpSyncResult.WaitedNs"/> set.</returns>
    /// <exception cref="InvalidCaptureArgumentException"><c>Timeout</c> negative, <c>PollInterval</c> not positive, or invalid criteria.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static PtpSyncResult WaitForConvergence(Func<PtpSyncSnapshot> read, PtpReadinessCriteria criteria, TimeSpan timeout,
        TimeSpan pollInterval, Action<PtpSyncResult, TimeSpan>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(criteria);
        if (timeout < TimeSpan.Zero)
            throw new InvalidCaptureArgumentException("Timeout",
                $"{timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s is negative: give how long to wait for convergence, e.g. 30 (seconds), or 0 to check once.");
        if (pollInterval <= TimeSpan.Zero)
            throw new InvalidCaptureArgumentException("PollInterval", "the time between polls must be positive, e.g. 250 ms.");
        criteria.Validate();

        var waited = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = Evaluate(read(), criteria);
            var elapsed = waited.Elapsed;
            result = result with { WaitedNs = (long)(elapsed.Ticks * 100) };
            progress?.Invoke(result, elapsed);
            if (result.Verdict != PtpSyncVerdict.NotReady)
                return result;
            var left = timeout - waited.Elapsed;
            if (left <= TimeSpan.Zero)
                return result with { Hints = [.. result.Hints, PtpReadinessHints.TimedOut(timeout)] };
            if (cancellationToken.WaitHandle.WaitOne(left < pollInterval ? left : pollInterval))
                cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static void HostHints(HostPtpStatus h, PtpReadinessCriteria criteria, List<string> hints)
    {
        if (criteria.ExpectedDomain is { } domain && h.Domain != domain)
            hints.Add(PtpReadinessHints.DomainMismatch(h, domain));
        switch (h.Role)
        {
            case PtpRole.Grandmaster:
                break;
            case PtpRole.Slave:
                if (Math.Abs(h.OffsetFromMasterNs) > criteria.MaxOffsetNs)
                    hints.Add(PtpReadinessHints.HostOffset(h, criteria.MaxOffsetNs));
                break;
            default:
                hints.Add(PtpReadinessHints.HostState(h));
                break;
        }
        if (h.Timestamping != TimestampingMode.Software && h.Phc2sysRunning == false)
            hints.Add(PtpReadinessHints.NoPhc2sys(h));
    }

    private static void CameraHints(CameraPtpStatus c, HostPtpStatus h, PtpReadinessCriteria criteria, List<string> hints)
    {
        if (!c.Supported)
            return; // N/A: a camera without PTP is mapped by its clock model and never blocks
        if (!c.Enabled)
        {
            hints.Add(PtpReadinessHints.CameraDisabled(c));
            return;
        }
        switch (c.PortState)
        {
            case PortState.Slave:
                if (c.OffsetFromMasterNs is { } offset && Math.Abs(offset) > criteria.MaxOffsetNs)
                    hints.Add(PtpReadinessHints.CameraOffset(c, criteria.MaxOffsetNs));
                break;
            case PortState.Master or PortState.GrandMaster:
                break; // counted by MasterHints: fine only when it is the one master
            default:
                hints.Add(PtpReadinessHints.CameraState(c, h));
                break;
        }
    }

    /// <summary>Every clock that claims master, by identity: the host, master cameras, other hosts.</summary>
    private static bool MasterHints(HostPtpStatus h, IReadOnlyList<CameraPtpStatus> cameras, IReadOnlyList<HostPtpStatus> others, List<string> hints)
    {
        var masters = new List<(string Identity, string Who)>();
        void Add(string identity, string who)
        {
            if (!masters.Exists(m => string.Equals(m.Identity, identity, StringComparison.OrdinalIgnoreCase)))
                masters.Add((identity, who));
        }
        if (IsMaster(h))
            Add(h.ClockIdentity, $"host {h.Host}");
        foreach (var o in others)
            if (IsMaster(o))
                Add(o.ClockIdentity, $"host {o.Host}");
        foreach (var c in cameras)
            if (c.Supported && c.Enabled && c.PortState is PortState.Master or PortState.GrandMaster)
                Add(c.ClockIdentity ?? c.CameraId, $"camera {c.CameraId} on {c.Host}");
        // A slave host that follows a grandmaster not among the claimants above: that one is a master too.
        if (h.Role is PtpRole.Slave or PtpRole.Uncalibrated && h.GrandmasterIdentity.Length > 0)
            Add(h.GrandmasterIdentity, $"grandmaster of {h.Host}");
        if (masters.Count <= 1)
            return false;
        hints.Add(PtpReadinessHints.MultipleMasters(h.Domain, masters));
        return true;
    }

    private static bool IsMaster(HostPtpStatus s) => s.Role == PtpRole.Grandmaster;

    private static void GrandmasterHints(HostPtpStatus h, IReadOnlyList<CameraPtpStatus> cameras, IReadOnlyList<HostPtpStatus> others, List<string> hints)
    {
        var followers = new List<(string Gm, string Who)> { (h.GrandmasterIdentity, $"host {h.Host}") };
        foreach (var c in cameras)
            if (c.Supported && c.Enabled && c.PortState == PortState.Slave && !string.IsNullOrEmpty(c.GrandmasterIdentity))
                followers.Add((c.GrandmasterIdentity, $"camera {c.CameraId}"));
        foreach (var o in others)
            if (o.Role is PtpRole.Slave or PtpRole.Grandmaster)
                followers.Add((o.GrandmasterIdentity, $"host {o.Host}"));
        var distinct = followers.Select(f => f.Gm).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (distinct.Count > 1)
            hints.Add(PtpReadinessHints.GrandmasterMismatch(h, followers));
    }
}
