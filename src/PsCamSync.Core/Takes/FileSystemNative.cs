using System.Runtime.InteropServices;

namespace PsCamSync.Core.Takes;

/// <summary>
/// The few libc calls the take folder needs: <c>mkdir(2)</c>, which fails instead of reusing an existing folder, and
/// <c>fsync(2)</c> on a folder so a rename inside it is durable, and <c>fcntl(F_SETPIPE_SZ)</c> for the pipe into ffmpeg. Linux (x86_64 and aarch64) errno values.
/// </summary>
internal static partial class FileSystemNative
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EROFS = 30;

    private const int O_RDONLY = 0;
    private const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkdirNative(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncNative(int fd);

    private const int F_SETPIPE_SZ = 1031;
    private const int F_GETPIPE_SZ = 1032;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlNative(SafeHandle fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    /// <summary>Creates one folder (mode 0777 less the umask); returns 0 or the errno.</summary>
    public static int Mkdir(string path) => MkdirNative(path, Convert.ToUInt32("777", 8)) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>fsync(2) on a folder, so renames and creations inside it survive a power loss; returns 0 or the errno.</summary>
    public static int FsyncDirectory(string path)
    {
        int fd = OpenNative(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return Marshal.GetLastPInvokeError();
        int rc = FsyncNative(fd) == 0 ? 0 : Marshal.GetLastPInvokeError();
        CloseNative(fd);
        return rc;
    }

    /// <summary>
    /// Sets a pipe's capacity with <c>fcntl(F_SETPIPE_SZ)</c> (Linux; the kernel rounds up to a power-of-two number of
    /// pages, and unprivileged processes are limited by <c>/proc/sys/fs/pipe-max-size</c>, 1 MiB by default). Returns
    /// the capacity in bytes the pipe has afterwards, or the negated errno when it could not be set.
    /// </summary>
    public static int SetPipeSize(SafeHandle pipe, int bytes)
    {
        if (FcntlNative(pipe, F_SETPIPE_SZ, bytes) < 0)
            return -Marshal.GetLastPInvokeError();
        int size = FcntlNative(pipe, F_GETPIPE_SZ, 0);
        return size < 0 ? -Marshal.GetLastPInvokeError() : size;
    }

    /// <summary>The C library's text for an errno value.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
