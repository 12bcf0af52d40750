using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// The clock of a simulated camera, as a piecewise-linear model of the shared timeline. Each segment is
/// <c>device_ns = host_ns + OffsetNs + DriftPpm × 1e-6 × (host_ns − ReferenceHostNs)</c>, rounded to whole ns; the
/// first segment covers all time before the second, and every later segment starts at its own reference, where the
/// clock is continuous unless a step was asked for. A free-running camera has one segment; a PTP servo schedules more
/// (a slew toward the master, then the locked rate), so a reader at any host time gets the right device time without
/// any timer having to fire.
/// </summary>
/// <remarks>
/// The model is one immutable chain swapped atomically, so readers on the trigger and delivery threads never see a
/// half-changed model and never allocate; a change (a PTP servo) allocates once.
/// </remarks>
public sealed class SimulatedDeviceClock
{
    private sealed record Model(long OffsetNs, double DriftPpm, long ReferenceHostNs, Model? Next);

    private Model _model;

    /// <summary>Creates the clock model.</summary>
    /// <param name="offsetNs">Device minus host at the reference, ns.</param>
    /// <param name="driftPpm">Rate error, ppm (positive: the device clock runs fast).</param>
    /// <param name="referenceHostNs">Host time (shared timeline, ns) where the drift term is zero.</param>
    public SimulatedDeviceClock(long offsetNs, double driftPpm, long referenceHostNs) =>
        _model = new Model(offsetNs, driftPpm, referenceHostNs, null);

    /// <summary>Device minus host at <see cref="ReferenceHostNs"/>, ns, of the last scheduled segment (the model the clock runs on from the latest change on).</summary>
    public long OffsetNs => Last().OffsetNs;

    /// <summary>Rate error against the shared timeline, ppm, of the last scheduled segment.</summary>
    public double DriftPpm => Last().DriftPpm;

    /// <summary>Host time (shared timeline, ns) at which the last scheduled segment's drift term is zero (where it starts, unless it is the only one).</summary>
    public long ReferenceHostNs => Last().ReferenceHostNs;

    /// <summary>Maps a shared-timeline time to the device clock, ns.</summary>
    public long ToDeviceNs(long hostNs)
    {
        var m = Volatile.Read(ref _model);
        while (m.Next is { } n && hostNs >= n.ReferenceHostNs)
            m = n;
        return Map(m, hostNs);
    }

    /// <summary>Maps a device-clock time back to the shared timeline, ns (the inverse of <see cref="ToDeviceNs"/>, within 1 ns).</summary>
    public long ToHostNs(long deviceNs)
    {
        var m = Volatile.Read(ref _model);
        while (m.Next is { } n && deviceNs >= n.ReferenceHostNs + n.OffsetNs)
            m = n;
        // device - ref - offset = (host - ref) * (1 + d)
        double sinceRef = (deviceNs - m.ReferenceHostNs - m.OffsetNs) / (1 + m.DriftPpm * 1e-6);
        return m.ReferenceHostNs + (long)Math.Round(sinceRef);
    }

    /// <summary>The device clock now, ns.</summary>
    public long NowNs() => ToDeviceNs(SharedTimeline.NowNs());

    /// <summary>Device minus host at <paramref name="hostNs"/>, ns.</summary>
    public long OffsetAt(long hostNs) => ToDeviceNs(hostNs) - hostNs;

    /// <summary>
    /// Changes the model at host time <paramref name="atHostNs"/> the way a servo does: the device clock jumps by
    /// <paramref name="stepNs"/> there (0 keeps it continuous) and runs at <paramref name="driftPpm"/> from then on.
    /// Segments scheduled after <paramref name="atHostNs"/> are dropped; earlier ones are kept.
    /// </summary>
    internal void Adjust(long atHostNs, long stepNs, double driftPpm)
    {
        long deviceAt = ToDeviceNs(atHostNs);
        Replace(atHostNs, new Model(deviceAt - atHostNs + stepNs, driftPpm, atHostNs, null));
    }

    /// <summary>
    /// Schedules a servo's slew: from <paramref name="startHostNs"/> the clock (continuous there) moves linearly so that
    /// at <paramref name="endHostNs"/> it reads <c>endHostNs + targetOffsetNs</c>, and from then on runs at the host's
    /// rate with that offset. Segments scheduled after <paramref name="startHostNs"/> are dropped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The end is not after the start.</exception>
    internal void Slew(long startHostNs, long endHostNs, long targetOffsetNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(endHostNs, startHostNs);
        long startOffset = OffsetAt(startHostNs);
        double ppm = (double)(targetOffsetNs - startOffset) / (endHostNs - startHostNs) * 1e6;
        var locked = new Model(targetOffsetNs, 0, endHostNs, null);
        Replace(startHostNs, new Model(startOffset, ppm, startHostNs, locked));
    }

    private static long Map(Model m, long hostNs) =>
        hostNs + m.OffsetNs + (long)Math.Round(m.DriftPpm * 1e-6 * (hostNs - m.ReferenceHostNs));

    private Model Last()
    {
        var m = Volatile.Read(ref _model);
        while (m.Next is { } n)
            m = n;
        return m;
    }

    /// <summary>Keeps the segments that start before <paramref name="atHostNs"/> (the first one always) and appends <paramref name="tail"/>.</summary>
    private void Replace(long atHostNs, Model tail)
    {
        var kept = new List<Model>();
        for (var m = Volatile.Read(ref _model); m is not null; m = m.Next)
        {
            if (kept.Count > 0 && m.ReferenceHostNs >= atHostNs)
                break;
            kept.Add(m);
        }
        Model chain = tail;
        for (int i = kept.Count - 1; i >= 0; i--)
            chain = kept[i] with { Next = chain };
        Volatile.Write(ref _model, chain);
    }
}
