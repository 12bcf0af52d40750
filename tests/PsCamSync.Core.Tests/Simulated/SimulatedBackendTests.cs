using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;

namespace PsCamSync.Core.Tests.Simulated;

public class SimulatedBackendTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    [InlineData(-1)]
    public void Constructor_RejectsCountsOutside1To64_NamingSimulated(int count)
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => new SimulatedBackend(count));
        Assert.Equal("Simulated", e.ParameterName);
        Assert.Contains("1-64", e.Message);
    }

    [Fact]
    public void Constructor_RejectsACallbackThatMakesABadModel_NamingTheOption()
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => new SimulatedBackend(3, (k, o) => { if (k == 2) o.Width = 0; }));
        Assert.Equal("Width", e.ParameterName);
    }

    [Fact]
    public void Discover_ListsCountCameras_WithIdsSerialsAndConfiguredSizes()
    {
        var backend = new SimulatedBackend(3, (k, o) => o.Width = 640 + 32 * k);
        var list = backend.Discover();

        Assert.Equal(3, list.Count);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(new CameraInfo("Simulated", $"sim-{k}", "PsCamSync", "Simulated Camera", $"SIM00{k}", "",
                640 + 32 * k, 480, PixelFormat.Mono8), list[k]);
        }
        Assert.True(backend.IsAvailable);
        Assert.Null(backend.UnavailableReason);
        Assert.Equal("Simulated", backend.Name);
    }

    [Theory]
    [InlineData("sim-1", 1)]
    [InlineData("SIM-1", 1)]
    [InlineData("SIM001", 1)]
    [InlineData("sim001", 1)]
    [InlineData("sim-63", 63)] // not listed by a 2-camera backend, still opens
    [InlineData("SIM063", 63)]
    [InlineData(" sim-0 ", 0)]
    public void Open_AcceptsIdOrSerial(string text, int index)
    {
        using var camera = new SimulatedBackend(2).OpenCamera(text);
        Assert.Equal(index, camera.Index);
        Assert.Equal($"sim-{index}", camera.Id);
        Assert.Equal($"sim-{index}", camera.Info.Id);
        Assert.Equal($"sim-{index}", camera.Features.GetString("DeviceID"));
        Assert.Equal($"SIM{index:D3}", camera.Features.GetString("DeviceSerialNumber"));
    }

    [Theory]
    [InlineData("sim-64")]
    [InlineData("sim-01")]
    [InlineData("sim-")]
    [InlineData("sim--1")]
    [InlineData("SIM64")]
    [InlineData("SIM0001")]
    [InlineData("SIM064")]
    [InlineData("127.0.0.1")]
    [InlineData("Aravis-Fake-GV01")]
    [InlineData("")]
    public void Open_UnknownIds_ThrowCameraNotFound(string text)
    {
        var e = Assert.Throws<CameraNotFoundException>(() => new SimulatedBackend(2).Open(text));
        Assert.Equal(text, e.CameraId);
        Assert.Contains("sim-0 .. sim-63", e.Message);
    }

    [Fact]
    public void Open_AppliesTheCallback_AlsoToUnlistedCameras()
    {
        using var camera = new SimulatedBackend(1, (k, o) => o.ExposureUs = 100 + k).OpenCamera("sim-5");
        Assert.Equal(105, camera.Features.GetFloat("ExposureTime"));
    }

    [Fact]
    public void DefaultOptions_AreTheDocumentedDeterministicModel()
    {
        for (int k = 0; k < SimulatedBackend.MaxCameras; k++)
        {
            var a = SimulatedBackend.DefaultOptions(k);
            var b = SimulatedBackend.DefaultOptions(k);
            Assert.NotSame(a, b);
            Assert.Equal((640, 480, PixelFormat.Mono8, 240.0, 2000.0, 1000.0, 10.0, (long?)null),
                (a.Width, a.Height, a.PixelFormat, a.MaxFrameRateHz, a.ReadoutUs, a.ExposureUs, a.TriggerLatencyUs, a.ClockReferenceNs));
            Assert.Equal(k * 1_500_000L, a.ClockOffsetNs);
            Assert.Equal((k - 1) * 2.0, a.ClockDriftPpm);
            Assert.Equal((a.ClockOffsetNs, a.ClockDriftPpm), (b.ClockOffsetNs, b.ClockDriftPpm));
            a.Validate();
        }
        Assert.Equal(-2.0, SimulatedBackend.DefaultOptions(0).ClockDriftPpm);
        Assert.Equal(3_000_000L, SimulatedBackend.DefaultOptions(2).ClockOffsetNs);
        Assert.Throws<InvalidCaptureArgumentException>(() => SimulatedBackend.DefaultOptions(64));
        Assert.Throws<InvalidCaptureArgumentException>(() => SimulatedBackend.DefaultOptions(-1));
    }

    [Theory]
    [InlineData(nameof(SimulatedCameraOptions.Width), 31.0)]
    [InlineData(nameof(SimulatedCameraOptions.Width), 8193.0)]
    [InlineData(nameof(SimulatedCameraOptions.Height), 0.0)]
    [InlineData(nameof(SimulatedCameraOptions.ExposureUs), 9.0)]
    [InlineData(nameof(SimulatedCameraOptions.ExposureUs), double.NaN)]
    [InlineData(nameof(SimulatedCameraOptions.ReadoutUs), 0.0)]
    [InlineData(nameof(SimulatedCameraOptions.MaxFrameRateHz), 0.5)]
    [InlineData(nameof(SimulatedCameraOptions.TriggerLatencyUs), -1.0)]
    [InlineData(nameof(SimulatedCameraOptions.ClockDriftPpm), 1001.0)]
    public void Validate_NamesTheBadOption(string property, double value)
    {
        var o = SimulatedBackend.DefaultOptions(0);
        var p = typeof(SimulatedCameraOptions).GetProperty(property)!;
        p.SetValue(o, p.PropertyType == typeof(int) ? (object)(int)value : value);
        var e = Assert.Throws<InvalidCaptureArgumentException>(o.Validate);
        Assert.Equal(property, e.ParameterName);
    }

    [Fact]
    public void Validate_RejectsUndefinedPixelFormat()
    {
        var o = new SimulatedCameraOptions { PixelFormat = (PixelFormat)42 };
        Assert.Equal("PixelFormat", Assert.Throws<InvalidCaptureArgumentException>(o.Validate).ParameterName);
    }

    [Fact]
    public void CameraBackends_CreatesAndOpensTheSimulatedBackend()
    {
        var backend = CameraBackends.Create("simulated", 4);
        Assert.Equal(4, backend.Discover().Count);
        using var camera = CameraBackends.Open("SIM003", null, new[] { backend });
        Assert.Equal("sim-3", camera.Info.Id);
        Assert.Throws<CameraNotFoundException>(() => CameraBackends.Open("sim-99", "Simulated", new[] { backend }));
    }
}
