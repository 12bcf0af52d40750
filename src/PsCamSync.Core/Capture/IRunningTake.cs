using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Capture;

/// <summary>
/// A running take as the capture job, <c>Start-SyncCapture -Wait</c>, <c>Stop-SyncCapture</c> and
/// <c>Wait-SyncCapture</c> see it: <see cref="CaptureSession"/> in this process, or
/// <see cref="Recording.RecorderTake"/> for a take in a recorder process. Whoever holds it disposes it after
/// <see cref="Completion"/>.
/// </summary>
public interface IRunningTake : IDisposable
{
    /// <summary>Take name (unique names are not required; <c>Stop-SyncCapture -Name</c> stops every match).</summary>
    string Name { get; }

    /// <summary>The take folder.</summary>
    string TakePath { get; }

    /// <summary>Finishes with the final manifest once the take is finalised; never faults.</summary>
    Task<TakeManifest> Completion { get; }

    /// <summary>Current progress, for progress bars.</summary>
    CaptureProgress GetProgress();

    /// <summary>
    /// Null, or why the final <c>take.json</c> could not be written (known once <see cref="Completion"/> has finished):
    /// the folder's manifest then still says Recording, and the caller must report it.
    /// </summary>
    TakeFolderException? FinalManifestError => null;

    /// <summary>
    /// True when the take records in another process (a recorder) and goes on when this view of it is disposed; false
    /// (default) when disposing it stops the take.
    /// </summary>
    bool OutlivesSession => false;

    /// <summary>
    /// Stops now (<paramref name="atNs"/> null) or before the first frame due at or after <paramref name="atNs"/> on
    /// the shared timeline; a time in the past stops at the next frame, never before a frame already fired. Returns at
    /// once; <see cref="Completion"/> finishes when the take is finalised.
    /// </summary>
    /// <exception cref="PsCamSyncException">The take could not be stopped (implementations may throw it; CaptureSession does not).</exception>
    void Stop(long? atNs = null);
}
