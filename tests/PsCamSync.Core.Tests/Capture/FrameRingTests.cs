using PsCamSync.Core.Capture;

namespace PsCamSync.Core.Tests.Capture;

public class FrameRingTests
{
    [Fact]
    public void Ring_HandsOutEachBufferOnce_UntilReturned()
    {
        var ring = new FrameRing(3, 100);
        var a = ring.TryRent();
        var b = ring.TryRent();
        var c = ring.TryRent();
        Assert.NotNull(a); Assert.NotNull(b); Assert.NotNull(c);
        Assert.Null(ring.TryRent()); // full: the receive path must report a drop
        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
        ring.Publish(a!);
        ring.Publish(b!);
        Assert.Equal(2, ring.Backlog);
        Assert.True(ring.TryTake(out var first));
        Assert.Same(a, first);
        ring.Return(first);
        var again = ring.TryRent();
        Assert.Same(a, again);
        Assert.Equal(-1, again!.FrameIndex);
        Assert.Equal(300, ring.TotalBytes);
    }

    [Fact]
    public void Depth_FromMemoryBudget_IsEqualForEveryCamera()
    {
        int frame = 1920 * 1200;
        Assert.Equal(116, FrameRing.DepthFor(new[] { frame, frame }, 512L << 20, 2, 120));
        Assert.Equal(240, FrameRing.DepthFor(new[] { frame, frame }, null, 2, 120));
        Assert.Equal(2, FrameRing.DepthFor(new[] { 100 }, null, 0.001, 1));
    }

    [Fact]
    public void Depth_BudgetBelowTwoFrames_NamesBufferMemory()
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => FrameRing.DepthFor(new[] { 1_000_000, 1_000_000 }, 3_000_000, 2, 60));
        Assert.Equal("BufferMemory", e.ParameterName);
        Assert.Contains("4000000", e.Message);
    }
}
