using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Aravis;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>Availability, discovery and opening, against three Aravis GigE Vision emulators.</summary>
[Collection(AravisEmulatorCollection.Name)]
public sealed class AravisBackendTests
{
    private readonly SharedFakeGvCameras _shared;

    public AravisBackendTests(SharedFakeGvCameras shared) => _shared = shared;

    [Fact]
    public void A_library_that_does_not_load_makes_the_backend_unavailable_with_the_reason()
    {
        var backend = new AravisBackend(new[] { "libpscamsync-no-such-aravis.so.0" });

        Assert.False(backend.IsAvailable);
        Assert.Contains("libpscamsync-no-such-aravis.so.0", backend.UnavailableReason);
        Assert.Contains("libaravis-0.8-0", backend.UnavailableReason);
        Assert.Empty(backend.Discover());
        var ex = Assert.Throws<CameraException>(() => backend.Open("127.0.0.1"));
        Assert.Contains("unavailable", ex.Message);
    }

    [RequiresFact(FakeGvCameras.Program)]
    public void The_installed_libaravis_loads()
    {
        var backend = new AravisBackend();

        Assert.True(backend.IsAvailable, backend.UnavailableReason);
        Assert.Null(backend.UnavailableReason);
        Assert.Equal("Aravis", backend.Name);
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void Discovery_finds_each_emulator_with_its_region_and_format()
    {
        var fakes = _shared.Get();
        IReadOnlyList<CameraInfo> found = Array.Empty<CameraInfo>();
        fakes.Run(() => found = new AravisBackend().Discover());

        Assert.Equal(fakes.Cameras.Count, found.Count);
        foreach (var fake in fakes.Cameras)
        {
            var info = Assert.Single(found, i => i.Serial == fake.Serial);
            Assert.Equal("Aravis", info.Backend);
            Assert.Equal(fake.Id, info.Id);
            Assert.Equal("Aravis", info.Vendor);
            Assert.Equal("Fake", info.Model);
            Assert.Equal(fake.Address, info.Address);
            Assert.Equal(512, info.Width);
            Assert.Equal(512, info.Height);
            Assert.Equal(PixelFormat.Mono8, info.PixelFormat);
        }
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void Each_emulator_opens_by_id_by_serial_and_by_address()
    {
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            var backend = new AravisBackend();
            foreach (var fake in fakes.Cameras)
            {
                foreach (var key in new[] { fake.Id, fake.Serial, fake.Address })
                {
                    using var camera = backend.Open(key);
                    var info = camera.Info;
                    Assert.Equal(fake.Id, info.Id);
                    Assert.Equal(fake.Serial, info.Serial);
                    Assert.Equal(fake.Address, info.Address);
                    Assert.Equal((512, 512, PixelFormat.Mono8), (info.Width, info.Height, info.PixelFormat));
                    // The serial is also a feature of the device, so this proves we talk to the right emulator.
                    Assert.Equal(fake.Serial, camera.Features.GetString("DeviceID"));
                }
            }
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void The_session_helper_opens_an_emulator_through_the_backend_list()
    {
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            using var camera = CameraBackends.Open(fakes.Cameras[1].Serial, "Aravis", new ICameraBackend[] { new AravisBackend() });
            Assert.Equal(fakes.Cameras[1].Id, camera.Info.Id);
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void An_unknown_id_or_address_is_not_found_and_the_message_lists_what_was_found()
    {
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            var backend = new AravisBackend();

            var byId = Assert.Throws<CameraNotFoundException>(() => backend.Open("Aravis-Fake-NOSUCH"));
            Assert.Equal("Aravis-Fake-NOSUCH", byId.CameraId);
            Assert.Contains("Aravis-Fake-NOSUCH", byId.Message);
            Assert.Contains(fakes.Cameras[0].Id, byId.Message);

            var byAddress = Assert.Throws<CameraNotFoundException>(() => backend.Open("127.0.0.250"));
            Assert.Equal("127.0.0.250", byAddress.CameraId);
            Assert.Contains("127.0.0.250", byAddress.Message);
        });
    }

    [RequiresFact(FakeGvCameras.Program, "ip", "root")]
    public void A_key_shared_by_several_cameras_is_rejected_as_ambiguous()
    {
        // Every emulator reports the MAC address 00:00:00:00:00:00.
        var fakes = _shared.Get();
        fakes.Run(() =>
        {
            var ex = Assert.Throws<InvalidCaptureArgumentException>(() => new AravisBackend().Open("00:00:00:00:00:00"));
            Assert.Equal("CameraId", ex.ParameterName);
            foreach (var fake in fakes.Cameras)
                Assert.Contains(fake.Id, ex.Message);
        });
    }

    [Fact]
    public void Matching_prefers_the_id_then_the_serial_then_the_mac_then_the_address()
    {
        var a = new AravisBackend.DeviceEntry("V-M-1", "aa:bb", "10.0.0.1", "V", "M", "1", "GigEVision");
        var b = new AravisBackend.DeviceEntry("V-M-V-M-1", "cc:dd", "10.0.0.2", "V", "M", "V-M-1", "GigEVision");
        var devices = new[] { a, b };

        Assert.Same(a, AravisBackend.Match(devices, "V-M-1"));      // id of a beats serial of b
        Assert.Same(b, AravisBackend.Match(devices, "V-M-V-M-1"));
        Assert.Same(a, AravisBackend.Match(devices, "1"));
        Assert.Same(b, AravisBackend.Match(devices, "cc:dd"));
        Assert.Same(b, AravisBackend.Match(devices, "10.0.0.2"));
        Assert.Null(AravisBackend.Match(devices, "v-m-1"));         // ordinal: ids are case-sensitive
    }
}
