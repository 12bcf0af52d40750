using System.Buffers.Binary;

namespace PsCamSync.Core.Gvcp;

/// <summary>
/// A GigE Vision ACTION_CMD (command 0x0100): a device fires action signal i when <see cref="DeviceKey"/> equals its
/// ActionDeviceKey, <see cref="GroupKey"/> equals ActionGroupKey[i] and <see cref="GroupMask"/> AND ActionGroupMask[i]
/// is non-zero; it ignores the command otherwise. With <see cref="ActionTimeNs"/> (scheduled action, flag 0x80) the
/// device fires when its timestamp clock (PTP time on a PTP device) reaches that time, in ns.
/// </summary>
/// <remarks>
/// Wire layout after the 8-byte <see cref="GvcpCommandHeader"/>, big-endian: device_key (4), group_key (4),
/// group_mask (4), and for a scheduled action action_time (8): 12 or 20 payload bytes. Source: GigE Vision 2.0,
/// "ACTION_CMD"; field names as in Wireshark's GVCP dissector (packet-gvcp.c).
/// </remarks>
/// <param name="DeviceKey">device_key: must equal the device's ActionDeviceKey.</param>
/// <param name="GroupKey">group_key: must equal ActionGroupKey of the action.</param>
/// <param name="GroupMask">group_mask: ANDed with ActionGroupMask of the action; non-zero fires it.</param>
/// <param name="ActionTimeNs">action_time in the devices' timestamp ticks (ns on PTP devices), or null for an
/// immediate action.</param>
public readonly record struct ActionCommand(uint DeviceKey, uint GroupKey, uint GroupMask, ulong? ActionTimeNs = null)
{
    /// <summary>Payload bytes of an immediate action command (12).</summary>
    public const int ImmediatePayloadBytes = 12;

    /// <summary>Payload bytes of a scheduled action command (20).</summary>
    public const int ScheduledPayloadBytes = 20;

    /// <summary>The longest ACTION_CMD datagram, bytes (28).</summary>
    public const int MaxDatagramBytes = GvcpProtocol.HeaderBytes + ScheduledPayloadBytes;

    /// <summary>True when the command carries an action time.</summary>
    public bool IsScheduled => ActionTimeNs.HasValue;

    /// <summary>Size of this command on the wire, bytes (20 or 28).</summary>
    public int DatagramBytes => GvcpProtocol.HeaderBytes + (IsScheduled ? ScheduledPayloadBytes : ImmediatePayloadBytes);

    /// <summary>Writes the datagram (header and payload) into <paramref name="destination"/> without allocating.</summary>
    /// <param name="destination">At least <see cref="DatagramBytes"/> bytes.</param>
    /// <param name="requestId">req_id, 1-65535 (0 is reserved by GVCP).</param>
    /// <param name="acknowledge">True to ask for an ACTION_ACK (flag 0x01).</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short, or <paramref name="requestId"/> is 0.</exception>
    public int WriteTo(Span<byte> destination, ushort requestId, bool acknowledge)
    {
        int size = DatagramBytes;
        if (destination.Length < size)
            throw new ArgumentException($"an ACTION_CMD needs {size} bytes; got {destination.Length}.", nameof(destination));
        if (requestId == 0)
            throw new ArgumentException("req_id 0 is reserved by GVCP; give 1-65535.", nameof(requestId));
        byte flags = (byte)((acknowledge ? GvcpProtocol.FlagAcknowledgeRequired : 0) | (IsScheduled ? GvcpProtocol.FlagScheduledActionTime : 0));
        new GvcpCommandHeader(flags, GvcpProtocol.ActionCmd, (ushort)(size - GvcpProtocol.HeaderBytes), requestId).WriteTo(destination);
        var payload = destination[GvcpProtocol.HeaderBytes..];
        BinaryPrimitives.WriteUInt32BigEndian(payload, DeviceKey);
        BinaryPrimitives.WriteUInt32BigEndian(payload[4..], GroupKey);
        BinaryPrimitives.WriteUInt32BigEndian(payload[8..], GroupMask);
        if (ActionTimeNs is ulong time)
            BinaryPrimitives.WriteUInt64BigEndian(payload[12..], time);
        return size;
    }

    /// <summary>
    /// Reads an ACTION_CMD datagram. False when it is not one: shorter than its header, another key code or command,
    /// or a payload length that does not match the scheduled flag (12 without it, at least 20 with it).
    /// </summary>
    /// <param name="datagram">The UDP payload.</param>
    /// <param name="command">The command read.</param>
    /// <param name="header">Its header (req_id, flags).</param>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out ActionCommand command, out GvcpCommandHeader header)
    {
        command = default;
        if (!GvcpCommandHeader.TryRead(datagram, out header) || header.Command != GvcpProtocol.ActionCmd)
            return false;
        bool scheduled = (header.Flags & GvcpProtocol.FlagScheduledActionTime) != 0;
        int need = scheduled ? ScheduledPayloadBytes : ImmediatePayloadBytes;
        if (header.Length < need || datagram.Length < GvcpProtocol.HeaderBytes + need)
            return false;
        var payload = datagram[GvcpProtocol.HeaderBytes..];
        command = new ActionCommand(BinaryPrimitives.ReadUInt32BigEndian(payload), BinaryPrimitives.ReadUInt32BigEndian(payload[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(payload[8..]), scheduled ? BinaryPrimitives.ReadUInt64BigEndian(payload[12..]) : null);
        return true;
    }
}

/// <summary>
/// ACTION_ACK (0x0101): the 8-byte acknowledge header with no payload; its status says whether the action was
/// accepted (<see cref="GvcpStatus.Success"/>), came after its action time (<see cref="GvcpStatus.ActionLate"/>), or
/// could not be scheduled (<see cref="GvcpStatus.NoRefTime"/>, <see cref="GvcpStatus.Overflow"/>).
/// </summary>
public static class ActionAcknowledge
{
    /// <summary>Size of an ACTION_ACK datagram, bytes (8).</summary>
    public const int DatagramBytes = GvcpProtocol.HeaderBytes;

    /// <summary>Writes an ACTION_ACK answering req_id <paramref name="ackId"/>; returns the bytes written (8).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 8 bytes.</exception>
    public static int WriteTo(Span<byte> destination, GvcpStatus status, ushort ackId)
    {
        new GvcpAckHeader(status, GvcpProtocol.ActionAck, 0, ackId).WriteTo(destination);
        return DatagramBytes;
    }

    /// <summary>Reads an ACTION_ACK; false when the datagram is not one (shorter than 8 bytes, a command (key code 0x42),
    /// or another acknowledge code).</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out GvcpStatus status, out ushort ackId)
    {
        status = default;
        ackId = 0;
        if (!GvcpAckHeader.TryRead(datagram, out var header) || header.Answer != GvcpProtocol.ActionAck)
            return false;
        status = header.Status;
        ackId = header.AckId;
        return true;
    }
}
