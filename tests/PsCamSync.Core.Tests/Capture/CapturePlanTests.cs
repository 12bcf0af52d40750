using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Capture;

public class CapturePlanTests
{
    private const long Now = 1_790_000_000_123_456_789; // 2026-09-21, ns since the epoch
    private const long Second = FrameSchedule.NanosPerSecond;

    // A take folder that does not exist in a folder that does.
    private static string Fresh => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pscamsync-plan-" + Guid.NewGuid().ToString("N"));

    private static InvalidCaptureArgumentException Rejects(CapturePlan plan, long now = Now)
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => plan.ToSchedule(now));
        Assert.Contains("-" + e.ParameterName, e.Message);
        return e;
    }

    [Fact]
    public void RateAndDuration_GiveTheNearestFrameCount_OnAGridAlignedStart_AfterTheDefaultLead()
    {
        var s = new CapturePlan { FrameRate = 60, Duration = TimeSpan.FromSeconds(10) }.ToSchedule(Now);
        Assert.Equal(16_666_667, s.PeriodNs);
        Assert.Equal(600, s.FrameCount); // 10 s / 16.666667 ms = 599.99998 -> 600
        Assert.Null(s.StopNs);
        Assert.Equal(0, s.StartNs % s.PeriodNs);
        Assert.InRange(s.StartNs - Now, 2 * Second, 2 * Second + s.PeriodNs - 1);
    }

    [Theory]
    [InlineData(30.0, 1.0, 30)]     // 30 x 33 333 333 ns is 10 ns short of 1 s: still 30 frames
    [InlineData(120.0, 2.0, 240)]
    [InlineData(29.97, 10.0, 300)]  // 299.7 -> 300
    [InlineData(30.0, 0.1, 3)]      // 0.1 x 30 = 3.0000000000000004 in binary
    [InlineData(60.0, 0.001, 1)]    // less than a frame is one frame
    public void Duration_CountsFramesOfTheRateTyped(double hz, double seconds, long expected) =>
        Assert.Equal(expected, new CapturePlan { FrameRate = hz, Duration = TimeSpan.FromSeconds(seconds) }.ToSchedule(Now).FrameCount);

    [Theory]
    [InlineData(100, 3)] // 3.33 periods -> 3
    [InlineData(105, 4)] // 3.5 periods: half a frame rounds up
    [InlineData(120, 4)] // exactly 4
    [InlineData(10, 1)]  // less than a frame is one frame
    public void DurationWithPeriod_IsTheNearestWholeNumberOfPeriods(int milliseconds, long expected) =>
        Assert.Equal(expected, new CapturePlan { Period = TimeSpan.FromMilliseconds(30), Duration = TimeSpan.FromMilliseconds(milliseconds) }.ToSchedule(Now).FrameCount);

    [Fact]
    public void Period_IsTakenExactly_AndFrameCountEndsTheTake()
    {
        var s = new CapturePlan { Period = TimeSpan.FromMilliseconds(40), FrameCount = 25, Lead = TimeSpan.Zero }.ToSchedule(Now);
        Assert.Equal(40_000_000, s.PeriodNs);
        Assert.Equal(25, s.EndIndex);
        Assert.Equal(0, s.StartNs % 40_000_000);
        Assert.InRange(s.StartNs, Now, Now + 40_000_000 - 1);
    }

    [Fact]
    public void TwoHostsWithTheSameLeadAndPeriod_AgreeOnT0_WhenStartedWithinOnePeriodOfEachOther()
    {
        var plan = new CapturePlan { FrameRate = 50, FrameCount = 100, Lead = TimeSpan.FromSeconds(3) };
        long period = plan.PeriodNs();
        long hostA = 1_790_000_000_000_000_000 + 1_000; // just after a grid point
        long hostB = hostA + period / 2;                // half a period later, same grid cell
        Assert.Equal(plan.ToSchedule(hostA).StartNs, plan.ToSchedule(hostB).StartNs);
    }

    [Fact]
    public void AbsoluteStartTime_IsExact_AndNotAligned()
    {
        var start = SharedTimeline.ToDateTimeOffset(Now + 5 * Second + 1_234_500);
        var s = new CapturePlan { FrameRate = 30, Duration = TimeSpan.FromSeconds(1), StartTime = start }.ToSchedule(Now);
        Assert.Equal(Now + 5 * Second + 1_234_500 - (Now % 100), s.StartNs); // 100 ns ticks
        Assert.Equal(SharedTimeline.FromDateTimeOffset(start), s.StartNs);
        Assert.Equal(30, s.FrameCount);
    }

    [Fact]
    public void StartInThePast_IsAccepted_WhileFramesRemain_SoALateJoinerJoinsTheGrid()
    {
        var start = SharedTimeline.ToDateTimeOffset(Now - 3 * Second);
        var s = new CapturePlan { FrameRate = 10, Duration = TimeSpan.FromSeconds(10), StartTime = start }.ToSchedule(Now);
        Assert.Equal(100, s.EndIndex);
        Assert.Equal(31, s.FirstIndexAtOrAfter(Now)); // T0 is truncated to a 100 ns tick: now is 3 s + 89 ns after T0 -> frame 31
    }

    [Fact]
    public void StartSoLongAgoThatTheTakeEnded_IsRejected_NamingStartTime()
    {
        var start = SharedTimeline.ToDateTimeOffset(Now - 20 * Second);
        var e = Rejects(new CapturePlan { FrameRate = 10, Duration = TimeSpan.FromSeconds(10), StartTime = start });
        Assert.Equal("StartTime", e.ParameterName);
        Assert.Contains("ended", e.Message);
    }

    public static TheoryData<string, CapturePlan> Overflows() => new()
    {
        { "Duration", new CapturePlan { FrameRate = 30, Duration = TimeSpan.FromDays(365 * 300) } },
        { "FrameRate", new CapturePlan { FrameRate = 1e-12, Duration = TimeSpan.FromSeconds(10) } },
        { "Period", new CapturePlan { Period = TimeSpan.FromDays(365 * 300), Duration = TimeSpan.FromSeconds(10) } },
        { "Period", new CapturePlan { Period = TimeSpan.MaxValue, FrameCount = 10 } },
        { "Lead", new CapturePlan { FrameRate = 30, Duration = TimeSpan.FromSeconds(10), Lead = TimeSpan.FromDays(365 * 300) } },
        { "Lead", new CapturePlan { FrameRate = 30, Duration = TimeSpan.FromSeconds(10), Lead = TimeSpan.MaxValue } },
        { "StartTime", new CapturePlan { FrameRate = 30, Duration = TimeSpan.FromSeconds(10), StartTime = new DateTimeOffset(2300, 1, 1, 0, 0, 0, TimeSpan.Zero) } },
        { "StartTime", new CapturePlan { FrameRate = 30, Duration = TimeSpan.FromSeconds(10), StartTime = DateTimeOffset.MaxValue } },
        { "FrameCount", new CapturePlan { FrameRate = 30, FrameCount = long.MaxValue } },
    };

    [Theory]
    [MemberData(nameof(Overflows))]
    public void ValuesBeyondTheSharedTimeline_AreRejected_NamingTheirParameter(string parameter, CapturePlan plan) =>
        Assert.Equal(parameter, Rejects(plan).ParameterName);

    [Theory]
    [InlineData(0.0)]
    [InlineData(-25.0)]
    [InlineData(double.NaN)]
    public void NonPositiveRate_IsRejected_NamingFrameRate(double hz) =>
        Assert.Equal("FrameRate", Rejects(new CapturePlan { FrameRate = hz, FrameCount = 10 }).ParameterName);

    [Fact]
    public void NonPositivePeriod_IsRejected_NamingPeriod()
    {
        Assert.Equal("Period", Rejects(new CapturePlan { Period = TimeSpan.Zero, FrameCount = 10 }).ParameterName);
        Assert.Equal("Period", Rejects(new CapturePlan { Period = TimeSpan.FromMilliseconds(-5), FrameCount = 10 }).ParameterName);
    }

    [Fact]
    public void BothRateAndPeriod_OrNeither_AreRejected()
    {
        Assert.Equal("Period", Rejects(new CapturePlan { FrameRate = 60, Period = TimeSpan.FromMilliseconds(10), FrameCount = 1 }).ParameterName);
        Assert.Equal("FrameRate", Rejects(new CapturePlan { FrameCount = 1 }).ParameterName);
    }

    [Fact]
    public void BothDurationAndFrameCount_OrNeither_AreRejected()
    {
        var both = Rejects(new CapturePlan { FrameRate = 60, Duration = TimeSpan.FromSeconds(1), FrameCount = 60 });
        Assert.Equal("FrameCount", both.ParameterName);
        Assert.Contains("not both", both.Message);
        Assert.Equal("Duration", Rejects(new CapturePlan { FrameRate = 60 }).ParameterName);
    }

    [Fact]
    public void NonPositiveDurationOrFrameCount_AreRejected()
    {
        Assert.Equal("Duration", Rejects(new CapturePlan { FrameRate = 60, Duration = TimeSpan.Zero }).ParameterName);
        Assert.Equal("FrameCount", Rejects(new CapturePlan { FrameRate = 60, FrameCount = 0 }).ParameterName);
        Assert.Equal("FrameCount", Rejects(new CapturePlan { FrameRate = 60, FrameCount = -3 }).ParameterName);
    }

    [Fact]
    public void BothStartTimeAndLead_OrANegativeLead_AreRejected_NamingLead()
    {
        Assert.Equal("Lead", Rejects(new CapturePlan
        {
            FrameRate = 60, FrameCount = 1, StartTime = SharedTimeline.ToDateTimeOffset(Now + Second), Lead = TimeSpan.FromSeconds(1),
        }).ParameterName);
        Assert.Equal("Lead", Rejects(new CapturePlan { FrameRate = 60, FrameCount = 1, Lead = TimeSpan.FromSeconds(-1) }).ParameterName);
    }

    [Fact]
    public void AStartTimeNearTheEpoch_IsRejected_NamingStartTime() =>
        Assert.Equal("StartTime", Rejects(new CapturePlan { FrameRate = 60, FrameCount = 1, StartTime = DateTimeOffset.UnixEpoch }).ParameterName);

    [Fact]
    public void ATakeEndingBeyondTheTimeline_IsRejected_NotOverflowed() =>
        Assert.Equal("FrameCount", Rejects(new CapturePlan { FrameRate = 1000, FrameCount = long.MaxValue / 2 }).ParameterName);

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void NonPositiveBufferMemory_IsRejected(long bytes)
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() =>
            new CapturePlan { FrameRate = 60, FrameCount = 10, BufferMemory = bytes }.ToOptions(Fresh, Now));
        Assert.Equal("BufferMemory", e.ParameterName);
    }

    [Fact]
    public void ExposureMustBePositive_AndFitInOnePeriod()
    {
        Assert.Equal("Exposure", Assert.Throws<InvalidCaptureArgumentException>(() =>
            new CapturePlan { FrameRate = 100, FrameCount = 10, Exposure = 0 }.ToOptions(Fresh, Now)).ParameterName);
        var tooLong = Assert.Throws<InvalidCaptureArgumentException>(() =>
            new CapturePlan { FrameRate = 100, FrameCount = 10, Exposure = 10_000 }.ToOptions(Fresh, Now));
        Assert.Equal("Exposure", tooLong.ParameterName);
        Assert.Contains("10000 µs", tooLong.Message);
        new CapturePlan { FrameRate = 100, FrameCount = 10, Exposure = 9_999 }.ToOptions(Fresh, Now);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("bad\0name")]
    public void ANameThatCannotBeAFolder_IsRejected(string name)
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() =>
            new CapturePlan { FrameRate = 60, FrameCount = 10, Name = name }.ToOptions(Fresh, Now));
        Assert.Equal("Name", e.ParameterName);
    }

    [Fact]
    public void ToOptions_CarriesEveryValue()
    {
        var plan = new CapturePlan
        {
            FrameRate = 120, Duration = TimeSpan.FromSeconds(2), BufferMemory = 1L << 30, Exposure = 500,
            Encoder = VideoEncoder.Ffv1, Name = "scene-1",
        };
        string path = Fresh;
        var o = plan.ToOptions(path, Now);
        Assert.Equal(path, o.Path);
        Assert.Equal(240, o.Schedule.FrameCount);
        Assert.Equal(8_333_333, o.Schedule.PeriodNs);
        Assert.Equal(1L << 30, o.BufferMemoryBytes);
        Assert.Equal(500, o.ExposureUs);
        Assert.Equal(VideoEncoder.Ffv1, o.Encoder);
        Assert.Equal("scene-1", o.Name);
        Assert.Equal("Path", Assert.Throws<InvalidCaptureArgumentException>(() => plan.ToOptions(" ", Now)).ParameterName);
    }

    [Fact]
    public void DefaultFolderName_IsTheNameAndT0InUtc()
    {
        var schedule = new FrameSchedule(SharedTimeline.FromDateTimeOffset(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero)), 10_000_000, 10, null);
        Assert.Equal("take-20260304-050607", new CapturePlan().DefaultFolderName(schedule));
        Assert.Equal("dance-20260304-050607", new CapturePlan { Name = "dance" }.DefaultFolderName(schedule));
    }

    public static TheoryData<object?, TimeSpan?> TimeSpanInputs => new()
    {
        { 10, TimeSpan.FromSeconds(10) },
        { 0.5, TimeSpan.FromMilliseconds(500) },
        { 16.333, TimeSpan.FromTicks(163_330_000) }, // to the nearest tick: TimeSpan.FromSeconds truncates to 163 329 999
        { "1.001", TimeSpan.FromTicks(10_010_000) },
        { 2L, TimeSpan.FromSeconds(2) },
        { 1.5m, TimeSpan.FromSeconds(1.5) },
        { "10", TimeSpan.FromSeconds(10) },
        { " 0.02 ", TimeSpan.FromMilliseconds(20) },
        { "00:01:30", TimeSpan.FromSeconds(90) },
        { TimeSpan.FromTicks(3), TimeSpan.FromTicks(3) },
        { "ten seconds", null },
        { double.NaN, null },
        { 1e300, null },
        { new object(), null },
        { null, null },
    };

    [Theory]
    [MemberData(nameof(TimeSpanInputs))]
    public void TryParseTimeSpan_ReadsNumbersAsSeconds(object? input, TimeSpan? expected)
    {
        bool ok = CapturePlan.TryParseTimeSpan(input, out var span);
        Assert.Equal(expected is not null, ok);
        if (expected is { } e)
            Assert.Equal(e, span);
    }

    [Fact]
    public void AnExistingFolderOrFile_OrAMissingParent_IsRejected_NamingPath()
    {
        var plan = new CapturePlan { FrameRate = 60, FrameCount = 10 };
        string dir = Directory.CreateDirectory(Fresh).FullName;
        try
        {
            var exists = Assert.Throws<InvalidCaptureArgumentException>(() => plan.ToOptions(dir, Now));
            Assert.Equal("Path", exists.ParameterName);
            Assert.Contains("exists already", exists.Message);
            string file = System.IO.Path.Combine(dir, "take.json");
            File.WriteAllText(file, "{}");
            Assert.Equal("Path", Assert.Throws<InvalidCaptureArgumentException>(() => plan.ToOptions(file, Now)).ParameterName);
            var orphan = Assert.Throws<InvalidCaptureArgumentException>(() => plan.ToOptions(System.IO.Path.Combine(dir, "missing", "take"), Now));
            Assert.Equal("Path", orphan.ParameterName);
            Assert.Contains("does not exist", orphan.Message);
            Assert.Equal(System.IO.Path.Combine(dir, "new"), plan.ToOptions(System.IO.Path.Combine(dir, "new"), Now).Path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
