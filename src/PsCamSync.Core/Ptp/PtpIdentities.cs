using System.Globalization;

namespace PsCamSync.Core.Ptp;

/// <summary>
/// IEEE 1588 ClockIdentity: 8 octets, held as a big-endian UInt64. Its text form is linuxptp's
/// <c>xxxxxx.xxxx.xxxxxx</c> (lower-case hex, as pmc prints it, e.g. <c>22be42.fffe.27351d</c>).
/// </summary>
/// <param name="Value">The 8 octets as a big-endian UInt64 (octet 0 is the most significant byte).</param>
public readonly record struct ClockIdentity(ulong Value)
{
    /// <summary>Size on the wire, bytes.</summary>
    public const int Size = 8;

    /// <summary>The all-ones identity that addresses every clock (targetPortIdentity wildcard).</summary>
    public static ClockIdentity Wildcard => new(ulong.MaxValue);

    /// <summary>The text form <c>xxxxxx.xxxx.xxxxxx</c>.</summary>
    public override string ToString()
    {
        var hex = Value.ToString("x16", CultureInfo.InvariantCulture);
        return $"{hex[..6]}.{hex[6..10]}.{hex[10..]}";
    }

    /// <summary>Parses the text form <c>xxxxxx.xxxx.xxxxxx</c> (hex, either case).</summary>
    /// <exception cref="FormatException">The text is not in that form.</exception>
    public static ClockIdentity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('.');
        if (parts.Length != 3 || parts[0].Length != 6 || parts[1].Length != 4 || parts[2].Length != 6 ||
            !ulong.TryParse(string.Concat(parts), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
            throw new FormatException($"'{text}' is not a clock identity of the form xxxxxx.xxxx.xxxxxx (hex).");
        return new ClockIdentity(v);
    }
}

/// <summary>IEEE 1588 PortIdentity: a ClockIdentity and a portNumber; text form <c>xxxxxx.xxxx.xxxxxx-N</c> as pmc prints it.</summary>
/// <param name="ClockIdentity">The clock the port belongs to.</param>
/// <param name="PortNumber">The port number (1..N for PTP ports; 0 is ptp4l's UNIX-domain management port; 0xFFFF addresses all ports).</param>
public readonly record struct PortIdentity(ClockIdentity ClockIdentity, ushort PortNumber)
{
    /// <summary>Size on the wire, bytes.</summary>
    public const int Size = 10;

    /// <summary>The portNumber that addresses every port.</summary>
    public const ushort AllPorts = 0xFFFF;

    /// <summary>The text form <c>xxxxxx.xxxx.xxxxxx-N</c>.</summary>
    public override string ToString() => $"{ClockIdentity}-{PortNumber.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>IEEE 1588 ClockQuality (4 bytes on the wire).</summary>
/// <param name="ClockClass">clockClass (e.g. 6 = locked to a primary reference, 248 = default, 255 = slave-only).</param>
/// <param name="ClockAccuracy">clockAccuracy enumeration (0xFE = unknown).</param>
/// <param name="OffsetScaledLogVariance">offsetScaledLogVariance.</param>
public readonly record struct ClockQuality(byte ClockClass, byte ClockAccuracy, ushort OffsetScaledLogVariance)
{
    /// <summary>Size on the wire, bytes.</summary>
    public const int Size = 4;
}
