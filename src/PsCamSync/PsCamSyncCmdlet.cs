using System.Management.Automation;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;

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
        int simulated = CameraSelection.SimulatedCountFor(requests);
        var backends = CameraBackends.Names.Select(n => CameraBackends.Create(n, simulated)).ToList();
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

    /// <summary>Disposes every opened camera of <paramref name="slots"/>.</summary>
    private protected static void DisposeAll(IEnumerable<OpenedCamera> slots)
    {
        foreach (var slot in slots)
            slot.Camera?.Dispose();
    }

    /// <summary>Cancels <see cref="StopToken"/>.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Releases the cancellation source.</summary>
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>One requested camera: opened, or the error that stopped it from opening.</summary>
/// <param name="Id">The id as requested.</param>
/// <param name="Camera">The open camera, or null.</param>
/// <param name="OpenError">Why it could not be opened, or null.</param>
internal readonly record struct OpenedCamera(string Id, ICamera? Camera, PsCamSyncException? OpenError);
