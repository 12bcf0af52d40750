using PsCamSync.Core.Concurrency;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Cameras.Spinnaker;

/// <summary>
/// Action commands through the Spinnaker SDK (<c>spinSystemSendActionCommand</c>), which sends the ACTION_CMD on every
/// GigE interface and waits for the devices' acknowledgements. <see cref="Send"/> queues the command (allocation-free,
/// <see cref="SpscQueue{T}"/>) and returns its request id at once; a thread of the port makes the blocking call and queues
/// one <see cref="ActionAckRecord"/> per result: ack id = the request id, status = Spinnaker's <c>actionCommandStatus</c>
/// (numerically GigE Vision's status: OK 0, NO_REF_TIME 0x8013, OVERFLOW 0x8015, ACTION_LATE 0x8016, ERROR 0x8FFF),
/// source = the result's device address (most significant byte first) and UDP 3956, received = the shared timeline when
/// the call returned. A call the SDK refuses is kept and thrown by the next <see cref="Send"/> as a
/// <see cref="CameraException"/> (inner <see cref="SpinnakerException"/>); <see cref="Failures"/> counts them.
/// Holds a reference on the Spinnaker system until disposed.
/// </summary>
public sealed class SpinnakerActionPort : IActionCommandPort
{
    /// <summary>Results asked for per command: the devices that may answer one ACTION_CMD.</summary>
    public const int MaxResults = 64;

    private readonly record struct Request(ushort Id, ActionCommand Command, bool Acknowledge);

    private readonly IntPtr _system;
    private readonly SpscQueue<Request> _requests = new(1024);
    private readonly SpscQueue<ActionAckRecord> _acks = new(16384);
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread _thread;
    private readonly SpinnakerNative.ActionCommandResult[] _results = GC.AllocateArray<SpinnakerNative.ActionCommandResult>(MaxResults, pinned: true);
    private volatile bool _stop;
    private ushort _nextId;
    private CameraException? _pending;
    private long _sent, _failures, _acksLost;
    private int _disposed;

    /// <summary>Opens the port on the process's Spinnaker system.</summary>
    /// <exception cref="CameraException">The system could not be obtained.</exception>
    internal SpinnakerActionPort(string cameraId)
    {
        try
        {
            _system = SpinnakerSystem.Acquire();
        }
        catch (SpinnakerException e)
        {
            throw new CameraException(cameraId, $"Camera '{cameraId}': the Spinnaker system for action commands could not be obtained: {e.Message}", e);
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "PsCamSync Spinnaker actions", Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <inheritdoc/>
    public string Destination => "spinSystemSendActionCommand (Spinnaker)";

    /// <summary>Commands the SDK has been asked to send.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Commands the SDK refused (an error other than SPINNAKER_ERR_SUCCESS).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Acknowledgements dropped because nobody took them (the queue of 16384 was full).</summary>
    public long AcksLost => Interlocked.Read(ref _acksLost);

    /// <inheritdoc/>
    /// <exception cref="CameraException">An earlier command was refused by the SDK, or 1024 commands are waiting.</exception>
    /// <exception cref="ObjectDisposedException">The port was disposed.</exception>
    public ushort Send(in ActionCommand command, bool acknowledge)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.Exchange(ref _pending, null) is { } refused)
            throw refused;
        if (++_nextId == 0)
            _nextId = 1;
        ushort id = _nextId;
        if (!_requests.TryEnqueue(new Request(id, command, acknowledge)))
            throw new CameraException("(action port)", "spinSystemSendActionCommand (Spinnaker): 1024 action commands are waiting for the SDK; it is not keeping up with the frame rate.");
        _wake.Set();
        return id;
    }

    /// <inheritdoc/>
    public ushort NextRequestId => _nextId == ushort.MaxValue ? (ushort)1 : (ushort)(_nextId + 1);

    /// <inheritdoc/>
    public bool TryTakeAck(out ActionAckRecord ack) => _acks.TryDequeue(out ack);

    /// <summary>
    /// SCHED_FIFO priority the port's thread runs at: one below the trigger thread's default
    /// (<see cref="TriggerTimerOptions.FifoPriority"/>), since it carries the trigger thread's commands; 0 when the
    /// kernel refused (no CAP_SYS_NICE; then <see cref="FifoRefused"/> says so) or before the thread started.
    /// </summary>
    public int FifoPriority { get; private set; }

    /// <summary>Why SCHED_FIFO was refused (errno), or null.</summary>
    public string? FifoRefused { get; private set; }

    private unsafe void Run()
    {
        int wanted = new TriggerTimerOptions().FifoPriority - 1;
        var param = new LibC.SchedParam { Priority = wanted };
        if (wanted > 0 && LibC.SchedSetScheduler(0, LibC.SCHED_FIFO, in param) == 0)
            FifoPriority = wanted;
        else
            FifoRefused = $"SCHED_FIFO {wanted}: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}";
        while (true)
        {
            while (_requests.TryDequeue(out var request))
                SendNow(request);
            if (_stop)
                return;
            _wake.Wait(50);
            _wake.Reset();
        }
    }

    private unsafe void SendNow(in Request request)
    {
        nuint size = request.Acknowledge ? (nuint)MaxResults : 0;
        int error;
        fixed (SpinnakerNative.ActionCommandResult* results = _results)
        {
            error = SpinnakerNative.spinSystemSendActionCommand(_system, request.Command.DeviceKey, request.Command.GroupKey, request.Command.GroupMask,
                (nuint)(request.Command.ActionTimeNs ?? 0), request.Acknowledge ? &size : null, request.Acknowledge ? results : null);
        }
        long received = SharedTimeline.NowNs();
        Interlocked.Increment(ref _sent);
        if (error != SpinnakerNative.Success)
        {
            var e = new SpinnakerException(error, "spinSystemSendActionCommand");
            Interlocked.CompareExchange(ref _pending, new CameraException("(action port)", $"Action command {request.Id} was refused: {e.Message}", e), null);
            Interlocked.Increment(ref _failures); // after the exception is in place: a caller that sees the count finds it
            return;
        }
        int n = (int)Math.Min(size, (nuint)MaxResults);
        for (int i = 0; i < n; i++)
        {
            var r = _results[i];
            var ack = new ActionAckRecord(request.Id, (GvcpStatus)(ushort)r.Status, SpinnakerSystem.Normalize(r.DeviceAddress), (ushort)GvcpProtocol.Port, received);
            if (!_acks.TryEnqueue(ack))
                Interlocked.Increment(ref _acksLost);
        }
    }

    /// <summary>Sends what is queued, stops the thread and drops the system reference.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stop = true;
        _wake.Set();
        _thread.Join();
        _wake.Dispose();
        SpinnakerSystem.Release();
    }
}
