using System.Runtime.InteropServices;

namespace PsCamSync.Core.Timing;

/// <summary>
/// libc calls for the timing path. Layouts hold on 64-bit Linux (x86_64 and aarch64): <c>struct timespec</c> is
/// two 64-bit longs there, <c>struct sched_param</c> is one int, <c>unsigned long</c> is 64 bits, and the
/// constants below (clock ids, SCHED_FIFO, PR_*, MCL_*, errno numbers) are the asm-generic values both use.
/// Error returns are errno values (clock_nanosleep returns its error directly; the others set errno, read with
/// <see cref="Marshal.GetLastPInvokeError"/>).
/// </summary>
internal static partial class LibC
{
    public const int CLOCK_REALTIME = 0;
    public const int CLOCK_MONOTONIC = 1;
    public const int TIMER_ABSTIME = 1;

    public const int EPERM = 1;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EFAULT = 14;
    public const int EINVAL = 22;
    public const int ENOSYS = 38;

    public const int SCHED_OTHER = 0;
    public const int SCHED_FIFO = 1;

    public const int PR_SET_TIMERSLACK = 29;
    public const int PR_GET_TIMERSLACK = 30;

    public const int MCL_CURRENT = 1;
    public const int MCL_FUTURE = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;

        public readonly long ToNs() => Seconds * 1_000_000_000L + Nanoseconds;

        public static Timespec FromNs(long ns) => new() { Seconds = ns / 1_000_000_000L, Nanoseconds = ns % 1_000_000_000L };
    }

    /// <summary><c>struct sched_param</c>: one int on Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clockId, out Timespec time);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    public static partial int ClockNanosleep(int clockId, int flags, in Timespec request, IntPtr remain);

    /// <summary>
    /// <c>prctl</c> with its four trailing <c>unsigned long</c> arguments spelled out. glibc declares it variadic;
    /// on x86_64 and aarch64 Linux integer variadic arguments travel in the same registers as named ones.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary><c>sched_setscheduler</c>; pid 0 is the calling thread.</summary>
    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    public static partial int SchedSetScheduler(int pid, int policy, in SchedParam param);

    /// <summary><c>sched_getscheduler</c>; pid 0 is the calling thread.</summary>
    [LibraryImport("libc", EntryPoint = "sched_getscheduler", SetLastError = true)]
    public static partial int SchedGetScheduler(int pid);

    /// <summary><c>sched_getparam</c>; pid 0 is the calling thread.</summary>
    [LibraryImport("libc", EntryPoint = "sched_getparam", SetLastError = true)]
    public static partial int SchedGetParam(int pid, out SchedParam param);

    [LibraryImport("libc", EntryPoint = "mlockall", SetLastError = true)]
    public static partial int MlockAll(int flags);

    [LibraryImport("libc", EntryPoint = "munlockall", SetLastError = true)]
    public static partial int MunlockAll();

    public const short POLLIN = 0x001;

    /// <summary><c>struct pollfd</c>: int fd, short events, short revents.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary><c>recvfrom</c>: reads one datagram; <paramref name="addressLength"/> is the address buffer's size in, the address's size out.</summary>
    [LibraryImport("libc", EntryPoint = "recvfrom", SetLastError = true)]
    public static unsafe partial nint RecvFrom(int fd, byte* buffer, nuint length, int flags, byte* address, ref uint addressLength);

    /// <summary>SOL_SOCKET / SO_TIMESTAMPNS (35, also the control message type SCM_TIMESTAMPNS): the kernel stamps each
    /// received datagram with CLOCK_REALTIME (struct timespec) when it arrives, read with <see cref="RecvMsg"/>.</summary>
    public const int SolSocket = 1, SoTimestampNs = 35;

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (64-bit Linux layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct MsgHdr
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>recvmsg</c>: reads one datagram with its control messages (e.g. SCM_TIMESTAMPNS).</summary>
    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    public static unsafe partial nint RecvMsg(int fd, MsgHdr* message, int flags);

    /// <summary>
    /// The SCM_TIMESTAMPNS control message of a datagram read with <see cref="RecvMsg"/>: CLOCK_REALTIME ns when the kernel
    /// received it, or 0 when there is none (cmsghdr: size_t cmsg_len, int level, int type, data aligned to 8 bytes).
    /// </summary>
    public static unsafe long ReceiveTimestampNs(in MsgHdr message)
    {
        byte* p = message.Control, end = message.Control + message.ControlLength;
        while (p + 16 <= end)
        {
            nuint length = *(nuint*)p;
            if (length < 16)
                return 0;
            int level = *(int*)(p + 8), type = *(int*)(p + 12);
            if (level == SolSocket && type == SoTimestampNs && length >= 32)
                return *(long*)(p + 16) * 1_000_000_000L + *(long*)(p + 24);
            p += (length + 7) & ~(nuint)7;
        }
        return 0;
    }

    /// <summary><c>sendto</c>: sends one datagram to the socket address at <paramref name="address"/>.</summary>
    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static unsafe partial nint SendTo(int fd, byte* buffer, nuint length, int flags, byte* address, uint addressLength);

    /// <summary><c>poll</c>: waits until one of <paramref name="count"/> descriptors is ready or <paramref name="timeoutMs"/> passes (-1: no limit).</summary>
    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    /// <summary>The kernel thread id of the calling thread (glibc 2.30+).</summary>
    [LibraryImport("libc", EntryPoint = "gettid")]
    public static partial int GetTid();

    public static long Now(int clockId)
    {
        if (ClockGetTime(clockId, out var ts) != 0)
            throw new InvalidOperationException($"clock_gettime({clockId}) failed: {ErrnoName(Marshal.GetLastPInvokeError())}");
        return ts.ToNs();
    }

    /// <summary>The symbolic name of an errno value (<c>EPERM</c>, ...), or <c>errno N</c> for others.</summary>
    public static string ErrnoName(int errno) => errno switch
    {
        EPERM => "EPERM",
        ESRCH => "ESRCH",
        EINTR => "EINTR",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EFAULT => "EFAULT",
        EINVAL => "EINVAL",
        ENOSYS => "ENOSYS",
        _ => $"errno {errno}",
    };

    /// <summary><c>EPERM (Operation not permitted)</c>: the errno name and the C library's text for it.</summary>
    public static string Describe(int errno) => $"{ErrnoName(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})";
}
