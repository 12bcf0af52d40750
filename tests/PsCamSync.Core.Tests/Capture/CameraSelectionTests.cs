using PsCamSync.Core.Capture;
using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Tests.Capture;

public class CameraSelectionTests
{
    private static string Show(IReadOnlyList<BackendChoice> choices) =>
        string.Join(",", choices.Select(c => $"{c.Name}:{(c.Named ? "named" : "all")}:{c.SimulatedCount}"));

    [Fact]
    public void WithoutArguments_EveryRealBackendIsAsked_AndNoSimulatedCamera() =>
        Assert.Equal("Aravis:all:0,Spinnaker:all:0,IC4:all:0", Show(CameraSelection.ForDiscovery(null, null)));

    [Fact]
    public void SimulatedCount_AddsTheSimulatedBackend()
    {
        Assert.Equal("Simulated:all:5,Aravis:all:0,Spinnaker:all:0,IC4:all:0", Show(CameraSelection.ForDiscovery(Array.Empty<string>(), 5)));
        Assert.Equal("Aravis:all:0,Spinnaker:all:0,IC4:all:0", Show(CameraSelection.ForDiscovery(null, 0)));
    }

    [Fact]
    public void NamingSimulated_OffersTheDefaultRig_OrTheCountGiven()
    {
        Assert.Equal($"Simulated:named:{CameraSelection.DefaultSimulatedCount}", Show(CameraSelection.ForDiscovery(new[] { "simulated" }, null)));
        Assert.Equal("Simulated:named:7", Show(CameraSelection.ForDiscovery(new[] { "Simulated" }, 7)));
    }

    [Fact]
    public void NamedBackends_AreTheOnlyOnesAsked_PlusSimulatedWhenACountIsGiven()
    {
        Assert.Equal("Aravis:named:0", Show(CameraSelection.ForDiscovery(new[] { "ARAVIS" }, null)));
        Assert.Equal("Simulated:all:2,Aravis:named:0", Show(CameraSelection.ForDiscovery(new[] { "Aravis" }, 2)));
    }

    [Fact]
    public void UnknownBackend_OrCountOutOfRange_IsRejected_NamingTheParameter()
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => CameraSelection.ForDiscovery(new[] { "Basler" }, null));
        Assert.Equal("Backend", e.ParameterName);
        Assert.Contains("Simulated, Aravis, Spinnaker, IC4", e.Message);
        Assert.Equal("Simulated", Assert.Throws<InvalidCaptureArgumentException>(() => CameraSelection.ForDiscovery(null, 65)).ParameterName);
        Assert.Equal("Simulated", Assert.Throws<InvalidCaptureArgumentException>(() => CameraSelection.ForDiscovery(null, -1)).ParameterName);
    }

    [Fact]
    public void CheckRequests_NormalisesBackends_AndKeepsOrder()
    {
        var checkedRequests = CameraSelection.CheckRequests(new[]
        {
            new CameraRequest(" sim-2 ", "simulated"), new CameraRequest("sim-0", null), new CameraRequest("Fake-GV01", ""),
        });
        Assert.Equal(new[] { new CameraRequest("sim-2", "Simulated"), new CameraRequest("sim-0", null), new CameraRequest("Fake-GV01", null) }, checkedRequests);
    }

    [Fact]
    public void CheckRequests_RejectsNoCamera_EmptyIds_Duplicates_AndUnknownBackends()
    {
        Assert.Equal("CameraId", Assert.Throws<InvalidCaptureArgumentException>(() => CameraSelection.CheckRequests(Array.Empty<CameraRequest>())).ParameterName);
        Assert.Equal("CameraId", Assert.Throws<InvalidCaptureArgumentException>(() => CameraSelection.CheckRequests(new[] { new CameraRequest(" ", null) })).ParameterName);
        var dup = Assert.Throws<InvalidCaptureArgumentException>(() => CameraSelection.CheckRequests(new[]
        {
            new CameraRequest("sim-1", "Simulated"), new CameraRequest("SIM-1", null),
        }));
        Assert.Equal("CameraId", dup.ParameterName);
        Assert.Contains("twice", dup.Message);
        Assert.Equal("Backend", Assert.Throws<InvalidCaptureArgumentException>(() => CameraSelection.CheckRequests(new[] { new CameraRequest("x", "Vimba") })).ParameterName);
    }

    [Fact]
    public void SimulatedCountFor_CoversTheHighestSimIndex_OfSimulatedOrUnspecifiedBackends()
    {
        Assert.Equal(1, CameraSelection.SimulatedCountFor(Array.Empty<CameraRequest>()));
        Assert.Equal(6, CameraSelection.SimulatedCountFor(new[] { new CameraRequest("sim-5", null), new CameraRequest("sim-1", "Simulated") }));
        Assert.Equal(1, CameraSelection.SimulatedCountFor(new[] { new CameraRequest("sim-9", "Aravis"), new CameraRequest("sim-x", null), new CameraRequest("sim-64", null) }));
        Assert.Equal(64, CameraSelection.SimulatedCountFor(new[] { new CameraRequest("SIM-63", null) }));
    }

    [Fact]
    public void TheBackendNamesAreThoseOfCameraBackends() =>
        Assert.All(CameraBackends.Names, n => Assert.Equal(n, CameraSelection.Canonical(n.ToUpperInvariant())));
}
