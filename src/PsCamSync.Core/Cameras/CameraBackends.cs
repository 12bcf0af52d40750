using PsCamSync.Core.Cameras.Aravis;
using PsCamSync.Core.Cameras.Simulated;

namespace PsCamSync.Core.Cameras;

/// <summary>
/// The backends a process knows, by name (the vendor SDK backends, Spinnaker and IC4, are listed whether or not their
/// libraries are installed: <see cref="ICameraBackend.IsAvailable"/> says). <see cref="Create"/> builds the standard set; callers may pass their
/// own list (tests, the simulated camera count chosen by <c>Get-SyncCamera -Simulated N</c>).
/// </summary>
public static class CameraBackends
{
    /// <summary>Backend names users can type, for tab completion and validation.</summary>
    public static readonly IReadOnlyList<string> Names = new[] { "Simulated", "Aravis", "Spinnaker", "IC4" };

    /// <summary>Builds one backend by name; the simulated one with the process's <see cref="SimulatedModel.Current"/>.</summary>
    /// <param name="name">A name from <see cref="Names"/> (case-insensitive).</param>
    /// <param name="simulatedCount">Cameras the simulated backend offers.</param>
    /// <exception cref="InvalidCaptureArgumentException">The name is unknown.</exception>
    public static ICameraBackend Create(string name, int simulatedCount = 1) => name.ToLowerInvariant() switch
    {
        "simulated" => SimulatedModel.Current is { } model
            ? new SimulatedBackend(simulatedCount, (_, o) => model.ApplyTo(o))
            : new SimulatedBackend(simulatedCount),
        "aravis" => new AravisBackend(),
        "spinnaker" => new Spinnaker.SpinnakerBackend(),
        "ic4" => new IC4.Ic4Backend(),
        _ => throw new InvalidCaptureArgumentException("Backend", $"'{name}' is not a camera backend; use one of {string.Join(", ", Names)}."),
    };

    /// <summary>
    /// Opens the camera <paramref name="id"/> on backend <paramref name="backend"/>, or, when
    /// <paramref name="backend"/> is null, on the first available backend that has it.
    /// </summary>
    /// <exception cref="CameraNotFoundException">No backend has the camera; the message lists what was searched.</exception>
    /// <exception cref="CameraBackendUnavailableException"><paramref name="backend"/> is named and cannot run here.</exception>
    public static ICamera Open(string id, string? backend, IReadOnlyList<ICameraBackend> backends)
    {
        if (string.IsNullOrWhiteSpace(id))
            throw new InvalidCaptureArgumentException("CameraId", "a camera id is empty; pass ids from Get-SyncCamera.");
        var searched = new List<string>();
        foreach (var b in backends)
        {
            if (backend is not null && !string.Equals(b.Name, backend, StringComparison.OrdinalIgnoreCase))
                continue;
            if (!b.IsAvailable)
            {
                if (backend is not null)
                    throw new CameraBackendUnavailableException(b.Name, b.UnavailableReason ?? "it gives no reason.");
                searched.Add($"{b.Name} (unavailable: {b.UnavailableReason})");
                continue;
            }
            try
            {
                return b.Open(id);
            }
            catch (CameraNotFoundException)
            {
                searched.Add(b.Name);
            }
        }
        throw new CameraNotFoundException(id,
            $"-CameraId: no camera '{id}' was found (searched: {(searched.Count == 0 ? "no backend named " + backend : string.Join(", ", searched))}). Run Get-SyncCamera to list the cameras.");
    }
}
