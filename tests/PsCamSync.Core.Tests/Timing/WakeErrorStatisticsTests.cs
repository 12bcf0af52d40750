using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Timing;

public class WakeErrorStatisticsTests
{
    [Fact]
    public void Percentiles_OfOneToOneThousandNs_AreNearestRank()
    {
        var stats = new WakeErrorStatistics(2000);
        foreach (long v in Shuffled(Enumerable.Range(1, 1000).Select(i => (long)i)))
            stats.Record(v);

        Assert.Equal(500, stats.PercentileNs(50));
        Assert.Equal(990, stats.PercentileNs(99));
        Assert.Equal(999, stats.PercentileNs(99.9));
        Assert.Equal(1000, stats.PercentileNs(100));
        Assert.Equal(1, stats.PercentileNs(0.01));
        Assert.Equal(0.5, stats.P50Us);
        Assert.Equal(0.99, stats.P99Us);
        Assert.Equal(0.999, stats.P999Us);
        Assert.Equal(1.0, stats.MaxUs);
        Assert.Equal(1, stats.MinNs);
        Assert.Equal(500.5, stats.MeanNs);
        Assert.Equal(1000, stats.Count);
        Assert.Equal(1000, stats.RetainedCount);
        Assert.Equal(0, stats.EarlyCount);
    }

    [Theory]
    [InlineData(10.0, 10)]
    [InlineData(11.0, 20)]
    [InlineData(50.0, 50)]
    [InlineData(50.1, 60)]
    [InlineData(99.0, 100)]
    public void PercentileNs_TakesTheValueAtRankCeilingOfPTimesN(double p, long expected)
    {
        var stats = new WakeErrorStatistics(10);
        for (long v = 100; v >= 10; v -= 10)
            stats.Record(v);

        Assert.Equal(expected, stats.PercentileNs(p));
    }

    [Fact]
    public void Record_CountsEarlyWakeUps_AndKeepsTheExactMinimum()
    {
        var stats = new WakeErrorStatistics(8);
        stats.Record(-3_000);
        stats.Record(2_000);
        stats.Record(-1);
        stats.Record(0);

        Assert.Equal(2, stats.EarlyCount);
        Assert.Equal(-3_000, stats.MinNs);
        Assert.Equal(2_000, stats.MaxNs);
        Assert.Equal(-3_000, stats.PercentileNs(25));
    }

    [Fact]
    public void Fill_SetsTheReportsWakeErrorFieldsInMicroseconds()
    {
        var stats = new WakeErrorStatistics(100);
        for (int i = 1; i <= 100; i++)
            stats.Record(i * 1_000L);
        var report = new TriggerThreadReport { FifoPriority = 80 };

        stats.Fill(report);

        Assert.Equal(50.0, report.WakeErrorP50Us);
        Assert.Equal(99.0, report.WakeErrorP99Us);
        Assert.Equal(100.0, report.WakeErrorMaxUs);
        Assert.Equal(80, report.FifoPriority);
    }

    [Fact]
    public void Empty_QueriesThrow_AndFillWritesZeros()
    {
        var stats = new WakeErrorStatistics(4);
        var report = new TriggerThreadReport { WakeErrorP50Us = 7, WakeErrorP99Us = 8, WakeErrorMaxUs = 9 };

        Assert.Throws<InvalidOperationException>(() => stats.PercentileNs(50));
        Assert.Throws<InvalidOperationException>(() => stats.MaxNs);
        stats.Fill(report);

        Assert.Equal(0, report.WakeErrorP50Us);
        Assert.Equal(0, report.WakeErrorP99Us);
        Assert.Equal(0, report.WakeErrorMaxUs);
    }

    [Fact]
    public void BeyondCapacity_KeepsAUniformSample_NotTheFirstOrLastOnes()
    {
        // Ascending input: keeping the first samples would give a median near 500, the last near 99 500.
        var stats = new WakeErrorStatistics(1000);
        for (long v = 0; v < 100_000; v++)
            stats.Record(v);

        Assert.Equal(100_000, stats.Count);
        Assert.Equal(1000, stats.RetainedCount);
        Assert.Equal(99_999, stats.MaxNs);
        Assert.Equal(0, stats.MinNs);
        Assert.Equal(49_999.5, stats.MeanNs);
        // Median of a 1000-sample uniform draw: standard error about 1 600; the seed is fixed.
        Assert.InRange(stats.PercentileNs(50), 45_000, 55_000);
        Assert.InRange(stats.PercentileNs(10), 5_000, 15_000);
        Assert.InRange(stats.PercentileNs(90), 85_000, 95_000);
    }

    [Fact]
    public void RecordAndQueries_AllocateNothing()
    {
        var stats = new WakeErrorStatistics(1024);
        stats.Record(1);
        _ = stats.PercentileNs(50); // first call JITs

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long v = 0; v < 200_000; v++)
            stats.Record((v * 7919) % 100_003);
        long p99 = stats.PercentileNs(99);
        double p50 = stats.P50Us;
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, after - before);
        Assert.True(p99 >= p50 * 1000);
    }

    [Fact]
    public void Reset_ForgetsEverything()
    {
        var stats = new WakeErrorStatistics(4);
        for (int i = 0; i < 10; i++)
            stats.Record(1_000_000);
        stats.Reset();
        stats.Record(7);

        Assert.Equal(1, stats.Count);
        Assert.Equal(7, stats.MaxNs);
        Assert.Equal(7, stats.PercentileNs(50));
    }

    [Fact]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WakeErrorStatistics(0));
        var stats = new WakeErrorStatistics(4);
        stats.Record(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => stats.PercentileNs(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => stats.PercentileNs(100.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => stats.PercentileNs(double.NaN));
    }

    private static IEnumerable<long> Shuffled(IEnumerable<long> values)
    {
        var array = values.ToArray();
        new Random(1234).Shuffle(array);
        return array;
    }
}
