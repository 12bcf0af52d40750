using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using PsCamSync.Module.Tests.Support;

namespace PsCamSync.Module.Tests;

/// <summary>Conventions of the cmdlets, asked of PowerShell (Get-Command, Get-Verb, TabExpansion2, -WhatIf) where it can answer.</summary>
[Collection(ModuleCollection.Name)]
public class CmdletConventionTests
{
    private const string AllSets = "__AllParameterSets";

    private static ModuleRunspace PS => ModuleRunspace.Shared;

    public static TheoryData<string> CmdletNames() => ModuleRunspace.CmdletNames();

    /// <summary>Cmdlets with a read-only verb that change state on purpose, each with ShouldProcess.</summary>
    private static readonly HashSet<string> ReadersThatEnable = new(StringComparer.Ordinal) { "Test-PtpSync", "Measure-SyncJitter" };

    /// <summary>The cmdlets whose -WhatIf a behaviour test below runs.</summary>
    private static readonly HashSet<string> WhatIfTested = new(StringComparer.Ordinal) { "Start-SyncCapture", "Stop-SyncCapture", "Test-PtpSync", "Export-SyncTakeReport", "Measure-SyncJitter" };

    // ---- Names and classes ----

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void UsesAnApprovedVerb(string name)
    {
        var verbs = PS.Invoke("Get-Verb | ForEach-Object Verb").Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal);
        Assert.True(verbs.Contains(PS.Cmdlet(name).Verb), $"{name}: '{PS.Cmdlet(name).Verb}' is not an approved verb (Get-Verb).");
    }

    [Fact]
    public void TheVerbListsOfTheseTests_HoldApprovedVerbsOnly()
    {
        var verbs = PS.Invoke("Get-Verb | ForEach-Object Verb").Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal);
        Assert.All(ApprovedVerbs.ChangeState.Concat(ApprovedVerbs.ReadOnly), v => Assert.Contains(v, verbs));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void IsAPublicSealedClassNamedVerbNounCommand(string name)
    {
        var c = PS.Cmdlet(name);
        var type = c.ImplementingType;
        Assert.True(type.IsPublic, $"{type.FullName} must be public.");
        Assert.True(type.IsSealed, $"{type.FullName} must be sealed.");
        Assert.Equal(c.Verb + c.Noun + "Command", type.Name);
        Assert.True(type.IsSubclassOf(typeof(PSCmdlet)), $"{type.FullName} must derive from PSCmdlet.");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void LivesInItsOwnFileNamedAfterTheClass(string name)
    {
        var type = PS.Cmdlet(name).ImplementingType;
        string file = Path.Combine(PS.Root, "src", "PsCamSync", type.Name + ".cs");
        Assert.True(File.Exists(file), $"{type.Name} should be in {file}.");
        string source = File.ReadAllText(file);
        Assert.Contains("class " + type.Name, source);
        Assert.Single(Regex.Matches(source, @"\[Cmdlet\("));
    }

    // ---- Output types ----

    /// <summary>The [OutputType] attributes of a cmdlet: the types and the parameter sets they are for (empty: every set).</summary>
    private static IReadOnlyList<(Type[] Types, string[] Sets)> OutputTypeAttributes(string name) =>
        PS.Cmdlet(name).ImplementingType.GetCustomAttributes<OutputTypeAttribute>()
            .Select(a => (a.Type.Select(t => t.Type!).ToArray(), a.ParameterSetName.Where(s => s != AllSets).ToArray()))
            .ToList();

    /// <summary>The types a cmdlet declares for one of its parameter sets.</summary>
    private static IReadOnlyList<Type> DeclaredFor(string name, string set) =>
        OutputTypeAttributes(name).Where(a => a.Sets.Length == 0 || a.Sets.Contains(set)).SelectMany(a => a.Types).ToList();

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void DeclaresOutputTypes_ThatResolve_ForParameterSetsThatExist(string name)
    {
        var c = PS.Cmdlet(name);
        Assert.True(c.OutputType.Count > 0, $"{name} declares no [OutputType].");
        Assert.All(c.OutputType, t => Assert.True(t.Type is not null, $"{name}: output type {t.Name} does not resolve to a loaded type."));
        var sets = c.ParameterSets.Select(s => s.Name).ToHashSet();
        foreach (var set in OutputTypeAttributes(name).SelectMany(a => a.Sets))
            Assert.True(sets.Contains(set), $"{name}: [OutputType] names parameter set '{set}'; Get-Command knows {string.Join(", ", sets)}.");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void OutputTypesOfThisModule_ArePublicAndSealed(string name)
    {
        foreach (var type in PS.Cmdlet(name).OutputType.Select(t => t.Type).Where(t => t?.Assembly == PS.Commands || t?.Assembly == PS.Core))
        {
            Assert.True(type!.IsPublic, $"{type} must be public.");
            Assert.True(type.IsSealed, $"{type} must be sealed.");
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryParameterSetGetsAnOutputType_WhereTheTypeDependsOnTheSet(string name)
    {
        var perSet = OutputTypeAttributes(name).SelectMany(a => a.Sets).ToHashSet();
        if (perSet.Count == 0)
            return; // one output type for every set
        foreach (var set in PS.Cmdlet(name).ParameterSets)
            Assert.True(perSet.Contains(set.Name), $"{name}: parameter set '{set.Name}' has no [OutputType].");
    }

    /// <summary>Real output (see <see cref="ModuleRunspace.EnsureSamples"/>) by cmdlet and the parameter set its call bound.</summary>
    public static TheoryData<string, string, string> OutputCases() => new()
    {
        { "Get-SyncCamera", "Camera", "$Samples.Cameras" },
        { "Get-SyncCamera", "ListBackend", "$Samples.Backends" },
        { "Start-SyncCapture", "AsJob", "$Samples.Job" },
        { "Start-SyncCapture", "Wait", "$Samples.Result" },
        { "Stop-SyncCapture", "Job", "$Samples.Stopped" },
        { "Get-SyncCapture", AllSets, "$Samples.Captures" },
        { "Wait-SyncCapture", AllSets, "$Samples.Waited" },
        { "Measure-SyncTake", "Take", "$Samples.Report" },
        { "Measure-SyncTake", "PerCamera", "$Samples.PerCamera" },
        { "Export-SyncTakeReport", AllSets, "$Samples.ReportFiles" },
        { "Test-PtpSync", "Default", "$Samples.Ptp" },
        { "Test-PtpSync", "Quiet", "$Samples.PtpQuiet" },
        { "Get-CameraTimestampDelta", AllSets, "$Samples.Delta" },
        { "Test-CaptureBudget", "Cameras", "$Samples.Budget" },
        { "Test-CaptureBudget", "Size", "$Samples.BudgetQuiet" },
        { "Measure-SyncJitter", AllSets, "$Samples.Jitter" },
    };

    [Theory]
    [MemberData(nameof(OutputCases))]
    public void Output_IsOfTheTypeDeclaredForItsParameterSet(string name, string set, string sample)
    {
        PS.EnsureSamples();
        Assert.Contains(set, PS.Cmdlet(name).ParameterSets.Select(s => s.Name));
        var declared = DeclaredFor(name, set);
        var output = PS.Invoke(sample + " | ForEach-Object { $_ }");
        Assert.NotEmpty(output);
        foreach (var o in output)
            Assert.True(declared.Any(t => t.IsInstanceOfType(o.BaseObject)),
                $"{name} (set {set}) wrote a {o.BaseObject.GetType()}; it declares {string.Join(", ", declared.Select(t => t.Name))} for that set.");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryCmdlet_AndEverySetWithItsOwnOutputType_HasAnOutputCase(string name)
    {
        var cases = OutputCases().Select(row => ((string)row[0], (string)row[1])).ToList();
        Assert.Contains(cases, c => c.Item1 == name);
        foreach (var set in OutputTypeAttributes(name).SelectMany(a => a.Sets).Distinct())
            Assert.Contains((name, set), cases);
    }

    // ---- ShouldProcess ----

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void SupportsShouldProcess_ExactlyWhenTheVerbChangesState(string name)
    {
        var c = PS.Cmdlet(name);
        bool whatIf = c.Parameters.ContainsKey("WhatIf") && c.Parameters.ContainsKey("Confirm");
        if (ApprovedVerbs.ChangeState.Contains(c.Verb))
            Assert.True(whatIf, $"{name} changes state: it must take -WhatIf and -Confirm (SupportsShouldProcess).");
        // Test-PtpSync reads, but issue 3 has it enable PTP on the cameras it checks, with ShouldProcess and -WhatIf;
        // Measure-SyncJitter measures by recording takes (issue 10), so it asks as Start-SyncCapture does.
        if (ApprovedVerbs.ReadOnly.Contains(c.Verb) && !ReadersThatEnable.Contains(name))
            Assert.False(whatIf, $"{name} only reads: it must not take -WhatIf/-Confirm.");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryCmdletWithWhatIf_HasAWhatIfBehaviourTest(string name) =>
        Assert.Equal(PS.Cmdlet(name).Parameters.ContainsKey("WhatIf"), WhatIfTested.Contains(name));

    [Fact]
    public void StartSyncCapture_WhatIf_SaysWhatItWouldRecord_AndStartsNothing()
    {
        string path = Path.Combine(PS.TempPath, "whatif-start");
        PS.SetVariable("path", path);
        var run = PS.Run("Start-SyncCapture -CameraId sim-0 -Backend Simulated -FrameRate 30 -FrameCount 10 -Path $path -Name whatif-start -WhatIf");
        Assert.Empty(run.Errors);
        Assert.Empty(run.Output);
        Assert.Contains($"What if: Performing the operation \"Record 1 camera(s) (sim-0) at 30 Hz, 10 frames from ", run.HostText);
        Assert.Contains($"on target \"{path}\".", run.HostText);
        Assert.False(Directory.Exists(path), "-WhatIf created the take folder.");
        Assert.Empty(PS.Invoke("Get-Job -Name whatif-start -ErrorAction SilentlyContinue"));
        var stop = PS.Run("Stop-SyncCapture -Name whatif-start");
        Assert.Equal("SyncCaptureNotFound", Assert.Single(stop.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void MeasureSyncJitter_WhatIf_SaysWhatItWouldRecord_AndRecordsNothing()
    {
        string path = Path.Combine(PS.TempPath, "whatif-jitter");
        PS.SetVariable("path", path);
        var run = PS.Run("Measure-SyncJitter -CameraId sim-0 -Backend Simulated -FrameRate 30, 60 -Duration 1 -Path $path -WhatIf");
        Assert.Empty(run.Errors);
        Assert.Empty(run.Output);
        Assert.Contains($"What if: Performing the operation \"Record 2 take(s) of 1 s on 1 camera(s) (sim-0) at 30, 60 Hz\" on target \"{path}\".", run.HostText);
        Assert.False(Directory.Exists(path), "-WhatIf created the sweep folder.");
    }

    [Fact]
    public void StopSyncCapture_WhatIf_SaysWhatItWouldStop_AndTheTakeRecordsOn()
    {
        string path = Path.Combine(PS.TempPath, "whatif-stop");
        PS.SetVariable("path", path);
        PS.Invoke("$job = Start-SyncCapture -CameraId sim-0 -Backend Simulated -FrameRate 100 -Duration 600 -Lead 0.2 -Path $path -Name whatif-stop");
        try
        {
            var run = PS.Run("Stop-SyncCapture -Name whatif-stop -WhatIf");
            Assert.Empty(run.Errors);
            Assert.Empty(run.Output);
            Assert.Contains($"What if: Performing the operation \"Stop now\" on target \"take 'whatif-stop' ({path})\".", run.HostText);
            PS.Invoke("$whatIfDone = [DateTimeOffset]::UtcNow; Start-Sleep -Seconds 1");
            Assert.Equal("Running", PS.Value<string>("$job.State.ToString()"));

            // Without -WhatIf the same call stops it, a second after the -WhatIf: the take recorded on until then.
            var stopped = PS.InvokeSingle("Stop-SyncCapture -Name whatif-stop -Wait");
            Assert.Equal("Stopped", stopped.Properties["State"].Value.ToString());
            long dueAtWhatIf = PS.Value<long>("[long](($whatIfDone - $job.StartTime).TotalSeconds * 100)");
            long end = (long)stopped.Properties["EndFrameIndex"].Value;
            Assert.True(end > dueAtWhatIf + 50, $"The take ended at frame {end}; frame {dueAtWhatIf} was due when -WhatIf returned, a second before the real stop.");
        }
        finally
        {
            PS.Invoke("$job | Remove-Job -Force");
        }
    }

    [Fact]
    public void TestPtpSync_WhatIf_SaysItWouldEnablePtp_AndLeavesItOff()
    {
        PS.SetVariable("noPtp4l", Path.Combine(PS.TempPath, "no-ptp4l"));
        const string Test = "Test-PtpSync -CameraId sim-0, sim-1 -Backend Simulated -SocketPath $noPtp4l -Timeout 0 -ErrorAction SilentlyContinue";
        var whatIf = PS.Run("$r = " + Test + " -WhatIf; @($r.Cameras).Enabled");
        Assert.Contains("What if: Performing the operation \"Enable PTP\" on target \"sim-0\".", whatIf.HostText);
        Assert.Contains("What if: Performing the operation \"Enable PTP\" on target \"sim-1\".", whatIf.HostText);
        Assert.Equal(new[] { false, false }, whatIf.Output.Select(o => (bool)o.BaseObject));

        // Without -WhatIf the same call enables them, and says no "What if:".
        var done = PS.Run("$r = " + Test + "; @($r.Cameras).Enabled");
        Assert.DoesNotContain("What if:", done.HostText);
        Assert.Equal(new[] { true, true }, done.Output.Select(o => (bool)o.BaseObject));
    }

    [Fact]
    public void ExportSyncTakeReport_WhatIf_SaysWhatItWouldWrite_AndWritesNothing()
    {
        PS.EnsureSamples();
        string path = Path.Combine(PS.TempPath, "whatif-report");
        PS.SetVariable("path", path);
        var run = PS.Run("$Samples.Result | Export-SyncTakeReport -OutputPath $path -PassThru -WhatIf");
        Assert.Empty(run.Errors);
        Assert.Empty(run.Output);
        Assert.Contains("What if: Performing the operation \"Write the report of take 'sample-wait' (index.html and 6 charts as PNG and SVG)\"", run.HostText);
        Assert.Contains($"on target \"{path}\".", run.HostText);
        Assert.False(Directory.Exists(path), "-WhatIf created the report folder.");

        // Without -WhatIf the same call writes it.
        var done = PS.Run("$Samples.Result | Export-SyncTakeReport -OutputPath $path -PassThru");
        Assert.Empty(run.Errors);
        Assert.Equal(Path.Combine(path, "index.html"), ((FileInfo)done.Output[0].BaseObject).FullName);
        Assert.True(File.Exists(Path.Combine(path, "index.html")));
    }

    // ---- Parameter sets ----

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void CmdletsWithParameterSets_NameTheDefaultSet(string name)
    {
        // Without a default, a call that gives only shared parameters cannot be resolved to a set.
        // (With one named set and no default, PowerShell folds the shared parameters into it: one set, still named.)
        var c = PS.Cmdlet(name);
        if (c.ParameterSets.All(s => s.Name == AllSets))
            return;
        var sets = string.Join(", ", c.ParameterSets.Select(s => s.Name));
        Assert.False(string.IsNullOrEmpty(c.DefaultParameterSet), $"{name} has parameter sets ({sets}) but no default.");
        Assert.NotEqual(AllSets, c.DefaultParameterSet);
        Assert.Equal(c.DefaultParameterSet, Assert.Single(c.ParameterSets, s => s.IsDefault).Name);
    }

    // ---- Argument completion ----

    /// <summary>What typing the line and pressing Tab offers (TabExpansion2, as a console does).</summary>
    private static IReadOnlyList<string> Complete(string line)
    {
        PS.SetVariable("line", line);
        return PS.Invoke("(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object ListItemText")
            .Select(o => o.ToString()).ToList();
    }

    /// <summary>A command line ending in a parameter with a completer, and what Tab must offer (| separated).</summary>
    public static TheoryData<string, string, string> CompletionCases() => new()
    {
        { "Get-SyncCamera", "Get-SyncCamera -Backend Sim", "Simulated" },
        { "Start-SyncCapture", "Start-SyncCapture -Backend Sim", "Simulated" },
        { "Test-PtpSync", "Test-PtpSync -Backend Sim", "Simulated" },
        { "Get-CameraTimestampDelta", "Get-CameraTimestampDelta -Backend Sim", "Simulated" },
        { "Measure-SyncJitter", "Measure-SyncJitter -Backend Sim", "Simulated" },
        { "Measure-SyncJitter", "Measure-SyncJitter -Backend Simulated -CameraId sim-", "sim-0|sim-1|sim-2" },
        { "Start-SyncCapture", "Start-SyncCapture -Backend Simulated -CameraId sim-", "sim-0|sim-1|sim-2" },
        { "Start-SyncCapture", "Start-SyncCapture -ActionInterface l", "lo" },
        { "Test-PtpSync", "Test-PtpSync -Backend Simulated -CameraId sim-", "sim-0|sim-1|sim-2" },
        { "Get-CameraTimestampDelta", "Get-CameraTimestampDelta -Backend Simulated -CameraId sim-", "sim-0|sim-1|sim-2" },
        { "Test-PtpSync", "Test-PtpSync -SocketPath $TestTemp/ptp4l", "$TestTemp/ptp4l-test" },
        { "Get-CameraTimestampDelta", "Get-CameraTimestampDelta -SocketPath $TestTemp/ptp4l", "$TestTemp/ptp4l-test" },
        { "Test-CaptureBudget", "Test-CaptureBudget -Backend Sim", "Simulated" },
        { "Test-CaptureBudget", "Test-CaptureBudget -Backend Simulated -CameraId sim-", "sim-0|sim-1|sim-2" },
    };

    [Theory]
    [MemberData(nameof(CompletionCases))]
    public void ArgumentCompleter_Completes(string name, string line, string expected)
    {
        Assert.StartsWith(name + " ", line);
        File.WriteAllText(Path.Combine(PS.TempPath, "ptp4l-test"), ""); // what -SocketPath offers: ptp4l* entries
        File.WriteAllText(Path.Combine(PS.TempPath, "other"), "");
        var offered = Complete(line.Replace("$TestTemp", PS.TempPath));
        Assert.Equal(expected.Replace("$TestTemp", PS.TempPath).Split('|'), offered);
    }

    [Fact]
    public void CaptureNameCompleter_OffersTheRunningTakes()
    {
        PS.SetVariable("path", Path.Combine(PS.TempPath, "complete-name"));
        Assert.Empty(Complete("Stop-SyncCapture -Name complete-na"));
        PS.Invoke("$job = Start-SyncCapture -CameraId sim-0 -Backend Simulated -FrameRate 30 -Duration 600 -Lead 0.2 -Path $path -Name complete-name");
        try
        {
            Assert.Equal(new[] { "complete-name" }, Complete("Stop-SyncCapture -Name complete-na"));
            Assert.Equal(new[] { "complete-name" }, Complete("Stop-SyncCapture complete-"));
            Assert.Equal(new[] { "complete-name" }, Complete("Wait-SyncCapture -Name complete-na"));
        }
        finally
        {
            PS.Invoke("$job | Stop-Job; $job | Remove-Job -Force");
        }
        // Stop-SyncCapture offers the takes recording; Get- and Wait-SyncCapture also those that ended (their results).
        Assert.Empty(Complete("Stop-SyncCapture -Name complete-na"));
        Assert.Equal(new[] { "complete-name" }, Complete("Get-SyncCapture -Name complete-na"));
        Assert.Equal(new[] { "complete-name" }, Complete("Wait-SyncCapture complete-"));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryParameterWithACompleter_HasACompletionCase(string name)
    {
        var covered = CompletionCases().Select(row => ((string)row[0], Regex.Match((string)row[1], @"-(\w+) \S*$").Groups[1].Value))
            .Append(("Stop-SyncCapture", "Name")) // CaptureNameCompleter_OffersTheRunningTakes
            .Append(("Get-SyncCapture", "Name"))
            .Append(("Wait-SyncCapture", "Name"))
            .ToHashSet();
        foreach (var p in PS.Cmdlet(name).Parameters.Values.Where(p => p.Attributes.OfType<ArgumentCompleterAttribute>().Any()))
            Assert.True(covered.Contains((name, p.Name)), $"{name} -{p.Name} has an argument completer but no completion test.");
    }
}
