using System.Runtime.InteropServices;

namespace PsCamSync.Core.Takes;

/// <summary>
/// The few libc calls the take folder needs: <c>mkdir(2)</c>, which fails instead of reusing an existing folder, and
/// <c>fsync(2)</c> on a folder so a rename inside it is durable. Linux (x86_64 and aarch64) errno values.
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

    /// <summary>The C library's text for an errno value.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
