namespace PsCamSync.Core.Takes;

/// <summary>
/// A frame rate as the rational number containers want (Y4M <c>F30000:1001</c>, ffmpeg <c>-framerate 30000/1001</c>).
/// </summary>
/// <param name="Numerator">Frames.</param>
/// <param name="Denominator">Seconds.</param>
public readonly record struct FrameRateRational(long Numerator, long Denominator)
{
    /// <summary>Largest denominator <see cref="FromHz"/> uses.</summary>
    public const long MaxDenominator = 1_000_000;

    /// <summary>Frames per second as a double.</summary>
    public double Hz => (double)Numerator / Denominator;

    /// <summary>
    /// The simplest fraction whose period is within half a nanosecond of the period of <paramref name="hz"/>, i.e. the
    /// fraction that the whole-ns period of the schedule was rounded from. Tried in order: a whole number N:1, the NTSC
    /// family N·1000:1001, then the continued-fraction convergents of <paramref name="hz"/> up to a denominator of
    /// <see cref="MaxDenominator"/> (the last one under that bound when none is that close). 1e9 / 33 333 333 Hz becomes
    /// 30:1, 1e9 / 16 683 333 Hz becomes 60000:1001, 29.97 Hz stays 2997:100.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "FrameRate": not a positive finite number.</exception>
    public static FrameRateRational FromHz(double hz)
    {
        if (!double.IsFinite(hz) || hz <= 0 || hz > 1e9)
            throw new InvalidCaptureArgumentException("FrameRate", $"the frame rate must be a positive number of Hz; got {hz}.");
        double periodNs = 1e9 / hz;
        bool Close(long num, long den) => num > 0 && Math.Abs(1e9 * den / num - periodNs) <= 0.5;
        long whole = (long)Math.Round(hz), ntsc = (long)Math.Round(hz * 1.001);
        if (Close(whole, 1))
            return new FrameRateRational(whole, 1);
        if (Close(ntsc * 1000, 1001))
            return new FrameRateRational(ntsc * 1000, 1001);
        // Convergents h(k)/k(k) of the continued fraction [a0; a1, a2, ...] of hz.
        long hPrev = 1, kPrev = 0, h = (long)Math.Floor(hz), k = 1;
        double rest = hz - Math.Floor(hz);
        while (!Close(h, k) && rest > 1e-12)
        {
            double inverse = 1 / rest;
            long a = (long)Math.Floor(inverse);
            rest = inverse - a;
            long hNext = a * h + hPrev, kNext = a * k + kPrev;
            if (kNext > MaxDenominator)
                break;
            (hPrev, kPrev, h, k) = (h, k, hNext, kNext);
        }
        if (h == 0) // below 1 / MaxDenominator Hz: keep it positive
            (h, k) = (1, MaxDenominator);
        return new FrameRateRational(h, k);
    }
}
