using PsCamSync.Core.Cameras.Aravis;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>
/// When TriggerSoftware may be sent as one register write (<see cref="SoftwareTriggerRegister"/>): only a whole 32-bit
/// big-endian IntReg on the Device port with a constant CommandValue; everything else keeps the GenICam node path.
/// </summary>
public sealed class SoftwareTriggerRegisterTests
{
    private const string Namespace = "http://www.genicam.org/GenApi/Version_1_0";

    /// <summary>A GenICam document with the emulator's TriggerSoftware (arv-fake-camera.xml), parts replaceable.</summary>
    private static string Xml(string command = "<pValue>TriggerSoftwareCommandRegister</pValue><CommandValue>1</CommandValue>",
        string registerKind = "IntReg", string length = "4", string endianess = "BigEndian", string access = "WO") => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <RegisterDescription ModelName="Fake" VendorName="Aravis" xmlns="{Namespace}">
          <Command Name="TriggerSoftware" NameSpace="Standard">
            <Description>Generates an internal trigger.</Description>
            {command}
          </Command>
          <{registerKind} Name="TriggerSoftwareCommandRegister" NameSpace="Custom">
            <Address>0x30c</Address>
            <Length>{length}</Length>
            <AccessMode>{access}</AccessMode>
            <pPort>Device</pPort>
            <Sign>Unsigned</Sign>
            <Endianess>{endianess}</Endianess>
          </{registerKind}>
        </RegisterDescription>
        """;

    [Fact]
    public void TheEmulatorsCommand_IsOneWriteOfItsCommandValue()
    {
        var found = SoftwareTriggerRegister.FromGenicamXml(Xml());
        Assert.Null(found.Reason);
        Assert.Equal("TriggerSoftwareCommandRegister", found.RegisterName);
        Assert.Equal(1u, found.Value);
    }

    [Fact]
    public void AHexadecimalCommandValue_IsRead()
    {
        var found = SoftwareTriggerRegister.FromGenicamXml(Xml("<pValue>TriggerSoftwareCommandRegister</pValue><CommandValue>0x80000000</CommandValue>"));
        Assert.Null(found.Reason);
        Assert.Equal(0x8000_0000u, found.Value);
    }

    [Theory]
    [InlineData("MaskedIntReg", "4", "BigEndian", "WO", "not to a whole IntReg")]
    [InlineData("IntReg", "8", "BigEndian", "WO", "not 4 bytes long")]
    [InlineData("IntReg", "4", "LittleEndian", "WO", "not declared BigEndian")]
    [InlineData("IntReg", "4", "BigEndian", "RO", "read-only")]
    public void ARegisterThatIsNotAWhole32BitBigEndianWord_KeepsTheNodePath(string kind, string length, string endianess, string access, string reason)
    {
        var found = SoftwareTriggerRegister.FromGenicamXml(Xml(registerKind: kind, length: length, endianess: endianess, access: access));
        Assert.Null(found.RegisterName);
        Assert.Contains(reason, found.Reason);
    }

    [Theory]
    [InlineData("<pValue>TriggerSoftwareCommandRegister</pValue><pCommandValue>SomeNode</pCommandValue>", "pCommandValue")]
    [InlineData("<pValue>TriggerSoftwareCommandRegister</pValue><CommandValue>1</CommandValue><pIsLocked>Locked</pIsLocked>", "pIsLocked")]
    [InlineData("<pValue>TriggerSoftwareCommandRegister</pValue><CommandValue>-1</CommandValue>", "no CommandValue")]
    [InlineData("<pValue>Elsewhere</pValue><CommandValue>1</CommandValue>", "names no node")]
    public void ACommandThatIsNotAConstantWrite_KeepsTheNodePath(string command, string reason)
    {
        var found = SoftwareTriggerRegister.FromGenicamXml(Xml(command));
        Assert.Null(found.RegisterName);
        Assert.Contains(reason, found.Reason);
    }

    [Fact]
    public void NoTriggerSoftwareOrNoXml_KeepsTheNodePath()
    {
        Assert.Contains("not a Command", SoftwareTriggerRegister.FromGenicamXml(Xml().Replace("Name=\"TriggerSoftware\"", "Name=\"Other\"")).Reason);
        Assert.Contains("does not parse", SoftwareTriggerRegister.FromGenicamXml("<RegisterDescription>").Reason);
    }
}
