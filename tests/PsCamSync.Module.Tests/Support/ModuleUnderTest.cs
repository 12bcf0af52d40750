using System.Reflection;

namespace PsCamSync.Module.Tests.Support;

/// <summary>
/// The built module as files: the repository root, the manifest, and the assemblies in module/bin loaded for
/// inspection only (System.Reflection.MetadataLoadContext), so no PowerShell is loaded or needed.
/// </summary>
public sealed class ModuleUnderTest : IDisposable
{
    private const string PowerShellAssembly = "System.Management.Automation";

    private static readonly Lazy<ModuleUnderTest> s_instance = new(() => new ModuleUnderTest());

    private readonly MetadataLoadContext _context;

    private ModuleUnderTest()
    {
        Root = FindRoot();
        ManifestPath = Path.Combine(Root, "PsCamSync.psd1");
        Manifest = Psd1.Parse(File.ReadAllText(ManifestPath));
        BinPath = Path.Combine(Root, "module", "bin");
        string cmdlets = Path.Combine(BinPath, "PsCamSync.dll");
        if (!File.Exists(cmdlets))
            throw new InvalidOperationException($"{cmdlets} is missing: build src/PsCamSync first (dotnet build PsCamSync.sln).");

        PowerShellReference = FindPowerShellReference();
        var paths = Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll")
            .Concat(Directory.GetFiles(BinPath, "*.dll"))
            .ToList();
        if (PowerShellReference is not null)
            paths.Add(PowerShellReference);
        _context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        Commands = _context.LoadFromAssemblyPath(cmdlets);
        Core = _context.LoadFromAssemblyPath(Path.Combine(BinPath, "PsCamSync.Core.dll"));
    }

    /// <summary>The module as built in this checkout.</summary>
    public static ModuleUnderTest Instance => s_instance.Value;

    /// <summary>Repository root (holds PsCamSync.sln and PsCamSync.psd1).</summary>
    public string Root { get; }

    /// <summary>Full path of PsCamSync.psd1.</summary>
    public string ManifestPath { get; }

    /// <summary>The manifest's keys and values.</summary>
    public IReadOnlyDictionary<string, Psd1.Value> Manifest { get; }

    /// <summary>module/bin.</summary>
    public string BinPath { get; }

    /// <summary>Path of the PowerShell reference assembly the attributes are resolved against, or null when not found.</summary>
    public string? PowerShellReference { get; }

    /// <summary>PsCamSync.dll (the cmdlets).</summary>
    public Assembly Commands { get; }

    /// <summary>PsCamSync.Core.dll.</summary>
    public Assembly Core { get; }

    /// <summary>A type by full name from the cmdlets or the core assembly, or null.</summary>
    public Type? FindType(string fullName) => Commands.GetType(fullName) ?? Core.GetType(fullName);

    /// <summary>
    /// The public types of PsCamSync.dll that carry [Cmdlet]. Fails with instructions when the PowerShell reference
    /// assembly cannot be found, because no attribute can be read without it.
    /// </summary>
    public IReadOnlyList<CmdletType> Cmdlets()
    {
        if (PowerShellReference is null)
            throw new InvalidOperationException(
                "System.Management.Automation.dll (NuGet PowerShellStandard.Library 5.1.0-preview-06) was not found; restore the solution so the cmdlets' PowerShell attributes can be read.");
        return Commands.GetTypes()
            .Select(t => (Type: t, Attribute: t.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == PowerShellAssembly + ".CmdletAttribute")))
            .Where(x => x.Attribute is not null)
            .Select(x => new CmdletType(x.Type, x.Attribute!))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Releases the load context.</summary>
    public void Dispose() => _context.Dispose();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PsCamSync.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No PsCamSync.sln above {AppContext.BaseDirectory}.");
    }

    private static string? FindPowerShellReference()
    {
        // The path the build recorded (GeneratePathProperty), else the NuGet package cache.
        var recorded = typeof(ModuleUnderTest).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "PowerShellReferenceAssembly")?.Value;
        if (!string.IsNullOrEmpty(recorded) && File.Exists(recorded))
            return recorded;
        var caches = new[]
        {
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        return caches.Where(c => !string.IsNullOrEmpty(c))
            .Select(c => Path.Combine(c!, "powershellstandard.library", "5.1.0-preview-06", "lib", "netstandard2.0", PowerShellAssembly + ".dll"))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>A cmdlet class and what its PowerShell attributes say.</summary>
public sealed class CmdletType
{
    internal CmdletType(Type type, CustomAttributeData cmdlet)
    {
        Type = type;
        Verb = (string)cmdlet.ConstructorArguments[0].Value!;
        Noun = (string)cmdlet.ConstructorArguments[1].Value!;
        SupportsShouldProcess = Named(cmdlet, "SupportsShouldProcess") is true;
        DefaultParameterSetName = Named(cmdlet, "DefaultParameterSetName") as string;
    }

    /// <summary>The class.</summary>
    public Type Type { get; }

    /// <summary>Verb of [Cmdlet].</summary>
    public string Verb { get; }

    /// <summary>Noun of [Cmdlet].</summary>
    public string Noun { get; }

    /// <summary>Verb-Noun.</summary>
    public string Name => Verb + "-" + Noun;

    /// <summary>[Cmdlet(SupportsShouldProcess = true)].</summary>
    public bool SupportsShouldProcess { get; }

    /// <summary>[Cmdlet(DefaultParameterSetName = ...)], or null.</summary>
    public string? DefaultParameterSetName { get; }

    /// <summary>The [OutputType] attributes: types named (full names) and parameter sets (empty = all).</summary>
    public IReadOnlyList<(IReadOnlyList<string> Types, IReadOnlyList<string> ParameterSets)> OutputTypes =>
        Type.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
            .Select(a => (
                (IReadOnlyList<string>)Values(a.ConstructorArguments[0]).Select(v => v is Type t ? t.FullName! : (string)v!).ToList(),
                (IReadOnlyList<string>)(a.NamedArguments.Where(n => n.MemberName == "ParameterSetName")
                    .SelectMany(n => Values(n.TypedValue)).Cast<string>().ToList())))
            .ToList();

    /// <summary>The parameters: public properties with [Parameter], with their parameter sets and aliases.</summary>
    public IReadOnlyList<CmdletParameter> Parameters =>
        Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attributes: p.GetCustomAttributesData()))
            .Where(x => x.Attributes.Any(IsParameter))
            .Select(x => new CmdletParameter(
                x.Property.Name,
                x.Attributes.Where(IsParameter).Select(a => Named(a, "ParameterSetName") as string ?? "__AllParameterSets").ToList(),
                x.Attributes.Where(a => a.AttributeType.FullName == "System.Management.Automation.AliasAttribute")
                    .SelectMany(a => Values(a.ConstructorArguments[0])).Cast<string>().ToList()))
            .ToList();

    /// <summary>
    /// The parameter sets PowerShell builds: those the parameters declare plus the default set (which exists even when
    /// no parameter names it: it then holds the parameters shared by all sets); one unnamed set when there are none.
    /// </summary>
    public IReadOnlyList<string> ParameterSets
    {
        get
        {
            var sets = Parameters.SelectMany(p => p.ParameterSets).Where(s => s != "__AllParameterSets").ToList();
            if (DefaultParameterSetName is not null)
                sets.Add(DefaultParameterSetName);
            sets = sets.Distinct().ToList();
            return sets.Count > 0 ? sets : new[] { "__AllParameterSets" };
        }
    }

    private static bool IsParameter(CustomAttributeData a) => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute";

    private static object? Named(CustomAttributeData a, string name) =>
        a.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();

    private static IEnumerable<object?> Values(CustomAttributeTypedArgument argument) =>
        argument.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(v => v.Value) : new[] { argument.Value };
}

/// <summary>One parameter of a cmdlet.</summary>
/// <param name="Name">Property name.</param>
/// <param name="ParameterSets">Sets it belongs to (<c>__AllParameterSets</c> for all).</param>
/// <param name="Aliases">[Alias] names.</param>
public sealed record CmdletParameter(string Name, IReadOnlyList<string> ParameterSets, IReadOnlyList<string> Aliases);
