using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Tests.CameraPtp;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>A start that fails keeps its reason, and what also failed while cleaning up goes with it.</summary>
[Collection("Takes")]
public sealed class FailedStartTests
{
    /// <summary>A camera that cannot be configured and whose Dispose throws as well.</summary>
    private sealed class BrokenCamera : ICamera
    {
        public CameraInfo Info => new("Test", "broken", "Vendor", "Model", "SN1", "", 64, 64, PixelFormat.Mono8);
        public IFeatureMap Features { get; } = new DictionaryFeatureMap();
        public int FrameBytes => 64 * 64;
        public (double ExposureUs, long BusyNs) TriggerTiming => (1000, 3_000_000);
        public void ConfigureSoftwareTrigger(double? exposureUs) => throw new CameraException("broken", "Camera 'broken' refused TriggerMode.");
        public void StartAcquisition(IFrameTarget target) => throw new CameraException("broken", "not streamable");
        public void Trigger(long frameIndex) { }
        public void StopAcquisition() { }
        public void Dispose() => throw new InvalidOperationException("the handle was already gone");
    }

    [Fact]
    public void A_failed_clean_up_goes_with_the_start_error_and_does_not_replace_it()
    {
        using var dir = new TempDirectory();
        var schedule = SimulatedTakeTests.ScheduleSoon(10, 0.5, leadSeconds: 1.0);
        var e = Assert.Throws<CameraException>(() => CaptureSession.Start(new ICamera[] { new BrokenCamera() },
            new CaptureOptions { Schedule = schedule, Path = dir.Combine("take") }));
        Assert.Contains("refused TriggerMode", e.Message);
        var cleanup = Assert.IsType<string>(e.Data[CaptureSession.CleanupFailuresKey]);
        Assert.Contains("the handle was already gone", cleanup);
    }

    [Fact]
    public void A_clean_up_that_succeeds_adds_nothing_to_the_start_error()
    {
        using var dir = new TempDirectory();
        var schedule = SimulatedTakeTests.ScheduleSoon(10, 0.5, leadSeconds: 1.0);
        var e = Assert.ThrowsAny<PsCamSyncException>(() => CaptureSession.Start(SimulatedTakeTests.OpenSimulated(1),
            new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), ExposureUs = 1e9 }));
        Assert.Null(e.Data[CaptureSession.CleanupFailuresKey]);
    }
}
