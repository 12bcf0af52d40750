using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Timing;

/// <summary>
/// Sleeps the calling thread until deadlines on the shared timeline: each deadline is mapped onto CLOCK_MONOTONIC
/// and slept on with <c>clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)</c>, then spun for the last
/// <see cref="TriggerTimerOptions.SpinNs"/>. Long waits are cut into slices so a PTP slew is followed and a
/// cancellation is seen within a slice. Used by one thread; allocation-free per wait.
/// </summary>
/// <remarks>
/// Sleeping on CLOCK_MONOTONIC rather than CLOCK_REALTIME keeps a wait from stretching or hanging when
/// CLOCK_REALTIME is slewed or stepped; the mapping between the two is re-sampled at least every
/// <see cref="TriggerTimerOptions.RemapIntervalNs"/>. The wait never ends early on the shared timeline: after
/// reaching the mapped monotonic deadline it reads CLOCK_REALTIME, and if that is still short of the deadline (the
/// clock was slewed or stepped back since the last sample) it re-samples the mapping and waits on. A forward step
/// of CLOCK_REALTIME is followed at the next re-sample, so a wait spanning one can end up to one remap interval late.
/// The scheme (absolute monotonic sleep, then a short spin) is the one rt-tests' cyclictest measures and the
/// mocap-toolkit trigger uses.
/// </remarks>
public sealed class DeadlineTimer
{
    /// <summary>The longest single sleep, ns (50 ms): cancellation and clock re-mapping are checked this often.</summary>
    public const long MaxSliceNs = 50_000_000;

    private const int MappingTries = 7;

    private readonly long _spinNs;
    private readonly long _timerSlackNs;
    private readonly int _fifoPriority;
    private readonly bool _lockMemory;
    private readonly long _remapIntervalNs;
    private readonly long _sliceNs;

    private long _offsetNs;
    private long _bracketNs;
    private long _sampledAtMonotonicNs;
    private long _remapCount;

    /// <summary>Creates a timer with the given options (copied) and samples the clock mapping once.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="InvalidCaptureArgumentException">An option is out of range (named by its property name).</exception>
    public DeadlineTimer(TriggerTimerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SpinNs < 0 || options.SpinNs > MaxSliceNs)
            throw new InvalidCaptureArgumentException(nameof(options.SpinNs), $"the spin window must be 0 to {MaxSliceNs} ns (50 ms); got {options.SpinNs} ns. 200000 (200 µs) is a good value, 0 sleeps only.");
        if (options.TimerSlackNs < 0)
            throw new InvalidCaptureArgumentException(nameof(options.TimerSlackNs), $"the timer slack must not be negative; got {options.TimerSlackNs} ns. Use 1 for the tightest sleeps.");
        if (options.FifoPriority is < 0 or > 99)
            throw new InvalidCaptureArgumentException(nameof(options.FifoPriority), $"the SCHED_FIFO priority must be 1 to 99, or 0 for none; got {options.FifoPriority}.");
        if (options.RemapIntervalNs < 1_000_000)
            throw new InvalidCaptureArgumentException(nameof(options.RemapIntervalNs), $"the remap interval must be at least 1 ms (1000000 ns); got {options.RemapIntervalNs} ns.");
        _spinNs = options.SpinNs;
        _timerSlackNs = options.TimerSlackNs;
        _fifoPriority = options.FifoPriority;
        _lockMemory = options.LockMemory;
        _remapIntervalNs = options.RemapIntervalNs;
        _sliceNs = Math.Min(MaxSliceNs, options.RemapIntervalNs);
        Remap();
        _remapCount = 0;
    }

    /// <summary>How often the clock mapping has been re-sampled since the timer was created.</summary>
    public long RemapCount => _remapCount;

    /// <summary>The mapping in use now, as a new object (allocates: for diagnostics, not the trigger loop).</summary>
    public ClockMapping CurrentMapping =>
        new() { OffsetNs = _offsetNs, BracketNs = _bracketNs, SampledAtMonotonicNs = _sampledAtMonotonicNs };

    /// <summary>
    /// Applies timer slack, SCHED_FIFO and mlockall to the calling thread/process as the options ask, and
    /// reports what was granted and refused. Never throws for a refused setting.
    /// </summary>
    /// <remarks>
    /// Order: PR_SET_TIMERSLACK first (Linux 6.11+ ignores it once the thread is SCHED_FIFO), then
    /// <c>sched_setscheduler(0, SCHED_FIFO)</c> on the calling thread, then <c>mlockall(MCL_CURRENT|MCL_FUTURE)</c>
    /// on the process. The report's <see cref="TriggerThreadReport.FifoPriority"/> and
    /// <see cref="TriggerThreadReport.TimerSlackNs"/> are read back from the kernel afterwards
    /// (<c>sched_getscheduler</c>/<c>sched_getparam</c>, <c>PR_GET_TIMERSLACK</c>), so they say what the thread
    /// has, whoever set it. Each refusal is listed as e.g. <c>SCHED_FIFO 80: EPERM (Operation not permitted)</c>.
    /// </remarks>
    /// <returns>A new report; its wake-error fields are left 0 (see <see cref="WakeErrorStatistics.Fill"/>).</returns>
    public TriggerThreadReport ApplyToCurrentThread() =>
        TriggerThreadTuning.Apply(_timerSlackNs, _fifoPriority, _lockMemory, _spinNs);

    /// <summary>
    /// Blocks until the shared timeline reaches <paramref name="deadlineNs"/> or <paramref name="cancel"/> is set.
    /// A deadline already past returns at once; cancellation is checked first and at least once per
    /// <see cref="MaxSliceNs"/>. Allocates nothing.
    /// </summary>
    /// <param name="deadlineNs">The deadline on the shared timeline, ns since the Unix epoch.</param>
    /// <param name="cancel">Ends the wait early with -1.</param>
    /// <returns>The shared-timeline time at wake-up (never before <paramref name="deadlineNs"/>), ns; or -1 when cancelled.</returns>
    /// <exception cref="InvalidOperationException">clock_gettime or clock_nanosleep failed other than by EINTR.</exception>
    public long WaitUntil(long deadlineNs, CancellationToken cancel)
    {
        while (true)
        {
            if (cancel.IsCancellationRequested)
                return -1;
            long mono = MonotonicClock.NowNs();
            if (mono - _sampledAtMonotonicNs >= _remapIntervalNs)
            {
                Remap();
                mono = MonotonicClock.NowNs();
            }
            long target = deadlineNs - _offsetNs;
            long remaining = target - mono;
            if (remaining > _spinNs)
            {
                SleepUntilMonotonic(Math.Min(target - _spinNs, mono + _sliceNs));
                continue;
            }
            while (remaining > 0)
            {
                if (cancel.IsCancellationRequested)
                    return -1;
                remaining = target - MonotonicClock.NowNs();
            }
            long now = SharedTimeline.NowNs();
            if (now >= deadlineNs)
                return now;
            // CLOCK_REALTIME was slewed or stepped back since the mapping was sampled: re-map and wait on.
            Remap();
        }
    }

    private void Remap()
    {
        ClockMapping.SampleInto(MappingTries, out _offsetNs, out _bracketNs, out _sampledAtMonotonicNs);
        _remapCount++;
    }

    private static void SleepUntilMonotonic(long monotonicNs)
    {
        var request = LibC.Timespec.FromNs(monotonicNs);
        int error = LibC.ClockNanosleep(LibC.CLOCK_MONOTONIC, LibC.TIMER_ABSTIME, in request, IntPtr.Zero);
        // EINTR: a signal woke us; the caller's loop re-checks the time and sleeps again.
        if (error != 0 && error != LibC.EINTR)
            throw new InvalidOperationException($"clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, {monotonicNs} ns) failed: {LibC.Describe(error)}");
    }
}
