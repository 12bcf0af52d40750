namespace PsCamSync.Core.Cameras.IC4;

/// <summary>
/// A failed IC Imaging Control 4 call: the IC4_ERROR value (name and number), the function and the library's message,
/// as <c>ic4_get_last_error</c> reported them. Passed as the inner exception of a <see cref="CameraException"/> or
/// <see cref="FeatureException"/> where the core expects those.
/// </summary>
public sealed class Ic4Exception : PsCamSyncException
{
    /// <summary>IC4_ERROR names by value (C_Error.h).</summary>
    private static readonly Dictionary<int, string> Names = new()
    {
        [0] = "IC4_ERROR_NOERROR", [1] = "IC4_ERROR_UNKNOWN", [2] = "IC4_ERROR_INTERNAL", [3] = "IC4_ERROR_INVALID_OPERATION",
        [4] = "IC4_ERROR_OUT_OF_MEMORY", [5] = "IC4_ERROR_LIBRARY_NOT_INITIALIZED", [6] = "IC4_ERROR_DRIVER_ERROR",
        [7] = "IC4_ERROR_INVALID_PARAM_VAL", [8] = "IC4_ERROR_CONVERSION_NOT_SUPPORTED", [9] = "IC4_ERROR_NO_DATA",
        [101] = "IC4_ERROR_GENICAM_FEATURE_NOT_FOUND", [102] = "IC4_ERROR_GENICAM_DEVICE_ERROR", [103] = "IC4_ERROR_GENICAM_TYPE_MISMATCH",
        [106] = "IC4_ERROR_GENICAM_ACCESS_DENIED", [107] = "IC4_ERROR_GENICAM_NOT_IMPLEMENTED", [108] = "IC4_ERROR_GENICAM_VALUE_ERROR",
        [109] = "IC4_ERROR_GENICAM_CHUNKDATA_NOT_CONNECTED", [50] = "IC4_ERROR_BUFFER_TOO_SMALL", [52] = "IC4_ERROR_SINK_TYPE_MISMATCH",
        [53] = "IC4_ERROR_SNAP_ABORTED", [201] = "IC4_ERROR_FILE_FAILED_TO_WRITE_DATA", [202] = "IC4_ERROR_FILE_ACCESS_DENIED",
        [203] = "IC4_ERROR_FILE_PATH_NOT_FOUND", [204] = "IC4_ERROR_FILE_FAILED_TO_READ_DATA", [13] = "IC4_ERROR_DEVICE_INVALID",
        [16] = "IC4_ERROR_DEVICE_NOT_FOUND", [17] = "IC4_ERROR_DEVICE_ERROR", [18] = "IC4_ERROR_AMBIGUOUS", [21] = "IC4_ERROR_PARSE_ERROR",
        [27] = "IC4_ERROR_TIMEOUT", [34] = "IC4_ERROR_INCOMPLETE", [38] = "IC4_ERROR_SINK_NOT_CONNECTED", [39] = "IC4_ERROR_IMAGETYPE_MISMATCH",
        [40] = "IC4_ERROR_SINK_ALREADY_ATTACHED", [41] = "IC4_ERROR_SINK_CONNECT_ABORTED", [60] = "IC4_ERROR_HANDLER_ALREADY_REGISTERED",
        [61] = "IC4_ERROR_HANDLER_NOT_FOUND",
    };

    /// <summary>Creates the exception.</summary>
    /// <param name="code">The IC4_ERROR value.</param>
    /// <param name="function">The ic4 function that failed.</param>
    /// <param name="libraryMessage">The library's message (may be empty).</param>
    public Ic4Exception(int code, string function, string libraryMessage)
        : base($"{function} failed: {NameOf(code)} ({code}){(libraryMessage.Length > 0 ? ": " + libraryMessage : "")}")
    {
        Code = code;
        Function = function;
        LibraryMessage = libraryMessage;
    }

    /// <summary>The IC4_ERROR name, e.g. <c>IC4_ERROR_TIMEOUT</c>; <c>IC4_ERROR_(n)</c> for a value the header does not name.</summary>
    public string ErrorName => NameOf(Code);

    /// <summary>The IC4_ERROR value.</summary>
    public int Code { get; }

    /// <summary>The ic4 function that failed.</summary>
    public string Function { get; }

    /// <summary>The message <c>ic4_get_last_error</c> gave.</summary>
    public string LibraryMessage { get; }

    /// <summary>The IC4_ERROR name of <paramref name="code"/>.</summary>
    public static string NameOf(int code) => Names.TryGetValue(code, out var name) ? name : $"IC4_ERROR_({code})";

    /// <summary>
    /// Reads this thread's last error with <c>ic4_get_last_error</c> (two calls: the length, then the message) for a
    /// call to <paramref name="function"/> that returned false.
    /// </summary>
    internal static unsafe Ic4Exception FromLastError(string function)
    {
        nuint length = 0;
        if (!Ic4Native.ic4_get_last_error(out int code, null, ref length))
            return new Ic4Exception(1, function, "ic4_get_last_error itself failed");
        if (length <= 1)
            return new Ic4Exception(code, function, "");
        var buffer = new byte[(int)length];
        fixed (byte* p = buffer)
        {
            nuint size = length;
            if (!Ic4Native.ic4_get_last_error(out code, p, ref size))
                return new Ic4Exception(code, function, "(the message could not be read)");
            int n = Array.IndexOf(buffer, (byte)0);
            return new Ic4Exception(code, function, System.Text.Encoding.UTF8.GetString(buffer, 0, n < 0 ? buffer.Length : n));
        }
    }
}
