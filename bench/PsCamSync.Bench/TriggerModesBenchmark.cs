using System.Globalization;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Bench;

/// <summary>
/// The four trigger modes on simulated cameras that take real ACTION_CMDs over loopback UDP, one take per row, all in one
/// run. Per row: the mapped device skew (exposure starts on the shared timeline, through each camera's clock model: per
/// frame set, max − min over the cameras; p50/p99/max), the timeline error (per frame set, the cameras' mean mapped
/// exposure start minus Tn: how far the whole set is from where every host's schedule puts it; p99 of its absolute
/// value), the trigger thread's wake-up error p99 from take.json, and the managed bytes the whole process allocated per
/// frame in the take's steady state.
/// </summary>
/// <remarks>
/// <para>Rows: Software with 4 cameras; Action with 2, 4 and 8 cameras (its skew must not grow with the count);
/// ScheduledAction and CameraScheduler with 4 cameras whose PTP servos leave residual offsets of +300, −200, +150 and
/// −400 ns (spread 700 ns), once with the trigger thread at SCHED_FIFO and once without real-time priority while two
/// threads spin (a host whose wake-ups are poor): their skew must stay within the residual spread + 1 µs whatever the
/// wake-up error.</para>
/// <para>Arguments: <c>--rate HZ</c> (default 50; CameraScheduler needs a period of whole µs), <c>--seconds S</c>
/// (default 8). Exit codes: 0 measured (the verdicts are printed, not enforced); 1 a take failed; 2 bad argument.</para>
/// </remarks>
internal static class TriggerModesBenchmark
{
    private static readonly long[] Residuals = [300, -200, 150, -400];

    private sealed record Row(string Name, int Cameras, TakeReport Report, TakeManifest Manifest, long TimelineP99Ns, double BytesPerFrame, string Load);

    public static int Run(string[] args)
    {
        double rate = 50, seconds = 8;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rate" when i + 1 < args.Length: rate = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seconds" when i + 1 < args.Length: seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; use --rate HZ --seconds S");
                    return 2;
            }
        }
        var rows = new List<Row>();
        try
        {
            rows.Add(Take("Software", 4, SyncTriggerMode.Software, rate, seconds, locked: false, load: false));
            foreach (int n in new[] { 2, 4, 8 })
                rows.Add(Take($"Action, {n} cameras", n, SyncTriggerMode.Action, rate, seconds, locked: false, load: false));
            foreach (var mode in new[] { SyncTriggerMode.ScheduledAction, SyncTriggerMode.CameraScheduler })
            {
                rows.Add(Take($"{mode}, RT host", 4, mode, rate, seconds, locked: true, load: false));
                rows.Add(Take($"{mode}, no RT + 2 spinners", 4, mode, rate, seconds, locked: true, load: true));
            }
        }
        catch (Exception e) when (e is PsCamSync.Core.PsCamSyncException or InvalidOperationException)
        {
            Console.Error.WriteLine($"a take failed: {e.Message}");
            return 1;
        }

        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(ci, $"trigger modes on simulated cameras over loopback UDP, {rate} Hz, {seconds} s per take; skew and timeline error in µs"));
        Console.WriteLine($"{"mode",-36} {"cams",4} {"sets",5} {"skew p50",9} {"skew p99",9} {"skew max",9} {"timeline p99",12} {"wake p99",9} {"B/frame",8}  load");
        foreach (var r in rows)
        {
            var s = r.Report.MappedDeviceSkew;
            Console.WriteLine(string.Create(ci,
                $"{r.Name,-36} {r.Cameras,4} {s.FrameSets,5} {s.P50Ns / 1e3,9:0.000} {s.P99Ns / 1e3,9:0.000} {s.MaxNs / 1e3,9:0.000} {r.TimelineP99Ns / 1e3,12:0.0} {r.Manifest.TriggerThread?.WakeErrorP99Us,9:0.0} {r.BytesPerFrame,8:0.0}  {r.Load}"));
        }
        Console.WriteLine();
        var action = rows.Where(r => r.Name.StartsWith("Action", StringComparison.Ordinal)).ToList();
        Console.WriteLine(string.Create(ci, $"Action skew p99, 8 cameras / 2 cameras: {(double)action[2].Report.MappedDeviceSkew.P99Ns / Math.Max(1, action[0].Report.MappedDeviceSkew.P99Ns):0.00} (4/2: {(double)action[1].Report.MappedDeviceSkew.P99Ns / Math.Max(1, action[0].Report.MappedDeviceSkew.P99Ns):0.00})"));
        Console.WriteLine(string.Create(ci, $"Action vs Software, 4 cameras, skew p99: {action[1].Report.MappedDeviceSkew.P99Ns / 1e3:0.000} vs {rows[0].Report.MappedDeviceSkew.P99Ns / 1e3:0.000} µs"));
        long spread = Residuals.Max() - Residuals.Min();
        Console.WriteLine(string.Create(ci, $"cameras' residual PTP offsets {string.Join(", ", Residuals)} ns: spread {spread / 1e3:0.000} µs; target skew p99 <= spread + 1 µs = {(spread + 1000) / 1e3:0.000} µs"));
        foreach (var r in rows.Where(r => r.Manifest.TriggerMode is SyncTriggerMode.ScheduledAction or SyncTriggerMode.CameraScheduler))
            Console.WriteLine(string.Create(ci,
                $"  {r.Name,-36} skew p99 {r.Report.MappedDeviceSkew.P99Ns / 1e3:0.000} µs with wake-up p99 {r.Manifest.TriggerThread?.WakeErrorP99Us:0.0} µs: {(r.Report.MappedDeviceSkew.P99Ns <= spread + 1000 ? "within" : "OVER")} target"));
        Console.WriteLine(string.Create(ci, $"bytes allocated per frame, worst row: {rows.Max(r => r.BytesPerFrame):0.0} (target 0)"));
        return 0;
    }

    private static Row Take(string name, int count, SyncTriggerMode mode, double rate, double seconds, bool locked, bool load)
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        string path = Path.Combine(root, $"pscamsync-modes-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var backend = new SimulatedBackend(count, (k, o) =>
        {
            o.PtpInitializingSeconds = 0;
            o.PtpListeningSeconds = 0;
            o.PtpConvergenceSeconds = 0.001;
            o.PtpResidualOffsetNs = Residuals[k % Residuals.Length];
        });
        var cameras = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
        if (locked)
        {
            foreach (var c in cameras)
                CameraPtp.Enable(c);
            var until = DateTime.UtcNow.AddSeconds(5);
            while (cameras.Any(c => CameraPtp.Read(c, "bench").PortState != PortState.Slave) && DateTime.UtcNow < until)
                Thread.Sleep(5);
        }
        using var stop = new CancellationTokenSource();
        var spinners = load
            ? Enumerable.Range(0, 2).Select(_ => new Thread(() => { long x = 0; while (!stop.IsCancellationRequested) x++; }) { IsBackground = true }).ToList()
            : [];
        spinners.ForEach(t => t.Start());
        try
        {
            long period = FrameSchedule.PeriodFromFrameRate(rate);
            var schedule = FrameSchedule.FromRateAndDuration(FrameSchedule.AlignedStart(SharedTimeline.NowNs(), 1_500_000_000, period), rate, FrameSchedule.NanosFromSeconds(seconds));
            var timer = load ? new TriggerTimerOptions { FifoPriority = 0 } : new TriggerTimerOptions();
            using var session = CaptureSession.Start(cameras, new CaptureOptions { Schedule = schedule, Path = path, TriggerMode = mode, Timer = timer });
            WaitUntil(schedule.TimeOf(schedule.EndIndex / 4));
            var p0 = session.GetProgress();
            var cpu0 = CpuLoad.Read();
            long a0 = GC.GetTotalAllocatedBytes(precise: true);
            WaitUntil(schedule.TimeOf(schedule.EndIndex * 7 / 8));
            long a1 = GC.GetTotalAllocatedBytes(precise: true);
            var cpu1 = CpuLoad.Read();
            var p1 = session.GetProgress();
            if (!session.Completion.Wait(TimeSpan.FromSeconds(seconds + 60)))
                throw new InvalidOperationException($"{name}: the take did not end");
            var manifest = session.Completion.Result;
            if (manifest.TriggerMode != mode)
                throw new InvalidOperationException($"{name}: the take used {manifest.TriggerMode}");
            long frames = (p1.Captured + p1.Lost) - (p0.Captured + p0.Lost);
            var report = TakeAnalyzer.Analyze(session.TakePath);
            return new Row(name, count, report, manifest, TimelineP99(session.TakePath, manifest), frames > 0 ? (double)(a1 - a0) / frames : double.NaN, CpuLoad.Describe(cpu0, cpu1));
        }
        finally
        {
            stop.Cancel();
            spinners.ForEach(t => t.Join());
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>Per frame set captured by every camera, |mean over cameras of (mapped exposure start − Tn)|; its p99, ns.</summary>
    private static long TimelineP99(string takePath, TakeManifest manifest)
    {
        var byIndex = new Dictionary<long, List<long>>();
        foreach (var c in manifest.Cameras)
        {
            if (c.ClockModel is not { } model)
                continue;
            foreach (var r in FramesTableReader.Read(Path.Combine(takePath, c.FramesFile)))
            {
                if (r.Status != FrameStatus.Captured)
                    continue;
                if (!byIndex.TryGetValue(r.FrameIndex, out var list))
                    byIndex[r.FrameIndex] = list = [];
                list.Add(model.ToHost(r.DeviceTimestampNs) - r.ScheduledNs);
            }
        }
        var errors = byIndex.Values.Where(l => l.Count == manifest.Cameras.Count).Select(l => Math.Abs((long)l.Average())).Order().ToList();
        return errors.Count == 0 ? 0 : errors[Math.Min(errors.Count - 1, (int)Math.Ceiling(0.99 * errors.Count) - 1)];
    }

    private static void WaitUntil(long ns)
    {
        long ms = (ns - SharedTimeline.NowNs()) / 1_000_000;
        if (ms > 0) Thread.Sleep((int)ms);
    }
}
