using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PsCamSync.Core.Cameras;

/// <summary>
/// The one <see cref="NativeLibrary.SetDllImportResolver"/> of the Core assembly (a second call for the same assembly
/// throws): it maps a logical library name used in <c>[LibraryImport]</c> (e.g. <c>Spinnaker_C</c>, <c>ic4core</c>) to a
/// handle that a backend's probe loaded from whichever file it found (a versioned soname, an override path). Names
/// nobody registered fall through to the runtime's default probing (Aravis' plain sonames do).
/// </summary>
internal static class VendorLibraries
{
    private static readonly ConcurrentDictionary<string, IntPtr> Handles = new(StringComparer.Ordinal);
    private static int _installed;

    /// <summary>Makes <paramref name="logicalName"/> resolve to <paramref name="handle"/> (a handle from
    /// <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>, kept loaded for the life of the process).</summary>
    public static void Register(string logicalName, IntPtr handle)
    {
        ArgumentException.ThrowIfNullOrEmpty(logicalName);
        if (handle == IntPtr.Zero)
            throw new ArgumentException("the library handle is null.", nameof(handle));
        if (Interlocked.Exchange(ref _installed, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(VendorLibraries).Assembly, Resolve);
        Handles[logicalName] = handle;
    }

    /// <summary>True when <paramref name="logicalName"/> has been registered.</summary>
    public static bool IsRegistered(string logicalName) => Handles.ContainsKey(logicalName);

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        Handles.TryGetValue(libraryName, out var handle) ? handle : IntPtr.Zero;
}
