using System.Buffers.Binary;

namespace PsCamSync.Core.Ptp;

/// <summary>What a GET request carries.</summary>
/// <param name="ManagementId">The data set asked for.</param>
/// <param name="DomainNumber">domainNumber: must be ptp4l's, or ptp4l ignores the request.</param>
/// <param name="SequenceId">sequenceId, echoed in the response.</param>
/// <param name="SourcePortIdentity">The requester's identity, echoed as the response's targetPortIdentity.</param>
/// <param name="TargetPortIdentity">Which clock/port should answer (wildcards: all-ones clockIdentity, portNumber 0xFFFF).</param>
/// <param name="Padded">
/// False: "empty" GET, MANAGEMENT TLV lengthField 2 (managementId only). True: pmc-style GET whose dataField is
/// zero-filled to the size of the data set (linuxptp pmc_common.c pmc_tlv_datalen). ptp4l accepts both.
/// </param>
/// <param name="BoundaryHops">startingBoundaryHops and boundaryHops; 0 keeps the request on the local ptp4l (pmc -b 0).</param>
public readonly record struct ManagementGetRequest(
    ManagementId ManagementId,
    byte DomainNumber,
    ushort SequenceId,
    PortIdentity SourcePortIdentity,
    PortIdentity TargetPortIdentity,
    bool Padded = false,
    byte BoundaryHops = 0);

/// <summary>Encodes management GET requests (IEEE 1588 clause 15, as linuxptp's pmc_common.c builds them).</summary>
public static class ManagementRequestEncoder
{
    /// <summary>The largest GET this encoder writes, bytes.</summary>
    public const int MaxGetLength = ManagementMessage.HeaderSize + ManagementMessage.ManagementTlvHeaderSize + 64;

    /// <summary>
    /// Size of the zero-filled dataField pmc puts in a GET for <paramref name="id"/>, bytes (0 for ids pmc sends empty,
    /// e.g. PORT_PROPERTIES_NP).
    /// </summary>
    public static int PaddedDataLength(ManagementId id) => id switch
    {
        ManagementId.DefaultDataSet => DataSetSizes.DefaultDataSet,
        ManagementId.CurrentDataSet => DataSetSizes.CurrentDataSet,
        ManagementId.ParentDataSet => DataSetSizes.ParentDataSet,
        ManagementId.TimePropertiesDataSet => DataSetSizes.TimePropertiesDataSet,
        ManagementId.TimeStatusNp => DataSetSizes.TimeStatusNp,
        ManagementId.PortDataSet => DataSetSizes.PortDataSet,
        ManagementId.Priority1 or ManagementId.Priority2 or ManagementId.Domain => 2,
        ManagementId.PortDataSetNp => 8,
        ManagementId.GrandmasterSettingsNp => 8,
        _ => 0,
    };

    /// <summary>Writes a GET into <paramref name="destination"/>.</summary>
    /// <returns>The message length, bytes.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small (use <see cref="MaxGetLength"/>).</exception>
    public static int EncodeGet(Span<byte> destination, in ManagementGetRequest request)
    {
        int dataLength = request.Padded ? PaddedDataLength(request.ManagementId) : 0;
        int length = ManagementMessage.HeaderSize + ManagementMessage.ManagementTlvHeaderSize + dataLength;
        if (destination.Length < length)
            throw new ArgumentException($"needs {length} bytes", nameof(destination));
        destination[..length].Clear();
        new PtpCommonHeader
        {
            MessageType = PtpMessageType.Management,
            VersionPtp = 2,
            MessageLength = (ushort)length,
            DomainNumber = request.DomainNumber,
            SourcePortIdentity = request.SourcePortIdentity,
            SequenceId = request.SequenceId,
            ControlField = PtpCommonHeader.ControlManagement,
            LogMessageInterval = 0x7F,
        }.Write(destination);
        var m = destination[PtpCommonHeader.Size..];
        PtpCommonHeader.WritePortIdentity(m, request.TargetPortIdentity);
        m[10] = request.BoundaryHops;
        m[11] = request.BoundaryHops;
        m[12] = (byte)ManagementAction.Get;
        var tlv = destination[ManagementMessage.HeaderSize..];
        BinaryPrimitives.WriteUInt16BigEndian(tlv, TlvType.Management);
        BinaryPrimitives.WriteUInt16BigEndian(tlv[2..], (ushort)(2 + dataLength));
        BinaryPrimitives.WriteUInt16BigEndian(tlv[4..], (ushort)request.ManagementId);
        return length;
    }

    /// <summary>Encodes a GET into a new array.</summary>
    public static byte[] EncodeGet(in ManagementGetRequest request)
    {
        Span<byte> buffer = stackalloc byte[MaxGetLength];
        int n = EncodeGet(buffer, request);
        return buffer[..n].ToArray();
    }
}
