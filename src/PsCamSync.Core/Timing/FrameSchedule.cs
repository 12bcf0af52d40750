using System.Text.Json.Serialization;

namespace PsCamSync.Core.Timing;

/// <summary>
/// The frame grid of a take on the shared timeline: frame <c>n</c> is due at <c>Tn = StartNs + n * PeriodNs</c>
/// (CLOCK_REALTIME nanoseconds since the Unix epoch). Every host computes the same <c>Tn</c> from the same
/// broadcast start, so the index <c>n</c> names one frame set on every host. <c>Tn</c> is always computed from
/// <c>n</c>, never accumulated, so it carries no rounding drift however long the take.
/// </summary>
/// <remarks>
/// The end is either <see cref="FrameCount"/> (frames 0 .. FrameCount-1) or <see cref="StopNs"/> (every frame with
/// <c>Tn &lt; StopNs</c>), never both. A host that starts after <see cref="StartNs"/> joins at
/// <see cref="FirstIndexAtOrAfter"/>, on the same grid, and ends on the same frame as everyone else.
/// Plain data: serialises to JSON as its four properties.
/// </remarks>
public sealed record FrameSchedule
{
    /// <summary>One second in nanoseconds.</summary>
    public const long NanosPerSecond = 1_000_000_000L;

    /// <summary>Creates a schedule.</summary>
    /// <param name="startNs">T0 on the shared timeline, ns since the Unix epoch (CLOCK_REALTIME / PTP-disciplined).</param>
    /// <param name="periodNs">Frame period in ns; at least 1 µs.</param>
    /// <param name="frameCount">Number of frames counted from T0, or null when <paramref name="stopNs"/> ends the take.</param>
    /// <param name="stopNs">Stop time on the shared timeline (exclusive), or null when <paramref name="frameCount"/> does.</param>
    /// <exception cref="InvalidCaptureArgumentException">A value is out of range, or both or neither end is given.</exception>
    [JsonConstructor]
    public FrameSchedule(long startNs, long periodNs, long? frameCount, long? stopNs)
    {
        if (periodNs < 1_000)
            throw new InvalidCaptureArgumentException("Period", $"the frame period must be at least 1 µs (1000 ns); got {periodNs} ns. Give a positive -FrameRate of at most 1 MHz or a longer -Period.");
        if (startNs <= 0)
            throw new InvalidCaptureArgumentException("StartTime", $"the start must be a time on the shared timeline (ns since 1970-01-01 UTC); got {startNs}.");
        if (frameCount is not null && stopNs is not null)
            throw new InvalidCaptureArgumentException("FrameCount", "give either -Duration (or a stop time) or -FrameCount, not both.");
        if (frameCount is null && stopNs is null)
            throw new InvalidCaptureArgumentException("FrameCount", "give -Duration or -FrameCount so the take has an end.");
        if (frameCount is <= 0)
            throw new InvalidCaptureArgumentException("FrameCount", $"the frame count must be positive; got {frameCount}.");
        if (stopNs is not null && stopNs <= startNs)
            throw new InvalidCaptureArgumentException("Duration", "the stop time must come after the start; give a positive -Duration.");
        StartNs = startNs;
        PeriodNs = periodNs;
        FrameCount = frameCount;
        StopNs = stopNs;
    }

    /// <summary>T0: when frame 0 is due, ns since the Unix epoch on the shared timeline.</summary>
    public long StartNs { get; }

    /// <summary>Frame period in ns.</summary>
    public long PeriodNs { get; }

    /// <summary>Frames counted from T0 (frames 0 .. FrameCount-1), or null when <see cref="StopNs"/> ends the take.</summary>
    public long? FrameCount { get; }

    /// <summary>Exclusive stop time on the shared timeline, or null when <see cref="FrameCount"/> ends the take.</summary>
    public long? StopNs { get; }

    /// <summary>The frame rate in Hz that <see cref="PeriodNs"/> stands for.</summary>
    [JsonIgnore]
    public double FrameRateHz => (double)NanosPerSecond / PeriodNs;

    /// <summary>
    /// The index one past the last frame: <c>FrameCount</c>, or the first <c>n</c> with <c>Tn &gt;= StopNs</c>.
    /// </summary>
    [JsonIgnore]
    public long EndIndex => FrameCount ?? CeilDiv(StopNs!.Value - StartNs, PeriodNs);

    /// <summary>Converts a frame rate to the whole-ns period every host uses: <c>round(1e9 / hz)</c>.</summary>
    /// <param name="frameRateHz">Frames per second; positive and at most 1 MHz.</param>
    /// <exception cref="InvalidCaptureArgumentException">The rate is zero, negative, not finite or above 1 MHz.</exception>
    public static long PeriodFromFrameRate(double frameRateHz)
    {
        if (!double.IsFinite(frameRateHz) || frameRateHz <= 0)
            throw new InvalidCaptureArgumentException("FrameRate", $"the frame rate must be a positive number of Hz; got {frameRateHz}. Use e.g. -FrameRate 60.");
        if (frameRateHz > 1_000_000)
            throw new InvalidCaptureArgumentException("FrameRate", $"the frame rate must be at most 1 MHz; got {frameRateHz} Hz.");
        return (long)Math.Round(NanosPerSecond / frameRateHz, MidpointRounding.AwayFromZero);
    }

    /// <summary>Builds a schedule from a rate and a duration, the way the cmdlets do.</summary>
    /// <param name="startNs">T0, ns on the shared timeline.</param>
    /// <param name="frameRateHz">Frames per second.</param>
    /// <param name="durationNs">Take length in ns; the take holds <c>ceil(duration × rate)</c> frames (the whole-ns
    /// period's rounding is forgiven, so 1 s at 30 Hz is 30 frames).</param>
    public static FrameSchedule FromRateAndDuration(long startNs, double frameRateHz, long durationNs)
    {
        if (durationNs <= 0)
            throw new InvalidCaptureArgumentException("Duration", $"the duration must be positive; got {durationNs} ns.");
        long period = PeriodFromFrameRate(frameRateHz);
        // ceil(duration / period), forgiving the period's rounding: it is off the ideal 1e9/hz by at most 0.5 ns per
        // frame, so 1 s at 30 Hz (period 33 333 333 ns) is 30 frames, not 31.
        long whole = durationNs / period, rest = durationNs % period;
        return new FrameSchedule(startNs, period, rest <= (whole + 1) / 2 ? Math.Max(whole, 1) : whole + 1, null);
    }

    /// <summary>Tn: when frame <paramref name="n"/> is due, ns on the shared timeline.</summary>
    /// <exception cref="OverflowException">The time does not fit in Int64 (about year 2262).</exception>
    public long TimeOf(long n) => checked(StartNs + n * PeriodNs);

    /// <summary>
    /// The first frame index whose due time is at or after <paramref name="timeNs"/>; 0 when that is before T0.
    /// A late joiner starts here, on the same grid as everyone else.
    /// </summary>
    public long FirstIndexAtOrAfter(long timeNs) =>
        timeNs <= StartNs ? 0 : CeilDiv(timeNs - StartNs, PeriodNs);

    /// <summary>The index of the frame due at or before <paramref name="timeNs"/> (floor), or -1 before T0.</summary>
    public long IndexAtOrBefore(long timeNs) =>
        timeNs < StartNs ? -1 : (timeNs - StartNs) / PeriodNs;

    /// <summary>
    /// A copy that ends at the first frame due at or after <paramref name="stopNs"/> (exclusive), never later than
    /// this schedule ends. Every host given the same stop time stops on the same frame.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">The stop time is at or before T0, so no frame would remain.</exception>
    public FrameSchedule WithStopAt(long stopNs)
    {
        long end = Math.Min(EndIndex, FirstIndexAtOrAfter(stopNs));
        if (end < 1)
            throw new InvalidCaptureArgumentException("At", "the stop time is at or before the first frame of the take; stop now instead, or give a later -At.");
        return new FrameSchedule(StartNs, PeriodNs, end, null);
    }

    /// <summary>
    /// The start aligned on a grid of whole periods after <paramref name="nowNs"/> plus <paramref name="leadNs"/>:
    /// the first multiple of <paramref name="periodNs"/> since the epoch that is at least that late. Hosts that
    /// pick a start independently with the same period and a lead longer than their disagreement agree on it.
    /// </summary>
    public static long AlignedStart(long nowNs, long leadNs, long periodNs)
    {
        if (leadNs < 0)
            throw new InvalidCaptureArgumentException("Lead", $"the lead must not be negative; got {leadNs} ns.");
        long earliest = nowNs + leadNs;
        return CeilDiv(earliest, periodNs) * periodNs;
    }

    private static long CeilDiv(long a, long b) => a <= 0 ? -((-a) / b) : (a + b - 1) / b;
}
