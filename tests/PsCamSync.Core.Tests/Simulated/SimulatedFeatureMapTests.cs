using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Simulated;

public class SimulatedFeatureMapTests
{
    private static SimulatedCamera Open(int k = 0, Action<int, SimulatedCameraOptions>? configure = null) =>
        new SimulatedBackend(1, configure).OpenCamera($"sim-{k}");

    [Theory]
    [InlineData("DeviceVendorName", FeatureType.String)]
    [InlineData("DeviceModelName", FeatureType.String)]
    [InlineData("DeviceSerialNumber", FeatureType.String)]
    [InlineData("DeviceID", FeatureType.String)]
    [InlineData("DeviceUserID", FeatureType.String)]
    [InlineData("Width", FeatureType.Integer)]
    [InlineData("Height", FeatureType.Integer)]
    [InlineData("WidthMax", FeatureType.Integer)]
    [InlineData("PayloadSize", FeatureType.Integer)]
    [InlineData("PixelFormat", FeatureType.Enumeration)]
    [InlineData("ExposureTime", FeatureType.Float)]
    [InlineData("SensorReadoutTime", FeatureType.Float)]
    [InlineData("AcquisitionMode", FeatureType.Enumeration)]
    [InlineData("AcquisitionStart", FeatureType.Command)]
    [InlineData("AcquisitionStop", FeatureType.Command)]
    [InlineData("AcquisitionFrameRate", FeatureType.Float)]
    [InlineData("AcquisitionFrameRateEnable", FeatureType.Boolean)]
    [InlineData("TriggerSelector", FeatureType.Enumeration)]
    [InlineData("TriggerMode", FeatureType.Enumeration)]
    [InlineData("TriggerSource", FeatureType.Enumeration)]
    [InlineData("TriggerOverlap", FeatureType.Enumeration)]
    [InlineData("TriggerSoftware", FeatureType.Command)]
    [InlineData("TimestampLatch", FeatureType.Command)]
    [InlineData("TimestampLatchValue", FeatureType.Integer)]
    [InlineData("TLParamsLocked", FeatureType.Integer)]
    public void Features_HaveTheirSfncTypes(string name, FeatureType type)
    {
        using var camera = Open();
        Assert.True(camera.Features.IsAvailable(name));
        Assert.Contains(name, camera.Features.ListFeatures());
        Assert.Equal(type, camera.Features.GetFeatureType(name));
    }

    [Fact]
    public void InitialValues_ComeFromTheModel()
    {
        using var camera = Open(2, (_, o) => (o.Width, o.Height, o.PixelFormat, o.ExposureUs, o.ReadoutUs) = (1920, 1200, PixelFormat.Mono16, 500, 1500));
        var f = camera.Features;
        Assert.Equal("PsCamSync", f.GetString("DeviceVendorName"));
        Assert.Equal("Simulated Camera", f.GetString("DeviceModelName"));
        Assert.Equal(1920, f.GetInteger("Width"));
        Assert.Equal(1200, f.GetInteger("Height"));
        Assert.Equal("Mono16", f.GetEnumeration("PixelFormat"));
        Assert.Equal(1920L * 1200 * 2, f.GetInteger("PayloadSize"));
        Assert.Equal(1920 * 1200 * 2, camera.FrameBytes);
        Assert.Equal(500, f.GetFloat("ExposureTime"));
        Assert.Equal(1500, f.GetFloat("SensorReadoutTime"));
        Assert.Equal("Off", f.GetEnumeration("TriggerMode")); // cameras power up free-running
        Assert.Equal("Off", f.GetEnumeration("TriggerOverlap"));
        Assert.Equal("Continuous", f.GetEnumeration("AcquisitionMode"));
        Assert.Equal(0, f.GetInteger("TLParamsLocked"));
    }

    [Fact]
    public void UnknownName_ThrowsFeatureException_NamingIt()
    {
        using var camera = Open();
        Assert.True(camera.Features.IsAvailable("PtpEnable")); // SFNC PTP (issue 3) ...
        Assert.False(camera.Features.IsAvailable("GevIEEE1588")); // ... but not the GigE Vision legacy names
        var e = Assert.Throws<FeatureException>(() => camera.Features.GetInteger("NoSuchFeature"));
        Assert.Equal("NoSuchFeature", e.FeatureName);
        Assert.Contains("NoSuchFeature", e.Message);
        Assert.Throws<FeatureException>(() => camera.Features.GetFeatureType("exposuretime")); // case-sensitive, as GenICam
    }

    [Theory]
    [InlineData("Width")]
    [InlineData("ExposureTime")]
    [InlineData("TriggerMode")]
    [InlineData("DeviceID")]
    [InlineData("TriggerSoftware")]
    public void WrongType_ThrowsFeatureException_NamingTheFeatureAndItsType(string name)
    {
        using var camera = Open();
        var f = camera.Features;
        var type = f.GetFeatureType(name);
        var calls = new Action[]
        {
            () => f.GetInteger(name), () => f.GetFloat(name), () => f.GetEnumeration(name),
            () => f.GetBoolean(name), () => f.GetString(name), () => f.Execute(name),
        };
        var types = new[] { FeatureType.Integer, FeatureType.Float, FeatureType.Enumeration, FeatureType.Boolean, FeatureType.String, FeatureType.Command };
        for (int i = 0; i < calls.Length; i++)
        {
            if (types[i] == type)
                continue;
            var e = Assert.Throws<FeatureException>(calls[i]);
            Assert.Equal(name, e.FeatureName);
            Assert.Contains(type.ToString(), e.Message);
        }
    }

    [Theory]
    [InlineData("Width", 31)]
    [InlineData("Width", 8193)]
    [InlineData("Height", 0)]
    public void IntegerOutOfRange_ThrowsWithTheRange(string name, long value)
    {
        using var camera = Open();
        var e = Assert.Throws<FeatureException>(() => camera.Features.SetInteger(name, value));
        Assert.Equal(name, e.FeatureName);
        Assert.Contains(name == "Width" ? "[32, 8192]" : "[1, 8192]", e.Message);
        Assert.Equal(name == "Width" ? 640 : 480, camera.Features.GetInteger(name));
    }

    [Theory]
    [InlineData("ExposureTime", 9.99, "[10, 1000000] µs")]
    [InlineData("ExposureTime", 1e6 + 1, "[10, 1000000] µs")]
    [InlineData("ExposureTime", double.NaN, "[10, 1000000] µs")]
    [InlineData("AcquisitionFrameRate", 241, "[1, 240] Hz")]
    [InlineData("AcquisitionFrameRate", 0.5, "[1, 240] Hz")]
    public void FloatOutOfRange_ThrowsWithTheRange(string name, double value, string range)
    {
        using var camera = Open();
        double before = camera.Features.GetFloat(name);
        var e = Assert.Throws<FeatureException>(() => camera.Features.SetFloat(name, value));
        Assert.Equal(name, e.FeatureName);
        Assert.Contains(range, e.Message);
        Assert.Equal(before, camera.Features.GetFloat(name));
    }

    [Fact]
    public void Enumeration_RejectsUnknownEntries_ListingTheValidOnes()
    {
        using var camera = Open();
        var e = Assert.Throws<FeatureException>(() => camera.Features.SetEnumeration("TriggerOverlap", "Previous"));
        Assert.Equal("TriggerOverlap", e.FeatureName);
        Assert.Contains("Off, ReadOut", e.Message);
        Assert.Throws<FeatureException>(() => camera.Features.SetEnumeration("PixelFormat", "RGB8"));
        camera.Features.SetEnumeration("PixelFormat", "BayerRG8");
        Assert.Equal(PixelFormat.BayerRG8, camera.Info.PixelFormat);
    }

    [Theory]
    [InlineData("SensorReadoutTime")]
    [InlineData("DeviceSerialNumber")]
    [InlineData("TimestampLatchValue")]
    [InlineData("PayloadSize")]
    public void ReadOnlyFeatures_RefuseWrites(string name)
    {
        using var camera = Open();
        var f = camera.Features;
        Action write = f.GetFeatureType(name) switch
        {
            FeatureType.Float => () => f.SetFloat(name, 1),
            FeatureType.String => () => f.SetString(name, "x"),
            _ => () => f.SetInteger(name, 1),
        };
        var e = Assert.Throws<FeatureException>(write);
        Assert.Equal(name, e.FeatureName);
        Assert.Contains("read-only", e.Message);
    }

    [Fact]
    public void Writes_ChangeInfoFrameBytesAndTiming()
    {
        using var camera = Open();
        var f = camera.Features;
        f.SetInteger("Width", 1920);
        f.SetInteger("Height", 1200);
        f.SetEnumeration("PixelFormat", "Mono16");
        f.SetFloat("ExposureTime", 250);
        f.SetString("DeviceUserID", "left");
        Assert.Equal((1920, 1200, PixelFormat.Mono16), (camera.Info.Width, camera.Info.Height, camera.Info.PixelFormat));
        Assert.Equal(1920 * 1200 * 2, camera.FrameBytes);
        Assert.Equal((250.0, 2_250_000L), camera.TriggerTiming);
        Assert.Equal("left", f.GetString("DeviceUserID"));
        Assert.Throws<FeatureException>(() => f.SetString("DeviceUserID", new string('x', 17)));

        f.SetEnumeration("TriggerOverlap", "ReadOut");
        Assert.Equal((250.0, 2_000_000L), camera.TriggerTiming); // max(exposure, readout)
        f.SetFloat("ExposureTime", 3000);
        Assert.Equal((3000.0, 3_000_000L), camera.TriggerTiming);
    }

    [Fact]
    public void ConfigureSoftwareTrigger_SetsTriggerFeaturesAndExposure()
    {
        using var camera = Open();
        camera.ConfigureSoftwareTrigger(400);
        var f = camera.Features;
        Assert.Equal(("FrameStart", "On", "Software", "Continuous"),
            (f.GetEnumeration("TriggerSelector"), f.GetEnumeration("TriggerMode"), f.GetEnumeration("TriggerSource"), f.GetEnumeration("AcquisitionMode")));
        Assert.Equal(400, f.GetFloat("ExposureTime"));
        Assert.Equal((400.0, 2_400_000L), camera.TriggerTiming);

        camera.ConfigureSoftwareTrigger(null);
        Assert.Equal(400, f.GetFloat("ExposureTime"));
    }

    [Fact]
    public void ConfigureSoftwareTrigger_WithBadExposure_ThrowsAndChangesNothing()
    {
        using var camera = Open();
        var e = Assert.Throws<FeatureException>(() => camera.ConfigureSoftwareTrigger(5));
        Assert.Equal("ExposureTime", e.FeatureName);
        Assert.Equal("Off", camera.Features.GetEnumeration("TriggerMode"));
    }

    [Fact]
    public void TriggerSoftware_WithTriggerModeOff_IsRefused()
    {
        using var camera = Open();
        var e = Assert.Throws<FeatureException>(() => camera.Features.Execute("TriggerSoftware"));
        Assert.Equal("TriggerSoftware", e.FeatureName);
        Assert.Contains("TriggerMode", e.Message);
    }

    [Fact]
    public void AcquisitionStart_WithoutAStream_IsRefused()
    {
        using var camera = Open();
        var e = Assert.Throws<FeatureException>(() => camera.Features.Execute("AcquisitionStart"));
        Assert.Contains("StartAcquisition", e.Message);
    }

    [Fact]
    public void TimestampLatch_LatchesTheDeviceClock()
    {
        // sim-3: offset 4.5 ms, drift +4 ppm; the reference is fixed so the expected value is known exactly.
        long reference = SharedTimeline.NowNs();
        using var camera = Open(3, (_, o) => o.ClockReferenceNs = reference);
        long before = SharedTimeline.NowNs();
        camera.Features.Execute("TimestampLatch");
        long after = SharedTimeline.NowNs();
        long latched = camera.Features.GetInteger("TimestampLatchValue");

        // The latch reads the host clock between 'before' and 'after', so it lies between their mappings
        // (±1 ns for the rounding of the drift term).
        Assert.InRange(latched, camera.Clock.ToDeviceNs(before) - 1, camera.Clock.ToDeviceNs(after) + 1);
        Assert.InRange(latched - before, 4_500_000 - 1_000, 4_500_000 + (after - before) + 1_000); // offset + 4 ppm × (µs since reference)
    }

    [Fact]
    public void WidthHeightAndTriggerSettings_AreLockedWhileAcquiring()
    {
        using var camera = Open();
        camera.ConfigureSoftwareTrigger(null);
        var target = new RecordingTarget(2, camera.FrameBytes);
        camera.StartAcquisition(target);
        try
        {
            var f = camera.Features;
            Assert.Equal(1, f.GetInteger("TLParamsLocked"));
            foreach (var (name, write) in new (string, Action)[]
            {
                ("Width", () => f.SetInteger("Width", 320)),
                ("Height", () => f.SetInteger("Height", 240)),
                ("PixelFormat", () => f.SetEnumeration("PixelFormat", "Mono16")),
                ("TriggerMode", () => f.SetEnumeration("TriggerMode", "Off")),
                ("TriggerOverlap", () => f.SetEnumeration("TriggerOverlap", "ReadOut")),
                ("AcquisitionMode", () => f.SetEnumeration("AcquisitionMode", "SingleFrame")),
            })
            {
                var e = Assert.Throws<FeatureException>(write);
                Assert.Equal(name, e.FeatureName);
                Assert.Contains("StopAcquisition", e.Message);
            }
            Assert.Throws<FeatureException>(() => camera.ConfigureSoftwareTrigger(2000));
            Assert.Equal(1000, f.GetFloat("ExposureTime")); // the refused call changed nothing
            f.SetFloat("ExposureTime", 1500); // exposure may change while acquiring
            Assert.Equal(640, f.GetInteger("Width"));
        }
        finally
        {
            camera.StopAcquisition();
        }
        camera.Features.SetInteger("Width", 320);
        Assert.Equal(320, camera.Info.Width);
        Assert.Equal(0, camera.Features.GetInteger("TLParamsLocked"));
    }

    [Fact]
    public void Closed_Camera_RefusesFeatureAccessAndStreaming()
    {
        var camera = Open();
        camera.Dispose();
        Assert.Throws<FeatureException>(() => camera.Features.GetInteger("Width"));
        Assert.Throws<CameraException>(() => camera.StartAcquisition(new RecordingTarget(1, 16)));
        camera.Dispose(); // twice is fine
    }

    [Fact]
    public void FeatureTable_TakesNewFeaturesWithoutChangingTheChecks()
    {
        // The way a later issue adds PTP features: one row each; the map's checks apply to them unchanged.
        bool enabled = false;
        var map = new SimulatedFeatureMap("sim-9", () => false, () => false)
            .Add(SimulatedFeature.Boolean("PtpEnable", () => enabled, v => enabled = v))
            .Add(SimulatedFeature.Enumeration("PtpStatus", ["Disabled", "Listening", "Slave"], () => enabled ? "Slave" : "Disabled"))
            .Add(SimulatedFeature.Integer("PtpOffsetFromMaster", () => 12, unit: "ns"));

        map.SetBoolean("PtpEnable", true);
        Assert.Equal("Slave", map.GetEnumeration("PtpStatus"));
        Assert.Equal(12, map.GetInteger("PtpOffsetFromMaster"));
        Assert.Contains("read-only", Assert.Throws<FeatureException>(() => map.SetEnumeration("PtpStatus", "Slave")).Message);
        Assert.Equal(new[] { "PtpEnable", "PtpStatus", "PtpOffsetFromMaster" }, map.ListFeatures());
    }
}
