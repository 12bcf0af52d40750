namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// When the simulated sensor can start an exposure: a pure model on host times (ns), no threads, no clock reads.
/// </summary>
/// <remarks>
/// <para>Each accepted exposure starting at s occupies the sensor for exposure E, then readout R; the frame is ready at
/// <c>s + E + R</c>. A request to start an exposure the sensor cannot start is refused: the trigger is missed, as a
/// real sensor misses it (it is not delayed or queued).</para>
/// <para><b>TriggerOverlap Off</b>: the sensor is busy from exposure start to readout end, so the next exposure may
/// start at <c>s + E + R</c> at the earliest.</para>
/// <para><b>TriggerOverlap ReadOut</b>: a new exposure may start during the previous readout, but exposures never
/// overlap each other and a readout cannot start before the previous readout has ended. The next exposure s' is
/// accepted when <c>s' ≥ s + E</c> and <c>s' + E' ≥ s + E + R</c>: with a constant exposure the earliest next start
/// is <c>s + max(E, R)</c>. Because of the second rule a readout is never delayed, so every frame is ready at
/// <c>s + E + R</c> in both modes. (Overlapped-exposure cameras refuse, rather than delay, a trigger that would
/// end its exposure before the previous readout ends.)</para>
/// </remarks>
internal sealed class SimulatedSensor
{
    private long _exposureEndNs = long.MinValue;
    private long _readoutEndNs = long.MinValue;

    /// <summary>Exposure time, ns.</summary>
    public long ExposureNs { get; set; }

    /// <summary>Readout time, ns.</summary>
    public long ReadoutNs { get; set; }

    /// <summary>True for TriggerOverlap ReadOut, false for Off.</summary>
    public bool OverlapReadOut { get; set; }

    /// <summary>After an accepted exposure (at the current settings), how long further starts are refused, ns.</summary>
    public long BusyNs => OverlapReadOut ? Math.Max(ExposureNs, ReadoutNs) : ExposureNs + ReadoutNs;

    /// <summary>The earliest exposure start the sensor accepts now, at the current exposure, ns.</summary>
    public long EarliestStartNs => OverlapReadOut
        ? Math.Max(_exposureEndNs, _readoutEndNs == long.MinValue ? long.MinValue : _readoutEndNs - ExposureNs)
        : _readoutEndNs;

    /// <summary>Forgets earlier exposures (a new acquisition).</summary>
    public void Reset()
    {
        _exposureEndNs = long.MinValue;
        _readoutEndNs = long.MinValue;
    }

    /// <summary>Starts an exposure at <paramref name="startNs"/> if the sensor can.</summary>
    /// <param name="startNs">Exposure start, host ns.</param>
    /// <param name="readyNs">When the frame's readout ends, host ns; 0 when refused.</param>
    /// <returns>False when the sensor is busy (the trigger is missed).</returns>
    public bool TryStartExposure(long startNs, out long readyNs)
    {
        if (startNs < EarliestStartNs)
        {
            readyNs = 0;
            return false;
        }
        _exposureEndNs = startNs + ExposureNs;
        _readoutEndNs = _exposureEndNs + ReadoutNs;
        readyNs = _readoutEndNs;
        return true;
    }
}
