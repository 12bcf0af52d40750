using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>
/// Counts GLib CRITICAL and WARNING messages of this process (libaravis' <c>g_return_val_if_fail</c> checks go through
/// <c>g_log</c>) while it is installed, by replacing GLib's default log handler; every message is still passed on to
/// the previous handler, so it reaches stderr as before. <see cref="Dispose"/> restores the previous handler.
/// One probe at a time (the tests using it run in one collection).
/// </summary>
public sealed unsafe class GLibLogProbe : IDisposable
{
    private const string GLib = "libglib-2.0.so.0";
    private const int LevelCritical = 1 << 3;
    private const int LevelWarning = 1 << 4;

    private static readonly object Gate = new();
    private static readonly List<string> Messages = new();
    private static int _criticals;
    private static IntPtr _previous, _previousData;
    private bool _disposed;

    [DllImport(GLib)]
    private static extern IntPtr g_log_set_default_handler(IntPtr logFunc, IntPtr userData);

    public GLibLogProbe()
    {
        lock (Gate)
        {
            Messages.Clear();
            _criticals = 0;
            delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr, IntPtr, void> handler = &OnLog;
            _previousData = IntPtr.Zero;
            _previous = g_log_set_default_handler((IntPtr)handler, IntPtr.Zero);
        }
    }

    /// <summary>CRITICAL messages seen since the probe was installed.</summary>
    public int Criticals => Volatile.Read(ref _criticals);

    /// <summary>The CRITICAL and WARNING messages seen, as "domain: text".</summary>
    public IReadOnlyList<string> Seen
    {
        get
        {
            lock (Gate)
                return Messages.ToList();
        }
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static void OnLog(IntPtr domain, int level, IntPtr message, IntPtr userData)
    {
        if ((level & (LevelCritical | LevelWarning)) != 0)
        {
            var text = $"{Marshal.PtrToStringUTF8(domain) ?? "(no domain)"}: {Marshal.PtrToStringUTF8(message)}";
            lock (Gate)
                if (Messages.Count < 1000)
                    Messages.Add(text);
            if ((level & LevelCritical) != 0)
                Interlocked.Increment(ref _criticals);
        }
        var previous = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr, IntPtr, void>)_previous;
        if (previous != null)
            previous(domain, level, message, _previousData);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        lock (Gate)
            g_log_set_default_handler(_previous, _previousData);
    }
}
