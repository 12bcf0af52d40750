namespace PsCamSync.Core.Timing;

/// <summary>
/// One latch of one camera's timestamp: the shared timeline read just before and just after the latch command, and the
/// device time it latched (mapped to the shared timescale). Plain data.
/// </summary>
/// <param name="Host">Host the camera is attached to.</param>
/// <param name="CameraId">Camera id.</param>
/// <param name="Round">Latch round, 0-based.</param>
/// <param name="HostBeforeNs">Shared timeline just before the latch command, ns.</param>
/// <param name="HostAfterNs">Shared timeline just after the latch command returned, ns.</param>
/// <param name="DeviceNs">The latched device time, ns, after the timescale mapping.</param>
public sealed record TimestampDeltaSample(string Host, string CameraId, int Round, long HostBeforeNs, long HostAfterNs, long DeviceNs)
{
    /// <summary>Midpoint of the bracket, ns: the host time the device time is compared with.</summary>
    public long HostMidNs => HostBeforeNs + (HostAfterNs - HostBeforeNs) / 2;

    /// <summary>Device minus host midpoint, ns.</summary>
    public long DeltaNs => DeviceNs - HostMidNs;

    /// <summary>Half the bracket width, ns: the delta's uncertainty from not knowing when in the bracket the camera latched.</summary>
    public long UncertaintyNs => (HostAfterNs - HostBeforeNs + 1) / 2;
}

/// <summary>What a timestamp-delta measurement of one camera concluded.</summary>
public enum TimestampDeltaVerdict
{
    /// <summary>The largest |delta| is within the threshold.</summary>
    Pass,
    /// <summary>The largest |delta| is above the threshold.</summary>
    Fail,
    /// <summary>The camera could not be measured (see <see cref="TimestampDeltaResult.Error"/>).</summary>
    Error,
}

/// <summary>
/// One camera's timestamp delta to the host's shared timeline, with statistics over the samples, a fitted clock model
/// and a verdict. Plain data with Host and CameraId first, so results from many hosts (Invoke-Command) compare.
/// </summary>
/// <param name="Host">Host the camera is attached to.</param>
/// <param name="CameraId">Camera id.</param>
/// <param name="Verdict">Pass (max |delta| ≤ threshold), Fail, or Error (see <paramref name="Error"/>).</param>
/// <param name="DeltaNs">Mean delta (device − host), ns, rounded; the only delta for one sample.</param>
/// <param name="UncertaintyNs">Largest bracket half-width among the samples, ns.</param>
/// <param name="Samples">Samples taken.</param>
/// <param name="MeanDeltaNs">Mean delta, ns.</param>
/// <param name="StdDevNs">Sample standard deviation of the deltas, ns (0 for one sample).</param>
/// <param name="MaxAbsDeltaNs">Largest |delta|, ns.</param>
/// <param name="ThresholdNs">The threshold applied, ns.</param>
/// <param name="Mapping">Timescale mapping used (<see cref="TimescaleMapping.Name"/>).</param>
/// <param name="MappingSubtractNs">ns subtracted from device times by the mapping.</param>
/// <param name="Model">Offset and drift fitted over the samples (drift 0 for one sample; see <see cref="FitModel"/>), or null on error.</param>
/// <param name="SampleList">Every sample, in order.</param>
/// <param name="Error">Why the camera could not be measured (a FeatureException's message), or null.</param>
public sealed record TimestampDeltaResult(
    string Host, string CameraId, TimestampDeltaVerdict Verdict, long DeltaNs, long UncertaintyNs, int Samples, double MeanDeltaNs,
    double StdDevNs, long MaxAbsDeltaNs, long ThresholdNs, string Mapping, long MappingSubtractNs,
    CameraClockModel? Model, TimestampDeltaSample[] SampleList, string? Error)
{
    /// <summary>True when the verdict is Pass.</summary>
    public bool Passed => Verdict == TimestampDeltaVerdict.Pass;

    /// <summary>Summarises samples of one camera (all with the same Host and CameraId).</summary>
    /// <exception cref="InvalidCaptureArgumentException">No samples (Samples) or a negative threshold (Threshold).</exception>
    public static TimestampDeltaResult FromSamples(IReadOnlyList<TimestampDeltaSample> samples, long thresholdNs, TimescaleMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(mapping);
        if (samples.Count < 1)
            throw new InvalidCaptureArgumentException("Samples", "at least one sample is needed.");
        if (thresholdNs < 0)
            throw new InvalidCaptureArgumentException("Threshold", $"the threshold cannot be negative; got {thresholdNs} ns.");
        int n = samples.Count;
        double mean = 0;
        long maxAbs = 0, uncertainty = 0;
        for (int i = 0; i < n; i++)
        {
            var s = samples[i];
            mean += s.DeltaNs;
            maxAbs = Math.Max(maxAbs, Math.Abs(s.DeltaNs));
            uncertainty = Math.Max(uncertainty, s.UncertaintyNs);
        }
        mean /= n;
        double ss = 0;
        foreach (var s in samples)
            ss += (s.DeltaNs - mean) * (s.DeltaNs - mean);
        double sd = n > 1 ? Math.Sqrt(ss / (n - 1)) : 0;
        return new TimestampDeltaResult(samples[0].Host, samples[0].CameraId, maxAbs <= thresholdNs ? TimestampDeltaVerdict.Pass : TimestampDeltaVerdict.Fail,
            (long)Math.Round(mean), uncertainty, n, mean, sd, maxAbs, thresholdNs, mapping.Name, mapping.SubtractNs,
            FitModel(samples), samples.ToArray(), null);
    }

    /// <summary>Largest bracket, as a multiple of the median bracket, that a sample may have to enter the clock model fit.</summary>
    public const int FitBracketLimit = 4;

    /// <summary>
    /// Fits the clock model on the samples whose bracket half-width is at most <see cref="FitBracketLimit"/> × the median:
    /// a thread preempted between the reads around a latch widens that bracket and its error, and one such sample
    /// would dominate a least-squares drift. The statistics above still use every sample.
    /// </summary>
    public static CameraClockModel FitModel(IReadOnlyList<TimestampDeltaSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var widths = samples.Select(s => s.UncertaintyNs).Order().ToArray();
        long limit = widths.Length == 0 ? 0 : Math.Max(1, widths[widths.Length / 2]) * FitBracketLimit;
        var kept = samples.Where(s => s.UncertaintyNs <= limit).ToArray();
        return CameraClockModel.Fit(kept.Select(s => s.HostMidNs).ToArray(), kept.Select(s => s.DeviceNs).ToArray());
    }

    /// <summary>The result of a camera that could not be measured.</summary>
    public static TimestampDeltaResult Failed(string host, string cameraId, long thresholdNs, TimescaleMapping mapping, string error) =>
        new(host, cameraId, TimestampDeltaVerdict.Error, 0, 0, 0, 0, 0, 0, thresholdNs, mapping.Name, mapping.SubtractNs, null, [], error);
}
