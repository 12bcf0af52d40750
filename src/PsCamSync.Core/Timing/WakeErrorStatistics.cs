using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Timing;

/// <summary>
/// Records wake-up errors of a trigger thread (ns after the deadline; negative would be early) into storage
/// allocated once, and answers nearest-rank percentiles in µs. <see cref="Record"/> allocates nothing.
/// </summary>
/// <remarks>
/// Up to <see cref="Capacity"/> samples are all kept, so percentiles are exact. Beyond that the kept samples are a
/// uniform random sample of everything recorded (reservoir sampling, Vitter's Algorithm R, J. S. Vitter, "Random
/// sampling with a reservoir", ACM TOMS 11(1), 1985), drawn with a fixed-seed xorshift64* generator so a run is
/// reproducible; percentiles are then estimates from that sample, while <see cref="Count"/>, <see cref="MinNs"/>,
/// <see cref="MaxNs"/>, <see cref="MeanNs"/> and <see cref="EarlyCount"/> stay exact over every sample.
/// Percentile queries sort the kept samples in place (exchangeable slots, so this does not bias the reservoir) and
/// allocate nothing either. Not thread-safe: one thread records, and reads after it or on the same thread.
/// </remarks>
public sealed class WakeErrorStatistics
{
    /// <summary>Default capacity: 131 072 samples (1 MiB), 2 min 11 s of 1 kHz triggers kept exactly.</summary>
    public const int DefaultCapacity = 1 << 17;

    private readonly long[] _samples;
    private int _retained;
    private bool _sorted = true;
    private long _count;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;
    private long _early;
    private double _sum;
    private ulong _random = 0x9E3779B97F4A7C15UL;

    /// <summary>Allocates room for <paramref name="capacity"/> samples.</summary>
    /// <param name="capacity">Samples kept exactly before reservoir sampling starts; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public WakeErrorStatistics(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _samples = new long[capacity];
    }

    /// <summary>How many samples are kept at most.</summary>
    public int Capacity => _samples.Length;

    /// <summary>How many samples were recorded in all.</summary>
    public long Count => _count;

    /// <summary>How many samples the percentiles are computed from (the smaller of Count and Capacity).</summary>
    public int RetainedCount => _retained;

    /// <summary>How many recorded errors were negative (a wake-up before its deadline).</summary>
    public long EarlyCount => _early;

    /// <summary>Smallest error recorded, ns (exact). Throws when nothing was recorded.</summary>
    /// <exception cref="InvalidOperationException">No sample was recorded.</exception>
    public long MinNs => _count > 0 ? _min : throw Empty();

    /// <summary>Largest error recorded, ns (exact). Throws when nothing was recorded.</summary>
    /// <exception cref="InvalidOperationException">No sample was recorded.</exception>
    public long MaxNs => _count > 0 ? _max : throw Empty();

    /// <summary>Mean error over every sample, ns. Throws when nothing was recorded.</summary>
    /// <exception cref="InvalidOperationException">No sample was recorded.</exception>
    public double MeanNs => _count > 0 ? _sum / _count : throw Empty();

    /// <summary>Median wake-up error, µs (nearest rank).</summary>
    /// <exception cref="InvalidOperationException">No sample was recorded.</exception>
    public double P50Us => PercentileNs(50) / 1000.0;

    /// <summary>99th percentile of the wake-up error, µs (nearest rank).</summary>
    /// <exception cref="InvalidOperationException">No sample was recorded.</exception>
    public double P99Us => PercentileNs(99) / 1000.0;

    /// <summary>99.9th percentile of the wake-up error, µs (nearest rank).</summary>
    /// <exception cref="InvalidOperationException">No sample was recorded.</exception>
    public double P999Us => PercentileNs(99.9) / 1000.0;

    /// <summary>Largest wake-up error, µs (exact).</summary>
    /// <exception cref="InvalidOperationException">No sample was recorded.</exception>
    public double MaxUs => MaxNs / 1000.0;

    /// <summary>Records one wake-up error, ns after the deadline. Allocates nothing.</summary>
    public void Record(long errorNs)
    {
        _count++;
        _sum += errorNs;
        if (errorNs < _min) _min = errorNs;
        if (errorNs > _max) _max = errorNs;
        if (errorNs < 0) _early++;
        if (_retained < _samples.Length)
        {
            _samples[_retained++] = errorNs;
            _sorted = false;
            return;
        }
        // Algorithm R: the n-th sample (1-based) replaces a random slot with probability Capacity / n.
        ulong slot = NextRandom() % (ulong)_count;
        if (slot < (ulong)_samples.Length)
        {
            _samples[(int)slot] = errorNs;
            _sorted = false;
        }
    }

    /// <summary>
    /// The nearest-rank percentile of the kept samples, ns: the smallest kept value with at least
    /// <paramref name="percentile"/> % of the kept values at or below it (rank <c>ceil(p/100 * n)</c>).
    /// </summary>
    /// <param name="percentile">In (0, 100].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentile"/> is outside (0, 100].</exception>
    /// <exception cref="InvalidOperationException">No sample was recorded.</exception>
    public long PercentileNs(double percentile)
    {
        if (!(percentile > 0 && percentile <= 100))
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "a percentile must be in (0, 100]");
        if (_retained == 0)
            throw Empty();
        if (!_sorted)
        {
            Array.Sort(_samples, 0, _retained);
            _sorted = true;
        }
        // p * n / 100 in doubles is a hair above a whole number for decimal p such as 99.9 (99.9 * 1000 / 100
        // would give rank 1000, not 999): forgive a rounding error far below one rank.
        double exactRank = percentile * _retained / 100.0;
        long rank = (long)Math.Ceiling(exactRank - 1e-9 * Math.Max(1.0, exactRank));
        return _samples[Math.Clamp(rank, 1, _retained) - 1];
    }

    /// <summary>
    /// Sets the report's <c>WakeError*</c> fields (P50, P99, Max, µs) from what was recorded; leaves them 0 when
    /// nothing was.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public void Fill(TriggerThreadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_count == 0)
        {
            report.WakeErrorP50Us = report.WakeErrorP99Us = report.WakeErrorMaxUs = 0;
            return;
        }
        report.WakeErrorP50Us = P50Us;
        report.WakeErrorP99Us = P99Us;
        report.WakeErrorMaxUs = MaxUs;
    }

    /// <summary>Forgets every sample (keeps the storage).</summary>
    public void Reset()
    {
        _retained = 0;
        _sorted = true;
        _count = 0;
        _min = long.MaxValue;
        _max = long.MinValue;
        _early = 0;
        _sum = 0;
        _random = 0x9E3779B97F4A7C15UL;
    }

    // xorshift64* (S. Vigna, "An experimental exploration of Marsaglia's xorshift generators, scrambled", 2016).
    private ulong NextRandom()
    {
        _random ^= _random >> 12;
        _random ^= _random << 25;
        _random ^= _random >> 27;
        return _random * 0x2545F4914F6CDD1DUL;
    }

    private static InvalidOperationException Empty() => new("no wake-up error was recorded yet");
}
