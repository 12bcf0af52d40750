using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Simulated;

/// <summary>
/// Free run (TriggerMode Off). The device starts exposures on the grid <c>start + n × period</c> whatever the delivery
/// thread's wake-up jitter, so the frames of a run are known exactly from its start and stop times.
/// </summary>
[Collection(SimulatedRealTimeCollection.Name)]
public class SimulatedFreeRunTests
{
    private static SimulatedCamera FreeRunning(int k, Action<SimulatedCameraOptions>? configure = null) =>
        new SimulatedBackend(4, (_, o) => configure?.Invoke(o)).OpenCamera($"sim-{k}");

    /// <summary>Grid points start + round(n × period) before the stop: the exposures the device started.</summary>
    private static List<long> Grid(long startNs, long stopNs, double periodNs)
    {
        var starts = new List<long>();
        for (long n = 0; ; n++)
        {
            long s = startNs + (long)Math.Round(n * periodNs);
            if (s >= stopNs)
                return starts;
            starts.Add(s);
        }
    }

    [Fact]
    public void FreeRun_DeliversTheFrameRateGrid_ExactlyUpToTheStop()
    {
        using var camera = FreeRunning(0); // -2 ppm
        camera.Features.SetBoolean("AcquisitionFrameRateEnable", true);
        camera.Features.SetFloat("AcquisitionFrameRate", 100);
        var target = new RecordingTarget(8, camera.FrameBytes);
        long before = SharedTimeline.NowNs();
        camera.StartAcquisition(target);
        Thread.Sleep(500);
        long stopCalled = SharedTimeline.NowNs();
        camera.StopAcquisition();
        long stopped = SharedTimeline.NowNs();

        var starts = Grid(camera.AcquisitionStartHostNs, camera.StopHostNs, 10_000_000);
        var frames = target.Frames;
        Assert.Equal(starts.Count, frames.Count);
        Assert.Equal(starts.Select(s => camera.Clock.ToDeviceNs(s)), frames.Select(f => f.DeviceTimestampNs));
        Assert.Equal(Enumerable.Range(1, frames.Count).Select(i => (long)i), frames.Select(f => f.DeviceFrameId));
        Assert.All(frames, f => Assert.Equal(-1, f.FrameIndex));
        Assert.All(frames, f => Assert.Equal((true, 0, f.DeviceFrameId), (f.Decoded, f.DecodedCamera, f.DecodedId)));
        Assert.All(frames.Zip(starts), p => Assert.True(p.First.HostReceiveNs >= p.Second + 3_000_000));

        // On the device clock, consecutive frames are 10 ms × (1 − 2 ppm) = 9 999 980 ns apart (±1 ns rounding).
        Assert.All(frames.Zip(frames.Skip(1)), p => Assert.InRange(p.Second.DeviceTimestampNs - p.First.DeviceTimestampNs, 9_999_979, 9_999_981));

        // Against the wall clock: the run lasted between 'stopCalled - before' and 'stopped - before' (generous: ±2 frames).
        Assert.InRange(frames.Count, (stopCalled - before) / 10_000_000 - 2, (stopped - before) / 10_000_000 + 2);
        Assert.InRange(camera.StopHostNs, stopCalled, stopped);
    }

    [Fact]
    public void FreeRun_WithoutFrameRateEnable_RunsAsFastAsTheSensorAllows()
    {
        // MaxFrameRateHz 1000 (1 ms) but exposure 1 ms + readout 2 ms: the sensor limits the period to 3 ms.
        using var camera = FreeRunning(1, o => o.MaxFrameRateHz = 1000); // sim-1: no drift
        var target = new RecordingTarget(8, camera.FrameBytes);
        camera.StartAcquisition(target);
        Thread.Sleep(150);
        camera.StopAcquisition();

        var frames = target.Frames;
        Assert.Equal(Grid(camera.AcquisitionStartHostNs, camera.StopHostNs, 3_000_000).Count, frames.Count);
        Assert.True(frames.Count >= 10);
        Assert.All(frames.Zip(frames.Skip(1)), p => Assert.Equal(3_000_000, p.Second.DeviceTimestampNs - p.First.DeviceTimestampNs));

        // With overlapped readout the sensor is busy max(1 ms, 2 ms) = 2 ms.
        camera.Features.SetEnumeration("TriggerOverlap", "ReadOut");
        var target2 = new RecordingTarget(8, camera.FrameBytes);
        camera.StartAcquisition(target2);
        Thread.Sleep(100);
        camera.StopAcquisition();
        Assert.All(target2.Frames.Zip(target2.Frames.Skip(1)), p => Assert.Equal(2_000_000, p.Second.DeviceTimestampNs - p.First.DeviceTimestampNs));
        Assert.Equal(Grid(camera.AcquisitionStartHostNs, camera.StopHostNs, 2_000_000).Count, target2.FrameCount);
    }

    [Fact]
    public void FreeRun_StopsAtStop_AndRestartsOnAcquisitionStart()
    {
        using var camera = FreeRunning(2);
        camera.Features.SetBoolean("AcquisitionFrameRateEnable", true);
        camera.Features.SetFloat("AcquisitionFrameRate", 200);
        var target = new RecordingTarget(8, camera.FrameBytes);
        camera.StartAcquisition(target);
        Thread.Sleep(60);
        camera.Features.Execute("AcquisitionStop");
        long firstStop = camera.StopHostNs;
        Assert.True(SpinWait.SpinUntil(() => camera.FramesProduced == Grid(camera.AcquisitionStartHostNs, firstStop, 5_000_000).Count
                                              && camera.FramesDelivered == camera.FramesProduced, 5000));
        int afterStop = target.FrameCount;
        Thread.Sleep(50);
        Assert.Equal(afterStop, target.FrameCount); // nothing while stopped

        camera.Features.Execute("AcquisitionStart");
        long restart = camera.AcquisitionStartHostNs;
        Thread.Sleep(60);
        camera.StopAcquisition();
        var second = target.Frames.Skip(afterStop).ToList();
        Assert.Equal(Grid(restart, camera.StopHostNs, 5_000_000).Select(s => camera.Clock.ToDeviceNs(s)), second.Select(f => f.DeviceTimestampNs));

        int final = target.FrameCount;
        Thread.Sleep(50);
        Assert.Equal(final, target.FrameCount); // nothing after StopAcquisition returned
        Assert.False(camera.IsStreaming);
    }

    [Fact]
    public void FreeRun_SingleFrame_DeliversOneFrame()
    {
        using var camera = FreeRunning(0);
        camera.Features.SetEnumeration("AcquisitionMode", "SingleFrame");
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        Assert.True(target.WaitFor(1));
        Thread.Sleep(30);
        camera.StopAcquisition();
        Assert.Equal(1, target.FrameCount);
        Assert.Equal(1, camera.FramesProduced);
    }

    [Fact]
    public void Trigger_InFreeRun_IsIgnored()
    {
        using var camera = FreeRunning(0, o => o.MaxFrameRateHz = 10);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        camera.Trigger(3);
        camera.StopAcquisition();
        Assert.Equal(1, camera.IgnoredTriggers);
        Assert.All(target.Frames, f => Assert.Equal(-1, f.FrameIndex));
    }
}
