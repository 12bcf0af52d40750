namespace PsCamSync.Core.Ptp;

/// <summary>
/// Base of every error the PTP management client throws on purpose: ptp4l unreachable, no answer in time, an
/// answer that is not a well-formed management message, or a management error status from ptp4l. Catch this type
/// to handle all of them; the subtypes say which.
/// </summary>
public class PtpManagementException : PsCamSyncException
{
    /// <summary>Creates the error with a message that says what failed and how to fix it.</summary>
    public PtpManagementException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// A datagram is not a well-formed PTP management message, or a management TLV is shorter than the data set it
/// claims to carry. The wire decoders throw only this type (and <see cref="PtpManagementErrorException"/> for an
/// error status), never <see cref="IndexOutOfRangeException"/> or similar.
/// </summary>
public sealed class PtpMessageFormatException : PtpManagementException
{
    /// <summary>Creates the error for the field <paramref name="field"/> at byte <paramref name="offset"/>.</summary>
    /// <param name="field">The IEEE 1588 / linuxptp name of the field that could not be read or was invalid.</param>
    /// <param name="offset">Byte offset of that field in the datagram or TLV data, or -1 when not known.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="inner">The error this one wraps, if any.</param>
    public PtpMessageFormatException(string field, int offset, string message, Exception? inner = null) : base(message, inner)
    {
        Field = field;
        Offset = offset;
    }

    /// <summary>The IEEE 1588 / linuxptp name of the offending field.</summary>
    public string Field { get; }

    /// <summary>Byte offset of the field, or -1 when not known.</summary>
    public int Offset { get; }
}

/// <summary>
/// ptp4l answered with a MANAGEMENT_ERROR_STATUS TLV (IEEE 1588 tlvType 0x0002) instead of the data set.
/// </summary>
public sealed class PtpManagementErrorException : PtpManagementException
{
    /// <summary>Creates the error for <paramref name="managementId"/>.</summary>
    public PtpManagementErrorException(ManagementErrorId errorId, ManagementId managementId, string displayData)
        : base($"ptp4l refused {PtpNames.Of(managementId)} with management error {PtpNames.Of(errorId)} (0x{(ushort)errorId:X4})" +
               (displayData.Length > 0 ? $": {displayData}" : "") + Hint(errorId))
    {
        ErrorId = errorId;
        ManagementId = managementId;
        DisplayData = displayData;
    }

    /// <summary>The managementErrorId, e.g. <see cref="ManagementErrorId.NotSupported"/>.</summary>
    public ManagementErrorId ErrorId { get; }

    /// <summary>The managementId the error is about.</summary>
    public ManagementId ManagementId { get; }

    /// <summary>The optional displayData text of the error TLV (empty when absent).</summary>
    public string DisplayData { get; }

    private static string Hint(ManagementErrorId id) => id switch
    {
        ManagementErrorId.WrongValue => " (for a port data set: is the port number one that ptp4l has?)",
        ManagementErrorId.NotSupported => " (this ptp4l version does not answer that id)",
        _ => "",
    };
}

/// <summary>No matching answer arrived from the management socket within the timeout.</summary>
public sealed class PtpManagementTimeoutException : PtpManagementException
{
    /// <summary>Creates the error for a request to <paramref name="socketPath"/>.</summary>
    public PtpManagementTimeoutException(string socketPath, ManagementId managementId, int timeoutMs, byte domainNumber)
        : base($"No answer to GET {PtpNames.Of(managementId)} from '{socketPath}' within {timeoutMs} ms. Is that socket ptp4l's " +
               $"(uds_address)? ptp4l silently ignores management messages of another domain: this client sent " +
               $"domainNumber {domainNumber}, set DomainNumber to ptp4l's domainNumber (as pmc -d does). " +
               "A busy or stopped ptp4l also answers late or never; raise the timeout if the host is loaded.")
    {
        SocketPath = socketPath;
        ManagementId = managementId;
        TimeoutMs = timeoutMs;
    }

    /// <summary>The ptp4l management socket that was asked.</summary>
    public string SocketPath { get; }

    /// <summary>The managementId that was asked for.</summary>
    public ManagementId ManagementId { get; }

    /// <summary>The timeout that expired, ms.</summary>
    public int TimeoutMs { get; }
}

/// <summary>
/// The management socket cannot be reached: the path does not exist, nobody is bound to it (ptp4l stopped and
/// left a stale socket file), or permission is denied.
/// </summary>
public sealed class PtpDaemonUnreachableException : PtpManagementException
{
    /// <summary>Creates the error for <paramref name="socketPath"/>.</summary>
    public PtpDaemonUnreachableException(string socketPath, string message, Exception? inner = null)
        : base(message, inner) => SocketPath = socketPath;

    /// <summary>The ptp4l management socket that could not be reached.</summary>
    public string SocketPath { get; }
}
