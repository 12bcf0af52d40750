using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Aravis;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>The GenICam feature map and the trigger set-up, against an Aravis GigE Vision emulator.</summary>
[Collection(AravisEmulatorCollection.Name)]
public sealed class AravisFeatureTests
{
    private readonly SharedFakeGvCameras _shared;

    public AravisFeatureTests(SharedFakeGvCameras shared) => _shared = shared;

    private void WithCamera(Action<AravisCamera> body)
    {
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            using var camera = (AravisCamera)new AravisBackend().Open(fakes.Cameras[0].Address);
            body(camera);
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void Features_of_every_type_round_trip_through_the_device()
    {
        WithCamera(camera =>
        {
            var f = camera.Features;

            Assert.Equal(FeatureType.Integer, f.GetFeatureType("Width"));
            f.SetInteger("Width", 256);
            Assert.Equal(256, f.GetInteger("Width"));
            Assert.Equal(256 * 512, camera.FrameBytes);
            Assert.Equal(256, camera.Info.Width);
            f.SetInteger("Width", 512);
            Assert.Equal(512, f.GetInteger("Width"));

            Assert.Equal(FeatureType.Float, f.GetFeatureType("ExposureTimeAbs"));
            f.SetFloat("ExposureTimeAbs", 2500);
            Assert.Equal(2500, f.GetFloat("ExposureTimeAbs"), 3);

            Assert.Equal(FeatureType.Enumeration, f.GetFeatureType("TriggerMode"));
            f.SetEnumeration("TriggerMode", "On");
            Assert.Equal("On", f.GetEnumeration("TriggerMode"));
            f.SetEnumeration("TriggerMode", "Off");
            Assert.Equal("Off", f.GetEnumeration("TriggerMode"));

            Assert.Equal(FeatureType.Boolean, f.GetFeatureType("TestBoolean"));
            var flipped = !f.GetBoolean("TestBoolean");
            f.SetBoolean("TestBoolean", flipped);
            Assert.Equal(flipped, f.GetBoolean("TestBoolean"));

            // The emulator's only writable string lies over bootstrap register 0x200, the first GenICam XML URL:
            // it must be restored, or the emulator cannot be opened again.
            Assert.Equal(FeatureType.String, f.GetFeatureType("TestStringReg"));
            var original = f.GetString("TestStringReg");
            try
            {
                f.SetString("TestStringReg", "PsCamSync");
                Assert.Equal("PsCamSync", f.GetString("TestStringReg"));
                var tooLong = Assert.Throws<FeatureException>(() => f.SetString("TestStringReg", new string('x', 33)));
                Assert.Contains("too long", tooLong.Message);
            }
            finally
            {
                f.SetString("TestStringReg", original);
            }
            Assert.Equal(original, f.GetString("TestStringReg"));

            Assert.Equal(FeatureType.Command, f.GetFeatureType("TriggerSoftware"));
            f.Execute("TriggerSoftware");
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void The_feature_list_walks_the_category_tree_and_holds_features_only()
    {
        WithCamera(camera =>
        {
            var names = camera.Features.ListFeatures();

            foreach (var expected in new[] { "DeviceVendorName", "Width", "Height", "PixelFormat", "TriggerMode", "TriggerSoftware", "ExposureTimeAbs", "PayloadSize" })
                Assert.Contains(expected, names);
            Assert.DoesNotContain("Root", names);
            Assert.DoesNotContain("ImageFormatControl", names);   // a category
            Assert.DoesNotContain("WidthRegister", names);        // not in any category
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.True(camera.Features.IsAvailable("Width"));
            Assert.False(camera.Features.IsAvailable("NoSuchFeature"));
            Assert.False(camera.Features.IsAvailable("ImageFormatControl"));
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void An_unknown_feature_a_wrong_type_and_a_rejected_value_are_feature_errors_naming_the_feature()
    {
        WithCamera(camera =>
        {
            var f = camera.Features;

            var unknown = Assert.Throws<FeatureException>(() => f.GetInteger("NoSuchFeature"));
            Assert.Equal("NoSuchFeature", unknown.FeatureName);
            Assert.Contains("'NoSuchFeature'", unknown.Message);
            Assert.Contains(camera.Id, unknown.Message);
            Assert.Throws<FeatureException>(() => f.GetFeatureType("NoSuchFeature"));
            Assert.Throws<FeatureException>(() => f.Execute("NoSuchCommand"));

            var wrongType = Assert.Throws<FeatureException>(() => f.GetFloat("Width"));
            Assert.Equal("Width", wrongType.FeatureName);
            Assert.Contains("is an Integer, not a Float", wrongType.Message);
            Assert.Throws<FeatureException>(() => f.SetInteger("TriggerMode", 1));

            var category = Assert.Throws<FeatureException>(() => f.GetFeatureType("ImageFormatControl"));
            Assert.Contains("category", category.Message);

            var rejected = Assert.Throws<FeatureException>(() => f.SetEnumeration("TriggerMode", "Sometimes"));
            Assert.Equal("TriggerMode", rejected.FeatureName);
            Assert.Contains("Sometimes", rejected.Message);
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void Software_trigger_set_up_writes_the_sfnc_trigger_features_and_the_exposure()
    {
        WithCamera(camera =>
        {
            var f = camera.Features;
            f.SetEnumeration("TriggerMode", "Off");
            f.SetEnumeration("AcquisitionMode", "SingleFrame");

            camera.ConfigureSoftwareTrigger(4000);

            f.SetEnumeration("TriggerSelector", "FrameStart");
            Assert.Equal("On", f.GetEnumeration("TriggerMode"));
            Assert.Equal("Software", f.GetEnumeration("TriggerSource"));
            Assert.Equal("Continuous", f.GetEnumeration("AcquisitionMode"));
            Assert.Equal(4000, f.GetFloat("ExposureTimeAbs"), 3);

            var (exposureUs, busyNs) = camera.TriggerTiming;
            Assert.Equal(4000, exposureUs, 3);
            // The emulator only looks at its trigger every 40 ms; exposure + readout estimate is below that.
            Assert.True(camera.IsEmulator);
            Assert.Equal(AravisCamera.EmulatorTriggerPollNs, busyNs);

            camera.ConfigureSoftwareTrigger(null);
            Assert.Equal(4000, f.GetFloat("ExposureTimeAbs"), 3);

            var bad = Assert.Throws<InvalidCaptureArgumentException>(() => camera.ConfigureSoftwareTrigger(0));
            Assert.Equal("ExposureUs", bad.ParameterName);
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void A_disposed_camera_refuses_further_use()
    {
        WithCamera(camera =>
        {
            camera.Dispose();
            camera.Dispose();
            Assert.Throws<ObjectDisposedException>(() => camera.Features.GetInteger("Width"));
            Assert.Throws<ObjectDisposedException>(() => camera.Trigger(0));
            camera.StopAcquisition();
        });
    }
}
