using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PsCamSync.Reports;

/// <summary>
/// Finds SkiaSharp's and HarfBuzzSharp's native libraries (<c>libSkiaSharp.so</c>, <c>libHarfBuzzSharp.so</c>) in the
/// module folder when the host process does not.
/// </summary>
/// <remarks>
/// A .NET application finds a package's native assets through its own <c>.deps.json</c>; pwsh does not read the
/// module's, so inside PowerShell <c>[DllImport("libSkiaSharp")]</c> would look only beside pwsh and in the system
/// paths. The module ships <c>runtimes/linux-x64/native</c> and <c>runtimes/linux-arm64/native</c> beside its
/// assemblies (as NuGet lays them out), and this resolver loads the one for the running architecture from there.
/// Where the file is absent (a test host or console program, whose deps.json resolves it) the default probing runs.
/// </remarks>
internal static class SkiaNativeLibraries
{
    // CA2255 warns that module initializers belong to applications; here the host application is pwsh, which cannot
    // know about SkiaSharp, and the resolver must be in place before the first drawing call: before any of this
    // assembly's code runs.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        Register(typeof(SkiaSharp.SKCanvas).Assembly);
        Register(typeof(HarfBuzzSharp.Blob).Assembly);
    }

    /// <summary>Set when the host application had already registered a resolver for SkiaSharp or HarfBuzzSharp, so
    /// the module's shipped native libraries are not used; null otherwise.</summary>
    internal static string? ForeignResolverNote { get; private set; }

    /// <summary>The runtime identifier folder for this process: linux-x64 or linux-arm64 (others: null).</summary>
    internal static string? RuntimeFolder => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 when OperatingSystem.IsLinux() => "linux-x64",
        Architecture.Arm64 when OperatingSystem.IsLinux() => "linux-arm64",
        _ => null,
    };

    /// <summary>Where <paramref name="libraryName"/> (e.g. <c>libSkiaSharp</c>) ships beside <paramref name="assembly"/>,
    /// or null when this architecture has no folder or the file is not there.</summary>
    internal static string? ShippedPath(Assembly assembly, string libraryName)
    {
        if (RuntimeFolder is not string rid || Path.GetDirectoryName(assembly.Location) is not { Length: > 0 } dir)
            return null;
        string file = libraryName.EndsWith(".so", StringComparison.Ordinal) ? libraryName : libraryName + ".so";
        string path = Path.Combine(dir, "runtimes", rid, "native", file);
        return File.Exists(path) ? path : null;
    }

    private static void Register(Assembly assembly)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(assembly, (name, asm, searchPath) =>
                ShippedPath(asm, name) is string path ? NativeLibrary.Load(path) : IntPtr.Zero);
        }
        catch (InvalidOperationException e)
        {
            // The host application registered a resolver for this assembly first; theirs decides, and a failure to
            // load the library later names this note.
            ForeignResolverNote = $"{assembly.GetName().Name}: the host's own native-library resolver is used ({e.Message})";
        }
    }
}
