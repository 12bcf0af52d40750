namespace PsCamSync.Core.Timing;

// STUB (skeleton): ClockMapping.Sample and DeadlineTimer are stubs the timing helper replaces;
// SharedTimeline and MonotonicClock are real.

/// <summary>The shared timeline: CLOCK_REALTIME in Int64 ns since the Unix epoch (PTP-disciplined by ptp4l/phc2sys).</summary>
public static class SharedTimeline
{
    /// <summary>Now on the shared timeline, ns since 1970-01-01T00:00:00Z.</summary>
    public static long NowNs() => LibC.Now(LibC.CLOCK_REALTIME);

    /// <summary>Converts shared-timeline ns to a UTC DateTimeOffset (truncated to 100 ns ticks), for people.</summary>
    public static DateTimeOffset ToDateTimeOffset(long ns) =>
        DateTimeOffset.UnixEpoch.AddTicks(ns / TimeSpan.NanosecondsPerTick);

    /// <summary>Converts a DateTimeOffset to shared-timeline ns (exact: ticks are 100 ns).</summary>
    public static long FromDateTimeOffset(DateTimeOffset time) =>
        checked((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * TimeSpan.NanosecondsPerTick);
}

/// <summary>CLOCK_MONOTONIC in Int64 ns: never slewed by PTP, what deadlines are slept on.</summary>
public static class MonotonicClock
{
    /// <summary>Now on CLOCK_MONOTONIC, ns.</summary>
    public static long NowNs() => LibC.Now(LibC.CLOCK_MONOTONIC);
}

/// <summary>
/// One realtime-to-monotonic offset: both clocks sampled back to back several times, the tightest bracket kept.
/// </summary>
public sealed class ClockMapping
{
    /// <summary>Samples the two clocks <paramref name="tries"/> times and keeps the tightest bracket.</summary>
    public static ClockMapping Sample(int tries = 7) => throw new NotImplementedException();

    /// <summary>CLOCK_REALTIME minus CLOCK_MONOTONIC at sampling, ns.</summary>
    public long OffsetNs { get; init; }

    /// <summary>Width of the monotonic bracket around the realtime read, ns (the mapping's uncertainty).</summary>
    public long BracketNs { get; init; }

    /// <summary>CLOCK_MONOTONIC when sampled, ns.</summary>
    public long SampledAtMonotonicNs { get; init; }

    /// <summary>Maps a shared-timeline time to CLOCK_MONOTONIC.</summary>
    public long ToMonotonic(long realtimeNs) => realtimeNs - OffsetNs;

    /// <summary>Maps a CLOCK_MONOTONIC time to the shared timeline.</summary>
    public long ToRealtime(long monotonicNs) => monotonicNs + OffsetNs;
}

/// <summary>What the trigger thread asks of the OS. Every request is optional; what is refused is recorded.</summary>
public sealed class TriggerTimerOptions
{
    /// <summary>Spin this many ns before each deadline after the sleep (default 200 µs; 0 = sleep only).</summary>
    public long SpinNs { get; set; } = 200_000;
    /// <summary>PR_SET_TIMERSLACK value in ns (default 1; Linux's default is 50 000).</summary>
    public long TimerSlackNs { get; set; } = 1;
    /// <summary>SCHED_FIFO priority 1-99 (default 80), or 0 to stay SCHED_OTHER.</summary>
    public int FifoPriority { get; set; } = 80;
    /// <summary>mlockall(MCL_CURRENT|MCL_FUTURE) when true (default).</summary>
    public bool LockMemory { get; set; } = true;
    /// <summary>Re-sample the realtime/monotonic mapping at least this often, ns (default 100 ms), to follow PTP slews.</summary>
    public long RemapIntervalNs { get; set; } = 100_000_000;
}

/// <summary>
/// Sleeps the calling thread until deadlines on the shared timeline: each deadline is mapped onto CLOCK_MONOTONIC
/// and slept on with <c>clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)</c>, then spun for the last
/// <see cref="TriggerTimerOptions.SpinNs"/>. Long waits are cut into slices so a PTP slew is followed and a
/// cancellation is seen within a slice. Used by one thread; allocation-free per wait.
/// </summary>
public sealed class DeadlineTimer
{
    /// <summary>Creates a timer with the given options.</summary>
    public DeadlineTimer(TriggerTimerOptions options) => throw new NotImplementedException();

    /// <summary>
    /// Applies timer slack, SCHED_FIFO and mlockall to the calling thread/process as the options ask, and
    /// reports what was granted and refused. Never throws for a refused setting.
    /// </summary>
    public Takes.TriggerThreadReport ApplyToCurrentThread() => throw new NotImplementedException();

    /// <summary>
    /// Blocks until the shared timeline reaches <paramref name="deadlineNs"/> or <paramref name="cancel"/> is set.
    /// </summary>
    /// <returns>The shared-timeline time at wake-up, ns; or -1 when cancelled.</returns>
    public long WaitUntil(long deadlineNs, CancellationToken cancel) => throw new NotImplementedException();
}
