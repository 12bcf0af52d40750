using System.Management.Automation;
using PsCamSync.Core;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Takes;

namespace PsCamSync.Commands;

/// <summary>Maps the core's typed exceptions and recorded faults onto PowerShell error records.</summary>
internal static class CoreErrors
{
    /// <summary>
    /// The ErrorCategory of a core exception: bad input → InvalidArgument, unknown camera → ObjectNotFound, camera
    /// fault → DeviceError, backend not installed → ResourceUnavailable, take folder → <paramref name="takeFolderCategory"/> (WriteError or ReadError by call site),
    /// feature → InvalidOperation; ptp4l: unreachable → ResourceUnavailable, no answer → OperationTimeout, malformed answer →
    /// InvalidData, management error status → InvalidOperation.
    /// </summary>
    public static ErrorCategory Category(PsCamSyncException e, ErrorCategory takeFolderCategory) => e switch
    {
        InvalidCaptureArgumentException => ErrorCategory.InvalidArgument,
        CameraNotFoundException => ErrorCategory.ObjectNotFound,
        CameraBackendUnavailableException => ErrorCategory.ResourceUnavailable,
        CameraException => ErrorCategory.DeviceError,
        TakeFolderException => takeFolderCategory,
        FeatureException => ErrorCategory.InvalidOperation,
        PtpDaemonUnreachableException => ErrorCategory.ResourceUnavailable,
        PtpManagementTimeoutException => ErrorCategory.OperationTimeout,
        PtpMessageFormatException => ErrorCategory.InvalidData,
        PtpManagementErrorException => ErrorCategory.InvalidOperation,
        Core.Gvcp.GvcpException => ErrorCategory.ObjectNotFound,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>The target a core exception is about, unless the call site names a better one.</summary>
    public static object? Target(PsCamSyncException e, object? target) => target ?? e switch
    {
        InvalidCaptureArgumentException a => a.ParameterName,
        CameraNotFoundException n => n.CameraId,
        CameraBackendUnavailableException b => b.Backend,
        CameraException c => c.CameraId,
        TakeFolderException t => t.Path,
        FeatureException f => f.FeatureName,
        PtpDaemonUnreachableException u => u.SocketPath,
        PtpManagementTimeoutException t => t.SocketPath,
        Core.Gvcp.GvcpException g => g.InterfaceName,
        _ => null,
    };

    /// <summary>An error record for <paramref name="e"/> with the call site's <paramref name="errorId"/>.</summary>
    /// <remarks>When a failed start could not clean up after itself (<see cref="Core.Capture.CaptureSession.CleanupFailuresKey"/>),
    /// the record's ErrorDetails say what was left.</remarks>
    public static ErrorRecord Record(PsCamSyncException e, string errorId, object? target = null,
        ErrorCategory takeFolderCategory = ErrorCategory.ReadError)
    {
        var record = new ErrorRecord(e, errorId, Category(e, takeFolderCategory), Target(e, target));
        if (e.Data[Core.Capture.CaptureSession.CleanupFailuresKey] is string cleanup)
            record.ErrorDetails = new ErrorDetails($"{e.Message} Cleaning up after it also failed: {cleanup}")
            {
                RecommendedAction = "Remove what is named above by hand before using the same -Path again.",
            };
        return record;
    }

    /// <summary>
    /// An error record for a fault recorded in a take: writer and encoder faults are WriteError, trigger, stream and
    /// setup faults DeviceError. The target is the camera id, or the take name for faults of the whole take.
    /// </summary>
    public static ErrorRecord Fault(TakeFault fault, string takeName)
    {
        var category = fault.Source is TakeFaultSource.Writer or TakeFaultSource.Encoder ? ErrorCategory.WriteError : ErrorCategory.DeviceError;
        var text = fault.Camera is null
            ? $"Take '{takeName}': {fault.Source} fault: {fault.Message}"
            : $"Take '{takeName}', camera '{fault.Camera}': {fault.Source} fault: {fault.Message}";
        var record = new ErrorRecord(new PsCamSyncException(text), "CaptureFault" + fault.Source, category, fault.Camera ?? takeName);
        if (fault.Detail is not null)
            record.ErrorDetails = new ErrorDetails(text) { RecommendedAction = "See the take's take.json (Faults) for the detail recorded with this fault." };
        return record;
    }

    /// <summary>
    /// The error for a take whose final take.json could not be written (<see cref="Core.Capture.IRunningTake.FinalManifestError"/>),
    /// or null when it was written: id <c>SyncCaptureManifestNotWritten</c>, WriteError, target the take folder.
    /// </summary>
    public static ErrorRecord? FinalManifest(Core.Capture.IRunningTake take)
    {
        if (take.FinalManifestError is not { } e)
            return null;
        var text = $"Take '{take.Name}': the final take.json in '{take.TakePath}' could not be written, so on disk the take still says Recording: {e.Message}";
        return new ErrorRecord(new TakeFolderException(e.Path, text, e), "SyncCaptureManifestNotWritten", ErrorCategory.WriteError, take.TakePath)
        {
            ErrorDetails = new ErrorDetails(text) { RecommendedAction = "Free space or fix permissions on that disk; the result object returned with this error has the take's final counts and faults." },
        };
    }
}
