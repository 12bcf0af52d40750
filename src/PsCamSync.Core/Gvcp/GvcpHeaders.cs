using System.Buffers.Binary;

namespace PsCamSync.Core.Gvcp;

/// <summary>GigE Vision Control Protocol constants (GigE Vision 2.x, section "GVCP"): port, key code, command codes, flags.</summary>
public static class GvcpProtocol
{
    /// <summary>The UDP port every GigE Vision device listens on for GVCP commands (3956).</summary>
    public const int Port = 3956;

    /// <summary>First byte of every GVCP command header (0x42).</summary>
    public const byte KeyCode = 0x42;

    /// <summary>Size of a command or acknowledge header, bytes (8).</summary>
    public const int HeaderBytes = 8;

    /// <summary>ACTION_CMD command code (0x0100).</summary>
    public const ushort ActionCmd = 0x0100;

    /// <summary>ACTION_ACK acknowledge code (0x0101).</summary>
    public const ushort ActionAck = 0x0101;

    /// <summary>Command flag bit 7 (the flag byte's least significant bit, 0x01): the device must acknowledge.</summary>
    public const byte FlagAcknowledgeRequired = 0x01;

    /// <summary>ACTION_CMD flag bit 0 (the flag byte's most significant bit, 0x80): a 64-bit action_time follows the keys
    /// (scheduled action command, GigE Vision 2.0).</summary>
    public const byte FlagScheduledActionTime = 0x80;
}

/// <summary>
/// GVCP command header, 8 bytes big-endian: key code 0x42, flags, command, length (payload bytes after the header),
/// req_id (never 0).
/// </summary>
/// <param name="Flags">Flag byte (<see cref="GvcpProtocol.FlagAcknowledgeRequired"/>, command-specific bits).</param>
/// <param name="Command">Command code (<see cref="GvcpProtocol.ActionCmd"/>, ...).</param>
/// <param name="Length">Payload length after the header, bytes.</param>
/// <param name="RequestId">req_id, 1-65535.</param>
public readonly record struct GvcpCommandHeader(byte Flags, ushort Command, ushort Length, ushort RequestId)
{
    /// <summary>Writes the 8 header bytes to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 8 bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < GvcpProtocol.HeaderBytes)
            throw new ArgumentException($"a GVCP header needs {GvcpProtocol.HeaderBytes} bytes; got {destination.Length}.", nameof(destination));
        destination[0] = GvcpProtocol.KeyCode;
        destination[1] = Flags;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Command);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], RequestId);
    }

    /// <summary>Reads a command header; false when the datagram is shorter than 8 bytes or its key code is not 0x42.</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out GvcpCommandHeader header)
    {
        header = default;
        if (datagram.Length < GvcpProtocol.HeaderBytes || datagram[0] != GvcpProtocol.KeyCode)
            return false;
        header = new GvcpCommandHeader(datagram[1], BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(datagram[4..]), BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]));
        return true;
    }
}

/// <summary>
/// GVCP acknowledge header, 8 bytes big-endian: status, answer (acknowledge code), length (payload bytes), ack_id
/// (the req_id of the command it answers).
/// </summary>
/// <param name="Status">Status code.</param>
/// <param name="Answer">Acknowledge code (<see cref="GvcpProtocol.ActionAck"/>, ...).</param>
/// <param name="Length">Payload length after the header, bytes.</param>
/// <param name="AckId">The req_id of the command it answers.</param>
public readonly record struct GvcpAckHeader(GvcpStatus Status, ushort Answer, ushort Length, ushort AckId)
{
    /// <summary>Writes the 8 header bytes to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 8 bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < GvcpProtocol.HeaderBytes)
            throw new ArgumentException($"a GVCP header needs {GvcpProtocol.HeaderBytes} bytes; got {destination.Length}.", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)Status);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Answer);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], AckId);
    }

    /// <summary>
    /// Reads an acknowledge header; false when the datagram is shorter than 8 bytes or starts with the command key code
    /// 0x42 (a command, not an acknowledge: Wireshark's GVCP dissector tells them apart by that first byte, and no
    /// status code starts with it).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out GvcpAckHeader header)
    {
        header = default;
        if (datagram.Length < GvcpProtocol.HeaderBytes || datagram[0] == GvcpProtocol.KeyCode)
            return false;
        header = new GvcpAckHeader((GvcpStatus)BinaryPrimitives.ReadUInt16BigEndian(datagram), BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(datagram[4..]), BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]));
        return true;
    }
}

/// <summary>GVCP status codes (GigE Vision 2.x), as in the acknowledge header.</summary>
public enum GvcpStatus : ushort
{
    /// <summary>GEV_STATUS_SUCCESS.</summary>
    Success = 0x0000,
    /// <summary>GEV_STATUS_NOT_IMPLEMENTED: the command is not supported.</summary>
    NotImplemented = 0x8001,
    /// <summary>GEV_STATUS_INVALID_PARAMETER.</summary>
    InvalidParameter = 0x8002,
    /// <summary>GEV_STATUS_ACCESS_DENIED.</summary>
    AccessDenied = 0x8006,
    /// <summary>GEV_STATUS_BUSY.</summary>
    Busy = 0x8007,
    /// <summary>GEV_STATUS_INVALID_HEADER.</summary>
    InvalidHeader = 0x800E,
    /// <summary>GEV_STATUS_NO_REF_TIME: a scheduled action reached a device without a reference time (PTP not locked).</summary>
    NoRefTime = 0x8013,
    /// <summary>GEV_STATUS_OVERFLOW: the device's queue of scheduled actions is full.</summary>
    Overflow = 0x8015,
    /// <summary>GEV_STATUS_ACTION_LATE: a scheduled action reached the device after its action time.</summary>
    ActionLate = 0x8016,
    /// <summary>GEV_STATUS_ERROR: any other error.</summary>
    Error = 0x8FFF,
}
