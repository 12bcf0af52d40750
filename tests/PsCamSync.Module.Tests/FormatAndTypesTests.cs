using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.RegularExpressions;
using PsCamSync.Module.Tests.Support;

namespace PsCamSync.Module.Tests;

/// <summary>
/// The format and types files as PowerShell loaded them (Get-FormatData, Get-TypeData), applied to real output of the
/// cmdlets: views rendered by Format-Table/Format-List, extended members read, objects serialized as remoting does.
/// </summary>
[Collection(ModuleCollection.Name)]
public class FormatAndTypesTests
{
    private static ModuleRunspace PS => ModuleRunspace.Shared;

    /// <summary>Real objects (see <see cref="ModuleRunspace.EnsureSamples"/>) of every type the files name.</summary>
    private static readonly IReadOnlyDictionary<string, string> SampleOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PsCamSync.Core.Cameras.CameraInfo"] = "$Samples.Cameras",
        ["PsCamSync.Core.Cameras.CameraBackendInfo"] = "$Samples.Backends",
        ["PsCamSync.Commands.SyncTakeResult"] = "$Samples.Result",
        ["PsCamSync.Core.Takes.TakeManifest"] = "$Samples.Result.Manifest",
        ["PsCamSync.Core.Analysis.TakeReport"] = "$Samples.Report",
        ["PsCamSync.Core.Analysis.CameraReport"] = "$Samples.PerCamera",
        ["PsCamSync.Core.Analysis.SkewStatistics"] = "$Samples.Report.ScheduledSkew, $Samples.Report.TriggerSkew, $Samples.Report.DeviceSkew",
        ["PsCamSync.Commands.Jobs.SyncCaptureCameraJob"] = "$Samples.Job.ChildJobs",
        ["PsCamSync.Commands.SyncCaptureInfo"] = "$Samples.Captures",
        ["PsCamSync.Core.Ptp.PtpSyncResult"] = "$Samples.Ptp",
        ["PsCamSync.Core.Ptp.CameraPtpStatus"] = "$Samples.Ptp.Cameras",
        ["PsCamSync.Core.Timing.TimestampDeltaResult"] = "$Samples.Delta",
        ["PsCamSync.Core.Capture.CaptureBudgetResult"] = "$Samples.Budget",
        ["PsCamSync.Core.Capture.CaptureBudgetRow"] = "$Samples.Budget.Rows",
        ["PsCamSync.Core.Capture.JitterSweepPoint"] = "$Samples.Jitter",
    };

    private const string Deserialized = "Deserialized.";

    /// <summary>
    /// Script that yields real objects of <paramref name="typeName"/>. For a <c>Deserialized.</c> name: the samples as
    /// they arrive from Invoke-Command, serialized and deserialized as remoting does, with the PSComputerName note
    /// property remoting adds.
    /// </summary>
    private static string Samples(string typeName) => typeName.StartsWith(Deserialized, StringComparison.Ordinal)
        ? SampleOf[typeName[Deserialized.Length..]] + " | ForEach-Object { [System.Management.Automation.PSSerializer]::Deserialize(" +
          "[System.Management.Automation.PSSerializer]::Serialize($_)) | Add-Member -NotePropertyName PSComputerName -NotePropertyValue 'pi-x' -PassThru }"
        : SampleOf[typeName] + " | ForEach-Object { $_ }";

    /// <summary>Cells that are blank in the samples for a stated reason (view/label).</summary>
    private static readonly IReadOnlyDictionary<string, string> BlankAllowed = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["SyncCamera/Address"] = "a simulated camera has no transport address",
        ["PtpSyncResult/Grandmaster"] = "no ptp4l runs here: the sample's host part is an Error verdict without a grandmaster",
        ["SyncCameraRemote/Address"] = "a simulated camera has no transport address",
        ["PtpSyncResultRemote/Grandmaster"] = "no ptp4l runs here: the sample's host part is an Error verdict without a grandmaster",
    };

    /// <summary>Extended type data of the module: every type name it formats or extends (Deserialized. prefix removed).</summary>
    private static IReadOnlyList<string> ExtendedTypeNames() =>
        PS.Invoke("(Get-FormatData -TypeName 'PsCamSync.*').TypeNames; (Get-TypeData -TypeName 'PsCamSync.*').TypeName")
            .Select(o => o.ToString())
            .Select(n => n.StartsWith("Deserialized.", StringComparison.Ordinal) ? n["Deserialized.".Length..] : n)
            .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Every view of the format file with each type name it is selected by (live and <c>Deserialized.</c>).</summary>
    public static TheoryData<string, string> Views()
    {
        var data = new TheoryData<string, string>();
        foreach (var definition in PS.Invoke("Get-FormatData -TypeName 'PsCamSync.*', 'Deserialized.PsCamSync.*'").Select(o => (ExtendedTypeDefinition)o.BaseObject))
            foreach (var view in definition.FormatViewDefinition)
                foreach (var typeName in definition.TypeNames)
                    data.Add(typeName, view.Name);
        return data;
    }

    private static FormatViewDefinition View(string typeName, string viewName)
    {
        PS.SetVariable("typeName", typeName);
        var definition = (ExtendedTypeDefinition)PS.InvokeSingle("Get-FormatData -TypeName $typeName").BaseObject;
        return definition.FormatViewDefinition.Single(v => v.Name == viewName);
    }

    [Fact]
    public void EveryTypeTheFilesName_IsATypeOfTheModule_WithRealObjectsToTry()
    {
        var names = ExtendedTypeNames();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            // Enums are in the types file only to travel by name (EveryPublicEnum_CrossesRemotingByName).
            if (PS.ModuleType(name) is { IsEnum: true })
                continue;
            Assert.True(PS.ModuleType(name) is not null, $"{name} is named in a format or types file but is not a type of PsCamSync.dll or PsCamSync.Core.dll.");
            Assert.True(SampleOf.ContainsKey(name), $"{name}: add real objects of it to SampleOf so its view and members are tried.");
        }
    }

    public static TheoryData<string> CmdletNames() => ModuleRunspace.CmdletNames();

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryOutputType_HasAView(string name)
    {
        foreach (var declared in PS.Cmdlet(name).OutputType.Select(t => t.Type!).Where(t => !t.IsPrimitive && t != typeof(string)))
        {
            // Formatting looks for the type, then its base types: a job uses PowerShell's view of Job.
            var typeNames = new List<string>();
            for (var t = declared; t is not null && t != typeof(object); t = t.BaseType)
                typeNames.Add(t.FullName!);
            PS.SetVariable("typeNames", typeNames.ToArray());
            Assert.True(PS.Invoke("Get-FormatData -TypeName $typeNames").Count > 0,
                $"{name}: no view for its output type {declared} or a base type ({string.Join(", ", typeNames)}).");
        }
    }

    [Fact]
    public void ViewNames_AreUnique_AndTablesHaveOneColumnPerHeader()
    {
        var views = Views().Select(row => View((string)row[0], (string)row[1])).DistinctBy(v => v.Name).ToList();
        Assert.NotEmpty(views);
        Assert.Equal(views.Count, views.Select(v => v.Name).Distinct().Count());
        foreach (var table in views.Select(v => v.Control).OfType<TableControl>())
            Assert.All(table.Rows, row => Assert.Equal(table.Headers.Count, row.Columns.Count));
    }

    /// <summary>The entries of a view: label as shown, and what is evaluated.</summary>
    private static IReadOnlyList<(string Label, DisplayEntry Entry)> Entries(FormatViewDefinition view) => view.Control switch
    {
        TableControl t => t.Headers.Zip(t.Rows.Single().Columns, (h, c) => (string.IsNullOrEmpty(h.Label) ? c.DisplayEntry.Value : h.Label, c.DisplayEntry)).ToList(),
        ListControl l => l.Entries.Single().Items.Select(i => (string.IsNullOrEmpty(i.Label) ? i.DisplayEntry.Value : i.Label, i.DisplayEntry)).ToList(),
        _ => throw new InvalidOperationException($"View {view.Name}: a {view.Control.GetType().Name} is not tried here yet."),
    };

    /// <summary>The group-by entry of a view, or null.</summary>
    private static DisplayEntry? GroupBy(FormatViewDefinition view) => view.Control switch
    {
        TableControl t => t.GroupBy?.Expression,
        ListControl l => l.GroupBy?.Expression,
        _ => null,
    };

    [Theory]
    [MemberData(nameof(Views))]
    public void View_UsesMembersThatExistOnRealObjects(string typeName, string viewName)
    {
        PS.EnsureSamples();
        var view = View(typeName, viewName);
        PS.SetVariable("objects", PS.Invoke(Samples(typeName)).ToArray());
        Assert.All(PS.Invoke("$objects"), o => Assert.Contains(typeName, o.TypeNames));
        var entries = Entries(view).Select(e => e.Entry).ToList();
        if (GroupBy(view) is { } group)
            entries.Add(group);
        foreach (var entry in entries)
        {
            if (entry.ValueType == DisplayEntryValueType.Property)
            {
                PS.SetVariable("property", entry.Value);
                Assert.True(PS.Value<bool>("@($objects | Where-Object { $null -eq $_.PSObject.Properties[$property] }).Count -eq 0"),
                    $"View {viewName} shows {entry.Value}, which {typeName} does not have.");
            }
            else
            {
                // Strict mode turns a misspelt member into an error instead of a blank.
                PS.SetVariable("script", entry.Value);
                var run = PS.Run("& { Set-StrictMode -Version Latest; $objects | ForEach-Object ([scriptblock]::Create($script)) }");
                Assert.True(run.Errors.Count == 0, $"View {viewName}: {{ {entry.Value} }} fails on real objects: {run.ErrorText}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Views))]
    public void View_RendersRealObjects_WithItsLabels_AndAValueInEveryCell(string typeName, string viewName)
    {
        PS.EnsureSamples();
        var view = View(typeName, viewName);
        var labels = Entries(view).Select(e => e.Label).ToList();
        string format = view.Control is TableControl ? "Format-Table" : "Format-List";
        PS.SetVariable("viewName", viewName);
        foreach (var o in PS.Invoke(Samples(typeName)))
        {
            PS.SetVariable("object", o);
            // The text a console shows: the labels in order, no #ERR (what -DisplayError shows for a failing cell).
            string text = PS.Text($"$object | {format} -View $viewName -DisplayError");
            Assert.DoesNotContain("#ERR", text);
            if (view.Control is TableControl)
                Assert.Matches(new Regex(string.Join(@"\s+", labels.Select(Regex.Escape))), text);
            else
                Assert.Equal(labels, Regex.Matches(text, @"(?m)^(\S[^:\n]*?)\s+: ").Select(m => m.Groups[1].Value));

            // The cells, as the formatter made them for that text (its entry data; internal types, read through PowerShell).
            var cells = PS.Invoke(view.Control is TableControl
                    ? $"$object | {format} -View $viewName -DisplayError | Where-Object {{ $_.GetType().Name -eq 'FormatEntryData' }} | ForEach-Object {{ $_.formatEntryInfo.formatPropertyFieldList.propertyValue }}"
                    : $"$object | {format} -View $viewName -DisplayError | Where-Object {{ $_.GetType().Name -eq 'FormatEntryData' }} | ForEach-Object {{ $_.formatEntryInfo.listViewFieldList.formatPropertyField.propertyValue }}")
                .Select(c => c?.ToString() ?? "").ToList();
            Assert.Equal(labels.Count, cells.Count);
            for (int i = 0; i < labels.Count; i++)
            {
                Assert.NotEqual("#ERR", cells[i]);
                if (!BlankAllowed.ContainsKey(viewName + "/" + labels[i]))
                    Assert.False(string.IsNullOrWhiteSpace(cells[i]), $"View {viewName}: {labels[i]} is blank for {o}:\n{text}");
            }
        }
    }

    [Fact]
    public void ExtendedMembers_OfTheTypesFile_HaveValuesOnRealObjects()
    {
        PS.EnsureSamples();
        var typeData = PS.Invoke("Get-TypeData -TypeName 'PsCamSync.*'").Select(o => (TypeData)o.BaseObject).ToList();
        Assert.NotEmpty(typeData);
        foreach (var data in typeData.Where(d => d.Members.Count > 0))
        {
            PS.SetVariable("objects", PS.Invoke(SampleOf[data.TypeName] + " | ForEach-Object { $_ }").ToArray());
            foreach (var member in data.Members.Keys)
            {
                PS.SetVariable("member", member);
                var values = PS.Invoke("& { Set-StrictMode -Version Latest; $objects | ForEach-Object { $_.$member } }");
                Assert.True(values.Count > 0 && values.All(v => v is not null && !string.IsNullOrWhiteSpace(v.ToString())),
                    $"{data.TypeName}.{member} has no value on a real object.");
            }
        }
    }

    [Fact]
    public void RemoteViews_HaveTheColumnsOfTheirLocalView_AfterPSComputerName()
    {
        var views = Views().Select(row => View((string)row[0], (string)row[1])).DistinctBy(v => v.Name).ToDictionary(v => v.Name);
        var remote = views.Values.Where(v => v.Name.EndsWith("Remote", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(remote);
        foreach (var view in remote)
        {
            var local = views[view.Name[..^"Remote".Length]];
            Assert.Equal("PSComputerName", Entries(view)[0].Label);
            Assert.Equal(Entries(local).Select(e => (e.Label, e.Entry.Value)), Entries(view).Skip(1).Select(e => (e.Label, e.Entry.Value)));
        }
    }

    public static TheoryData<string> PublicEnums() =>
        new(ModuleRunspace.Shared.Commands.GetExportedTypes().Concat(ModuleRunspace.Shared.Core.GetExportedTypes())
            .Where(t => t.IsEnum).Select(t => t.FullName!).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(PublicEnums))]
    public void EveryPublicEnum_CrossesRemotingByName(string enumName)
    {
        // Remoting would send an enum as its number, and $r.Verdict -eq 'Ready' would then be false whatever the value.
        PS.SetVariable("enumType", PS.ModuleType(enumName));
        var values = PS.Invoke(
            "$value = [Enum]::GetValues($enumType) | Select-Object -Last 1\n" +
            "$copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize([pscustomobject]@{ Value = $value }))\n" +
            "$copy.Value.GetType().FullName\n" +
            "$copy.Value -eq $value.ToString()");
        Assert.Equal("System.String", values[0].ToString());
        Assert.True((bool)values[1].BaseObject, $"{enumName} does not arrive by name after serialization.");
    }

    [Fact]
    public void ScriptProperties_ComputeWhatTheySay()
    {
        PS.EnsureSamples();
        Assert.True(PS.Value<bool>("@($Samples.Cameras | Where-Object { $_.Resolution -ne \"$($_.Width)x$($_.Height)\" }).Count -eq 0"));
        Assert.Equal("640x480", PS.Value<string>("$Samples.Cameras[0].Resolution"));
        // Only a sample with device skew tells a right script property from one that reads a missing member (0).
        Assert.True(PS.Value<double>("$Samples.Report.DeviceSkew.P99Ns") > 0, "The sample take has no device skew: the check below would prove nothing.");
        Assert.Equal(PS.Value<double>("$Samples.Report.DeviceSkew.P99Ns / 1e6"), PS.Value<double>("$Samples.Report.DeviceSkewP99Ms"));
    }

    /// <summary>
    /// An object as it arrives from Invoke-Command, and a member path below it that must arrive as data: with no
    /// SerializationDepth it would be the nested object's ToString().
    /// </summary>
    public static TheoryData<string, string, string> SerializationCases() => new()
    {
        { "PsCamSync.Commands.SyncTakeResult", "$Samples.Result", ".Manifest.Cameras[1].Counts.Captured" },
        { "PsCamSync.Core.Takes.TakeManifest", "$Samples.Result.Manifest", ".Cameras[1].Counts.Captured" },
        { "PsCamSync.Core.Analysis.TakeReport", "$Samples.Report", ".DeviceSkew.P99Ns" },
        { "PsCamSync.Core.Analysis.TakeReport", "$Samples.Report", ".Cameras[1].CameraId" },
        { "PsCamSync.Core.Ptp.PtpSyncResult", "$Samples.Ptp", ".Cameras[1].GrandmasterIdentity" },
        { "PsCamSync.Core.Timing.TimestampDeltaResult", "$Samples.Delta[1]", ".Model.DriftPpm" },
        { "PsCamSync.Core.Timing.TimestampDeltaResult", "$Samples.Delta[1]", ".SampleList[2].DeltaNs" },
        { "PsCamSync.Core.Capture.CaptureBudgetResult", "$Samples.Budget", ".Rows[1].HeadroomPercent" },
    };

    [Theory]
    [MemberData(nameof(SerializationCases))]
    public void SerializationDepth_CarriesNestedObjectsAcrossSerialization(string typeName, string sample, string path)
    {
        PS.EnsureSamples();
        var values = PS.Invoke($$"""
            $original = {{sample}}
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($original))
            $copy.PSObject.TypeNames[0]
            "$($original{{path}})"
            "$($copy{{path}})"
            """).Select(v => v.ToString()).ToList();
        Assert.Equal("Deserialized." + typeName, values[0]);
        Assert.False(string.IsNullOrEmpty(values[1]), $"{sample}{path} is empty before serialization: pick a member with a value.");
        Assert.Equal(values[1], values[2]);
    }

    [Fact]
    public void EveryTypeWithASerializationDepth_HasACase_AndTheNestingOutputsHaveOne()
    {
        var withDepth = PS.Invoke("Get-TypeData -TypeName 'PsCamSync.*' | Where-Object SerializationDepth -gt 0 | ForEach-Object TypeName")
            .Select(o => o.ToString()).ToHashSet();
        foreach (var name in new[] { "PsCamSync.Commands.SyncTakeResult", "PsCamSync.Core.Analysis.TakeReport" })
            Assert.Contains(name, withDepth);
        var cased = SerializationCases().Select(row => (string)row[0]).ToHashSet();
        Assert.All(withDepth, name => Assert.Contains(name, cased));
    }
}
