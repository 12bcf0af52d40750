using PsCamSync.Core.Capture;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>
/// The cmdlet path (CapturePlan, fed the way -Duration binds) and the runner/bench path (FrameSchedule.FromRateAndDuration
/// with seconds as a number) build the same schedule from the same rate and duration.
/// </summary>
public class OneScheduleTests
{
    private const long Now = 1_790_000_000_123_456_700; // a whole 100 ns tick, so T0 survives DateTimeOffset

    /// <summary>What Start-SyncCapture builds: -Duration and -StartTime bind through the same transformation as the cmdlet's.</summary>
    private static FrameSchedule CmdletPath(double hz, double seconds, long t0, long now)
    {
        Assert.True(CapturePlan.TryParseTimeSpan(seconds, out var duration));
        return new CapturePlan { FrameRate = hz, Duration = duration, StartTime = SharedTimeline.ToDateTimeOffset(t0) }.ToSchedule(now);
    }

    /// <summary>What examples/SyncTakeRunner and bench/ build.</summary>
    private static FrameSchedule RunnerPath(double hz, double seconds, long t0) =>
        FrameSchedule.FromRateAndDuration(t0, hz, FrameSchedule.NanosFromSeconds(seconds));

    [Theory]
    [InlineData(59.94, 16.333, 979)]  // was 980 through CapturePlan, 979 through the runner
    [InlineData(29.97, 66.333, 1988)] // was 1989 and 1988
    public void TheCasesThatDisagreed_NowGiveOneCount(double hz, double seconds, long frames)
    {
        long t0 = Now + FrameSchedule.NanosPerSecond;
        Assert.Equal(frames, CmdletPath(hz, seconds, t0, Now).EndIndex);
        Assert.Equal(frames, RunnerPath(hz, seconds, t0).EndIndex);
    }

    public static TheoryData<double, double> RatesAndDurations()
    {
        var data = new TheoryData<double, double>();
        foreach (double hz in new[] { 23.976, 29.97, 59.94, 60, 120, 12.5 })
            foreach (double seconds in new[] { 0.001, 0.05, 0.1, 1, 1.001, 2.5, 7.77, 10, 16.333, 16.683, 33.367, 66.333, 100.1, 600, 3600 })
                data.Add(hz, seconds);
        return data;
    }

    [Theory]
    [MemberData(nameof(RatesAndDurations))]
    public void CmdletAndRunner_GiveTheSameSchedule(double hz, double seconds)
    {
        long t0 = Now + 2 * FrameSchedule.NanosPerSecond;
        var cmdlet = CmdletPath(hz, seconds, t0, Now);
        var runner = RunnerPath(hz, seconds, t0);
        Assert.Equal(runner, cmdlet);
        Assert.Equal(runner.EndIndex, cmdlet.EndIndex);
        // The nearest whole number of frames to duration x rate (at least one).
        Assert.Equal(Math.Max(1, (long)Math.Round(seconds * hz, MidpointRounding.AwayFromZero)), cmdlet.EndIndex);
    }

    [Theory]
    [InlineData(59.94, 16.333)]
    [InlineData(29.97, 66.333)]
    [InlineData(23.976, 10)]
    [InlineData(12.5, 7.77)]
    public void HostsGivenTheSameInput_AgreeOnTheSchedule_AndLateJoinersLandOnTheSameGrid(double hz, double seconds)
    {
        long t0 = Now + FrameSchedule.NanosPerSecond;
        // Host A plans before T0; host B through the cmdlet 30 % into the take; host C through the runner's API 80 % in.
        long durationNs = FrameSchedule.NanosFromSeconds(seconds);
        long nowA = Now, nowB = t0 + durationNs * 3 / 10 + 123, nowC = t0 + durationNs * 8 / 10 + 777;
        var a = CmdletPath(hz, seconds, t0, nowA);
        var b = CmdletPath(hz, seconds, t0, nowB);
        var c = RunnerPath(hz, seconds, t0);

        foreach (var other in new[] { b, c })
        {
            Assert.Equal(a.StartNs, other.StartNs);
            Assert.Equal(a.PeriodNs, other.PeriodNs);
            Assert.Equal(a.EndIndex, other.EndIndex);
        }

        Assert.Equal(0, a.FirstIndexAtOrAfter(nowA + CaptureSession.JoinMarginNs));
        foreach (var (schedule, now) in new[] { (b, nowB), (c, nowC) })
        {
            long join = now + CaptureSession.JoinMarginNs;
            long first = schedule.FirstIndexAtOrAfter(join);
            Assert.InRange(first, 1, schedule.EndIndex - 1);
            Assert.True(schedule.TimeOf(first) >= join && schedule.TimeOf(first - 1) < join);
            // The joiner's first frame is a frame of host A's grid: the same index at the same time.
            Assert.Equal(a.TimeOf(first), schedule.TimeOf(first));
            Assert.Equal(0, (schedule.TimeOf(first) - a.StartNs) % a.PeriodNs);
        }
    }
}
