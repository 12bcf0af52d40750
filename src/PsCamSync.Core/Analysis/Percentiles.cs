namespace PsCamSync.Core.Analysis;

/// <summary>
/// The statistics of take analysis, in one place: nearest-rank percentiles of skews and the mean and population
/// standard deviation of intervals.
/// </summary>
internal static class Percentiles
{
    /// <summary>
    /// The nearest-rank percentile of ascending <paramref name="sorted"/>: the value at 1-based rank
    /// <c>ceil(percent / 100 × N)</c> (at least 1), computed in integers. Source: the nearest-rank method as described
    /// in NIST's Engineering Statistics Handbook and Wikipedia's "Percentile" article. Needs at least one value.
    /// </summary>
    public static long NearestRank(IReadOnlyList<long> sorted, int percent)
    {
        if (sorted.Count == 0)
            throw new ArgumentException("no values", nameof(sorted));
        if (percent is < 0 or > 100)
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "0 to 100");
        long rank = Math.Max(1, ((long)percent * sorted.Count + 99) / 100);
        return sorted[(int)rank - 1];
    }

    /// <summary>p50, p99 and max of <paramref name="skews"/> (sorted in place); all zero without values.</summary>
    public static SkewStatistics Skew(SkewKind kind, List<long> skews)
    {
        if (skews.Count == 0)
            return new SkewStatistics { Kind = kind };
        skews.Sort();
        return new SkewStatistics
        {
            Kind = kind,
            FrameSets = skews.Count,
            P50Ns = NearestRank(skews, 50),
            P99Ns = NearestRank(skews, 99),
            MaxNs = skews[^1],
        };
    }
}

/// <summary>
/// Running mean and population variance (Welford's online algorithm, Knuth TAOCP vol. 2, 4.2.2), of samples shifted by
/// the first one so that large values (ns since the epoch) keep their precision in doubles.
/// </summary>
internal struct Moments
{
    private long _shift;
    private double _mean;
    private double _m2;

    /// <summary>Samples added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds one sample.</summary>
    public void Add(long value)
    {
        if (Count == 0)
            _shift = value;
        double x = (double)(value - _shift);
        Count++;
        double delta = x - _mean;
        _mean += delta / Count;
        _m2 += delta * (x - _mean);
    }

    /// <summary>Mean of the samples; 0 without any.</summary>
    public readonly double Mean => Count == 0 ? 0 : _shift + _mean;

    /// <summary>Population standard deviation (divides by N); 0 with fewer than two samples.</summary>
    public readonly double PopulationStdDev => Count < 2 ? 0 : Math.Sqrt(_m2 / Count);
}
