using System.Globalization;
using System.Management.Automation;

namespace PsCamSync.Commands;

/// <summary>
/// Lets a DateTimeOffset parameter take the forms a time arrives in from another session: a
/// <c>Deserialized.System.DateTimeOffset</c> (what <c>$using:t0</c> or <c>-ArgumentList $t0</c> becomes when
/// <c>$t0</c> is a [DateTimeOffset]: PowerShell remoting sends it as a property bag that does not bind), a
/// [DateTime] (local or UTC as its Kind says), and text in any format <see cref="DateTimeOffset.Parse(string, IFormatProvider)"/>
/// reads (invariant culture; no offset means local time). The instant is kept exactly: the bag's <c>UtcTicks</c>
/// (100 ns ticks since 0001-01-01 UTC) and <c>Offset</c> rebuild the same value. Anything else is passed on for the
/// binder to reject with its usual message.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DateTimeOffsetTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>Converts a deserialized DateTimeOffset, a DateTime or text; other input is returned unchanged.</summary>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        TryConvert(inputData, out var value) ? value : inputData;

    /// <summary>The conversion <see cref="Transform"/> applies; false when <paramref name="inputData"/> is none of the accepted forms.</summary>
    internal static bool TryConvert(object? inputData, out DateTimeOffset value)
    {
        value = default;
        if (inputData is PSObject bag && bag.TypeNames.Contains(DeserializedTypeName))
            return TryFromBag(bag, out value);
        switch (inputData is PSObject pso ? pso.BaseObject : inputData)
        {
            case DateTimeOffset dto:
                value = dto;
                return true;
            case DateTime dt:
                value = dt.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(dt.ToLocalTime()) : new DateTimeOffset(dt);
                return true;
            case string text:
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out value);
            default:
                return false;
        }
    }

    private const string DeserializedTypeName = "Deserialized.System.DateTimeOffset";

    private static bool TryFromBag(PSObject bag, out DateTimeOffset value)
    {
        value = default;
        if (!LanguagePrimitives.TryConvertTo(bag.Properties["UtcTicks"]?.Value, out long utcTicks) ||
            !LanguagePrimitives.TryConvertTo(bag.Properties["Offset"]?.Value, out TimeSpan offset))
            return false;
        value = new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(offset);
        return true;
    }
}
