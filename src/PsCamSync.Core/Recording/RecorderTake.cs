using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Recording;

/// <summary>
/// A take recording in a recorder process (or another session's process) on this host, seen through its control socket:
/// the capture job, <c>Stop-SyncCapture</c> and <c>Wait-SyncCapture</c> use it like a take of their own process.
/// Disposing it stops following the take, never the take itself: the take belongs to the host.
/// </summary>
public sealed class RecorderTake : IRunningTake
{
    /// <summary>How often <see cref="Completion"/> asks whether the take has ended: 200 ms.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly HostTakeDirectory _directory;
    private readonly CancellationTokenSource _following = new();
    private readonly Lazy<Task<TakeManifest>> _completion;
    private HostTakeEntry _entry;
    private CaptureProgress _lastProgress;
    private string? _finalManifestError;
    private int _disposed;

    private RecorderTake(HostTakeDirectory directory, HostTakeEntry entry)
    {
        _directory = directory;
        _entry = entry;
        _lastProgress = new CaptureProgress(entry.Name, TakeState.Recording, 0, 0, 0, 0, 0, 0);
        _completion = new Lazy<Task<TakeManifest>>(() => Task.Run(FollowAsync));
    }

    /// <summary>Follows the take registered as <paramref name="entry"/> in <paramref name="directory"/>.</summary>
    public static RecorderTake Attach(HostTakeDirectory directory, HostTakeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(entry);
        return new RecorderTake(directory, entry);
    }

    /// <summary>The take's id on this host.</summary>
    public string Id => _entry.Id;

    /// <summary>The take's entry as last read.</summary>
    public HostTakeEntry Entry => _entry;

    /// <inheritdoc/>
    public string Name => _entry.Name;

    /// <inheritdoc/>
    public string TakePath => _entry.TakePath;

    /// <summary>True: the take lives in another process, and ending this view does not end it.</summary>
    public bool OutlivesSession => true;

    /// <summary>
    /// Finishes with the final manifest once the recorder has finalised the take; for a recorder that died without
    /// finalising it, with the crashed manifest (<see cref="HostTakes.RebuildCrashed"/>). Never faults: an unreadable
    /// folder gives a manifest in state Crashed with no cameras, and <see cref="FinalManifestError"/> says why.
    /// </summary>
    public Task<TakeManifest> Completion => _completion.Value;

    /// <inheritdoc/>
    public TakeFolderException? FinalManifestError =>
        _finalManifestError is { } message ? new TakeFolderException(Path.Combine(TakePath, TakeFolder.ManifestFileName), message) : null;

    /// <summary>Progress from the recorder; the last known progress when it does not answer.</summary>
    public CaptureProgress GetProgress()
    {
        try
        {
            var reply = RecorderClient.Send(_entry.SocketPath, new RecorderRequest { Op = RecorderOperation.Status }, HostTakes.StatusTimeout, _following.Token);
            if (reply?.Progress is { } progress)
                _lastProgress = progress;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // No longer followed: the last progress stands.
        }
        return _lastProgress;
    }

    /// <summary>Asks the recorder to stop the take now or at <paramref name="atNs"/>; returns once it has accepted.</summary>
    /// <exception cref="PsCamSyncException">The recorder refused (still starting) or did not answer; a take that has
    /// already ended is not an error.</exception>
    public void Stop(long? atNs = null)
    {
        var reply = RecorderClient.Send(_entry.SocketPath, new RecorderRequest { Op = RecorderOperation.Stop, AtNs = atNs }, HostTakes.StatusTimeout);
        if (reply is null)
        {
            if (HostTakes.IsLive(Refresh()))
                throw new PsCamSyncException($"take '{Name}' did not accept the stop: its recorder (pid {_entry.Recorder?.ProcessId}) runs but its control socket '{_entry.SocketPath}' does not answer.");
            return; // it has ended already
        }
        if (!reply.Ok)
            throw reply.Error?.ToException() ?? new PsCamSyncException($"take '{Name}' refused the stop.");
        if (reply.Progress is { } progress)
            _lastProgress = progress with { EndFrameIndex = reply.EndFrameIndex ?? progress.EndFrameIndex };
    }

    /// <summary>Stops following the take (the recorder and the take go on). Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _following.Cancel();
        _following.Dispose();
    }

    private HostTakeEntry Refresh()
    {
        try
        {
            if (_directory.Read(_entry.Id) is { } latest)
                _entry = latest;
        }
        catch (PsCamSyncException e)
        {
            System.Diagnostics.Trace.TraceWarning($"PsCamSync: {e.Message}");
        }
        return _entry;
    }

    private async Task<TakeManifest> FollowAsync()
    {
        CancellationToken token;
        try { token = _following.Token; }
        catch (ObjectDisposedException) { token = new CancellationToken(canceled: true); } // disposed first: one look
        while (true)
        {
            var entry = Refresh();
            if (!HostTakes.IsLive(entry))
                break;
            try
            {
                await Task.Delay(PollInterval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break; // disposed: report what the folder says now
            }
        }
        var ended = Refresh();
        _finalManifestError = ended.FinalManifestError;
        try
        {
            if (HostTakes.IsLive(ended))
                return TakeFolder.ReadManifest(ended.TakePath); // no longer followed while still recording
            var (_, manifest) = HostTakes.ReadEnded(ended);
            return manifest;
        }
        catch (TakeFolderException e)
        {
            _finalManifestError ??= e.Message;
            return new TakeManifest { Name = ended.Name, Host = ended.Recorder?.Host ?? "", State = TakeState.Crashed, StopReason = e.Message };
        }
    }
}
