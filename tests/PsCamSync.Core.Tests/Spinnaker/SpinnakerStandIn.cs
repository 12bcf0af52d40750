using System.Runtime.InteropServices;
using PsCamSync.Core.Cameras.Spinnaker;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Spinnaker;

/// <summary>The Spinnaker stand-in library (tests/native/spinnaker) and its test-only standin_* exports.</summary>
internal static unsafe class SpinnakerStandIn
{
    private static readonly Lazy<IntPtr> Library = new(() => NativeLibrary.Load(Path));

    public static string Path => StandInLibraries.PathOf("spinnaker");

    /// <summary>A backend on the stand-in, as if PSCAMSYNC_SPINNAKER_LIBRARY named it; every fault switched off first.</summary>
    public static SpinnakerBackend Backend()
    {
        Reset();
        return new SpinnakerBackend([], Path);
    }

    private static IntPtr Export(string name) => NativeLibrary.GetExport(Library.Value, name);

    public static long Live(string kind)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(kind + "\0");
        fixed (byte* p = bytes)
            return ((delegate* unmanaged<byte*, long>)Export("standin_live"))(p);
    }

    public static long Layout(string what)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(what + "\0");
        fixed (byte* p = bytes)
            return ((delegate* unmanaged<byte*, long>)Export("standin_layout"))(p);
    }

    public static string Log()
    {
        var buffer = new byte[8192];
        fixed (byte* p = buffer)
        {
            var n = ((delegate* unmanaged<byte*, nuint, nuint>)Export("standin_log"))(p, (nuint)buffer.Length);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)Math.Min((long)n, buffer.Length - 1));
        }
    }

    public static void ClearLog() => ((delegate* unmanaged<void>)Export("standin_clear_log"))();

    /// <summary>Makes <paramref name="function"/> fail with <paramref name="code"/> for the next <paramref name="count"/> calls (-1: all).</summary>
    public static void Fail(string function, int code, int count)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(function + "\0");
        fixed (byte* p = bytes)
            ((delegate* unmanaged<byte*, int, int, void>)Export("standin_fail"))(p, code, count);
    }

    public static void IncompleteEvery(int n) => ((delegate* unmanaged<int, void>)Export("standin_incomplete_every"))(n);
    public static void Timeouts(int n) => ((delegate* unmanaged<int, void>)Export("standin_timeouts"))(n);
    public static void Vanish(int camera, bool gone) => ((delegate* unmanaged<int, int, void>)Export("standin_vanish"))(camera, gone ? 1 : 0);
    public static void Usb(int camera, bool usb) => ((delegate* unmanaged<int, int, void>)Export("standin_usb"))(camera, usb ? 1 : 0);
    public static int SetCameras(int n) => ((delegate* unmanaged<int, int>)Export("standin_set_cameras"))(n);

    /// <summary>Switches every fault off and restores two GigE cameras.</summary>
    public static void Reset()
    {
        Fail("", 0, 0);
        IncompleteEvery(0);
        Timeouts(0);
        for (int k = 0; k < 8; k++)
        {
            Vanish(k, false);
            Usb(k, false);
        }
        if (Live("system") == 0)
            Assert.Equal(0, SetCameras(2));
    }

    /// <summary>Asserts that no handle of any kind is alive in the stand-in.</summary>
    public static void AssertNoLiveHandles()
    {
        foreach (var kind in new[] { "system", "cameralist", "camera", "image", "nodemap" })
            Assert.True(Live(kind) == 0, $"{Live(kind)} live '{kind}' handle(s); log:\n{Log()}");
    }

    /// <summary>Decodes a stand-in frame: camera index and frame id, or false when the header is not there.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> frame, out int camera, out long frameId)
    {
        camera = -1;
        frameId = -1;
        if (frame.Length < 16 || !frame[..4].SequenceEqual("SPNK"u8))
            return false;
        camera = frame[4];
        frameId = BitConverter.ToInt64(frame[8..16]);
        for (int i = 16; i < frame.Length / 2; i++)
        {
            if (frame[i] != (byte)((camera * 31 + frameId + i) & 0xFF))
                return false;
        }
        return true;
    }
}
