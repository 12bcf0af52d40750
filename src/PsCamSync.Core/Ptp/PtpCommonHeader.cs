using System.Buffers.Binary;

namespace PsCamSync.Core.Ptp;

/// <summary>
/// The IEEE 1588 common message header (34 bytes, network byte order), laid out as linuxptp's
/// <c>struct ptp_header</c> (msg.h).
/// </summary>
public sealed record PtpCommonHeader
{
    /// <summary>Size on the wire, bytes.</summary>
    public const int Size = 34;

    /// <summary>controlField value of management messages (IEEE 1588-2008 Table 23, kept by linuxptp).</summary>
    public const byte ControlManagement = 0x04;

    /// <summary>transportSpecific (majorSdoId), the high nibble of octet 0, shifted down (0..15).</summary>
    public byte TransportSpecific { get; init; }

    /// <summary>messageType, the low nibble of octet 0.</summary>
    public PtpMessageType MessageType { get; init; }

    /// <summary>versionPTP, the low nibble of octet 1 (2 for IEEE 1588-2008/2019).</summary>
    public byte VersionPtp { get; init; }

    /// <summary>minorVersionPTP, the high nibble of octet 1 (0 from linuxptp 3.x, 1 from 4.x).</summary>
    public byte MinorVersionPtp { get; init; }

    /// <summary>messageLength: the whole message including TLVs, bytes.</summary>
    public ushort MessageLength { get; init; }

    /// <summary>domainNumber. ptp4l ignores management messages whose domainNumber is not its own.</summary>
    public byte DomainNumber { get; init; }

    /// <summary>flagField, octet 0 in the high byte, octet 1 in the low byte.</summary>
    public ushort FlagField { get; init; }

    /// <summary>correctionField, TimeInterval (ns × 2^16).</summary>
    public long CorrectionField { get; init; }

    /// <summary>sourcePortIdentity.</summary>
    public PortIdentity SourcePortIdentity { get; init; }

    /// <summary>sequenceId.</summary>
    public ushort SequenceId { get; init; }

    /// <summary>controlField (obsolete in 1588-2019, 0x04 for management).</summary>
    public byte ControlField { get; init; }

    /// <summary>logMessageInterval (0x7F for management).</summary>
    public sbyte LogMessageInterval { get; init; }

    /// <summary>Reads the header from the first 34 bytes of <paramref name="datagram"/>.</summary>
    /// <exception cref="PtpMessageFormatException">Fewer than 34 bytes.</exception>
    public static PtpCommonHeader Read(ReadOnlySpan<byte> datagram)
    {
        var r = new WireReader(datagram, "PTP common header");
        return Read(ref r);
    }

    internal static PtpCommonHeader Read(ref WireReader r)
    {
        byte tsmt = r.U8("transportSpecific|messageType");
        byte ver = r.U8("minorVersionPTP|versionPTP");
        var h = new PtpCommonHeader
        {
            TransportSpecific = (byte)(tsmt >> 4),
            MessageType = (PtpMessageType)(tsmt & 0x0F),
            VersionPtp = (byte)(ver & 0x0F),
            MinorVersionPtp = (byte)(ver >> 4),
            MessageLength = r.U16("messageLength"),
            DomainNumber = r.U8("domainNumber"),
        };
        r.Skip(1, "minorSdoId");
        h = h with { FlagField = r.U16("flagField"), CorrectionField = r.I64("correctionField") };
        r.Skip(4, "messageTypeSpecific");
        return h with
        {
            SourcePortIdentity = r.PortIdentity("sourcePortIdentity"),
            SequenceId = r.U16("sequenceId"),
            ControlField = r.U8("controlField"),
            LogMessageInterval = r.I8("logMessageInterval"),
        };
    }

    /// <summary>Writes the header into the first 34 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 34 bytes.</exception>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
            throw new ArgumentException($"needs {Size} bytes", nameof(destination));
        destination[..Size].Clear();
        destination[0] = (byte)((TransportSpecific << 4) | ((byte)MessageType & 0x0F));
        destination[1] = (byte)((MinorVersionPtp << 4) | (VersionPtp & 0x0F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], MessageLength);
        destination[4] = DomainNumber;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], FlagField);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], CorrectionField);
        WritePortIdentity(destination[20..], SourcePortIdentity);
        BinaryPrimitives.WriteUInt16BigEndian(destination[30..], SequenceId);
        destination[32] = ControlField;
        destination[33] = unchecked((byte)LogMessageInterval);
    }

    internal static void WritePortIdentity(Span<byte> destination, PortIdentity id)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, id.ClockIdentity.Value);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], id.PortNumber);
    }
}
