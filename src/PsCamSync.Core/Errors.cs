namespace PsCamSync.Core;

/// <summary>
/// Base of every error the core throws on purpose. The cmdlet layer maps each subtype onto one
/// PowerShell <c>ErrorCategory</c>; anything else reaching it is a bug.
/// </summary>
public class PsCamSyncException : Exception
{
    /// <summary>Creates the error with a message that says what failed and how to fix it.</summary>
    public PsCamSyncException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// A parameter value is out of range or contradicts another. <see cref="ParameterName"/> is the name a user
/// typed (PowerShell parameter or options property, e.g. <c>FrameRate</c>), and the message says the fix.
/// </summary>
public sealed class InvalidCaptureArgumentException : PsCamSyncException
{
    /// <summary>Creates the error for <paramref name="parameterName"/>.</summary>
    /// <param name="parameterName">The user-facing parameter name, without a leading dash.</param>
    /// <param name="message">What is wrong and what to do instead.</param>
    public InvalidCaptureArgumentException(string parameterName, string message)
        : base($"-{parameterName}: {message}") => ParameterName = parameterName;

    /// <summary>The user-facing parameter name, without a leading dash.</summary>
    public string ParameterName { get; }
}

/// <summary>No camera with the requested id, serial or address was found on any backend.</summary>
public sealed class CameraNotFoundException : PsCamSyncException
{
    /// <summary>Creates the error for the id that was asked for.</summary>
    public CameraNotFoundException(string cameraId, string message) : base(message) => CameraId = cameraId;

    /// <summary>The id, serial or address that matched nothing.</summary>
    public string CameraId { get; }
}

/// <summary>
/// A camera backend named with <c>-Backend</c> cannot run on this machine (its vendor SDK or library is not installed).
/// The message starts with <c>-Backend &lt;name&gt;:</c> and carries the backend's reason with the fix.
/// </summary>
public sealed class CameraBackendUnavailableException : PsCamSyncException
{
    /// <summary>Creates the error for backend <paramref name="backend"/>, unavailable for <paramref name="reason"/>.</summary>
    public CameraBackendUnavailableException(string backend, string reason)
        : base($"-Backend {backend}: the {backend} camera backend is not available on this machine: {reason}")
    {
        Backend = backend;
        Reason = reason;
    }

    /// <summary>The backend's name (<c>Spinnaker</c>, <c>IC4</c>, <c>Aravis</c>).</summary>
    public string Backend { get; }

    /// <summary>Why it cannot run, with the fix (the backend's <c>UnavailableReason</c>).</summary>
    public string Reason { get; }
}

/// <summary>A camera or backend failed while being opened, configured or streamed.</summary>
public sealed class CameraException : PsCamSyncException
{
    /// <summary>Creates the error for <paramref name="cameraId"/>.</summary>
    public CameraException(string cameraId, string message, Exception? inner = null) : base(message, inner) => CameraId = cameraId;

    /// <summary>The camera the fault belongs to.</summary>
    public string CameraId { get; }
}

/// <summary>A camera feature does not exist, has another type, or rejected a value.</summary>
public sealed class FeatureException : PsCamSyncException
{
    /// <summary>Creates the error for feature <paramref name="featureName"/>.</summary>
    public FeatureException(string featureName, string message, Exception? inner = null) : base(message, inner) => FeatureName = featureName;

    /// <summary>The GenICam (SFNC) feature name.</summary>
    public string FeatureName { get; }
}

/// <summary>A take folder cannot be created, written or read back.</summary>
public sealed class TakeFolderException : PsCamSyncException
{
    /// <summary>Creates the error for <paramref name="path"/>; <see cref="DiskFull"/> is read from <paramref name="inner"/>.</summary>
    public TakeFolderException(string path, string message, Exception? inner = null)
        : this(path, message, inner, Takes.DiskSpace.IsDiskFull(inner))
    {
    }

    /// <summary>Creates the error for <paramref name="path"/>, saying whether the cause is a full disk.</summary>
    public TakeFolderException(string path, string message, Exception? inner, bool diskFull) : base(message, inner)
    {
        Path = path;
        DiskFull = diskFull;
    }

    /// <summary>The take folder or file concerned.</summary>
    public string Path { get; }

    /// <summary>True when the cause is a full file system or an exhausted quota (ENOSPC, EDQUOT).</summary>
    public bool DiskFull { get; }
}
