using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Aravis;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>Cameras that disappear or are shared: Aravis errors become faults or typed exceptions, never crashes.</summary>
[Collection(AravisEmulatorCollection.Name)]
public sealed class AravisFaultTests
{
    private readonly SharedFakeGvCameras _shared;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public AravisFaultTests(SharedFakeGvCameras shared, Xunit.Abstractions.ITestOutputHelper output)
    {
        _shared = shared;
        _output = output;
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void A_camera_that_disappears_while_streaming_becomes_faults_not_a_crash()
    {
        using var fakes = new FakeGvCameras(1);
        ICamera? camera = null;
        RecordingTarget? target = null;
        try
        {
            fakes.Run(() =>
            {
                camera = new AravisBackend().Open(fakes.Cameras[0].Address);
                camera.ConfigureSoftwareTrigger(10_000);
                target = new RecordingTarget(camera.FrameBytes);
                camera.StartAcquisition(target);
            });

            fakes.Kill(0);
            // The open connection and stream keep their namespace: no need to be inside it to use them.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            camera!.Trigger(7);
            _output.WriteLine($"trigger to a dead camera returned after {watch.ElapsedMilliseconds} ms");
            camera.StopAcquisition();
            _output.WriteLine($"stop returned after {watch.ElapsedMilliseconds} ms");

            Assert.Contains(target!.Faults, f => f.Contains("software trigger for frame 7 failed"));
            Assert.Contains(target.Faults, f => f.Contains("AcquisitionStop failed"));
            Assert.Throws<CameraException>(() => camera.Trigger(8)); // not streaming any more: thrown
            Assert.Throws<FeatureException>(() => camera.Features.GetInteger("Width"));
        }
        finally
        {
            camera?.Dispose();
        }
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void Discovery_while_a_camera_is_open_leaves_that_camera_in_control()
    {
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            var backend = new AravisBackend();
            using var camera = backend.Open(fakes.Cameras[0].Address);

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var found = backend.Discover();
            _output.WriteLine($"Discover with one camera held open took {watch.ElapsedMilliseconds} ms: " +
                string.Join("; ", found.Select(i => $"{i.Id} {i.Width}x{i.Height} {i.PixelFormat}")));

            Assert.Equal(fakes.Cameras.Count, found.Count);
            camera.Features.SetInteger("Width", 256);   // needs the control channel
            Assert.Equal(256, camera.Features.GetInteger("Width"));
            camera.Features.SetInteger("Width", 512);
        });
    }
}
