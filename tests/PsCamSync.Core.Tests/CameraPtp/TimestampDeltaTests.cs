using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Timing;
using Xunit.Abstractions;
using static PsCamSync.Core.Tests.CameraPtp.DictionaryFeatureMap;
using CamPtp = PsCamSync.Core.Ptp.CameraPtp;

namespace PsCamSync.Core.Tests.CameraPtp;

public class CameraClockModelTests
{
    private const long T0 = 1_780_000_000_000_000_000;

    [Fact]
    public void Fit_RecoversOffsetAndDrift_OnExactSyntheticPoints()
    {
        // device − host = 1 234 567 + 12.5 ppm × (host − T0), sampled every 8 ms (exact integers).
        var host = Enumerable.Range(0, 50).Select(i => T0 + i * 8_000_000L).ToArray();
        var device = host.Select(h => h + 1_234_567 + (h - T0) / 80_000).ToArray();
        var m = CameraClockModel.Fit(host, device);
        Assert.Equal(T0, m.ReferenceHostNs);
        Assert.Equal(1_234_567, m.OffsetNs, 1e-6);  // exact up to double rounding
        Assert.Equal(12.5, m.DriftPpm, 1e-9);
        Assert.Equal(0, m.ResidualRmsNs, 1e-6);
        Assert.Equal(50, m.SampleCount);
        long h = T0 + 3_600_000_000_000;
        Assert.Equal(h + 1_234_567 + 45_000_000, m.ToDevice(h)); // 12.5 ppm × 1 h = 45 ms
        Assert.InRange(m.ToHost(m.ToDevice(h)) - h, -1, 1);
    }

    [Fact]
    public void Fit_OneSample_GivesItsOffsetAndNoDrift()
    {
        var m = CameraClockModel.Fit([T0], [T0 - 42]);
        Assert.Equal((-42.0, 0.0, 1), (m.OffsetNs, m.DriftPpm, m.SampleCount));
    }

    [Fact]
    public void Fit_NoOrMismatchedSamples_NamesSamples()
    {
        Assert.Equal("Samples", Assert.Throws<InvalidCaptureArgumentException>(() => CameraClockModel.Fit([], [])).ParameterName);
        Assert.Equal("Samples", Assert.Throws<InvalidCaptureArgumentException>(() => CameraClockModel.Fit([T0], [T0, T0])).ParameterName);
    }

    [Fact]
    public void Model_RoundTripsThroughJson()
    {
        var m = new CameraClockModel(T0, 1.5e6, -2.25, 20, 310.5);
        var back = System.Text.Json.JsonSerializer.Deserialize<CameraClockModel>(System.Text.Json.JsonSerializer.Serialize(m));
        Assert.Equal(m, back);
    }
}

public class TimestampDeltaTests(ITestOutputHelper output)
{
    private const long Ms = 1_000_000;

    private static List<SimulatedCamera> OpenCameras(int count, Action<int, SimulatedCameraOptions> configure)
    {
        var backend = new SimulatedBackend(count, configure);
        return Enumerable.Range(0, count).Select(k => backend.OpenCamera($"sim-{k}")).ToList();
    }

    [Fact]
    public void KnownOffsetsAndDrift_AreRecovered_WithinTheLatchBracket()
    {
        // No PTP: the clocks keep their offsets (k × 1.5 ms plus a 20 s boot-time offset on sim-2) and large drifts so
        // the fit has something to find in 0.4 s of samples.
        double[] drift = [-150, 0, 250];
        var cameras = OpenCameras(3, (k, o) =>
        {
            o.PtpSupported = false;
            o.ClockDriftPpm = drift[k];
            if (k == 2) o.ClockOffsetNs = 20_000_000_000;
        });
        try
        {
            var results = TimestampDeltaMeter.Measure("hostA", cameras.Cast<ICamera>().ToList(),
                new TimestampDeltaOptions { Samples = 41, IntervalNs = 10 * Ms, ThresholdNs = 3 * Ms });
            for (int k = 0; k < 3; k++)
            {
                var r = results[k];
                var clock = cameras[k].Clock;
                Assert.Equal(("hostA", $"sim-{k}", 41), (r.Host, r.CameraId, r.Samples));
                // Each sample: the latch fell somewhere in [before, after], so device − midpoint differs from the true
                // offset at the midpoint by at most the half-width (+1 ns rounding, + drift × half-width ≪ 1 ns).
                long worst = 0;
                foreach (var s in r.SampleList)
                {
                    long err = s.DeltaNs - clock.OffsetAt(s.HostMidNs);
                    Assert.InRange(err, -s.UncertaintyNs - 2, s.UncertaintyNs + 2);
                    worst = Math.Max(worst, Math.Abs(err));
                }
                // The fit uses the samples with brackets ≤ 4 × median; each of their errors e_i is bounded by their
                // half-width e. Least squares then errs in offset by at most e (+2 ns rounding) and in slope by at
                // most e × Σ|dx| / Σdx², which is ≤ 3e / span for evenly spread samples (span = first to last).
                var m = r.Model!;
                var kept = r.SampleList.Where(s => s.UncertaintyNs <= r.SampleList.Select(x => x.UncertaintyNs).Order().ElementAt(r.Samples / 2) * TimestampDeltaResult.FitBracketLimit).ToArray();
                Assert.Equal(kept.Length, m.SampleCount);
                long e = kept.Max(s => s.UncertaintyNs);
                long span = kept[^1].HostMidNs - kept[0].HostMidNs;
                double driftTol = 3.0 * e / span * 1e6 + 0.01;
                Assert.InRange(m.OffsetNs - clock.OffsetAt(m.ReferenceHostNs), -e - 2, e + 2);
                Assert.InRange(m.DriftPpm, drift[k] - driftTol, drift[k] + driftTol);
                var widths = r.SampleList.Select(s => s.HostAfterNs - s.HostBeforeNs).Order().ToArray();
                output.WriteLine($"sim-{k}: mean {r.MeanDeltaNs:F0} ns, sd {r.StdDevNs:F0} ns, max|d| {r.MaxAbsDeltaNs}, " +
                    $"worst recovery error {worst} ns, bracket widths median {widths[widths.Length / 2]} ns max {widths[^1]} ns; " +
                    $"fit offset err {m.OffsetNs - clock.OffsetAt(m.ReferenceHostNs):F0} ns, drift {m.DriftPpm:F4} ppm (true {drift[k]}, tol ±{driftTol:F3}, {kept.Length} samples fitted), rms {m.ResidualRmsNs:F0} ns");
            }
            // Verdicts against 3 ms: sim-0 (0) and sim-1 (1.5 ms, + ≤0.1 ms drift) pass; sim-2 (20 s) fails.
            Assert.Equal(new[] { TimestampDeltaVerdict.Pass, TimestampDeltaVerdict.Pass, TimestampDeltaVerdict.Fail }, results.Select(r => r.Verdict));
            Assert.All(results, r => Assert.Equal("Identity", r.Mapping));
        }
        finally
        {
            cameras.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void ThresholdVerdicts_UseMaxAbsDelta()
    {
        using var camera = new SimulatedBackend(1, (_, o) => { o.PtpSupported = false; o.ClockOffsetNs = -4 * Ms; o.ClockDriftPpm = 0; }).OpenCamera("sim-0");
        ICamera[] list = [camera];
        Assert.Equal(TimestampDeltaVerdict.Fail, TimestampDeltaMeter.Measure("h", list, new TimestampDeltaOptions()).Single().Verdict);
        var pass = TimestampDeltaMeter.Measure("h", list, new TimestampDeltaOptions { ThresholdNs = 5 * Ms, Samples = 3, IntervalNs = 0 }).Single();
        Assert.True(pass.Passed);
        Assert.InRange(pass.MaxAbsDeltaNs, 4 * Ms - pass.UncertaintyNs - 2, 4 * Ms + pass.UncertaintyNs + 2);
        Assert.InRange(pass.DeltaNs, -4 * Ms - pass.UncertaintyNs - 2, -4 * Ms + pass.UncertaintyNs + 2);
    }

    [Fact]
    public void ResidualPtpOffset_FailsTheDeltaVerdict_ThoughThePortIsLocked()
    {
        using var camera = new SimulatedBackend(1, (_, o) =>
        {
            o.PtpInitializingSeconds = 0; o.PtpListeningSeconds = 0; o.PtpConvergenceSeconds = 0.1; o.PtpResidualOffsetNs = 4 * Ms;
        }).OpenCamera("sim-0");
        CamPtp.Enable(camera);
        Thread.Sleep(200);
        var ptp = CamPtp.Read(camera, "h");
        Assert.Equal((PortState.Slave, "Locked"), (ptp.PortState, ptp.ServoStatus));
        var r = TimestampDeltaMeter.Measure("h", [camera], new TimestampDeltaOptions()).Single();
        Assert.Equal(TimestampDeltaVerdict.Fail, r.Verdict);
        Assert.InRange(r.DeltaNs, 4 * Ms - r.UncertaintyNs - 2, 4 * Ms + r.UncertaintyNs + 2);
    }

    [Fact]
    public void TaiGrandmaster_IsMappedOntoUtc_BySubtractingCurrentUtcOffset()
    {
        using var camera = new SimulatedBackend(1, (_, o) =>
        {
            o.PtpInitializingSeconds = 0; o.PtpListeningSeconds = 0; o.PtpConvergenceSeconds = 0.1; o.PtpMasterOffsetNs = 37_000_000_000;
        }).OpenCamera("sim-1");
        CamPtp.Enable(camera);
        Thread.Sleep(200);
        var ptp = CamPtp.Read(camera, "h");
        var tai = new TimePropertiesDataSet { CurrentUtcOffset = 37, Flags = TimePropertiesDataSet.PtpTimescaleFlag | TimePropertiesDataSet.CurrentUtcOffsetValidFlag };
        var mapping = TimescaleMapping.For(tai, ptp);
        Assert.Equal(("TaiToUtc", 37_000_000_000L), (mapping.Name, mapping.SubtractNs));

        var mapped = TimestampDeltaMeter.Measure("h", [camera], new TimestampDeltaOptions(), _ => mapping).Single();
        Assert.True(mapped.Passed);
        Assert.InRange(mapped.DeltaNs, -mapped.UncertaintyNs - 2, mapped.UncertaintyNs + 2);
        Assert.Equal(("TaiToUtc", 37_000_000_000L), (mapped.Mapping, mapped.MappingSubtractNs));

        var unmapped = TimestampDeltaMeter.Measure("h", [camera], new TimestampDeltaOptions()).Single();
        Assert.Equal(TimestampDeltaVerdict.Fail, unmapped.Verdict);
        Assert.InRange(unmapped.DeltaNs, 37_000_000_000 - unmapped.UncertaintyNs - 2, 37_000_000_000 + unmapped.UncertaintyNs + 2);
    }

    [Fact]
    public void TimescaleMapping_IsIdentity_ForArb_NoPtp_OrNotFollowing()
    {
        var tai = new TimePropertiesDataSet { CurrentUtcOffset = 37, Flags = TimePropertiesDataSet.PtpTimescaleFlag };
        var arb = new TimePropertiesDataSet { CurrentUtcOffset = 37, Flags = 0 };
        CameraPtpStatus Status(CameraPtpNaming n, PortState s) => new("h", "c", n, true, s, null, null, null, null, 0);
        Assert.Equal("Identity", TimescaleMapping.For(arb, Status(CameraPtpNaming.Sfnc, PortState.Slave)).Name);
        Assert.Equal("Identity", TimescaleMapping.For(tai, Status(CameraPtpNaming.None, PortState.Unknown)).Name);
        Assert.Equal("Identity", TimescaleMapping.For(tai, Status(CameraPtpNaming.Sfnc, PortState.Listening)).Name);
        Assert.Equal("Identity", TimescaleMapping.For(null, Status(CameraPtpNaming.Sfnc, PortState.Slave)).Name);
        Assert.Equal("TaiToUtc", TimescaleMapping.For(tai, Status(CameraPtpNaming.GevIEEE1588, PortState.Uncalibrated)).Name);
    }

    [Fact]
    public void LegacyTimestampNames_InTicks_AreConvertedToNs()
    {
        // A 125 MHz GigE Vision timestamp counter (8 ns ticks) 2 s ahead of the shared timeline.
        var map = new DictionaryFeatureMap().Set("GevTimestampValue", 0L).Set("GevTimestampTickFrequency", 125_000_000L);
        map.Command("GevTimestampControlLatch", () => map.Set("GevTimestampValue", (SharedTimeline.NowNs() + 2_000_000_000) / 8));
        var r = TimestampDeltaMeter.Measure("h", [new FeatureMapCamera("gev-1", map)], new TimestampDeltaOptions { ThresholdNs = 3_000_000_000 }).Single();
        Assert.Equal(TimestampDeltaVerdict.Pass, r.Verdict);
        Assert.InRange(r.DeltaNs, 2_000_000_000 - r.UncertaintyNs - 8, 2_000_000_000 + r.UncertaintyNs + 8);
    }

    [Fact]
    public void CameraWithoutLatch_OrFailingLatch_IsRecordedAsError_AndTheOthersAreMeasured()
    {
        using var sim = new SimulatedBackend(1).OpenCamera("sim-0");
        var none = new FeatureMapCamera("usb-1", new DictionaryFeatureMap());
        var failingMap = new DictionaryFeatureMap().Set("TimestampLatchValue", 0L).Command("TimestampLatch", () => { });
        failingMap.Failing.Add("TimestampLatch");
        var failing = new FeatureMapCamera("gev-2", failingMap);
        var results = TimestampDeltaMeter.Measure("h", [none, sim, failing], new TimestampDeltaOptions());
        Assert.Equal(new[] { TimestampDeltaVerdict.Error, TimestampDeltaVerdict.Pass, TimestampDeltaVerdict.Error }, results.Select(r => r.Verdict));
        Assert.StartsWith("usb-1: ", results[0].Error);
        Assert.Contains("TimestampLatch", results[0].Error);
        Assert.Contains("GVCP timeout", results[2].Error);
        Assert.Null(results[1].Error);
    }

    [Theory]
    [InlineData(0, 3_000_000L, "Samples")]
    [InlineData(1, -1L, "Threshold")]
    public void BadInput_NamesTheParameter(int samples, long threshold, string parameter)
    {
        using var camera = new SimulatedBackend(1).OpenCamera("sim-0");
        var e = Assert.Throws<InvalidCaptureArgumentException>(() =>
            TimestampDeltaMeter.Measure("h", [camera], new TimestampDeltaOptions { Samples = samples, ThresholdNs = threshold }));
        Assert.Equal(parameter, e.ParameterName);
        Assert.Equal(parameter, Assert.Throws<InvalidCaptureArgumentException>(() =>
            TimestampDeltaResult.FromSamples(samples < 1 ? [] : [new("h", "c", 0, 1, 2, 3)], threshold, TimescaleMapping.Identity)).ParameterName);
    }
}
