using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Gvcp;

namespace PsCamSync.Core.Tests.Simulated;

/// <summary>
/// The GVCP receive thread allocates nothing per datagram, measured exactly with GC.GetAllocatedBytesForCurrentThread on
/// that thread (<see cref="SimulatedCamera.GvcpReceiveAllocatedBytes"/>) across 2000 datagrams of every kind: fired,
/// ignored, late and scheduled, unicast and broadcast, each acknowledged. Alone, like the other allocation tests.
/// </summary>
[Collection(SimulatedAloneCollection.Name)]
public class SimulatedActionAllocationTests
{
    [Fact]
    public void ReceivePath_AllocatesNothingPerDatagram()
    {
        int port = SimulatedActionTests.FreePort();
        using var camera = SimulatedActionTests.Open(1, port, (_, o) => SimulatedActionTests.FastPtp(o))[0];
        uint device = SimulatedActionTests.Key(), group = SimulatedActionTests.Key();
        SimulatedActionTests.WaitForSlave(camera);
        SimulatedActionTests.Arm(camera, device, group, 1);
        var target = new RecordingTarget(8, camera.FrameBytes, capacity: 8192);
        camera.StartAcquisition(target);
        using var sender = new SimulatedActionTests.Sender();
        var to = camera.GvcpEndPoint!;

        void Burst(int count)
        {
            long expected = camera.ActionCommandsReceived + 4 * count;
            for (int i = 0; i < count; i++)
            {
                sender.Send(new ActionCommand(device, group, 1), to); // immediate: fires (or is missed while busy)
                sender.Send(new ActionCommand(device ^ 1, group, 1), to); // ignored
                sender.Send(new ActionCommand(device, group, 1, (ulong)(camera.Clock.NowNs() - 1000)), to); // late
                sender.Send(new ActionCommand(device, group, 1, (ulong)(camera.Clock.NowNs() + 1_000_000)), SimulatedActionTests.Sender.Broadcast(port)); // scheduled
                Assert.Equal(3, sender.Acks(3).Count);
            }
            Assert.True(SpinWait.SpinUntil(() => camera.ActionCommandsReceived == expected, 5000));
            Thread.Sleep(50); // the thread records its allocation count after each poll round
        }

        Burst(100); // warm-up: JIT, first use of each path
        long before = camera.GvcpReceiveAllocatedBytes;
        long roundsBefore = camera.GvcpReceiveRounds;
        Burst(500);
        long after = camera.GvcpReceiveAllocatedBytes;
        Assert.True(camera.GvcpReceiveRounds - roundsBefore >= 1000, "the receive thread did not record its rounds");
        camera.StopAcquisition();
        Assert.Equal(0, after - before);
        Assert.True(camera.FramesProduced > 0);
        Assert.Equal(600L, camera.ActionsIgnored);
        Assert.InRange(camera.ActionLateCount, 600, 1200); // a scheduled one sent 1 ms ahead may arrive late on a loaded machine
    }

    [Fact]
    public void Scheduler_AllocatesNothingPerEvent()
    {
        using var camera = SimulatedActionTests.Open(1, 0, (_, o) => SimulatedActionTests.FastPtp(o))[0];
        SimulatedActionTests.WaitForSlave(camera);
        SimulatedActionTests.Arm(camera, 0, 0, 0);
        var target = new RecordingTarget(8, camera.FrameBytes, capacity: 8192);
        camera.StartAcquisition(target);
        camera.Features.SetInteger("ActionSchedulerTime", camera.Clock.NowNs() + 20_000_000);
        camera.Features.SetInteger("ActionSchedulerInterval", 4000); // 250 Hz, above the 3 ms busy time
        camera.Features.Execute("ActionSchedulerCommit");
        Assert.True(SpinWait.SpinUntil(() => camera.SchedulerEventsFired >= 30, 5000)); // warm-up
        long before = camera.SchedulerAllocatedBytes;
        long eventsBefore = camera.SchedulerEventsFired;
        Assert.True(SpinWait.SpinUntil(() => camera.SchedulerEventsFired >= eventsBefore + 100, 5000));
        long after = camera.SchedulerAllocatedBytes;
        camera.Features.Execute("ActionSchedulerCancel");
        camera.StopAcquisition();
        Assert.Equal(0, after - before); // recorded right before each EventsFired increment, so 100 events re-recorded it
        Assert.True(camera.FramesProduced >= 130);
    }
}
