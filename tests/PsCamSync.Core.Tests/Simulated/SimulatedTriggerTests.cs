using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Simulated;

/// <summary>Software triggers against the wall clock. Exact expectations come from the model; only delivery times are bounded loosely.</summary>
[Collection(SimulatedRealTimeCollection.Name)]
public class SimulatedTriggerTests
{
    private const long LatencyNs = 10_000; // default TriggerLatencyUs

    private static SimulatedCamera Triggered(int k, double exposureUs = 1000, Action<SimulatedCameraOptions>? configure = null)
    {
        var camera = new SimulatedBackend(4, (_, o) => configure?.Invoke(o)).OpenCamera($"sim-{k}");
        camera.ConfigureSoftwareTrigger(exposureUs);
        return camera;
    }

    [Fact]
    public void Trigger_DeliversOneFrame_WithIndexPatternAndMappedTimestamp()
    {
        using var camera = Triggered(2); // offset 3 ms, +2 ppm, exposure 1 ms, readout 2 ms
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        long before = SharedTimeline.NowNs();
        camera.Trigger(42);
        long after = SharedTimeline.NowNs();
        Assert.True(target.WaitFor(1));
        camera.StopAcquisition();

        var f = Assert.Single(target.Frames);
        Assert.Equal((42L, 1L), (f.FrameIndex, f.DeviceFrameId));
        Assert.True(f.Decoded);
        Assert.Equal((2, 42L), (f.DecodedCamera, f.DecodedId));
        Assert.Equal((640, 480, PixelFormat.Mono8, 640 * 480, false), (f.Width, f.Height, f.Format, f.Length, f.Incomplete));

        // Trigger reads the host clock once, between 'before' and 'after'; the exposure starts 10 µs later and is
        // stamped on the device clock. So the stamp lies between the two mapped bounds; the tolerance is the call's
        // own duration (µs; more only if this thread is preempted inside the call) plus 1 ns of rounding. Thread
        // wake-up jitter does not enter the stamp: it only delays HostReceiveNs.
        Assert.InRange(f.DeviceTimestampNs, camera.Clock.ToDeviceNs(before + LatencyNs) - 1, camera.Clock.ToDeviceNs(after + LatencyNs) + 1);
        Assert.InRange(f.DeviceTimestampNs - (before + LatencyNs), 3_000_000 - 1_000, 3_000_000 + (after - before) + 1_000);

        // Delivery happens no earlier than the end of readout, and (generously) within a second of it.
        long ready = before + LatencyNs + 1_000_000 + 2_000_000;
        Assert.InRange(f.HostReceiveNs, ready, after + LatencyNs + 3_000_000 + 1_000_000_000);
        Assert.Equal((1L, 1L, 0L, 0L), (camera.FramesProduced, camera.FramesDelivered, camera.MissedTriggers, camera.FramesDropped));
    }

    [Fact]
    public void TriggerSoftwareCommand_DeliversAFrameWithoutIndex_PatternCarriesTheDeviceFrameId()
    {
        using var camera = Triggered(1);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        camera.Features.Execute("TriggerSoftware");
        Assert.True(target.WaitFor(1));
        camera.StopAcquisition();

        var f = Assert.Single(target.Frames);
        Assert.Equal((-1L, 1L), (f.FrameIndex, f.DeviceFrameId));
        Assert.Equal((1, 1L), (f.DecodedCamera, f.DecodedId));
    }

    [Fact]
    public void Trigger_DoesNotWaitForDelivery_AndStopDeliversThePendingFrame()
    {
        using var camera = Triggered(0, exposureUs: 200_000); // ready 202 ms after the trigger
        var target = new RecordingTarget(2, camera.FrameBytes);
        camera.StartAcquisition(target);
        long before = SharedTimeline.NowNs();
        camera.Trigger(7);
        Assert.Equal(0, target.FrameCount); // Trigger returned long before the frame could exist
        Assert.Equal(0, camera.FramesDelivered);

        camera.StopAcquisition();
        long stopped = SharedTimeline.NowNs();
        var f = Assert.Single(target.Frames); // StopAcquisition delivered it before returning
        Assert.Equal(7, f.FrameIndex);
        Assert.True(stopped >= f.HostReceiveNs);
        Assert.True(f.HostReceiveNs >= before + LatencyNs + 202_000_000);
        Assert.False(camera.IsStreaming);
    }

    [Theory]
    [InlineData("Off", new long[] { 0, 2 })]
    [InlineData("ReadOut", new long[] { 0, 1, 3 })]
    public void TriggersWhileBusy_AreMissed_AsTheOverlapModeSays(string overlap, long[] expectedIndices)
    {
        // E = 1 ms, R = 2 ms. Off: busy 3 ms after each exposure start. ReadOut: busy max(E, R) = 2 ms.
        using var camera = Triggered(0);
        camera.Features.SetEnumeration("TriggerOverlap", overlap);
        var target = new RecordingTarget(8, camera.FrameBytes);
        camera.StartAcquisition(target);
        long t0 = SharedTimeline.NowNs() + 1_000_000;
        var accepted = new[]
        {
            camera.TriggerAt(0, t0),
            camera.TriggerAt(1, t0 + 2_000_000), // in frame 0's readout: Off misses it, ReadOut takes it
            camera.TriggerAt(2, t0 + 3_000_000), // Off: frame 0 just done, taken; ReadOut: 1 ms after frame 1, missed
            camera.TriggerAt(3, t0 + 5_000_000), // Off: inside frame 2's busy time, missed; ReadOut: 3 ms after frame 1, taken
        };
        Assert.True(target.WaitFor(expectedIndices.Length));
        camera.StopAcquisition();

        var frames = target.Frames;
        Assert.Equal(expectedIndices, frames.Select(f => f.FrameIndex));
        Assert.Equal(expectedIndices, Enumerable.Range(0, 4).Where(i => accepted[i]).Select(i => (long)i));
        Assert.Equal(4 - expectedIndices.Length, camera.MissedTriggers);
        Assert.Equal(Enumerable.Range(1, expectedIndices.Length).Select(i => (long)i), frames.Select(f => f.DeviceFrameId));
        foreach (var f in frames)
        {
            long hostTrigger = t0 + new[] { 0L, 2_000_000, 3_000_000, 5_000_000 }[f.FrameIndex];
            Assert.Equal(camera.Clock.ToDeviceNs(hostTrigger + LatencyNs), f.DeviceTimestampNs);
            Assert.True(f.HostReceiveNs >= hostTrigger + LatencyNs + 3_000_000);
        }
    }

    [Fact]
    public void BackToBackTriggers_DuringALongExposure_AreMissed()
    {
        // Real time, no placed triggers: the second call comes microseconds after the first, inside its 100 ms exposure
        // (it would only be accepted if this thread stalled for 102 ms between two statements).
        using var camera = Triggered(0, exposureUs: 100_000);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        camera.Trigger(0);
        camera.Trigger(1);
        camera.StopAcquisition();

        Assert.Equal(new long[] { 0 }, target.Frames.Select(f => f.FrameIndex));
        Assert.Equal(1, camera.MissedTriggers);
    }

    [Fact]
    public void Triggers_WhileTheDeviceIsStopped_AreIgnored_AndAcquisitionStartRearms()
    {
        using var camera = Triggered(0);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        camera.Features.Execute("AcquisitionStop");
        camera.Trigger(5);
        camera.Features.Execute("AcquisitionStart");
        camera.Trigger(6);
        Assert.True(target.WaitFor(1));
        camera.StopAcquisition();
        camera.Trigger(7); // after the stream ended

        Assert.Equal(new long[] { 6 }, target.Frames.Select(f => f.FrameIndex));
        Assert.Equal(2, camera.IgnoredTriggers);
        Assert.Equal(0, camera.MissedTriggers);
    }

    [Fact]
    public void SingleFrame_TakesOneTrigger_UntilAcquisitionStartAgain()
    {
        using var camera = Triggered(0);
        camera.Features.SetEnumeration("AcquisitionMode", "SingleFrame");
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        long t0 = SharedTimeline.NowNs();
        Assert.True(camera.TriggerAt(0, t0));
        Assert.False(camera.TriggerAt(1, t0 + 10_000_000));
        camera.Features.Execute("AcquisitionStart");
        Assert.True(camera.TriggerAt(2, t0 + 20_000_000));
        Assert.True(target.WaitFor(2));
        camera.StopAcquisition();

        Assert.Equal(new long[] { 0, 2 }, target.Frames.Select(f => f.FrameIndex));
        Assert.Equal(1, camera.IgnoredTriggers);
    }

    [Fact]
    public void NoFreeBuffer_ReportsTheFrameDropped_WithItsMetadata()
    {
        using var camera = Triggered(3);
        var target = new RecordingTarget(1, camera.FrameBytes, returnBuffers: false); // one buffer, never returned
        camera.StartAcquisition(target);
        long t0 = SharedTimeline.NowNs();
        camera.TriggerAt(10, t0);
        camera.TriggerAt(11, t0 + 5_000_000);
        Assert.True(target.WaitFor(2));
        camera.StopAcquisition();

        Assert.Equal(10, Assert.Single(target.Frames).FrameIndex);
        var drop = Assert.Single(target.Drops);
        Assert.Equal(11, drop.FrameIndex);
        Assert.Equal(camera.Clock.ToDeviceNs(t0 + 5_000_000 + LatencyNs), drop.DeviceTimestampNs);
        Assert.True(drop.HostReceiveNs >= t0 + 5_000_000 + LatencyNs + 3_000_000);
        Assert.Equal((1L, 1L, 2L), (camera.FramesDelivered, camera.FramesDropped, camera.FramesProduced));
    }

    [Fact]
    public void StopAcquisition_DeliversEveryStartedExposure_ThenRestartBeginsAtFrameIdOne()
    {
        using var camera = Triggered(0);
        var target = new RecordingTarget(16, camera.FrameBytes);
        camera.StartAcquisition(target);
        long t0 = SharedTimeline.NowNs() + 50_000_000; // all five are ready 50-65 ms from now
        for (int i = 0; i < 5; i++)
            Assert.True(camera.TriggerAt(i, t0 + i * 3_000_000L));
        camera.StopAcquisition(); // returns only when all five were delivered
        Assert.Equal(5, target.FrameCount);
        Assert.True(SharedTimeline.NowNs() >= t0 + 4 * 3_000_000L + LatencyNs + 3_000_000);

        Assert.Throws<FeatureException>(() => camera.Features.Execute("AcquisitionStart")); // no stream any more
        camera.StartAcquisition(target);
        camera.Trigger(100);
        Assert.True(target.WaitFor(6));
        camera.StopAcquisition();
        Assert.Equal((100L, 1L), (target.Frames[5].FrameIndex, target.Frames[5].DeviceFrameId));
    }

    [Fact]
    public void StartAcquisition_Twice_IsRefused()
    {
        using var camera = Triggered(0);
        camera.StartAcquisition(new RecordingTarget(1, camera.FrameBytes));
        var e = Assert.Throws<CameraException>(() => camera.StartAcquisition(new RecordingTarget(1, camera.FrameBytes)));
        Assert.Equal("sim-0", e.CameraId);
        camera.StopAcquisition();
        camera.StopAcquisition(); // a second stop is a no-op
    }

    [Fact]
    public void ABufferTooSmall_IsDeliveredIncomplete_AndReportedAsAFault()
    {
        using var camera = Triggered(0);
        var target = new RecordingTarget(2, camera.FrameBytes - 1);
        camera.StartAcquisition(target);
        camera.Trigger(0);
        Assert.True(target.WaitFor(1));
        camera.StopAcquisition();

        var f = Assert.Single(target.Frames);
        Assert.True(f.Incomplete);
        Assert.Equal(0, f.Length);
        Assert.False(f.Decoded);
        Assert.Contains(target.Faults, m => m.Contains("needs " + camera.FrameBytes));
    }

    [Fact]
    public void AFullOnCameraQueue_LosesFrames_AndReportsThem()
    {
        using var camera = Triggered(0, exposureUs: 10, configure: o => o.ReadoutUs = 10);
        var target = new RecordingTarget(4, camera.FrameBytes);
        using var inDeliver = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        target.OnDeliver = _ =>
        {
            if (!inDeliver.IsSet)
            {
                inDeliver.Set();
                release.Wait(); // the host stalls on the first frame (tests only: a real target never blocks)
            }
        };
        camera.StartAcquisition(target);
        long t0 = SharedTimeline.NowNs() - 1_000_000_000; // in the past: every frame is ready at once
        Assert.True(camera.TriggerAt(0, t0));
        Assert.True(inDeliver.Wait(5000));
        int accepted = 0;
        for (int i = 1; i <= 300; i++)
            accepted += camera.TriggerAt(i, t0 + i * 100_000L) ? 1 : 0;
        release.Set();
        camera.StopAcquisition();

        Assert.Equal(SimulatedStream.QueueCapacity, accepted);
        Assert.Equal(300 - SimulatedStream.QueueCapacity, camera.FramesLost);
        Assert.Equal(301, camera.FramesProduced); // lost frames took device frame ids
        Assert.Equal(1 + SimulatedStream.QueueCapacity, target.FrameCount);
        Assert.Contains(target.Faults, m => m.Contains($"{300 - SimulatedStream.QueueCapacity} frame(s) lost"));
    }

    [Fact]
    public void StopAcquisition_FromTheDeliveryThread_IsRefusedAndReported()
    {
        using var camera = Triggered(0);
        var target = new RecordingTarget(2, camera.FrameBytes);
        Exception? thrown = null;
        target.OnDeliver = _ =>
        {
            try { camera.StopAcquisition(); }
            catch (Exception e) { thrown = e; }
        };
        camera.StartAcquisition(target);
        camera.Trigger(0);
        Assert.True(target.WaitFor(1));
        camera.StopAcquisition();
        Assert.IsType<CameraException>(thrown);
    }
}
