namespace PsCamSync.Core.Tests.Ptp;

/// <summary>
/// Answers of a real ptp4l 3.1.1 (Debian 3.1.1-4) in domain 23 with software timestamping on a veth pair, captured
/// with strace from <c>pmc -u -b 0 -d 23 'GET ...'</c>: a grandmaster (22be42.fffe.27351d, priority1 100) and a slave
/// (b2b9da.fffe.f10647, priority1 200) in SLAVE. What pmc printed for these same datagrams is what
/// <see cref="CapturedResponseTests"/> expect.
/// </summary>
internal static class CapturedResponses
{
    public static readonly byte[] GrandmasterPortDataSet = Convert.FromHexString(
        "0d0200501700000000000000000000000000000022be42fffe27351d00010000047f000000000000000034b1000002000001001c200422be42fffe27351d000106000000000000000000010300010002");
    public static readonly byte[] GrandmasterTimeStatusNp = Convert.FromHexString(
        "0d0200681700000000000000000000000000000022be42fffe27351d00000001047f000000000000000034b10000020000010034c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000022be42fffe27351d");
    public static readonly byte[] GrandmasterCurrentDataSet = Convert.FromHexString(
        "0d0200481700000000000000000000000000000022be42fffe27351d00000002047f000000000000000034b100000200000100142001000000000000000000000000000000000000");
    public static readonly byte[] GrandmasterParentDataSet = Convert.FromHexString(
        "0d0200561700000000000000000000000000000022be42fffe27351d00000003047f000000000000000034b10000020000010022200222be42fffe27351d00000000ffff7fffffff64f8feffff8022be42fffe27351d");
    public static readonly byte[] GrandmasterTimePropertiesDataSet = Convert.FromHexString(
        "0d02003a1700000000000000000000000000000022be42fffe27351d00000004047f000000000000000034b100000200000100062003002500a0");
    public static readonly byte[] GrandmasterDefaultDataSet = Convert.FromHexString(
        "0d02004a1700000000000000000000000000000022be42fffe27351d00000005047f000000000000000034b1000002000001001620000100000164f8feffff8022be42fffe27351d1700");
    public static readonly byte[] GrandmasterPortPropertiesNp = Convert.FromHexString(
        "0d0200481700000000000000000000000000000022be42fffe27351d00010006047f000000000000000034b10000020000010014c00422be42fffe27351d00010600046574683000");

    public static readonly byte[] SlavePortDataSet = Convert.FromHexString(
        "0d02005017000000000000000000000000000000b2b9dafffef1064700010000047f000000000000000034ba000002000001001c2004b2b9dafffef10647000109000000000000000000010300010002");
    public static readonly byte[] SlaveTimeStatusNp = Convert.FromHexString(
        "0d02006817000000000000000000000000000000b2b9dafffef1064700000001047f000000000000000034ba0000020000010034c000000000000000006218ea3c7bedd28b4b000000000000000000000000000000000000000000000000000122be42fffe27351d");
    public static readonly byte[] SlaveCurrentDataSet = Convert.FromHexString(
        "0d02004817000000000000000000000000000000b2b9dafffef1064700000002047f000000000000000034ba00000200000100142001000100000000006200000000000065d70000");
    public static readonly byte[] SlaveParentDataSet = Convert.FromHexString(
        "0d02005617000000000000000000000000000000b2b9dafffef1064700000003047f000000000000000034ba0000020000010022200222be42fffe27351d00010000ffff7fffffff64f8feffff8022be42fffe27351d");
    public static readonly byte[] SlaveTimePropertiesDataSet = Convert.FromHexString(
        "0d02003a17000000000000000000000000000000b2b9dafffef1064700000004047f000000000000000034ba00000200000100062003002500a0");
    public static readonly byte[] SlaveDefaultDataSet = Convert.FromHexString(
        "0d02004a17000000000000000000000000000000b2b9dafffef1064700000005047f000000000000000034ba0000020000010016200001000001c8f8feffff80b2b9dafffef106471700");
    public static readonly byte[] SlavePortPropertiesNp = Convert.FromHexString(
        "0d02004817000000000000000000000000000000b2b9dafffef1064700010006047f000000000000000034ba0000020000010014c004b2b9dafffef1064700010900046574683000");

    public static IEnumerable<byte[]> All =>
    [
        GrandmasterPortDataSet,
        GrandmasterTimeStatusNp,
        GrandmasterCurrentDataSet,
        GrandmasterParentDataSet,
        GrandmasterTimePropertiesDataSet,
        GrandmasterDefaultDataSet,
        GrandmasterPortPropertiesNp,
        SlavePortDataSet,
        SlaveTimeStatusNp,
        SlaveCurrentDataSet,
        SlaveParentDataSet,
        SlaveTimePropertiesDataSet,
        SlaveDefaultDataSet,
        SlavePortPropertiesNp,
    ];
}
