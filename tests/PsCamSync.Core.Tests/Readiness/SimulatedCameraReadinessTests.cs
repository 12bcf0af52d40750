using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Ptp;

namespace PsCamSync.Core.Tests.Readiness;

/// <summary>
/// The readiness verdict over real simulated cameras: PTP enabled through their GenICam features, read back with
/// <see cref="CameraPtp.Read"/> while their state machines and servos run, next to a slave host of the same grandmaster.
/// </summary>
public sealed class SimulatedCameraReadinessTests
{
    private static readonly ulong GmEui64 = ClockIdentity.Parse(ReadinessStatuses.GmId).Value;

    private static List<ICamera> Cameras(int count, Action<int, SimulatedCameraOptions>? change = null)
    {
        var backend = new SimulatedBackend(count, (k, o) =>
        {
            o.PtpInitializingSeconds = 0.05;
            o.PtpListeningSeconds = 0.2;
            o.PtpConvergenceSeconds = 0.5;
            o.PtpGrandmasterIdentity = GmEui64;
            change?.Invoke(k, o);
        });
        return backend.Discover().Select(c => backend.Open(c.Id)).ToList();
    }

    private static PtpSyncResult WaitReady(IReadOnlyList<ICamera> cameras, double timeoutSeconds, List<PtpSyncResult> seen)
    {
        foreach (var c in cameras)
            Assert.True(global::PsCamSync.Core.Ptp.CameraPtp.Enable(c));
        var host = ReadinessStatuses.Slave("h1", "0a0b0c.fffe.000001");
        return PtpReadiness.WaitForConvergence(
            () => PtpSyncSnapshot.Of(host, cameras.Select(c => global::PsCamSync.Core.Ptp.CameraPtp.Read(c, "h1")).ToList()),
            new PtpReadinessCriteria { MaxOffsetNs = 100_000 },
            TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromMilliseconds(50),
            (r, _) => seen.Add(r), CancellationToken.None);
    }

    [Fact]
    public void CamerasConverge_FromListeningToSlave_AndTheVerdictTurnsReady()
    {
        var cameras = Cameras(3);
        try
        {
            var seen = new List<PtpSyncResult>();
            var result = WaitReady(cameras, 10, seen);
            Assert.Equal(PtpSyncVerdict.Ready, result.Verdict);
            Assert.All(result.Cameras, c => Assert.Equal(PortState.Slave, c.PortState));
            Assert.All(result.Cameras, c => Assert.Equal(ReadinessStatuses.GmId, c.GrandmasterIdentity));
            // It was not ready at first: the cameras passed through LISTENING/UNCALIBRATED.
            Assert.Contains(seen, r => r.Verdict == PtpSyncVerdict.NotReady);
        }
        finally
        {
            cameras.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void CameraStuckInListening_KeepsTheRigNotReady_WithAHintNamingIt()
    {
        var cameras = Cameras(2, (k, o) => { if (k == 1) o.PtpBehavior = SimulatedPtpBehavior.StuckInListening; });
        try
        {
            var result = WaitReady(cameras, 1.5, new List<PtpSyncResult>());
            Assert.Equal(PtpSyncVerdict.NotReady, result.Verdict);
            Assert.Contains(result.Hints, h => h.Contains("camera sim-1") && h.Contains("LISTENING"));
            Assert.DoesNotContain(result.Hints, h => h.Contains("camera sim-0"));
        }
        finally
        {
            cameras.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void CameraLockedWithAResidualOffset_AboveMaxOffset_IsNotReady()
    {
        var cameras = Cameras(2, (k, o) => { if (k == 0) o.PtpResidualOffsetNs = 5_000_000; });
        try
        {
            var result = WaitReady(cameras, 2, new List<PtpSyncResult>());
            Assert.Equal(PtpSyncVerdict.NotReady, result.Verdict);
            Assert.Contains(result.Hints, h => h.Contains("offset above the limit on camera sim-0"));
        }
        finally
        {
            cameras.ForEach(c => c.Dispose());
        }
    }
}
