namespace PsCamSync.Core.Timing;

/// <summary>
/// What the trigger thread asks of the OS. Every request is optional; what is refused is recorded.
/// <see cref="DeadlineTimer"/> checks the values when it is created and copies them, so later changes to this
/// object do not reach a timer already made.
/// </summary>
public sealed class TriggerTimerOptions
{
    /// <summary>
    /// Spin this many ns before each deadline after the sleep (default 200 µs; 0 = sleep only); 0 to 50 ms.
    /// </summary>
    public long SpinNs { get; set; } = 200_000;

    /// <summary>
    /// PR_SET_TIMERSLACK value in ns (default 1; Linux's default is 50 000); 0 restores the thread's default.
    /// Linux 6.11 and later ignore timer slack for SCHED_FIFO threads (they run with none), and read it back as 0.
    /// </summary>
    public long TimerSlackNs { get; set; } = 1;

    /// <summary>SCHED_FIFO priority 1-99 (default 80), or 0 to stay SCHED_OTHER.</summary>
    public int FifoPriority { get; set; } = 80;

    /// <summary>mlockall(MCL_CURRENT|MCL_FUTURE) when true (default). Locks the whole process, not one thread.</summary>
    public bool LockMemory { get; set; } = true;

    /// <summary>
    /// Re-sample the realtime/monotonic mapping at least this often, ns (default 100 ms, at least 1 ms), to follow
    /// PTP slews.
    /// </summary>
    public long RemapIntervalNs { get; set; } = 100_000_000;
}
