using System.Reflection;
using PsCamSync.Module.Tests.Support;

namespace PsCamSync.Module.Tests;

/// <summary>Conventions of the cmdlet classes, read from the built PsCamSync.dll.</summary>
public class CmdletConventionTests
{
    private static readonly ModuleUnderTest Module = ModuleUnderTest.Instance;

    public static TheoryData<string> CmdletNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in ModuleUnderTest.Instance.Cmdlets())
            data.Add(c.Name);
        return data;
    }

    /// <summary>Cmdlets with a read-only verb that change state on purpose, each with ShouldProcess.</summary>
    private static readonly HashSet<string> ReadersThatEnable = new(StringComparer.Ordinal) { "Test-PtpSync" };

    private static CmdletType Cmdlet(string name) => Module.Cmdlets().Single(c => c.Name == name);

    [Fact]
    public void TheAssemblyHasCmdlets() => Assert.NotEmpty(Module.Cmdlets());

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void UsesAnApprovedVerb(string name) =>
        Assert.True(ApprovedVerbs.All.Contains(Cmdlet(name).Verb), $"{name}: '{Cmdlet(name).Verb}' is not an approved verb (Get-Verb).");

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void IsAPublicSealedClassNamedVerbNounCommand(string name)
    {
        var c = Cmdlet(name);
        Assert.True(c.Type.IsPublic, $"{c.Type.FullName} must be public.");
        Assert.True(c.Type.IsSealed, $"{c.Type.FullName} must be sealed.");
        Assert.Equal(c.Verb + c.Noun + "Command", c.Type.Name);
        var baseNames = new List<string>();
        for (var t = c.Type.BaseType; t is not null; t = t.BaseType)
            baseNames.Add(t.FullName!);
        Assert.Contains("System.Management.Automation.PSCmdlet", baseNames);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void LivesInItsOwnFileNamedAfterTheClass(string name)
    {
        var c = Cmdlet(name);
        string file = Path.Combine(Module.Root, "src", "PsCamSync", c.Type.Name + ".cs");
        Assert.True(File.Exists(file), $"{c.Type.Name} should be in {file}.");
        string source = File.ReadAllText(file);
        Assert.Contains("class " + c.Type.Name, source);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Matches(source, @"\[Cmdlet\(").Count);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void DeclaresOutputTypes_ThatExist_ForParameterSetsThatExist(string name)
    {
        var c = Cmdlet(name);
        Assert.True(c.OutputTypes.Count > 0, $"{name} declares no [OutputType].");
        foreach (var (types, sets) in c.OutputTypes)
        {
            foreach (var set in sets)
                Assert.True(c.ParameterSets.Contains(set), $"{name}: [OutputType] names parameter set '{set}', which no parameter declares.");
            foreach (var typeName in types)
            {
                var type = Module.FindType(typeName) ?? Type.GetType(typeName);
                if (type is null && typeName.StartsWith("System.Management.Automation.", StringComparison.Ordinal))
                    continue; // PowerShell's own types (Job, ...) are in the reference assembly
                Assert.True(type is not null, $"{name}: output type {typeName} is not in the module's assemblies.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void OutputTypesOfThisModule_ArePublicAndSealed(string name)
    {
        foreach (var typeName in Cmdlet(name).OutputTypes.SelectMany(o => o.Types))
        {
            if (Module.FindType(typeName) is { } type)
            {
                Assert.True(type.IsPublic, $"{typeName} must be public.");
                Assert.True(type.IsSealed, $"{typeName} must be sealed.");
            }
        }
    }

    [Fact]
    public void EveryParameterSetGetsAnOutputType_WhereTheTypeDependsOnTheSet()
    {
        foreach (var c in Module.Cmdlets())
        {
            var perSet = c.OutputTypes.Where(o => o.ParameterSets.Count > 0).SelectMany(o => o.ParameterSets).ToHashSet();
            if (perSet.Count == 0)
                continue; // one output type for every set
            foreach (var set in c.ParameterSets)
                Assert.True(perSet.Contains(set), $"{c.Name}: parameter set '{set}' has no [OutputType].");
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void SupportsShouldProcess_ExactlyWhenTheVerbChangesState(string name)
    {
        var c = Cmdlet(name);
        if (ApprovedVerbs.ChangeState.Contains(c.Verb))
            Assert.True(c.SupportsShouldProcess, $"{name} changes state: declare [Cmdlet(..., SupportsShouldProcess = true)] and call ShouldProcess.");
        // Test-PtpSync reads, but issue 3 has it enable PTP on the cameras it checks, with ShouldProcess and -WhatIf.
        if (ApprovedVerbs.ReadOnly.Contains(c.Verb) && !ReadersThatEnable.Contains(name))
            Assert.False(c.SupportsShouldProcess, $"{name} only reads: it must not ask for confirmation.");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void ShouldProcessCmdlets_CallShouldProcess(string name)
    {
        // Declaring SupportsShouldProcess without calling ShouldProcess makes -WhatIf a lie.
        var c = Cmdlet(name);
        if (!c.SupportsShouldProcess)
            return;
        string source = File.ReadAllText(Path.Combine(Module.Root, "src", "PsCamSync", c.Type.Name + ".cs"));
        Assert.Contains("ShouldProcess(", source);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void CmdletsWithParameterSets_NameTheDefaultSet(string name)
    {
        // Without a default, a call that gives only shared parameters cannot be resolved to a set.
        var c = Cmdlet(name);
        var declared = c.Parameters.SelectMany(p => p.ParameterSets).Where(s => s != "__AllParameterSets").Distinct().ToList();
        if (declared.Count > 0)
            Assert.False(string.IsNullOrEmpty(c.DefaultParameterSetName), $"{name} has parameter sets ({string.Join(", ", declared)}) but no DefaultParameterSetName.");
    }

    [Fact]
    public void ArgumentCompleters_HaveAPublicParameterlessConstructor()
    {
        var completers = Module.Cmdlets()
            .SelectMany(c => c.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .SelectMany(p => p.GetCustomAttributesData())
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.ArgumentCompleterAttribute")
            .Select(a => a.ConstructorArguments[0].Value)
            .OfType<Type>()
            .Distinct()
            .ToList();
        Assert.NotEmpty(completers);
        foreach (var t in completers)
        {
            Assert.True(t.IsPublic && t.GetConstructor(Type.EmptyTypes) is not null, $"{t.FullName} must be public with a parameterless constructor.");
            Assert.Contains(t.GetInterfaces(), i => i.FullName == "System.Management.Automation.IArgumentCompleter");
        }
    }
}
