using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// The clock of a simulated camera, as a linear model of the shared timeline:
/// <c>device_ns = host_ns + OffsetNs + DriftPpm × 1e-6 × (host_ns − ReferenceHostNs)</c>, rounded to whole ns.
/// At <see cref="ReferenceHostNs"/> the device clock reads exactly host + <see cref="OffsetNs"/>.
/// </summary>
/// <remarks>
/// The model is one immutable object swapped atomically, so readers on the trigger and delivery threads never see a
/// half-changed model and never allocate; a change (a later PTP servo) allocates once.
/// </remarks>
public sealed class SimulatedDeviceClock
{
    private sealed record Model(long OffsetNs, double DriftPpm, long ReferenceHostNs);

    private Model _model;

    /// <summary>Creates the clock model.</summary>
    /// <param name="offsetNs">Device minus host at the reference, ns.</param>
    /// <param name="driftPpm">Rate error, ppm (positive: the device clock runs fast).</param>
    /// <param name="referenceHostNs">Host time (shared timeline, ns) where the drift term is zero.</param>
    public SimulatedDeviceClock(long offsetNs, double driftPpm, long referenceHostNs) =>
        _model = new Model(offsetNs, driftPpm, referenceHostNs);

    /// <summary>Device minus host at <see cref="ReferenceHostNs"/>, ns.</summary>
    public long OffsetNs => Volatile.Read(ref _model).OffsetNs;

    /// <summary>Rate error against the shared timeline, ppm.</summary>
    public double DriftPpm => Volatile.Read(ref _model).DriftPpm;

    /// <summary>Host time (shared timeline, ns) at which the drift term is zero.</summary>
    public long ReferenceHostNs => Volatile.Read(ref _model).ReferenceHostNs;

    /// <summary>Maps a shared-timeline time to the device clock, ns.</summary>
    public long ToDeviceNs(long hostNs)
    {
        var m = Volatile.Read(ref _model);
        return hostNs + m.OffsetNs + (long)Math.Round(m.DriftPpm * 1e-6 * (hostNs - m.ReferenceHostNs));
    }

    /// <summary>Maps a device-clock time back to the shared timeline, ns (the inverse of <see cref="ToDeviceNs"/>, within 1 ns).</summary>
    public long ToHostNs(long deviceNs)
    {
        var m = Volatile.Read(ref _model);
        // device - ref - offset = (host - ref) * (1 + d)
        double sinceRef = (deviceNs - m.ReferenceHostNs - m.OffsetNs) / (1 + m.DriftPpm * 1e-6);
        return m.ReferenceHostNs + (long)Math.Round(sinceRef);
    }

    /// <summary>The device clock now, ns.</summary>
    public long NowNs() => ToDeviceNs(SharedTimeline.NowNs());

    /// <summary>
    /// Changes the model at host time <paramref name="atHostNs"/> the way a servo does: the device clock jumps by
    /// <paramref name="stepNs"/> there (0 keeps it continuous) and runs at <paramref name="driftPpm"/> from then on.
    /// </summary>
    internal void Adjust(long atHostNs, long stepNs, double driftPpm)
    {
        long deviceAt = ToDeviceNs(atHostNs);
        Volatile.Write(ref _model, new Model(deviceAt - atHostNs + stepNs, driftPpm, atHostNs));
    }
}
