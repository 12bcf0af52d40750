using PsCamSync.Core.Gvcp;

namespace PsCamSync.Core.Tests.Gvcp;

/// <summary>ACTION_CMD and ACTION_ACK byte layouts (GigE Vision 2.0, as Wireshark's GVCP dissector decodes them).</summary>
public class GvcpWireTests
{
    private static readonly ActionCommand Immediate = new(0x12345678, 0x9ABCDEF0, 0x00000005);
    private static readonly ActionCommand Scheduled = new(0x12345678, 0x9ABCDEF0, 0x00000005, 0x0123456789ABCDEF);

    [Fact]
    public void ImmediateActionCmd_HasTheExactBytes()
    {
        var buffer = new byte[ActionCommand.MaxDatagramBytes];
        int n = Immediate.WriteTo(buffer, requestId: 0x0102, acknowledge: true);
        Assert.Equal(20, n);
        Assert.Equal(Convert.FromHexString("42" + "01" + "0100" + "000C" + "0102" + "12345678" + "9ABCDEF0" + "00000005"), buffer[..n]);
    }

    [Fact]
    public void ScheduledActionCmd_HasTheExactBytes()
    {
        var buffer = new byte[ActionCommand.MaxDatagramBytes];
        int n = Scheduled.WriteTo(buffer, requestId: 0xFFFF, acknowledge: true);
        Assert.Equal(28, n);
        Assert.Equal(Convert.FromHexString("42" + "81" + "0100" + "0014" + "FFFF" + "12345678" + "9ABCDEF0" + "00000005" + "0123456789ABCDEF"),
            buffer[..n]);
        n = Scheduled.WriteTo(buffer, requestId: 7, acknowledge: false);
        Assert.Equal(0x80, buffer[1]); // scheduled, no acknowledge
        Assert.Equal(28, n);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void ActionCmd_RoundTrips(bool scheduled, bool acknowledge)
    {
        var command = scheduled ? Scheduled : Immediate;
        var buffer = new byte[64];
        int n = command.WriteTo(buffer, requestId: 4242, acknowledge);
        Assert.True(ActionCommand.TryRead(buffer.AsSpan(0, n), out var read, out var header));
        Assert.Equal(command, read);
        Assert.Equal(4242, header.RequestId);
        Assert.Equal(GvcpProtocol.ActionCmd, header.Command);
        Assert.Equal(n - GvcpProtocol.HeaderBytes, header.Length);
        Assert.Equal(acknowledge, (header.Flags & GvcpProtocol.FlagAcknowledgeRequired) != 0);
        Assert.Equal(scheduled, (header.Flags & GvcpProtocol.FlagScheduledActionTime) != 0);
    }

    [Fact]
    public void WriteTo_RefusesRequestIdZeroAndShortBuffers()
    {
        var buffer = new byte[ActionCommand.MaxDatagramBytes];
        var zero = Assert.Throws<ArgumentException>(() => Immediate.WriteTo(buffer, requestId: 0, acknowledge: true));
        Assert.Equal("requestId", zero.ParamName);
        Assert.Throws<ArgumentException>(() => Immediate.WriteTo(new byte[19], 1, true));
        Assert.Throws<ArgumentException>(() => Scheduled.WriteTo(new byte[27], 1, true));
        Assert.Throws<ArgumentException>(() => new GvcpCommandHeader(0, GvcpProtocol.ActionCmd, 0, 1).WriteTo(new byte[7]));
        Assert.Throws<ArgumentException>(() => ActionAcknowledge.WriteTo(new byte[7], GvcpStatus.Success, 1));
    }

    [Fact]
    public void ActionCmd_TryRead_RejectsShortAndOtherDatagrams()
    {
        var buffer = new byte[64];
        int immediate = Immediate.WriteTo(buffer, 9, true);
        var good = buffer[..immediate];
        for (int length = 0; length < immediate; length++)
            Assert.False(ActionCommand.TryRead(good.AsSpan(0, length), out _, out _), $"{length} bytes");

        var otherKey = (byte[])good.Clone();
        otherKey[0] = 0x43;
        Assert.False(ActionCommand.TryRead(otherKey, out _, out _));

        var readReg = (byte[])good.Clone();
        readReg[2] = 0x00;
        readReg[3] = 0x80; // READREG_CMD
        Assert.False(ActionCommand.TryRead(readReg, out _, out _));

        var claimsScheduled = (byte[])good.Clone();
        claimsScheduled[1] |= GvcpProtocol.FlagScheduledActionTime; // flag set, but only 12 payload bytes
        Assert.False(ActionCommand.TryRead(claimsScheduled, out _, out _));

        int scheduled = Scheduled.WriteTo(buffer, 9, true);
        Assert.False(ActionCommand.TryRead(buffer.AsSpan(0, scheduled - 1), out _, out _));
        var shortLength = buffer[..scheduled];
        shortLength[5] = 12; // header length says 12 while the scheduled flag is set
        Assert.False(ActionCommand.TryRead(shortLength, out _, out _));

        var ack = new byte[8];
        ActionAcknowledge.WriteTo(ack, GvcpStatus.Success, 9);
        Assert.False(ActionCommand.TryRead(ack, out _, out _));
    }

    [Theory]
    [InlineData(GvcpStatus.Success, 1)]
    [InlineData(GvcpStatus.ActionLate, 0xFFFF)]
    [InlineData(GvcpStatus.NoRefTime, 300)]
    public void ActionAck_HasTheExactBytesAndRoundTrips(GvcpStatus status, int ackId)
    {
        var buffer = new byte[8];
        Assert.Equal(8, ActionAcknowledge.WriteTo(buffer, status, (ushort)ackId));
        Assert.Equal(new byte[] { (byte)((int)status >> 8), (byte)status, 0x01, 0x01, 0x00, 0x00, (byte)(ackId >> 8), (byte)ackId }, buffer);
        Assert.True(ActionAcknowledge.TryRead(buffer, out var readStatus, out var readId));
        Assert.Equal(status, readStatus);
        Assert.Equal(ackId, readId);
        Assert.True(GvcpAckHeader.TryRead(buffer, out var header));
        Assert.Equal(new GvcpAckHeader(status, GvcpProtocol.ActionAck, 0, (ushort)ackId), header);
    }

    [Fact]
    public void ActionAck_TryRead_RejectsShortCommandsAndOtherAcks()
    {
        var ack = new byte[8];
        ActionAcknowledge.WriteTo(ack, GvcpStatus.Success, 5);
        for (int length = 0; length < 8; length++)
            Assert.False(ActionAcknowledge.TryRead(ack.AsSpan(0, length), out _, out _), $"{length} bytes");

        var writeRegAck = (byte[])ack.Clone();
        writeRegAck[3] = 0x83; // WRITEREG_ACK
        Assert.False(ActionAcknowledge.TryRead(writeRegAck, out _, out _));

        // A command whose bytes 2-3 happen to read 0x0101 is still a command: key code 0x42 comes first.
        var command = new byte[8];
        new GvcpCommandHeader(0x01, GvcpProtocol.ActionAck, 0, 5).WriteTo(command);
        Assert.False(ActionAcknowledge.TryRead(command, out _, out _));
        Assert.False(GvcpAckHeader.TryRead(command, out _));
    }

    [Fact]
    public void CommandHeader_RoundTrips()
    {
        var header = new GvcpCommandHeader(0x81, GvcpProtocol.ActionCmd, 20, 0xBEEF);
        var buffer = new byte[8];
        header.WriteTo(buffer);
        Assert.Equal(Convert.FromHexString("42810100" + "0014BEEF"), buffer);
        Assert.True(GvcpCommandHeader.TryRead(buffer, out var read));
        Assert.Equal(header, read);
    }
}
