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
    /// The simplest fraction within one part per million of <paramref name="hz"/>: the first continued-fraction
    /// convergent that close, with a denominator of at most <see cref="MaxDenominator"/> (the last convergent under that
    /// bound otherwise). A rate from a whole-ns period such as 1e9 / 33 333 333 Hz becomes 30:1, and 1e9 / 33 366 667 Hz
    /// becomes 30000:1001.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "FrameRate": not a positive finite number.</exception>
    public static FrameRateRational FromHz(double hz)
    {
        if (!double.IsFinite(hz) || hz <= 0 || hz > 1e9)
            throw new InvalidCaptureArgumentException("FrameRate", $"the frame rate must be a positive number of Hz; got {hz}.");
        // Convergents h(k)/k(k) of the continued fraction [a0; a1, a2, ...] of hz.
        long hPrev = 1, kPrev = 0, h = (long)Math.Floor(hz), k = 1;
        double rest = hz - Math.Floor(hz);
        while (Math.Abs((double)h / k - hz) > hz * 1e-6 && rest > 1e-12)
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
