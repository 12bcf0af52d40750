using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.IC4;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Recording;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Capture;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using CamPtp = global::PsCamSync.Core.Ptp.CameraPtp;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.IC4;

/// <summary>
/// Whole takes on stand-in IC4 cameras through <see cref="CaptureSession.Start"/> (software triggers and the cameras' own
/// action schedulers), recorded and analysed with <see cref="TakeAnalyzer"/>; and the PTP and timestamp-delta core
/// (CameraPtp.Read, TimestampDeltaPlan, TimestampDeltaMeter) on them. The stand-in cameras are USB3: they have no GVCP
/// address, so Action and ScheduledAction (which send ACTION_CMDs) are refused for them.
/// </summary>
[Collection("Takes")]
public sealed class Ic4TakeTests
{
    private readonly ITestOutputHelper _output;

    public Ic4TakeTests(ITestOutputHelper output) => _output = output;

    private static List<ICamera> OpenAll(Ic4Backend backend) => backend.Discover().Select(c => backend.Open(c.Id)).ToList();

    private static void EnablePtp(IEnumerable<ICamera> cameras)
    {
        foreach (var c in cameras)
            Assert.True(CamPtp.Enable(c));
    }

    private void Print(TakeManifest m, TakeReport r) =>
        _output.WriteLine($"mode {m.TriggerMode} ({m.TriggerModeNote}); complete sets {r.CompleteFrameSets}, matched by {r.MatchedBy}; " +
            $"stand-in: triggers {Ic4StandIn.Counter("triggers")} ignored {Ic4StandIn.Counter("ignored")} underruns {Ic4StandIn.Counter("underrun")} delivered {Ic4StandIn.Counter("delivered")}; " +
            $"device skew p50 {r.DeviceSkew.P50Ns / 1e3:0.0} µs, mapped p50/p99 {r.MappedDeviceSkew.P50Ns / 1e3:0.0}/{r.MappedDeviceSkew.P99Ns / 1e3:0.0} µs; {SimulatedTakeTests.Describe(m)}");

    private static void AssertPixels(string takePath, TakeManifest manifest)
    {
        for (int k = 0; k < manifest.Cameras.Count; k++)
        {
            var cam = manifest.Cameras[k];
            using var reader = new Y4mReader(Path.Combine(takePath, cam.VideoFile));
            var frame = new byte[PixelFormats.FrameBytes(reader.Width, reader.Height, reader.PixelFormat)];
            long previous = 0, v = 0;
            while (reader.ReadFrame(frame))
            {
                var (camera, number) = Ic4StandIn.Decode(frame);
                Assert.Equal(int.Parse(cam.Id, System.Globalization.CultureInfo.InvariantCulture) - 41000001, camera);
                Assert.True(number > previous, $"video frame {v} of {cam.Id} carries frame number {number} after {previous}");
                previous = number;
                v++;
            }
            Assert.Equal(cam.Counts.Captured, v);
        }
    }

    [Fact]
    public void SoftwareTriggeredTake_TwoCameras_25Hz_3s_EveryFramePresent_MatchedByIndex()
    {
        var backend = Ic4StandIn.Backend(2);
        using var dir = new TempDirectory();
        var cameras = OpenAll(backend);
        try
        {
            var schedule = SimulatedTakeTests.ScheduleSoon(25, 3, leadSeconds: 1.0);
            TakeManifest manifest;
            string takePath;
            using (var session = CaptureSession.Start(cameras, new CaptureOptions
            {
                Schedule = schedule, Path = dir.Combine("take"), TriggerMode = SyncTriggerMode.Software, ExposureUs = 1000,
                LateToleranceNs = SimulatedTakeTests.PipelineLateTolerance(schedule),
            }))
            {
                manifest = SimulatedTakeTests.Run(session);
                takePath = session.TakePath;
            }
            var report = TakeAnalyzer.Analyze(takePath);
            Print(manifest, report);

            Assert.Equal(SyncTriggerMode.Software, manifest.TriggerMode);
            // Slots the trigger thread woke too late for (a stalled shared machine) are TriggerLate on both cameras alike.
            var late = SimulatedTakeTests.AssertEveryFrameButLateWakes(manifest, 75, takePath);
            Assert.All(manifest.Cameras, c => Assert.Equal("IC4", c.Backend));
            Assert.Equal(manifest.Cameras[0].Counts.Captured, manifest.Cameras[1].Counts.Captured);
            Assert.Equal(FrameMatchMethod.Index, report.MatchedBy);
            Assert.Equal(75 - late.Count, report.CompleteFrameSets);
            foreach (var cam in manifest.Cameras)
            {
                var rows = FramesTableReader.Read(Path.Combine(takePath, cam.FramesFile));
                Assert.Equal(Enumerable.Range(0, 75).Select(i => (long)i), rows.Select(r => r.FrameIndex));
                rows = rows.Where(r => r.Status == FrameStatus.Captured).ToList();
                Assert.All(rows, r => Assert.True(r.HostReceiveNs > r.DeviceTimestampNs));
                var latency = rows.Select(r => r.HostReceiveNs - r.DeviceTimestampNs).Order().ToList();
                // The stand-in's clock is CLOCK_REALTIME + a few µs: exposure starts 10 µs after the trigger was sent. With
                // FrameIndex -1 the session gives a frame to the newest slot triggered before it was received, so a frame
                // received more than a period late (this 2-core machine stalls threads for up to ~100 ms under load) swaps
                // places with its neighbour: such rows are exactly one period off, in pairs. A stall between stamping the
                // trigger time and the stand-in's exposure (a CI-like run: 9.4 ms) delays one exposure: up to 15 ms is
                // allowed, still far from a swap (40 ms). Any other offset is an error.
                var offsets = rows.Select(r => r.DeviceTimestampNs - r.TriggerNs).ToList();
                int swapped = offsets.Count(d => Math.Abs(Math.Abs(d) - schedule.PeriodNs) < 5_000_000);
                _output.WriteLine($"{cam.Id}: receive - exposure start p50 {latency[latency.Count / 2] / 1e6:0.000} ms, max {latency[^1] / 1e6:0.000} ms; rows swapped by a late receive: {swapped}");
                Assert.All(offsets, d => Assert.True(d is >= 0 and <= 15_000_000 || Math.Abs(Math.Abs(d) - schedule.PeriodNs) < 5_000_000, $"device - trigger {d} ns"));
                Assert.Equal(0, swapped % 2);
                Assert.InRange(swapped, 0, 4);
            }
            AssertPixels(takePath, manifest);
        }
        finally
        {
            cameras.ForEach(c => c.Dispose());
        }
        Ic4StandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void CameraSchedulerTake_OnUsb3Cameras_WithoutAGvcpAddress_FiresOnTheGrid_AndSendsNothing()
    {
        var backend = Ic4StandIn.Backend(2);
        using var dir = new TempDirectory();
        var cameras = OpenAll(backend);
        try
        {
            EnablePtp(cameras);
            Assert.All(cameras, c => Assert.Null(c.GvcpEndPoint));
            var decision = TriggerModeChoice.Decide(cameras, null, FrameSchedule.PeriodFromFrameRate(50));
            Assert.Equal(SyncTriggerMode.CameraScheduler, decision.Mode);

            var schedule = SimulatedTakeTests.ScheduleSoon(50, 3, leadSeconds: 1.0);
            TakeManifest manifest;
            string takePath;
            using (var session = CaptureSession.Start(cameras, new CaptureOptions
            {
                Schedule = schedule, Path = dir.Combine("take"), TriggerMode = SyncTriggerMode.CameraScheduler, ExposureUs = 1000,
                LateToleranceNs = SimulatedTakeTests.PipelineLateTolerance(schedule),
            }))
            {
                manifest = SimulatedTakeTests.Run(session);
                takePath = session.TakePath;
            }
            var report = TakeAnalyzer.Analyze(takePath);
            Print(manifest, report);

            Assert.Equal(SyncTriggerMode.CameraScheduler, manifest.TriggerMode);
            SimulatedTakeTests.AssertEveryFrameButCancelOverrun(manifest, 150);
            Assert.Equal(0, manifest.Actions!.Sent);
            Assert.Equal("none: the cameras' action schedulers fire on their own", manifest.Actions.Destination);
            Assert.Equal(FrameMatchMethod.Index, report.MatchedBy);
            Assert.Equal(150, report.CompleteFrameSets);
            foreach (var cam in manifest.Cameras)
            {
                var rows = FramesTableReader.Read(Path.Combine(takePath, cam.FramesFile));
                Assert.Equal(150, rows.Count);
                // Each camera exposes when its own clock reads the slot's time (ActionSchedulerTime + k × interval): on the grid.
                Assert.All(rows, r => Assert.Equal(r.ScheduledNs, r.DeviceTimestampNs));
            }
            Assert.Equal(0, report.DeviceSkew.MaxNs);
            AssertPixels(takePath, manifest);
        }
        finally
        {
            cameras.ForEach(c => c.Dispose());
        }
        Ic4StandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void ACameraThatVanishesMidTake_IsLost_AndAbandoned_TheOtherLosesNothing_AndNothingLeaks()
    {
        var backend = Ic4StandIn.Backend(2);
        using var dir = new TempDirectory();
        var cameras = OpenAll(backend);
        TakeManifest manifest;
        List<FrameRecord>[] rows;
        try
        {
            var schedule = SimulatedTakeTests.ScheduleSoon(25, 4, leadSeconds: 1.0);
            using var session = CaptureSession.Start(cameras, new CaptureOptions
            {
                Schedule = schedule, Path = dir.Combine("take"), TriggerMode = SyncTriggerMode.Software, ExposureUs = 1000,
                LateToleranceNs = SimulatedTakeTests.PipelineLateTolerance(schedule), Backends = [backend],
            });
            var unplug = new Thread(() =>
            {
                Thread.Sleep(TimeSpan.FromTicks(Math.Max(0, schedule.TimeOf(25) - SharedTimeline.NowNs()) / 100));
                Ic4StandIn.Vanish(1);
            });
            unplug.Start();
            manifest = SimulatedTakeTests.Run(session, timeoutSeconds: 40);
            unplug.Join();
            rows = manifest.Cameras.Select(c => FramesTableReader.Read(Path.Combine(session.TakePath, c.FramesFile)).ToList()).ToArray();
        }
        finally
        {
            cameras.ForEach(c => c.Dispose());
        }
        _output.WriteLine(SimulatedTakeTests.Describe(manifest));
        Assert.All(manifest.Cameras, c => Assert.Equal(100, c.Counts.Accounted));
        Assert.True(manifest.Cameras[0].Counts.Captured >= 95, SimulatedTakeTests.Describe(manifest));
        var lost = manifest.Cameras[1].Counts;
        Assert.True(lost.CameraLost > 0, SimulatedTakeTests.Describe(manifest));
        Assert.All(rows[1].Where(r => r.FrameIndex < 24), r => Assert.Equal(FrameStatus.Captured, r.Status));
        Assert.All(rows[1].Where(r => r.FrameIndex >= 25), r => Assert.NotEqual(FrameStatus.Captured, r.Status));
        Ic4StandIn.AssertNoLiveHandles();
    }

    [Theory]
    [InlineData(SyncTriggerMode.Action)]
    [InlineData(SyncTriggerMode.ScheduledAction)]
    public void ActionModes_AreRefused_ForUsb3Cameras_TheyNeedAGvcpAddress(SyncTriggerMode mode)
    {
        var backend = Ic4StandIn.Backend(2);
        using var dir = new TempDirectory();
        var cameras = OpenAll(backend);
        try
        {
            EnablePtp(cameras);
            var schedule = SimulatedTakeTests.ScheduleSoon(50, 1, leadSeconds: 1.0);
            var e = Assert.Throws<InvalidCaptureArgumentException>(() =>
                CaptureSession.Start(cameras, new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), TriggerMode = mode }));
            Assert.Equal("TriggerMode", e.ParameterName);
            Assert.Contains("GVCP address", e.Message);
        }
        finally
        {
            cameras.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void CameraPtpRead_SeesDisabledThenSlave()
    {
        var backend = Ic4StandIn.Backend(1);
        using var camera = backend.Open("41000001");
        var before = CamPtp.Read(camera, "h");
        Assert.Equal((CameraPtpNaming.Sfnc, false, PortState.Disabled), (before.Naming, before.Enabled, before.PortState));
        Assert.True(CamPtp.Enable(camera));
        var after = CamPtp.Read(camera, "h");
        Assert.Equal((true, PortState.Slave), (after.Enabled, after.PortState));
        Assert.Equal(7, after.OffsetFromMasterNs); // latched by PtpDataSetLatch
        Assert.NotNull(after.ClockIdentity);
        Assert.NotNull(after.GrandmasterIdentity);
        Assert.Null(ActionTriggerSetupCheck(camera));
    }

    private static string? ActionTriggerSetupCheck(ICamera camera) => global::PsCamSync.Core.Gvcp.ActionTriggerSetup.CheckPtpSlave(camera);

    [Fact]
    public void TimestampDelta_PlanAndMeasure_OnStandInCameras()
    {
        var backend = Ic4StandIn.Backend(2);
        var cameras = OpenAll(backend);
        try
        {
            EnablePtp(cameras);
            string missing = Path.Combine(Path.GetTempPath(), "pscamsync-no-ptp4l-" + Guid.NewGuid().ToString("N"));
            var plan = TimestampDeltaPlan.Prepare("h", cameras, socketPath: null, defaultSocketPath: missing);
            Assert.Equal(new[] { "41000001", "41000002" }, plan.Cameras.Select(c => c.CameraId));
            Assert.All(plan.Cameras, c => Assert.True(c.FollowsPtp));
            Assert.All(plan.Cameras, c => Assert.Equal("Identity", c.Mapping.Name));

            var results = TimestampDeltaMeter.Measure("h", cameras, new TimestampDeltaOptions { Samples = 20, IntervalNs = 1_000_000 }, plan.MappingFor);
            foreach (var r in results)
                _output.WriteLine($"{r.CameraId}: {r.Verdict} mean {r.MeanDeltaNs / 1e3:0.0} µs ± {r.StdDevNs / 1e3:0.0}, max |delta| {r.MaxAbsDeltaNs / 1e3:0.0} µs");
            Assert.All(results, r => Assert.Equal(TimestampDeltaVerdict.Pass, r.Verdict));
            // The stand-in's clocks run CLOCK_REALTIME + 1 µs and + 2 µs; the brackets around each latch are a few µs wide.
            Assert.InRange(results[0].MeanDeltaNs, -50_000, 50_000);
            Assert.InRange(results[1].MeanDeltaNs - results[0].MeanDeltaNs, -50_000, 50_000);
        }
        finally
        {
            cameras.ForEach(c => c.Dispose());
        }
        Ic4StandIn.AssertNoLiveHandles();
    }
}
