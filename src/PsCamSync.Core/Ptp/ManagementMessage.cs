namespace PsCamSync.Core.Ptp;

/// <summary>
/// A parsed IEEE 1588 management message: common header, management header (targetPortIdentity,
/// startingBoundaryHops, boundaryHops, actionField) and its first TLV, which is either a MANAGEMENT TLV (then
/// <see cref="Data"/> holds its dataField) or a MANAGEMENT_ERROR_STATUS TLV (then <see cref="ErrorStatus"/> is set).
/// Layout as linuxptp's <c>struct management_msg</c> and <c>struct management_tlv</c> (msg.h, tlv.h).
/// </summary>
public sealed record ManagementMessage
{
    /// <summary>Common header plus management header, bytes (where the first TLV starts).</summary>
    public const int HeaderSize = PtpCommonHeader.Size + PortIdentity.Size + 4;

    /// <summary>tlvType + lengthField + managementId, bytes.</summary>
    public const int ManagementTlvHeaderSize = 6;

    /// <summary>The common header.</summary>
    public required PtpCommonHeader Header { get; init; }

    /// <summary>targetPortIdentity: in a response, the requester's sourcePortIdentity.</summary>
    public PortIdentity TargetPortIdentity { get; init; }

    /// <summary>startingBoundaryHops.</summary>
    public byte StartingBoundaryHops { get; init; }

    /// <summary>boundaryHops.</summary>
    public byte BoundaryHops { get; init; }

    /// <summary>actionField (low nibble of the octet).</summary>
    public ManagementAction Action { get; init; }

    /// <summary>The managementId of the MANAGEMENT TLV, or the one the error status is about.</summary>
    public ManagementId ManagementId { get; init; }

    /// <summary>The dataField of the MANAGEMENT TLV (lengthField − 2 bytes, padding included); empty for an error status.</summary>
    public byte[] Data { get; init; } = [];

    /// <summary>The MANAGEMENT_ERROR_STATUS TLV, or null when the message carries a MANAGEMENT TLV.</summary>
    public ManagementErrorStatus? ErrorStatus { get; init; }

    /// <summary>
    /// Parses a datagram as a management message. Checks messageType (MANAGEMENT), versionPTP (2), that
    /// messageLength fits the datagram and that the first TLV fits messageLength. Bytes after messageLength and
    /// TLVs after the first are ignored.
    /// </summary>
    /// <exception cref="PtpMessageFormatException">Anything short, inconsistent or not a management message.</exception>
    public static ManagementMessage Parse(ReadOnlySpan<byte> datagram)
    {
        var header = PtpCommonHeader.Read(datagram);
        if (header.MessageType != PtpMessageType.Management)
            throw new PtpMessageFormatException("messageType", 0,
                $"messageType is 0x{(byte)header.MessageType:X} ({header.MessageType}), not MANAGEMENT (0xD): not a ptp4l management answer.");
        if (header.VersionPtp != 2)
            throw new PtpMessageFormatException("versionPTP", 1,
                $"versionPTP is {header.VersionPtp}, not 2: not an IEEE 1588 v2 message.");
        if (header.MessageLength > datagram.Length)
            throw new PtpMessageFormatException("messageLength", 2,
                $"messageLength {header.MessageLength} exceeds the {datagram.Length} bytes received: the message is truncated.");
        if (header.MessageLength < HeaderSize + 4)
            throw new PtpMessageFormatException("messageLength", 2,
                $"messageLength {header.MessageLength} is shorter than a management message with a TLV ({HeaderSize + 4} bytes).");

        var message = datagram[..header.MessageLength];
        var r = new WireReader(message, "management message");
        r.Skip(PtpCommonHeader.Size, "header");
        var target = r.PortIdentity("targetPortIdentity");
        byte startingHops = r.U8("startingBoundaryHops");
        byte hops = r.U8("boundaryHops");
        var action = (ManagementAction)(r.U8("actionField") & 0x0F);
        r.Skip(1, "reserved");

        int tlvOffset = r.Position;
        ushort tlvType = r.U16("tlvType");
        ushort lengthField = r.U16("lengthField");
        if (lengthField > r.Remaining)
            throw new PtpMessageFormatException("lengthField", tlvOffset + 2,
                $"TLV lengthField {lengthField} exceeds the {r.Remaining} bytes left in the message.");
        var tlv = new WireReader(message.Slice(r.Position, lengthField), TlvName(tlvType), r.Position);

        var result = new ManagementMessage
        {
            Header = header,
            TargetPortIdentity = target,
            StartingBoundaryHops = startingHops,
            BoundaryHops = hops,
            Action = action,
        };
        switch (tlvType)
        {
            case TlvType.Management:
                var id = (ManagementId)tlv.U16("managementId");
                var data = message.Slice(r.Position + 2, lengthField - 2).ToArray();
                return result with { ManagementId = id, Data = data };
            case TlvType.ManagementErrorStatus:
                var errorId = (ManagementErrorId)tlv.U16("managementErrorId");
                var aboutId = (ManagementId)tlv.U16("managementId");
                tlv.Skip(4, "reserved");
                string display = tlv.Remaining > 0 ? tlv.PtpText("displayData") : "";
                return result with { ManagementId = aboutId, ErrorStatus = new ManagementErrorStatus(errorId, aboutId, display) };
            default:
                throw new PtpMessageFormatException("tlvType", tlvOffset,
                    $"first TLV has tlvType 0x{tlvType:X4}, expected MANAGEMENT (0x0001) or MANAGEMENT_ERROR_STATUS (0x0002).");
        }
    }

    /// <summary>Throws <see cref="PtpManagementErrorException"/> when this message is an error status.</summary>
    public void ThrowIfError()
    {
        if (ErrorStatus is { } e)
            throw new PtpManagementErrorException(e.ErrorId, e.ManagementId, e.DisplayData);
    }

    private static string TlvName(ushort type) => type switch
    {
        TlvType.Management => "MANAGEMENT TLV",
        TlvType.ManagementErrorStatus => "MANAGEMENT_ERROR_STATUS TLV",
        _ => $"TLV 0x{type:X4}",
    };
}

/// <summary>The MANAGEMENT_ERROR_STATUS TLV: managementErrorId, managementId, displayData.</summary>
/// <param name="ErrorId">managementErrorId.</param>
/// <param name="ManagementId">The managementId the error is about.</param>
/// <param name="DisplayData">displayData text (empty when absent).</param>
public sealed record ManagementErrorStatus(ManagementErrorId ErrorId, ManagementId ManagementId, string DisplayData);
