using System.Management.Automation;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Commands;

/// <summary>
/// What every PsCamSync cmdlet shares: the mapping of core exceptions onto error records, and a cancellation token
/// that Ctrl+C (StopProcessing) sets.
/// </summary>
public abstract class PsCamSyncCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Only this assembly's cmdlets derive from this class.</summary>
    private protected PsCamSyncCmdlet() { }

    /// <summary>Cancelled when the pipeline is stopped (Ctrl+C).</summary>
    private protected CancellationToken StopToken => _stopping.Token;

    /// <summary>Writes a non-terminating error for one target of many.</summary>
    private protected void WriteCoreError(PsCamSyncException e, string errorId, object? target = null,
        ErrorCategory takeFolderCategory = ErrorCategory.ReadError) =>
        WriteError(CoreErrors.Record(e, errorId, target, takeFolderCategory));

    /// <summary>Stops the command with a terminating error: a precondition of the whole command failed.</summary>
    private protected void ThrowCoreError(PsCamSyncException e, string errorId, object? target = null,
        ErrorCategory takeFolderCategory = ErrorCategory.ReadError) =>
        ThrowTerminatingError(CoreErrors.Record(e, errorId, target, takeFolderCategory));

    /// <summary>
    /// Opens each requested camera, searching every backend (the simulated one offers as many cameras as the requests
    /// name). A camera that cannot be opened gets a slot with its error, and a non-terminating error record with
    /// <paramref name="errorId"/> unless <paramref name="writeErrors"/> is false. If writing an error turns terminating
    /// (-ErrorAction Stop), the cameras opened so far are disposed before it propagates.
    /// </summary>
    /// <returns>One slot per request, in order; the caller disposes the cameras.</returns>
    private protected List<OpenedCamera> OpenCameras(IReadOnlyList<CameraRequest> requests, string errorId, bool writeErrors = true)
    {
        var slots = new List<OpenedCamera>(requests.Count);
        if (requests.Count == 0)
            return slots;
        var backends = CameraSelection.BackendsFor(requests);
        try
        {
            foreach (var request in requests)
            {
                try
                {
                    WriteVerbose($"Opening camera '{request.Id}'{(request.Backend is null ? "" : " on " + request.Backend)}.");
                    slots.Add(new OpenedCamera(request.Id, CameraBackends.Open(request.Id, request.Backend, backends), null));
                }
                catch (PsCamSyncException e)
                {
                    slots.Add(new OpenedCamera(request.Id, null, e));
                    if (writeErrors)
                        WriteCoreError(e, errorId, request.Id);
                }
            }
        }
        catch
        {
            DisposeAll(slots);
            throw;
        }
        return slots;
    }

    /// <summary>
    /// The take folders a -Path value names, as Measure-SyncTake and Export-SyncTakeReport read them: a PowerShell path
    /// (wildcards allowed) to folders or their take.json files. A wildcard skips matches that are not take folders
    /// (verbose); a literal path is kept and the analysis says what is wrong with it. A combined TakeReport's Path (full
    /// paths joined with "; ") that does not exist as a whole is split into its folders. A path that resolves to
    /// nothing, or to another provider than the file system, gets a non-terminating error and no folders.
    /// </summary>
    private protected List<string> ResolveTakeFolders(string path)
    {
        var takes = new List<string>();
        bool wildcard = WildcardPattern.ContainsWildcardCharacters(path);
        System.Collections.ObjectModel.Collection<string> resolved;
        ProviderInfo provider;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(path, out provider);
        }
        catch (ItemNotFoundException) when (!wildcard && path.Contains("; ", StringComparison.Ordinal))
        {
            foreach (var part in path.Split("; ", StringSplitOptions.RemoveEmptyEntries))
                takes.AddRange(ResolveTakeFolders(part));
            return takes;
        }
        catch (SessionStateException e) // ItemNotFoundException, DriveNotFoundException, ProviderNotFoundException
        {
            WriteError(new ErrorRecord(e, "SyncTakePathNotFound", ErrorCategory.ObjectNotFound, path));
            return takes;
        }
        if (provider.Name != "FileSystem")
        {
            var e = new PsCamSyncException($"'{path}' is on the {provider.Name} provider; a take is a folder in the file system.");
            WriteError(new ErrorRecord(e, "SyncTakePathNotFileSystem", ErrorCategory.InvalidArgument, path));
            return takes;
        }
        foreach (var item in resolved)
        {
            // A take.json names its folder; a wildcard may also match things that are not takes, which are skipped.
            string folder = string.Equals(Path.GetFileName(item), TakeFolder.ManifestFileName, StringComparison.Ordinal)
                ? Path.GetDirectoryName(item)!
                : item;
            if (wildcard && !File.Exists(Path.Combine(folder, TakeFolder.ManifestFileName)))
            {
                WriteVerbose($"Skipping '{item}': not a take folder (no {TakeFolder.ManifestFileName}).");
                continue;
            }
            takes.Add(folder);
        }
        return takes;
    }

    /// <summary>Disposes every opened camera of <paramref name="slots"/>.</summary>
    private protected static void DisposeAll(IEnumerable<OpenedCamera> slots)
    {
        foreach (var slot in slots)
            slot.Camera?.Dispose();
    }

    /// <summary>
    /// Waits for <paramref name="takes"/> to be finalised, with one progress bar per take, until all are, the
    /// <paramref name="timeout"/> passes, or Ctrl+C.
    /// </summary>
    /// <returns>True when every take was finalised.</returns>
    private protected bool WaitWithProgress(IReadOnlyList<(IRunningTake Take, long PeriodNs)> takes, TimeSpan? timeout)
    {
        var deadline = timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
        var ids = takes.Select((x, i) => (x.Take.Name.GetHashCode() & 0x7fffffff) % 10_000 + i).ToArray();
        while (true)
        {
            var pending = takes.Where(x => !x.Take.Completion.IsCompleted).ToList();
            if (pending.Count == 0)
                break;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                return false;
            var wakeOn = pending.Select(x => ((IAsyncResult)x.Take.Completion).AsyncWaitHandle).Append(StopToken.WaitHandle).Take(64).ToArray();
            if (WaitHandle.WaitAny(wakeOn, left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250)) == wakeOn.Length - 1)
                return false; // Ctrl+C
            for (int i = 0; i < takes.Count; i++)
            {
                var (take, period) = takes[i];
                if (take.Completion.IsCompleted)
                    continue;
                var view = CaptureProgressView.Describe(take.GetProgress(), period);
                WriteProgress(new ProgressRecord(ids[i], $"Sync capture '{take.Name}'", view.Status)
                {
                    PercentComplete = view.PercentComplete,
                    SecondsRemaining = view.SecondsRemaining,
                });
            }
        }
        for (int i = 0; i < takes.Count; i++)
            WriteProgress(new ProgressRecord(ids[i], $"Sync capture '{takes[i].Take.Name}'", "Done") { RecordType = ProgressRecordType.Completed });
        return true;
    }

    /// <summary>Writes a finalised take's faults as errors (all, or those of no camera) and its <see cref="SyncTakeResult"/>.</summary>
    private protected void WriteTakeResult(IRunningTake take, Core.Takes.TakeManifest manifest, bool allFaults)
    {
        foreach (var fault in manifest.Faults.Where(f => allFaults || f.Camera is null))
            WriteError(CoreErrors.Fault(fault, take.Name));
        if (CoreErrors.FinalManifest(take) is { } notWritten)
            WriteError(notWritten);
        WriteObject(new SyncTakeResult(manifest, take.TakePath));
    }

    /// <summary>Cancels <see cref="StopToken"/>.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Releases the cancellation source.</summary>
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
    /// <summary>
    /// The file-system path that a user's <paramref name="path"/> (relative to the current location, with ~ and
    /// PowerShell drives) names for writing: it need not exist yet.
    /// </summary>
    /// <param name="path">The parameter's value.</param>
    /// <param name="parameter">The parameter's name without the dash, for the error (e.g. Path, OutputPath).</param>
    /// <param name="example">A path to suggest in the error, e.g. <c>/srv/takes</c>.</param>
    /// <returns>The provider path, absolute.</returns>
    /// <exception cref="InvalidCaptureArgumentException">The path is malformed or not on the FileSystem provider;
    /// ParameterName is <paramref name="parameter"/>.</exception>
    protected string ResolveWritablePath(string path, string parameter, string example)
    {
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is SessionStateException or NotSupportedException or ArgumentException)
        {
            throw new InvalidCaptureArgumentException(parameter, $"'{path}' is not a path this module can write to: {e.Message} Give a folder in the file system, e.g. -{parameter} {example}.");
        }
        if (provider.Name != "FileSystem")
            throw new InvalidCaptureArgumentException(parameter, $"'{path}' is on the {provider.Name} provider, but this module writes to folders in the file system; give a file-system path, e.g. -{parameter} {example}.");
        return resolved;
    }
}

/// <summary>One requested camera: opened, or the error that stopped it from opening.</summary>
/// <param name="Id">The id as requested.</param>
/// <param name="Camera">The open camera, or null.</param>
/// <param name="OpenError">Why it could not be opened, or null.</param>
internal readonly record struct OpenedCamera(string Id, ICamera? Camera, PsCamSyncException? OpenError);
