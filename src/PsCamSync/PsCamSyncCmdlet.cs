using System.Management.Automation;
using PsCamSync.Core;

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

    /// <summary>Cancels <see cref="StopToken"/>.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Releases the cancellation source.</summary>
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
