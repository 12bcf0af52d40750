// PsCamSync benchmarks: console programs that print their measurements next to a reference measured in the same
// run. Usage:
//   PsCamSync.Bench                 run the quick benchmarks below (InAll), in order
//   PsCamSync.Bench <name> [args]   run one (its own arguments follow its name)
//   PsCamSync.Bench --help          list them
// Exit code: 0 when every benchmark that ran could measure and compare, else the first non-zero code.
//
// To add a benchmark, put it in its own file as `static int Run(string[] args)` and add one line to the table.

using PsCamSync.Bench;

// InAll: run when no benchmark is named; the others take minutes and run only by name.
var benchmarks = new (string Name, string Summary, bool InAll, Func<string[], int> Run)[]
{
    ("wake", "trigger wake-up error of DeadlineTimer vs plain sleep vs cyclictest (rt-tests)", true, WakeBenchmark.Run),
    ("alloc", "managed heap allocation per frame of a 4-camera 1920x1200 simulated take", true, AllocationBenchmark.Run),
    ("gvcp", "ACTION_CMD Send cost and allocation vs a bare sendto; ACTION_ACK round trip vs a UDP ping-pong (loopback)", true, GvcpSendBenchmark.Run),
    ("modes", "the four trigger modes on simulated cameras over loopback UDP: mapped skew vs camera count, residual PTP offsets and host wake-up error; bytes per frame (about 90 s; by name only)", false, TriggerModesBenchmark.Run),
    ("trigger-skew", "trigger skew of a Software take on 3 Aravis emulators vs cyclictest in the same run (root; about a minute; by name only)", false, TriggerSkewBenchmark.Run),
    ("take-write", "raw take writing (Y4M sinks + frames tables, N cameras at 1920x1200) vs dd conv=fdatasync on the same path (about a minute; by name only)", false, TakeWriteBenchmark.Run),
    ("ffmpeg-path", "FfmpegSink fed frames vs the same ffmpeg command reading them from a file, per encoder (about a minute; by name only)", false, FfmpegPathBenchmark.Run),
    ("max-rig", "largest cameras x frame rate recorded with 0 Dropped per encoder, real simulated takes at 1920x1200 (about 13 minutes; by name only)", false, MaxRigBenchmark.Run),
    ("runtime", "runtime settings (tiering, GC mode, ReadyToRun) vs the C# runner's trigger wake-up and lost slots (minutes; by name only)", false, RuntimeSettingsBenchmark.Run),
};

if (args.Length > 0 && args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("usage: PsCamSync.Bench [<benchmark> [arguments]]   (no benchmark: the quick ones, wake, alloc and gvcp)");
    foreach (var b in benchmarks)
        Console.WriteLine($"  {b.Name,-8} {b.Summary}");
    return 0;
}

if (args.Length == 0)
{
    int firstFailure = 0;
    foreach (var b in benchmarks.Where(b => b.InAll))
    {
        Console.WriteLine($"=== {b.Name}: {b.Summary}");
        int code = b.Run([]);
        if (code != 0 && firstFailure == 0)
            firstFailure = code;
        Console.WriteLine();
    }
    return firstFailure;
}

foreach (var b in benchmarks)
{
    if (string.Equals(b.Name, args[0], StringComparison.OrdinalIgnoreCase))
        return b.Run(args[1..]);
}
Console.Error.WriteLine($"unknown benchmark '{args[0]}'; known: {string.Join(", ", benchmarks.Select(b => b.Name))}");
return 2;
