using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using static PsCamSync.Core.Tests.Capture.SimulatedTakeTests;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>
/// How takes end in-process: stopped because the process ends (what the SIGTERM, SIGHUP and ProcessExit handlers call;
/// the signals themselves are tested on real pwsh in tests/pester/Faults.Tests.ps1), stopped at a time in the past,
/// refused because a camera is busy or the rings do not fit in RAM.
/// </summary>
[Collection("Takes")]
public class TakeEndingTests
{
    private static void WaitForRows(CaptureSession session, int rows)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (session.GetProgress().Captured < rows)
        {
            Assert.True(DateTime.UtcNow < deadline, "the take recorded nothing in 30 s");
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void ProcessEnd_StopsAtTheNextFrame_AndFinalisesStopped_WithEveryFiredSlotInTheTable()
    {
        using var dir = new TempDirectory();
        var schedule = ScheduleSoon(50, 60, leadSeconds: 0.5);
        using var session = CaptureSession.Start(OpenSimulated(2), new CaptureOptions { Schedule = schedule, Path = dir.Combine("take") });
        Assert.Equal(RecorderLiveness.Running, TakeFolder.ReadManifest(session.TakePath).Recorder!.Check());
        WaitForRows(session, 40);

        session.StopForProcessEnd("SIGTERM: the process was asked to end", LiveTakes.InFlightGrace);
        var manifest = Run(session, timeoutSeconds: LiveTakes.ProcessEndWait.TotalSeconds);

        Assert.Equal(TakeState.Stopped, manifest.State);
        Assert.Equal("SIGTERM: the process was asked to end", manifest.StopReason);
        long expected = manifest.EndFrameIndex - manifest.FirstFrameIndex;
        Assert.InRange(expected, 20, 3000 - 1);
        foreach (var c in manifest.Cameras)
        {
            Assert.Equal(expected, c.Counts.Expected);
            Assert.Equal(expected, c.Counts.Accounted);
            Assert.Equal(expected, FramesTableReader.Read(Path.Combine(session.TakePath, c.FramesFile)).Count);
        }
        Assert.Equal(TakeState.Stopped, TakeFolder.ReadManifest(session.TakePath).State);
        Assert.NotSame(session, LiveTakes.HolderOf(null, "sim-0")); // a finalised take holds no camera
    }

    [Fact]
    public void StopAtATimeInThePast_StopsAtTheNextFrame_AndNeverDropsFiredFrames()
    {
        using var dir = new TempDirectory();
        var schedule = ScheduleSoon(50, 60, leadSeconds: 1.0);
        using var session = CaptureSession.Start(OpenSimulated(2), new CaptureOptions { Schedule = schedule, Path = dir.Combine("take") });
        WaitForRows(session, 40);
        long firedBefore = session.GetProgress().NextFrameIndex;

        long end = session.Stop(SharedTimeline.NowNs() - 10_000_000_000); // 10 s ago: before T0
        var manifest = Run(session);

        Assert.True(end >= firedBefore, $"the stop moved the end to {end}, before frame {firedBefore} that had already fired");
        Assert.Equal(TakeState.Stopped, manifest.State);
        // Late slots of a loaded machine are the only faults allowed; before the fix the take ended Faulted
        // ("N slots accounted for, 0 expected").
        Assert.DoesNotContain(manifest.Faults, f => f.Source != TakeFaultSource.Trigger || !f.Message.Contains("TriggerLate"));
        Assert.True(manifest.EndFrameIndex >= firedBefore);
        foreach (var c in manifest.Cameras)
        {
            Assert.Equal(manifest.EndFrameIndex - manifest.FirstFrameIndex, c.Counts.Expected);
            Assert.Equal(c.Counts.Expected, c.Counts.Accounted);
            Assert.Equal(c.Counts.Accounted, c.Counts.Captured + c.Counts.TriggerLate);
            Assert.Equal(c.Counts.Accounted, FramesTableReader.Read(Path.Combine(session.TakePath, c.FramesFile)).Count);
        }
    }

    [Fact]
    public void ACameraRecordingInALiveTake_IsRefused_NamingTheTake()
    {
        using var dir = new TempDirectory();
        var schedule = ScheduleSoon(30, 30, leadSeconds: 0.5);
        using var first = CaptureSession.Start(OpenSimulated(1), new CaptureOptions { Schedule = schedule, Path = dir.Combine("first"), Name = "holder" });
        try
        {
            var e = Assert.Throws<InvalidCaptureArgumentException>(() => LiveTakes.CheckCamerasFree([new CameraRequest("sim-0", "Simulated")]));
            Assert.Equal("CameraId", e.ParameterName);
            Assert.Contains("'sim-0' is recording in take 'holder'", e.Message);

            // The core refuses it too (for callers of the C# API), before creating anything.
            var again = Assert.Throws<InvalidCaptureArgumentException>(() =>
                CaptureSession.Start(OpenSimulated(1), new CaptureOptions { Schedule = schedule, Path = dir.Combine("second") }));
            Assert.Contains("take 'holder'", again.Message);
            Assert.False(Directory.Exists(dir.Combine("second")));
        }
        finally
        {
            first.Stop();
            Run(first);
        }
        LiveTakes.CheckCamerasFree([new CameraRequest("sim-0", "Simulated")]); // free once the take has ended
    }

    [Fact]
    public void RingsBeyondTheRam_AreRefusedBeforeAnythingIsCreated_NamingBufferMemory()
    {
        using var dir = new TempDirectory();
        var schedule = ScheduleSoon(30, 5);
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => CaptureSession.Start(OpenSimulated(1),
            new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), BufferMemoryBytes = 1L << 50 }));
        Assert.Equal("BufferMemory", e.ParameterName);
        Assert.Contains("do not fit in RAM", e.Message);
        Assert.False(Directory.Exists(dir.Combine("take")));
    }
}
