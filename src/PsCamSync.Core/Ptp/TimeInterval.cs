namespace PsCamSync.Core.Ptp;

/// <summary>
/// IEEE 1588 TimeInterval: a signed 64-bit count of nanoseconds × 2^16 (so the low 16 bits are fractions of a ns).
/// </summary>
public static class TimeInterval
{
    /// <summary>Scale factor: one ns is 65 536 units.</summary>
    public const long UnitsPerNanosecond = 1L << 16;

    /// <summary>Whole nanoseconds, truncated toward zero (−1.5 ns gives −1).</summary>
    public static long ToNanoseconds(long scaled) => scaled / UnitsPerNanosecond;

    /// <summary>Nanoseconds with the fraction (as pmc prints them, <c>scaled / 65536.0</c>).</summary>
    public static double ToNanosecondsExact(long scaled) => scaled / (double)UnitsPerNanosecond;

    /// <summary>The TimeInterval of <paramref name="nanoseconds"/> ns.</summary>
    /// <exception cref="OverflowException">|ns| ≥ 2^47.</exception>
    public static long FromNanoseconds(long nanoseconds) => checked(nanoseconds * UnitsPerNanosecond);
}

/// <summary>linuxptp ScaledNs (struct Integer96): a 96-bit count of ns × 2^16, as TIME_STATUS_NP.lastGmPhaseChange.</summary>
/// <param name="NanosecondsMsb">The upper 16 bits of the whole nanoseconds.</param>
/// <param name="NanosecondsLsb">The lower 64 bits of the whole nanoseconds.</param>
/// <param name="FractionalNanoseconds">Fraction of a nanosecond × 2^16.</param>
public readonly record struct ScaledNs(ushort NanosecondsMsb, ulong NanosecondsLsb, ushort FractionalNanoseconds)
{
    /// <summary>Size on the wire, bytes.</summary>
    public const int Size = 12;
}
