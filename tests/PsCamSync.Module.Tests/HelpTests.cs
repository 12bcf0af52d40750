using System.Xml.Linq;
using PsCamSync.Module.Tests.Support;

namespace PsCamSync.Module.Tests;

/// <summary>The MAML help (module/en-US/PsCamSync.dll-Help.xml) against the cmdlets.</summary>
public class HelpTests
{
    private static readonly ModuleUnderTest Module = ModuleUnderTest.Instance;
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly string[] ShouldProcessParameters = { "WhatIf", "Confirm" };

    private static string HelpPath => Path.Combine(Module.Root, "module", "en-US", Path.GetFileName(Module.Commands.Location) + "-Help.xml");

    private static IReadOnlyDictionary<string, XElement> Entries() =>
        XDocument.Load(HelpPath).Root!.Elements(Command + "command")
            .ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim());

    public static TheoryData<string> CmdletNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in ModuleUnderTest.Instance.Cmdlets())
            data.Add(c.Name);
        return data;
    }

    [Fact]
    public void HelpFile_IsNamedAfterTheAssembly_AndIsMaml()
    {
        Assert.True(File.Exists(HelpPath), $"{HelpPath} is missing.");
        var root = XDocument.Load(HelpPath).Root!;
        Assert.Equal("helpItems", root.Name.LocalName);
        Assert.Equal("maml", (string?)root.Attribute("schema"));
    }

    [Fact]
    public void HasAnEntryForEveryExportedCmdlet_AndNoOther()
    {
        var exported = Module.Manifest["CmdletsToExport"].Items.Order(StringComparer.Ordinal);
        Assert.Equal(exported, Entries().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Entry_HasSynopsisDescriptionAndExamples(string name)
    {
        var entry = Entries()[name];
        var cmdlet = Module.Cmdlets().Single(c => c.Name == name);
        Assert.Equal(cmdlet.Verb, entry.Element(Command + "details")!.Element(Command + "verb")!.Value.Trim());
        Assert.Equal(cmdlet.Noun, entry.Element(Command + "details")!.Element(Command + "noun")!.Value.Trim());
        Assert.False(string.IsNullOrWhiteSpace(entry.Element(Command + "details")!.Element(Maml + "description")?.Value), $"{name}: no synopsis.");
        Assert.False(string.IsNullOrWhiteSpace(entry.Element(Maml + "description")?.Value), $"{name}: no description.");
        Assert.NotEmpty(entry.Descendants(Command + "example"));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void DocumentsExactlyTheParametersOfTheCmdlet_EachWithADescription(string name)
    {
        var cmdlet = Module.Cmdlets().Single(c => c.Name == name);
        var expected = cmdlet.Parameters.Select(p => p.Name)
            .Concat(cmdlet.SupportsShouldProcess ? ShouldProcessParameters : [])
            .Order(StringComparer.Ordinal).ToList();
        var documented = Entries()[name].Element(Command + "parameters")!.Elements(Command + "parameter").ToList();
        Assert.Equal(expected, documented.Select(p => p.Element(Maml + "name")!.Value.Trim()).Order(StringComparer.Ordinal));
        foreach (var p in documented)
            Assert.False(string.IsNullOrWhiteSpace(p.Element(Maml + "description")?.Value), $"{name} -{p.Element(Maml + "name")!.Value}: no description.");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Syntax_HasOneItemPerParameterSet_WithTheSetsParameters(string name)
    {
        var cmdlet = Module.Cmdlets().Single(c => c.Name == name);
        var items = Entries()[name].Element(Command + "syntax")!.Elements(Command + "syntaxItem")
            .Select(i => i.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value.Trim()).Except(ShouldProcessParameters).Order(StringComparer.Ordinal).ToList())
            .ToList();
        Assert.Equal(cmdlet.ParameterSets.Count, items.Count);
        foreach (var set in cmdlet.ParameterSets)
        {
            var members = cmdlet.Parameters.Where(p => p.ParameterSets.Contains(set) || p.ParameterSets.Contains("__AllParameterSets"))
                .Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
            Assert.True(items.Any(i => i.SequenceEqual(members)),
                $"{name}: no syntax item lists exactly the parameters of set '{set}': {string.Join(", ", members)}.");
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void ParameterAliases_AreDocumented(string name)
    {
        var cmdlet = Module.Cmdlets().Single(c => c.Name == name);
        var documented = Entries()[name].Element(Command + "parameters")!.Elements(Command + "parameter")
            .ToDictionary(p => p.Element(Maml + "name")!.Value.Trim(), p => (string?)p.Attribute("aliases") ?? "none");
        foreach (var p in cmdlet.Parameters.Where(p => p.Aliases.Count > 0))
            Assert.All(p.Aliases, a => Assert.Contains(a, documented[p.Name]));
    }

    [Fact]
    public void AboutTopic_Exists_AndNamesEveryCmdlet()
    {
        string about = File.ReadAllText(Path.Combine(Module.Root, "module", "en-US", "about_PsCamSync.help.txt"));
        Assert.Contains("about_PsCamSync", about);
        foreach (var c in Module.Cmdlets())
            Assert.Contains(c.Name, about);
    }
}
