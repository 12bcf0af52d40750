namespace PsCamSync.Core.Cameras.Aravis;

// STUB (skeleton): the Aravis helper replaces the bodies; signatures are the contract.

/// <summary>
/// Real GenICam cameras (GigE Vision, USB3 Vision) through libaravis-0.8 (Debian <c>libaravis-0.8-0</c>),
/// called through P/Invoke. Unavailable (with the reason) when the library does not load.
/// </summary>
public sealed class AravisBackend : ICameraBackend
{
    /// <summary>Creates the backend; loading libaravis is deferred to first use.</summary>
    public AravisBackend() { }

    /// <inheritdoc/>
    public string Name => "Aravis";
    /// <inheritdoc/>
    public bool IsAvailable => throw new NotImplementedException();
    /// <inheritdoc/>
    public string? UnavailableReason => throw new NotImplementedException();
    /// <inheritdoc/>
    public IReadOnlyList<CameraInfo> Discover() => throw new NotImplementedException();
    /// <inheritdoc/>
    public ICamera Open(string idSerialOrAddress) => throw new NotImplementedException();
}
