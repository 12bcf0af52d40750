using System.Reflection;
using System.Runtime.Versioning;
using PsCamSync.Module.Tests.Support;

namespace PsCamSync.Module.Tests;

/// <summary>PsCamSync.psd1 against the built module.</summary>
public class ManifestTests
{
    private static readonly ModuleUnderTest Module = ModuleUnderTest.Instance;

    private static IReadOnlyList<string> Items(string key)
    {
        Assert.True(Module.Manifest.ContainsKey(key), $"PsCamSync.psd1 has no {key}.");
        return Module.Manifest[key].Items;
    }

    private static string Text(string key)
    {
        Assert.True(Module.Manifest.TryGetValue(key, out var v) && v.Text is not null, $"PsCamSync.psd1 has no string {key}.");
        return Module.Manifest[key].Text!;
    }

    [Fact]
    public void ExportsExactlyTheCmdletsOfTheAssembly()
    {
        var exported = Items("CmdletsToExport").Order(StringComparer.Ordinal).ToList();
        var declared = Module.Cmdlets().Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(declared, exported);
        Assert.DoesNotContain(exported, n => n.Contains('*'));
    }

    [Theory]
    [InlineData("FunctionsToExport")]
    [InlineData("AliasesToExport")]
    [InlineData("VariablesToExport")]
    public void ExportsNothingElse(string key) => Assert.Empty(Items(key));

    [Fact]
    public void RootModule_IsTheBuiltCmdletAssembly()
    {
        string root = Text("RootModule");
        Assert.Equal("module/bin/PsCamSync.dll", root);
        Assert.True(File.Exists(Path.Combine(Module.Root, root)), $"{root} does not exist: build the solution.");
    }

    [Theory]
    [InlineData("FormatsToProcess")]
    [InlineData("TypesToProcess")]
    public void ListedFilesExist(string key)
    {
        var files = Items(key);
        Assert.NotEmpty(files);
        foreach (var f in files)
            Assert.True(File.Exists(Path.Combine(Module.Root, f)), $"{key} lists {f}, which does not exist.");
    }

    [Fact]
    public void Version_MatchesTheAssembly()
    {
        var manifest = Version.Parse(Text("ModuleVersion"));
        var assembly = Module.Commands.GetName().Version!;
        Assert.Equal(manifest, new Version(assembly.Major, assembly.Minor, assembly.Build));
    }

    [Fact]
    public void Guid_IsAGuid() => Assert.NotEqual(Guid.Empty, Guid.Parse(Text("GUID")));

    [Fact]
    public void RunsOnPowerShellCore_OfAVersionWhoseRuntimeLoadsTheAssemblies()
    {
        Assert.Equal(new[] { "Core" }, Items("CompatiblePSEditions"));
        // PowerShell 7.4 runs on .NET 8, 7.5 on .NET 9, 7.6 on .NET 10: an assembly for .NET N needs that PowerShell.
        var framework = Module.Commands.GetCustomAttributesData()
            .Single(a => a.AttributeType.FullName == typeof(TargetFrameworkAttribute).FullName)
            .ConstructorArguments[0].Value as string;
        int dotnet = Version.Parse(framework!.Split("Version=v")[1]).Major;
        var needed = new Version(7, 4 + Math.Max(0, dotnet - 8));
        var declared = Version.Parse(Text("PowerShellVersion"));
        Assert.True(declared >= needed, $"The assemblies target .NET {dotnet}, which needs PowerShell {needed}; the manifest says {declared}.");
        Assert.True(declared >= new Version(7, 4));
    }

    [Fact]
    public void TheCoreAssemblyAndItsDependencies_AreBesideTheRootModule()
    {
        foreach (var reference in Module.Commands.GetReferencedAssemblies().Concat(Module.Core.GetReferencedAssemblies()))
        {
            if (reference.Name is "System.Management.Automation" or "netstandard" || reference.Name!.StartsWith("System", StringComparison.Ordinal) ||
                reference.Name.StartsWith("Microsoft.", StringComparison.Ordinal))
                continue;
            Assert.True(File.Exists(Path.Combine(Module.BinPath, reference.Name + ".dll")), $"{reference.Name}.dll is referenced but not in module/bin.");
        }
    }

    [Fact]
    public void ThePowerShellReferenceAssembly_IsNotShippedInModuleBin() =>
        Assert.False(File.Exists(Path.Combine(Module.BinPath, "System.Management.Automation.dll")),
            "module/bin must not carry System.Management.Automation.dll: PowerShell provides its own.");
}
