using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.IC4;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.IC4;

/// <summary>
/// Frames through IC4's queue sink: device frame numbers and timestamps from IC4_FRAME_METADATA, pixels, host receive
/// times, frames IC4 drops (incomplete), a full ring, pop failures reported as faults, and free-running acquisition.
/// </summary>
[Collection("Takes")]
public sealed class Ic4StreamTests
{
    private static (Ic4Camera Camera, Ic4Target Target) Start(Ic4Backend backend, string serial, int buffers = 8, bool rentNothing = false)
    {
        var camera = (Ic4Camera)backend.Open(serial);
        camera.ConfigureSoftwareTrigger(1000);
        var target = new Ic4Target(camera.FrameBytes, buffers, rentNothing);
        camera.StartAcquisition(target);
        return (camera, target);
    }

    /// <summary>Triggers <paramref name="count"/> times, 10 ms apart (the stand-in is busy 1 ms + 3 ms per frame).</summary>
    private static List<long> TriggerEvery10Ms(ICamera camera, int count)
    {
        var sent = new List<long>();
        for (int i = 0; i < count; i++)
        {
            sent.Add(SharedTimeline.NowNs());
            camera.Trigger(i);
            Thread.Sleep(10);
        }
        return sent;
    }

    [Fact]
    public void SoftwareTriggers_GiveOneFramePerTrigger_WithIc4sFrameNumberTimestampAndPixels()
    {
        var backend = Ic4StandIn.Backend(2);
        var (camera, target) = Start(backend, "41000002");
        using (camera)
        {
            var sent = TriggerEvery10Ms(camera, 20);
            Assert.True(target.WaitFor(20), $"{target.Count} of 20 frames arrived");
            camera.StopAcquisition();
            Assert.Empty(target.Faults);
            Assert.Equal(20, target.Frames.Count);
            for (int i = 0; i < 20; i++)
            {
                var f = target.Frames[i];
                Assert.Equal(-1, f.FrameIndex);
                Assert.Equal(i + 1, f.DeviceFrameId); // device_frame_number
                Assert.Equal((1, (long)(i + 1)), (f.Camera, f.PixelFrameNumber)); // pixels name camera index 1 and the frame
                Assert.Equal((64, 48, PixelFormat.Mono8, 64 * 48, 64L * 48, false), (f.Width, f.Height, f.Format, f.Length, f.ReceivedBytes, f.Incomplete));
                // device_timestamp_ns: the stand-in's clock (CLOCK_REALTIME + 2 µs) at the trigger + 10 µs
                Assert.InRange(f.DeviceTimestampNs - sent[i], 0, 9_000_000);
                // received after exposure (1 ms) and readout (3 ms)
                Assert.InRange(f.HostReceiveNs - f.DeviceTimestampNs, 4_000_000 - 100_000, 1_000_000_000);
            }
            Assert.Equal(20, camera.StreamCounters.Delivered);
        }
        Ic4StandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void ATriggerWhileTheCameraIsBusy_IsIgnored_AndTriggerDoesNotWaitForTheFrame()
    {
        var backend = Ic4StandIn.Backend(1);
        var (camera, target) = Start(backend, "41000001");
        using (camera)
        {
            long ignoredBefore = Ic4StandIn.Counter("ignored");
            camera.Trigger(0);
            camera.Trigger(1); // within the 4 ms busy time: ignored, as a sensor would
            Assert.True(target.WaitFor(1));
            Thread.Sleep(50);
            camera.StopAcquisition();
            Assert.Single(target.Frames);
            Assert.Equal(1, Ic4StandIn.Counter("ignored") - ignoredBefore);
        }
    }

    [Fact]
    public void IncompleteFrames_AreDroppedByIc4_AndShowAsGapsInTheFrameNumber()
    {
        var backend = Ic4StandIn.Backend(1);
        Ic4StandIn.SetIncompleteEvery(4);
        var (camera, target) = Start(backend, "41000001");
        using (camera)
        {
            TriggerEvery10Ms(camera, 12);
            Assert.True(target.WaitFor(9), $"{target.Count} of 9 frames arrived");
            Thread.Sleep(50);
            camera.StopAcquisition();
        }
        Ic4StandIn.SetIncompleteEvery(0);
        // IC4 never delivers a frame with missing data: frames 4, 8 and 12 never reach the sink.
        Assert.Equal(new long[] { 1, 2, 3, 5, 6, 7, 9, 10, 11 }, target.Frames.Select(f => f.DeviceFrameId));
        Assert.All(target.Frames, f => Assert.False(f.Incomplete));
        Assert.Equal(3, Ic4StandIn.Counter("incomplete"));
        Ic4StandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void AFullRing_ReportsTheFrameDropped_WithItsTimes_AndReQueuesTheImage()
    {
        var backend = Ic4StandIn.Backend(1);
        var (camera, target) = Start(backend, "41000001", rentNothing: true);
        using (camera)
        {
            TriggerEvery10Ms(camera, 12); // more than the sink's 8 buffers: each image must have gone back to the sink
            Assert.True(target.WaitFor(12), $"{target.Count} of 12 frames arrived");
            camera.StopAcquisition();
        }
        Assert.Equal(12, target.Dropped.Count);
        Assert.All(target.Dropped, d => Assert.Equal(-1, d.Index));
        Assert.All(target.Dropped, d => Assert.InRange(d.HostNs - d.DeviceNs, 0, 1_000_000_000));
        Assert.Equal(0, Ic4StandIn.Counter("underrun"));
        Ic4StandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void APopThatFails_IsReportedAsAFault_NotSwallowed_AndStreamingGoesOn()
    {
        var backend = Ic4StandIn.Backend(1);
        var (camera, target) = Start(backend, "41000001");
        using (camera)
        {
            Ic4StandIn.Fail("ic4_imagebuffer_get_metadata", 2);
            TriggerEvery10Ms(camera, 3);
            Assert.True(target.WaitFor(2), $"{target.Count} of 2 frames arrived");
            Thread.Sleep(50);
            camera.StopAcquisition();
        }
        var fault = Assert.Single(target.Faults);
        Assert.Contains("receiving a frame failed: ic4_imagebuffer_get_metadata failed: IC4_ERROR_INTERNAL (2)", fault.Message);
        Assert.Equal("IC4_ERROR_INTERNAL", Assert.IsType<Ic4Exception>(fault.Error).ErrorName);
        Assert.Equal(new long[] { 2, 3 }, target.Frames.Select(f => f.DeviceFrameId));
        Ic4StandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void AnEmptyQueue_IsNoData_ForPop()
    {
        var backend = Ic4StandIn.Backend(1);
        var (camera, target) = Start(backend, "41000001");
        using (camera)
        {
            Assert.Empty(target.Frames);
            Assert.Empty(target.Faults); // the receive thread met IC4_ERROR_NO_DATA on every look and said nothing
            camera.StopAcquisition();
        }
    }

    [Fact]
    public void AStreamThatCannotBeSetUp_IsACameraException_AndLeavesNothingAlive()
    {
        var backend = Ic4StandIn.Backend(1);
        using var camera = backend.Open("41000001");
        var target = new Ic4Target(camera.FrameBytes);
        Ic4StandIn.Fail("ic4_grabber_stream_setup", 41);
        var e = Assert.Throws<CameraException>(() => camera.StartAcquisition(target));
        Assert.Equal("IC4_ERROR_SINK_CONNECT_ABORTED", Assert.IsType<Ic4Exception>(e.InnerException).ErrorName);
        Ic4StandIn.AssertNoLiveHandles(openCameras: 1);
        Ic4StandIn.Fail("ic4_grabber_acquisition_start", 17);
        e = Assert.Throws<CameraException>(() => camera.StartAcquisition(target));
        Assert.Contains("AcquisitionStart failed: ic4_grabber_acquisition_start failed: IC4_ERROR_DEVICE_ERROR", e.Message);
        Ic4StandIn.AssertNoLiveHandles(openCameras: 1);
        camera.StartAcquisition(target); // both faults were one call each
        Assert.Throws<CameraException>(() => camera.StartAcquisition(target));
        camera.StopAcquisition();
        Ic4StandIn.AssertNoLiveHandles(openCameras: 1);
    }

    [Fact]
    public void TriggerModeOff_FreeRunsAtAcquisitionFrameRate()
    {
        var backend = Ic4StandIn.Backend(1);
        using var camera = backend.Open("41000001");
        camera.Features.SetFloat("ExposureTime", 1000);
        camera.Features.SetFloat("AcquisitionFrameRate", 100);
        var target = new Ic4Target(camera.FrameBytes);
        camera.StartAcquisition(target);
        Assert.True(target.WaitFor(10), $"{target.Count} of 10 frames arrived");
        camera.StopAcquisition();
        var ts = target.Frames.Select(f => f.DeviceTimestampNs).ToList();
        Assert.All(ts.Zip(ts.Skip(1)), p => Assert.Equal(10_000_000, p.Second - p.First)); // the 100 Hz grid, exactly
    }
}
