using System.Globalization;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>
/// The host side of a take triggered by action commands (<see cref="SyncTriggerMode.Action"/>,
/// <see cref="SyncTriggerMode.ScheduledAction"/>, <see cref="SyncTriggerMode.CameraScheduler"/>): sets the cameras up,
/// sends the take's ACTION_CMDs from the trigger thread (one per slot, to the subnet broadcast, with an acknowledgement
/// asked), and accounts for the ACTION_ACKs on a thread of its own, so that late actions become faults of the take.
/// </summary>
/// <remarks>
/// <para>Per slot n (trigger thread, allocation-free): Action sends an immediate ACTION_CMD at Tn; ScheduledAction sends,
/// <see cref="LeadNs"/> before Tn, an ACTION_CMD whose action_time is Tn on the cameras' timescale (Tn plus the timescale
/// offset of <see cref="TimescaleMapping"/>: TAI cameras count currentUtcOffset seconds ahead of CLOCK_REALTIME);
/// CameraScheduler sends nothing (the cameras fire on their own grid, committed once before T0).</para>
/// <para>The time recorded as a slot's trigger time is the send time for Action and Tn for the camera-timed modes
/// (the time the cameras were told to fire).</para>
/// </remarks>
internal sealed class ActionTrigger : IDisposable
{
    /// <summary>A scheduled action sent later than this before Tn is not sent (its slot is late), ns (500 µs): it could not
    /// reach the cameras in time over a loaded network.</summary>
    public const long ScheduledMarginNs = 500_000;

    /// <summary>The least lead of scheduled actions, ns (2 ms).</summary>
    public const long MinLeadNs = 2_000_000;

    /// <summary>The least lead of the camera-scheduler mode's slots, ns (100 ms): the cameras fire whatever the host does, so
    /// each slot is made known to the camera's writer well before its frame can arrive.</summary>
    public const long SchedulerLeadNs = 100_000_000;

    /// <summary>CameraScheduler: the first slot armed is at least this far (plus the lead) after the trigger thread is ready,
    /// ns (20 ms), so that every armed slot is known to the writers before its frame comes.</summary>
    public const long ArmMarginNs = 20_000_000;

    private readonly IActionCommandPort _sender;
    private readonly ICamera[] _cameras;
    private readonly ulong[] _endpoints; // ActionAckRecord.KeyOf each camera's GVCP endpoint; 0 when it has none
    private readonly long _timescaleOffsetNs;
    private readonly long[] _frameOfRequest = new long[65536]; // req_id -> slot index (trigger thread writes, ack thread reads)
    private readonly long[] _acknowledged, _late, _noRefTime, _otherStatus;
    private readonly long[] _firstLateIndex;
    private readonly GvcpStatus[] _firstOtherStatus;
    private long _sent, _unknownAcks;
    private readonly Thread _ackThread;
    private volatile bool _stop;

    /// <param name="mode">An action mode.</param>
    /// <param name="keys">The take's keys (set on every camera by <see cref="Configure"/>).</param>
    /// <param name="sender">Where the commands go (owned: disposed with this object): the GVCP sender, or a vendor SDK's port.</param>
    /// <param name="cameras">The take's cameras, in pipeline order (their <see cref="ICamera.GvcpEndPoint"/> tells whose ACK came back).</param>
    /// <param name="periodNs">Frame period, ns.</param>
    /// <param name="timescaleOffsetNs">Camera time minus shared time for Tn (0, or currentUtcOffset × 1e9 for TAI cameras), ns.</param>
    public ActionTrigger(SyncTriggerMode mode, ActionKeys keys, IActionCommandPort sender, IReadOnlyList<ICamera> cameras, long periodNs, long timescaleOffsetNs)
    {
        if (mode == SyncTriggerMode.Software)
            throw new ArgumentException("Software triggers do not use action commands.", nameof(mode));
        Mode = mode;
        Keys = keys;
        _sender = sender;
        _cameras = [.. cameras];
        _timescaleOffsetNs = timescaleOffsetNs;
        LeadNs = mode switch
        {
            SyncTriggerMode.Action => 0,
            SyncTriggerMode.ScheduledAction => Math.Max(MinLeadNs, periodNs),
            _ => Math.Max(SchedulerLeadNs, 2 * periodNs),
        };
        _endpoints = _cameras.Select(c => c.GvcpEndPoint is { } ep ? ActionAckRecord.KeyOf(ep) : 0UL).ToArray();
        int n = _cameras.Length;
        _acknowledged = new long[n];
        _late = new long[n];
        _noRefTime = new long[n];
        _otherStatus = new long[n];
        _firstLateIndex = Enumerable.Repeat(-1L, n).ToArray();
        _firstOtherStatus = new GvcpStatus[n];
        _ackThread = new Thread(AckLoop) { IsBackground = true, Name = "PsCamSync action acks" };
    }

    /// <summary>The mode.</summary>
    public SyncTriggerMode Mode { get; }

    /// <summary>The take's action keys.</summary>
    public ActionKeys Keys { get; }

    /// <summary>How long before Tn the trigger thread handles slot n, ns: 0 for Action; for ScheduledAction one period, at
    /// least <see cref="MinLeadNs"/> (the action must reach the cameras before Tn, and a camera queues few of them); for
    /// CameraScheduler two periods, at least <see cref="SchedulerLeadNs"/> (the slot must be known to the writer before the
    /// camera's frame arrives).</summary>
    public long LeadNs { get; }

    /// <summary>Camera time minus shared time, ns, added to Tn for action times.</summary>
    public long TimescaleOffsetNs => _timescaleOffsetNs;

    /// <summary>Where the ACTION_CMDs go (<see cref="IActionCommandPort.Destination"/>).</summary>
    public string Destination => _sender.Destination;

    /// <summary>Sets <paramref name="camera"/> up for this take's actions (keys, TriggerSource=Action0, exposure).</summary>
    /// <exception cref="FeatureException">A feature was refused.</exception>
    public void Configure(ICamera camera, double? exposureUs) => ActionTriggerSetup.ConfigureAction(camera, exposureUs, Keys);

    /// <summary>Starts the acknowledgement thread.</summary>
    public void Start() => _ackThread.Start();

    /// <summary>
    /// True when slot <paramref name="dueNs"/> can still be fired at <paramref name="nowNs"/>: Action within the late tolerance
    /// of Tn; ScheduledAction no later than <see cref="ScheduledMarginNs"/> before Tn; CameraScheduler always (the cameras fire
    /// whatever the host does).
    /// </summary>
    public bool InTime(long nowNs, long dueNs, long lateToleranceNs) => Mode switch
    {
        SyncTriggerMode.Action => nowNs - dueNs <= lateToleranceNs,
        SyncTriggerMode.ScheduledAction => nowNs <= dueNs - ScheduledMarginNs,
        _ => true,
    };

    /// <summary>
    /// Fires slot <paramref name="n"/> due at <paramref name="dueNs"/> (trigger thread; no allocation): returns the time to
    /// record as its trigger time (see the remarks).
    /// </summary>
    /// <exception cref="System.Net.Sockets.SocketException">The packet could not be sent.</exception>
    public long Fire(long n, long dueNs)
    {
        switch (Mode)
        {
            case SyncTriggerMode.Action:
            {
                long sent = SharedTimeline.NowNs();
                Volatile.Write(ref _frameOfRequest[_sender.NextRequestId], n); // before the send: its ACK may be taken first
                _sender.Send(Keys.Immediate, acknowledge: true);
                Interlocked.Increment(ref _sent);
                return sent;
            }
            case SyncTriggerMode.ScheduledAction:
            {
                Volatile.Write(ref _frameOfRequest[_sender.NextRequestId], n);
                _sender.Send(Keys.ScheduledAt(dueNs + _timescaleOffsetNs), acknowledge: true);
                Interlocked.Increment(ref _sent);
                return dueNs;
            }
            default:
                return dueNs;
        }
    }

    /// <summary>One immediate action for the warm-up frame (before the first slot; not counted as a slot's action).</summary>
    public void WarmUp()
    {
        Volatile.Write(ref _frameOfRequest[_sender.NextRequestId], TriggerLoop.WarmUpFrameIndex);
        _sender.Send(Keys.Immediate, acknowledge: true);
    }

    /// <summary>Arms the camera scheduler of <paramref name="camera"/> so that it fires from slot <paramref name="fromIndex"/> on
    /// (CameraScheduler only; the other modes do nothing).</summary>
    /// <exception cref="FeatureException">The camera refused it.</exception>
    public void Arm(ICamera camera, FrameSchedule schedule, long fromIndex)
    {
        if (Mode != SyncTriggerMode.CameraScheduler)
            return;
        ActionTriggerSetup.CommitScheduler(camera, schedule.TimeOf(fromIndex) + _timescaleOffsetNs, schedule.PeriodNs / 1000);
    }

    /// <summary>Stops the camera scheduler of <paramref name="camera"/> (CameraScheduler only).</summary>
    /// <exception cref="FeatureException">The camera refused it.</exception>
    public void Disarm(ICamera camera)
    {
        if (Mode == SyncTriggerMode.CameraScheduler)
            ActionTriggerSetup.CancelScheduler(camera);
    }

    private void AckLoop()
    {
        while (!_stop)
        {
            if (!Drain())
                Thread.Sleep(2);
        }
        Drain();
    }

    /// <summary>Takes every ACK that has arrived and counts it against its camera; true when there was one.</summary>
    private bool Drain()
    {
        bool any = false;
        while (_sender.TryTakeAck(out var ack))
        {
            any = true;
            int k = CameraOf(ack);
            if (k < 0)
            {
                Interlocked.Increment(ref _unknownAcks);
                continue;
            }
            long n = Volatile.Read(ref _frameOfRequest[ack.AckId]);
            if (n == TriggerLoop.WarmUpFrameIndex)
                continue; // the warm-up action is not a slot's
            switch (ack.Status)
            {
                case GvcpStatus.Success:
                    Interlocked.Increment(ref _acknowledged[k]);
                    break;
                case GvcpStatus.ActionLate:
                    Interlocked.Increment(ref _acknowledged[k]);
                    if (Interlocked.Increment(ref _late[k]) == 1)
                        Volatile.Write(ref _firstLateIndex[k], n);
                    break;
                case GvcpStatus.NoRefTime:
                    Interlocked.Increment(ref _acknowledged[k]);
                    Interlocked.Increment(ref _noRefTime[k]);
                    break;
                default:
                    Interlocked.Increment(ref _acknowledged[k]);
                    if (Interlocked.Increment(ref _otherStatus[k]) == 1)
                        _firstOtherStatus[k] = ack.Status;
                    break;
            }
        }
        return any;
    }

    private int CameraOf(in ActionAckRecord ack)
    {
        for (int k = 0; k < _endpoints.Length; k++)
            if (_endpoints[k] == ack.SourceKey)
                return k;
        return -1;
    }

    /// <summary>Action commands sent for slots (not counting the warm-up).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>ACTION_ACKs from a source that is none of the take's cameras' GVCP endpoints (e.g. a camera reopened on
    /// another address after it was lost); recorded in take.json, not attributed to a camera.</summary>
    public long UnknownAcks => Interlocked.Read(ref _unknownAcks);

    /// <summary>
    /// Stops the acknowledgement thread after waiting up to <paramref name="waitNs"/> for the ACKs still on their way, and
    /// returns per camera what its ACKs said (index as the cameras given).
    /// </summary>
    public IReadOnlyList<Takes.ActionAckCounts> Finish(long waitNs)
    {
        if (_ackThread.IsAlive)
        {
            Thread.Sleep(TimeSpan.FromTicks(waitNs / TimeSpan.NanosecondsPerTick));
            _stop = true;
            _ackThread.Join();
        }
        else
        {
            Drain();
        }
        var result = new Takes.ActionAckCounts[_cameras.Length];
        for (int k = 0; k < result.Length; k++)
            result[k] = new Takes.ActionAckCounts
            {
                Acknowledged = Interlocked.Read(ref _acknowledged[k]),
                ActionLate = Interlocked.Read(ref _late[k]),
                NoRefTime = Interlocked.Read(ref _noRefTime[k]),
                OtherStatus = Interlocked.Read(ref _otherStatus[k]),
                FirstLateFrameIndex = _firstLateIndex[k] >= 0 ? _firstLateIndex[k] : null,
                FirstOtherStatus = _otherStatus[k] > 0 ? _firstOtherStatus[k].ToString() : null,
            };
        return result;
    }

    /// <summary>The fault message of one camera's ACK counts against <paramref name="sent"/> actions, for the take (null when there is nothing to report).</summary>
    public static string? FaultOf(Takes.ActionAckCounts c, long sent, SyncTriggerMode mode)
    {
        var ci = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (c.ActionLate > 0)
            parts.Add(string.Create(ci, $"{c.ActionLate} of {sent} scheduled action(s) reached the camera after their action time (ACTION_LATE; first for frame {c.FirstLateFrameIndex}): those frames started late"));
        if (c.NoRefTime > 0)
            parts.Add(string.Create(ci, $"{c.NoRefTime} action(s) were refused for want of a reference time (NO_REF_TIME: the camera's PTP was not locked)"));
        if (c.OtherStatus > 0)
            parts.Add(string.Create(ci, $"{c.OtherStatus} action(s) were answered with an error status (first {c.FirstOtherStatus})"));
        long missing = sent - c.Acknowledged;
        if (mode != SyncTriggerMode.CameraScheduler && missing > 0)
            parts.Add(string.Create(ci, $"{missing} of {sent} action(s) were not acknowledged (lost on the network, or the camera ignored them)"));
        return parts.Count == 0 ? null : string.Join("; ", parts) + ".";
    }

    /// <summary>Stops the acknowledgement thread and closes the sender.</summary>
    public void Dispose()
    {
        _stop = true;
        if (_ackThread.IsAlive)
            _ackThread.Join();
        _sender.Dispose();
    }
}
