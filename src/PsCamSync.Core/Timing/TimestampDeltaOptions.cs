namespace PsCamSync.Core.Timing;

/// <summary>Settings of a camera/host timestamp delta measurement (Get-CameraTimestampDelta).</summary>
public sealed class TimestampDeltaOptions
{
    /// <summary>Default <see cref="ThresholdNs"/>: 3 ms.</summary>
    public const long DefaultThresholdNs = 3_000_000;

    /// <summary>Most <see cref="Samples"/>.</summary>
    public const int MaxSamples = 100_000;

    /// <summary>Latch rounds, 1-100000 (default 1). Two or more add mean, standard deviation and max |delta|, and a drift fit.</summary>
    public int Samples { get; set; } = 1;

    /// <summary>Largest |delta| that passes, ns (default 3 ms); 0 or more.</summary>
    public long ThresholdNs { get; set; } = DefaultThresholdNs;

    /// <summary>Pause between latch rounds, ns (default 10 ms), 0-60 s: spreads the samples in time so drift shows.</summary>
    public long IntervalNs { get; set; } = 10_000_000;

    /// <summary>Checks every value.</summary>
    /// <exception cref="InvalidCaptureArgumentException">A value is out of range; ParameterName is Samples, Threshold or Interval.</exception>
    public void Validate()
    {
        if (Samples is < 1 or > MaxSamples)
            throw new InvalidCaptureArgumentException("Samples", $"take 1-{MaxSamples} samples; got {Samples}.");
        if (ThresholdNs < 0)
            throw new InvalidCaptureArgumentException("Threshold", $"the threshold is a largest |delta| and cannot be negative; got {ThresholdNs} ns. Use e.g. 3 ms.");
        if (IntervalNs is < 0 or > 60_000_000_000)
            throw new InvalidCaptureArgumentException("Interval", $"the pause between samples must be 0-60 s; got {IntervalNs} ns.");
    }
}
