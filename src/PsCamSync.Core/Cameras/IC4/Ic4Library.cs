using System.Runtime.InteropServices;

namespace PsCamSync.Core.Cameras.IC4;

/// <summary>
/// Finds and initialises libic4core: the override path (<see cref="Ic4Backend.LibraryOverrideVariable"/>) first, else
/// the candidate file names; the first that loads and exports <c>ic4_init_library</c> is registered with
/// <see cref="VendorLibraries"/> as <c>ic4core</c> and initialised once per process.
/// </summary>
/// <remarks>
/// <c>ic4_init_library</c> is called once per process (IC4 keeps process-wide state: transport layers, device lists) with
/// api_log_level = IC4_LOG_ERROR, internal_log_level = IC4_LOG_OFF, no log targets, no log file,
/// reserved0 = 0. <c>ic4_exit_library</c> is never called: C_InitLibrary.h asks for it "before unloading the library",
/// and the library stays loaded for the life of the process (NativeLibrary has no safe unload while cameras, sinks and
/// their threads may exist), so the process' end releases it.
/// </remarks>
internal static class Ic4Library
{
    /// <summary>File names tried when no override is set: the Linux package's development link and its soname.</summary>
    public static readonly IReadOnlyList<string> DefaultCandidates = ["libic4core.so", "libic4core.so.1"];

    private static readonly Lock Gate = new();
    private static string? _initialisedPath;
    private static Ic4Exception? _initError;

    /// <summary>The file in use in this process (the override path, or the soname the dynamic loader found); null before.</summary>
    public static string? LoadedPath
    {
        get
        {
            lock (Gate)
                return _initialisedPath;
        }
    }

    /// <summary>
    /// Loads the library from the override path or <paramref name="candidates"/> and initialises it; returns null when it is
    /// ready, else why not as a sentence with the fix.
    /// </summary>
    public static string? Probe(IReadOnlyList<string> candidates)
    {
        if (!OperatingSystem.IsLinux())
            return "the IC4 backend runs on Linux only (libic4core.so through P/Invoke).";
        lock (Gate)
        {
            string? overridePath = Environment.GetEnvironmentVariable(Ic4Backend.LibraryOverrideVariable);
            IntPtr handle;
            string loaded;
            if (!string.IsNullOrWhiteSpace(overridePath))
            {
                if (!NativeLibrary.TryLoad(overridePath, out handle))
                    return $"{Ic4Backend.LibraryOverrideVariable} is set to '{overridePath}', which could not be loaded " +
                        (File.Exists(overridePath) ? "(not a loadable shared library for this machine)" : "(no such file)") +
                        "; point it at libic4core.so of IC Imaging Control 4, or unset it.";
                loaded = overridePath;
            }
            else
            {
                handle = IntPtr.Zero;
                loaded = "";
                foreach (var candidate in candidates)
                {
                    if (NativeLibrary.TryLoad(candidate, out handle))
                    {
                        loaded = candidate;
                        break;
                    }
                }
                if (handle == IntPtr.Zero)
                    return "libic4core.so not found; install IC Imaging Control 4 (ic4) for Linux arm64/x64 " +
                        $"(or set {Ic4Backend.LibraryOverrideVariable} to the library's path). Tried: {string.Join(", ", candidates)}.";
            }
            foreach (var export in RequiredExports)
            {
                if (!NativeLibrary.TryGetExport(handle, export, out _))
                    return $"{loaded} loaded but has no '{export}'; it is not IC Imaging Control 4's libic4core (install ic4 1.0 or later).";
            }
            if (_initialisedPath is not null)
            {
                // One library per process: the resolver maps 'ic4core' once, and IC4 is initialised once.
                if (_initialisedPath != loaded)
                    return $"libic4core from '{_initialisedPath}' is already in use in this process; '{loaded}' cannot be used as well.";
                return _initError is null ? null : $"{loaded} loaded but ic4_init_library failed: {_initError.Message}";
            }
            VendorLibraries.Register(Ic4Native.Lib, handle);
            _initialisedPath = loaded;
            var config = new Ic4Native.InitConfig
            {
                ApiLogLevel = 1, // IC4_LOG_ERROR
                InternalLogLevel = 0, // IC4_LOG_OFF
                LogTargets = 0, // IC4_LOGTARGET_DISABLE
                LogFile = IntPtr.Zero,
                Reserved0 = 0,
            };
            if (!Ic4Native.ic4_init_library(in config))
                _initError = Ic4Exception.FromLastError("ic4_init_library");
            return _initError is null ? null : $"{loaded} loaded but ic4_init_library failed: {_initError.Message}";
        }
    }

    /// <summary>Exports checked before the library is used (one per header this backend binds).</summary>
    private static readonly string[] RequiredExports =
    [
        "ic4_init_library", "ic4_get_last_error", "ic4_devenum_create", "ic4_grabber_device_open_by_identifier",
        "ic4_queuesink_create", "ic4_imagebuffer_get_metadata", "ic4_propmap_get_value_int64", "ic4_prop_enum_get_entries",
    ];
}
