using PsCamSync.Core.Analysis;

namespace PsCamSync.Core.Tests.Analysis;

public class PercentilesTests
{
    [Theory]
    [InlineData(50, 50)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(1, 1)]
    [InlineData(0, 1)]
    public void NearestRank_OnOneToHundred(int percent, long expected) =>
        Assert.Equal(expected, Percentiles.NearestRank(Enumerable.Range(1, 100).Select(i => (long)i).ToList(), percent));

    [Fact]
    public void NearestRank_SmallSamples()
    {
        // N = 2: p50 rank ceil(1) = 1; p99 rank ceil(1.98) = 2.
        Assert.Equal(10, Percentiles.NearestRank(new long[] { 10, 20 }, 50));
        Assert.Equal(20, Percentiles.NearestRank(new long[] { 10, 20 }, 99));
        // N = 5 (Wikipedia's example 15 20 35 40 50): p30 = 20, p40 = 20, p50 = 35, p100 = 50.
        long[] w = { 15, 20, 35, 40, 50 };
        Assert.Equal(new long[] { 20, 20, 35, 50 }, new[] { 30, 40, 50, 100 }.Select(p => Percentiles.NearestRank(w, p)));
    }

    [Fact]
    public void Skew_OfNothing_IsAllZero()
    {
        var s = Percentiles.Skew(SkewKind.Device, new List<long>());
        Assert.Equal((SkewKind.Device, 0L, 0L, 0L, 0L), (s.Kind, s.FrameSets, s.P50Ns, s.P99Ns, s.MaxNs));
    }

    [Fact]
    public void Moments_MeanAndPopulationStdDev_KeepPrecisionOnEpochSizedValues()
    {
        var m = new Moments();
        foreach (long v in new[] { 2, 4, 4, 4, 5, 5, 7, 9 })
            m.Add(1_790_000_000_000_000_000 + v);
        Assert.Equal(8, m.Count);
        Assert.Equal(2.0, m.PopulationStdDev, 12); // the classic example: mean 5, σ = 2
        Assert.Equal(1_790_000_000_000_000_005.0, m.Mean);
    }
}
