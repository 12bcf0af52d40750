using System.Collections.Concurrent;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Spinnaker;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Capture;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Spinnaker;

/// <summary>Frames, faults and whole takes from Spinnaker stand-in cameras.</summary>
[Collection("Takes")]
public sealed class SpinnakerStreamTests
{
    private readonly ITestOutputHelper _output;

    public SpinnakerStreamTests(ITestOutputHelper output) => _output = output;

    private sealed class Collector(int bytes) : IFrameTarget
    {
        public readonly ConcurrentQueue<FrameBuffer> Frames = new();
        public readonly ConcurrentQueue<(string Message, Exception? Exception)> Faults = new();
        public FrameBuffer? TryRent() => new(bytes);
        public void Deliver(FrameBuffer frame) => Frames.Enqueue(frame);
        public void ReportDropped(long frameIndex, long deviceTimestampNs, long hostReceiveNs) => throw new InvalidOperationException("nothing is dropped here");
        public void ReportFault(string message, Exception? exception) => Faults.Enqueue((message, exception));
    }

    private static void WaitFor(Func<bool> done, int ms = 5000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(ms);
        while (!done() && DateTime.UtcNow < until)
            Thread.Sleep(5);
    }

    [Fact]
    public void SoftwareTriggers_GiveFramesWithIdsTimestampsAndPixels_IncompleteOnesZeroFilled_TimeoutsAreNoFault()
    {
        var backend = SpinnakerStandIn.Backend();
        using (var camera = backend.Open("20000002"))
        {
            camera.Features.SetBoolean("PtpEnable", false); // free-running device clock: CLOCK_REALTIME + 2 ms for camera 1
            camera.ConfigureSoftwareTrigger(1000);
            var target = new Collector(camera.FrameBytes);
            SpinnakerStandIn.IncompleteEvery(3);
            SpinnakerStandIn.Timeouts(5);
            long before = SharedTimeline.NowNs();
            camera.StartAcquisition(target);
            for (int i = 0; i < 6; i++)
            {
                camera.Trigger(i);
                Thread.Sleep(10); // longer than exposure + readout (2 ms): no trigger is ignored
            }
            WaitFor(() => target.Frames.Count >= 6);
            camera.StopAcquisition();
            Assert.Empty(target.Faults);
            var frames = target.Frames.ToList();
            Assert.Equal(6, frames.Count);
            var ids = frames.Select(f => f.DeviceFrameId).ToList();
            Assert.Equal(Enumerable.Range((int)ids[0], 6).Select(i => (long)i), ids);
            Assert.All(frames, f => Assert.Equal(-1, f.FrameIndex));
            // Device clock: CLOCK_REALTIME + 2 ms for camera 1 (PTP off); exposures 10 ms apart.
            Assert.All(frames, f => Assert.InRange(f.DeviceTimestampNs - before, 2_000_000, 2_000_000 + 5_000_000_000));
            Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second.DeviceTimestampNs > p.First.DeviceTimestampNs));
            Assert.All(frames, f => Assert.True(f.HostReceiveNs >= before));
            foreach (var f in frames)
            {
                Assert.True(SpinnakerStandIn.TryDecode(f.Pixels, out int cam, out long id), $"frame {f.DeviceFrameId} does not decode");
                Assert.Equal((1, f.DeviceFrameId), (cam, id));
                bool incomplete = f.DeviceFrameId % 3 == 2;
                Assert.Equal(incomplete, f.Incomplete);
                Assert.Equal(incomplete ? f.Length / 2 : f.Length, f.ReceivedBytes);
                if (incomplete)
                    Assert.All(f.Data.AsSpan(f.Length / 2, f.Length / 2).ToArray(), b => Assert.Equal(0, b)); // the stand-in sent 0xEE there
            }
            Assert.Equal(0, SpinnakerStandIn.Live("image"));
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void ACameraThatVanishes_IsReportedAsAFault_AndAbandonLeavesNoHandle()
    {
        var backend = SpinnakerStandIn.Backend();
        var camera = backend.Open("20000001");
        camera.ConfigureSoftwareTrigger(null);
        var target = new Collector(camera.FrameBytes);
        camera.StartAcquisition(target);
        SpinnakerStandIn.Vanish(0, true);
        WaitFor(() => !target.Faults.IsEmpty);
        SpinnakerStandIn.Fail("spinCameraDeInit", -1010, 1); // the camera does not answer its release either
        camera.Abandon();
        camera.Dispose(); // does nothing after Abandon
        var abandon = ((SpinnakerCamera)camera).AbandonFault;
        Assert.Equal("spinCameraDeInit", Assert.IsType<SpinnakerException>(abandon?.InnerException).Function);
        var fault = Assert.Single(target.Faults);
        Assert.Contains("stopped answering", fault.Message);
        Assert.Equal("SPINNAKER_ERR_IO", Assert.IsType<SpinnakerException>(fault.Exception!.InnerException).ErrorName);
        SpinnakerStandIn.Reset();
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void CameraPtpRead_SeesSlaveOncePtpIsEnabled_AndTheDeltaPlanReadsEveryCamera()
    {
        var backend = SpinnakerStandIn.Backend();
        var cameras = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
        try
        {
            foreach (var c in cameras)
                c.Features.SetBoolean("PtpEnable", false);
            Assert.Equal(PortState.Disabled, Core.Ptp.CameraPtp.Read(cameras[0], "test").PortState);
            foreach (var c in cameras)
                Assert.True(Core.Ptp.CameraPtp.Enable(c));
            var status = Core.Ptp.CameraPtp.Read(cameras[1], "test");
            Assert.True(status.Supported);
            Assert.Equal(PortState.Slave, status.PortState);
            Assert.Equal(-500, status.OffsetFromMasterNs);
            var plan = TimestampDeltaPlan.Prepare("test", cameras, null);
            Assert.All(cameras, c => Assert.NotNull(plan.MappingFor(c)));
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Theory]
    [InlineData(SyncTriggerMode.Software)]
    [InlineData(SyncTriggerMode.Action)]
    [InlineData(SyncTriggerMode.ScheduledAction)]
    [InlineData(SyncTriggerMode.CameraScheduler)]
    public void Take_TwoStandInCameras_EveryFramePresent_MatchedByIndex(SyncTriggerMode mode)
    {
        var backend = SpinnakerStandIn.Backend();
        var cameras = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
        try
        {
            foreach (var c in cameras)
                Assert.True(Core.Ptp.CameraPtp.Enable(c));
            using var dir = new TempDirectory();
            var schedule = SimulatedTakeTests.ScheduleSoon(50, 2, leadSeconds: 1.0);
            using var session = CaptureSession.Start(cameras, new CaptureOptions
            {
                Schedule = schedule, Path = dir.Combine("take"), TriggerMode = mode, ExposureUs = 1000,
                LateToleranceNs = SimulatedTakeTests.PipelineLateTolerance(schedule),
            });
            var manifest = SimulatedTakeTests.Run(session);
            Assert.Equal(mode, manifest.TriggerMode);
            // Software triggers and Action commands leave the host at Tn: slots a stalled shared machine made late are the same
            // on both cameras and named by faults (see the helpers). The camera-timed modes send ahead and lose none.
            HashSet<long> late = [], missed = [];
            if (mode == SyncTriggerMode.Software)
                late = SimulatedTakeTests.AssertEveryFrameButLateWakes(manifest, 100, session.TakePath);
            else if (mode == SyncTriggerMode.Action)
                (late, missed) = SimulatedTakeTests.AssertEveryFrameButHostStalls(manifest, 100, session.TakePath);
            else if (mode == SyncTriggerMode.CameraScheduler)
                SimulatedTakeTests.AssertEveryFrameButCancelOverrun(manifest, 100);
            else
            {
                SimulatedTakeTests.AssertEveryFrame(manifest, 100);
                Assert.True(manifest.State == TakeState.Completed && manifest.Faults.Count == 0, SimulatedTakeTests.Describe(manifest));
            }
            if (mode is SyncTriggerMode.Action or SyncTriggerMode.ScheduledAction)
            {
                Assert.Equal("spinSystemSendActionCommand (Spinnaker)", manifest.Actions!.Destination);
                // Every slot's command was acknowledged by each camera, and the warm-up command's ACK is not counted as a
                // slot's: ActionTrigger records what a request id stands for before sending (this port's ACK can be taken
                // before Send returns).
                Assert.Equal(100 - late.Count, manifest.Actions.Sent);
                Assert.All(manifest.Cameras, c => Assert.Equal(100 - late.Count, c.ActionAcks!.Acknowledged));
            }
            var report = TakeAnalyzer.Analyze(session.TakePath);
            _output.WriteLine($"{mode}: {report.CompleteFrameSets} frame sets; device skew p50 {report.DeviceSkew.P50Ns / 1e3:0.0} µs p99 {report.DeviceSkew.P99Ns / 1e3:0.0} µs; " +
                $"mapped skew p50 {report.MappedDeviceSkew.P50Ns / 1e3:0.0} µs p99 {report.MappedDeviceSkew.P99Ns / 1e3:0.0} µs; trigger skew p99 {report.TriggerSkew.P99Ns / 1e3:0.0} µs; " +
                $"wake p99 {manifest.TriggerThread?.WakeErrorP99Us:0.0} µs");
            Assert.Equal(100 - late.Count - missed.Count, report.CompleteFrameSets);
            Assert.Equal(FrameMatchMethod.Index, report.MatchedBy);
            Assert.All(report.Cameras, c => Assert.Equal((100 - late.Count - missed.Count, (long)missed.Count, (long)late.Count), (c.Captured, c.Missing, c.Late)));
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void ATriggerWhileTheSensorIsBusy_IsIgnored_AndATriggerBeforeSetUp_IsRefused()
    {
        var backend = SpinnakerStandIn.Backend();
        using (var camera = backend.Open("20000001"))
        {
            var early = Assert.Throws<CameraException>(() => camera.Trigger(0));
            Assert.Contains("before ConfigureSoftwareTrigger", early.Message);
            camera.ConfigureSoftwareTrigger(20_000); // 20 ms exposure + 1 ms readout
            var (exposureUs, busyNs) = camera.TriggerTiming;
            Assert.Equal(20_000, exposureUs);
            Assert.True(busyNs >= 21_000_000, $"busy {busyNs} ns");
            var target = new Collector(camera.FrameBytes);
            camera.StartAcquisition(target);
            camera.Trigger(0);
            camera.Trigger(1); // during the exposure of frame 0
            WaitFor(() => target.Frames.Count >= 1);
            Thread.Sleep(50);
            camera.StopAcquisition();
            Assert.Single(target.Frames);
            Assert.Empty(target.Faults);
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void FailingGrabsAndTriggersWhileStreaming_AreReportedToTheTarget_AndStreamingGoesOn()
    {
        var backend = SpinnakerStandIn.Backend();
        using (var camera = backend.Open("20000002"))
        {
            camera.ConfigureSoftwareTrigger(1000);
            var target = new Collector(camera.FrameBytes);
            SpinnakerStandIn.Fail("spinCameraGetNextImageEx", -1012, 1);
            camera.StartAcquisition(target);
            WaitFor(() => !target.Faults.IsEmpty);
            SpinnakerStandIn.Fail("spinCommandExecute", -2007, 1);
            camera.Trigger(7);
            camera.Trigger(8);
            WaitFor(() => target.Frames.Count >= 1);
            camera.StopAcquisition();
            var faults = target.Faults.ToList();
            Assert.Equal(2, faults.Count);
            Assert.Contains("receiving frames failed: spinCameraGetNextImageEx failed with SPINNAKER_ERR_ABORT (-1012)", faults[0].Message);
            Assert.Contains("software trigger for frame 7 failed: spinCommandExecute failed with GENICAM_ERR_TIMEOUT (-2007)", faults[1].Message);
            Assert.Single(target.Frames); // frame 8's trigger worked
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void Discover_ReadsAnOpenCameraThroughItsOpenHandle()
    {
        var backend = SpinnakerStandIn.Backend();
        using (var camera = backend.Open("20000001"))
        {
            camera.Features.SetInteger("Width", 96);
            var listed = backend.Discover();
            Assert.Equal([96, 64], listed.Select(c => c.Width));
            camera.Features.SetInteger("Width", 64);
            Assert.Throws<CameraException>(() => backend.Open("20000001")); // one open per process
        }
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void TheOverrideVariable_IsReadByTheBackend()
    {
        using var dir = new TempDirectory();
        string missing = dir.Combine("nowhere.so");
        string? before = Environment.GetEnvironmentVariable(SpinnakerBackend.LibraryOverrideVariable);
        try
        {
            Environment.SetEnvironmentVariable(SpinnakerBackend.LibraryOverrideVariable, missing);
            var backend = new SpinnakerBackend(["libSpinnaker_C.so.99-not-here"]);
            Assert.Contains($"{SpinnakerBackend.LibraryOverrideVariable} names '{missing}'", backend.UnavailableReason);
            Environment.SetEnvironmentVariable(SpinnakerBackend.LibraryOverrideVariable, SpinnakerStandIn.Path);
            Assert.True(new SpinnakerBackend(["libSpinnaker_C.so.99-not-here"]).IsAvailable);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SpinnakerBackend.LibraryOverrideVariable, before);
        }
    }
}
