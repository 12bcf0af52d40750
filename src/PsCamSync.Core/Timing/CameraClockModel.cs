namespace PsCamSync.Core.Timing;

/// <summary>
/// A camera clock as a line against the shared timeline, fitted by ordinary least squares over (host, device) samples:
/// <c>device − host = OffsetNs + DriftPpm × 1e-6 × (host − ReferenceHostNs)</c>. Plain data (recorded in take.json).
/// </summary>
/// <param name="ReferenceHostNs">Host time (shared timeline, ns) the offset refers to: the first sample's host time.</param>
/// <param name="OffsetNs">Device minus host at <paramref name="ReferenceHostNs"/>, ns.</param>
/// <param name="DriftPpm">Rate error of the device clock, ppm (positive: it runs fast).</param>
/// <param name="SampleCount">Samples the model was fitted on.</param>
/// <param name="ResidualRmsNs">Root mean square of the fit's residuals, ns (0 for one or two samples).</param>
public sealed record CameraClockModel(long ReferenceHostNs, double OffsetNs, double DriftPpm, int SampleCount, double ResidualRmsNs)
{
    /// <summary>
    /// Fits offset and drift to samples by least squares on <c>y = device − host</c> against <c>x = host − first host</c>,
    /// centred for precision (sums in double over differences, so ns-scale epoch values lose nothing). One sample (or
    /// samples all at one host time) gives drift 0 and the mean offset.
    /// </summary>
    /// <param name="hostNs">Host times, shared timeline ns.</param>
    /// <param name="deviceNs">Device times latched at those host times, ns (already mapped to the shared timescale).</param>
    /// <exception cref="InvalidCaptureArgumentException">No samples, or the lists differ in length (ParameterName <c>Samples</c>).</exception>
    public static CameraClockModel Fit(IReadOnlyList<long> hostNs, IReadOnlyList<long> deviceNs)
    {
        ArgumentNullException.ThrowIfNull(hostNs);
        ArgumentNullException.ThrowIfNull(deviceNs);
        int n = hostNs.Count;
        if (n < 1 || deviceNs.Count != n)
            throw new InvalidCaptureArgumentException("Samples", $"a clock model needs at least one (host, device) pair and as many device as host times; got {n} and {deviceNs.Count}.");
        long reference = hostNs[0];
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++)
        {
            mx += hostNs[i] - reference;
            my += deviceNs[i] - hostNs[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = hostNs[i] - reference - mx;
            sxx += dx * dx;
            sxy += dx * (deviceNs[i] - hostNs[i] - my);
        }
        double slope = sxx > 0 ? sxy / sxx : 0;
        double offset = my - slope * mx;
        double sse = 0;
        for (int i = 0; i < n; i++)
        {
            double r = deviceNs[i] - hostNs[i] - (offset + slope * (hostNs[i] - reference));
            sse += r * r;
        }
        return new CameraClockModel(reference, offset, slope * 1e6, n, Math.Sqrt(sse / n));
    }

    /// <summary>Maps a shared-timeline time to the device clock, ns (rounded).</summary>
    public long ToDevice(long hostNs) =>
        hostNs + (long)Math.Round(OffsetNs + DriftPpm * 1e-6 * (hostNs - ReferenceHostNs));

    /// <summary>Maps a device time to the shared timeline, ns (rounded; the inverse of <see cref="ToDevice"/> within 1 ns).</summary>
    public long ToHost(long deviceNs)
    {
        // device = host + a + d (host - ref)  =>  host - ref = (device - ref - a) / (1 + d)
        double sinceRef = (deviceNs - ReferenceHostNs - OffsetNs) / (1 + DriftPpm * 1e-6);
        return ReferenceHostNs + (long)Math.Round(sinceRef);
    }
}
