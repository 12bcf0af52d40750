using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Bench;

/// <summary>
/// Steady-state managed allocations per frame of a 4-camera 1920x1200 Mono8 simulated take: the process-wide
/// allocated-bytes counter (all threads: trigger, sensor delivery, writers) is read after a warm-up and again before
/// the end, and divided by the frames accounted for in between. Target: 0 bytes per frame.
/// </summary>
internal static class AllocationBenchmark
{
    public static int Run(string[] args)
    {
        double rate = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 30;
        double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 12;
        const int cameras = 4;
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(); // RAM: measure the code, not the disk
        string path = Path.Combine(root, $"pscamsync-alloc-{Environment.ProcessId}");
        try
        {
            var backend = new SimulatedBackend(cameras, (_, o) => { o.Width = 1920; o.Height = 1200; o.PixelFormat = PixelFormat.Mono8; });
            var opened = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
            long period = FrameSchedule.PeriodFromFrameRate(rate);
            var schedule = FrameSchedule.FromRateAndDuration(FrameSchedule.AlignedStart(SharedTimeline.NowNs(), 500_000_000, period), rate, FrameSchedule.NanosFromSeconds(seconds));
            using var session = CaptureSession.Start(opened, new CaptureOptions { Schedule = schedule, Path = path });

            long warmUp = schedule.TimeOf(schedule.EndIndex / 4), measureEnd = schedule.TimeOf(schedule.EndIndex * 7 / 8);
            WaitUntil(warmUp);
            var p0 = session.GetProgress();
            long a0 = GC.GetTotalAllocatedBytes(precise: true);
            int gc0 = GC.CollectionCount(0);
            WaitUntil(measureEnd);
            long a1 = GC.GetTotalAllocatedBytes(precise: true);
            int gc1 = GC.CollectionCount(0);
            var p1 = session.GetProgress();
            var manifest = session.Completion.Result;

            long frames = (p1.Captured + p1.Lost) - (p0.Captured + p0.Lost);
            long slots = (p1.NextFrameIndex - p0.NextFrameIndex) * cameras;
            Console.WriteLine($"take: {cameras} cameras, 1920x1200 Mono8, {rate} Hz, {seconds} s, Y4M into {root}; state {manifest.State}");
            foreach (var c in manifest.Cameras)
                Console.WriteLine($"  {c.Id}: expected {c.Counts.Expected}, captured {c.Counts.Captured}, dropped {c.Counts.Dropped}, missed {c.Counts.TriggerMissed}, late {c.Counts.TriggerLate}");
            Console.WriteLine($"steady-state window: {slots} slots triggered, {frames} rows written, {a1 - a0} bytes allocated, {gc1 - gc0} gen0 GCs");
            Console.WriteLine($"allocated per frame: {(frames > 0 ? (double)(a1 - a0) / frames : double.NaN):0.0} bytes   (target 0)");
            return frames > 0 ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
    }

    private static void WaitUntil(long ns)
    {
        long ms = (ns - SharedTimeline.NowNs()) / 1_000_000;
        if (ms > 0) Thread.Sleep((int)ms);
    }
}
