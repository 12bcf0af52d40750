using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// Fault injection for one simulated device (one index of one <see cref="SimulatedBackend"/>): it is unplugged after a
/// number of triggers and, optionally, plugged in again after a time, as a camera on a loose cable or a power blip.
/// Every camera object opened on the device before an unplug stays dead afterwards (its connection is gone, as a real
/// camera's is after a power cycle); the backend opens the device again once it is back.
/// </summary>
internal sealed class SimulatedPlug
{
    private readonly long _replugAfterNs; // -1: never
    private long _triggersLeft;
    private int _generation;
    private int _unplugged;
    private long _upSinceNs; // the device answers from this time on (shared timeline); long.MaxValue: never again

    public SimulatedPlug(SimulatedCameraOptions options)
    {
        _triggersLeft = options.UnplugAfterTriggers ?? long.MaxValue;
        _replugAfterNs = options.ReplugAfterSeconds is double s ? (long)Math.Round(s * 1e9) : -1;
    }

    /// <summary>The connection generation new camera objects get; it moves on at every unplug.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>True when the device can be opened now.</summary>
    public bool IsUp => SharedTimeline.NowNs() >= Volatile.Read(ref _upSinceNs);

    /// <summary>When the device was unplugged, ns on the shared timeline, or 0.</summary>
    public long UnpluggedAtNs { get; private set; }

    /// <summary>True when a camera object of <paramref name="generation"/> still reaches the device.</summary>
    public bool Answers(int generation) => Volatile.Read(ref _generation) == generation && IsUp;

    /// <summary>Counts one trigger for a schedule slot; false when the device does not answer it (it is, or just became, unplugged).</summary>
    public bool TryTrigger(int generation)
    {
        if (!Answers(generation))
            return false;
        if (Interlocked.Decrement(ref _triggersLeft) >= 0)
            return true;
        if (Interlocked.Exchange(ref _unplugged, 1) != 0)
            return true; // unplugged once already and back: it stays
        long now = SharedTimeline.NowNs();
        UnpluggedAtNs = now;
        Volatile.Write(ref _upSinceNs, _replugAfterNs < 0 ? long.MaxValue : now + _replugAfterNs);
        Interlocked.Increment(ref _generation);
        return false;
    }
}
