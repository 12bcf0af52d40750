using System.Management.Automation;
using PsCamSync.Core.Capture;

namespace PsCamSync.Commands;

/// <summary>
/// Lets a TimeSpan parameter take a number of seconds: <c>-Duration 10</c> is ten seconds (PowerShell alone would
/// read it as ten 100 ns ticks); <c>-Duration 00:01:30</c> and TimeSpan values work as usual. Rules:
/// <see cref="CapturePlan.TryParseTimeSpan"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>Converts numbers and text to a TimeSpan; anything else is passed on for the binder to reject.</summary>
    /// <exception cref="ArgumentTransformationMetadataException">A number of seconds beyond what a TimeSpan holds
    /// (PowerShell reports it naming the parameter).</exception>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (CapturePlan.TryParseTimeSpan(value, out var span))
            return span;
        bool number = value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal ||
            (value is string text && double.TryParse(text.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
        if (number)
            throw new ArgumentTransformationMetadataException(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "{0} seconds is more than a time span can hold (at most {1:0} s, about 29 000 years); give a shorter time in seconds or as hh:mm:ss.",
                value, TimeSpan.MaxValue.TotalSeconds));
        return inputData;
    }
}
