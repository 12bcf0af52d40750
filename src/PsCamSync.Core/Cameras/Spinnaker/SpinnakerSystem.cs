namespace PsCamSync.Core.Cameras.Spinnaker;

/// <summary>
/// The process's one Spinnaker system (<c>spinSystemGetInstance</c>), shared by reference count: discovery and opening
/// hold a reference while they run, every open camera holds one until it is released. The last
/// <see cref="Release"/> calls <c>spinSystemReleaseInstance</c>, after the cameras and camera lists were released (the
/// SDK refuses to release a system with live camera handles). Also keeps the GVCP addresses of open GigE cameras, so
/// action acknowledgements can be attributed whichever byte order the SDK reports them in.
/// </summary>
internal static class SpinnakerSystem
{
    private static readonly Lock Gate = new();
    private static IntPtr _system;
    private static int _references;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<uint, int> OpenAddresses = new();

    /// <summary>Takes a reference and returns the system handle.</summary>
    /// <exception cref="SpinnakerException">spinSystemGetInstance failed.</exception>
    public static IntPtr Acquire()
    {
        lock (Gate)
        {
            if (_references == 0)
            {
                SpinnakerNative.Check(SpinnakerNative.spinSystemGetInstance(out var system), "spinSystemGetInstance");
                _system = system;
            }
            _references++;
            return _system;
        }
    }

    /// <summary>Drops a reference; the last one releases the system.</summary>
    /// <exception cref="SpinnakerException">spinSystemReleaseInstance failed (the reference is dropped regardless).</exception>
    public static void Release()
    {
        lock (Gate)
        {
            if (_references == 0)
                return;
            if (--_references > 0)
                return;
            var system = _system;
            _system = IntPtr.Zero;
            SpinnakerNative.Check(SpinnakerNative.spinSystemReleaseInstance(system), "spinSystemReleaseInstance");
        }
    }

    /// <summary>References held now (tests).</summary>
    public static int References { get { lock (Gate) return _references; } }

    /// <summary>Notes that a camera with GVCP address <paramref name="address"/> (most significant byte first) is open.</summary>
    public static void AddAddress(uint address) => OpenAddresses.AddOrUpdate(address, 1, (_, n) => n + 1);

    /// <summary>Undoes <see cref="AddAddress"/>.</summary>
    public static void RemoveAddress(uint address)
    {
        while (OpenAddresses.TryGetValue(address, out var n))
        {
            if (n <= 1 ? OpenAddresses.TryRemove(new KeyValuePair<uint, int>(address, n)) : OpenAddresses.TryUpdate(address, n - 1, n))
                return;
        }
    }

    /// <summary>
    /// The address of an action result, most significant byte first: as given when an open camera has it, else byte-swapped
    /// when an open camera has that (the SDK hands over the address as it sits in the GVCP header), else as given.
    /// </summary>
    public static uint Normalize(uint address)
    {
        if (OpenAddresses.ContainsKey(address))
            return address;
        uint swapped = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(address);
        return OpenAddresses.ContainsKey(swapped) ? swapped : address;
    }
}

/// <summary>A Spinnaker camera handle (<c>spinCamera</c>), released with <c>spinCameraRelease</c>.</summary>
internal sealed class SpinnakerCameraHandle : Microsoft.Win32.SafeHandles.SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Creates an empty handle (for marshalling).</summary>
    public SpinnakerCameraHandle() : base(ownsHandle: true) { }

    /// <summary>Wraps <paramref name="handle"/>.</summary>
    public SpinnakerCameraHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);

    /// <summary>The spinError of the release, for callers that report it (0 when it has not run).</summary>
    public int ReleaseError { get; private set; }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        ReleaseError = SpinnakerNative.spinCameraRelease(handle);
        return ReleaseError == SpinnakerNative.Success;
    }
}

/// <summary>
/// A Spinnaker camera list (<c>spinCameraList</c> from <c>spinCameraListCreateEmpty</c>), cleared
/// (<c>spinCameraListClear</c>) and destroyed (<c>spinCameraListDestroy</c>) on release.
/// </summary>
internal sealed class SpinnakerCameraListHandle : Microsoft.Win32.SafeHandles.SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Creates an empty handle (for marshalling).</summary>
    public SpinnakerCameraListHandle() : base(ownsHandle: true) { }

    /// <summary>Creates a list and fills it with the system's cameras (<c>spinSystemGetCameras</c>).</summary>
    /// <exception cref="SpinnakerException">A call failed (the list is destroyed).</exception>
    public static SpinnakerCameraListHandle Of(IntPtr system)
    {
        SpinnakerNative.Check(SpinnakerNative.spinCameraListCreateEmpty(out var list), "spinCameraListCreateEmpty");
        var handle = new SpinnakerCameraListHandle();
        handle.SetHandle(list);
        try
        {
            SpinnakerNative.Check(SpinnakerNative.spinSystemGetCameras(system, list), "spinSystemGetCameras");
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        return handle;
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        int clear = SpinnakerNative.spinCameraListClear(handle);
        int destroy = SpinnakerNative.spinCameraListDestroy(handle);
        return clear == SpinnakerNative.Success && destroy == SpinnakerNative.Success;
    }
}
