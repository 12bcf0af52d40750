using System.Buffers.Binary;
using PsCamSync.Core.Ptp;

namespace PsCamSync.Core.Tests.Ptp;

public class EncoderTests
{
    private static readonly PortIdentity Me = new(new ClockIdentity(0), 0x21EC);

    private static ManagementGetRequest Request(ManagementId id, bool padded) =>
        new(id, DomainNumber: 23, SequenceId: 0x0102, Me, new PortIdentity(ClockIdentity.Wildcard, PortIdentity.AllPorts), padded);

    [Fact]
    public void Empty_GET_has_a_two_byte_TLV_and_pmcs_header_fields()
    {
        var b = ManagementRequestEncoder.EncodeGet(Request(ManagementId.CurrentDataSet, padded: false));
        Assert.Equal(54, b.Length);
        Assert.Equal(0x0D, b[0]);
        Assert.Equal(0x02, b[1]);
        Assert.Equal(54, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(2)));
        Assert.Equal(23, b[4]);
        Assert.Equal(0x21EC, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(28)));
        Assert.Equal(0x0102, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(30)));
        Assert.Equal(0x04, b[32]);
        Assert.Equal(0x7F, b[33]);
        Assert.All(b[34..44], x => Assert.Equal(0xFF, x));      // targetPortIdentity wildcard
        Assert.Equal(0, b[44]);                                  // startingBoundaryHops
        Assert.Equal(0, b[45]);                                  // boundaryHops
        Assert.Equal(0, b[46]);                                  // GET
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(48)));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(50)));
        Assert.Equal(0x2001, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(52)));
    }

    [Theory]
    [InlineData(ManagementId.DefaultDataSet, 20)]
    [InlineData(ManagementId.CurrentDataSet, 18)]
    [InlineData(ManagementId.ParentDataSet, 32)]
    [InlineData(ManagementId.TimePropertiesDataSet, 4)]
    [InlineData(ManagementId.TimeStatusNp, 50)]
    [InlineData(ManagementId.PortDataSet, 26)]
    [InlineData(ManagementId.PortPropertiesNp, 0)]
    public void Padded_GET_carries_a_zeroed_data_set_like_pmc(ManagementId id, int dataLength)
    {
        var b = ManagementRequestEncoder.EncodeGet(Request(id, padded: true));
        Assert.Equal(54 + dataLength, b.Length);
        Assert.Equal(b.Length, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(2)));
        Assert.Equal(2 + dataLength, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(50)));
        Assert.All(b[54..], x => Assert.Equal(0, x));
    }

    [Fact]
    public void Padded_GET_is_byte_identical_to_what_pmc_sent()
    {
        // pmc 3.1.1 (pid 0x21ec, domain 23, -b 0) sending GET PORT_DATA_SET, seen with strace.
        var pmc = Convert.FromHexString(
            "0d02005017000000000000000000000000000000000000000000000021ec0000047fffffffffffffffffffff000000000001001c2004" +
            "0000000000000000000000000000000000000000000000000000");
        var ours = ManagementRequestEncoder.EncodeGet(Request(ManagementId.PortDataSet, padded: true) with { SequenceId = 0 });
        Assert.Equal(Convert.ToHexString(pmc), Convert.ToHexString(ours));
    }

    [Fact]
    public void Encoded_GET_parses_back()
    {
        var m = ManagementMessage.Parse(ManagementRequestEncoder.EncodeGet(Request(ManagementId.TimeStatusNp, padded: true)));
        Assert.Equal(ManagementAction.Get, m.Action);
        Assert.Equal(ManagementId.TimeStatusNp, m.ManagementId);
        Assert.Equal(0x0102, m.Header.SequenceId);
        Assert.Equal(Me, m.Header.SourcePortIdentity);
        Assert.Equal(50, m.Data.Length);
    }

    [Fact]
    public void Too_small_a_buffer_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ManagementRequestEncoder.EncodeGet(new byte[53], Request(ManagementId.CurrentDataSet, false)));
    }
}
