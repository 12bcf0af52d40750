using System.Collections;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Versioning;
using PsCamSync.Module.Tests.Support;

namespace PsCamSync.Module.Tests;

/// <summary>PsCamSync.psd1 as PowerShell reads it (Test-ModuleManifest, Import-Module) against the built module.</summary>
[Collection(ModuleCollection.Name)]
public class ManifestTests
{
    private static ModuleRunspace PS => ModuleRunspace.Shared;

    /// <summary>The manifest's data as PowerShell parses it.</summary>
    private static Hashtable ManifestData() => PS.Value<Hashtable>("Import-PowerShellDataFile -Path $ManifestPath");

    [Fact]
    public void TestModuleManifest_AcceptsIt()
    {
        // Test-ModuleManifest writes an error for a missing RootModule, format or types file, a bad GUID or version.
        var tested = (PSModuleInfo)PS.InvokeSingle("Test-ModuleManifest -Path $ManifestPath").BaseObject;
        Assert.Equal(ModuleRunspace.ModuleName, tested.Name);
        Assert.NotEqual(Guid.Empty, tested.Guid);
        Assert.Equal(PS.Module.Guid, tested.Guid);
    }

    [Fact]
    public void ImportModule_WritesNoWarning() =>
        Assert.True(PS.ImportWarnings.Count == 0, "Import-Module warned: " + string.Join(" | ", PS.ImportWarnings)); // e.g. an unapproved verb

    [Fact]
    public void ExportsExactlyTheCmdletsOfTheAssembly()
    {
        var declared = PS.Commands.GetExportedTypes()
            .Select(t => t.GetCustomAttribute<CmdletAttribute>())
            .OfType<CmdletAttribute>()
            .Select(a => a.VerbName + "-" + a.NounName)
            .Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(declared);
        Assert.Equal(declared, PS.Module.ExportedCmdlets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(declared, PS.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(PS.Cmdlets, c => Assert.Equal(PS.Commands, c.ImplementingType.Assembly));

        // Listed by name, so PowerShell knows the commands without loading the assembly.
        var listed = ((IEnumerable)ManifestData()["CmdletsToExport"]!).Cast<string>().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(declared, listed);
        Assert.DoesNotContain(listed, n => WildcardPattern.ContainsWildcardCharacters(n));
    }

    [Theory]
    [InlineData("FunctionsToExport")]
    [InlineData("AliasesToExport")]
    [InlineData("VariablesToExport")]
    public void ExportsNothingElse(string key)
    {
        var data = ManifestData();
        // Left out, the key would mean "everything": it must be there, empty.
        Assert.True(data.ContainsKey(key), $"PsCamSync.psd1 has no {key}.");
        Assert.Empty(((IEnumerable)data[key]!).Cast<object>());
        Assert.Empty(PS.Invoke($"Get-Command -Module {ModuleRunspace.ModuleName} -CommandType Function, Alias, Filter"));
        Assert.Empty(PS.Module.ExportedFunctions);
        Assert.Empty(PS.Module.ExportedAliases);
        Assert.Empty(PS.Module.ExportedVariables);
    }

    [Fact]
    public void RootModule_IsTheBuiltCmdletAssembly()
    {
        Assert.Equal(ModuleType.Binary, PS.Module.ModuleType);
        Assert.Equal("module/bin/PsCamSync.dll", PS.Module.RootModule);
        Assert.Equal(Path.Combine(PS.BinPath, "PsCamSync.dll"), PS.Commands.Location);
        Assert.Equal(PS.Root.TrimEnd('/'), PS.Module.ModuleBase.TrimEnd('/'));
    }

    [Fact]
    public void FormatAndTypesFiles_AreLoaded()
    {
        Assert.Equal(new[] { Path.Combine(PS.Root, "module", "PsCamSync.format.ps1xml") }, PS.Module.ExportedFormatFiles);
        Assert.Equal(new[] { Path.Combine(PS.Root, "module", "PsCamSync.types.ps1xml") }, PS.Module.ExportedTypeFiles);
        Assert.NotEmpty(PS.Invoke("Get-FormatData -TypeName 'PsCamSync.*'"));
        Assert.NotEmpty(PS.Invoke("Get-TypeData -TypeName 'PsCamSync.*'"));
    }

    [Fact]
    public void Version_MatchesTheAssembly()
    {
        var assembly = PS.Commands.GetName().Version!;
        Assert.Equal(new Version(assembly.Major, assembly.Minor, assembly.Build), PS.Module.Version);
    }

    [Fact]
    public void RunsOnThisPowerShellCore_OfAVersionWhoseRuntimeLoadsTheAssemblies()
    {
        Assert.Equal(new[] { "Core" }, PS.Module.CompatiblePSEditions);
        Assert.Equal("Core", PS.Value<string>("$PSEdition"));
        var running = PS.Value<Version>("$PSVersionTable.PSVersion.ToString()");
        Assert.True(PS.Module.PowerShellVersion <= running, $"The manifest asks for PowerShell {PS.Module.PowerShellVersion}; this is {running}.");

        // PowerShell 7.4 runs on .NET 8, 7.5 on .NET 9, 7.6 on .NET 10: an assembly for .NET N needs that PowerShell.
        string framework = PS.Commands.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName;
        int dotnet = Version.Parse(framework.Split("Version=v")[1]).Major;
        var needed = new Version(7, 4 + Math.Max(0, dotnet - 8));
        Assert.True(PS.Module.PowerShellVersion >= needed,
            $"The assemblies target .NET {dotnet}, which needs PowerShell {needed}; the manifest says {PS.Module.PowerShellVersion}.");
    }

    [Fact]
    public void TheCoreAssemblyAndItsDependencies_LoadFromBesideTheRootModule()
    {
        // Running a cmdlet that reaches into the core loads what it needs; each must come from module/bin.
        Assert.NotEmpty(PS.Invoke("Get-SyncCamera -Simulated 1"));
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic).ToLookup(a => a.GetName().Name!);
        foreach (var reference in PS.Commands.GetReferencedAssemblies().Concat(PS.Core.GetReferencedAssemblies()))
        {
            if (reference.Name!.StartsWith("System", StringComparison.Ordinal) || reference.Name.StartsWith("Microsoft.", StringComparison.Ordinal) ||
                reference.Name is "netstandard" or "mscorlib")
                continue;
            Assert.True(File.Exists(Path.Combine(PS.BinPath, reference.Name + ".dll")), $"{reference.Name}.dll is referenced but not in module/bin.");
            foreach (var assembly in loaded[reference.Name])
                Assert.Equal(Path.Combine(PS.BinPath, reference.Name + ".dll"), assembly.Location);
        }
        Assert.Equal(Path.Combine(PS.BinPath, "PsCamSync.Core.dll"), PS.Core.Location);
    }

    [Fact]
    public void PowerShellItself_IsTheHostsNotOneShippedInModuleBin()
    {
        Assert.False(File.Exists(Path.Combine(PS.BinPath, "System.Management.Automation.dll")),
            "module/bin must not carry System.Management.Automation.dll: PowerShell provides its own.");
        // The cmdlets derive from the PSCmdlet of the PowerShell that runs them (the SDK's, not a reference assembly).
        var automation = typeof(PSCmdlet).Assembly;
        Assert.True(automation.GetName().Version >= new Version(7, 6), $"Loaded {automation.FullName} from {automation.Location}.");
        Assert.All(PS.Cmdlets, c => Assert.True(c.ImplementingType.IsSubclassOf(typeof(PSCmdlet)), $"{c.ImplementingType} is not a PSCmdlet of {automation.Location}."));
    }
}
