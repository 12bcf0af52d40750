using System.Buffers.Binary;

namespace PsCamSync.Core.Tests.Ptp;

/// <summary>
/// Builds management messages byte by byte at the offsets of IEEE 1588 / linuxptp msg.h, independently of the
/// encoder under test: common header 0..33, targetPortIdentity 34..43, startingBoundaryHops 44, boundaryHops 45,
/// actionField 46, reserved 47, TLV from 48 (tlvType, lengthField, managementId, dataField).
/// </summary>
internal static class HandBuilt
{
    public const ulong SourceClock = 0x0011_22ff_fe33_4455;

    public static byte[] Response(ushort managementId, byte[] data, ushort sequenceId = 7, byte domain = 0,
        byte action = 2, ushort tlvType = 1, ushort sourcePort = 1)
    {
        var m = new byte[48 + 6 + data.Length];
        m[0] = 0x0D;                                   // transportSpecific 0 | messageType MANAGEMENT
        m[1] = 0x02;                                   // versionPTP 2
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(2), (ushort)m.Length);
        m[4] = domain;
        BinaryPrimitives.WriteUInt64BigEndian(m.AsSpan(20), SourceClock);
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(28), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(30), sequenceId);
        m[32] = 0x04;
        m[33] = 0x7F;
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(42), 0x1234); // targetPortIdentity.portNumber (requester)
        m[46] = action;
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(48), tlvType);
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(50), (ushort)(2 + data.Length));
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(52), managementId);
        data.CopyTo(m, 54);
        return m;
    }

    public static byte[] ErrorStatus(ushort errorId, ushort managementId, string display = "", ushort sequenceId = 7)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(display);
        int valueLength = 8 + (display.Length > 0 ? 1 + text.Length : 0);
        valueLength += valueLength % 2;
        var m = new byte[48 + 4 + valueLength];
        var header = Response(managementId, [], sequenceId);
        header.AsSpan(0, 48).CopyTo(m);
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(2), (ushort)m.Length);
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(48), 0x0002);
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(50), (ushort)valueLength);
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(52), errorId);
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(54), managementId);
        if (display.Length > 0)
        {
            m[60] = (byte)text.Length;
            text.CopyTo(m, 61);
        }
        return m;
    }

    public static byte[] Be16(int v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v); return b; }
    public static byte[] Be32(int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); return b; }
    public static byte[] Be64(long v) { var b = new byte[8]; BinaryPrimitives.WriteInt64BigEndian(b, v); return b; }
    public static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
