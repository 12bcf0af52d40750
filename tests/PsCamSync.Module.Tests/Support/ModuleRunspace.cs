using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Text;

namespace PsCamSync.Module.Tests.Support;

/// <summary>
/// A real PowerShell (Microsoft.PowerShell.SDK, in the test process) with the built module imported once from the
/// repository's <c>PsCamSync.psd1</c>, which loads <c>module/bin/PsCamSync.dll</c>. Every test class of
/// <see cref="ModuleCollection"/> asks this one runspace; it runs one pipeline at a time, so the collection runs its
/// classes one after another. Created on first use (theory data asks it for the cmdlet names).
/// </summary>
public sealed class ModuleRunspace : IDisposable
{
    /// <summary>The module's name.</summary>
    public const string ModuleName = "PsCamSync";

    private static readonly Lazy<ModuleRunspace> s_shared = new(() => new ModuleRunspace(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly object _gate = new();
    private readonly RecordingHost _host = new();
    private readonly Runspace _runspace;
    private readonly PowerShell _powerShell;
    private bool _samples;

    private ModuleRunspace()
    {
        Root = FindRoot();
        ManifestPath = Path.Combine(Root, ModuleName + ".psd1");
        BinPath = Path.Combine(Root, "module", "bin");
        TempPath = Directory.CreateTempSubdirectory("pscamsync-module-tests-").FullName;
        // The takes these tests start register in a host folder of their own, not in the machine's (/run/pscamsync).
        Environment.SetEnvironmentVariable("PSCAMSYNC_RUNTIME_DIR", Path.Combine(TempPath, "host-takes"));

        // CreateDefault2 loads only the core commands' snap-ins; ExecutionPolicy is not set (not supported on Linux).
        // PowerShell.Create(iss) would give the runspace a host without a user interface, where -WhatIf's "What if:"
        // lines vanish: the runspace gets the recording host instead.
        _runspace = RunspaceFactory.CreateRunspace(_host, InitialSessionState.CreateDefault2());
        _runspace.Open();
        _powerShell = PowerShell.Create(_runspace);
        SetVariable("ManifestPath", ManifestPath);
        SetVariable("TestTemp", TempPath);

        var import = Run("Import-Module -Name $ManifestPath -PassThru");
        if (import.Errors.Count > 0)
            throw new InvalidOperationException($"Import-Module {ManifestPath} failed:\n{import.ErrorText}");
        Module = (PSModuleInfo)import.Output.Single().BaseObject;
        ImportWarnings = import.Warnings;
        Commands = Module.ImplementingAssembly
                   ?? throw new InvalidOperationException($"{ManifestPath} imported no assembly: is RootModule the built PsCamSync.dll?");
        // Resolved as the cmdlets resolve it when they first need it (PowerShell probes the module's folder).
        Core = Assembly.Load(Commands.GetReferencedAssemblies().Single(a => a.Name == "PsCamSync.Core"));
        Cmdlets = Invoke($"Get-Command -Module {ModuleName} | Sort-Object Name")
            .Select(o => o.BaseObject).OfType<CmdletInfo>().ToList();
    }

    /// <summary>The runspace every test class of the collection shares.</summary>
    public static ModuleRunspace Shared => s_shared.Value;

    /// <summary>True once <see cref="Shared"/> has been created.</summary>
    public static bool IsCreated => s_shared.IsValueCreated;

    /// <summary>Repository root (holds PsCamSync.sln and PsCamSync.psd1).</summary>
    public string Root { get; }

    /// <summary>Full path of PsCamSync.psd1, as <c>$ManifestPath</c> in the runspace.</summary>
    public string ManifestPath { get; }

    /// <summary>module/bin.</summary>
    public string BinPath { get; }

    /// <summary>A folder for takes and files the tests make, as <c>$TestTemp</c> in the runspace; removed at the end.</summary>
    public string TempPath { get; }

    /// <summary>What <c>Import-Module -PassThru</c> returned.</summary>
    public PSModuleInfo Module { get; }

    /// <summary>Warnings Import-Module wrote (an unapproved verb is one).</summary>
    public IReadOnlyList<string> ImportWarnings { get; }

    /// <summary>PsCamSync.dll as the runspace loaded it.</summary>
    public Assembly Commands { get; }

    /// <summary>PsCamSync.Core.dll as the runspace loaded it.</summary>
    public Assembly Core { get; }

    /// <summary><c>Get-Command -Module PsCamSync</c>, by name.</summary>
    public IReadOnlyList<CmdletInfo> Cmdlets { get; }

    /// <summary>The cmdlets' names, as theory data.</summary>
    public static TheoryData<string> CmdletNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Shared.Cmdlets)
            data.Add(c.Name);
        return data;
    }

    /// <summary>One cmdlet of <see cref="Cmdlets"/>.</summary>
    public CmdletInfo Cmdlet(string name) => Cmdlets.Single(c => c.Name == name);

    /// <summary>A type of PsCamSync.dll or PsCamSync.Core.dll by full name, or null.</summary>
    public Type? ModuleType(string fullName) => Commands.GetType(fullName) ?? Core.GetType(fullName);

    /// <summary>Sets a global variable of the runspace.</summary>
    public void SetVariable(string name, object? value)
    {
        lock (_gate)
            _runspace.SessionStateProxy.SetVariable(name, value);
    }

    /// <summary>Runs a script in the global scope and returns its output; throws with the error records' text when it wrote errors.</summary>
    public Collection<PSObject> Invoke(string script)
    {
        var run = Run(script);
        if (run.Errors.Count > 0)
            throw new InvalidOperationException($"The script wrote {run.Errors.Count} error(s):\n{run.ErrorText}\nScript:\n{script}");
        return run.Output;
    }

    /// <summary><see cref="Invoke"/> for a script that writes exactly one object.</summary>
    public PSObject InvokeSingle(string script)
    {
        var output = Invoke(script);
        if (output.Count != 1)
            throw new InvalidOperationException($"Expected one object, got {output.Count} from:\n{script}");
        return output[0];
    }

    /// <summary>The one object a script writes, converted as PowerShell converts.</summary>
    public T Value<T>(string script) => LanguagePrimitives.ConvertTo<T>(InvokeSingle(script));

    /// <summary>The text of what a script writes, as <c>Out-String</c> makes it (no line wider than 250).</summary>
    public string Text(string script) => Value<string>($"& {{ {script} }} | Out-String -Width 250");

    /// <summary>Runs a script in the global scope and returns everything it wrote, errors included.</summary>
    public Invocation Run(string script)
    {
        lock (_gate)
        {
            _powerShell.Commands.Clear();
            _powerShell.Streams.ClearStreams();
            _host.TakeText();
            _powerShell.AddScript(script);
            Collection<PSObject> output;
            try
            {
                output = _powerShell.Invoke();
            }
            catch (RuntimeException e)
            {
                throw new InvalidOperationException($"The script failed: {Describe(e.ErrorRecord)}\nScript:\n{script}", e);
            }
            return new Invocation(
                output,
                _powerShell.Streams.Error.ToList(),
                _powerShell.Streams.Warning.Select(w => w.Message).ToList(),
                _host.TakeText());
        }
    }

    /// <summary>
    /// Real output of every cmdlet and parameter set, made once (a short take waited for, one as a job, its reports,
    /// Test-PtpSync and Get-CameraTimestampDelta on simulated cameras with no ptp4l), in <c>$Samples</c>:
    /// Cameras, Backends (Get-SyncCamera -ListBackend), Result, Report, PerCamera, ReportFiles (Export-SyncTakeReport -PassThru), Job, JobResult, Stopped (Stop-SyncCapture -Job of the ended job), Captures
    /// (Get-SyncCapture of both takes), Waited (Wait-SyncCapture of both), Jitter (Measure-SyncJitter at two rates), Ptp, PtpQuiet, Delta.
    /// </summary>
    public void EnsureSamples()
    {
        lock (_gate)
        {
            if (_samples)
                return;
            Invoke("""
                $noPtp4l = Join-Path $TestTemp 'no-ptp4l'
                $cameras = Get-SyncCamera -Backend Simulated
                # The job records while the foreground take does, on cameras of its own (a camera records in one take at
                # a time). A 1 s lead: a cold process takes a while to arm a take.
                $job = Start-SyncCapture -CameraId sim-3, sim-4 -Backend Simulated -FrameRate 50 -FrameCount 10 -Lead 1 -Path (Join-Path $TestTemp 'sample-job') -Name sample-job
                $result = $cameras | Select-Object -First 2 |
                    Start-SyncCapture -FrameRate 50 -FrameCount 10 -Lead 1 -Path (Join-Path $TestTemp 'sample-wait') -Name sample-wait -Wait
                $null = $job | Wait-Job -Timeout 60
                # Test-CaptureBudget caches what it measures: here in the test folder, not in the user's ~/.cache.
                $env:XDG_CACHE_HOME = Join-Path $TestTemp 'cache'
                $budget = $cameras | Select-Object -First 2 | Test-CaptureBudget -FrameRate 30 -Duration 2 -Path $TestTemp
                $global:Samples = @{
                    Cameras   = $cameras
                    Backends  = Get-SyncCamera -ListBackend
                    Result    = $result
                    Report    = $result | Measure-SyncTake
                    PerCamera = $result | Measure-SyncTake -PerCamera
                    ReportFiles = $result | Export-SyncTakeReport -OutputPath (Join-Path $TestTemp 'sample-report') -PassThru
                    Job       = $job
                    JobResult = $job | Receive-Job -Keep
                    Stopped   = Stop-SyncCapture -Job $job -Wait
                    # Two short takes of a jitter sweep, on cameras no other sample records from by then.
                    Jitter    = Measure-SyncJitter -CameraId sim-5, sim-6 -Backend Simulated -FrameRate 50, 100 -Duration 0.3 -Path (Join-Path $TestTemp 'sample-jitter')
                    Captures  = Get-SyncCapture -Name sample-job, sample-wait
                    # Wait-SyncCapture writes the takes' faults as errors; a loaded machine may make one (a late
                    # slot), which must not fail every test that uses the samples.
                    Waited    = Wait-SyncCapture -Name sample-job, sample-wait -Timeout 60 -ErrorAction SilentlyContinue
                    # No ptp4l here: the host part is an Error verdict (and an error record, silenced), the cameras are read.
                    Ptp       = Test-PtpSync -CameraId sim-0, sim-1 -Backend Simulated -SocketPath $noPtp4l -Timeout 0 -ErrorAction SilentlyContinue
                    PtpQuiet  = Test-PtpSync -SocketPath $noPtp4l -Timeout 0 -Quiet
                    Budget    = $budget
                    BudgetQuiet = Test-CaptureBudget -Width 64 -Height 48 -FrameRate 10 -Duration 1 -Path $TestTemp -Quiet
                    Delta     = Get-CameraTimestampDelta -CameraId sim-0, sim-1 -Backend Simulated -Samples 3 -Interval 0.01 -SocketPath $noPtp4l -WarningAction SilentlyContinue
                }
                """);
            _samples = true;
        }
    }

    /// <summary>Removes the jobs the tests left, closes the runspace and deletes <see cref="TempPath"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            try
            {
                Run("Get-Job | Remove-Job -Force");
            }
            finally
            {
                _powerShell.Dispose();
                _runspace.Dispose();
                try { Directory.Delete(TempPath, recursive: true); } catch (IOException) { }
            }
        }
    }

    /// <summary>An error record as one text: id, message and where in the script.</summary>
    public static string Describe(ErrorRecord e)
    {
        var text = new StringBuilder().Append(e.FullyQualifiedErrorId).Append(": ").Append(e);
        if (e.InvocationInfo?.PositionMessage is { Length: > 0 } where)
            text.Append('\n').Append(where);
        return text.ToString();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PsCamSync.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No PsCamSync.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>What one script wrote.</summary>
/// <param name="Output">The output objects.</param>
/// <param name="Errors">The error stream.</param>
/// <param name="Warnings">The warning messages.</param>
/// <param name="HostText">What went to the host (e.g. "What if:" lines).</param>
public sealed record Invocation(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<string> Warnings, string HostText)
{
    /// <summary>The errors as text, one per line.</summary>
    public string ErrorText => string.Join("\n", Errors.Select(ModuleRunspace.Describe));
}

/// <summary>The test classes that share <see cref="ModuleRunspace.Shared"/>: one runspace, one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ModuleCollection : ICollectionFixture<ModuleCollection.Lifetime>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "PsCamSync runspace";

    /// <summary>Disposes the shared runspace when the collection is done.</summary>
    public sealed class Lifetime : IDisposable
    {
        /// <inheritdoc />
        public void Dispose()
        {
            if (ModuleRunspace.IsCreated)
                ModuleRunspace.Shared.Dispose();
        }
    }
}
