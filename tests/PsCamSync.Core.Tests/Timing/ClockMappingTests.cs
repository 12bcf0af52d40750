using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Timing;

public class ClockMappingTests
{
    [Fact]
    public void Sample_MapsTheSharedTimelineOntoTheMonotonicClockOfTheSameMoment()
    {
        var mapping = ClockMapping.Sample();

        long mappedNow = mapping.ToMonotonic(SharedTimeline.NowNs());
        long monotonicNow = MonotonicClock.NowNs();

        // The two reads are back to back; 10 ms leaves room for a preemption on a busy box.
        Assert.InRange(monotonicNow - mappedNow, -10_000_000, 10_000_000);
    }

    [Fact]
    public void Sample_RecordsABracketAndASampleTimeBetweenTheReadsAroundIt()
    {
        long before = MonotonicClock.NowNs();
        var mapping = ClockMapping.Sample(tries: 11);
        long after = MonotonicClock.NowNs();

        Assert.InRange(mapping.SampledAtMonotonicNs, before, after);
        Assert.InRange(mapping.BracketNs, 0, after - before);
    }

    [Fact]
    public void Sample_OffsetAgreesWithTheDifferenceOfTheTwoClocks()
    {
        long monotonic = MonotonicClock.NowNs();
        long realtime = SharedTimeline.NowNs();
        var mapping = ClockMapping.Sample();

        Assert.InRange(mapping.OffsetNs - (realtime - monotonic), -10_000_000, 10_000_000);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1_790_000_000_123_456_789L)]
    [InlineData(-5L)]
    public void ToRealtimeAndToMonotonic_AreExactInverses(long time)
    {
        var mapping = ClockMapping.Sample();

        Assert.Equal(time, mapping.ToRealtime(mapping.ToMonotonic(time)));
        Assert.Equal(time, mapping.ToMonotonic(mapping.ToRealtime(time)));
        Assert.Equal(mapping.OffsetNs, mapping.ToRealtime(time) - time);
    }

    [Fact]
    public void Sample_RejectsFewerThanOneTry() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ClockMapping.Sample(0));
}
