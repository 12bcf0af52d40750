using System.Runtime.InteropServices;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.IC4;

namespace PsCamSync.Core.Tests.IC4;

/// <summary>
/// The structs the IC4 backend passes to libic4core have C's sizes and offsets (as the stand-in, compiled from the
/// published declarations, reports them), and every failing call becomes an <see cref="Ic4Exception"/> with the
/// IC4_ERROR name, the function and the library's own message.
/// </summary>
[Collection("Takes")]
public sealed class Ic4MarshallingTests
{
    [Theory]
    [InlineData(typeof(Ic4Native.InitConfig), "IC4_INIT_CONFIG", new[] { "ApiLogLevel:api_log_level", "InternalLogLevel:internal_log_level", "LogTargets:log_targets", "LogFile:log_file", "Reserved0:reserved0" })]
    [InlineData(typeof(Ic4Native.QueueSinkCallbacks), "IC4_QUEUESINK_CALLBACKS", new[] { "Release:release", "SinkConnected:sink_connected", "SinkDisconnected:sink_disconnected", "FramesQueued:frames_queued" })]
    [InlineData(typeof(Ic4Native.QueueSinkConfig), "IC4_QUEUESINK_CONFIG", new[] { "Callbacks:callbacks", "CallbackContext:callback_context", "PixelFormats:pixel_formats", "NumPixelFormats:num_pixel_formats", "Allocator:allocator", "AllocatorContext:allocator_context", "MaxOutputBuffers:max_output_buffers" })]
    [InlineData(typeof(Ic4Native.AllocatorCallbacks), "IC4_ALLOCATOR_CALLBACKS", new string[0])]
    [InlineData(typeof(Ic4Native.FrameMetadata), "IC4_FRAME_METADATA", new[] { "DeviceFrameNumber:device_frame_number", "DeviceTimestampNs:device_timestamp_ns" })]
    [InlineData(typeof(Ic4Native.ImageType), "IC4_IMAGE_TYPE", new[] { "PixelFormat:pixel_format", "Width:width", "Height:height" })]
    public void Structs_HaveCsSizesAndOffsets(Type type, string cName, string[] fields)
    {
        Ic4StandIn.Backend();
        Assert.Equal(Ic4StandIn.SizeOf(cName), Marshal.SizeOf(type));
        foreach (var pair in fields)
        {
            var (managed, c) = (pair.Split(':')[0], pair.Split(':')[1]);
            Assert.Equal(Ic4StandIn.OffsetOf(cName, c), (long)Marshal.OffsetOf(type, managed));
        }
    }

    [Fact]
    public void Init_IsCalledOnce_WithReservedZero_AndLogLevels_AndExitIsNeverCalled()
    {
        Ic4StandIn.Backend();
        Ic4StandIn.Backend(); // a second backend does not initialise again
        Assert.Equal(1, Ic4StandIn.Counter("init"));
        var log = Ic4StandIn.Log();
        Assert.StartsWith("init(api=1,internal=0,targets=0)", log);
        Assert.Equal(1, log.Split(',').Count(e => e.StartsWith("init(", StringComparison.Ordinal)));
        Assert.DoesNotContain("exit", log.Split(','));
    }

    [Fact]
    public void InitWithANonZeroReservedField_IsRefused_AsInvalidParamVal_WithTheLibrarysMessage()
    {
        Ic4StandIn.Backend();
        var config = new Ic4Native.InitConfig { ApiLogLevel = 1, Reserved0 = 0xDEAD };
        Assert.False(Ic4Native.ic4_init_library(in config));
        var e = Ic4Exception.FromLastError("ic4_init_library");
        Assert.Equal("IC4_ERROR_INVALID_PARAM_VAL", e.ErrorName);
        Assert.Equal(7, e.Code);
        Assert.Equal("ic4_init_library", e.Function);
        Assert.Contains("reserved0 must be 0 (got 0xdead)", e.LibraryMessage);
        Assert.Equal(1, Ic4StandIn.Counter("init"));
    }

    [Fact]
    public unsafe void LastError_UsesTheTwoCallSizePattern_AndATooSmallBufferIsRefused()
    {
        Ic4StandIn.Backend();
        Assert.False(Ic4Native.ic4_grabber_device_open_by_identifier(new Ic4Handle(), "x")); // NULL grabber
        nuint size = 0;
        Assert.True(Ic4Native.ic4_get_last_error(out int code, null, ref size));
        Assert.Equal(7, code);
        Assert.True(size > 10);
        var small = stackalloc byte[4];
        nuint four = 4;
        Assert.False(Ic4Native.ic4_get_last_error(out _, small, ref four));
        Assert.Equal(size, four); // the required length comes back
        var e = Ic4Exception.FromLastError("ic4_grabber_device_open_by_identifier");
        Assert.Equal("ic4_grabber_device_open_by_identifier: NULL argument", e.LibraryMessage);
        Assert.Equal("ic4_grabber_device_open_by_identifier failed: IC4_ERROR_INVALID_PARAM_VAL (7): ic4_grabber_device_open_by_identifier: NULL argument", e.Message);
    }

    [Fact]
    public void EveryHeaderErrorValue_HasItsName()
    {
        int[] values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 101, 102, 103, 106, 107, 108, 109, 50, 52, 53, 201, 202, 203, 204, 13, 16, 17, 18, 21, 27, 34, 38, 39, 40, 41, 60, 61];
        Assert.All(values, v => Assert.StartsWith("IC4_ERROR_", Ic4Exception.NameOf(v)));
        Assert.Equal(values.Length, values.Select(Ic4Exception.NameOf).Distinct().Count());
        Assert.Equal("IC4_ERROR_TIMEOUT", Ic4Exception.NameOf(27));
        Assert.Equal("IC4_ERROR_(999)", Ic4Exception.NameOf(999));
    }

    [Theory]
    [InlineData("ic4_grabber_create", 4, "IC4_ERROR_OUT_OF_MEMORY")]
    [InlineData("ic4_grabber_device_open_by_identifier", 17, "IC4_ERROR_DEVICE_ERROR")]
    [InlineData("ic4_grabber_device_get_property_map", 6, "IC4_ERROR_DRIVER_ERROR")]
    public void AFailingCallDuringOpen_IsACameraException_WithTheIc4ErrorInside_AndLeavesNothingAlive(string function, int error, string name)
    {
        var backend = Ic4StandIn.Backend();
        Ic4StandIn.Fail(function, error);
        var e = Assert.Throws<CameraException>(() => backend.Open("41000001"));
        var inner = e.InnerException as Ic4Exception;
        if (function == "ic4_grabber_create")
            Assert.Contains(name, e.Message);
        else
        {
            Assert.NotNull(inner);
            Assert.Equal(name, inner!.ErrorName);
            Assert.Equal(function, inner.Function);
            Assert.Contains($"injected failure of {function}", inner.LibraryMessage);
        }
        Ic4StandIn.AssertNoLiveHandles();
        using var camera = backend.Open("41000001"); // the fault was one call only
        Assert.Equal("41000001", camera.Info.Id);
    }

    [Fact]
    public void ATimeoutFromTheLibrary_KeepsItsName()
    {
        var backend = Ic4StandIn.Backend();
        using var camera = backend.Open("41000002");
        Ic4StandIn.Fail("ic4_propmap_get_value_double", 27);
        var e = Assert.Throws<FeatureException>(() => camera.Features.GetFloat("ExposureTime"));
        Assert.Equal("ExposureTime", e.FeatureName);
        var inner = Assert.IsType<Ic4Exception>(e.InnerException);
        Assert.Equal(("IC4_ERROR_TIMEOUT", 27, "ic4_propmap_get_value_double"), (inner.ErrorName, inner.Code, inner.Function));
        Assert.Contains("41000002: ExposureTime: ic4_propmap_get_value_double failed: IC4_ERROR_TIMEOUT (27)", e.Message);
    }
}
