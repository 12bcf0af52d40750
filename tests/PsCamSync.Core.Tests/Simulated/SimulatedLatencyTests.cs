using System.Diagnostics;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Timing;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Simulated;

/// <summary>
/// Measures trigger-to-delivery latency and its jitter on this machine and prints them (run with
/// <c>--logger "console;verbosity=detailed"</c>). The only assertion is behaviour: no frame reaches the host before
/// its readout has ended. The numbers themselves are not asserted.
/// </summary>
[Collection(SimulatedRealTimeCollection.Name)]
public class SimulatedLatencyTests(ITestOutputHelper output)
{
    [Fact]
    public void TriggerToDelivery_IsNeverBeforeReadoutEnd_AndIsMeasured()
    {
        const int n = 300;
        using var camera = new SimulatedBackend(1).OpenCamera("sim-0"); // exposure 1 ms, readout 2 ms, latency 10 µs
        camera.ConfigureSoftwareTrigger(null);
        var target = new RecordingTarget(8, camera.FrameBytes, capacity: n);
        camera.StartAcquisition(target);
        var calledNs = new long[n];
        var callNs = new long[n];
        for (int i = 0; i < n; i++)
        {
            long before = SharedTimeline.NowNs();
            camera.Trigger(i);
            callNs[i] = SharedTimeline.NowNs() - before;
            calledNs[i] = before;
            Thread.Sleep(4); // ~200 Hz
        }
        Assert.True(target.WaitFor(n));
        camera.StopAcquisition();

        const long modelNs = 10_000 + 1_000_000 + 2_000_000; // latency + exposure + readout
        var frames = target.Frames;
        Assert.Equal(n, frames.Count);
        var latency = new double[n];
        var lateness = new double[n];
        for (int i = 0; i < n; i++)
        {
            var f = frames[i];
            long ready = camera.Clock.ToHostNs(f.DeviceTimestampNs) + 3_000_000; // exact end of readout
            Assert.True(f.HostReceiveNs >= ready - 1, $"frame {i} arrived {ready - f.HostReceiveNs} ns before its readout ended");
            latency[i] = (f.HostReceiveNs - calledNs[f.FrameIndex]) / 1000.0;
            lateness[i] = (f.HostReceiveNs - ready) / 1000.0;
        }
        output.WriteLine($"model trigger-to-ready: {modelNs / 1000.0} µs");
        output.WriteLine("trigger-to-delivery µs: " + Stats(latency));
        output.WriteLine("delivery after ready (wake-up jitter) µs: " + Stats(lateness));
        output.WriteLine("Trigger() call µs: " + Stats(callNs.Select(x => x / 1000.0).ToArray()));
    }

    [Fact]
    public void PatternFill_CostIsMeasured()
    {
        foreach (var format in new[] { PixelFormat.Mono8, PixelFormat.Mono16 })
        {
            var buffer = new byte[PixelFormats.FrameBytes(1920, 1200, format)];
            for (int i = 0; i < 20; i++)
                SimulatedPattern.Fill(buffer, 1920, 1200, format, 0, i);
            var sw = Stopwatch.StartNew();
            const int reps = 200;
            for (int i = 0; i < reps; i++)
                SimulatedPattern.Fill(buffer, 1920, 1200, format, 0, i);
            double us = sw.Elapsed.TotalMicroseconds / reps;
            Assert.True(SimulatedPattern.TryDecode(buffer, 1920, format, out _, out long id) && id == reps - 1);
            sw.Restart();
            for (int i = 0; i < reps; i++)
                buffer.AsSpan().Fill((byte)i); // reference: one memset of the same bytes
            double memsetUs = sw.Elapsed.TotalMicroseconds / reps;
            output.WriteLine($"Fill 1920x1200 {format}: {us:F0} µs per frame, {us / memsetUs:F2} × a memset of the frame ({memsetUs:F0} µs); 4 cameras × 240 Hz = {us * 960 / 10_000:F1} % of one core");
        }
    }

    private static string Stats(double[] values)
    {
        var s = values.OrderBy(v => v).ToArray();
        double P(double q) => s[(int)Math.Min(s.Length - 1, Math.Round(q * (s.Length - 1)))];
        return $"min {s[0]:F1}, p50 {P(0.5):F1}, p90 {P(0.9):F1}, p99 {P(0.99):F1}, max {s[^1]:F1}, mean {s.Average():F1}, sd {Math.Sqrt(s.Select(v => (v - s.Average()) * (v - s.Average())).Average()):F1}";
    }
}
