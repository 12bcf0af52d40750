using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.IC4;

namespace PsCamSync.Core.Tests.IC4;

/// <summary>
/// The IC4 backend's absence messages, discovery, opening and lifecycle against the stand-in: identities, errors by
/// IC4_ERROR, init once, and no IC4 object left alive after Dispose, Abandon or a failed Open.
/// </summary>
[Collection("Takes")]
public sealed class Ic4BackendTests
{
    private static void WithOverride(string? value, Action body)
    {
        var saved = Environment.GetEnvironmentVariable(Ic4Backend.LibraryOverrideVariable);
        Environment.SetEnvironmentVariable(Ic4Backend.LibraryOverrideVariable, value);
        try { body(); }
        finally { Environment.SetEnvironmentVariable(Ic4Backend.LibraryOverrideVariable, saved); }
    }

    [Fact]
    public void MissingLibrary_IsUnavailable_WithTheInstallHint_AndConstructingNeverThrows()
    {
        WithOverride(null, () =>
        {
            var backend = new Ic4Backend(["/nonexistent/libic4core.so", "/nonexistent/libic4core.so.1"]);
            Assert.Equal("IC4", backend.Name);
            Assert.False(backend.IsAvailable);
            Assert.StartsWith("libic4core.so not found; install IC Imaging Control 4 (ic4) for Linux arm64/x64 (or set PSCAMSYNC_IC4_LIBRARY to the library's path)", backend.UnavailableReason);
            Assert.Empty(backend.Discover());
            var e = Assert.Throws<CameraException>(() => backend.Open("41000001"));
            Assert.Contains("the IC4 backend is unavailable: libic4core.so not found", e.Message);
        });
    }

    [Fact]
    public void DefaultCandidates_AreTheDevelopmentLinkAndTheSoname()
    {
        Assert.Equal(new[] { "libic4core.so", "libic4core.so.1" }, Ic4Library.DefaultCandidates);
        Assert.Equal("PSCAMSYNC_IC4_LIBRARY", Ic4Backend.LibraryOverrideVariable);
        _ = new Ic4Backend(); // probing is deferred: constructing does not load anything
    }

    [Fact]
    public void AnOverridePointingAtAMissingFile_NamesTheVariable()
    {
        WithOverride("/nonexistent/dir/libic4core.so", () =>
        {
            var reason = new Ic4Backend(["libic4core.so"]).UnavailableReason;
            Assert.StartsWith("PSCAMSYNC_IC4_LIBRARY is set to '/nonexistent/dir/libic4core.so', which could not be loaded (no such file)", reason);
        });
    }

    [Fact]
    public void AnOverridePointingAtAnotherLibrary_NamesTheMissingExport()
    {
        WithOverride("libc.so.6", () =>
        {
            var reason = new Ic4Backend(["libic4core.so"]).UnavailableReason;
            Assert.Equal("libc.so.6 loaded but has no 'ic4_init_library'; it is not IC Imaging Control 4's libic4core (install ic4 1.0 or later).", reason);
        });
    }

    [Fact]
    public void Discover_ListsEveryStandInCamera_WithItsFormat_AndLeavesNothingAlive()
    {
        var backend = Ic4StandIn.Backend(3);
        var found = backend.Discover();
        Assert.Equal(new[] { "41000001", "41000002", "41000003" }, found.Select(c => c.Id));
        Assert.All(found, c =>
        {
            Assert.Equal("IC4", c.Backend);
            Assert.Equal("The Imaging Source", c.Vendor);
            Assert.Equal("DFK 33UX252-SI", c.Model);
            Assert.Equal(c.Id, c.Serial);
            Assert.Equal("", c.Address); // USB3: no IPv4 address
            Assert.Equal((64, 48, PixelFormat.Mono8), (c.Width, c.Height, c.PixelFormat));
        });
        Ic4StandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void Discover_ReadsAnOpenCamera_ThroughItsOwnGrabber()
    {
        var backend = Ic4StandIn.Backend(2);
        using var camera = backend.Open("41000002");
        camera.Features.SetInteger("Width", 128);
        var found = backend.Discover();
        Assert.Equal(128, found.Single(c => c.Id == "41000002").Width);
        Assert.Equal(1, Ic4StandIn.Live("grabber"));
    }

    [Fact]
    public void Open_BySerialOrUniqueName_GivesTheSameCamera()
    {
        var backend = Ic4StandIn.Backend(2);
        using (var bySerial = backend.Open("41000002"))
        {
            Assert.Equal("41000002", bySerial.Info.Id);
            Assert.Null(bySerial.GvcpEndPoint);
        }
        using var byUnique = backend.Open("USB3Vision-41000002");
        Assert.Equal("41000002", byUnique.Info.Serial);
    }

    [Fact]
    public void AGigECamera_HasItsGevCurrentIPAddress_AsAddressAndGvcpEndPoint()
    {
        var backend = Ic4StandIn.Backend(2);
        Ic4StandIn.SetGige(0, System.Net.IPAddress.Parse("192.168.7.21"));
        using var gige = backend.Open("41000001");
        using var usb = backend.Open("41000002");
        Assert.Equal("192.168.7.21", gige.Info.Address);
        Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("192.168.7.21"), 3956), gige.GvcpEndPoint);
        Assert.Contains("GevCurrentIPAddress", gige.Features.ListFeatures());
        Assert.Equal("", usb.Info.Address);
        Assert.Null(usb.GvcpEndPoint);
        Assert.DoesNotContain("GevCurrentIPAddress", usb.Features.ListFeatures());
        Assert.Equal("192.168.7.21", backend.Discover().Single(c => c.Id == "41000001").Address);
    }

    [Fact]
    public void Open_AnUnknownId_IsCameraNotFound_ListingTheCameras()
    {
        var backend = Ic4StandIn.Backend(2);
        var e = Assert.Throws<CameraNotFoundException>(() => backend.Open("12345678"));
        Assert.Equal("12345678", e.CameraId);
        Assert.Contains("-CameraId: IC4 found no camera with serial, unique name, user id or address '12345678' (found: 41000001 (DFK 33UX252-SI), 41000002 (DFK 33UX252-SI))", e.Message);
        Ic4StandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void Open_AnAmbiguousId_NamesTheParameter()
    {
        var backend = Ic4StandIn.Backend(2);
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => backend.Open("DFK 33UX252-SI"));
        Assert.Equal("CameraId", e.ParameterName);
        Assert.Contains("matches several IC4 cameras", e.Message);
        Ic4StandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void Open_ACameraOpenedTwice_IsACameraException_WithTheDeviceError()
    {
        var backend = Ic4StandIn.Backend(1);
        using var first = backend.Open("41000001");
        var e = Assert.Throws<CameraException>(() => backend.Open("41000001"));
        Assert.Equal("IC4_ERROR_DEVICE_ERROR", Assert.IsType<Ic4Exception>(e.InnerException).ErrorName);
        Assert.Equal(1, Ic4StandIn.Live("grabber"));
    }

    [Fact]
    public void Dispose_ReleasesEverything_InOrder()
    {
        var backend = Ic4StandIn.Backend(1);
        var camera = backend.Open("41000001");
        var target = new Ic4Target(camera.FrameBytes);
        camera.ConfigureSoftwareTrigger(1000);
        camera.StartAcquisition(target);
        camera.Dispose();
        camera.Dispose(); // twice is harmless
        Ic4StandIn.AssertNoLiveHandles();
        var log = Ic4StandIn.Log().Split(',');
        int open = Array.LastIndexOf(log, "open(41000001)");
        Assert.Equal(new[] { "open(41000001)", "stream_setup", "stream_stop", "sink_release", "close(41000001)" }, log[open..]);
        Assert.Throws<ObjectDisposedException>(() => camera.Trigger(0));
    }

    [Fact]
    public void Abandon_OfAVanishedCamera_AsksTheDeviceNothing_AndReleasesEverything()
    {
        var backend = Ic4StandIn.Backend(2);
        var camera = backend.Open("41000002");
        var target = new Ic4Target(camera.FrameBytes);
        camera.ConfigureSoftwareTrigger(1000);
        camera.StartAcquisition(target);
        Ic4StandIn.Vanish(1);
        var fault = Assert.Throws<FeatureException>(() => camera.Features.GetInteger("Width"));
        Assert.Equal("IC4_ERROR_DEVICE_INVALID", Assert.IsType<Ic4Exception>(fault.InnerException).ErrorName);
        camera.Trigger(0); // streaming: the failure goes to the target
        Assert.Contains(target.Faults, f => f.Message.Contains("IC4_ERROR_DEVICE_INVALID", StringComparison.Ordinal));
        camera.Abandon();
        camera.Dispose(); // does nothing more
        Ic4StandIn.AssertNoLiveHandles();
        Assert.DoesNotContain(backend.Discover(), c => c.Id == "41000002");
    }
}
