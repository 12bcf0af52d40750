using System.Runtime.InteropServices;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.IC4;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.IC4;

/// <summary>
/// The IC4 stand-in (tests/native/ic4, libic4core.so.1) as the tests drive it: the backend loads it through
/// <see cref="Ic4Backend.LibraryOverrideVariable"/>, and its test-only <c>standin_*</c> exports are called here through
/// function pointers on the same loaded library (one process-wide instance, so every IC4 test runs in the "Takes"
/// collection, one at a time).
/// </summary>
internal static unsafe class Ic4StandIn
{
    private static readonly Lazy<IntPtr> Library = new(() => NativeLibrary.Load(Path));

    /// <summary>The stand-in library's path (built once per content of tests/native).</summary>
    public static string Path => StandInLibraries.PathOf("ic4");

    /// <summary>
    /// Points the override at the stand-in, resets it to <paramref name="cameras"/> cameras (nothing open) and returns a
    /// backend that is available.
    /// </summary>
    public static Ic4Backend Backend(int cameras = 2)
    {
        Environment.SetEnvironmentVariable(Ic4Backend.LibraryOverrideVariable, Path);
        var backend = new Ic4Backend(["/nonexistent/libic4core.so"]);
        Assert.True(backend.IsAvailable, backend.UnavailableReason);
        Assert.Equal(0, SetCameras(cameras));
        SetIncompleteEvery(0);
        return backend;
    }

    private static T Fn<T>(string name) where T : unmanaged
    {
        var p = NativeLibrary.GetExport(Library.Value, name);
        return *(T*)&p;
    }

    private static T WithUtf8<T>(string text, Func<IntPtr, T> call)
    {
        var p = Marshal.StringToCoTaskMemUTF8(text);
        try { return call(p); }
        finally { Marshal.FreeCoTaskMem(p); }
    }

    /// <summary>Live objects of one kind: devenum, devinfo, grabber, propmap, prop, proplist, sink, imagebuffer.</summary>
    public static long Live(string kind) => WithUtf8(kind, p => (long)((delegate* unmanaged<IntPtr, nint>)Fn<IntPtr>("standin_live"))(p));

    /// <summary>A stand-in counter: ignored, incomplete, underrun, delivered, triggers, init.</summary>
    public static long Counter(string name) => WithUtf8(name, p => (long)((delegate* unmanaged<IntPtr, nint>)Fn<IntPtr>("standin_counter"))(p));

    /// <summary>Sets the camera count and resets the cameras; 0 on success (-2 while a camera is open).</summary>
    public static int SetCameras(int n) => ((delegate* unmanaged<int, int>)Fn<IntPtr>("standin_set_cameras"))(n);

    /// <summary>Every Nth exposure is incomplete (dropped, as IC4 drops them); 0 = none.</summary>
    public static void SetIncompleteEvery(int n) => ((delegate* unmanaged<int, void>)Fn<IntPtr>("standin_set_incomplete_every"))(n);

    /// <summary>Makes camera <paramref name="index"/> a GigE Vision camera with GevCurrentIPAddress <paramref name="address"/> (null: USB3).</summary>
    public static void SetGige(int index, System.Net.IPAddress? address)
    {
        uint value = 0;
        if (address is not null)
        {
            var b = address.GetAddressBytes();
            value = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        }
        ((delegate* unmanaged<int, uint, void>)Fn<IntPtr>("standin_set_gige"))(index, value);
    }

    /// <summary>Camera <paramref name="index"/> stops answering (IC4_ERROR_DEVICE_INVALID, no frames).</summary>
    public static void Vanish(int index) => ((delegate* unmanaged<int, void>)Fn<IntPtr>("standin_vanish"))(index);

    /// <summary>The next <paramref name="count"/> calls of <paramref name="function"/> fail with <paramref name="error"/> (-1: all).</summary>
    public static void Fail(string function, int error, int count = 1) =>
        WithUtf8(function, p => { ((delegate* unmanaged<IntPtr, int, int, void>)Fn<IntPtr>("standin_fail"))(p, error, count); return 0; });

    /// <summary>C's sizeof of a struct as the stand-in was compiled.</summary>
    public static long SizeOf(string type) => WithUtf8(type, p => (long)((delegate* unmanaged<IntPtr, nint>)Fn<IntPtr>("standin_sizeof"))(p));

    /// <summary>C's offsetof of a field.</summary>
    public static long OffsetOf(string type, string field) =>
        WithUtf8(type, t => WithUtf8(field, f => (long)((delegate* unmanaged<IntPtr, IntPtr, nint>)Fn<IntPtr>("standin_offsetof"))(t, f)));

    /// <summary>The init/exit/open/close/stream order log.</summary>
    public static string Log()
    {
        var fn = (delegate* unmanaged<byte*, nuint, nuint>)Fn<IntPtr>("standin_log");
        var buffer = new byte[8192];
        fixed (byte* b = buffer)
            fn(b, (nuint)buffer.Length);
        int n = Array.IndexOf(buffer, (byte)0);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, n < 0 ? buffer.Length : n);
    }

    /// <summary>
    /// Asserts that no IC4 object the stand-in counts is alive, but one grabber and one property map for each of
    /// <paramref name="openCameras"/> cameras still open.
    /// </summary>
    public static void AssertNoLiveHandles(int openCameras = 0)
    {
        foreach (var kind in new[] { "devenum", "devinfo", "grabber", "propmap", "prop", "proplist", "sink", "imagebuffer" })
        {
            long expected = kind is "grabber" or "propmap" ? openCameras : 0;
            Assert.True(Live(kind) == expected, $"{Live(kind)} live {kind} object(s), expected {expected}");
        }
    }

    /// <summary>Decodes the stand-in's pixel header: camera index and device frame number.</summary>
    public static (int Camera, long FrameNumber) Decode(ReadOnlySpan<byte> pixels)
    {
        Assert.True(pixels.Length >= 10 && pixels[0] == 0xA5, "the frame does not carry the stand-in's header");
        return (pixels[1], BitConverter.ToInt64(pixels[2..10]));
    }
}

/// <summary>A frame target that keeps what arrives (metadata and the pixel header), for stream tests.</summary>
internal sealed class Ic4Target : IFrameTarget
{
    private readonly Stack<FrameBuffer> _free = new();
    private readonly bool _rentNothing;

    public Ic4Target(int frameBytes, int buffers = 8, bool rentNothing = false)
    {
        _rentNothing = rentNothing;
        for (int i = 0; i < buffers; i++)
            _free.Push(new FrameBuffer(frameBytes));
    }

    public sealed record Frame(long FrameIndex, long DeviceFrameId, long DeviceTimestampNs, long HostReceiveNs, int Length, long ReceivedBytes,
        bool Incomplete, int Width, int Height, PixelFormat Format, int Camera, long PixelFrameNumber);

    public List<Frame> Frames { get; } = [];
    public List<(long Index, long DeviceNs, long HostNs)> Dropped { get; } = [];
    public List<(string Message, Exception? Error)> Faults { get; } = [];

    public FrameBuffer? TryRent()
    {
        lock (_free)
            return _rentNothing || _free.Count == 0 ? null : _free.Pop();
    }

    public void Deliver(FrameBuffer frame)
    {
        var (camera, fn) = Ic4StandIn.Decode(frame.Pixels);
        lock (Frames)
            Frames.Add(new Frame(frame.FrameIndex, frame.DeviceFrameId, frame.DeviceTimestampNs, frame.HostReceiveNs, frame.Length, frame.ReceivedBytes,
                frame.Incomplete, frame.Width, frame.Height, frame.PixelFormat, camera, fn));
        lock (_free)
            _free.Push(frame);
    }

    public void ReportDropped(long frameIndex, long deviceTimestampNs, long hostReceiveNs)
    {
        lock (Frames)
            Dropped.Add((frameIndex, deviceTimestampNs, hostReceiveNs));
    }

    public void ReportFault(string message, Exception? exception)
    {
        lock (Frames)
            Faults.Add((message, exception));
    }

    public int Count
    {
        get { lock (Frames) return Frames.Count + Dropped.Count; }
    }

    public bool WaitFor(int count, int timeoutMs = 5000) => SpinWait.SpinUntil(() => Count >= count, timeoutMs);

    public long Now() => SharedTimeline.NowNs();
}
