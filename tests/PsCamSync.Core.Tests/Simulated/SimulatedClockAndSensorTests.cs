using PsCamSync.Core.Cameras.Simulated;

namespace PsCamSync.Core.Tests.Simulated;

public class SimulatedDeviceClockTests
{
    private const long Ref = 1_790_000_000_000_000_000;

    [Fact]
    public void ToDeviceNs_IsHostPlusOffsetPlusDriftSinceTheReference()
    {
        var clock = new SimulatedDeviceClock(offsetNs: 1_500_000, driftPpm: 2, referenceHostNs: Ref);
        Assert.Equal(Ref + 1_500_000, clock.ToDeviceNs(Ref));
        // 1 s after the reference a +2 ppm clock has gained 2 µs.
        Assert.Equal(Ref + 1_000_000_000 + 1_500_000 + 2_000, clock.ToDeviceNs(Ref + 1_000_000_000));
        // 1 h before it, it is 7.2 ms behind its offset.
        Assert.Equal(Ref - 3_600_000_000_000 + 1_500_000 - 7_200_000, clock.ToDeviceNs(Ref - 3_600_000_000_000));
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(-4_000_000, -2.0)]
    [InlineData(123_456_789, 999.0)]
    public void ToHostNs_InvertsToDeviceNs_WithinOneNanosecond(long offset, double ppm)
    {
        var clock = new SimulatedDeviceClock(offset, ppm, Ref);
        foreach (long dt in new[] { 0L, 1L, 999_999_937L, -86_400_000_000_000L, 86_400_000_000_000L })
            Assert.InRange(clock.ToHostNs(clock.ToDeviceNs(Ref + dt)) - (Ref + dt), -1, 1);
    }

    [Fact]
    public void Adjust_KeepsTheClockContinuous_ThenStepsAndChangesRate()
    {
        var clock = new SimulatedDeviceClock(1_000, 10, Ref);
        long at = Ref + 5_000_000_000; // 5 s later: +50 µs of drift
        long before = clock.ToDeviceNs(at);
        clock.Adjust(at, stepNs: 0, driftPpm: 0);
        Assert.Equal(before, clock.ToDeviceNs(at));
        Assert.Equal(before + 1_000_000_000, clock.ToDeviceNs(at + 1_000_000_000)); // now at the host's rate

        clock.Adjust(at, stepNs: -51_000, driftPpm: 0);
        Assert.Equal(at, clock.ToDeviceNs(at)); // stepped onto the host
        Assert.Equal(0, clock.OffsetNs);
    }
}

public class SimulatedSensorTests
{
    private const long T = 1_000_000_000_000;

    private static SimulatedSensor Sensor(long exposureNs, long readoutNs, bool overlap) =>
        new() { ExposureNs = exposureNs, ReadoutNs = readoutNs, OverlapReadOut = overlap };

    [Fact]
    public void OverlapOff_IsBusyFromExposureStartToReadoutEnd()
    {
        var s = Sensor(1_000_000, 2_000_000, overlap: false);
        Assert.Equal(3_000_000, s.BusyNs);
        Assert.True(s.TryStartExposure(T, out long ready));
        Assert.Equal(T + 3_000_000, ready);
        Assert.False(s.TryStartExposure(T + 1_500_000, out _)); // during readout
        Assert.False(s.TryStartExposure(T + 2_999_999, out _));
        Assert.True(s.TryStartExposure(T + 3_000_000, out ready));
        Assert.Equal(T + 6_000_000, ready);
    }

    [Fact]
    public void OverlapReadOut_ExposureShorterThanReadout_WaitsForTheReadoutOrder()
    {
        // E = 1 ms, R = 2 ms: the next exposure may start in the readout, but must end after it: s' ≥ s + R.
        var s = Sensor(1_000_000, 2_000_000, overlap: true);
        Assert.Equal(2_000_000, s.BusyNs);
        Assert.True(s.TryStartExposure(T, out _));
        Assert.False(s.TryStartExposure(T + 500_000, out _)); // during the exposure
        Assert.False(s.TryStartExposure(T + 1_999_999, out _)); // its readout would start before the previous ends
        Assert.True(s.TryStartExposure(T + 2_000_000, out long ready));
        Assert.Equal(T + 5_000_000, ready); // s + E + R: the readout is never delayed
    }

    [Fact]
    public void OverlapReadOut_ExposureLongerThanReadout_OnlyExposuresMustNotOverlap()
    {
        var s = Sensor(3_000_000, 2_000_000, overlap: true);
        Assert.Equal(3_000_000, s.BusyNs);
        Assert.True(s.TryStartExposure(T, out _));
        Assert.False(s.TryStartExposure(T + 2_999_999, out _));
        Assert.True(s.TryStartExposure(T + 3_000_000, out long ready)); // during the previous readout
        Assert.Equal(T + 8_000_000, ready);
    }

    [Fact]
    public void OverlapReadOut_UsesTheNewExposureForTheReadoutRule()
    {
        var s = Sensor(1_000_000, 2_000_000, overlap: true);
        Assert.True(s.TryStartExposure(T, out _)); // exposure ends T+1 ms, readout ends T+3 ms
        s.ExposureNs = 1_500_000;
        Assert.Equal(T + 1_500_000, s.EarliestStartNs); // T+1.5 ms + 1.5 ms = T+3 ms: readout right after
        Assert.False(s.TryStartExposure(T + 1_499_999, out _));
        Assert.True(s.TryStartExposure(T + 1_500_000, out _));
    }

    [Fact]
    public void Reset_ForgetsEarlierExposures()
    {
        var s = Sensor(1_000_000, 2_000_000, overlap: false);
        Assert.True(s.TryStartExposure(T, out _));
        s.Reset();
        Assert.True(s.TryStartExposure(T + 1, out _));
    }
}
