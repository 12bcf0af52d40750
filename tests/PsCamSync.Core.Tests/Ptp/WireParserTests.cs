using PsCamSync.Core.Ptp;
using static PsCamSync.Core.Tests.Ptp.HandBuilt;

namespace PsCamSync.Core.Tests.Ptp;

public class WireParserTests
{
    private static readonly byte[] Clock = [0xb2, 0xb9, 0xda, 0xff, 0xfe, 0xf1, 0x06, 0x47];
    private static readonly byte[] Gm = [0x22, 0xbe, 0x42, 0xff, 0xfe, 0x27, 0x35, 0x1d];

    [Fact]
    public void Header_and_management_header_fields_come_from_their_offsets()
    {
        var bytes = Response(0x2001, new byte[18], sequenceId: 0xBEEF, domain: 23, sourcePort: 3);
        var m = ManagementMessage.Parse(bytes);
        Assert.Equal(PtpMessageType.Management, m.Header.MessageType);
        Assert.Equal(2, m.Header.VersionPtp);
        Assert.Equal(bytes.Length, m.Header.MessageLength);
        Assert.Equal(23, m.Header.DomainNumber);
        Assert.Equal(0xBEEF, m.Header.SequenceId);
        Assert.Equal(new PortIdentity(new ClockIdentity(SourceClock), 3), m.Header.SourcePortIdentity);
        Assert.Equal(0x04, m.Header.ControlField);
        Assert.Equal(0x7F, m.Header.LogMessageInterval);
        Assert.Equal(0x1234, m.TargetPortIdentity.PortNumber);
        Assert.Equal(ManagementAction.Response, m.Action);
        Assert.Equal(ManagementId.CurrentDataSet, m.ManagementId);
        Assert.Equal(18, m.Data.Length);
        Assert.Null(m.ErrorStatus);
    }

    [Fact]
    public void ClockIdentity_text_form_is_linuxptps()
    {
        var id = new ClockIdentity(0x22be42fffe27351dUL);
        Assert.Equal("22be42.fffe.27351d", id.ToString());
        Assert.Equal(id, ClockIdentity.Parse("22BE42.FFFE.27351D"));
        Assert.Equal("000001.0000.000000", new ClockIdentity(1UL << 40).ToString());
        Assert.Equal("22be42.fffe.27351d-65535", new PortIdentity(id, 65535).ToString());
        Assert.Throws<FormatException>(() => ClockIdentity.Parse("22be42fffe27351d"));
        Assert.Throws<FormatException>(() => ClockIdentity.Parse("22be42.fffe.2735zz"));
    }

    [Fact]
    public void CurrentDataSet_scales_TimeInterval_and_keeps_the_sign()
    {
        // offsetFromMaster −1.5 ns = −98304 units; meanPathDelay 24050.5 ns = 1576173568 units
        var data = Cat(Be16(3), Be64(-98_304), Be64(1_576_173_568));
        var cds = DataSetDecoder.DecodeCurrentDataSet(ManagementMessage.Parse(Response(0x2001, data)));
        Assert.Equal(3, cds.StepsRemoved);
        Assert.Equal(-98_304, cds.OffsetFromMaster);
        Assert.Equal(-1, cds.OffsetFromMasterNs);            // truncated toward zero
        Assert.Equal(-1.5, TimeInterval.ToNanosecondsExact(cds.OffsetFromMaster));
        Assert.Equal(24_050, cds.MeanPathDelayNs);
        Assert.Equal(24_050.5, TimeInterval.ToNanosecondsExact(cds.MeanPathDelay));
    }

    [Fact]
    public void CurrentDataSet_handles_large_negative_offsets()
    {
        long ns = -3_600_000_000_000L; // an hour behind
        var data = Cat(Be16(1), Be64(TimeInterval.FromNanoseconds(ns)), Be64(0));
        var cds = DataSetDecoder.DecodeCurrentDataSet(ManagementMessage.Parse(Response(0x2001, data)));
        Assert.Equal(ns, cds.OffsetFromMasterNs);
        Assert.Throws<OverflowException>(() => TimeInterval.FromNanoseconds(long.MaxValue / 1000));
    }

    [Fact]
    public void PortDataSet_fields_come_from_their_offsets()
    {
        var data = Cat(Clock, Be16(2), [9, 0xFE], Be64(5L << 16), [1, 3, 0xFF, 2, 0x81, 0x12]);
        var p = DataSetDecoder.DecodePortDataSet(ManagementMessage.Parse(Response(0x2004, data)));
        Assert.Equal("b2b9da.fffe.f10647-2", p.PortIdentity.ToString());
        Assert.Equal(PortState.Slave, p.PortState);
        Assert.Equal(-2, p.LogMinDelayReqInterval);
        Assert.Equal(5, p.PeerMeanPathDelayNs);
        Assert.Equal(1, p.LogAnnounceInterval);
        Assert.Equal(3, p.AnnounceReceiptTimeout);
        Assert.Equal(-1, p.LogSyncInterval);
        Assert.Equal(DelayMechanism.P2P, p.DelayMechanism);
        Assert.Equal(-127, p.LogMinPdelayReqInterval);
        Assert.Equal(0x12, p.VersionNumber);
    }

    [Fact]
    public void ParentDataSet_fields_come_from_their_offsets()
    {
        var data = Cat(Gm, Be16(1), [1, 0], Be16(0xABCD), Be32(-5), [100, 6, 0x21], Be16(0x4E5D), [127], Clock);
        var p = DataSetDecoder.DecodeParentDataSet(ManagementMessage.Parse(Response(0x2002, data)));
        Assert.Equal("22be42.fffe.27351d-1", p.ParentPortIdentity.ToString());
        Assert.True(p.ParentStats);
        Assert.Equal(0xABCD, p.ObservedParentOffsetScaledLogVariance);
        Assert.Equal(-5, p.ObservedParentClockPhaseChangeRate);
        Assert.Equal(100, p.GrandmasterPriority1);
        Assert.Equal(new ClockQuality(6, 0x21, 0x4E5D), p.GrandmasterClockQuality);
        Assert.Equal(127, p.GrandmasterPriority2);
        Assert.Equal("b2b9da.fffe.f10647", p.GrandmasterIdentity.ToString());
    }

    [Fact]
    public void DefaultDataSet_fields_and_flags()
    {
        var data = Cat([0x03, 0], Be16(4), [90, 248, 0xFE], Be16(0xFFFF), [129], Clock, [44, 0]);
        var d = DataSetDecoder.DecodeDefaultDataSet(ManagementMessage.Parse(Response(0x2000, data)));
        Assert.True(d.TwoStepFlag);
        Assert.True(d.SlaveOnly);
        Assert.Equal(4, d.NumberPorts);
        Assert.Equal(90, d.Priority1);
        Assert.Equal(new ClockQuality(248, 0xFE, 0xFFFF), d.ClockQuality);
        Assert.Equal(129, d.Priority2);
        Assert.Equal("b2b9da.fffe.f10647", d.ClockIdentity.ToString());
        Assert.Equal(44, d.DomainNumber);
    }

    [Theory]
    [InlineData(0x00, false, false, false)]
    [InlineData(0x0C, true, true, false)]   // currentUtcOffsetValid | ptpTimescale
    [InlineData(0x08, true, false, false)]  // ptpTimescale only
    [InlineData(0x31, false, false, true)]  // leap61 | timeTraceable | frequencyTraceable
    public void TimePropertiesDataSet_flags(byte flags, bool ptpTimescale, bool utcValid, bool leap61)
    {
        var data = Cat(Be16(37), [flags, 0x20]);
        var t = DataSetDecoder.DecodeTimePropertiesDataSet(ManagementMessage.Parse(Response(0x2003, data)));
        Assert.Equal(37, t.CurrentUtcOffset);
        Assert.Equal(ptpTimescale, t.PtpTimescale);
        Assert.Equal(utcValid, t.CurrentUtcOffsetValid);
        Assert.Equal(leap61, t.Leap61);
        Assert.Equal((flags & 0x10) != 0, t.TimeTraceable);
        Assert.Equal((flags & 0x20) != 0, t.FrequencyTraceable);
        Assert.Equal(0x20, t.TimeSource);
    }

    [Fact]
    public void TimePropertiesDataSet_currentUtcOffset_is_signed()
    {
        var t = DataSetDecoder.DecodeTimePropertiesDataSet(ManagementMessage.Parse(Response(0x2003, Cat(Be16(0xFFFE), [0, 0xA0]))));
        Assert.Equal(-2, t.CurrentUtcOffset);
    }

    [Fact]
    public void TimeStatusNp_fields_come_from_their_offsets()
    {
        var data = Cat(Be64(-1234), Be64(1_795_313_904_429_206_347), Be32(-7), Be32(9), Be16(5),
            Be16(1), Be64(2), Be16(3), Be32(1), Gm);
        Assert.Equal(DataSetSizes.TimeStatusNp, data.Length);
        var t = DataSetDecoder.DecodeTimeStatusNp(ManagementMessage.Parse(Response(0xC000, data)));
        Assert.Equal(-1234, t.MasterOffsetNs);
        Assert.Equal(1_795_313_904_429_206_347, t.IngressTimeNs);
        Assert.Equal(-7, t.CumulativeScaledRateOffset);
        Assert.Equal(9, t.ScaledLastGmPhaseChange);
        Assert.Equal(5, t.GmTimeBaseIndicator);
        Assert.Equal(new ScaledNs(1, 2, 3), t.LastGmPhaseChange);
        Assert.True(t.GmPresent);
        Assert.Equal("22be42.fffe.27351d", t.GmIdentity.ToString());
    }

    [Fact]
    public void PortPropertiesNp_reads_the_interface_text()
    {
        var data = Cat(Clock, Be16(1), [6, 1, 5], "enp1s"u8.ToArray(), [0]); // odd length padded to even
        var p = DataSetDecoder.DecodePortPropertiesNp(ManagementMessage.Parse(Response(0xC004, data)));
        Assert.Equal("b2b9da.fffe.f10647-1", p.PortIdentity.ToString());
        Assert.Equal(PortState.Master, p.PortState);
        Assert.Equal(TimestampingMode.Hardware, p.Timestamping);
        Assert.Equal("enp1s", p.Interface);
    }

    [Fact]
    public void Padding_after_a_data_set_is_accepted()
    {
        var data = Cat(Be16(37), [0x08, 0xA0], new byte[6]);
        var t = DataSetDecoder.DecodeTimePropertiesDataSet(ManagementMessage.Parse(Response(0x2003, data)));
        Assert.True(t.PtpTimescale);
    }

    [Fact]
    public void Error_status_TLV_throws_naming_the_error_id()
    {
        var m = ManagementMessage.Parse(ErrorStatus(0x0004, 0x2004, "no such port"));
        Assert.Equal(new ManagementErrorStatus(ManagementErrorId.WrongValue, ManagementId.PortDataSet, "no such port"), m.ErrorStatus);
        var e = Assert.Throws<PtpManagementErrorException>(() => DataSetDecoder.DecodePortDataSet(m));
        Assert.Equal(ManagementErrorId.WrongValue, e.ErrorId);
        Assert.Equal(ManagementId.PortDataSet, e.ManagementId);
        Assert.Contains("WRONG_VALUE", e.Message);
        Assert.Contains("PORT_DATA_SET", e.Message);
        Assert.Contains("no such port", e.Message);
    }

    [Fact]
    public void Error_status_without_display_data()
    {
        var m = ManagementMessage.Parse(ErrorStatus(0x0006, 0xC000));
        var e = Assert.Throws<PtpManagementErrorException>(() => DataSetDecoder.DecodeTimeStatusNp(m));
        Assert.Equal(ManagementErrorId.NotSupported, e.ErrorId);
        Assert.Equal("", e.DisplayData);
        Assert.Contains("NOT_SUPPORTED", e.Message);
    }

    [Fact]
    public void A_short_data_set_names_the_missing_field()
    {
        var m = ManagementMessage.Parse(Response(0x2001, Cat(Be16(1), Be64(0), new byte[4])));
        var e = Assert.Throws<PtpMessageFormatException>(() => DataSetDecoder.DecodeCurrentDataSet(m));
        Assert.Equal("meanPathDelay", e.Field);
        Assert.Contains("CURRENT_DATA_SET", e.Message);
    }

    [Fact]
    public void Empty_response_data_set_is_a_format_error_not_a_crash()
    {
        var m = ManagementMessage.Parse(Response(0x2000, []));
        Assert.Throws<PtpMessageFormatException>(() => DataSetDecoder.DecodeDefaultDataSet(m));
    }

    [Fact]
    public void Decoding_the_wrong_data_set_is_a_format_error()
    {
        var m = ManagementMessage.Parse(Response(0x2001, new byte[18]));
        var e = Assert.Throws<PtpMessageFormatException>(() => DataSetDecoder.DecodeParentDataSet(m));
        Assert.Contains("CURRENT_DATA_SET", e.Message);
    }

    [Fact]
    public void A_GET_echoed_back_is_not_a_response()
    {
        var m = ManagementMessage.Parse(Response(0x2001, new byte[18], action: 0));
        var e = Assert.Throws<PtpMessageFormatException>(() => DataSetDecoder.DecodeCurrentDataSet(m));
        Assert.Equal("actionField", e.Field);
    }

    public static TheoryData<string, byte[]> Malformed()
    {
        var ok = Response(0x2001, new byte[18]);
        byte[] Mut(Action<byte[]> f) { var b = (byte[])ok.Clone(); f(b); return b; }
        return new TheoryData<string, byte[]>
        {
            { "transportSpecific|messageType", [] },
            { "sequenceId", ok[..30] },
            { "messageType", Mut(b => b[0] = 0x0B) },                    // Announce
            { "versionPTP", Mut(b => b[1] = 0x01) },
            { "messageLength", Mut(b => { b[2] = 0x01; b[3] = 0x00; }) },  // 256 > datagram
            { "messageLength", Mut(b => { b[2] = 0; b[3] = 40; }) },       // shorter than a management message
            { "lengthField", Mut(b => { b[50] = 0; b[51] = 200; }) },      // TLV beyond messageLength
            { "managementId", Mut(b => { b[50] = 0; b[51] = 1; }) },       // TLV too short for its managementId
            { "tlvType", Mut(b => { b[48] = 0; b[49] = 3; }) },            // ORGANIZATION_EXTENSION first
            { "reserved", ErrorStatus(4, 0x2004)[..58].Also(b => { b[2] = 0; b[3] = 58; b[51] = 6; }) },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_messages_are_format_errors_naming_the_field(string field, byte[] bytes)
    {
        var e = Assert.Throws<PtpMessageFormatException>(() => ManagementMessage.Parse(bytes));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Bytes_after_messageLength_are_ignored()
    {
        var bytes = Cat(Response(0x2003, Cat(Be16(37), [0, 0xA0])), [0xDE, 0xAD]);
        Assert.Equal(37, DataSetDecoder.DecodeTimePropertiesDataSet(ManagementMessage.Parse(bytes)).CurrentUtcOffset);
    }
}

internal static class ArrayExtensions
{
    public static byte[] Also(this byte[] b, Action<byte[]> f) { f(b); return b; }
}
