using System.Diagnostics;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Timing;

public class DeadlineTimerTests
{
    private static readonly TriggerTimerOptions NoPrivileges = new() { FifoPriority = 0, LockMemory = false };

    [Theory]
    [InlineData(200_000L)]
    [InlineData(0L)]
    public void WaitUntil_NeverReturnsBeforeTheDeadline(long spinNs)
    {
        var timer = new DeadlineTimer(new TriggerTimerOptions { SpinNs = spinNs, FifoPriority = 0, LockMemory = false });
        var random = new Random(42);
        long deadline = SharedTimeline.NowNs() + 1_000_000;

        for (int i = 0; i < 300; i++)
        {
            deadline += random.Next(50_000, 1_500_000); // 50 µs to 1.5 ms apart, some already past when reached
            long woke = timer.WaitUntil(deadline, CancellationToken.None);
            long after = SharedTimeline.NowNs();

            Assert.True(woke >= deadline, $"woke {deadline - woke} ns early at deadline {i}");
            Assert.True(after >= woke, "the returned time is later than a read made after the return");
            Assert.True(woke - deadline < 1_000_000_000, $"woke {woke - deadline} ns late");
        }
    }

    [Fact]
    public void WaitUntil_PastDeadline_ReturnsAtOnceWithTheCurrentTime()
    {
        var timer = new DeadlineTimer(NoPrivileges);
        long deadline = SharedTimeline.NowNs() - 1_000_000_000;
        long before = SharedTimeline.NowNs();
        var watch = Stopwatch.StartNew();

        long woke = timer.WaitUntil(deadline, CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        Assert.True(woke >= before, "the returned time is not the time of the call");
    }

    [Fact]
    public void WaitUntil_Cancelled_ReturnsMinusOneWithinASlice()
    {
        var timer = new DeadlineTimer(NoPrivileges);
        using var cancel = new CancellationTokenSource();
        cancel.CancelAfter(TimeSpan.FromMilliseconds(100));
        var watch = Stopwatch.StartNew();

        long woke = timer.WaitUntil(SharedTimeline.NowNs() + 60_000_000_000, cancel.Token);

        Assert.Equal(-1, woke);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(90), $"returned after {watch.Elapsed}, before the cancellation");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"returned after {watch.Elapsed}");
    }

    [Fact]
    public void WaitUntil_AlreadyCancelled_ReturnsMinusOneEvenForAPastDeadline()
    {
        var timer = new DeadlineTimer(NoPrivileges);

        Assert.Equal(-1, timer.WaitUntil(SharedTimeline.NowNs() + 10_000_000_000, new CancellationToken(true)));
        Assert.Equal(-1, timer.WaitUntil(SharedTimeline.NowNs() - 1, new CancellationToken(true)));
    }

    [Fact]
    public void WaitUntil_ResamplesTheMappingAtLeastEveryRemapInterval()
    {
        var timer = new DeadlineTimer(new TriggerTimerOptions { FifoPriority = 0, LockMemory = false, RemapIntervalNs = 10_000_000 });

        long woke = timer.WaitUntil(SharedTimeline.NowNs() + 200_000_000, CancellationToken.None);

        // 200 ms in slices of at most 10 ms, each slice after the first waking to a stale mapping: about 20.
        Assert.True(woke > 0);
        Assert.InRange(timer.RemapCount, 10, 1_000);
        var mapping = timer.CurrentMapping;
        Assert.InRange(MonotonicClock.NowNs() - mapping.SampledAtMonotonicNs, 0, 1_000_000_000);
    }

    [Fact]
    public void WaitUntil_AllocatesNothing_IncludingRemapsAndPastDeadlines()
    {
        var timer = new DeadlineTimer(new TriggerTimerOptions { FifoPriority = 0, LockMemory = false, RemapIntervalNs = 1_000_000 });
        using var cancel = new CancellationTokenSource();
        var token = cancel.Token;
        long deadline = SharedTimeline.NowNs();
        for (int i = 0; i < 50; i++)
            timer.WaitUntil(deadline += 300_000, token);
        long remapsBefore = timer.RemapCount;

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
            timer.WaitUntil(deadline += 300_000, token);
        timer.WaitUntil(deadline - 1_000_000, token);
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, after - before);
        Assert.True(timer.RemapCount > remapsBefore, "no remap happened during the measured waits");
    }

    [Theory]
    [InlineData("SpinNs")]
    [InlineData("TimerSlackNs")]
    [InlineData("FifoPriority")]
    [InlineData("RemapIntervalNs")]
    public void Constructor_RejectsOutOfRangeOptions_NamingTheOption(string option)
    {
        var options = new TriggerTimerOptions();
        switch (option)
        {
            case "SpinNs": options.SpinNs = -1; break;
            case "TimerSlackNs": options.TimerSlackNs = -1; break;
            case "FifoPriority": options.FifoPriority = 100; break;
            case "RemapIntervalNs": options.RemapIntervalNs = 999_999; break;
        }

        var e = Assert.Throws<InvalidCaptureArgumentException>(() => new DeadlineTimer(options));
        Assert.Equal(option, e.ParameterName);
    }
}
