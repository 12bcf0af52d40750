using PsCamSync.Core.Cameras;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>
/// How the trigger thread reaches one camera, so that it never waits on it. Every slot of the take passes through
/// <see cref="Fire"/> exactly once and ends as exactly one slot notice to the camera's writer, in index order.
/// </summary>
/// <remarks>
/// <para><b>Direct</b> (cameras whose <see cref="ICamera.TriggerMayBlock"/> is false, the simulated camera): the
/// trigger thread calls <see cref="ICamera.Trigger"/> itself, as before; nothing is added to the hot path but a state
/// read and the late check.</para>
/// <para><b>Sender</b> (cameras whose trigger is an acknowledged network write, Aravis): a thread of the camera's own
/// sends the trigger. The trigger thread leaves the slot in a one-slot mailbox and wakes the sender (a semaphore
/// release), and goes on to the next camera. Given the take's schedule, the sender does not wait to be woken: it
/// sleeps on its own until shortly before the next Tn (<see cref="ArmLeadNs"/>; <see cref="DeadlineTimer"/>, absolute on
/// CLOCK_MONOTONIC, as the trigger thread does) and then looks for the slot until <see cref="ArmWindowNs"/> after Tn,
/// so that every camera's sender is already
/// awake when its slot arrives instead of each being woken in turn by the trigger thread; a slot it does not find in
/// that window (handed over late, or the first after a skipped slot or a rejoin) is taken through the semaphore.
/// The trigger thread still decides every slot at Tn, so the accounting below is the same either way. If the
/// camera's previous trigger is still unacknowledged when its next slot comes, that slot is not sent to it: it is
/// recorded as TriggerLate and counts towards
/// <see cref="CameraLossRule"/>; nothing queues up. The sender records the time just before the write as the
/// trigger time and refuses to send a slot later than the late tolerance after Tn. Notices of a sender port are
/// posted under a small lock that is never held across a camera call; the trigger thread only ever tries it.</para>
/// <para><b>Lost</b>: once <see cref="CameraLossRule"/> says so, the camera is out of the trigger set and its slots
/// are posted as CameraLost, until the recovery thread hands a reopened camera back (<see cref="ScheduleRejoin"/>)
/// for a future index.</para>
/// </remarks>
internal sealed class TriggerPort
{
    private const int Active = 0, Lost = 1;

    private readonly CameraPipeline _pipeline;
    private readonly long _toleranceNs;
    private readonly int _lossSlots;
    private readonly bool _sends;
    private readonly Lock _post = new();
    private readonly SemaphoreSlim? _wake;
    private readonly Thread? _sender;

    // Mailbox from the trigger thread to the sender: the index waiting to be sent, -1 when empty.
    private long _mailbox = -1;
    private long _mailboxDue;
    private long _inFlight = -1; // the index whose trigger the sender is inside, -1 when idle
    private long _lastDue;        // trigger thread: Tn of the last slot handed over

    // Notices the trigger thread still owes (index order), because the sender had not posted an earlier one yet.
    private readonly long[] _owedIndex;
    private readonly long[] _owedDue;
    private readonly TriggerNoticeKind[] _owedKind;
    private int _owedHead, _owedCount;
    private long _postedThrough; // last index whose slot notice was posted (under _post for a sender port)

    private volatile ICamera _camera;
    private volatile ICamera? _rejoining;
    private long _rejoinIndex = long.MaxValue;
    private int _state;
    private int _unanswered;
    private int _framesMissing; // writer thread only
    private volatile bool _stopSender;
    private readonly CancellationTokenSource _stopSenderWait = new();
    private readonly int _fifoPriority;
    private readonly FrameSchedule? _schedule;
    private readonly long _firstIndex;
    private long _takenAwake;

    /// <summary>
    /// How long a sender that woke on its own at Tn looks for slot n in the mailbox before it sleeps on the semaphore,
    /// ns (200 µs): longer than the trigger thread needs to hand the slot over after its own wake-up at Tn, short enough
    /// that a sender spinning at SCHED_FIFO keeps a core from the others for little time when the slot never comes.
    /// </summary>
    internal const long ArmWindowNs = 200_000;

    /// <summary>
    /// How long before Tn a sender wakes to wait for slot n awake, ns (300 µs, about this VM's p99 wake-up latency under
    /// load): the senders are then running, not being woken, when the trigger thread hands the slots over, so their
    /// trigger times differ by what it costs to run one after another, not by each one's wake-up latency.
    /// </summary>
    internal const long ArmLeadNs = 300_000;

    /// <param name="pipeline">The camera's pipeline (its writer gets the notices).</param>
    /// <param name="camera">The camera.</param>
    /// <param name="firstIndex">First schedule index of the take.</param>
    /// <param name="toleranceNs">Late tolerance, ns.</param>
    /// <param name="lossSlots">Unanswered slots that make the camera lost (<see cref="CameraLossRule.SlotsFor"/>).</param>
    /// <param name="capacity">Notices the trigger thread may owe at once.</param>
    /// <param name="fifoPriority">The trigger thread's SCHED_FIFO priority (0: none); a sender thread asks for one less, so that a
    /// loaded machine delays it no more than the trigger thread (refused without CAP_SYS_NICE, as the trigger thread's is:
    /// see TriggerThread.Refused in take.json).</param>
    /// <param name="schedule">The take's schedule: a sender sleeps until each Tn on its own (see the remarks); null: it
    /// is woken by the trigger thread for every slot.</param>
    /// <param name="groupSent">True when the trigger thread fires every camera with one action command (the action modes):
    /// the port then never calls <see cref="ICamera.Trigger"/> and only accounts for slots (<see cref="FireGroup"/>).</param>
    public TriggerPort(CameraPipeline pipeline, ICamera camera, long firstIndex, long toleranceNs, int lossSlots, int capacity, int fifoPriority = 0,
        FrameSchedule? schedule = null, bool groupSent = false)
    {
        _fifoPriority = fifoPriority;
        _schedule = schedule;
        _firstIndex = firstIndex;
        _pipeline = pipeline;
        _camera = camera;
        _toleranceNs = toleranceNs;
        _lossSlots = lossSlots;
        _postedThrough = firstIndex - 1;
        _owedIndex = new long[capacity];
        _owedDue = new long[capacity];
        _owedKind = new TriggerNoticeKind[capacity];
        _sends = !groupSent && camera.TriggerMayBlock;
        if (_sends)
        {
            _wake = new SemaphoreSlim(0);
            _sender = new Thread(SenderLoop) { IsBackground = true, Name = $"PsCamSync trigger sender {pipeline.CameraId}", Priority = ThreadPriority.Highest };
        }
    }

    /// <summary>True when a thread of the camera's own sends its triggers.</summary>
    public bool Sends => _sends;

    /// <summary>The camera the port triggers now.</summary>
    public ICamera Camera => _camera;

    /// <summary>A reopened camera waiting for its rejoin index, or null.</summary>
    public ICamera? Rejoining => _rejoining;

    /// <summary>True once the camera has been taken out of the trigger set (until it rejoins).</summary>
    public bool IsLost => Volatile.Read(ref _state) == Lost;

    /// <summary>True while the sender is inside a trigger call (its acknowledgement has not come back).</summary>
    public bool TriggerInFlight => Volatile.Read(ref _inFlight) >= 0;

    /// <summary>Where and why the camera was last lost (valid once <see cref="IsLost"/> has been true).</summary>
    public (long FrameIndex, CameraLossCause Cause, Exception? Exception) LastLoss { get; private set; }

    /// <summary>Called once when the loss rule trips (from the trigger, sender or writer thread): cheap, never blocks.</summary>
    public Action<TriggerPort>? OnLost { get; set; }

    /// <summary>The number of unanswered slots that make the camera lost.</summary>
    public int LossSlots => _lossSlots;

    /// <summary>Slots the sender found in the mailbox after waking at their Tn on its own, without being woken by the
    /// trigger thread (0 for a port without a sender or without a schedule). For diagnostics and tests.</summary>
    public long SlotsTakenAwake => Interlocked.Read(ref _takenAwake);

    public void Start() => _sender?.Start();

    // ---- trigger thread ----

    /// <summary>Fires slot <paramref name="n"/> due at <paramref name="due"/> (trigger thread only).</summary>
    /// <param name="n">Schedule index.</param>
    /// <param name="due">Tn, ns on the shared timeline.</param>
    /// <param name="wokeLate">The trigger thread woke later than the tolerance: the slot is skipped for every camera.</param>
    public void Fire(long n, long due, bool wokeLate)
    {
        if (OweLostOrLate(n, due, wokeLate))
            return;
        if (!_sends)
        {
            long issued = SharedTimeline.NowNs();
            if (issued - due > _toleranceNs)
            {
                _pipeline.Post(new TriggerNotice(n, due, 0, true));
                return;
            }
            // The notice goes first: the frame cannot reach the writer before its slot does.
            _pipeline.Post(new TriggerNotice(n, due, issued, false, issued));
            try
            {
                _camera.Trigger(n);
                Answered();
            }
            catch (Exception e)
            {
                _pipeline.ReportTriggerFault(n, e);
                Unanswered(n, CameraLossCause.TriggerFailed, e);
            }
            return;
        }

        if (Volatile.Read(ref _inFlight) >= 0 || Volatile.Read(ref _mailbox) >= 0)
        {
            // The previous trigger is unacknowledged (or not even taken by the sender yet): this slot is not sent.
            if (Volatile.Read(ref _mailbox) >= 0 && _post.TryEnter())
            {
                try
                {
                    long waiting = Volatile.Read(ref _mailbox);
                    if (waiting >= 0)
                    {
                        Volatile.Write(ref _mailbox, -1);
                        OweLocked(waiting, _mailboxDue, TriggerNoticeKind.Slot);
                    }
                }
                finally { _post.Exit(); }
            }
            Owe(n, due, TriggerNoticeKind.Slot);
            Unanswered(n, CameraLossCause.TriggerUnacknowledged, null);
            return;
        }
        if (_owedCount > 0)
        {
            Flush();
            if (_owedCount > 0)
            {
                Owe(n, due, TriggerNoticeKind.Slot); // an earlier notice is not out yet: keep the order
                return;
            }
        }
        _mailboxDue = due;
        _lastDue = due;
        Volatile.Write(ref _mailbox, n);
        _wake!.Release();
    }

    /// <summary>
    /// Accounts for slot <paramref name="n"/> when the trigger thread has fired every camera at once with an action command
    /// (trigger thread only; the port was made with groupSent): posts the slot with <paramref name="triggerNs"/> as its
    /// trigger time, or as late, or as CameraLost while the camera is out of the take.
    /// </summary>
    /// <param name="n">Schedule index.</param>
    /// <param name="due">Tn, ns on the shared timeline.</param>
    /// <param name="late">The slot was not fired (the host was late, or the packet could not be sent).</param>
    /// <param name="triggerNs">The slot's trigger time (send time, or Tn for the camera-timed modes), ns.</param>
    public void FireGroup(long n, long due, bool late, long triggerNs)
    {
        if (OweLostOrLate(n, due, late))
            return;
        _pipeline.Post(new TriggerNotice(n, due, triggerNs, false, triggerNs));
    }

    /// <summary>
    /// Trigger thread, first thing for every slot: while the camera is lost, owes the slot as CameraLost (or puts a reopened
    /// camera back from its rejoin index on); a slot skipped as late is owed as late. True when the slot is done with.
    /// </summary>
    private bool OweLostOrLate(long n, long due, bool late)
    {
        if (Volatile.Read(ref _state) == Lost)
        {
            if (n < Volatile.Read(ref _rejoinIndex))
            {
                Owe(n, due, TriggerNoticeKind.CameraLost);
                return true;
            }
            Rejoin();
        }
        if (!late)
            return false;
        Owe(n, due, TriggerNoticeKind.Slot);
        return true;
    }

    /// <summary>
    /// The trigger thread has fired its last slot: posts what it still owes (waiting at most until the last handed-over
    /// slot is past its tolerance for the sender to take it) and tells the writer that no more slots follow.
    /// </summary>
    public void Complete()
    {
        if (_sends)
        {
            // Sleep, not spin: a SCHED_FIFO trigger thread that spins can keep the sender off its core.
            while (Volatile.Read(ref _mailbox) >= 0 && SharedTimeline.NowNs() - _lastDue <= _toleranceNs)
                Thread.Sleep(1);
            while (true)
            {
                if (_post.TryEnter())
                {
                    try
                    {
                        long waiting = Volatile.Read(ref _mailbox);
                        if (waiting >= 0)
                        {
                            Volatile.Write(ref _mailbox, -1);
                            OweLocked(waiting, _mailboxDue, TriggerNoticeKind.Slot);
                        }
                        FlushLocked();
                        if (_owedCount == 0)
                            break;
                    }
                    finally { _post.Exit(); }
                }
                Thread.Sleep(1);
            }
        }
        else
        {
            FlushLocked();
        }
        _pipeline.CompleteTriggers();
        _stopSender = true;
        if (_sends)
            _stopSenderWait.Cancel();
        _wake?.Release();
    }

    private void Rejoin()
    {
        var camera = _rejoining;
        if (camera is not null)
            _camera = camera;
        _rejoining = null;
        Volatile.Write(ref _unanswered, 0);
        _pipeline.TriggerAnswered();
        Volatile.Write(ref _rejoinIndex, long.MaxValue);
        Volatile.Write(ref _state, Active);
    }

    private void Owe(long n, long due, TriggerNoticeKind kind)
    {
        if (!_sends)
        {
            _pipeline.Post(kind == TriggerNoticeKind.CameraLost
                ? new TriggerNotice(n, due, 0, false, 0, TriggerNoticeKind.CameraLost)
                : new TriggerNotice(n, due, 0, true));
            return;
        }
        if (_post.TryEnter())
        {
            try
            {
                OweLocked(n, due, kind);
                FlushLocked();
            }
            finally { _post.Exit(); }
        }
        else
        {
            OweLocked(n, due, kind); // the owed list is the trigger thread's own: safe without the lock
        }
    }

    private void Flush()
    {
        if (_post.TryEnter())
        {
            try { FlushLocked(); }
            finally { _post.Exit(); }
        }
    }

    private void OweLocked(long n, long due, TriggerNoticeKind kind)
    {
        if (_owedCount == _owedIndex.Length)
        {
            _pipeline.CountLostNotice(); // cannot happen while the sender posts within a period; accounted, not hidden
            return;
        }
        // Keep index order: a cancelled mailbox slot is older than anything owed after it was handed over.
        int i = (_owedHead + _owedCount) % _owedIndex.Length;
        _owedIndex[i] = n;
        _owedDue[i] = due;
        _owedKind[i] = kind;
        _owedCount++;
        if (_owedCount > 1)
            SortLastOwed();
    }

    private void SortLastOwed()
    {
        int len = _owedIndex.Length;
        for (int k = _owedCount - 1; k > 0; k--)
        {
            int a = (_owedHead + k - 1) % len, b = (_owedHead + k) % len;
            if (_owedIndex[a] <= _owedIndex[b]) break;
            (_owedIndex[a], _owedIndex[b]) = (_owedIndex[b], _owedIndex[a]);
            (_owedDue[a], _owedDue[b]) = (_owedDue[b], _owedDue[a]);
            (_owedKind[a], _owedKind[b]) = (_owedKind[b], _owedKind[a]);
        }
    }

    /// <summary>Posts owed notices while the next one in index order is the trigger thread's (under <c>_post</c> for a sender port).</summary>
    private void FlushLocked()
    {
        while (_owedCount > 0)
        {
            long n = _owedIndex[_owedHead];
            if (_sends && n != _postedThrough + 1)
                return; // the sender has not posted an earlier slot yet
            long due = _owedDue[_owedHead];
            _pipeline.Post(_owedKind[_owedHead] == TriggerNoticeKind.CameraLost
                ? new TriggerNotice(n, due, 0, false, 0, TriggerNoticeKind.CameraLost)
                : new TriggerNotice(n, due, 0, true));
            _postedThrough = n;
            _owedHead = (_owedHead + 1) % _owedIndex.Length;
            _owedCount--;
        }
    }

    // ---- sender thread ----

    private void SenderLoop()
    {
        // Best effort, see the constructor: one priority below the trigger thread, no spin (a spinning sender would keep
        // a core from the other senders), timer slack 1 ns.
        var timer = new DeadlineTimer(new TriggerTimerOptions
        {
            SpinNs = 0,
            TimerSlackNs = 1,
            FifoPriority = _fifoPriority > 1 ? _fifoPriority - 1 : 0,
            LockMemory = false,
        });
        timer.ApplyToCurrentThread();
        long next = _firstIndex;
        while (true)
        {
            bool awake = AwaitSlotAwake(timer, next);
            if (awake)
                _wake!.Wait(0); // the release that came with this slot, when it has come already; a late one is a spurious wake-up below
            else
                _wake!.Wait();
            if (_stopSender && Volatile.Read(ref _mailbox) < 0)
                return;
            long n, due, sent;
            bool send;
            lock (_post)
            {
                n = Volatile.Read(ref _mailbox);
                if (n < 0)
                    continue;
                due = _mailboxDue;
                Volatile.Write(ref _mailbox, -1);
                sent = SharedTimeline.NowNs();
                send = sent - due <= _toleranceNs;
                _pipeline.Post(send ? new TriggerNotice(n, due, sent, false) : new TriggerNotice(n, due, 0, true));
                _postedThrough = n;
                if (send)
                    Volatile.Write(ref _inFlight, n);
                // The owed notices are the trigger thread's alone: it posts them at its next slot or when it completes.
            }
            next = n + 1;
            if (awake)
                Interlocked.Increment(ref _takenAwake);
            if (!send)
                continue; // this host was late, not the camera
            var camera = _camera;
            Exception? failure = null;
            try
            {
                camera.Trigger(n);
            }
            catch (Exception e)
            {
                failure = e;
            }
            long acknowledged = SharedTimeline.NowNs();
            lock (_post)
            {
                _pipeline.Post(new TriggerNotice(n, due, sent, false, failure is null ? acknowledged : long.MaxValue, TriggerNoticeKind.Acknowledgement));
                Volatile.Write(ref _inFlight, -1);
            }
            if (failure is not null)
            {
                _pipeline.ReportTriggerFault(n, failure);
                Unanswered(n, CameraLossCause.TriggerFailed, failure);
            }
            else if (acknowledged - due > _toleranceNs)
            {
                Unanswered(n, CameraLossCause.AcknowledgedLate, null);
            }
            else
            {
                Answered();
            }
        }
    }

    /// <summary>
    /// Sender thread: sleeps until <see cref="ArmLeadNs"/> before the Tn of slot <paramref name="next"/> (the one after the
    /// last it took), then looks for a slot in the mailbox until <see cref="ArmWindowNs"/> after that Tn. True when a slot is there (at once when one is
    /// waiting already); false when there is no schedule, the port is lost or stopping, the schedule has ended, that Tn
    /// is more than the window past already, or no slot came in the window: then the caller sleeps on the semaphore.
    /// </summary>
    /// <remarks>
    /// It never sleeps past slot <paramref name="next"/>: the trigger thread may hand that slot over late (up to the
    /// tolerance), and a sender asleep until a later Tn would find it only then, too late to send, and make the slot
    /// after it wait too. A slot the trigger thread skips costs one wake-up through the semaphore for the slot after it.
    /// </remarks>
    private bool AwaitSlotAwake(DeadlineTimer timer, long next)
    {
        if (Volatile.Read(ref _mailbox) >= 0)
            return true;
        if (_schedule is null || _stopSender || Volatile.Read(ref _state) == Lost || next >= _schedule.EndIndex)
            return false;
        long due = _schedule.TimeOf(next);
        long now = SharedTimeline.NowNs();
        if (now - due > ArmWindowNs)
            return false;
        if (due - ArmLeadNs > now && timer.WaitUntil(due - ArmLeadNs, _stopSenderWait.Token) < 0)
            return false;
        // The trigger thread hands slot n over at Tn too: it is there already, or within microseconds.
        while (Volatile.Read(ref _mailbox) < 0)
        {
            if (_stopSender || SharedTimeline.NowNs() - due > ArmWindowNs)
                return false;
            Thread.SpinWait(20);
        }
        return true;
    }

    // ---- loss and rejoin (any thread) ----

    private void Answered()
    {
        if (Volatile.Read(ref _unanswered) == 0)
            return;
        Volatile.Write(ref _unanswered, 0);
        _pipeline.TriggerAnswered();
    }

    private void Unanswered(long n, CameraLossCause cause, Exception? exception)
    {
        if (Interlocked.Increment(ref _unanswered) >= _lossSlots)
            MarkLost(n, cause, exception);
    }

    /// <summary>Writer thread: one final row of this camera (feeds the frame side of <see cref="CameraLossRule"/>).</summary>
    public void OnRow(in Takes.FrameRecord row)
    {
        if (row.Status == FrameStatus.TriggerMissed && row.TriggerNs != 0)
        {
            if (++_framesMissing >= _lossSlots)
            {
                _framesMissing = 0;
                MarkLost(row.FrameIndex, CameraLossCause.NoFrames, null);
            }
        }
        else if (row.Status != FrameStatus.TriggerLate)
        {
            _framesMissing = 0;
        }
    }

    /// <summary>Takes the camera out of the trigger set (once; later calls until it rejoins do nothing).</summary>
    /// <returns>True when this call made it lost.</returns>
    public bool MarkLost(long frameIndex, CameraLossCause cause, Exception? exception)
    {
        if (Interlocked.CompareExchange(ref _state, Lost, Active) != Active)
            return false;
        LastLoss = (frameIndex, cause, exception);
        OnLost?.Invoke(this);
        return true;
    }

    /// <summary>
    /// Recovery thread: <paramref name="camera"/> answers again and streams into the pipeline; the trigger thread puts
    /// it back into the trigger set from index <paramref name="fromIndex"/>.
    /// </summary>
    public void ScheduleRejoin(ICamera camera, long fromIndex)
    {
        _rejoining = camera;
        Volatile.Write(ref _rejoinIndex, fromIndex);
    }

    /// <summary>Recovery thread: after the camera was released, points the port at nothing triggerable until a rejoin.</summary>
    public void Replace(ICamera camera) => _camera = camera;
}
