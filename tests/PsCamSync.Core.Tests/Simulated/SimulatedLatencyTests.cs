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

    [Fact]
    public void FourCamerasAt240Hz_AccountForEveryTrigger_AndTheCpuCostIsMeasured()
    {
        const int n = 480; // 2 s
        const long periodNs = 4_166_667;
        var backend = new SimulatedBackend(4, (_, o) => (o.Width, o.Height) = (1920, 1200));
        var cameras = Enumerable.Range(0, 4).Select(k => backend.OpenCamera($"sim-{k}")).ToArray();
        var targets = cameras.Select(c => new RecordingTarget(8, c.FrameBytes, capacity: n)).ToArray();
        try
        {
            for (int k = 0; k < 4; k++)
            {
                cameras[k].ConfigureSoftwareTrigger(null);
                cameras[k].StartAcquisition(targets[k]);
            }
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var calledNs = new long[n];
            long t0 = SharedTimeline.NowNs() + 10_000_000;
            for (int i = 0; i < n; i++)
            {
                long due = t0 + i * periodNs;
                long ms = (due - SharedTimeline.NowNs()) / 1_000_000 - 1;
                if (ms > 0)
                    Thread.Sleep((int)ms);
                while (SharedTimeline.NowNs() < due)
                    Thread.SpinWait(20);
                calledNs[i] = SharedTimeline.NowNs();
                foreach (var c in cameras)
                    c.Trigger(i);
            }
            foreach (var c in cameras)
                c.StopAcquisition();
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            double wallMs = (SharedTimeline.NowNs() - t0) / 1e6;
            output.WriteLine($"4 × 1920x1200 Mono8 at 240 Hz for {wallMs:F0} ms: process CPU {cpuMs:F0} ms = {100 * cpuMs / wallMs:F0} % of one core (trigger loop spins too)");
            // The same busy rule applied to when this loop actually called: how many calls came < 3 ms after the last taken one.
            long lastTaken = long.MinValue / 2, tooSoon = 0;
            foreach (long t in calledNs)
            {
                if (t - lastTaken < 3_000_000)
                    tooSoon++;
                else
                    lastTaken = t;
            }
            output.WriteLine($"trigger loop: {tooSoon} of {n} calls came within 3 ms of the last taken one; late wake-ups (ms): {Stats(calledNs.Select((t, i) => (t - (t0 + i * periodNs)) / 1e6).ToArray())}");

            for (int k = 0; k < 4; k++)
            {
                var c = cameras[k];
                output.WriteLine($"sim-{k}: delivered {c.FramesDelivered}, dropped {c.FramesDropped}, missed {c.MissedTriggers}, lost {c.FramesLost}");
                Assert.Equal(n, c.FramesDelivered + c.FramesDropped + c.MissedTriggers + c.FramesLost);
                Assert.Equal(c.FramesProduced, c.FramesDelivered + c.FramesDropped + c.FramesLost);
                Assert.All(targets[k].Frames, f => Assert.True(f.Decoded && f.DecodedCamera == k && f.DecodedId == f.FrameIndex));
                Assert.True(targets[k].Frames.Zip(targets[k].Frames.Skip(1)).All(p => p.Second.FrameIndex > p.First.FrameIndex));
            }
        }
        finally
        {
            foreach (var c in cameras)
                c.Dispose();
        }
    }

    private static string Stats(double[] values)
    {
        var s = values.OrderBy(v => v).ToArray();
        double P(double q) => s[(int)Math.Min(s.Length - 1, Math.Round(q * (s.Length - 1)))];
        return $"min {s[0]:F1}, p50 {P(0.5):F1}, p90 {P(0.9):F1}, p99 {P(0.99):F1}, max {s[^1]:F1}, mean {s.Average():F1}, sd {Math.Sqrt(s.Select(v => (v - s.Average()) * (v - s.Average())).Average()):F1}";
    }
}
