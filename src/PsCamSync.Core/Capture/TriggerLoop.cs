using PsCamSync.Core.Concurrency;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>
/// The trigger thread's body: for each index n it sleeps until <c>Tn</c> (mapped onto CLOCK_MONOTONIC by
/// <see cref="DeadlineTimer"/>), then fires the slot through every camera's <see cref="TriggerPort"/>, which triggers
/// the camera or hands the trigger to the camera's sender thread and accounts for the slot. It never waits on a camera,
/// readout, encoding or disk. A wake-up later than the tolerance skips the slot as late instead of firing it late,
/// so triggers are never bunched; so does a camera reached later than the tolerance.
/// </summary>
internal sealed class TriggerLoop
{
    private readonly FrameSchedule _schedule;
    private readonly CameraPipeline[] _pipelines;
    private readonly DeadlineTimer _timer;
    private readonly WakeErrorStatistics _wakeErrors;
    private readonly long _lateToleranceNs;
    private readonly Action<string?, TakeFaultSource, string, Exception?> _fault;
    private readonly ActionTrigger? _action;
    private long _next;
    private long _end;
    private long _readyNs;

    public TriggerLoop(FrameSchedule schedule, long firstIndex, long endIndex, CameraPipeline[] pipelines,
        DeadlineTimer timer, WakeErrorStatistics wakeErrors, long lateToleranceNs, Action<string?, TakeFaultSource, string, Exception?> fault,
        ActionTrigger? action = null)
    {
        _action = action;
        _schedule = schedule;
        _pipelines = pipelines;
        _timer = timer;
        _wakeErrors = wakeErrors;
        _lateToleranceNs = lateToleranceNs;
        _fault = fault;
        _next = firstIndex;
        _end = endIndex;
    }

    /// <summary>When the loop was ready to fire its first slot (after its first-call costs), ns on the shared timeline; 0 before.</summary>
    public long ReadyNs => Volatile.Read(ref _readyNs);

    /// <summary>Slots skipped as late because they were due before the loop was ready (<see cref="ReadyNs"/>): the take's
    /// setup outlasted its lead. Read once the trigger thread has ended.</summary>
    public LateSlotRuns DueBeforeReady { get; } = new();

    /// <summary>Slots skipped as late because the thread woke more than the tolerance after their deadline. Read once
    /// the trigger thread has ended.</summary>
    public LateSlotRuns WokeLate { get; } = new();

    /// <summary>CameraScheduler: arms every camera's scheduler from the given slot on (called once on the trigger thread, before
    /// its first slot; camera failures are the callee's to record).</summary>
    public Action<long>? ArmSchedulers { get; set; }

    /// <summary>Slots whose action command could not be sent (the socket refused it). Read once the trigger thread has ended.</summary>
    public LateSlotRuns SendFailures { get; } = new();

    /// <summary>The next index to fire.</summary>
    public long NextIndex => Volatile.Read(ref _next);

    /// <summary>One past the last index to fire.</summary>
    public long EndIndex => Volatile.Read(ref _end);

    /// <summary>
    /// One past the last slot of the take once the thread has ended: <see cref="EndIndex"/>, or <see cref="NextIndex"/>
    /// when a stop moved the end below a slot that was being fired at that moment (a fired slot is never dropped).
    /// </summary>
    public long FinalEndIndex => Math.Max(EndIndex, NextIndex);

    /// <summary>Moves the end earlier (never later); returns the end now in force.</summary>
    public long StopBefore(long index)
    {
        long current;
        do
        {
            current = Volatile.Read(ref _end);
            if (index >= current) return current;
        } while (Interlocked.CompareExchange(ref _end, index, current) != current);
        return index;
    }

    /// <summary>
    /// JIT-compiles what the first trigger runs, before its deadline: otherwise frame 0 pays for compiling
    /// <c>Post</c> and each backend's <c>Trigger</c> between cameras (measured: 2.1 ms of skew on frame 0 without this, 0.6-0.8 ms with it; the rest is the backends' own
    /// first-call JIT).
    /// </summary>
    private void PrepareHotPath()
    {
        static void Prepare(Type type, string name)
        {
            foreach (var m in type.GetMethods(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
                if (m.Name == name && !m.IsAbstract && !m.ContainsGenericParameters)
                    System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(m.MethodHandle);
        }
        Prepare(typeof(CameraPipeline), nameof(CameraPipeline.Post));
        Prepare(typeof(TriggerPort), nameof(TriggerPort.Fire));
        Prepare(typeof(WakeErrorStatistics), nameof(WakeErrorStatistics.Record));
        Prepare(typeof(SharedTimeline), nameof(SharedTimeline.NowNs));
        Prepare(typeof(FrameSchedule), nameof(FrameSchedule.TimeOf));
        Prepare(typeof(TriggerPort), nameof(TriggerPort.FireGroup));
        Prepare(typeof(TriggerPort), "OweLostOrLate");
        if (_action is not null)
        {
            Prepare(typeof(ActionTrigger), nameof(ActionTrigger.Fire));
            Prepare(typeof(ActionTrigger), nameof(ActionTrigger.InTime));
            Prepare(typeof(Gvcp.GvcpActionSender), nameof(Gvcp.GvcpActionSender.Send));
        }
        foreach (var m in typeof(SpscQueue<TriggerNotice>).GetMethods())
            if (m.DeclaringType == typeof(SpscQueue<TriggerNotice>))
                System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(m.MethodHandle, new[] { typeof(TriggerNotice).TypeHandle });
        foreach (var p in _pipelines)
            Prepare(p.Camera.GetType(), nameof(Cameras.ICamera.Trigger));
        SharedTimeline.NowNs();
    }

    /// <summary>Frame index of the warm-up trigger (never a schedule index).</summary>
    public const long WarmUpFrameIndex = long.MinValue;

    /// <summary>The warm-up trigger is fired only when the first deadline is at least this far away, ns (300 ms).</summary>
    public const long WarmUpLeadNs = 300_000_000;

    /// <summary>
    /// Fires one trigger per camera well before the first slot, so that frame 0 does not pay for first-call costs in the
    /// backends and the cameras (measured on simulated cameras: 0.7-2 ms of skew between cameras on frame 0 without
    /// it; Aravis' emulator merges triggers until it has sent a first frame). Its frames arrive before any slot and
    /// are counted as warm-up frames, not as faults. Skipped when T0 is less than <see cref="WarmUpLeadNs"/> away.
    /// </summary>
    /// <remarks>Called once the cameras stream, before the trigger thread starts (JIT and caches are process-wide).</remarks>
    public void WarmUp()
    {
        long first = _schedule.TimeOf(NextIndex);
        if (first - SharedTimeline.NowNs() < WarmUpLeadNs)
            return;
        if (_action is not null)
        {
            try
            {
                _action.WarmUp();
            }
            catch (Exception e)
            {
                _fault(null, TakeFaultSource.Trigger, $"the warm-up action command failed: {e.Message}", e);
            }
            return;
        }
        foreach (var p in _pipelines)
        {
            try
            {
                p.Camera.Trigger(WarmUpFrameIndex);
            }
            catch (Exception e)
            {
                _fault(p.CameraId, TakeFaultSource.Trigger, $"the warm-up trigger failed: {e.Message}", e);
            }
        }
    }

    public void Run(CancellationToken cancel)
    {
        try
        {
            PrepareHotPath();
            long ready = SharedTimeline.NowNs();
            Volatile.Write(ref _readyNs, ready);
            long lead = _action?.LeadNs ?? 0;
            // CameraScheduler: the cameras start firing at the slot they are armed for, whatever the host does, so they are
            // armed here, once this thread is ready, for the first slot it can still announce in time; earlier slots are late.
            long armedFrom = long.MinValue;
            if (_action?.Mode == Cameras.SyncTriggerMode.CameraScheduler)
            {
                armedFrom = NextIndex;
                long announceBy = SharedTimeline.NowNs() + ActionTrigger.ArmMarginNs;
                while (armedFrom < EndIndex && _schedule.TimeOf(armedFrom) - lead < announceBy)
                    armedFrom++;
                if (armedFrom < EndIndex)
                    ArmSchedulers?.Invoke(armedFrom);
            }
            for (long n = NextIndex; n < EndIndex; n = Volatile.Read(ref _next))
            {
                long due = _schedule.TimeOf(n);
                long wakeAt = due - lead; // the camera-timed modes handle a slot ahead of Tn
                long woke = _timer.WaitUntil(wakeAt, cancel);
                if (woke < 0)
                {
                    StopBefore(n);
                    break;
                }
                if (n >= EndIndex)
                    break;
                long error = woke - wakeAt;
                // A slot due before the loop was ready was never waited for: its "error" is the setup's overrun (it is
                // TriggerLate and named by its own fault), not a wake-up of the timer.
                if (wakeAt >= ready)
                    _wakeErrors.Record(error);
                if (_action is null)
                {
                    bool late = error > _lateToleranceNs;
                    if (late)
                        (wakeAt < ready ? DueBeforeReady : WokeLate).Add(n);
                    foreach (var p in _pipelines)
                        p.Port!.Fire(n, due, late);
                }
                else
                {
                    bool late = n < armedFrom || !_action.InTime(woke, due, _lateToleranceNs);
                    if (late)
                        (wakeAt < ready || n < armedFrom ? DueBeforeReady : WokeLate).Add(n);
                    long triggerNs = 0;
                    if (!late)
                    {
                        try
                        {
                            triggerNs = _action.Fire(n, due);
                        }
                        catch (System.Net.Sockets.SocketException e)
                        {
                            // No packet left: the slot is lost for every camera alike, and said so once per run of them.
                            late = true;
                            if (SendFailures.Slots == 0 || SendFailures.LastIndex != n - 1)
                                _fault(null, TakeFaultSource.Trigger, $"sending the action command for frame {n} failed: {e.Message}", e);
                            SendFailures.Add(n);
                        }
                    }
                    foreach (var p in _pipelines)
                        p.Port!.FireGroup(n, due, late, triggerNs);
                }
                Volatile.Write(ref _next, n + 1);
            }
        }
        catch (Exception e)
        {
            _fault(null, TakeFaultSource.Trigger, $"the trigger thread stopped: {e.Message}", e);
            StopBefore(NextIndex);
        }
        finally
        {
            foreach (var p in _pipelines)
            {
                try { p.Port!.Complete(); }
                catch (Exception e) { _fault(p.CameraId, TakeFaultSource.Trigger, $"ending the camera's trigger path failed: {e.Message}", e); p.CompleteTriggers(); }
            }
        }
    }
}
