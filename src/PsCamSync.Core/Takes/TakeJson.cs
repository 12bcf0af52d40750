using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsCamSync.Core.Takes;

/// <summary>The JSON settings of <c>take.json</c>: indented, property names as declared, enums as their names.</summary>
internal static class TakeJson
{
    /// <summary>The manifest format version this code writes and reads.</summary>
    public const int FormatVersion = 1;

    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        NumberHandling = JsonNumberHandling.Strict,
    };
}
