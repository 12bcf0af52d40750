using System.Runtime.InteropServices;

namespace PsCamSync.Core.Cameras.Aravis;

/// <summary>
/// Whether libaravis-0.8 and the GLib libraries it is called with can be loaded in this process. Probed once,
/// with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>, so a missing library becomes a reason string,
/// never a <see cref="DllNotFoundException"/> at a call site.
/// </summary>
internal static class AravisLibrary
{
    /// <summary>The libraries every Aravis call needs, in load order.</summary>
    public static readonly IReadOnlyList<string> Required = new[] { AravisNative.GLib, AravisNative.GObject, AravisNative.Lib };

    /// <summary>One symbol per library that this backend calls and that old or foreign builds might lack.</summary>
    private static readonly Dictionary<string, string> ProbeSymbol = new()
    {
        [AravisNative.GLib] = "g_error_free",
        [AravisNative.GObject] = "g_type_check_instance_is_a",
        [AravisNative.Lib] = "arv_stream_timeout_pop_buffer",
    };

    private static readonly Lazy<string?> DefaultProblem = new(() => Probe(Required), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Why the standard libraries cannot be used here, or null when they load.</summary>
    public static string? Problem => DefaultProblem.Value;

    /// <summary>
    /// Loads each of <paramref name="libraries"/> (kept loaded) and checks one known export; returns the first
    /// problem as a sentence with the fix, or null.
    /// </summary>
    public static string? Probe(IReadOnlyList<string> libraries)
    {
        if (!OperatingSystem.IsLinux())
            return "the Aravis backend runs on Linux only (libaravis-0.8 through P/Invoke).";
        foreach (var library in libraries)
        {
            if (!NativeLibrary.TryLoad(library, out var handle))
                return $"{library} could not be loaded; install the Debian/Ubuntu package libaravis-0.8-0 (it brings GLib).";
            if (ProbeSymbol.TryGetValue(library, out var symbol) && !NativeLibrary.TryGetExport(handle, symbol, out _))
                return $"{library} loaded but has no '{symbol}'; install libaravis-0.8-0 version 0.8.20 or later.";
        }
        return null;
    }
}
