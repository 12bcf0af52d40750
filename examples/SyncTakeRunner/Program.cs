// Runs one synchronized take through the core API, without PowerShell, and prints its report:
// the same take as examples/simulated-take.ps1.
//
//   dotnet run --project examples/SyncTakeRunner -- [--backend Simulated|Aravis] [--cameras 3] [--camera ID ...]
//        [--rate 60] [--duration 10] [--lead 2] [--encoder Y4M|Libx264|Ffv1|HevcNvenc] [--out ./takes/take-1]
using System.Globalization;
using PsCamSync.Core;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

string backendName = "Simulated";
int cameraCount = 3;
var cameraIds = new List<string>();
double rate = 60, duration = 10, lead = 2;
var encoder = VideoEncoder.Y4M;
string? output = null;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new InvalidCaptureArgumentException(args[i].TrimStart('-'), "needs a value.");
        double Number() { string v = Next(); return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new InvalidCaptureArgumentException(args[i - 1].TrimStart('-'), $"'{v}' is not a number."); }
        switch (args[i])
        {
            case "--backend": backendName = Next(); break;
            case "--cameras": cameraCount = (int)Number(); break;
            case "--camera": cameraIds.Add(Next()); break;
            case "--rate": rate = Number(); break;
            case "--duration": duration = Number(); break;
            case "--lead": lead = Number(); break;
            case "--encoder": encoder = Enum.TryParse<VideoEncoder>(Next(), true, out var e) ? e : throw new InvalidCaptureArgumentException("encoder", $"use one of {string.Join(", ", Enum.GetNames<VideoEncoder>())}."); break;
            case "--out": output = Next(); break;
            case "-h" or "--help":
                Console.WriteLine("usage: SyncTakeRunner [--backend Simulated|Aravis] [--cameras N] [--camera ID ...] [--rate HZ] [--duration S] [--lead S] [--encoder Y4M|Libx264|Ffv1|HevcNvenc] [--out FOLDER]");
                return 0;
            default: throw new InvalidCaptureArgumentException(args[i].TrimStart('-'), "is not an option; see --help.");
        }
    }
    if (cameraCount < 1) throw new InvalidCaptureArgumentException("cameras", "give at least one camera.");

    var backend = CameraBackends.Create(backendName, cameraCount);
    if (!backend.IsAvailable)
        throw new PsCamSyncException($"the {backend.Name} backend cannot run here: {backend.UnavailableReason}");
    if (cameraIds.Count == 0)
        cameraIds.AddRange(backend.Discover().Take(cameraCount).Select(c => c.Id));
    if (cameraIds.Count == 0)
        throw new CameraNotFoundException("", $"the {backend.Name} backend found no camera.");

    long period = FrameSchedule.PeriodFromFrameRate(rate);
    // The same factory as Start-SyncCapture (CapturePlan): the same rate and duration give the same frames on every host.
    long start = FrameSchedule.AlignedStart(SharedTimeline.NowNs(), FrameSchedule.NanosFromSeconds(lead), period);
    var schedule = FrameSchedule.FromRateAndDuration(start, rate, FrameSchedule.NanosFromSeconds(duration));
    output ??= Path.Combine(Environment.CurrentDirectory, "takes", $"take-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);

    var cameras = new List<ICamera>();
    foreach (var id in cameraIds) cameras.Add(backend.Open(id));
    Console.WriteLine($"take {output}: {cameras.Count} {backend.Name} camera(s) at {rate} Hz for {duration} s ({schedule.EndIndex} frames), T0 {SharedTimeline.ToDateTimeOffset(start):O}");

    using var session = CaptureSession.Start(cameras, new CaptureOptions { Schedule = schedule, Path = output, Encoder = encoder });
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; session.Stop(); };
    while (!session.Completion.Wait(500))
    {
        var p = session.GetProgress();
        Console.Error.Write($"\r{p.State} {p.PercentComplete,3}%  frame {p.NextFrameIndex}/{p.EndFrameIndex}  captured {p.Captured}  lost {p.Lost}   ");
    }
    Console.Error.WriteLine();
    var manifest = session.Completion.Result;
    Console.WriteLine($"state {manifest.State}; trigger thread: FIFO {manifest.TriggerThread?.FifoPriority}, wake-up error p50 {manifest.TriggerThread?.WakeErrorP50Us:0.0} µs, p99 {manifest.TriggerThread?.WakeErrorP99Us:0.0} µs, max {manifest.TriggerThread?.WakeErrorMaxUs:0.0} µs, {manifest.TriggerThread?.GarbageCollections} GCs during the take");
    foreach (var f in manifest.Faults) Console.WriteLine($"fault [{f.Source}] {f.Camera}: {f.Message}");

    var report = TakeAnalyzer.Analyze(session.TakePath);
    Console.WriteLine();
    Console.WriteLine($"{"Camera",-14} {"Expected",8} {"Captured",8} {"Missing",8} {"Late",6} {"Incompl",7} {"Interval ms",12} {"SD µs",8} {"DevOffset ms",13} {"Exposed after Tn µs",19}");
    foreach (var c in report.Cameras)
        Console.WriteLine($"{c.CameraId,-14} {c.Expected,8} {c.Captured,8} {c.Missing,8} {c.Late,6} {c.Incomplete,7} {c.IntervalMeanNs / 1e6,12:0.0000} {c.IntervalStdDevNs / 1e3,8:0.0} {c.DeviceOffsetMeanNs / 1e6,13:0.000} {(c.MappedOffsetMeanNs is double m ? (m / 1e3).ToString("0.0") : "n/a"),19}");
    Console.WriteLine();
    Console.WriteLine($"frame sets complete: {report.CompleteFrameSets}/{report.ExpectedFrameSets} (matched by {report.MatchedBy})");
    foreach (var s in new[] { report.ScheduledSkew, report.TriggerSkew, report.DeviceSkew, report.MappedDeviceSkew })
        Console.WriteLine($"{s.Kind,-12} skew  p50 {s.P50Ns / 1e3,10:0.0} µs   p99 {s.P99Ns / 1e3,10:0.0} µs   max {s.MaxNs / 1e3,10:0.0} µs   ({s.FrameSets} sets)");
    return manifest.State == TakeState.Completed ? 0 : 1;
}
catch (PsCamSyncException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
