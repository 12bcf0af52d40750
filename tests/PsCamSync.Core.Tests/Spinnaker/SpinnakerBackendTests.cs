using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Spinnaker;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Spinnaker;

/// <summary>Absence, marshalling, errors and the lifecycle of the Spinnaker backend against its stand-in library.</summary>
[Collection("Takes")] // the stand-in's cameras are process-wide state: its tests run one at a time
public sealed class SpinnakerBackendTests
{
    [Fact]
    public void NoCandidateLoads_ReasonSaysInstallTheSdk_AndNamesTheVariable()
    {
        var backend = new SpinnakerBackend(["libSpinnaker_C.so.99-not-here"], null);
        Assert.False(backend.IsAvailable);
        Assert.StartsWith("libSpinnaker_C.so.* not found; install the Spinnaker SDK for Linux arm64/x64", backend.UnavailableReason);
        Assert.Contains(SpinnakerBackend.LibraryOverrideVariable, backend.UnavailableReason);
        Assert.Empty(backend.Discover());
        var e = Assert.Throws<CameraException>(() => backend.Open("20000001"));
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void OverrideNamingAMissingFile_ReasonNamesTheVariableAndTheFile()
    {
        using var dir = new TempDirectory();
        string missing = dir.Combine("libSpinnaker_C.so.4");
        var backend = new SpinnakerBackend(SpinnakerLibrary.DefaultCandidates, missing);
        Assert.False(backend.IsAvailable);
        Assert.Contains(SpinnakerBackend.LibraryOverrideVariable, backend.UnavailableReason);
        Assert.Contains(missing, backend.UnavailableReason);
        Assert.Contains("no such file", backend.UnavailableReason);
    }

    [Fact]
    public void ALibraryWithoutTheExports_ReasonNamesTheMissingExport()
    {
        // libc loads but exports no Spinnaker function.
        var backend = new SpinnakerBackend([], "libc.so.6");
        Assert.False(backend.IsAvailable);
        Assert.Contains("has no 'spinSystemGetInstance'", backend.UnavailableReason);
    }

    [Fact]
    public void Layouts_MatchTheCSide()
    {
        SpinnakerStandIn.Reset();
        Assert.Equal(SpinnakerStandIn.Layout("sizeof(actionCommandResult)"), System.Runtime.InteropServices.Marshal.SizeOf<SpinnakerNative.ActionCommandResult>());
        Assert.Equal(SpinnakerStandIn.Layout("offsetof(actionCommandResult,DeviceAddress)"), (long)System.Runtime.InteropServices.Marshal.OffsetOf<SpinnakerNative.ActionCommandResult>(nameof(SpinnakerNative.ActionCommandResult.DeviceAddress)));
        Assert.Equal(SpinnakerStandIn.Layout("offsetof(actionCommandResult,Status)"), (long)System.Runtime.InteropServices.Marshal.OffsetOf<SpinnakerNative.ActionCommandResult>(nameof(SpinnakerNative.ActionCommandResult.Status)));
        Assert.Equal(sizeof(byte), SpinnakerStandIn.Layout("sizeof(bool8_t)"));
        Assert.Equal(sizeof(int), SpinnakerStandIn.Layout("sizeof(spinError)"));
        Assert.Equal(sizeof(int), SpinnakerStandIn.Layout("sizeof(spinNodeType)"));
        Assert.Equal(SpinnakerStandIn.Layout("sizeof(size_t)"), (long)IntPtr.Size);
        Assert.Equal(SpinnakerStandIn.Layout("sizeof(spinCamera)"), (long)IntPtr.Size);
    }

    [Fact]
    public void Discover_ListsTheStandInCameras_BySerial_WithAddressAndFormat_AndLeavesNoHandle()
    {
        var backend = SpinnakerStandIn.Backend();
        Assert.True(backend.IsAvailable, backend.UnavailableReason);
        SpinnakerStandIn.Usb(1, true);
        var cameras = backend.Discover();
        Assert.Equal(["20000001", "20000002"], cameras.Select(c => c.Id));
        Assert.All(cameras, c => Assert.Equal("Spinnaker", c.Backend));
        Assert.Equal("127.0.0.10", cameras[0].Address);
        Assert.Equal("", cameras[1].Address); // USB3
        Assert.Equal("FLIR", cameras[0].Vendor);
        Assert.Equal((64, 48, PixelFormat.Mono8), (cameras[0].Width, cameras[0].Height, cameras[0].PixelFormat));
        SpinnakerStandIn.AssertNoLiveHandles();
        SpinnakerStandIn.Reset();
    }

    [Fact]
    public void Open_BySerialOrAddress_InitsAndReleasesInOrder_AndDisposeLeavesNoHandle()
    {
        var backend = SpinnakerStandIn.Backend();
        SpinnakerStandIn.ClearLog();
        using (var camera = (SpinnakerCamera)backend.Open("20000002"))
        {
            Assert.Equal("20000002", camera.Info.Id);
            Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.0.11"), 3956), camera.GvcpEndPoint);
            Assert.True(camera.HasActionPort);
            Assert.Equal(1, SpinnakerStandIn.Live("camera"));
            Assert.Equal(0, SpinnakerStandIn.Live("cameralist")); // the list is gone once the camera is open
        }
        using (var byAddress = backend.Open("127.0.0.10"))
            Assert.Equal("20000001", byAddress.Info.Serial);
        SpinnakerStandIn.AssertNoLiveHandles();
        var log = SpinnakerStandIn.Log().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var first = log.TakeWhile(l => l != "ReleaseInstance").ToList();
        // GetInstance, the list cleared and destroyed after Init, then DeInit, Release and the system last.
        Assert.Equal("GetInstance", first[0]);
        int init = first.IndexOf("Init 20000002"), clear = first.IndexOf("ListClear"), deinit = first.IndexOf("DeInit 20000002"), release = first.IndexOf("Release 20000002");
        Assert.True(init >= 0 && init < clear && clear < deinit && deinit < release, string.Join(" | ", log));
        Assert.DoesNotContain(log, l => l.StartsWith("ReleaseInstance refused", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_UnknownSerial_IsCameraNotFound_InTheCameraIdStyle_AndLeavesNoHandle()
    {
        var backend = SpinnakerStandIn.Backend();
        var e = Assert.Throws<CameraNotFoundException>(() => backend.Open("31337"));
        Assert.StartsWith("-CameraId: Spinnaker found no camera with serial or address '31337'", e.Message);
        Assert.Contains("20000001 at 127.0.0.10", e.Message);
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void Open_WhenGetBySerialAnswersWithAnError_FindsTheCameraInTheList()
    {
        var backend = SpinnakerStandIn.Backend();
        SpinnakerStandIn.Fail("spinCameraListGetBySerial", -1014, 1);
        using (var camera = backend.Open("20000002"))
            Assert.Equal("20000002", camera.Info.Serial);
        SpinnakerStandIn.Fail("spinCameraListGetBySerial", -1014, 1);
        var e = Assert.Throws<CameraNotFoundException>(() => backend.Open("777"));
        Assert.Contains("spinCameraListGetBySerial answered SPINNAKER_ERR_NOT_AVAILABLE", e.Message);
        SpinnakerStandIn.Reset();
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void Open_InitFails_IsCameraException_WithTheErrorNameAndFunction_AndLeavesNoHandle()
    {
        var backend = SpinnakerStandIn.Backend();
        SpinnakerStandIn.Fail("spinCameraInit", -1010, 1);
        var e = Assert.Throws<CameraException>(() => backend.Open("20000001"));
        var inner = Assert.IsType<SpinnakerException>(e.InnerException);
        Assert.Equal(("SPINNAKER_ERR_IO", -1010, "spinCameraInit"), (inner.ErrorName, inner.Code, inner.Function));
        Assert.Contains("SPINNAKER_ERR_IO", e.Message);
        Assert.Contains("spinCameraInit", e.Message);
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Theory]
    [InlineData("spinSystemGetInstance", -1001, "SPINNAKER_ERR_ERROR")]
    [InlineData("spinSystemGetCameras", -1004, "SPINNAKER_ERR_RESOURCE_IN_USE")]
    [InlineData("spinCameraGetNodeMap", -1002, "SPINNAKER_ERR_NOT_INITIALIZED")]
    [InlineData("spinCameraGetTLDeviceNodeMap", -2004, "GENICAM_ERR_RUN_TIME")]
    public void EveryFailingCallOfOpen_BecomesASpinnakerExceptionNamingItsError_AndLeavesNoHandle(string function, int code, string name)
    {
        var backend = SpinnakerStandIn.Backend();
        SpinnakerStandIn.Fail(function, code, 1);
        var e = Assert.ThrowsAny<PsCamSyncException>(() => backend.Open("20000001"));
        var inner = Assert.IsType<SpinnakerException>(e.InnerException);
        Assert.Equal((name, code, function), (inner.ErrorName, inner.Code, inner.Function));
        Assert.Contains(name, e.Message);
        SpinnakerStandIn.Reset();
        SpinnakerStandIn.AssertNoLiveHandles();
    }

    [Fact]
    public void EveryErrorCode_HasItsHeaderName()
    {
        Assert.Equal("SPINNAKER_ERR_TIMEOUT", SpinnakerException.NameOf(-1011));
        Assert.Equal("GENICAM_ERR_ACCESS", SpinnakerException.NameOf(-2006));
        Assert.Equal("SPINNAKER_ERR_IM_COLOR_CONVERSION", SpinnakerException.NameOf(-3008));
        Assert.Equal("spinError(-42)", SpinnakerException.NameOf(-42));
        var e = new SpinnakerException(-1011, "spinCameraGetNextImageEx");
        Assert.Equal("spinCameraGetNextImageEx failed with SPINNAKER_ERR_TIMEOUT (-1011).", e.Message);
    }

    [Fact]
    public void FeatureMap_EnumsByEntryName_Types_Strings_AndErrors()
    {
        var backend = SpinnakerStandIn.Backend();
        using var camera = backend.Open("20000001");
        var f = camera.Features;
        Assert.Equal(FeatureType.Enumeration, f.GetFeatureType("TriggerSource"));
        Assert.Equal(FeatureType.Float, f.GetFeatureType("ExposureTime"));
        Assert.Equal(FeatureType.Command, f.GetFeatureType("TriggerSoftware"));
        Assert.Equal(["Software", "Line0", "Action0"], f.GetEnumerationEntries("TriggerSource"));
        f.SetEnumeration("TriggerSource", "Action0");
        Assert.Equal("Action0", f.GetEnumeration("TriggerSource"));
        f.SetEnumeration("TriggerSource", "Software");
        Assert.Equal("Software", f.GetEnumeration("TriggerSource"));
        Assert.Equal("20000001", f.GetString("DeviceSerialNumber"));
        f.SetString("DeviceUserID", "left-cam");
        Assert.Equal("left-cam", f.GetString("DeviceUserID"));
        f.SetFloat("ExposureTime", 2500);
        Assert.Equal(2500, f.GetFloat("ExposureTime"));
        f.SetInteger("Width", 80);
        Assert.Equal(80, f.GetInteger("Width"));
        f.SetInteger("Width", 64);
        f.SetBoolean("AcquisitionFrameRateEnable", true);
        Assert.True(f.GetBoolean("AcquisitionFrameRateEnable"));
        Assert.Contains("ActionSchedulerCommit", f.ListFeatures());
        Assert.False(f.IsAvailable("NoSuchFeature"));

        var noEntry = Assert.Throws<FeatureException>(() => f.SetEnumeration("TriggerSource", "Line7"));
        Assert.Contains("has no entry 'Line7' (it offers Software, Line0, Action0)", noEntry.Message);
        var wrongType = Assert.Throws<FeatureException>(() => f.GetInteger("ExposureTime"));
        Assert.Contains("ExposureTime is an IFloat, not an IInteger", wrongType.Message);
        var missing = Assert.Throws<FeatureException>(() => f.GetInteger("NoSuchFeature"));
        Assert.Equal("NoSuchFeature", missing.FeatureName);
        var range = Assert.Throws<FeatureException>(() => f.SetInteger("Width", 100_000));
        Assert.Equal("GENICAM_ERR_OUT_OF_RANGE", Assert.IsType<SpinnakerException>(range.InnerException).ErrorName);
        var readOnly = Assert.Throws<FeatureException>(() => f.SetString("DeviceSerialNumber", "1"));
        Assert.Equal("GENICAM_ERR_ACCESS", Assert.IsType<SpinnakerException>(readOnly.InnerException).ErrorName);
    }
}
