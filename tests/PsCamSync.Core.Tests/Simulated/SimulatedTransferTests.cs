using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Simulated;

/// <summary>
/// The host transfer of simulated frames (<see cref="SimulatedCameraOptions.TransferUs"/>): frames reach the host a
/// transfer after their readout, a software trigger waits while a transfer runs, and action commands do not.
/// </summary>
[Collection(SimulatedRealTimeCollection.Name)]
public class SimulatedTransferTests
{
    private const long LatencyNs = 10_000; // default TriggerLatencyUs

    private static SimulatedCamera Open(double exposureUs, double readoutUs, double transferUs, int port = 0)
    {
        var camera = new SimulatedBackend(1, (_, o) =>
        {
            (o.ExposureUs, o.ReadoutUs, o.TransferUs, o.OverlapReadOut, o.GvcpPort) = (exposureUs, readoutUs, transferUs, true, port);
        }).OpenCamera("sim-0");
        return camera;
    }

    [Fact]
    public void Options_RejectANegativeOrHugeTransfer_NamingIt()
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => new SimulatedBackend(1, (_, o) => o.TransferUs = -1));
        Assert.Equal("TransferUs", e.ParameterName);
        e = Assert.Throws<InvalidCaptureArgumentException>(() => new SimulatedBackend(1, (_, o) => o.TransferUs = double.NaN));
        Assert.Equal("TransferUs", e.ParameterName);
        Assert.False(new SimulatedBackend(1).OpenCamera("sim-0").TriggerMayBlock);
        using var withTransfer = Open(1000, 2000, 1);
        Assert.True(withTransfer.TriggerMayBlock); // so a capture session gives it a sender thread
        Assert.Equal("ReadOut", withTransfer.Features.GetEnumeration("TriggerOverlap"));
    }

    [Fact]
    public void TransferWindows_FollowTheReadout_OneAtATime()
    {
        using var camera = Open(1000, 2000, 4000);
        camera.ConfigureSoftwareTrigger(null);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        long t0 = SharedTimeline.NowNs() + 50_000_000; // placed ahead, so the delivery thread holds both
        Assert.True(camera.TriggerAt(0, t0));
        // Exposure t0+10 µs, ready t0+3010 µs: transfer [t0+3010, t0+7010) µs.
        Assert.Equal(long.MinValue, camera.TransferEndAt(t0 + 3_009_999));
        Assert.Equal(t0 + 7_010_000, camera.TransferEndAt(t0 + 3_010_000));
        Assert.Equal(t0 + 7_010_000, camera.TransferEndAt(t0 + 7_009_999));
        Assert.Equal(long.MinValue, camera.TransferEndAt(t0 + 7_010_000));
        // Frame 1 exposes at t0+2510 µs (the sensor is free: busy max(1000, 2000) µs), is ready at t0+5510 µs, but the
        // link is busy until t0+7010 µs: its transfer runs [t0+7010, t0+11010) µs.
        Assert.True(camera.TriggerAt(1, t0 + 2_500_000));
        Assert.Equal(t0 + 11_010_000, camera.TransferEndAt(t0 + 7_010_000));
        Assert.True(target.WaitFor(2));
        camera.StopAcquisition();

        var frames = target.Frames;
        Assert.Equal([0L, 1L], frames.Select(f => f.FrameIndex));
        // Each frame reaches the host when its transfer ends, not when its readout does (+ up to 1 s of scheduling).
        Assert.InRange(frames[0].HostReceiveNs, t0 + 7_010_000, t0 + 7_010_000 + 1_000_000_000);
        Assert.InRange(frames[1].HostReceiveNs, t0 + 11_010_000, t0 + 11_010_000 + 1_000_000_000);
        Assert.Equal(0, camera.BlockedTriggers);
    }

    [Fact]
    public void SoftwareTrigger_DuringATransfer_WaitsForItsEnd_OutsideOneDoesNot()
    {
        // Ready 2 ms after the exposure start, then a 300 ms transfer: a trigger 50 ms later is well inside it.
        using var camera = Open(1000, 1000, 300_000);
        camera.ConfigureSoftwareTrigger(null);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);

        long before0 = SharedTimeline.NowNs();
        camera.Trigger(0);
        long after0 = SharedTimeline.NowNs();
        Assert.Equal(0, camera.BlockedTriggers); // no transfer ran: the call did not wait
        Assert.InRange(after0 - before0, 0, 250_000_000); // (the transfer alone would be 300 ms)
        long transferEnd = camera.TransferEndAt(camera.LastExposureStartHostNs + 2_000_000);
        Assert.InRange(transferEnd, before0 + LatencyNs + 302_000_000, after0 + LatencyNs + 302_000_000);

        Thread.Sleep(50);
        camera.Trigger(1);
        long after1 = SharedTimeline.NowNs();
        Assert.True(after1 >= transferEnd, $"the trigger returned {(transferEnd - after1) / 1e6:0.###} ms before the transfer ended");
        Assert.Equal(1, camera.BlockedTriggers);
        Assert.True(target.WaitFor(2, timeoutMs: 10_000));
        camera.StopAcquisition();

        // Frame 1 exposed only once the trigger got through: after the transfer's end (+ latency), on the device clock.
        var f1 = target.Frames.Single(f => f.FrameIndex == 1);
        Assert.InRange(f1.DeviceTimestampNs, camera.Clock.ToDeviceNs(transferEnd + LatencyNs) - 1, camera.Clock.ToDeviceNs(after1 + LatencyNs) + 1);
    }

    [Fact]
    public void ActionCommand_DuringATransfer_IsNotDelayed()
    {
        int port = SimulatedActionTests.FreePort();
        using var camera = Open(1000, 1000, 300_000, port);
        uint device = SimulatedActionTests.Key(), group = SimulatedActionTests.Key();
        SimulatedActionTests.Arm(camera, device, group, 1);
        var target = new RecordingTarget(4, camera.FrameBytes);
        camera.StartAcquisition(target);
        using var sender = new SimulatedActionTests.Sender();

        sender.Send(new ActionCommand(device, group, 1), camera.GvcpEndPoint!);
        Assert.Single(sender.Acks(1));
        long transferEnd = camera.TransferEndAt(camera.LastExposureStartHostNs + 2_000_000);
        Assert.NotEqual(long.MinValue, transferEnd);

        Thread.Sleep(50); // inside the first frame's 300 ms transfer
        long before = SharedTimeline.NowNs();
        sender.Send(new ActionCommand(device, group, 1), camera.GvcpEndPoint!);
        Assert.Single(sender.Acks(1));
        long after = SharedTimeline.NowNs();
        Assert.True(after < transferEnd, "the test's own wait overran the transfer; it shows nothing");
        long secondStart = camera.LastExposureStartHostNs;
        Assert.InRange(secondStart, before + LatencyNs, after + LatencyNs); // at once, not at the transfer's end
        Assert.Equal(0, camera.BlockedTriggers);
        Assert.True(target.WaitFor(2, timeoutMs: 10_000));
        camera.StopAcquisition();
        Assert.Equal(2, target.FrameCount);
    }
}
