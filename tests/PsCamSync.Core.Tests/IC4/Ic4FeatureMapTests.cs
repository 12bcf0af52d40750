using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.IC4;

namespace PsCamSync.Core.Tests.IC4;

/// <summary>The IC4 property map as an <see cref="IFeatureMap"/>: types, values, enumerations by entry name, strings, errors.</summary>
[Collection("Takes")]
public sealed class Ic4FeatureMapTests
{
    [Fact]
    public void TypesAndListing_FollowTheDevice()
    {
        var backend = Ic4StandIn.Backend(1);
        using var camera = backend.Open("41000001");
        var f = camera.Features;
        var all = f.ListFeatures();
        Assert.Contains("ActionSchedulerCommit", all);
        Assert.Contains("PtpDataSetLatch", all);
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(FeatureType.Integer, f.GetFeatureType("Width"));
        Assert.Equal(FeatureType.Float, f.GetFeatureType("ExposureTime"));
        Assert.Equal(FeatureType.Enumeration, f.GetFeatureType("TriggerSource"));
        Assert.Equal(FeatureType.Boolean, f.GetFeatureType("PtpEnable"));
        Assert.Equal(FeatureType.String, f.GetFeatureType("DeviceUserID"));
        Assert.Equal(FeatureType.Command, f.GetFeatureType("TriggerSoftware"));
        Assert.True(f.IsAvailable("ActionSchedulerTime"));
        Assert.False(f.IsAvailable("GevCurrentIPAddress"));
        Assert.False(f.IsAvailable("NoSuchFeature"));
        Ic4StandIn.AssertNoLiveHandles(openCameras: 1); // every property and list was released
    }

    [Fact]
    public void Values_RoundTrip()
    {
        var backend = Ic4StandIn.Backend(1);
        using var camera = backend.Open("41000001");
        var f = camera.Features;
        f.SetInteger("ActionDeviceKey", 0x12345678);
        Assert.Equal(0x12345678, f.GetInteger("ActionDeviceKey"));
        f.SetFloat("ExposureTime", 1234.5);
        Assert.Equal(1234.5, f.GetFloat("ExposureTime"));
        f.SetBoolean("PtpEnable", true);
        Assert.True(f.GetBoolean("PtpEnable"));
        f.SetString("DeviceUserID", "left-camera-ü");
        Assert.Equal("left-camera-ü", f.GetString("DeviceUserID"));
        Assert.Equal("The Imaging Source Europe GmbH", f.GetString("DeviceVendorName"));
        Assert.Equal("41000001", f.GetString("DeviceSerialNumber"));
        f.Execute("TimestampLatch");
        Assert.InRange(f.GetInteger("TimestampLatchValue"), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 - 5_000_000_000, long.MaxValue);
    }

    [Fact]
    public void Enumerations_AreReadAndWrittenByEntryName_AndListTheirEntries()
    {
        var backend = Ic4StandIn.Backend(1);
        using var camera = backend.Open("41000001");
        var f = camera.Features;
        Assert.Equal(new[] { "Software", "Action0" }, f.GetEnumerationEntries("TriggerSource"));
        Assert.Equal("Off", f.GetEnumeration("TriggerMode"));
        f.SetEnumeration("TriggerMode", "On");
        f.SetEnumeration("TriggerSource", "Action0");
        Assert.Equal(("On", "Action0"), (f.GetEnumeration("TriggerMode"), f.GetEnumeration("TriggerSource")));
        Assert.Equal("Disabled", f.GetEnumeration("PtpStatus"));
        f.SetBoolean("PtpEnable", true);
        Assert.Equal("Slave", f.GetEnumeration("PtpStatus"));
        var e = Assert.Throws<FeatureException>(() => f.SetEnumeration("TriggerSource", "Line1"));
        Assert.Equal("TriggerSource", e.FeatureName);
        Assert.Equal("IC4_ERROR_GENICAM_VALUE_ERROR", ((Ic4Exception)e.InnerException!).ErrorName);
        Assert.Contains("'Line1' is not an entry of 'TriggerSource'", e.Message);
        Ic4StandIn.AssertNoLiveHandles(openCameras: 1);
    }

    [Theory]
    [InlineData("NoSuchFeature", "IC4_ERROR_GENICAM_FEATURE_NOT_FOUND")]
    [InlineData("DeviceUserID", "IC4_ERROR_GENICAM_TYPE_MISMATCH")]
    [InlineData("ExposureTime", "IC4_ERROR_GENICAM_VALUE_ERROR")] // IC4 sets a float from an int64: 3 µs is below the minimum
    [InlineData("PayloadSize", "IC4_ERROR_GENICAM_ACCESS_DENIED")]
    [InlineData("Width", "IC4_ERROR_GENICAM_VALUE_ERROR")]
    public void Errors_AreFeatureExceptions_NamingTheFeature_WithTheIc4ErrorInside(string feature, string error)
    {
        var backend = Ic4StandIn.Backend(1);
        using var camera = backend.Open("41000001");
        var e = Assert.Throws<FeatureException>(() => camera.Features.SetInteger(feature, 3));
        Assert.Equal(feature, e.FeatureName);
        var inner = Assert.IsType<Ic4Exception>(e.InnerException);
        Assert.Equal(error, inner.ErrorName);
        Assert.Equal("ic4_propmap_set_value_int64", inner.Function);
        Assert.StartsWith($"41000001: {feature}: ic4_propmap_set_value_int64 failed: {error}", e.Message);
    }

    [Fact]
    public void OtherCallsFailing_AreFeatureExceptions_Too()
    {
        var backend = Ic4StandIn.Backend(1);
        using var camera = backend.Open("41000001");
        Assert.Throws<FeatureException>(() => camera.Features.Execute("Width"));
        Assert.Throws<FeatureException>(() => camera.Features.GetEnumeration("Width"));
        Assert.Throws<FeatureException>(() => camera.Features.GetEnumerationEntries("ExposureTime"));
        Assert.Throws<FeatureException>(() => camera.Features.GetString("TriggerSoftware"));
        Ic4StandIn.Fail("ic4_prop_enum_set_value", 102);
        var e = Assert.Throws<FeatureException>(() => camera.Features.SetEnumeration("TriggerMode", "On"));
        Assert.Equal("IC4_ERROR_GENICAM_DEVICE_ERROR", ((Ic4Exception)e.InnerException!).ErrorName);
        Ic4StandIn.Fail("ic4_prop_is_available", 13);
        Assert.Throws<FeatureException>(() => camera.Features.IsAvailable("Width"));
        Ic4StandIn.AssertNoLiveHandles(openCameras: 1);
    }

    [Fact]
    public void ConfigureSoftwareTrigger_AndTriggerTiming()
    {
        var backend = Ic4StandIn.Backend(1);
        using var camera = backend.Open("41000001");
        camera.ConfigureSoftwareTrigger(5000);
        var f = camera.Features;
        Assert.Equal(("FrameStart", "On", "Software", "Continuous"), (f.GetEnumeration("TriggerSelector"), f.GetEnumeration("TriggerMode"), f.GetEnumeration("TriggerSource"), f.GetEnumeration("AcquisitionMode")));
        var (exposureUs, busyNs) = camera.TriggerTiming;
        Assert.Equal(5000, exposureUs);
        Assert.Equal(5_000_000 + 3_333_333, busyNs); // exposure + 1 / 300 Hz (AcquisitionFrameRate's maximum)
        Assert.Throws<InvalidCaptureArgumentException>(() => camera.ConfigureSoftwareTrigger(-1));
        Assert.Throws<FeatureException>(() => camera.ConfigureSoftwareTrigger(10)); // below the stand-in's 20 µs minimum
        Assert.Equal(64 * 48, camera.FrameBytes);
    }
}
