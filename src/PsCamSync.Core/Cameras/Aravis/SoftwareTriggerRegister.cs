using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace PsCamSync.Core.Cameras.Aravis;

/// <summary>
/// Where a camera's TriggerSoftware command writes, when that is one plain register: the GenICam
/// <c>&lt;Command Name="TriggerSoftware"&gt;</c> whose <c>pValue</c> names an <c>&lt;IntReg&gt;</c> of
/// <c>Length</c> 4 with <c>Endianess</c> BigEndian on <c>pPort</c> Device, and whose <c>CommandValue</c> is a constant
/// from 0 to 2^32 − 1. Executing the command is then exactly one 32-bit write of that value to that register
/// (GenICam Standard, GenApi schema: Command, IntReg), which <see cref="AravisCamera.Trigger"/> sends with
/// <c>arv_device_write_register</c> instead of evaluating the node tree for every frame.
/// </summary>
/// <remarks>
/// Anything else (a MaskedIntReg or StructEntry that shares its register with other bits, a pCommandValue, a
/// pIsLocked that may change during a take, a little-endian or wider register, a missing node) keeps the GenICam
/// path, and <see cref="Reason"/> says why. Availability (pIsAvailable) is checked once when the trigger is set up
/// (<c>arv_camera_is_software_trigger_supported</c>), not per frame.
/// </remarks>
/// <param name="RegisterName">The IntReg node's name (e.g. the emulator's <c>TriggerSoftwareCommandRegister</c>).</param>
/// <param name="Value">The value the command writes (its CommandValue).</param>
/// <param name="Reason">Null when the register path applies; else why not, in words.</param>
internal sealed record SoftwareTriggerRegister(string? RegisterName, uint Value, string? Reason)
{
    /// <summary>The command's feature name (SFNC).</summary>
    public const string CommandName = "TriggerSoftware";

    /// <summary>Reads the GenICam XML and says whether TriggerSoftware is one plain 32-bit register write.</summary>
    /// <param name="xml">The device's GenICam XML document (GenApi schema, any version namespace).</param>
    public static SoftwareTriggerRegister FromGenicamXml(string xml)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Parse(xml);
        }
        catch (XmlException e)
        {
            return No($"the GenICam XML does not parse: {e.Message}");
        }
        var byName = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var e in doc.Descendants())
        {
            if (e.Attribute("Name")?.Value is { } name)
                byName.TryAdd(name, e);
        }
        if (!byName.TryGetValue(CommandName, out var command) || command.Name.LocalName != "Command")
            return No($"{CommandName} is not a Command node");
        if (Child(command, "pIsLocked") is not null)
            return No($"{CommandName} has a pIsLocked, which is evaluated on every execution");
        if (Child(command, "pCommandValue") is not null)
            return No($"{CommandName} takes its value from a node (pCommandValue)");
        var valueText = Child(command, "CommandValue")?.Value.Trim();
        if (valueText is null || !TryParseInteger(valueText, out var value) || value < 0 || value > uint.MaxValue)
            return No($"{CommandName} has no CommandValue from 0 to 4294967295");
        var target = Child(command, "pValue")?.Value.Trim();
        if (string.IsNullOrEmpty(target) || !byName.TryGetValue(target, out var register))
            return No($"{CommandName}'s pValue names no node");
        if (register.Name.LocalName != "IntReg")
            return No($"{CommandName} writes to {register.Name.LocalName} '{target}', not to a whole IntReg");
        if (Child(register, "Length")?.Value.Trim() is not { } length || !TryParseInteger(length, out var bytes) || bytes != 4)
            return No($"register '{target}' is not 4 bytes long");
        if (Child(register, "Endianess")?.Value.Trim() != "BigEndian")
            return No($"register '{target}' is not declared BigEndian");
        if (Child(register, "pPort")?.Value.Trim() != "Device")
            return No($"register '{target}' is not on the Device port");
        if (Child(register, "AccessMode")?.Value.Trim() == "RO")
            return No($"register '{target}' is read-only");
        return new SoftwareTriggerRegister(target, (uint)value, null);
    }

    private static SoftwareTriggerRegister No(string reason) => new(null, 0, reason);

    private static XElement? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    /// <summary>A GenICam integer literal: decimal, or hexadecimal with 0x.</summary>
    private static bool TryParseInteger(string text, out long value) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
