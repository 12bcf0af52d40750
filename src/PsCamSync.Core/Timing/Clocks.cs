namespace PsCamSync.Core.Timing;

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
/// One realtime-to-monotonic offset: CLOCK_MONOTONIC, CLOCK_REALTIME and CLOCK_MONOTONIC read back to back
/// several times, the try with the narrowest monotonic bracket kept, the realtime read taken to fall at the
/// bracket's midpoint. A mapping holds only while nobody slews or steps CLOCK_REALTIME; under PTP re-sample it
/// often (<see cref="DeadlineTimer"/> does so at least every <see cref="TriggerTimerOptions.RemapIntervalNs"/>).
/// </summary>
public sealed class ClockMapping
{
    /// <summary>Samples the two clocks <paramref name="tries"/> times and keeps the tightest bracket.</summary>
    /// <param name="tries">How many back-to-back triples to read; at least 1 (default 7).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tries"/> is less than 1.</exception>
    public static ClockMapping Sample(int tries = 7)
    {
        SampleInto(tries, out long offset, out long bracket, out long at);
        return new ClockMapping { OffsetNs = offset, BracketNs = bracket, SampledAtMonotonicNs = at };
    }

    /// <summary>The allocation-free core of <see cref="Sample"/>, for the trigger thread.</summary>
    internal static void SampleInto(int tries, out long offsetNs, out long bracketNs, out long sampledAtMonotonicNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tries, 1);
        bracketNs = long.MaxValue;
        offsetNs = 0;
        sampledAtMonotonicNs = 0;
        for (int i = 0; i < tries; i++)
        {
            long before = LibC.Now(LibC.CLOCK_MONOTONIC);
            long real = LibC.Now(LibC.CLOCK_REALTIME);
            long after = LibC.Now(LibC.CLOCK_MONOTONIC);
            long width = after - before;
            if (width < bracketNs)
            {
                long mid = before + width / 2;
                bracketNs = width;
                offsetNs = real - mid;
                sampledAtMonotonicNs = mid;
            }
        }
    }

    /// <summary>CLOCK_REALTIME minus CLOCK_MONOTONIC at sampling, ns.</summary>
    public long OffsetNs { get; init; }

    /// <summary>Width of the monotonic bracket around the realtime read, ns (the mapping's uncertainty).</summary>
    public long BracketNs { get; init; }

    /// <summary>CLOCK_MONOTONIC when sampled (the midpoint of the kept bracket), ns.</summary>
    public long SampledAtMonotonicNs { get; init; }

    /// <summary>Maps a shared-timeline time to CLOCK_MONOTONIC.</summary>
    public long ToMonotonic(long realtimeNs) => realtimeNs - OffsetNs;

    /// <summary>Maps a CLOCK_MONOTONIC time to the shared timeline.</summary>
    public long ToRealtime(long monotonicNs) => monotonicNs + OffsetNs;
}
