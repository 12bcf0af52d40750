using System.Buffers.Binary;
using System.Text;

namespace PsCamSync.Core.Ptp;

/// <summary>
/// Bounds-checked reader of big-endian (network order) IEEE 1588 fields. Every read names its field, so a short
/// input ends in a <see cref="PtpMessageFormatException"/> that says which field did not fit, never in an
/// index exception.
/// </summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _what;
    private readonly int _baseOffset;

    /// <param name="data">The bytes to read.</param>
    /// <param name="what">What the bytes are (e.g. "CURRENT_DATA_SET"), for messages.</param>
    /// <param name="baseOffset">Offset of <paramref name="data"/> in the datagram, for messages.</param>
    public WireReader(ReadOnlySpan<byte> data, string what, int baseOffset = 0)
    {
        _data = data;
        _what = what;
        _baseOffset = baseOffset;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > Remaining)
            throw new PtpMessageFormatException(field, _baseOffset + Position,
                $"{_what} is too short: {field} needs {count} byte(s) at offset {_baseOffset + Position}, " +
                $"but only {Remaining} remain (the answer is truncated or not a ptp4l management message).");
        var s = _data.Slice(Position, count);
        Position += count;
        return s;
    }

    public void Skip(int count, string field) => Take(count, field);

    public byte U8(string field) => Take(1, field)[0];

    public sbyte I8(string field) => unchecked((sbyte)Take(1, field)[0]);

    public ushort U16(string field) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field));

    public short I16(string field) => BinaryPrimitives.ReadInt16BigEndian(Take(2, field));

    public uint U32(string field) => BinaryPrimitives.ReadUInt32BigEndian(Take(4, field));

    public int I32(string field) => BinaryPrimitives.ReadInt32BigEndian(Take(4, field));

    public long I64(string field) => BinaryPrimitives.ReadInt64BigEndian(Take(8, field));

    public ulong U64(string field) => BinaryPrimitives.ReadUInt64BigEndian(Take(8, field));

    public ClockIdentity ClockIdentity(string field) => new(U64(field));

    public PortIdentity PortIdentity(string field) => new(ClockIdentity(field + ".clockIdentity"), U16(field + ".portNumber"));

    public ClockQuality ClockQuality(string field) =>
        new(U8(field + ".clockClass"), U8(field + ".clockAccuracy"), U16(field + ".offsetScaledLogVariance"));

    /// <summary>IEEE 1588 PTPText: lengthField (1 byte) then that many UTF-8 octets. Invalid UTF-8 becomes U+FFFD.</summary>
    public string PtpText(string field)
    {
        int length = U8(field + ".lengthField");
        return Encoding.UTF8.GetString(Take(length, field + ".textField"));
    }
}
