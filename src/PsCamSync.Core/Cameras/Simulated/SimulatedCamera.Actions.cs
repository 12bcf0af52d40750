using System.Net;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Timing;
using F = PsCamSync.Core.Cameras.Simulated.SimulatedFeature;

namespace PsCamSync.Core.Cameras.Simulated;

public sealed partial class SimulatedCamera
{
    /// <summary>Action signals the camera has (ActionSelector 0-1; TriggerSource entries Action0 and Action1).</summary>
    public const int ActionCount = 2;

    /// <summary>GevSupportedOptionSelector entries (SFNC names).</summary>
    public static readonly IReadOnlyList<string> SupportedOptionEntries = ["Action", "ScheduledAction", "IEEE1588"];

    /// <summary>ActionSchedulerStatus values (IInteger): 0 idle.</summary>
    public const long SchedulerIdle = 0;
    /// <summary>ActionSchedulerStatus: committed, the first event's time has not come on the camera clock.</summary>
    public const long SchedulerWaiting = 1;
    /// <summary>ActionSchedulerStatus: committed and firing on its grid.</summary>
    public const long SchedulerRunning = 2;

    /// <summary>Largest ActionSchedulerInterval, µs (1 h).</summary>
    public const long MaxSchedulerIntervalUs = 3_600_000_000;

    // Action state: written under _lock.
    private long _actionDeviceKey;
    private long _actionSelector;
    private readonly long[] _actionGroupKey = new long[ActionCount];
    private readonly long[] _actionGroupMask = new long[ActionCount];
    private string _supportedOption = "Action";
    private long _schedulerTimeNs;
    private long _schedulerIntervalUs;
    private SimulatedActionScheduler? _scheduler;
    private readonly Lock _schedulerLock = new(); // Commit/Cancel; never held with _lock while joining

    // Counters since the camera was opened.
    private long _actionCommandsReceived;
    private long _actionsIgnored;
    private long _actionsRefused;
    private long _actionLateCount;
    private long _gvcpDatagramsRejected;
    private long _scheduledExposuresCancelled;
    private Exception? _gvcpFault;

    private SimulatedGvcpPort? _gvcp;
    private readonly Lock _gvcpLock = new(); // opening and closing the GVCP sockets
    private bool _gvcpClosed;

    /// <inheritdoc/>
    /// <remarks>127.0.0.1 and the ephemeral port of the camera's unicast GVCP socket; every ACTION_ACK comes from it.
    /// Reading it opens the GVCP sockets if they are not open yet (see the class remarks). Null once the camera is closed.</remarks>
    /// <exception cref="CameraException">The unicast socket could not be bound to 127.0.0.1.</exception>
    public IPEndPoint? GvcpEndPoint => EnsureGvcp()?.EndPoint;

    /// <summary>ACTION_CMD datagrams received since the camera was opened (matching or not).</summary>
    public long ActionCommandsReceived => Volatile.Read(ref _actionCommandsReceived);

    /// <summary>ACTION_CMDs ignored since the camera was opened: wrong device key, no action with that group key and an
    /// overlapping group mask, or a camera without actions (<see cref="SimulatedCameraOptions.ActionsSupported"/> false).
    /// Such a command fires nothing and is not acknowledged, except that a camera without actions answers a unicast
    /// command that asks for an acknowledge with NotImplemented.</summary>
    public long ActionsIgnored => Volatile.Read(ref _actionsIgnored);

    /// <summary>Matching scheduled ACTION_CMDs that were not executed: no PTP reference time (port not Slave: NoRefTime),
    /// no scheduled-action support (NotImplemented), or an action_time above 2^63 − 1 ns (InvalidParameter).</summary>
    public long ActionsRefused => Volatile.Read(ref _actionsRefused);

    /// <summary>Scheduled actions that arrived when their action_time had already passed on the camera clock since the
    /// camera was opened: executed at once and acknowledged with ActionLate.</summary>
    public long ActionLateCount => Volatile.Read(ref _actionLateCount);

    /// <summary>Datagrams on the GVCP sockets that were not an ACTION_CMD (another command, or malformed), since open.</summary>
    public long GvcpDatagramsRejected => Volatile.Read(ref _gvcpDatagramsRejected);

    /// <summary>Exposures of scheduled actions or the scheduler that were queued ahead but not started, because acquisition
    /// stopped before their start time; they are not delivered (their DeviceFrameId is skipped).</summary>
    public long ScheduledExposuresCancelled => Volatile.Read(ref _scheduledExposuresCancelled);

    /// <summary>The last fault of the GVCP receive thread or the action scheduler (socket error, thread failure), or null.</summary>
    public Exception? GvcpFault => Volatile.Read(ref _gvcpFault);

    /// <summary>GC.GetAllocatedBytesForCurrentThread on the GVCP receive thread after its last datagram, bytes.</summary>
    internal long GvcpReceiveAllocatedBytes => Volatile.Read(ref _gvcp)?.ReceiveAllocatedBytes ?? 0;

    /// <summary>Poll rounds the GVCP receive thread has finished (each records <see cref="GvcpReceiveAllocatedBytes"/>).</summary>
    internal long GvcpReceiveRounds => Volatile.Read(ref _gvcp)?.ReceiveRounds ?? 0;

    /// <summary>
    /// True while the camera receives broadcast GVCP commands on 0.0.0.0:<see cref="SimulatedCameraOptions.GvcpPort"/>.
    /// False with GvcpPort 0, once closed, or when that port could not be bound because another program holds it
    /// without SO_REUSEADDR (the camera opens anyway, takes unicast commands, and <see cref="GvcpFault"/> says why).
    /// </summary>
    /// <remarks>Reading it opens the GVCP sockets if they are not open yet.</remarks>
    /// <exception cref="CameraException">The unicast socket could not be bound to 127.0.0.1.</exception>
    public bool IsListeningForBroadcasts => EnsureGvcp()?.IsListeningForBroadcasts ?? false;

    /// <summary>True while the GVCP sockets and their receive thread exist (they are made on first need).</summary>
    internal bool IsGvcpOpen => Volatile.Read(ref _gvcp) is not null;

    private bool ScheduledActionsOn => _options.ActionsSupported && _options.ScheduledActionsSupported && _options.PtpSupported;

    private bool SchedulerOn => _options.ActionsSupported && _options.SchedulerSupported && _options.PtpSupported;

    /// <summary>TriggerSource entries: Software, and Action0, Action1 when the camera has actions.</summary>
    private string[] TriggerSourceEntries() => _options.ActionsSupported ? ["Software", "Action0", "Action1"] : ["Software"];

    /// <summary>Adds the action rows (documented on <see cref="Features"/>).</summary>
    private void AddActionFeatures(SimulatedFeatureMap map)
    {
        if (_options.ActionsSupported)
        {
            map.Add(F.Integer("ActionDeviceKey", () => { lock (_lock) return _actionDeviceKey; },
                    v => { ListenForActions("ActionDeviceKey"); lock (_lock) _actionDeviceKey = v; }, 0, uint.MaxValue))
               .Add(F.Integer("ActionSelector", () => { lock (_lock) return _actionSelector; },
                    v => { ListenForActions("ActionSelector"); lock (_lock) _actionSelector = v; }, 0, ActionCount - 1))
               .Add(F.Integer("ActionGroupKey", () => { lock (_lock) return _actionGroupKey[_actionSelector]; },
                    v => { ListenForActions("ActionGroupKey"); lock (_lock) _actionGroupKey[_actionSelector] = v; }, 0, uint.MaxValue))
               .Add(F.Integer("ActionGroupMask", () => { lock (_lock) return _actionGroupMask[_actionSelector]; },
                    v => { ListenForActions("ActionGroupMask"); lock (_lock) _actionGroupMask[_actionSelector] = v; }, 0, uint.MaxValue));
        }
        map.Add(F.Enumeration("GevSupportedOptionSelector", SupportedOptionEntries, () => _supportedOption, v => _supportedOption = v))
           .Add(F.Boolean("GevSupportedOption", () => _supportedOption switch
           {
               "Action" => _options.ActionsSupported,
               "ScheduledAction" => ScheduledActionsOn,
               _ => _options.PtpSupported,
           }));
        if (SchedulerOn)
        {
            map.Add(F.Integer("ActionSchedulerTime", () => Volatile.Read(ref _schedulerTimeNs),
                    v => { ListenForActions("ActionSchedulerTime"); Volatile.Write(ref _schedulerTimeNs, v); }, 0, long.MaxValue, "ns"))
               .Add(F.Integer("ActionSchedulerInterval", () => Volatile.Read(ref _schedulerIntervalUs),
                    v => { ListenForActions("ActionSchedulerInterval"); Volatile.Write(ref _schedulerIntervalUs, v); }, 0, MaxSchedulerIntervalUs, "µs"))
               .Add(F.Command("ActionSchedulerCommit", CommitScheduler))
               .Add(F.Command("ActionSchedulerCancel", CancelScheduler))
               .Add(F.Integer("ActionSchedulerStatus", SchedulerStatus));
        }
    }

    private void CommitScheduler()
    {
        long hostNow = SharedTimeline.NowNs();
        var state = Ptp!.StateAt(hostNow);
        if (state != PortState.Slave)
            throw new FeatureException("ActionSchedulerCommit",
                $"ActionSchedulerCommit: {Id} has no PTP reference time (PtpStatus {SimulatedPtpPort.EntryOf(state)}); set PtpEnable and wait for PtpStatus Slave first.");
        lock (_schedulerLock)
        {
            _scheduler?.Cancel();
            var scheduler = new SimulatedActionScheduler(this, Volatile.Read(ref _schedulerTimeNs), Volatile.Read(ref _schedulerIntervalUs) * 1000);
            scheduler.Start();
            Volatile.Write(ref _scheduler, scheduler);
        }
    }

    private void CancelScheduler()
    {
        lock (_schedulerLock)
        {
            _scheduler?.Cancel();
            Volatile.Write(ref _scheduler, null);
        }
    }

    private long SchedulerStatus() => Volatile.Read(ref _scheduler)?.StatusAt(Clock.NowNs()) ?? SchedulerIdle;

    /// <summary>Events the committed scheduler has fired (handed to the sensor), or 0 when none is committed.</summary>
    internal long SchedulerEventsFired => Volatile.Read(ref _scheduler)?.EventsFired ?? 0;

    /// <summary>GC.GetAllocatedBytesForCurrentThread on the committed scheduler's thread after its last event, or 0.</summary>
    internal long SchedulerAllocatedBytes => Volatile.Read(ref _scheduler)?.AllocatedBytes ?? 0;

    /// <summary>The GVCP sockets, opened now if they are not yet; null once the camera is closed.</summary>
    /// <exception cref="CameraException">The unicast socket could not be bound to 127.0.0.1.</exception>
    private SimulatedGvcpPort? EnsureGvcp()
    {
        if (Volatile.Read(ref _gvcp) is { } open)
            return open;
        lock (_gvcpLock)
        {
            if (_gvcpClosed)
                return null;
            if (_gvcp is null)
                Volatile.Write(ref _gvcp, new SimulatedGvcpPort(this, _options.GvcpPort));
            return _gvcp;
        }
    }

    /// <summary>Opens the GVCP sockets for a feature write that sets the camera up for actions.</summary>
    /// <exception cref="FeatureException">The unicast socket could not be bound.</exception>
    private void ListenForActions(string feature)
    {
        try
        {
            EnsureGvcp();
        }
        catch (CameraException e)
        {
            throw new FeatureException(feature, $"{feature}: {e.Message}", e);
        }
    }

    /// <summary>Stops the scheduler and closes the GVCP sockets (Dispose, Abandon); idempotent.</summary>
    private void CloseActions()
    {
        CancelScheduler();
        SimulatedGvcpPort? port;
        lock (_gvcpLock)
        {
            _gvcpClosed = true;
            port = _gvcp;
            Volatile.Write(ref _gvcp, null);
        }
        port?.Dispose();
    }

    internal void OnGvcpFault(Exception fault) => Volatile.Write(ref _gvcpFault, fault);

    internal void OnScheduledExposureCancelled() => Interlocked.Increment(ref _scheduledExposuresCancelled);

    /// <summary>
    /// Handles one datagram from the GVCP sockets, received at host time <paramref name="hostNs"/> (receive thread;
    /// allocation-free). Returns true when an ACTION_ACK with <paramref name="status"/> answering
    /// <paramref name="requestId"/> must be sent (model in the class remarks).
    /// </summary>
    /// <param name="datagram">The UDP payload.</param>
    /// <param name="hostNs">Receive time, shared timeline ns.</param>
    /// <param name="broadcast">True when it came in on the broadcast socket: a camera without actions then stays silent
    /// (it answers NotImplemented only to a command addressed to it).</param>
    /// <param name="status">The ACTION_ACK status.</param>
    /// <param name="requestId">The command's req_id.</param>
    internal bool OnGvcpDatagram(ReadOnlySpan<byte> datagram, long hostNs, bool broadcast, out GvcpStatus status, out ushort requestId)
    {
        status = GvcpStatus.Success;
        requestId = 0;
        if (!IsAnswering)
            return false; // unplugged: nothing reaches the device
        if (!ActionCommand.TryRead(datagram, out var command, out var header))
        {
            Interlocked.Increment(ref _gvcpDatagramsRejected);
            return false;
        }
        Interlocked.Increment(ref _actionCommandsReceived);
        requestId = header.RequestId;
        bool ackWanted = (header.Flags & Gvcp.GvcpProtocol.FlagAcknowledgeRequired) != 0;
        if (!_options.ActionsSupported)
        {
            Interlocked.Increment(ref _actionsIgnored);
            status = GvcpStatus.NotImplemented;
            return ackWanted && !broadcast;
        }
        lock (_lock)
        {
            int fired = MatchActions(command);
            if (fired == 0)
            {
                _actionsIgnored++;
                return false;
            }
            if (command.ActionTimeNs is not ulong time)
            {
                FireLocked(fired, hostNs + _latencyNs, null);
                return ackWanted;
            }
            if (!ScheduledActionsOn)
                status = GvcpStatus.NotImplemented;
            else if (Ptp!.StateAt(hostNs) != PortState.Slave)
                status = GvcpStatus.NoRefTime;
            else if (time > long.MaxValue)
                status = GvcpStatus.InvalidParameter;
            else if ((long)time <= Clock.ToDeviceNs(hostNs))
            {
                _actionLateCount++;
                status = GvcpStatus.ActionLate;
                FireLocked(fired, hostNs + _latencyNs, null); // late: at once, as an immediate action
                return ackWanted;
            }
            else
            {
                FireLocked(fired, Clock.ToHostNs((long)time), (long)time);
                return ackWanted;
            }
            _actionsRefused++;
            return ackWanted;
        }
    }

    /// <summary>Bit i set when action i matches the command's keys and mask. Called under _lock.</summary>
    private int MatchActions(in ActionCommand command)
    {
        if (command.DeviceKey != _actionDeviceKey)
            return 0;
        int fired = 0;
        for (int i = 0; i < ActionCount; i++)
        {
            if (command.GroupKey == _actionGroupKey[i] && (command.GroupMask & _actionGroupMask[i]) != 0)
                fired |= 1 << i;
        }
        return fired;
    }

    /// <summary>An action-0 event of the scheduler at camera time <paramref name="deviceNs"/> (host time <paramref name="hostNs"/>).</summary>
    internal void FireScheduledEvent(long deviceNs, long hostNs)
    {
        lock (_lock)
            FireLocked(1, hostNs, deviceNs);
    }

    /// <summary>
    /// Action signals <paramref name="fired"/> (bit i = action i) fire. If TriggerSource selects one of them, an exposure
    /// starts at host time <paramref name="startHostNs"/>, stamped <paramref name="deviceNs"/> (a scheduled time, exact)
    /// or else the device clock there. Called under _lock.
    /// </summary>
    private void FireLocked(int fired, long startHostNs, long? deviceNs)
    {
        int source = _triggerSource == "Action0" ? 0 : _triggerSource == "Action1" ? 1 : -1;
        if (source < 0 || (fired & (1 << source)) == 0)
            return; // the action signal is not wired to the frame trigger
        var stream = _stream;
        if (stream is null || !_acquiring || !_triggerOn)
        {
            _ignoredTriggers++;
            return;
        }
        if (!TryExpose(-1, startHostNs, out var exposure, deviceNs))
            return;
        if (!stream.TryEnqueue(exposure))
            _framesLost++;
    }
}
