using PsCamSync.Core.Cameras.Aravis;

namespace PsCamSync.Core.Tests.Aravis;

public sealed class GvspBlockIdUnwrapperTests
{
    private static long[] Run(params ulong[] raw)
    {
        var u = new GvspBlockIdUnwrapper();
        return raw.Select(r => u.Next(r)).ToArray();
    }

    [Fact]
    public void The_first_id_is_kept_and_steps_are_followed()
    {
        Assert.Equal(new long[] { 65401, 65402, 65405 }, Run(65401, 65402, 65405));
    }

    [Fact]
    public void The_16_bit_block_id_wraps_from_65535_to_1_without_a_gap()
    {
        // GigE Vision block ids skip 0, so 65535 -> 1 is one step, and 65534 -> 2 is three (65535, 1, 2).
        Assert.Equal(new long[] { 65534, 65535, 65536, 65537 }, Run(65534, 65535, 1, 2));
        Assert.Equal(new long[] { 65534, 65537 }, Run(65534, 2));
    }

    [Fact]
    public void A_late_frame_steps_back_instead_of_wrapping()
    {
        Assert.Equal(new long[] { 100, 102, 101, 103 }, Run(100, 102, 101, 103));
    }

    [Fact]
    public void Extended_64_bit_ids_pass_through_and_a_reset_continues_by_one()
    {
        Assert.Equal(new long[] { 70_000, 70_001, 70_002, 70_003 }, Run(70_000, 70_001, 70_002, 5));
        Assert.Equal(new long[] { 1L << 40, (1L << 40) + 1 }, Run(1UL << 40, (1UL << 40) + 1));
    }
}
