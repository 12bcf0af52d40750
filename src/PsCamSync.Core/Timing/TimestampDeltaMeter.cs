using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Timing;

/// <summary>
/// Measures camera/host timestamp deltas (Get-CameraTimestampDelta): every round latches each camera's timestamp back to
/// back, reading the shared timeline just before and just after each latch command, and compares the latched device time
/// (read afterwards) with the bracket's midpoint. Latch features: TimestampLatch + TimestampLatchValue (SFNC), else
/// GevTimestampControlLatch + GevTimestampValue (GigE Vision legacy, in ticks of GevTimestampTickFrequency, converted
/// to ns when that feature exists and is not 1 GHz).
/// </summary>
public static class TimestampDeltaMeter
{
    /// <summary>Measures every camera; a camera whose features fail gets Verdict Error with the message (the others go on).</summary>
    /// <param name="host">Host name to put in the results.</param>
    /// <param name="cameras">Open cameras.</param>
    /// <param name="options">Samples, threshold, interval (validated here).</param>
    /// <param name="mappingFor">Timescale mapping per camera (see <see cref="TimescaleMapping.For"/>); null = Identity for all.</param>
    /// <param name="cancel">Stops between rounds with OperationCanceledException.</param>
    /// <param name="roundCompleted">Called on the calling thread after each latch round with the number of rounds done
    /// (1..Samples), between rounds, never inside a latch bracket (e.g. for Write-Progress); null for none.</param>
    /// <returns>One result per camera, in the order given.</returns>
    /// <exception cref="InvalidCaptureArgumentException">Bad options (Samples, Threshold, Interval).</exception>
    public static TimestampDeltaResult[] Measure(string host, IReadOnlyList<ICamera> cameras, TimestampDeltaOptions options,
        Func<ICamera, TimescaleMapping>? mappingFor = null, CancellationToken cancel = default, Action<int>? roundCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int count = cameras.Count;
        var ids = new string[count];
        var mappings = new TimescaleMapping[count];
        var latches = new TimestampLatchFeatures?[count];
        var errors = new string?[count];
        var samples = new List<TimestampDeltaSample>[count];
        for (int c = 0; c < count; c++)
        {
            ids[c] = cameras[c].Info.Id;
            mappings[c] = mappingFor?.Invoke(cameras[c]) ?? TimescaleMapping.Identity;
            samples[c] = new List<TimestampDeltaSample>(options.Samples);
            try
            {
                latches[c] = TimestampLatchFeatures.Detect(cameras[c].Features)
                    ?? throw new FeatureException("TimestampLatch", "has neither TimestampLatch/TimestampLatchValue nor GevTimestampControlLatch/GevTimestampValue.");
                // One untimed latch and read first: JIT compilation and cold caches would otherwise widen the first bracket.
                cameras[c].Features.Execute(latches[c]!.Latch);
                latches[c]!.ReadNs(cameras[c].Features);
            }
            catch (FeatureException e)
            {
                errors[c] = $"{ids[c]}: {e.Message}";
            }
        }

        var before = new long[count];
        var after = new long[count];
        for (int round = 0; round < options.Samples; round++)
        {
            if (round > 0 && options.IntervalNs > 0)
                cancel.WaitHandle.WaitOne(TimeSpan.FromTicks(options.IntervalNs / TimeSpan.NanosecondsPerTick));
            cancel.ThrowIfCancellationRequested();
            // Latch all cameras back to back first, then read the values: the latches stay as close together as the
            // command round trips allow.
            for (int c = 0; c < count; c++)
            {
                if (errors[c] is not null)
                    continue;
                try
                {
                    before[c] = SharedTimeline.NowNs();
                    cameras[c].Features.Execute(latches[c]!.Latch);
                    after[c] = SharedTimeline.NowNs();
                }
                catch (FeatureException e)
                {
                    errors[c] = $"{ids[c]}: {e.Message}";
                }
            }
            for (int c = 0; c < count; c++)
            {
                if (errors[c] is not null)
                    continue;
                try
                {
                    long device = mappings[c].ToShared(latches[c]!.ReadNs(cameras[c].Features));
                    samples[c].Add(new TimestampDeltaSample(host, ids[c], round, before[c], after[c], device));
                }
                catch (FeatureException e)
                {
                    errors[c] = $"{ids[c]}: {e.Message}";
                }
            }
            roundCompleted?.Invoke(round + 1);
        }

        var results = new TimestampDeltaResult[count];
        for (int c = 0; c < count; c++)
            results[c] = errors[c] is { } error
                ? TimestampDeltaResult.Failed(host, ids[c], options.ThresholdNs, mappings[c], error)
                : TimestampDeltaResult.FromSamples(samples[c], options.ThresholdNs, mappings[c]);
        return results;
    }
}

/// <summary>The timestamp latch features of one camera.</summary>
/// <param name="Latch">ICommand that latches the device clock.</param>
/// <param name="Value">IInteger holding the latched value.</param>
/// <param name="TickHz">Device ticks per second of <paramref name="Value"/> (1e9 = ns).</param>
public sealed record TimestampLatchFeatures(string Latch, string Value, long TickHz)
{
    /// <summary>SFNC TimestampLatch/TimestampLatchValue (ns), else GevTimestampControlLatch/GevTimestampValue (ticks of GevTimestampTickFrequency, ns when absent); null when neither.</summary>
    /// <exception cref="FeatureException">GevTimestampTickFrequency exists but cannot be read or is not positive.</exception>
    public static TimestampLatchFeatures? Detect(IFeatureMap features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.IsAvailable("TimestampLatch") && features.IsAvailable("TimestampLatchValue"))
            return new("TimestampLatch", "TimestampLatchValue", 1_000_000_000);
        if (features.IsAvailable("GevTimestampControlLatch") && features.IsAvailable("GevTimestampValue"))
        {
            long hz = features.IsAvailable("GevTimestampTickFrequency") ? features.GetInteger("GevTimestampTickFrequency") : 1_000_000_000;
            if (hz <= 0)
                throw new FeatureException("GevTimestampTickFrequency", $"GevTimestampTickFrequency is {hz}; a positive tick rate is needed.");
            return new("GevTimestampControlLatch", "GevTimestampValue", hz);
        }
        return null;
    }

    /// <summary>Reads the latched value in ns.</summary>
    public long ReadNs(IFeatureMap features)
    {
        long v = features.GetInteger(Value);
        return TickHz == 1_000_000_000 ? v : (long)Math.Round((decimal)v * 1_000_000_000m / TickHz);
    }
}
