using System.Runtime.InteropServices;

namespace PsCamSync.Core.Timing;

/// <summary>
/// libc calls for the timing path. Layouts hold on 64-bit Linux (x86_64 and aarch64): <c>struct timespec</c> is
/// two 64-bit longs there. Error returns are errno values (clock_nanosleep returns its error directly).
/// </summary>
internal static partial class LibC
{
    public const int CLOCK_REALTIME = 0;
    public const int CLOCK_MONOTONIC = 1;
    public const int TIMER_ABSTIME = 1;
    public const int EINTR = 4;

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;

        public readonly long ToNs() => Seconds * 1_000_000_000L + Nanoseconds;

        public static Timespec FromNs(long ns) => new() { Seconds = ns / 1_000_000_000L, Nanoseconds = ns % 1_000_000_000L };
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clockId, out Timespec time);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    public static partial int ClockNanosleep(int clockId, int flags, in Timespec request, IntPtr remain);

    public static long Now(int clockId)
    {
        if (ClockGetTime(clockId, out var ts) != 0)
            throw new InvalidOperationException($"clock_gettime({clockId}) failed: errno {Marshal.GetLastPInvokeError()}");
        return ts.ToNs();
    }
}
