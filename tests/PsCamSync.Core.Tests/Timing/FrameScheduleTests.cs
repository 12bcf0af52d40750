using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Timing;

public class FrameScheduleTests
{
    private const long T0 = 1_790_000_000_000_000_000; // 2026-09-21, ns since the epoch

    [Theory]
    [InlineData(60.0, 16_666_667)]
    [InlineData(120.0, 8_333_333)]
    [InlineData(12.5, 80_000_000)]
    [InlineData(29.97, 33_366_700)]
    [InlineData(1000.0, 1_000_000)]
    public void PeriodFromFrameRate_RoundsToWholeNanoseconds(double hz, long expectedNs) =>
        Assert.Equal(expectedNs, FrameSchedule.PeriodFromFrameRate(hz));

    [Theory]
    [InlineData(0.0)]
    [InlineData(-30.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void PeriodFromFrameRate_RejectsNonPositive_NamingFrameRate(double hz)
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => FrameSchedule.PeriodFromFrameRate(hz));
        Assert.Equal("FrameRate", e.ParameterName);
        Assert.Contains("-FrameRate", e.Message);
    }

    [Fact]
    public void TimeOf_IsComputedExactly_OverTwentyFourHours()
    {
        var s = new FrameSchedule(T0, FrameSchedule.PeriodFromFrameRate(60), 60L * 86_400, null);
        long last = s.EndIndex - 1;
        Assert.Equal(5_183_999, last);
        // Exact integer arithmetic: no accumulation, so Tn - T0 is exactly n * period for every n.
        Assert.Equal(T0 + last * 16_666_667L, s.TimeOf(last));
        Assert.Equal(16_666_667L, s.TimeOf(last) - s.TimeOf(last - 1));
        // Against the ideal 60 Hz grid the whole-ns period drifts by 1/3 ns per frame: 1.728 ms after 24 h.
        double idealNs = last * (1e9 / 60.0);
        Assert.InRange(s.TimeOf(last) - T0 - idealNs, 1_727_000, 1_729_000);
    }

    [Theory]
    [InlineData(30.0, 1.0, 30)]
    [InlineData(120.0, 2.0, 240)]
    [InlineData(60.0, 5.0, 300)]
    [InlineData(29.97, 10.0, 300)]
    [InlineData(60.0, 0.01, 1)]
    [InlineData(60.0, 0.02, 1)]    // 1.2 frames
    [InlineData(60.0, 0.025, 2)]   // 1.5 frames: half a frame rounds up
    [InlineData(12.5, 8.0, 100)]
    [InlineData(59.94, 16.333, 979)]  // 979.00002 frames: the user meant 979
    [InlineData(59.94, 16.683, 1000)] // 999.9999 frames: the user meant 1000
    [InlineData(29.97, 66.333, 1988)] // 1988.00001
    public void FromRateAndDuration_CountsDurationTimesRate_ToTheNearestFrame(double hz, double seconds, long frames) =>
        Assert.Equal(frames, FrameSchedule.FromRateAndDuration(T0, hz, FrameSchedule.NanosFromSeconds(seconds)).EndIndex);

    [Theory]
    [InlineData(23.976)]
    [InlineData(29.97)]
    [InlineData(59.94)]
    [InlineData(60.0)]
    [InlineData(120.0)]
    [InlineData(12.5)]
    public void AWholeNumberOfFrames_WithinFloatingPointError_IsExactlyThatNumber(double hz)
    {
        foreach (long n in new long[] { 1, 2, 3, 7, 10, 100, 979, 1000, 1988, 86_400 })
        {
            double seconds = n / hz; // binary: a hair over or under n periods
            Assert.Equal(n, FrameSchedule.FrameCountFor(FrameSchedule.NanosFromSeconds(seconds), hz));
            Assert.Equal(n, FrameSchedule.FrameCountFor((long)(seconds * 1e9), hz)); // truncated to the ns below
            Assert.Equal(n, FrameSchedule.FrameCountFor((long)Math.Round(seconds * 1e7) * 100, hz)); // 100 ns ticks
        }
    }

    [Fact]
    public void FromPeriodAndDuration_CountsWithTheSameRule()
    {
        Assert.Equal(3, FrameSchedule.FromPeriodAndDuration(T0, 30_000_000, 100_000_000).EndIndex); // 3.33
        Assert.Equal(4, FrameSchedule.FromPeriodAndDuration(T0, 30_000_000, 105_000_000).EndIndex); // 3.5
        Assert.Equal(3, FrameSchedule.FromPeriodAndDuration(T0, 30_000_000, 104_999_999).EndIndex); // 1 ns short of the half
        Assert.Equal(1, FrameSchedule.FromPeriodAndDuration(T0, 30_000_000, 1_000).EndIndex); // less than a frame is one frame
        // A period that is a whole number of ns gives the same count as the rate it stands for.
        Assert.Equal(FrameSchedule.FromRateAndDuration(T0, 25, 7_770_000_000), FrameSchedule.FromPeriodAndDuration(T0, 40_000_000, 7_770_000_000));
    }

    [Fact]
    public void FrameCountFor_RejectsWhatCannotBeCounted()
    {
        Assert.Equal("Duration", Assert.Throws<InvalidCaptureArgumentException>(() => FrameSchedule.FrameCountFor(0, 30)).ParameterName);
        Assert.Equal("FrameRate", Assert.Throws<InvalidCaptureArgumentException>(() => FrameSchedule.FrameCountFor(1, double.NaN)).ParameterName);
        Assert.Equal("Duration", Assert.Throws<InvalidCaptureArgumentException>(() => FrameSchedule.FrameCountFor(long.MaxValue, 1e12)).ParameterName);
    }

    [Fact]
    public void LateJoiner_LandsOnTheSameGrid_AndEndsOnTheSameFrame()
    {
        var s = FrameSchedule.FromRateAndDuration(T0, 60, 10 * FrameSchedule.NanosPerSecond);
        Assert.Equal(600, s.EndIndex);
        long joinAt = T0 + 2_500_000_001; // 2.5 s + 1 ns after T0
        long first = s.FirstIndexAtOrAfter(joinAt);
        Assert.Equal(150, first); // T149 = T0 + 2.483333383 s < joinAt ≤ T150 = T0 + 2.50000005 s
        Assert.True(s.TimeOf(first) >= joinAt);
        Assert.True(s.TimeOf(first - 1) < joinAt);
        Assert.Equal(0, (s.TimeOf(first) - T0) % s.PeriodNs);
        Assert.Equal(0, s.FirstIndexAtOrAfter(T0 - 5));
        Assert.Equal(0, s.FirstIndexAtOrAfter(T0));
        Assert.Equal(1, s.FirstIndexAtOrAfter(T0 + 1));
    }

    [Fact]
    public void StopTime_EndsBeforeFirstFrameDueAtOrAfterIt()
    {
        var s = new FrameSchedule(T0, 10_000_000, null, T0 + 95_000_000);
        Assert.Equal(10, s.EndIndex); // frames at 0..90 ms
        var stopped = s.WithStopAt(T0 + 40_000_000);
        Assert.Equal(4, stopped.EndIndex); // 0,10,20,30 ms; the frame at 40 ms is not taken
        Assert.Equal(10, s.WithStopAt(T0 + 1_000_000_000).EndIndex); // never extends
        Assert.Throws<InvalidCaptureArgumentException>(() => s.WithStopAt(T0));
    }

    [Fact]
    public void DurationAndFrameCount_Together_AreRejected()
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => new FrameSchedule(T0, 1_000_000, 10, T0 + 5));
        Assert.Equal("FrameCount", e.ParameterName);
    }

    [Fact]
    public void AlignedStart_IsAWholePeriodSinceTheEpoch_AfterTheLead()
    {
        long period = FrameSchedule.PeriodFromFrameRate(60);
        long now = T0 + 123_456_789;
        long start = FrameSchedule.AlignedStart(now, 2 * FrameSchedule.NanosPerSecond, period);
        Assert.Equal(0, start % period);
        Assert.InRange(start - now, 2 * FrameSchedule.NanosPerSecond, 2 * FrameSchedule.NanosPerSecond + period - 1);
    }

    [Fact]
    public void Schedule_RoundTripsThroughJson()
    {
        var s = new FrameSchedule(T0, 16_666_667, 600, null);
        string json = System.Text.Json.JsonSerializer.Serialize(s);
        var back = System.Text.Json.JsonSerializer.Deserialize<FrameSchedule>(json);
        Assert.Equal(s, back);
        Assert.DoesNotContain("FrameRateHz", json);
    }
}
