using System.Runtime.InteropServices;

namespace PsCamSync.Core.Cameras.Spinnaker;

/// <summary>
/// Finds libSpinnaker_C: the file named by <see cref="SpinnakerBackend.LibraryOverrideVariable"/> first, else the first
/// of the candidate sonames that <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> loads. The library must export
/// every function in <see cref="SpinnakerNative.Exports"/>; the one loaded is registered with
/// <see cref="VendorLibraries"/> as <see cref="SpinnakerNative.Lib"/>. Never throws: a problem is a sentence with the fix.
/// </summary>
internal static class SpinnakerLibrary
{
    /// <summary>The sonames tried, newest SDK first.</summary>
    public static readonly IReadOnlyList<string> DefaultCandidates = ["libSpinnaker_C.so.4", "libSpinnaker_C.so.3", "libSpinnaker_C.so.2"];

    /// <summary>The start of the reason when no candidate loads.</summary>
    public const string NotFound = "libSpinnaker_C.so.* not found; install the Spinnaker SDK for Linux arm64/x64";

    private static readonly Lock Gate = new();

    /// <summary>The file last registered: the override path, or the soname the dynamic loader found; null before.</summary>
    public static string? LoadedFile { get; private set; }

    /// <summary>Why the library cannot be used, or null when it loaded and was registered.</summary>
    public static string? Probe(IReadOnlyList<string> candidates, string? overridePath)
    {
        if (!OperatingSystem.IsLinux())
            return $"{NotFound} (the Spinnaker backend runs on Linux only).";
        lock (Gate)
        {
            if (!string.IsNullOrWhiteSpace(overridePath))
            {
                if (!NativeLibrary.TryLoad(overridePath, out var handle))
                    return $"{SpinnakerBackend.LibraryOverrideVariable} names '{overridePath}', which could not be loaded " +
                        (File.Exists(overridePath) ? "(not a loadable library for this machine, or its dependencies libSpinnaker/GenApi are missing)" : "(no such file)") +
                        $"; set {SpinnakerBackend.LibraryOverrideVariable} to the full path of libSpinnaker_C.so.<major>, or unset it.";
                return Register(handle, overridePath);
            }
            foreach (var candidate in candidates)
            {
                if (NativeLibrary.TryLoad(candidate, out var handle))
                    return Register(handle, candidate);
            }
            return $"{NotFound} (tried {string.Join(", ", candidates)}; or set {SpinnakerBackend.LibraryOverrideVariable} to the library's path).";
        }
    }

    private static string? Register(IntPtr handle, string file)
    {
        foreach (var export in SpinnakerNative.Exports)
        {
            if (!NativeLibrary.TryGetExport(handle, export, out _))
                return $"{file} loaded but has no '{export}'; install a Spinnaker SDK (2.x or later) whose libSpinnaker_C exports it.";
        }
        // One library per process: the P/Invoke stubs bind to the first one registered.
        if (LoadedFile is { } first && first != file)
            return $"libSpinnaker_C from '{first}' is already in use in this process; '{file}' cannot be used as well (start a new session to use it).";
        VendorLibraries.Register(SpinnakerNative.Lib, handle);
        LoadedFile = file;
        return null;
    }
}
