using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Aravis;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Capture;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>
/// A whole take on three real GigE Vision devices (Aravis' emulator on 127.0.0.1-3): libaravis streams, the trigger
/// thread, correlation of frames to triggers by time, the take folder and its analysis.
/// </summary>
[Collection(AravisEmulatorCollection.Name)]
public sealed class AravisTakeTests
{
    private readonly SharedFakeGvCameras _shared;
    private readonly ITestOutputHelper _output;

    public AravisTakeTests(SharedFakeGvCameras shared, ITestOutputHelper output)
    {
        _shared = shared;
        _output = output;
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void ACameraRecordingInATake_IsRefusedToASecondTake_ByIdSerialOrAddress_NamingTheTake()
    {
        // An emulator of its own: a take stopped mid-stream leaves the emulator's trigger state to the next test.
        using var fakes = new FakeGvCameras(1);
        using var dir = new TempDirectory();
        var errors = new List<InvalidCaptureArgumentException>();
        fakes.Run(() =>
        {
            var backend = new AravisBackend();
            var fake = fakes.Cameras[0];
            var schedule = SimulatedTakeTests.ScheduleSoon(10, 20, leadSeconds: 0.5);
            using var session = CaptureSession.Start([backend.Open(fake.Address)],
                new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), Name = "holder" });
            try
            {
                foreach (var key in new[] { fake.Id, fake.Serial, fake.Address })
                    errors.Add(Assert.Throws<InvalidCaptureArgumentException>(() => LiveTakes.CheckCamerasFree([new CameraRequest(key, null)])));
            }
            finally
            {
                session.Stop();
                SimulatedTakeTests.Run(session);
            }
            LiveTakes.CheckCamerasFree([new CameraRequest(fake.Id, "Aravis")]); // free once that take has ended
        });
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Equal("CameraId", e.ParameterName));
        Assert.All(errors, e => Assert.Contains("is recording in take 'holder'", e.Message));
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void ThreeEmulators_12_5Hz_8s_AreRecordedAndAnalysed()
    {
        var fakes = _shared.Get();
        using var dir = new TempDirectory();
        TakeManifest? manifest = null;
        TakeReport? report = null;
        string? takePath = null;
        fakes.Run(() =>
        {
            var backend = new AravisBackend();
            var cameras = fakes.Cameras.Select(c => (ICamera)backend.Open(c.Address)).ToList();
            // The emulator looks at its trigger register on 40 ms boundaries of CLOCK_REALTIME. A schedule on those
            // boundaries would make each frame race the emulator's look (a trigger 100 µs after it waits 40 ms), so the
            // grid is put half-way between them: every trigger of a slot then fills on the same boundary, 20 ms later.
            var aligned = SimulatedTakeTests.ScheduleSoon(12.5, 8, leadSeconds: 1.0);
            var schedule = FrameSchedule.FromRateAndDuration(aligned.StartNs + AravisCamera.EmulatorTriggerPollNs / 2, 12.5, FrameSchedule.NanosFromSeconds(8));
            using var session = CaptureSession.Start(cameras, new CaptureOptions { Schedule = schedule, Path = dir.Combine("take") });
            manifest = SimulatedTakeTests.Run(session, timeoutSeconds: 60);
            takePath = session.TakePath;
            report = TakeAnalyzer.Analyze(session.TakePath);
        });

        foreach (var f in manifest!.Faults) _output.WriteLine($"fault [{f.Source}] {f.Camera}: {f.Message}");
        foreach (var c in report!.Cameras)
            _output.WriteLine($"{c.CameraId}: expected {c.Expected} captured {c.Captured} missing {c.Missing} late {c.Late} incomplete {c.Incomplete} interval {c.IntervalMeanNs / 1e6:0.000} ms ± {c.IntervalStdDevNs / 1e6:0.000}");
        _output.WriteLine($"skew p50/p99/max µs: trigger {report.TriggerSkew.P50Ns / 1e3:0}/{report.TriggerSkew.P99Ns / 1e3:0}/{report.TriggerSkew.MaxNs / 1e3:0}, device {report.DeviceSkew.P50Ns / 1e3:0}/{report.DeviceSkew.P99Ns / 1e3:0}/{report.DeviceSkew.MaxNs / 1e3:0}");

        Assert.Equal(TakeState.Completed, manifest.State);
        // The emulator has no GigE Vision action features: the take fell back to software triggers and says why.
        Assert.Equal(SyncTriggerMode.Software, manifest.TriggerMode);
        Assert.Contains("not Action: camera", manifest.TriggerModeNote);
        Assert.Contains("lacks the ActionDeviceKey feature", manifest.TriggerModeNote);
        Assert.Equal("Software", report.TriggerMode);
        Assert.Equal(3, manifest.Cameras.Count);
        Assert.All(manifest.Cameras, c => Assert.Equal("Aravis", c.Backend));
        foreach (var cam in manifest.Cameras)
        {
            Assert.Equal(100, cam.Counts.Expected);
            Assert.Equal(100, cam.Counts.Accounted);
            // The emulator polls its trigger every 40 ms (100 ms until its first frame), so under load it may merge
            // two triggers into one frame; nearly every slot must still carry its frame.
            Assert.InRange(cam.Counts.Captured, 95, 100);
            var rows = FramesTableReader.Read(Path.Combine(takePath!, cam.FramesFile));
            Assert.Equal(100, rows.Count);
            foreach (var r in rows.Where(r => r.Status == FrameStatus.Captured))
            {
                // The emulator's device clock is CLOCK_REALTIME at frame fill: after its trigger, within a period.
                Assert.InRange(r.DeviceTimestampNs - r.TriggerNs, 0, 80_000_000);
                Assert.True(r.HostReceiveNs >= r.DeviceTimestampNs - 1_000, "received after it was filled");
            }
            Assert.Equal(cam.Counts.Captured, Processes.FfprobeFrameCountOrRead(Path.Combine(takePath!, cam.VideoFile)));
        }
        Assert.Equal(FrameMatchMethod.Index, report.MatchedBy);
        Assert.InRange(report.CompleteFrameSets, 90, 100);
        Assert.InRange(report.TriggerSkew.P50Ns, 0, 5_000_000);
        // Every emulator fills on the same 40 ms boundary after a trigger: device skew is small at the median.
        Assert.InRange(report.DeviceSkew.P50Ns, 0, 20_000_000);
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void AskingForActions_OnTheEmulator_IsRefused_NamingTheCameraAndTheMissingFeature()
    {
        var fakes = _shared.Get();
        using var dir = new TempDirectory();
        InvalidCaptureArgumentException? error = null;
        fakes.Run(() =>
        {
            var backend = new AravisBackend();
            var cameras = fakes.Cameras.Select(c => (ICamera)backend.Open(c.Address)).ToList();
            var schedule = SimulatedTakeTests.ScheduleSoon(10, 1, leadSeconds: 1.0);
            error = Assert.Throws<InvalidCaptureArgumentException>(() =>
                CaptureSession.Start(cameras, new CaptureOptions { Schedule = schedule, Path = dir.Combine("take"), TriggerMode = SyncTriggerMode.Action }));
        });
        Assert.Equal("TriggerMode", error!.ParameterName);
        Assert.Contains($"camera '{fakes.Cameras[0].Id}' lacks the ActionDeviceKey feature", error.Message);
        Assert.False(Directory.Exists(dir.Combine("take")), "a refused start leaves no take folder");
    }
}
