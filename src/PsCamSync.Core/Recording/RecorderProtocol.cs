using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Recording;

/// <summary>What a session asks a recorder over its control socket.</summary>
public enum RecorderOperation
{
    /// <summary>Waits until the take has started (or failed to), then answers with the start's outcome.</summary>
    Started,
    /// <summary>Answers at once with the take's phase and progress.</summary>
    Status,
    /// <summary>Stops the take, now or at <see cref="RecorderRequest.AtNs"/>; answers with the end index in force.</summary>
    Stop,
}

/// <summary>
/// One request on a recorder's control socket: one line of JSON (UTF-8, ending in '\n'), answered by one line of
/// <see cref="RecorderReply"/>. A connection may carry several requests in turn.
/// </summary>
public sealed class RecorderRequest
{
    /// <summary>What to do.</summary>
    public RecorderOperation Op { get; set; }

    /// <summary>For <see cref="RecorderOperation.Stop"/>: stop before the first frame due at or after this time, ns on the
    /// shared timeline; null stops now.</summary>
    public long? AtNs { get; set; }
}

/// <summary>The answer to a <see cref="RecorderRequest"/>.</summary>
public sealed class RecorderReply
{
    /// <summary>False when the request failed; <see cref="Error"/> says why.</summary>
    public bool Ok { get; set; }

    /// <summary>Why the request (or, for <see cref="RecorderOperation.Started"/>, the start) failed.</summary>
    public RecorderError? Error { get; set; }

    /// <summary>The take's phase.</summary>
    public RecorderPhase Phase { get; set; }

    /// <summary>Progress, once the take has started.</summary>
    public CaptureProgress? Progress { get; set; }

    /// <summary>For Stop: one past the last frame that will be fired.</summary>
    public long? EndFrameIndex { get; set; }

    /// <summary>For Started: the lead check made after the cameras were opened (the session words any warning).</summary>
    public LeadCheck? Lead { get; set; }

    /// <summary>For Started: what the OS granted the trigger thread (null when it had not applied its settings within 2 s).</summary>
    public TriggerThreadReport? Granted { get; set; }

    /// <summary>For Started: the cameras that could not be opened (the start then failed).</summary>
    public List<RecorderError> CameraErrors { get; set; } = new();

    /// <summary>Why the final take.json could not be written (known once the take ended).</summary>
    public string? FinalManifestError { get; set; }

    /// <summary>The take's schedule (for Started and Status once started).</summary>
    public Timing.FrameSchedule? Schedule { get; set; }

    /// <summary>Take folder, once started.</summary>
    public string? TakePath { get; set; }

    /// <summary>Take name, once started.</summary>
    public string? Name { get; set; }
}

/// <summary>What kind of core exception a <see cref="RecorderError"/> carries.</summary>
public enum RecorderErrorKind
{
    /// <summary><see cref="PsCamSyncException"/>.</summary>
    General,
    /// <summary><see cref="InvalidCaptureArgumentException"/> (see <see cref="RecorderError.Target"/>).</summary>
    InvalidArgument,
    /// <summary><see cref="CameraNotFoundException"/>.</summary>
    CameraNotFound,
    /// <summary><see cref="CameraException"/>.</summary>
    Camera,
    /// <summary><see cref="FeatureException"/>.</summary>
    Feature,
    /// <summary><see cref="TakeFolderException"/>.</summary>
    TakeFolder,
    /// <summary>Not a core exception: a bug or an unexpected failure (the message holds its type).</summary>
    Unexpected,
}

/// <summary>
/// A core exception carried across the control socket, so the session that started a take reports it as if it had
/// happened in its own process: same exception type, parameter name, camera id, path and message.
/// </summary>
public sealed class RecorderError
{
    /// <summary>The exception's type.</summary>
    public RecorderErrorKind Kind { get; set; }

    /// <summary>Its message.</summary>
    public string Message { get; set; } = "";

    /// <summary>Parameter name (InvalidArgument), camera id (Camera, CameraNotFound), feature name (Feature) or path
    /// (TakeFolder).</summary>
    public string? Target { get; set; }

    /// <summary>TakeFolder: the disk was full.</summary>
    public bool DiskFull { get; set; }

    /// <summary>The inner exception's text, for the details of the error record.</summary>
    public string? Detail { get; set; }

    /// <summary>What could not be cleaned up after a failed start (see <see cref="CaptureSession.CleanupFailuresKey"/>).</summary>
    public string? CleanupFailures { get; set; }

    /// <summary>Describes <paramref name="e"/>.</summary>
    public static RecorderError From(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var error = e switch
        {
            InvalidCaptureArgumentException a => new RecorderError { Kind = RecorderErrorKind.InvalidArgument, Target = a.ParameterName },
            CameraNotFoundException n => new RecorderError { Kind = RecorderErrorKind.CameraNotFound, Target = n.CameraId },
            CameraException c => new RecorderError { Kind = RecorderErrorKind.Camera, Target = c.CameraId },
            FeatureException f => new RecorderError { Kind = RecorderErrorKind.Feature, Target = f.FeatureName },
            TakeFolderException t => new RecorderError { Kind = RecorderErrorKind.TakeFolder, Target = t.Path, DiskFull = t.DiskFull },
            PsCamSyncException => new RecorderError { Kind = RecorderErrorKind.General },
            _ => new RecorderError { Kind = RecorderErrorKind.Unexpected },
        };
        error.Message = error.Kind == RecorderErrorKind.Unexpected ? $"{e.GetType().FullName}: {e.Message}" : e.Message;
        error.Detail = e.InnerException?.ToString() ?? (error.Kind == RecorderErrorKind.Unexpected ? e.ToString() : null);
        if (e.Data[CaptureSession.CleanupFailuresKey] is string cleanup)
            error.CleanupFailures = cleanup;
        return error;
    }

    /// <summary>The exception this describes, of the same core type (an <see cref="RecorderErrorKind.Unexpected"/> one
    /// becomes a <see cref="PsCamSyncException"/>).</summary>
    public PsCamSyncException ToException()
    {
        var inner = Detail is null ? null : new RecorderRemoteException(Detail);
        PsCamSyncException e = Kind switch
        {
            RecorderErrorKind.InvalidArgument => new InvalidCaptureArgumentException(Target ?? "", WithoutParameterPrefix(Message, Target)),
            RecorderErrorKind.CameraNotFound => new CameraNotFoundException(Target ?? "", Message),
            RecorderErrorKind.Camera => new CameraException(Target ?? "", Message, inner),
            RecorderErrorKind.Feature => new FeatureException(Target ?? "", Message, inner),
            RecorderErrorKind.TakeFolder => new TakeFolderException(Target ?? "", Message, inner, DiskFull),
            _ => new PsCamSyncException(Message, inner),
        };
        if (CleanupFailures is { Length: > 0 })
            e.Data[CaptureSession.CleanupFailuresKey] = CleanupFailures;
        return e;
    }

    // InvalidCaptureArgumentException puts "-Name: " before its message; the rebuilt one adds it again.
    private static string WithoutParameterPrefix(string message, string? parameter)
    {
        string prefix = "-" + parameter + ": ";
        return parameter is not null && message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }
}

/// <summary>An exception that happened in a recorder process, carried back as its text (<see cref="Exception.ToString"/>).</summary>
public sealed class RecorderRemoteException : Exception
{
    /// <summary>Creates it from the remote exception's text.</summary>
    public RecorderRemoteException(string text) : base(text) { }
}
