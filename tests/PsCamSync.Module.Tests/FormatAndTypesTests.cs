using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PsCamSync.Module.Tests.Support;

namespace PsCamSync.Module.Tests;

/// <summary>The format and types files: well-formed, naming types and properties that exist.</summary>
public partial class FormatAndTypesTests
{
    private static readonly ModuleUnderTest Module = ModuleUnderTest.Instance;

    private static IEnumerable<string> Files(string key) =>
        Module.Manifest[key].Items.Select(f => Path.Combine(Module.Root, f));

    private static XDocument Load(string path) => XDocument.Load(path); // throws XmlException when malformed

    private static string Bare(string typeName) =>
        typeName.StartsWith("Deserialized.", StringComparison.Ordinal) ? typeName["Deserialized.".Length..] : typeName;

    /// <summary>Members types.ps1xml adds, by type name.</summary>
    private static ILookup<string, string> ExtendedMembers() =>
        Files("TypesToProcess").Select(Load)
            .SelectMany(d => d.Descendants("Type"))
            .SelectMany(t => t.Element("Members")?.Elements().Select(m => (Type: Bare((string)t.Element("Name")!), Member: (string?)m.Element("Name"))) ?? [])
            .Where(x => x.Member is not null)
            .ToLookup(x => x.Type, x => x.Member!);

    [Fact]
    public void FilesAreWellFormed_WithTheExpectedRoots()
    {
        Assert.All(Files("FormatsToProcess"), f => Assert.Equal("Configuration", Load(f).Root!.Name.LocalName));
        Assert.All(Files("TypesToProcess"), f => Assert.Equal("Types", Load(f).Root!.Name.LocalName));
    }

    [Fact]
    public void Tables_HaveOneItemPerHeader_AndViewNamesAreUnique()
    {
        var views = Files("FormatsToProcess").Select(Load).SelectMany(d => d.Descendants("View")).ToList();
        foreach (var table in views.SelectMany(v => v.Descendants("TableControl")))
        {
            int headers = table.Element("TableHeaders")!.Elements("TableColumnHeader").Count();
            foreach (var row in table.Descendants("TableRowEntry"))
                Assert.Equal(headers, row.Element("TableColumnItems")!.Elements("TableColumnItem").Count());
        }
        var names = views.Select(v => (string)v.Element("Name")!).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void EveryTypeNameNamed_ExistsInTheBuiltAssemblies()
    {
        var names = Files("FormatsToProcess").Select(Load).SelectMany(d => d.Descendants("TypeName")).Select(e => e.Value.Trim())
            .Concat(Files("TypesToProcess").Select(Load).SelectMany(d => d.Descendants("Type")).Select(t => ((string)t.Element("Name")!).Trim()))
            .Select(Bare)
            .Distinct()
            .ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
            Assert.True(Module.FindType(name) is not null, $"{name} is named in a format or types file but is not a type of PsCamSync.dll or PsCamSync.Core.dll.");
    }

    [Fact]
    public void EveryPropertyAViewShows_ExistsOnItsType()
    {
        var extended = ExtendedMembers();
        foreach (var view in Files("FormatsToProcess").Select(Load).SelectMany(d => d.Descendants("View")))
        {
            var typeNames = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(e => Bare(e.Value.Trim())).ToList();
            foreach (var typeName in typeNames)
            {
                var type = Module.FindType(typeName);
                Assert.NotNull(type);
                foreach (var property in view.Descendants("PropertyName").Select(p => p.Value.Trim()))
                    Assert.True(HasMember(type!, property) || extended[typeName].Contains(property),
                        $"View '{(string?)view.Element("Name")}' shows {property}, which {typeName} does not have.");
                foreach (var script in view.Descendants("ScriptBlock").Select(s => s.Value))
                    CheckScript(type!, script, "$_", extended[typeName], $"view '{(string?)view.Element("Name")}'");
            }
        }
    }

    [Fact]
    public void ScriptPropertiesOfTheTypesFile_UseMembersThatExist()
    {
        foreach (var type in Files("TypesToProcess").Select(Load).SelectMany(d => d.Descendants("Type")))
        {
            string name = Bare((string)type.Element("Name")!);
            var t = Module.FindType(name);
            Assert.NotNull(t);
            foreach (var script in type.Descendants("GetScriptBlock").Select(s => s.Value))
                CheckScript(t!, script, "$this", Enumerable.Empty<string>(), $"types file ({name})");
            foreach (var alias in type.Descendants("AliasProperty"))
                Assert.True(HasMember(t!, (string)alias.Element("ReferencedMemberName")!), $"{name}: alias to a missing member.");
        }
    }

    [Fact]
    public void SerializationDepth_IsSetWhereOutputNestsObjects()
    {
        var depths = Files("TypesToProcess").Select(Load).SelectMany(d => d.Descendants("Type"))
            .Where(t => t.Descendants("NoteProperty").Any(n => (string?)n.Element("Name") == "SerializationDepth"))
            .Select(t => Bare((string)t.Element("Name")!))
            .ToHashSet();
        foreach (var name in new[] { "PsCamSync.Commands.SyncTakeResult", "PsCamSync.Core.Analysis.TakeReport" })
            Assert.Contains(name, depths);
    }

    // Walks $_.A.B.C through property types; stops at collections, whose element members PowerShell enumerates.
    private static void CheckScript(Type type, string script, string variable, IEnumerable<string> extended, string where)
    {
        var pattern = new Regex(Regex.Escape(variable) + @"((?:\.[A-Za-z_][A-Za-z0-9_]*)+)");
        foreach (Match m in pattern.Matches(script))
        {
            var current = type;
            bool first = true;
            foreach (var member in m.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                if (current is null || IsCollection(current))
                    break;
                if (first && extended.Contains(member))
                    break;
                var property = FindProperty(current, member);
                Assert.True(property is not null || member is "Count" or "Length",
                    $"{where}: {variable}{m.Groups[1].Value} uses {member}, which {current.FullName} does not have.");
                current = property?.PropertyType;
                first = false;
            }
        }
    }

    private static bool HasMember(Type type, string name) => FindProperty(type, name) is not null;

    private static PropertyInfo? FindProperty(Type type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            var p = t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).FirstOrDefault(x => x.Name == name);
            if (p is not null)
                return p;
        }
        return null;
    }

    private static bool IsCollection(Type type) =>
        type.IsArray || (type.FullName != "System.String" && type.GetInterfaces().Any(i => i.FullName == "System.Collections.IEnumerable"));
}
