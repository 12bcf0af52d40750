using System.Management.Automation;
using PsCamSync.Module.Tests.Support;

namespace PsCamSync.Module.Tests;

/// <summary>The help as Get-Help shows it in the runspace, against the cmdlets as Get-Command knows them.</summary>
[Collection(ModuleCollection.Name)]
public class HelpTests
{
    private static ModuleRunspace PS => ModuleRunspace.Shared;

    public static TheoryData<string> CmdletNames() => ModuleRunspace.CmdletNames();

    /// <summary>The strings a script writes.</summary>
    private static List<string> Strings(string script) => PS.Invoke(script).Select(o => o?.ToString() ?? "").ToList();

    private static void ForHelpOf(string name) => PS.Invoke($"$help = Get-Help -Name {name} -Full");

    /// <summary>The parameters of a cmdlet that help documents: all but the common ones (-WhatIf/-Confirm are documented).</summary>
    private static IEnumerable<string> Documentable(IEnumerable<string> parameters) => parameters.Where(p => !Cmdlet.CommonParameters.Contains(p));

    [Fact]
    public void EveryCmdlet_FindsItsHelpFile_BesideTheManifest()
    {
        foreach (var c in PS.Cmdlets)
        {
            // HelpFile is the name PowerShell looks for, a full path once Get-Help has found it.
            string file = Path.GetFileName(c.HelpFile);
            Assert.Equal(Path.GetFileName(PS.Commands.Location) + "-Help.xml", file);
            Assert.True(File.Exists(Path.Combine(PS.Module.ModuleBase, "en-US", file)),
                $"{file} is not in {PS.Module.ModuleBase}/en-US, where Get-Help looks (the build copies module/en-US there).");
        }
    }

    [Fact]
    public void HelpFile_HasNoEntryForACommandTheModuleDoesNotExport()
    {
        // Get-Help only asks for exported names, so it cannot show a stale entry: read the file's command names.
        PS.SetVariable("helpFile", Path.Combine(PS.Root, "module", "en-US", Path.GetFileName(PS.Cmdlets[0].HelpFile)));
        var entries = Strings("([xml](Get-Content -Raw -LiteralPath $helpFile)).helpItems.command.details.name | ForEach-Object Trim");
        Assert.Equal(PS.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal), entries.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void GetHelp_HasSynopsisDescriptionAndExamples(string name)
    {
        var c = PS.Cmdlet(name);
        ForHelpOf(name);
        Assert.Equal(name, PS.Value<string>("$help.Name"));
        Assert.Equal(c.Verb, PS.Value<string>("$help.details.verb"));
        Assert.Equal(c.Noun, PS.Value<string>("$help.details.noun"));
        // Without written help Get-Help makes a synopsis of the syntax and no description.
        string synopsis = PS.Value<string>("$help.Synopsis");
        Assert.False(string.IsNullOrWhiteSpace(synopsis), $"{name}: no synopsis.");
        Assert.False(synopsis.StartsWith(name, StringComparison.Ordinal), $"{name}: the synopsis is the generated syntax: {synopsis}");
        Assert.False(string.IsNullOrWhiteSpace(PS.Value<string>("$help.description.Text -join ''")), $"{name}: no description.");
        var examples = Strings("@($help.examples.example) | ForEach-Object { $_.code -join '' }");
        Assert.NotEmpty(examples);
        Assert.All(examples, code => Assert.Contains("-", code));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void GetHelp_DocumentsExactlyTheParametersOfTheCmdlet_EachWithADescription(string name)
    {
        ForHelpOf(name);
        var expected = Documentable(PS.Cmdlet(name).Parameters.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, Strings("@($help.parameters.parameter).name").Order(StringComparer.Ordinal));
        foreach (var p in expected)
        {
            PS.SetVariable("parameter", p);
            Assert.False(string.IsNullOrWhiteSpace(PS.Value<string>("(@($help.parameters.parameter) | Where-Object name -eq $parameter).description.Text -join ''")),
                $"{name} -{p}: no description.");
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void GetHelp_Syntax_HasOneItemPerParameterSet_WithTheSetsParameters(string name)
    {
        ForHelpOf(name);
        var items = Strings("@($help.syntax.syntaxItem) | ForEach-Object { (@($_.parameter).name | Sort-Object) -join ',' }")
            .Select(i => Documentable(i.Split(',', StringSplitOptions.RemoveEmptyEntries)).Except(Cmdlet.OptionalCommonParameters).ToList())
            .ToList();
        var sets = PS.Cmdlet(name).ParameterSets;
        Assert.Equal(sets.Count, items.Count);
        foreach (var set in sets)
        {
            var members = Documentable(set.Parameters.Select(p => p.Name)).Except(Cmdlet.OptionalCommonParameters).Order(StringComparer.Ordinal).ToList();
            Assert.True(items.Any(i => i.Order(StringComparer.Ordinal).SequenceEqual(members)),
                $"{name}: no syntax item lists exactly the parameters of set '{set.Name}': {string.Join(", ", members)}.");
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void GetHelp_DocumentsTheParameterAliases(string name)
    {
        ForHelpOf(name);
        foreach (var p in PS.Cmdlet(name).Parameters.Values.Where(p => p.Aliases.Count > 0 && !Cmdlet.CommonParameters.Contains(p.Name)))
        {
            PS.SetVariable("parameter", p.Name);
            string documented = PS.Value<string>("(@($help.parameters.parameter) | Where-Object name -eq $parameter).aliases");
            Assert.All(p.Aliases, a => Assert.Contains(a, documented));
        }
    }

    [Fact]
    public void AboutTopic_IsFound_AndNamesEveryCmdlet()
    {
        string about = PS.Text("Get-Help -Name about_PsCamSync");
        Assert.Contains("about_PsCamSync", about);
        Assert.All(PS.Cmdlets, c => Assert.Contains(c.Name, about));
    }
}
