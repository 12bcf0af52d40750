using System.Globalization;
using System.Management.Automation;

namespace PsCamSync.Commands;

/// <summary>
/// Lets <c>-FrameRate</c> take a range as written on the command line. In argument mode PowerShell passes
/// <c>-FrameRate 10..120</c> as the text "10..120" (only <c>(10..120)</c> is evaluated), so this expands such text as
/// the range operator would: every whole number from the first to the second. Numbers, arrays (<c>30,60,90</c>) and an
/// evaluated range pass through; text that is neither a number nor such a range is passed on for the binder to reject.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class FrameRateRangeTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>Largest number of rates a range written as text expands to (100 000).</summary>
    public const int MaxExpanded = 100_000;

    /// <summary>Expands "a..b" (whole numbers) in the input, alone or as elements of an array.</summary>
    /// <exception cref="ArgumentTransformationMetadataException">"a..b" whose ends are not whole numbers, or that expands
    /// to more than <see cref="MaxExpanded"/> rates (PowerShell reports it naming the parameter).</exception>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value is string text)
            return Expand(text) ?? inputData;
        if (value is object?[] items && items.Any(i => (i is PSObject p ? p.BaseObject : i) is string s && s.Contains("..", StringComparison.Ordinal)))
        {
            var result = new List<object?>();
            foreach (var item in items)
            {
                if ((item is PSObject p ? p.BaseObject : item) is string s && Expand(s) is double[] expanded)
                    result.AddRange(expanded.Cast<object?>());
                else
                    result.Add(item);
            }
            return result.ToArray();
        }
        return inputData;
    }

    private static double[]? Expand(string text)
    {
        int dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
            return null;
        string first = text[..dots].Trim(), last = text[(dots + 2)..].Trim();
        if (!long.TryParse(first, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long a) ||
            !long.TryParse(last, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long b))
            throw new ArgumentTransformationMetadataException(
                $"'{text}' is not a range of whole numbers; write it as 10..120, or give the ends as a list with -Step, e.g. -FrameRate 0.5,2.5 -Step 0.5.");
        long count = Math.Abs(b - a) + 1;
        if (count > MaxExpanded)
            throw new ArgumentTransformationMetadataException($"'{text}' holds {count} rates; give a shorter range, or its ends with -Step.");
        int step = b >= a ? 1 : -1;
        var rates = new double[count];
        for (long i = 0; i < count; i++)
            rates[i] = a + i * step;
        return rates;
    }
}
