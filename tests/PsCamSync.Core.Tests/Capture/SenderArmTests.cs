using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Tests.Support;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>
/// A camera whose trigger may block is triggered from a sender thread of its own (<see cref="TriggerPort"/>), and that
/// sender sleeps until each Tn on its own, so it is awake when the trigger thread hands the slot over instead of being
/// woken in turn. Checked by behaviour, not by timing: the slots the senders found awake are counted.
/// </summary>
[Collection("Takes")]
public sealed class SenderArmTests
{
    private readonly ITestOutputHelper _output;

    public SenderArmTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void SendersOfBlockingCameras_TakeTheirSlotsAwake_AndAccountForEverySlot()
    {
        using var dir = new TempDirectory();
        // A slow trigger injected far past the take's end: the cameras never block, but declare that they may, so
        // their ports get sender threads (as an Aravis camera's do).
        var cameras = SimulatedTakeTests.OpenSimulated(3, (_, o) => { o.SlowTriggerFrameIndex = 1_000_000; o.SlowTriggerMs = 1; });
        Assert.All(cameras, c => Assert.True(c.TriggerMayBlock));
        var schedule = SimulatedTakeTests.ScheduleSoon(30, 3, leadSeconds: 2.0);
        using var session = CaptureSession.Start(cameras, new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), TriggerMode = SyncTriggerMode.Software });
        var manifest = SimulatedTakeTests.Run(session);
        var ports = session.Pipelines.Select(p => p.Port!).ToList();
        foreach (var (port, c) in ports.Zip(manifest.Cameras))
            _output.WriteLine($"{c.Id}: sends {port.Sends}, slots taken awake {port.SlotsTakenAwake}; captured {c.Counts.Captured} late {c.Counts.TriggerLate} missed {c.Counts.TriggerMissed}");

        Assert.All(ports, p => Assert.True(p.Sends));
        Assert.All(manifest.Cameras, c => Assert.Equal(90, c.Counts.Accounted));
        foreach (var (port, c) in ports.Zip(manifest.Cameras))
        {
            long sent = c.Counts.Captured + c.Counts.TriggerMissed + c.Counts.Incomplete + c.Counts.Dropped;
            // Woken by the trigger thread only after a slot it did not find within ArmWindowNs of Tn (a late trigger thread
            // on a loaded machine); without arming ahead this count is 0.
            // (A slot the sender took and then refused as later than the tolerance counts as taken, not as sent.)
            Assert.True(port.SlotsTakenAwake >= sent / 2 && port.SlotsTakenAwake <= c.Counts.Expected,
                $"{c.Id}: {port.SlotsTakenAwake} of {sent} slots taken awake; {SimulatedTakeTests.Describe(manifest)}");
        }
    }
}
