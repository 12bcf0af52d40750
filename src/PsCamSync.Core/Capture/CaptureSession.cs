using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Capture;

// STUB (skeleton): replaced by the capture pipeline; signatures are the contract.

/// <summary>A point-in-time view of a running take, for progress bars.</summary>
/// <param name="Take">Take name.</param>
/// <param name="State">Current state.</param>
/// <param name="NextFrameIndex">The next schedule index the trigger thread will fire.</param>
/// <param name="FirstFrameIndex">First index of this host's take.</param>
/// <param name="EndFrameIndex">One past the last index (moves earlier after a scheduled stop).</param>
/// <param name="Captured">Complete frames written, all cameras.</param>
/// <param name="Lost">Slots missed, late or dropped, all cameras.</param>
/// <param name="SecondsToStart">Seconds until T0 (negative once running).</param>
public readonly record struct CaptureProgress(
    string Take, TakeState State, long NextFrameIndex, long FirstFrameIndex, long EndFrameIndex,
    long Captured, long Lost, double SecondsToStart)
{
    /// <summary>Percentage of this host's slots already fired, 0-100.</summary>
    public int PercentComplete => EndFrameIndex <= FirstFrameIndex ? 100
        : (int)Math.Clamp(100 * (NextFrameIndex - FirstFrameIndex) / (EndFrameIndex - FirstFrameIndex), 0, 100);
}

/// <summary>
/// One take on one host: a trigger thread firing every camera at <c>Tn</c>, a receive path per camera filling a
/// bounded ring, and a writer per camera draining it into the take folder.
/// </summary>
public sealed class CaptureSession : IDisposable
{
    /// <summary>
    /// Validates everything, creates the take folder, writes <c>take.json</c>, configures the cameras and starts the
    /// threads. Returns at once; the take runs until its schedule ends or <see cref="Stop"/>.
    /// </summary>
    /// <param name="cameras">Open cameras; the session owns them from here and disposes them at the end.</param>
    /// <param name="options">Schedule, folder, encoder, buffers.</param>
    /// <exception cref="InvalidCaptureArgumentException">Bad input; ParameterName says which.</exception>
    /// <exception cref="CameraException">A camera could not be configured or started.</exception>
    public static CaptureSession Start(IReadOnlyList<ICamera> cameras, CaptureOptions options) => throw new NotImplementedException();

    /// <summary>The take folder.</summary>
    public string TakePath => throw new NotImplementedException();

    /// <summary>Take name.</summary>
    public string Name => throw new NotImplementedException();

    /// <summary>The manifest as it stands (final once <see cref="Completion"/> has finished).</summary>
    public TakeManifest Manifest => throw new NotImplementedException();

    /// <summary>Finishes with the final manifest when the take has been finalised; never faults (faults go into the manifest).</summary>
    public Task<TakeManifest> Completion => throw new NotImplementedException();

    /// <summary>Current progress.</summary>
    public CaptureProgress GetProgress() => throw new NotImplementedException();

    /// <summary>
    /// Stops the take: now (<paramref name="atNs"/> null) or before the first frame due at or after
    /// <paramref name="atNs"/> on the shared timeline, so every host given the same time stops on the same frame.
    /// Returns at once; await <see cref="Completion"/> for the final manifest.
    /// </summary>
    public void Stop(long? atNs = null) => throw new NotImplementedException();

    /// <summary>Stops now if running and waits for finalisation.</summary>
    public void Dispose() => throw new NotImplementedException();
}
