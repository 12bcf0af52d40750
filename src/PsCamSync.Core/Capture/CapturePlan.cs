using System.Globalization;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>
/// The parameters of <c>Start-SyncCapture</c> as a user gives them, turned into a <see cref="FrameSchedule"/> and
/// <see cref="CaptureOptions"/>. Exactly one of each pair is given: <see cref="FrameRate"/> or <see cref="Period"/>,
/// <see cref="StartTime"/> or <see cref="Lead"/> (neither means <see cref="DefaultLead"/>), <see cref="Duration"/>
/// or <see cref="FrameCount"/>. Every error is an <see cref="InvalidCaptureArgumentException"/> naming the parameter.
/// </summary>
/// <remarks>
/// Hosts that share a take compute identical schedules when they are given the same values: the schedule is built by
/// <see cref="FrameSchedule"/>'s factories (<see cref="FrameSchedule.FromRateAndDuration"/>,
/// <see cref="FrameSchedule.FromPeriodAndDuration"/>), as in the C# runner and the bench, so the period is
/// <c>round(1e9 / FrameRate)</c> ns (or <see cref="Period"/> exactly) and a duration holds
/// <see cref="FrameSchedule.FrameCountFor"/> frames (<c>Duration × FrameRate</c> rounded to the nearest whole frame);
/// an absolute <see cref="StartTime"/> is taken to the 100 ns tick, and a <see cref="Lead"/> start is the next whole
/// multiple of the period since the epoch (<see cref="FrameSchedule.AlignedStart"/>), so hosts started within the
/// lead of each other with the same lead and period agree on T0.
/// </remarks>
public sealed class CapturePlan
{
    /// <summary>The lead used when neither <see cref="StartTime"/> nor <see cref="Lead"/> is given: 2 s.</summary>
    public static readonly TimeSpan DefaultLead = TimeSpan.FromSeconds(2);

    /// <summary>Frames per second (Hz); or null when <see cref="Period"/> is given.</summary>
    public double? FrameRate { get; init; }

    /// <summary>Frame period (whole 100 ns ticks); or null when <see cref="FrameRate"/> is given.</summary>
    public TimeSpan? Period { get; init; }

    /// <summary>Absolute time of frame 0 on the shared timeline; or null to start <see cref="Lead"/> from now.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>How long from now frame 0 is due at the earliest (default <see cref="DefaultLead"/>); not with <see cref="StartTime"/>.</summary>
    public TimeSpan? Lead { get; init; }

    /// <summary>Take length; the take holds <c>Duration × FrameRate</c> frames rounded to the nearest whole frame
    /// (<see cref="FrameSchedule.FrameCountFor"/>; with <see cref="Period"/>, <c>Duration / Period</c> likewise). Not with <see cref="FrameCount"/>.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Number of frames from frame 0. Not with <see cref="Duration"/>.</summary>
    public long? FrameCount { get; init; }

    /// <summary>RAM for all frame rings together, bytes; null lets the session size rings by time.</summary>
    public long? BufferMemory { get; init; }

    /// <summary>Exposure time to set on every camera, µs; null keeps each camera's own.</summary>
    public double? Exposure { get; init; }

    /// <summary>Video encoder (default built-in lossless Y4M).</summary>
    public VideoEncoder Encoder { get; init; } = VideoEncoder.Y4M;

    /// <summary>Take name; null names the take after its folder.</summary>
    public string? Name { get; init; }

    /// <summary>Trigger mode; null = the best mode every camera supports.</summary>
    public Cameras.SyncTriggerMode? TriggerMode { get; init; }

    /// <summary>Network interface for the ACTION_CMDs; null = the one whose subnet holds the cameras.</summary>
    public string? ActionInterface { get; init; }

    /// <summary>The frame period in ns from <see cref="FrameRate"/> or <see cref="Period"/>.</summary>
    /// <exception cref="InvalidCaptureArgumentException">Both or neither given (names <c>Period</c> or <c>FrameRate</c>),
    /// a rate that is not positive (<c>FrameRate</c>), or a period that is not positive (<c>Period</c>).</exception>
    public long PeriodNs()
    {
        if (FrameRate is not null && Period is not null)
            throw new InvalidCaptureArgumentException("Period", "give either -FrameRate or -Period, not both.");
        if (FrameRate is { } hz)
            return FrameSchedule.PeriodFromFrameRate(hz);
        if (Period is { } period)
        {
            if (period <= TimeSpan.Zero)
                throw new InvalidCaptureArgumentException("Period", $"the frame period must be positive; got {period}. Use e.g. -Period 00:00:00.0166667 or -FrameRate 60.");
            if (period.Ticks > FrameSchedule.MaxPeriodNs / TimeSpan.NanosecondsPerTick)
                throw new InvalidCaptureArgumentException("Period", $"the frame period must be at most 365 days; got {period}. Give a shorter -Period.");
            return period.Ticks * TimeSpan.NanosecondsPerTick;
        }
        throw new InvalidCaptureArgumentException("FrameRate", "give the frame rate with -FrameRate (Hz) or -Period.");
    }

    /// <summary>
    /// Builds the schedule as of <paramref name="nowNs"/>. A start in the past is accepted as long as frames remain
    /// (a late joiner starts at the next frame of the same grid); a take that would already be over is rejected.
    /// </summary>
    /// <param name="nowNs">Now on the shared timeline, ns since the Unix epoch.</param>
    /// <exception cref="InvalidCaptureArgumentException">A parameter is missing, contradicts another or is out of range;
    /// <see cref="InvalidCaptureArgumentException.ParameterName"/> says which.</exception>
    public FrameSchedule ToSchedule(long nowNs)
    {
        long periodNs = PeriodNs();
        var (frameCount, durationNs) = Length();
        long startNs = StartNs(nowNs, periodNs);

        FrameSchedule schedule;
        try
        {
            schedule = frameCount is { } count ? new FrameSchedule(startNs, periodNs, count, null)
                : FrameRate is { } hz ? FrameSchedule.FromRateAndDuration(startNs, hz, durationNs)
                : FrameSchedule.FromPeriodAndDuration(startNs, periodNs, durationNs);
            schedule.TimeOf(schedule.EndIndex); // the end must be a representable time
        }
        catch (OverflowException)
        {
            throw new InvalidCaptureArgumentException(FrameCount is null ? "Duration" : "FrameCount",
                "the take would end after the year 2262, which the shared timeline cannot represent; give a shorter take.");
        }

        if (schedule.FirstIndexAtOrAfter(nowNs) >= schedule.EndIndex)
        {
            var end = SharedTimeline.ToDateTimeOffset(schedule.TimeOf(schedule.EndIndex - 1));
            throw new InvalidCaptureArgumentException("StartTime",
                $"a take starting at {FormatUtc(startNs)} with {schedule.EndIndex} frames ended at {end.ToString("o", CultureInfo.InvariantCulture)}, before now; give a later -StartTime or use -Lead.");
        }
        return schedule;
    }

    /// <summary>
    /// Validates every parameter and builds the options of a take that writes to <paramref name="path"/>.
    /// </summary>
    /// <param name="path">Take folder (absolute file-system path; created by the session): must not exist, its parent must.</param>
    /// <param name="nowNs">Now on the shared timeline, ns.</param>
    /// <exception cref="InvalidCaptureArgumentException">Any parameter is invalid; the message names it and the fix.</exception>
    public CaptureOptions ToOptions(string path, long nowNs)
    {
        var schedule = ToSchedule(nowNs);
        CheckTakePath(path);
        CheckName(Name);
        CheckBufferMemory(BufferMemory);
        CheckExposure(Exposure, schedule.PeriodNs);
        if (TriggerMode is { } mode && !Enum.IsDefined(mode))
            throw new InvalidCaptureArgumentException("TriggerMode", $"'{mode}' is not a trigger mode; use one of {string.Join(", ", Enum.GetNames<Cameras.SyncTriggerMode>())}.");
        if (ActionInterface is { } nic && (nic.Length == 0 || nic.Length > 15 || nic.Contains('/') || nic.Any(char.IsWhiteSpace)))
            throw new InvalidCaptureArgumentException("ActionInterface", $"'{nic}' is not a network interface name (1-15 characters, no '/' or spaces); give one such as eth1 or lo (see 'ip link').");
        if (!Enum.IsDefined(Encoder))
            throw new InvalidCaptureArgumentException("Encoder", $"'{Encoder}' is not an encoder; use one of {string.Join(", ", Enum.GetNames<VideoEncoder>())}.");
        return new CaptureOptions
        {
            Schedule = schedule,
            Path = path,
            Encoder = Encoder,
            BufferMemoryBytes = BufferMemory,
            ExposureUs = Exposure,
            Name = Name,
            TriggerMode = TriggerMode,
            ActionInterface = ActionInterface,
        };
    }

    /// <summary>
    /// The folder name a take gets when no path is given: <c>&lt;Name or "take"&gt;-yyyyMMdd-HHmmss</c> from T0 in UTC,
    /// so hosts given the same start name their folders alike.
    /// </summary>
    public string DefaultFolderName(FrameSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        CheckName(Name);
        var start = SharedTimeline.ToDateTimeOffset(schedule.StartNs);
        return $"{Name ?? "take"}-{start.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// Rejects a take folder that cannot be created: empty, already there (takes are never overwritten), or whose
    /// parent folder does not exist. Checked before any camera is opened; the session checks again when it creates it.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName <c>Path</c>.</exception>
    public static void CheckTakePath(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new InvalidCaptureArgumentException("Path", "the take folder path is empty.");
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full) || File.Exists(full))
            throw new InvalidCaptureArgumentException("Path", $"'{full}' exists already and a take never overwrites anything; give a new -Path.");
        string? parent = System.IO.Path.GetDirectoryName(full.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        if (parent is null || !Directory.Exists(parent))
            throw new InvalidCaptureArgumentException("Path", $"the folder '{parent}' that would hold the take does not exist; create it first or give another -Path.");
    }

    /// <summary>
    /// Rejects a buffer size that is not a positive number of bytes, or that the RAM this process can get cannot hold
    /// (<see cref="MemoryBudget"/>: MemAvailable and the memory cgroup limit). Null is fine: rings sized by time,
    /// checked when the take starts.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName <c>BufferMemory</c>.</exception>
    public static void CheckBufferMemory(long? bytes)
    {
        if (bytes is <= 0)
            throw new InvalidCaptureArgumentException("BufferMemory", $"the frame buffer memory must be a positive number of bytes; got {bytes}. Use e.g. -BufferMemory 2GB.");
        if (bytes is long given)
            MemoryBudget.CheckRings(given, given: true, MemoryBudget.Read());
    }

    /// <summary>Rejects an exposure that is not positive or does not fit in one frame period.</summary>
    /// <param name="exposureUs">Exposure in µs, or null (keep the camera's).</param>
    /// <param name="periodNs">Frame period, ns.</param>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName <c>Exposure</c>.</exception>
    public static void CheckExposure(double? exposureUs, long periodNs)
    {
        if (exposureUs is not { } us)
            return;
        if (!double.IsFinite(us) || us <= 0)
            throw new InvalidCaptureArgumentException("Exposure", $"the exposure must be a positive number of µs; got {us}.");
        if (us * 1_000 >= periodNs)
            throw new InvalidCaptureArgumentException("Exposure",
                $"an exposure of {us} µs does not fit in the frame period of {periodNs / 1_000.0} µs; shorten -Exposure or lower -FrameRate.");
    }

    /// <summary>Rejects a take name that cannot be a folder name (empty, path separators, invalid characters).</summary>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName <c>Name</c>.</exception>
    public static void CheckName(string? name)
    {
        if (name is null)
            return;
        if (string.IsNullOrWhiteSpace(name) || name is "." or ".." ||
            name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/') || name.Contains('\\'))
            throw new InvalidCaptureArgumentException("Name", $"'{name}' cannot be a take name: it must be usable as a folder name (no '/', '\\' or control characters).");
    }

    /// <summary>
    /// Reads a time span the way the cmdlets accept one: a number is seconds to the nearest 100 ns tick (<c>10</c>, <c>0.02</c>), text is a number
    /// of seconds (<c>"10"</c>) or a TimeSpan (<c>"00:00:10"</c>, invariant culture), a TimeSpan is itself.
    /// Without this PowerShell would read <c>-Duration 10</c> as 10 ticks (1 µs).
    /// </summary>
    /// <returns>False when <paramref name="value"/> is none of those (the caller reports it).</returns>
    public static bool TryParseTimeSpan(object? value, out TimeSpan result)
    {
        result = default;
        try
        {
            switch (value)
            {
                case TimeSpan span:
                    result = span;
                    return true;
                case sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal:
                    return TryFromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture), out result);
                case string text:
                    text = text.Trim();
                    if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s))
                        return TryFromSeconds(s, out result);
                    return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out result);
                default:
                    return false;
            }
        }
        catch (OverflowException)
        {
            return false; // beyond TimeSpan's range: not a time span this module can use
        }
    }

    /// <summary>
    /// Seconds to the nearest 100 ns tick. <c>TimeSpan.FromSeconds</c> truncates, which reads 16.333 (just under
    /// 16.333 in binary) as 16.3329999 s.
    /// </summary>
    private static bool TryFromSeconds(double seconds, out TimeSpan result)
    {
        result = default;
        double ticks = Math.Round(seconds * TimeSpan.TicksPerSecond);
        if (!double.IsFinite(ticks) || Math.Abs(ticks) >= long.MaxValue)
            return false;
        result = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>The length as given: a frame count, or a duration in ns for <see cref="FrameSchedule"/> to count.</summary>
    private (long? FrameCount, long DurationNs) Length()
    {
        if (Duration is not null && FrameCount is not null)
            throw new InvalidCaptureArgumentException("FrameCount", "give either -Duration or -FrameCount, not both.");
        if (FrameCount is { } count)
        {
            if (count <= 0)
                throw new InvalidCaptureArgumentException("FrameCount", $"the frame count must be positive; got {count}.");
            return (count, 0);
        }
        if (Duration is { } duration)
        {
            if (duration <= TimeSpan.Zero)
                throw new InvalidCaptureArgumentException("Duration", $"the duration must be positive; got {duration}. Use e.g. -Duration 00:00:10.");
            if (duration.Ticks > long.MaxValue / TimeSpan.NanosecondsPerTick)
                throw new InvalidCaptureArgumentException("Duration", "the take would end after the year 2262, which the shared timeline cannot represent; give a shorter -Duration.");
            return (null, duration.Ticks * TimeSpan.NanosecondsPerTick);
        }
        throw new InvalidCaptureArgumentException("Duration", "give the length of the take with -Duration or -FrameCount.");
    }

    private long StartNs(long nowNs, long periodNs)
    {
        if (StartTime is not null && Lead is not null)
            throw new InvalidCaptureArgumentException("Lead", "give either -StartTime (absolute) or -Lead (from now), not both.");
        if (StartTime is { } start)
        {
            if (start < DateTimeOffset.UnixEpoch.AddDays(1))
                throw new InvalidCaptureArgumentException("StartTime", $"{start:o} is not a time on the shared timeline; give a UTC date and time such as (Get-Date).AddSeconds(5).");
            if (start.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks > long.MaxValue / TimeSpan.NanosecondsPerTick)
                throw new InvalidCaptureArgumentException("StartTime", $"{start.ToString("o", CultureInfo.InvariantCulture)} is after the year 2262, which the shared timeline cannot represent; give a time such as (Get-Date).AddSeconds(5).");
            return SharedTimeline.FromDateTimeOffset(start);
        }
        var lead = Lead ?? DefaultLead;
        if (lead < TimeSpan.Zero)
            throw new InvalidCaptureArgumentException("Lead", $"the lead must not be negative; got {lead}.");
        if (lead.Ticks > long.MaxValue / TimeSpan.NanosecondsPerTick)
            throw new InvalidCaptureArgumentException("Lead", $"a lead of {lead} would start the take after the year 2262, which the shared timeline cannot represent; give a shorter -Lead.");
        return FrameSchedule.AlignedStart(nowNs, lead.Ticks * TimeSpan.NanosecondsPerTick, periodNs);
    }

    private static string FormatUtc(long ns) =>
        SharedTimeline.ToDateTimeOffset(ns).ToString("o", CultureInfo.InvariantCulture);
}
