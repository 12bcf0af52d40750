using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Capture;

/// <summary>
/// The one "the disk is full" event of a take, shared by its camera pipelines: the first writer that meets a full disk
/// signals it; every pipeline then stops writing video, the session records one fault with the cause and stops the take
/// at the next frame. Later signals change nothing.
/// </summary>
internal sealed class DiskFullSignal
{
    private readonly Action<string, TakeFolderException> _onFirst;
    private int _set;

    /// <param name="onFirst">Called once, on the thread of the first signal, with the camera id and the error.</param>
    public DiskFullSignal(Action<string, TakeFolderException> onFirst) => _onFirst = onFirst;

    /// <summary>True once a writer met a full disk.</summary>
    public bool IsSet => Volatile.Read(ref _set) != 0;

    /// <summary>Records that <paramref name="cameraId"/>'s writer met a full disk; the first call runs the handler.</summary>
    public void Signal(string cameraId, TakeFolderException error)
    {
        if (Interlocked.Exchange(ref _set, 1) == 0)
            _onFirst(cameraId, error);
    }
}
