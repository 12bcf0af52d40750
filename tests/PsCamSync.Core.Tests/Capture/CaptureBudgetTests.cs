using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>The verdict arithmetic of <see cref="CaptureBudget"/>, with given measurements (no I/O but the plan's folder).</summary>
public class CaptureBudgetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CaptureBudgetCamera Camera(int k, int width = 1000, int height = 1000, string backend = "", string address = "") =>
        new($"cam-{k}", backend, address, width, height, PixelFormat.Mono8);

    private CaptureBudgetPlan Plan(int cameras, double hz, double seconds, VideoEncoder encoder = VideoEncoder.Y4M, long? buffer = null,
        int width = 1000, int height = 1000) =>
        new(Enumerable.Range(0, cameras).Select(k => Camera(k, width, height)).ToList(), hz, TimeSpan.FromSeconds(seconds), encoder, _dir.Path, buffer);

    /// <summary>Plenty of everything, in the units the rows use.</summary>
    private static CaptureBudgetMeasurements Plenty() => new()
    {
        DiskWriteBytesPerSecond = 1e9,
        FreeBytes = 1_000_000_000_000,
        MaxRingBytes = 10_000_000_000,
        EncoderBytesPerSecond = 1e9,
        EncodedBytesPerFrame = 250_000,
    };

    private static CaptureBudgetRow Row(CaptureBudgetResult r, CaptureBudgetResource resource) => r.Rows.Single(x => x.Resource == resource);

    [Fact]
    public void PlanWithHeadroomEverywhere_Fits_WithNoFix()
    {
        var r = CaptureBudget.Evaluate(Plan(1, 30, 10), Plenty(), "host-a");
        Assert.Equal(CaptureBudgetVerdict.Fits, r.Verdict);
        Assert.Equal("None needed.", r.Fix);
        Assert.Equal("host-a", r.Host);
        Assert.Equal(_dir.Path, r.Path);
        Assert.True(r.IsFit);
        // Y4M writes each 1 MB frame plus its 6-byte FRAME marker, 30 times a second.
        var disk = Row(r, CaptureBudgetResource.Disk);
        Assert.Equal(30 * (1_000_000 + 6), disk.Required, 6);
        Assert.Equal(100 * (1e9 - disk.Required) / 1e9, disk.HeadroomPercent!.Value, 6);
        Assert.Equal(300 * (1_000_000.0 + 6), Row(r, CaptureBudgetResource.DiskSpace).Required, 6);
        Assert.DoesNotContain(r.Rows, x => x.Resource == CaptureBudgetResource.Encoder); // Y4M has no encoder process
        // The bottleneck of a plan that fits is its tightest resource: the disk at 97% headroom here.
        Assert.Equal(CaptureBudgetResource.Disk, r.Bottleneck);
    }

    [Fact]
    public void RingsAreSizedAsTheTakeSizesThem()
    {
        var byTime = Plan(3, 50, 10);
        Assert.Equal(FrameRing.DepthFor(new[] { 1_000_000, 1_000_000, 1_000_000 }, null, CaptureOptions.DefaultBufferSeconds, 50), byTime.RingFrames);
        Assert.Equal(100, byTime.RingFrames);
        Assert.Equal(100L * 3_000_000, byTime.RingBytes);
        var given = Plan(3, 50, 10, buffer: 30_000_000);
        Assert.Equal(10, given.RingFrames);
        Assert.Equal(500, given.FrameCount);
    }

    [Fact]
    public void DiskUnderTwentyPercentHeadroom_IsTight_AndNamesTheDisk()
    {
        // 1 camera × 1 MB × 100 Hz = 100.0006 MB/s against 110 MB/s: 9% headroom.
        var r = CaptureBudget.Evaluate(Plan(1, 100, 10), Plenty() with { DiskWriteBytesPerSecond = 110e6 }, "h");
        Assert.Equal(CaptureBudgetVerdict.Tight, r.Verdict);
        Assert.Equal(CaptureBudgetResource.Disk, r.Bottleneck);
        Assert.Equal(CaptureBudgetVerdict.Tight, Row(r, CaptureBudgetResource.Disk).Verdict);
        // 100 Hz × 110/100.0006 × 0.8 = 87.99 Hz: the rate with 20% headroom.
        Assert.Contains("-FrameRate to 87 Hz", r.Fix);
        Assert.True(r.IsFit);
    }

    [Fact]
    public void EncoderDeficitThatTheRingsHold_IsTight_AndSaysNoFrameIsLost()
    {
        // 100 frames/s arrive, the encoder takes 90 (ρ = 0.9): 10 frames/s pile up, 50 in 5 s; the rings hold 200 (2 s).
        var plan = Plan(1, 100, 5, VideoEncoder.Ffv1);
        var r = CaptureBudget.Evaluate(plan, Plenty() with { EncoderBytesPerSecond = 90e6 }, "h");
        var enc = Row(r, CaptureBudgetResource.Encoder);
        Assert.Equal(CaptureBudgetVerdict.Tight, enc.Verdict);
        Assert.Equal(-100.0 / 9, enc.HeadroomPercent!.Value, 6);
        Assert.Contains("no frame lost", enc.Note);
        Assert.Equal(CaptureBudgetVerdict.Tight, r.Verdict);
        Assert.Equal(CaptureBudgetResource.Encoder, r.Bottleneck);
    }

    [Fact]
    public void EncoderDeficitThatOverflowsTheRings_DoesNotFit_AndTheFixIsComputed()
    {
        // Same deficit, but -BufferMemory holds 20 frames: full after 2 s of the 5 s take.
        var plan = Plan(1, 100, 5, VideoEncoder.Ffv1, buffer: 20_000_000);
        var r = CaptureBudget.Evaluate(plan, Plenty() with { EncoderBytesPerSecond = 90e6 }, "h");
        Assert.Equal(CaptureBudgetVerdict.DoesNotFit, r.Verdict);
        Assert.Equal(CaptureBudgetResource.Encoder, r.Bottleneck);
        Assert.False(r.IsFit);
        Assert.Contains("full after 2 s", Row(r, CaptureBudgetResource.Encoder).Note);
        // Lower rate: 100 × 0.9 × 0.8 = 72 Hz. Buffer: (50 + 2) frames × 1 MB / 0.8 = 65 MB. Y4M: 100 MB/s raw ≤ 0.8 × 1 GB/s.
        Assert.Contains("-FrameRate to 72 Hz", r.Fix);
        Assert.Contains("-BufferMemory 65MB", r.Fix);
        Assert.Contains("-Encoder Y4M", r.Fix);
    }

    [Fact]
    public void TooLittleFreeSpace_DoesNotFit_AndSuggestsAShorterTake()
    {
        // 10 s × 30 Hz × 1 MB = 300 MB against 100 MB free.
        var r = CaptureBudget.Evaluate(Plan(1, 30, 10), Plenty() with { FreeBytes = 100_000_000 }, "h");
        Assert.Equal(CaptureBudgetVerdict.DoesNotFit, r.Verdict);
        Assert.Equal(CaptureBudgetResource.DiskSpace, r.Bottleneck);
        // 100 MB × 0.8 / 30.00018 MB/s = 2.67 s.
        Assert.Contains("-Duration to 2 s", r.Fix);
    }

    [Fact]
    public void EncodedSizeSetsTheDiskRowsOfFfmpegEncoders()
    {
        var r = CaptureBudget.Evaluate(Plan(2, 50, 4, VideoEncoder.Libx264), Plenty(), "h");
        Assert.Equal(2 * 250_000.0 * 50, Row(r, CaptureBudgetResource.Disk).Required, 6);
        Assert.Equal(2 * 250_000.0 * 200, Row(r, CaptureBudgetResource.DiskSpace).Required, 6);
        var unknown = CaptureBudget.Evaluate(Plan(2, 50, 4, VideoEncoder.Libx264), Plenty() with { EncodedBytesPerFrame = null }, "h");
        Assert.Equal(2 * 1_000_000.0 * 50, Row(unknown, CaptureBudgetResource.Disk).Required, 6); // raw size as the upper bound
    }

    [Fact]
    public void RingsLargerThanTheRamAllows_DoNotFit()
    {
        var r = CaptureBudget.Evaluate(Plan(4, 100, 10), Plenty() with { MaxRingBytes = 500_000_000 }, "h");
        Assert.Equal(800_000_000, Row(r, CaptureBudgetResource.Memory).Required, 6);
        Assert.Equal(CaptureBudgetVerdict.DoesNotFit, r.Verdict);
        Assert.Equal(CaptureBudgetResource.Memory, r.Bottleneck);
        Assert.Contains("-BufferMemory 400MB", r.Fix);
    }

    [Fact]
    public void GigELinkTooSlow_DoesNotFit_OneRowPerLink()
    {
        var cams = new[] { Camera(0, 1920, 1200, "Aravis", "192.168.1.10"), Camera(1, 1920, 1200, "Aravis", "192.168.1.11") };
        var plan = new CaptureBudgetPlan(cams, 60, TimeSpan.FromSeconds(5), VideoEncoder.Y4M, _dir.Path, null);
        var links = cams.Select(c => new CameraLink(c.Id, "eth1", 125e6, "test: 1000 Mb/s")).ToList();
        var r = CaptureBudget.Evaluate(plan, Plenty() with { Links = links }, "h");
        var link = Row(r, CaptureBudgetResource.Link);
        Assert.Equal("eth1", link.Target);
        Assert.Equal(2 * 1920 * 1200 * 60.0, link.Required, 6);
        Assert.Equal(CaptureBudgetVerdict.DoesNotFit, r.Verdict);
        Assert.Equal(CaptureBudgetResource.Link, r.Bottleneck);
        // 60 × 125e6 / 276.48e6 × 0.8 = 21.7 Hz.
        Assert.Contains("-FrameRate to 21 Hz", r.Fix);
    }

    [Fact]
    public void SimulatedCameras_HaveALinkRowThatSaysThereIsNoLink()
    {
        var cams = new[] { Camera(0, backend: "Simulated") };
        var r = CaptureBudget.Evaluate(new CaptureBudgetPlan(cams, 30, TimeSpan.FromSeconds(1), VideoEncoder.Y4M, _dir.Path, null), Plenty(), "h");
        var link = Row(r, CaptureBudgetResource.Link);
        Assert.Null(link.Available);
        Assert.Null(link.HeadroomPercent);
        Assert.Contains("simulated", link.Note);
        Assert.Equal(CaptureBudgetVerdict.Fits, r.Verdict);
    }

    [Fact]
    public void EncoderThatCannotRun_DoesNotFit_WithItsMessage()
    {
        var r = CaptureBudget.Evaluate(Plan(1, 30, 2, VideoEncoder.HevcNvenc), Plenty() with { EncoderBytesPerSecond = null, EncoderError = "no NVIDIA GPU" }, "h");
        Assert.Equal(CaptureBudgetVerdict.DoesNotFit, r.Verdict);
        Assert.Equal(CaptureBudgetResource.Encoder, r.Bottleneck);
        Assert.Contains("no NVIDIA GPU", Row(r, CaptureBudgetResource.Encoder).Note);
    }

    [Fact]
    public void UnmeasuredThroughput_IsShownButDoesNotDecide()
    {
        var r = CaptureBudget.Evaluate(Plan(1, 30, 2, VideoEncoder.Ffv1), Plenty() with { DiskWriteBytesPerSecond = null, EncoderBytesPerSecond = null }, "h");
        Assert.Null(Row(r, CaptureBudgetResource.Disk).Available);
        Assert.Contains("not counted", Row(r, CaptureBudgetResource.Encoder).Note);
        Assert.Equal(CaptureBudgetVerdict.Fits, r.Verdict);
    }

    [Theory]
    [InlineData(0, 1, "FrameRate")]
    [InlineData(30, 0, "Duration")]
    public void BadRateOrDuration_NamesTheParameter(double hz, double seconds, string parameter)
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => CaptureBudget.Evaluate(Plan(1, hz, seconds), Plenty(), "h"));
        Assert.Equal(parameter, e.ParameterName);
    }

    [Fact]
    public void BadSizePathOrBuffer_NamesTheParameter()
    {
        Assert.Equal("Width", Assert.Throws<InvalidCaptureArgumentException>(() => Plan(1, 30, 1, width: 0).Validate()).ParameterName);
        Assert.Equal("Height", Assert.Throws<InvalidCaptureArgumentException>(() => Plan(1, 30, 1, height: -1).Validate()).ParameterName);
        Assert.Equal("CameraId", Assert.Throws<InvalidCaptureArgumentException>(() => Plan(0, 30, 1).Validate()).ParameterName);
        Assert.Equal("BufferMemory", Assert.Throws<InvalidCaptureArgumentException>(() => Plan(1, 30, 1, buffer: 1000).Validate()).ParameterName);
        var nowhere = new CaptureBudgetPlan(new[] { Camera(0) }, 30, TimeSpan.FromSeconds(1), VideoEncoder.Y4M, _dir.Combine("no/such/folder"), null);
        Assert.Equal("Path", Assert.Throws<InvalidCaptureArgumentException>(nowhere.Validate).ParameterName);
    }
}
