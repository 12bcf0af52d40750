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
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        return CapturePlan.TryParseTimeSpan(value, out var span) ? span : inputData;
    }
}
