namespace PsCamSync.Core.Cameras;

/// <summary>
/// One camera backend as <c>Get-SyncCamera -ListBackend</c> shows it: whether it can run on this machine, from which
/// library, and if not, why and how to fix it. Plain data, so it reads the same after Invoke-Command.
/// </summary>
/// <param name="ComputerName">The host it was probed on.</param>
/// <param name="Name">Backend name as <c>-Backend</c> takes it (<c>Simulated</c>, <c>Aravis</c>, <c>Spinnaker</c>, <c>IC4</c>).</param>
/// <param name="Available">True when its library loads here.</param>
/// <param name="Library">The native library it loaded, or null (none of its own, or unavailable).</param>
/// <param name="Reason">Why it is unavailable, with the fix; null when available.</param>
public sealed record CameraBackendInfo(string ComputerName, string Name, bool Available, string? Library, string? Reason)
{
    /// <summary>Describes <paramref name="backend"/> (probing its library if that has not happened yet).</summary>
    public static CameraBackendInfo Of(ICameraBackend backend, string computerName)
    {
        ArgumentNullException.ThrowIfNull(backend);
        bool available = backend.IsAvailable;
        return new CameraBackendInfo(computerName, backend.Name, available, available ? backend.LibraryPath : null, available ? null : backend.UnavailableReason);
    }
}
