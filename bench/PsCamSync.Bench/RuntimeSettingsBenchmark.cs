using System.Diagnostics;
using System.Globalization;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using PsCamSync.Core.Analysis;

namespace PsCamSync.Bench;

/// <summary>
/// Which .NET runtime settings suit a recorder process of its own (issue 8): the built examples/SyncTakeRunner runs
/// as a child process (<c>dotnet exec SyncTakeRunner.dll --cameras 2 --rate 60 --duration 5 --lead 2 --out TEMP</c>)
/// under several runtime configurations set by <c>DOTNET_*</c> environment variables (the same knobs that the
/// csproj properties <c>TieredCompilation</c>, <c>TieredPGO</c>, <c>ConcurrentGarbageCollection</c>,
/// <c>ServerGarbageCollection</c> … write into runtimeconfig.json; the environment wins over that file), and
/// optionally as a ReadyToRun-published copy. Each configuration runs <c>--repeat</c> times, interleaved (A, B, C,
/// A, B, C, …) so that drift in machine load hits all alike. From each run's standard output it reads: slots lost
/// (per camera Missing + Late of the camera table, the worst camera), the trigger thread's wake-up error p50/p99/max
/// (µs, the line starting <c>state</c>), the garbage collections during the take, and the time from process start
/// to the <c>take …</c> line (ms: runtime start-up, JIT of the start path, backend and camera open).
/// </summary>
/// <remarks>
/// Prints per configuration the median (nearest-rank p50 of the repeats) and worst of each figure, the ratios of the
/// medians to the default configuration's of the same run, and a recommendation picked by the rule printed with it.
/// Builds nothing unless <c>--publish-r2r</c> is given; exit code 0 when every run could be measured, 2 for an argument
/// error, 3 when the runner dll is missing, 4 when the R2R publish fails, 5 when some run could not be measured.
/// ReadyToRun code is for one RID: the publish writes the COFF machine of linux-x64 (or linux-arm64) into our
/// assemblies, and CoreCLR throws BadImageFormatException on loading an R2R image whose machine differs from its own
/// (dotnet/runtime src/coreclr/vm/readytoruninfo.cpp, ReadyToRunInfo::Initialize: "be strict about disallowing machine
/// mismatches"), so R2R assemblies cannot sit in one folder shared by linux-x64 and linux-arm64 hosts.
/// </remarks>
internal static class RuntimeSettingsBenchmark
{
    private const string Usage =
        "usage: PsCamSync.Bench runtime [--repeat N] [--runner DLL] [--r2r-runner DLL | --publish-r2r] [--configs ID,ID,...]\n" +
        "                               [--duration S] [--rate HZ] [--cameras N]\n" +
        "  --repeat N        runs per configuration, interleaved across configurations (default 3)\n" +
        "  --runner DLL      the built SyncTakeRunner.dll (default: examples/SyncTakeRunner/bin/Release|Debug/net10.0/)\n" +
        "  --r2r-runner DLL  a ReadyToRun-published SyncTakeRunner.dll; adds the r2r and r2r-tc0 configurations\n" +
        "  --publish-r2r     publish one into a temporary folder first (dotnet publish -r linux-<arch> -p:PublishReadyToRun=true)\n" +
        "  --configs LIST    only these configuration ids (default: all; see the list printed at start)\n" +
        "  --duration S, --rate HZ, --cameras N   the take (default 5 s, 60 Hz, 2 cameras; lead 2 s)";

    /// <summary>A runtime configuration: its id, what it stands for in a csproj, its environment, which runner it uses.</summary>
    private sealed record Config(string Id, string Csproj, (string Name, string Value)[] Environment, bool ReadyToRunRunner)
    {
        /// <summary>Settings changed from the default: one per variable, one for the ReadyToRun publish.</summary>
        public int Changes => Environment.Length + (ReadyToRunRunner ? 1 : 0);
    }

    /// <summary>One run's measurements; wake-up errors in ns, time to ready in µs.</summary>
    private sealed record Sample(long LostSlots, long ExpectedSlots, long WakeP50Ns, long WakeP99Ns, long WakeMaxNs, long Gcs, long ReadyUs, string State, double Busy);

    private static readonly Config[] AllConfigs =
    [
        new("default", "(none: tiered compilation with quick JIT, OSR, PGO; concurrent workstation GC)", [], false),
        new("tc0", "<TieredCompilation>false</TieredCompilation>", [("DOTNET_TieredCompilation", "0")], false),
        new("tc0-gcconc0", "TieredCompilation false + <ConcurrentGarbageCollection>false</ConcurrentGarbageCollection>",
            [("DOTNET_TieredCompilation", "0"), ("DOTNET_gcConcurrent", "0")], false),
        new("tc0-gcserver", "TieredCompilation false + <ServerGarbageCollection>true</ServerGarbageCollection>",
            [("DOTNET_TieredCompilation", "0"), ("DOTNET_gcServer", "1")], false),
        new("pgo0", "<TieredPGO>false</TieredPGO> (tiering on)", [("DOTNET_TieredPGO", "0")], false),
        new("qjfl0", "<TieredCompilationQuickJitForLoops>false</TieredCompilationQuickJitForLoops> (tiering on, no OSR)",
            [("DOTNET_TC_QuickJitForLoops", "0")], false),
        new("tc0-r2r0", "TieredCompilation false, framework's ReadyToRun code ignored (DOTNET_ReadyToRun=0: what R2R buys)",
            [("DOTNET_TieredCompilation", "0"), ("DOTNET_ReadyToRun", "0")], false),
        new("r2r", "<PublishReadyToRun>true</PublishReadyToRun> (RID-specific publish), tiering on", [], true),
        new("r2r-tc0", "PublishReadyToRun true + TieredCompilation false", [("DOTNET_TieredCompilation", "0")], true),
    ];

    private static readonly Regex StateLine = new(
        @"^state (\w+);.*wake-up error p50 ([\d.,]+) \S+, p99 ([\d.,]+) \S+, max ([\d.,]+) \S+, (\d+) GCs", RegexOptions.CultureInvariant);

    public static int Run(string[] args)
    {
        int repeat = 3, cameras = 2;
        double duration = 5, rate = 60;
        string? runner = null, r2rRunner = null;
        bool publishR2r = false;
        HashSet<string>? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"runtime: {option} needs a value");
            try
            {
                switch (option)
                {
                    case "-h" or "--help": Console.WriteLine(Usage); return 0;
                    case "--repeat": repeat = PositiveInt(option, Value()); break;
                    case "--cameras": cameras = PositiveInt(option, Value()); break;
                    case "--duration": duration = PositiveDouble(option, Value()); break;
                    case "--rate": rate = PositiveDouble(option, Value()); break;
                    case "--runner": runner = Value(); break;
                    case "--r2r-runner": r2rRunner = Value(); break;
                    case "--publish-r2r": publishR2r = true; break;
                    case "--configs":
                        only = new HashSet<string>(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
                        var unknown = only.Where(id => !AllConfigs.Any(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase))).ToList();
                        if (unknown.Count > 0)
                            throw new ArgumentException($"runtime: --configs: unknown id(s) {string.Join(", ", unknown)}; known: {string.Join(", ", AllConfigs.Select(c => c.Id))}");
                        break;
                    default: throw new ArgumentException($"runtime: unknown argument '{option}'; see --help");
                }
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        }
        if (r2rRunner is not null && publishR2r)
        {
            Console.Error.WriteLine("runtime: give --r2r-runner or --publish-r2r, not both");
            return 2;
        }

        runner ??= FindRunner();
        if (runner is null || !File.Exists(runner))
        {
            Console.Error.WriteLine($"runtime: SyncTakeRunner.dll not found{(runner is null ? "" : $" at {runner}")}. Build it first:");
            Console.Error.WriteLine("         dotnet build examples/SyncTakeRunner -c Release");
            Console.Error.WriteLine("         or give its path with --runner <dll>.");
            return 3;
        }
        runner = Path.GetFullPath(runner);
        string dotnet = FindDotnet();
        string work = Directory.CreateTempSubdirectory("pscamsync-runtime-bench-").FullName;
        try
        {
            if (publishR2r)
            {
                r2rRunner = PublishReadyToRun(dotnet, runner, work);
                if (r2rRunner is null)
                    return 4;
            }
            if (r2rRunner is not null)
            {
                r2rRunner = Path.GetFullPath(r2rRunner);
                if (!File.Exists(r2rRunner))
                {
                    Console.Error.WriteLine($"runtime: --r2r-runner: {r2rRunner} does not exist");
                    return 2;
                }
            }

            var configs = AllConfigs.Where(c => (only is null || only.Contains(c.Id)) && (!c.ReadyToRunRunner || r2rRunner is not null)).ToList();
            if (!configs.Any(c => c.Id == "default"))
                configs.Insert(0, AllConfigs[0]); // the reference for the ratios
            return Measure(configs, dotnet, runner, r2rRunner, work, repeat, cameras, rate, duration);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static int Measure(List<Config> configs, string dotnet, string runner, string? r2rRunner, string work,
        int repeat, int cameras, double rate, double duration)
    {
        string takeArgs = string.Create(CultureInfo.InvariantCulture, $"--cameras {cameras} --rate {rate} --duration {duration} --lead 2");
        Console.WriteLine($"runtime: {configs.Count} configurations × {repeat} runs, interleaved; each run: {takeArgs}; {Environment.ProcessorCount} CPUs, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSArchitecture}");
        Console.WriteLine($"  muxer  {dotnet}");
        Console.WriteLine($"  runner {runner} ({DescribeAssemblies(runner)}, built {File.GetLastWriteTimeUtc(runner):yyyy-MM-dd HH:mm} UTC)");
        if (r2rRunner is not null)
            Console.WriteLine($"  r2r    {r2rRunner} ({DescribeAssemblies(r2rRunner)})");
        else
            Console.WriteLine("  (no ReadyToRun runner: the r2r configurations are left out; add --publish-r2r or --r2r-runner DLL)");
        foreach (var c in configs)
            Console.WriteLine($"  {c.Id,-13} {(c.Environment.Length == 0 ? "" : string.Join(" ", c.Environment.Select(e => $"{e.Name}={e.Value}")) + "  ")}= {c.Csproj}");
        var inherited = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("COMPlus_", StringComparison.Ordinal))
            .Where(k => !k.StartsWith("DOTNET_CLI", StringComparison.Ordinal) && !k.StartsWith("DOTNET_ROOT", StringComparison.Ordinal) && k != "DOTNET_NOLOGO")
            .ToList();
        if (inherited.Count > 0)
            Console.WriteLine($"  note: inherited DOTNET_/COMPlus_ variables removed from every child's environment: {string.Join(", ", inherited)}");

        var samples = configs.ToDictionary(c => c.Id, _ => new List<Sample>());
        int failures = 0, run = 0;
        for (int r = 0; r < repeat; r++)
        {
            foreach (var c in configs)
            {
                run++;
                string output = Path.Combine(work, $"take-{run}");
                var before = CpuLoad.Read();
                var (sample, problem) = RunOnce(dotnet, c.ReadyToRunRunner ? r2rRunner! : runner, c, takeArgs, output, inherited, duration);
                var after = CpuLoad.Read();
                string load = CpuLoad.Describe(before, after);
                if (Directory.Exists(output))
                    Directory.Delete(output, recursive: true);
                if (sample is null)
                {
                    failures++;
                    Console.WriteLine($"  run {r + 1}/{repeat} {c.Id,-13} NOT MEASURED: {problem}");
                    continue;
                }
                sample = sample with { Busy = CpuLoad.Busy(before, after) };
                samples[c.Id].Add(sample);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  run {r + 1}/{repeat} {c.Id,-13} {sample.State,-9} lost {sample.LostSlots}/{sample.ExpectedSlots}  wake p50 {sample.WakeP50Ns / 1e3,7:0.0} p99 {sample.WakeP99Ns / 1e3,8:0.0} max {sample.WakeMaxNs / 1e3,8:0.0} µs  {sample.Gcs} GCs  ready {sample.ReadyUs / 1e3,6:0} ms  ({load})"));
            }
        }

        Print(configs, samples);
        if (failures > 0)
        {
            Console.Error.WriteLine($"runtime: {failures} run(s) could not be measured (see above)");
            return 5;
        }
        return 0;
    }

    private static int PositiveInt(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new ArgumentException($"runtime: {option}: '{value}' is not a whole number above 0");

    private static double PositiveDouble(string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d > 0 && double.IsFinite(d)
            ? d : throw new ArgumentException($"runtime: {option}: '{value}' is not a number above 0");

    private static (Sample? Sample, string Problem) RunOnce(string dotnet, string dll, Config config, string takeArgs, string output,
        List<string> inherited, double duration)
    {
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(dll);
        foreach (string a in takeArgs.Split(' '))
            psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--out");
        psi.ArgumentList.Add(output);
        foreach (string k in inherited)
            psi.Environment.Remove(k);
        foreach (var (name, value) in config.Environment)
            psi.Environment[name] = value;

        var lines = new List<string>();
        var stderr = new StringBuilder();
        long readyTicks = -1;
        var clock = new Stopwatch();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (lines)
            {
                if (readyTicks < 0 && e.Data.StartsWith("take ", StringComparison.Ordinal))
                    readyTicks = clock.ElapsedTicks;
                lines.Add(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
                if (stderr.Length > 4000)
                    stderr.Remove(0, stderr.Length - 4000);
            }
        };
        clock.Start();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        int timeoutMs = (int)((duration + 2 + 120) * 1000);
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (null, $"no exit after {timeoutMs / 1000} s; killed");
        }
        process.WaitForExit(); // drains the redirected streams

        string Tail()
        {
            lock (stderr)
            {
                string s = stderr.ToString().Replace('\r', '\n').Trim();
                return s.Length > 300 ? "…" + s[^300..] : s;
            }
        }

        lock (lines)
        {
            if (readyTicks < 0)
                return (null, $"exit code {process.ExitCode}, no 'take' line; stderr: {Tail()}");
            var state = lines.Select(l => StateLine.Match(l)).FirstOrDefault(m => m.Success);
            if (state is null)
                return (null, $"exit code {process.ExitCode}, no 'state' line with wake-up figures; stderr: {Tail()}");
            var table = ParseCameraTable(lines);
            if (table is null)
                return (null, $"exit code {process.ExitCode}, no camera table; stderr: {Tail()}");
            return (new Sample(
                LostSlots: table.Value.Lost,
                ExpectedSlots: table.Value.Expected,
                WakeP50Ns: MicrosToNanos(state.Groups[2].Value),
                WakeP99Ns: MicrosToNanos(state.Groups[3].Value),
                WakeMaxNs: MicrosToNanos(state.Groups[4].Value),
                Gcs: long.Parse(state.Groups[5].Value, CultureInfo.InvariantCulture),
                ReadyUs: readyTicks * 1_000_000 / Stopwatch.Frequency,
                State: state.Groups[1].Value,
                Busy: 0), "");
        }
    }

    /// <summary>
    /// The runner's camera table: the header line starting "Camera" names the columns; rows follow until a blank line.
    /// Lost = Missing + Late of the worst camera (a TriggerLate slot is skipped for every camera at once).
    /// </summary>
    private static (long Expected, long Lost)? ParseCameraTable(List<string> lines)
    {
        int header = lines.FindIndex(l => l.StartsWith("Camera", StringComparison.Ordinal) && l.Contains("Expected", StringComparison.Ordinal));
        if (header < 0)
            return null;
        var names = lines[header].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int expected = Array.IndexOf(names, "Expected"), missing = Array.IndexOf(names, "Missing"), late = Array.IndexOf(names, "Late");
        if (expected < 0 || missing < 0 || late < 0)
            return null;
        long worstExpected = 0, worstLost = -1;
        for (int i = header + 1; i < lines.Count && lines[i].Trim().Length > 0; i++)
        {
            var cells = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length <= Math.Max(late, Math.Max(missing, expected)))
                return null;
            long lost = long.Parse(cells[missing], CultureInfo.InvariantCulture) + long.Parse(cells[late], CultureInfo.InvariantCulture);
            worstLost = Math.Max(worstLost, lost);
            worstExpected = Math.Max(worstExpected, long.Parse(cells[expected], CultureInfo.InvariantCulture));
        }
        return worstLost < 0 ? null : (worstExpected, worstLost);
    }

    /// <summary>µs as the runner prints them ("0.0" in its current culture: a decimal point or comma) to ns.</summary>
    private static long MicrosToNanos(string micros) =>
        (long)Math.Round(double.Parse(micros.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture) * 1000);

    private static void Print(List<Config> configs, Dictionary<string, List<Sample>> samples)
    {
        static long Median(IEnumerable<long> values) => Percentiles.NearestRank(values.Order().ToList(), 50);

        var measured = configs.Where(c => samples[c.Id].Count > 0).ToList();
        var reference = samples["default"];
        Console.WriteLine();
        Console.WriteLine("Per configuration: median (nearest-rank p50 of the runs) / worst run; ×default = median ÷ the default configuration's median, same run");
        Console.WriteLine($"{"config",-13} {"runs",4} {"lost slots",13} {"wake p99 µs",17} {"wake max µs",17} {"ready ms",11} {"GCs",4} {"×p99",7} {"×max",7} {"×ready",7} {"busy",5}");
        foreach (var c in measured)
        {
            var s = samples[c.Id];
            long expected = s.Max(x => x.ExpectedSlots);
            string lost = $"{Median(s.Select(x => x.LostSlots))}/{s.Max(x => x.LostSlots)} of {expected}";
            string p99 = string.Create(CultureInfo.InvariantCulture, $"{Median(s.Select(x => x.WakeP99Ns)) / 1e3:0.0}/{s.Max(x => x.WakeP99Ns) / 1e3:0.0}");
            string max = string.Create(CultureInfo.InvariantCulture, $"{Median(s.Select(x => x.WakeMaxNs)) / 1e3:0.0}/{s.Max(x => x.WakeMaxNs) / 1e3:0.0}");
            string ready = string.Create(CultureInfo.InvariantCulture, $"{Median(s.Select(x => x.ReadyUs)) / 1e3:0}/{s.Max(x => x.ReadyUs) / 1e3:0}");
            Console.WriteLine($"{c.Id,-13} {s.Count,4} {lost,13} {p99,17} {max,17} {ready,11} {s.Max(x => x.Gcs),4} " +
                $"{Ratio(s, reference, x => x.WakeP99Ns),7} {Ratio(s, reference, x => x.WakeMaxNs),7} {Ratio(s, reference, x => x.ReadyUs),7} {Median(s.Select(x => (long)Math.Round(x.Busy * 100))),4}%");
        }
        Console.WriteLine("  lost slots = the worst camera's Missing + Late; GCs = the most garbage collections during one take; busy = median CPU busy during the runs");

        if (measured.Count == 0)
            return;
        // The rule. A run's wake-up max is one sample: on a shared machine one stall of the VM or of a neighbour's build
        // sets it, in any configuration, while a pause of the runtime's own (tiering) shows in every run. So: (1) rank
        // by the median over runs of the wake-up max; every configuration within 2x of the best median counts as tied
        // (the median max of one configuration swings that much with the load of the moment); (2) among the tied, the
        // fewest slots lost over all runs; (3) then the fewest settings changed from the default (each is one more
        // thing to deploy and keep); (4) then the shortest median start-to-ready.
        long MedianMax(Config c) => Median(samples[c.Id].Select(x => x.WakeMaxNs));
        long TotalLost(Config c) => samples[c.Id].Sum(x => x.LostSlots);
        long bestMax = measured.Min(MedianMax);
        var tied = measured.Where(c => MedianMax(c) <= 2 * bestMax).ToList();
        long fewestLost = tied.Min(TotalLost);
        var safest = tied.Where(c => TotalLost(c) == fewestLost).ToList();
        int fewestChanges = safest.Min(c => c.Changes);
        var simplest = safest.Where(c => c.Changes == fewestChanges).ToList();
        var pick = simplest.MinBy(c => Median(samples[c.Id].Select(x => x.ReadyUs)))!;
        var ps = samples[pick.Id];
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"recommendation: {pick.Id} = {pick.Csproj}: {ps.Sum(x => x.LostSlots)} slots lost in {ps.Count} runs, median wake max {MedianMax(pick) / 1e3:0} µs, p99 {Median(ps.Select(x => x.WakeP99Ns)) / 1e3:0.0} µs, ready {Median(ps.Select(x => x.ReadyUs)) / 1e3:0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  rule: median wake-up max within 2x of the best ({bestMax / 1e3:0} µs) [{string.Join(", ", tied.Select(c => c.Id))}], then fewest slots lost over all runs [{string.Join(", ", safest.Select(c => c.Id))}], " +
            $"then fewest settings changed [{string.Join(", ", simplest.Select(c => c.Id))}], then shortest median start-to-ready"));
    }

    private static string Ratio(List<Sample> s, List<Sample> reference, Func<Sample, long> value)
    {
        if (reference.Count == 0)
            return "n/a";
        long r = Percentiles.NearestRank(reference.Select(value).Order().ToList(), 50);
        long m = Percentiles.NearestRank(s.Select(value).Order().ToList(), 50);
        return r == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{(double)m / r:0.00}");
    }

    /// <summary>examples/SyncTakeRunner/bin/{Release,Debug}/net10.0/SyncTakeRunner.dll in the first folder up from the bench's own that has it.</summary>
    private static string? FindRunner()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string project = Path.Combine(dir.FullName, "examples", "SyncTakeRunner");
            if (!Directory.Exists(project))
                continue;
            foreach (string config in new[] { "Release", "Debug" })
            {
                string dll = Path.Combine(project, "bin", config, "net10.0", "SyncTakeRunner.dll");
                if (File.Exists(dll))
                    return dll;
            }
            return null;
        }
        return null;
    }

    /// <summary>The dotnet muxer: three folders up from this runtime's directory (…/shared/Microsoft.NETCore.App/&lt;version&gt;/), else PATH.</summary>
    private static string FindDotnet()
    {
        string root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        string muxer = Path.Combine(root, "dotnet");
        if (File.Exists(muxer))
            return muxer;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "dotnet");
            if (File.Exists(candidate))
                return candidate;
        }
        return "dotnet";
    }

    /// <summary>
    /// Publishes the runner's project (two folders above bin/&lt;Config&gt;/net10.0/) framework-dependent for this machine's
    /// linux RID with PublishReadyToRun into <paramref name="work"/>/r2r; returns its SyncTakeRunner.dll, or null (reported).
    /// </summary>
    private static string? PublishReadyToRun(string dotnet, string runner, string work)
    {
        string project = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(runner)!, "..", "..", ".."));
        if (!File.Exists(Path.Combine(project, "SyncTakeRunner.csproj")))
        {
            Console.Error.WriteLine($"runtime: --publish-r2r: no SyncTakeRunner.csproj at {project}; publish one yourself and give --r2r-runner");
            return null;
        }
        string rid = "linux-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        string outDir = Path.Combine(work, "r2r");
        var psi = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "publish", project, "-c", "Release", "-r", rid, "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", outDir, "-nologo", "-v", "quiet" })
            psi.ArgumentList.Add(a);
        Console.WriteLine($"runtime: publishing a ReadyToRun runner: dotnet {string.Join(" ", psi.ArgumentList)}");
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stderrTask = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string stderr = stderrTask.Result;
        string dll = Path.Combine(outDir, "SyncTakeRunner.dll");
        if (p.ExitCode != 0 || !File.Exists(dll))
        {
            Console.Error.WriteLine($"runtime: dotnet publish failed (exit code {p.ExitCode}):\n{stdout}{stderr}");
            return null;
        }
        Console.WriteLine($"  published in {clock.Elapsed.TotalSeconds:0.0} s");
        return dll;
    }

    /// <summary>Whether the runner dll and PsCamSync.Core.dll beside it carry ReadyToRun code (a managed native header), with their sizes.</summary>
    private static string DescribeAssemblies(string runner)
    {
        var parts = new List<string>();
        foreach (string name in new[] { Path.GetFileName(runner), "PsCamSync.Core.dll" })
        {
            string path = Path.Combine(Path.GetDirectoryName(runner)!, name);
            if (!File.Exists(path))
                continue;
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            var cor = pe.PEHeaders.CorHeader;
            bool r2r = cor is not null && cor.ManagedNativeHeaderDirectory.Size > 0;
            parts.Add($"{name} {new FileInfo(path).Length / 1024} KiB {(r2r ? $"ReadyToRun for {TargetOf(pe.PEHeaders.CoffHeader.Machine)}" : "IL only")}");
        }
        return string.Join(", ", parts);
    }

    /// <summary>
    /// The target of a ReadyToRun image: crossgen2 writes the COFF machine XOR-ed with an OS value (Linux 0x7B79), so a
    /// Linux image reads as neither AMD64 nor Arm64 to a plain PE reader.
    /// </summary>
    private static string TargetOf(Machine machine)
    {
        var linux = (Machine)((ushort)machine ^ 0x7B79);
        return Enum.IsDefined(linux) ? $"linux-{linux}" : $"machine 0x{(ushort)machine:X4}";
    }
}
