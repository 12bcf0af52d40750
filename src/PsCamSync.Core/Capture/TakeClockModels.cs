using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>
/// Camera clock models for a take: timestamp latches just before the take give the offset; latches again when it ends
/// give the drift over the whole take span. A few ms of samples cannot resolve drift (±1 µs of latch jitter over 20 ms
/// is ±50 ppm), so a model from samples spanning less than <see cref="MinDriftSpanNs"/> has drift 0.
/// </summary>
internal static class TakeClockModels
{
    /// <summary>Shortest span of samples, ns, over which drift is fitted (1 s).</summary>
    public const long MinDriftSpanNs = 1_000_000_000;

    /// <summary>Latch settings for the measurements around a take.</summary>
    public static TimestampDeltaOptions Options(int samples) => new() { Samples = samples, IntervalNs = 2_000_000 };

    /// <summary>The model of one camera's samples: drift fitted only when they span at least <see cref="MinDriftSpanNs"/>.</summary>
    public static CameraClockModel? Fit(IReadOnlyList<TimestampDeltaSample> samples)
    {
        if (samples.Count == 0)
            return null;
        long span = samples[^1].HostMidNs - samples[0].HostMidNs;
        if (span >= MinDriftSpanNs)
            return TimestampDeltaResult.FitModel(samples);
        double mean = samples.Average(s => (double)s.DeltaNs);
        double rms = Math.Sqrt(samples.Average(s => (s.DeltaNs - mean) * (s.DeltaNs - mean)));
        return new CameraClockModel(samples[0].HostMidNs, mean, 0, samples.Count, rms);
    }

    /// <summary>What take.json says about how a model was measured.</summary>
    public static string Note(TimestampDeltaResult start, TimestampDeltaResult? end, CameraClockModel? model) =>
        model is null ? $"no clock model: {start.Error}"
        : end is null || end.Model is null
            ? $"offset from {start.Samples} timestamp latches before the take (drift not measured{(end?.Error is { } e ? ": " + e : "")}); latch uncertainty ±{start.UncertaintyNs} ns"
            : $"least squares over {model.SampleCount} timestamp latches before and after the take; residual {model.ResidualRmsNs:0} ns rms, latch uncertainty ±{Math.Max(start.UncertaintyNs, end.UncertaintyNs)} ns";
}
