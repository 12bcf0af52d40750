namespace PsCamSync.Core.Cameras.Spinnaker;

/// <summary>
/// A Spinnaker C API call returned an error (<c>spinError</c> other than SPINNAKER_ERR_SUCCESS). The core wraps it as
/// the inner exception of a <see cref="CameraException"/> or <see cref="FeatureException"/> where it expects those.
/// </summary>
public sealed class SpinnakerException : PsCamSyncException
{
    /// <summary>Creates the error for <paramref name="code"/> returned by <paramref name="function"/>.</summary>
    /// <param name="code">The <c>spinError</c> value (e.g. -1011).</param>
    /// <param name="function">The C function that returned it (e.g. <c>spinCameraInit</c>).</param>
    public SpinnakerException(int code, string function)
        : base($"{function} failed with {NameOf(code)} ({code}).")
    {
        Code = code;
        ErrorName = NameOf(code);
        Function = function;
    }

    /// <summary>The <c>spinError</c> value.</summary>
    public int Code { get; }

    /// <summary>The <c>spinError</c> enumerator's name (e.g. <c>SPINNAKER_ERR_TIMEOUT</c>), or <c>spinError(-1234)</c> for a
    /// value the headers do not name.</summary>
    public string ErrorName { get; }

    /// <summary>The C function that failed.</summary>
    public string Function { get; }

    /// <summary>
    /// The names of <c>spinError</c> (SpinnakerDefsC.h; SPINNAKER_ERR_IP_CONFLICT and SPINNAKER_ERR_IM_DECOMPRESSION from later
    /// SDKs' SpinnakerDefs.h, where the same numbers carry them).
    /// </summary>
    internal static readonly IReadOnlyDictionary<int, string> Names = new Dictionary<int, string>
    {
        [0] = "SPINNAKER_ERR_SUCCESS",
        [-1001] = "SPINNAKER_ERR_ERROR",
        [-1002] = "SPINNAKER_ERR_NOT_INITIALIZED",
        [-1003] = "SPINNAKER_ERR_NOT_IMPLEMENTED",
        [-1004] = "SPINNAKER_ERR_RESOURCE_IN_USE",
        [-1005] = "SPINNAKER_ERR_ACCESS_DENIED",
        [-1006] = "SPINNAKER_ERR_INVALID_HANDLE",
        [-1007] = "SPINNAKER_ERR_INVALID_ID",
        [-1008] = "SPINNAKER_ERR_NO_DATA",
        [-1009] = "SPINNAKER_ERR_INVALID_PARAMETER",
        [-1010] = "SPINNAKER_ERR_IO",
        [-1011] = "SPINNAKER_ERR_TIMEOUT",
        [-1012] = "SPINNAKER_ERR_ABORT",
        [-1013] = "SPINNAKER_ERR_INVALID_BUFFER",
        [-1014] = "SPINNAKER_ERR_NOT_AVAILABLE",
        [-1015] = "SPINNAKER_ERR_INVALID_ADDRESS",
        [-1016] = "SPINNAKER_ERR_BUFFER_TOO_SMALL",
        [-1017] = "SPINNAKER_ERR_INVALID_INDEX",
        [-1018] = "SPINNAKER_ERR_PARSING_CHUNK_DATA",
        [-1019] = "SPINNAKER_ERR_INVALID_VALUE",
        [-1020] = "SPINNAKER_ERR_RESOURCE_EXHAUSTED",
        [-1021] = "SPINNAKER_ERR_OUT_OF_MEMORY",
        [-1022] = "SPINNAKER_ERR_BUSY",
        [-1023] = "SPINNAKER_ERR_IP_CONFLICT",
        [-2001] = "GENICAM_ERR_INVALID_ARGUMENT",
        [-2002] = "GENICAM_ERR_OUT_OF_RANGE",
        [-2003] = "GENICAM_ERR_PROPERTY",
        [-2004] = "GENICAM_ERR_RUN_TIME",
        [-2005] = "GENICAM_ERR_LOGICAL",
        [-2006] = "GENICAM_ERR_ACCESS",
        [-2007] = "GENICAM_ERR_TIMEOUT",
        [-2008] = "GENICAM_ERR_DYNAMIC_CAST",
        [-2009] = "GENICAM_ERR_GENERIC",
        [-2010] = "GENICAM_ERR_BAD_ALLOCATION",
        [-3001] = "SPINNAKER_ERR_IM_CONVERT",
        [-3002] = "SPINNAKER_ERR_IM_COPY",
        [-3003] = "SPINNAKER_ERR_IM_MALLOC",
        [-3004] = "SPINNAKER_ERR_IM_NOT_SUPPORTED",
        [-3005] = "SPINNAKER_ERR_IM_HISTOGRAM_RANGE",
        [-3006] = "SPINNAKER_ERR_IM_HISTOGRAM_MEAN",
        [-3007] = "SPINNAKER_ERR_IM_MIN_MAX",
        [-3008] = "SPINNAKER_ERR_IM_COLOR_CONVERSION",
        [-3009] = "SPINNAKER_ERR_IM_DECOMPRESSION",
        [-10000] = "SPINNAKER_ERR_CUSTOM_ID",
    };

    /// <summary>The name of a <c>spinError</c> value.</summary>
    public static string NameOf(int code) => Names.TryGetValue(code, out var name) ? name : $"spinError({code})";
}
