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

    /// <summary>The longest frame period, ns: 365 days. Longer periods leave no room on the shared timeline (which ends
    /// in 2262) for even a few frames, and frame rates below one frame a year are typing errors.</summary>
    public const long MaxPeriodNs = 365L * 86_400 * NanosPerSecond;

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
        if (periodNs > MaxPeriodNs)
            throw new InvalidCaptureArgumentException("Period", $"the frame period must be at most 365 days; got {periodNs} ns. Give a shorter -Period or a higher -FrameRate.");
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
        if (NanosPerSecond / frameRateHz > MaxPeriodNs)
            throw new InvalidCaptureArgumentException("FrameRate", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the frame rate must be at least one frame in 365 days ({(double)NanosPerSecond / MaxPeriodNs:0.##E+0} Hz); got {frameRateHz} Hz. Use e.g. -FrameRate 60, or -Period for slow time-lapses."));
        return (long)Math.Round(NanosPerSecond / frameRateHz, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// Builds the schedule of a take given as a rate and a duration: the period is <see cref="PeriodFromFrameRate"/>,
    /// the frame count <see cref="FrameCountFor"/>. The cmdlets (through <c>CapturePlan</c>), the C# runner and the bench
    /// all build their schedules here, so the same rate and duration give the same schedule on every host.
    /// </summary>
    /// <param name="startNs">T0, ns on the shared timeline.</param>
    /// <param name="frameRateHz">Frames per second.</param>
    /// <param name="durationNs">Take length in ns.</param>
    /// <exception cref="InvalidCaptureArgumentException">A value is out of range (names <c>FrameRate</c>, <c>Duration</c> or <c>StartTime</c>).</exception>
    public static FrameSchedule FromRateAndDuration(long startNs, double frameRateHz, long durationNs) =>
        new(startNs, PeriodFromFrameRate(frameRateHz), FrameCountFor(durationNs, frameRateHz), null);

    /// <summary>
    /// Builds the schedule of a take given as a whole-ns period and a duration: the frame count is
    /// <see cref="FrameCountFor"/> at the rate the period stands for (<c>1e9 / period</c>), the same rule as for a rate.
    /// </summary>
    /// <param name="startNs">T0, ns on the shared timeline.</param>
    /// <param name="periodNs">Frame period in ns; at least 1 µs.</param>
    /// <param name="durationNs">Take length in ns.</param>
    /// <exception cref="InvalidCaptureArgumentException">A value is out of range (names <c>Period</c>, <c>Duration</c> or <c>StartTime</c>).</exception>
    public static FrameSchedule FromPeriodAndDuration(long startNs, long periodNs, long durationNs)
    {
        if (periodNs < 1_000)
            throw new InvalidCaptureArgumentException("Period", $"the frame period must be at least 1 µs (1000 ns); got {periodNs} ns. Give a positive -FrameRate of at most 1 MHz or a longer -Period.");
        return new(startNs, periodNs, FrameCountFor(durationNs, (double)NanosPerSecond / periodNs), null);
    }

    /// <summary>
    /// How many frames a take of <paramref name="durationNs"/> at <paramref name="frameRateHz"/> holds: the one
    /// frame-count formula of the module, <c>round(duration × rate)</c>, half a frame rounding up, and at least 1.
    /// </summary>
    /// <remarks>
    /// <para>Frames are counted at the rate given, not in whole-ns periods, so the period's rounding is forgiven: 1 s at
    /// 60 Hz is 60 frames, although 60 periods of 16 666 667 ns last 20 ns more than 1 s.</para>
    /// <para>A duration that is a whole number of frames within floating-point error gives exactly that number
    /// (0.1 s × 30 Hz is 3.0000000000000004 in binary: 3 frames). Any other duration gives the nearest whole number,
    /// not the floor or the ceiling, because durations are decimal approximations of whole frame counts (the user
    /// types 16.333 s for 979 frames at 59.94 Hz, which is 979.00002 frames, and 16.683 s for 1000 frames, which is
    /// 999.9999), and a TimeSpan keeps only 100 ns ticks. Floor and ceiling change at whole counts, exactly where such
    /// durations fall, so the last typed digit or tick would drop or add a frame, and hosts given "the same" duration
    /// in different forms could disagree. Rounding changes half a frame away from every whole count, where no
    /// duration aims. A half frame rounds up, to within 10⁻⁹ frame, so binary rounding cannot move an exact half.</para>
    /// <para>A stop time is different: <see cref="StopNs"/> and <see cref="WithStopAt"/> take every frame due before it.</para>
    /// </remarks>
    /// <param name="durationNs">Take length, ns; positive.</param>
    /// <param name="frameRateHz">Frames per second; positive and finite.</param>
    /// <exception cref="InvalidCaptureArgumentException">A duration that is not positive or holds more frames than can be
    /// counted (names <c>Duration</c>), or a rate that is not a positive number (names <c>FrameRate</c>).</exception>
    public static long FrameCountFor(long durationNs, double frameRateHz)
    {
        if (durationNs <= 0)
            throw new InvalidCaptureArgumentException("Duration", $"the duration must be positive; got {durationNs} ns. Use e.g. -Duration 00:00:10.");
        if (!double.IsFinite(frameRateHz) || frameRateHz <= 0)
            throw new InvalidCaptureArgumentException("FrameRate", $"the frame rate must be a positive number of Hz; got {frameRateHz}. Use e.g. -FrameRate 60.");
        double frames = durationNs / (double)NanosPerSecond * frameRateHz;
        if (!(frames < long.MaxValue / 2))
            throw new InvalidCaptureArgumentException("Duration", "the take would hold more frames than can be counted; give a shorter -Duration.");
        return Math.Max(1, (long)Math.Floor(frames + 0.5 + HalfFrameTolerance));
    }

    /// <summary>How far below an exact half frame a count still rounds up, in frames: binary rounding of duration × rate.</summary>
    private const double HalfFrameTolerance = 1e-9;

    /// <summary>
    /// Seconds as whole ns, rounded to the nearest ns (a cast would truncate: 16.333 × 1e9 is just under 16 333 000 000 in binary).
    /// For callers that take seconds as a number (the C# runner, the bench).
    /// </summary>
    /// <exception cref="OverflowException">Not finite, or beyond ±292 years.</exception>
    public static long NanosFromSeconds(double seconds) => checked((long)Math.Round(seconds * NanosPerSecond));

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
        if (leadNs > long.MaxValue - nowNs - periodNs)
            throw new InvalidCaptureArgumentException("Lead", $"a lead of {leadNs} ns would start the take after the year 2262, which the shared timeline cannot represent; give a shorter -Lead.");
        long earliest = nowNs + leadNs;
        return CeilDiv(earliest, periodNs) * periodNs;
    }

    private static long CeilDiv(long a, long b) => a <= 0 ? -((-a) / b) : (a + b - 1) / b;
}
