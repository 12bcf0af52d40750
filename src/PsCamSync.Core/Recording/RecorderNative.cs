using System.Runtime.InteropServices;

namespace PsCamSync.Core.Recording;

/// <summary>
/// libc calls of the recorder and its control channel: the effective uid, a new session, and the owner and mode of a
/// path (<c>statx</c>, whose <c>struct statx</c> layout is the same on every Linux architecture, unlike
/// <c>struct stat</c>). Errors set errno, read with <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static partial class RecorderNative
{
    private const int AT_FDCWD = -100;
    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const uint STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_UID = 0x8;

    /// <summary>SOL_SOCKET and SO_PEERCRED (asm-generic values, x86_64 and aarch64).</summary>
    public const int SOL_SOCKET = 1, SO_PEERCRED = 17;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkDir(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChMod(string path, uint mode);

    /// <summary>Creates the directory <paramref name="path"/> with mode 0700 (EEXIST is not an error).</summary>
    /// <exception cref="IOException">mkdir failed otherwise.</exception>
    public static void CreatePrivateDirectory(string path)
    {
        if (MkDir(path, 0x1C0 /* 0700 */) != 0 && Marshal.GetLastPInvokeError() is int errno and not 17 /* EEXIST */)
            throw new IOException($"mkdir '{path}' failed: errno {errno}.");
    }

    /// <summary>Sets the mode of <paramref name="path"/> to 0600 (owner read and write only).</summary>
    /// <exception cref="IOException">chmod failed.</exception>
    public static void MakeOwnerOnly(string path)
    {
        if (ChMod(path, 0x180 /* 0600 */) != 0)
            throw new IOException($"chmod 600 '{path}' failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    public static partial int SetSid();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, Span<byte> buffer);

    /// <summary>Owner uid, file type and permission bits of <paramref name="path"/> (a symlink is not followed).</summary>
    /// <returns>False when the path cannot be examined (errno in <paramref name="errno"/>).</returns>
    public static bool TryGetOwnerAndMode(string path, out uint uid, out UnixFileMode mode, out bool isDirectory, out int errno)
    {
        // struct statx: stx_mask u32 @0, stx_blksize u32 @4, stx_attributes u64 @8, stx_nlink u32 @16, stx_uid u32 @20,
        // stx_gid u32 @24, stx_mode u16 @28; 256 bytes in all (include/uapi/linux/stat.h).
        Span<byte> buffer = stackalloc byte[256];
        uid = 0; mode = 0; isDirectory = false; errno = 0;
        if (Statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MODE | STATX_UID, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return false;
        }
        uid = BitConverter.ToUInt32(buffer[20..]);
        ushort raw = BitConverter.ToUInt16(buffer[28..]);
        isDirectory = (raw & 0xF000) == 0x4000; // S_IFDIR
        mode = (UnixFileMode)(raw & 0xFFF);
        return true;
    }

    /// <summary>The peer's (pid, uid, gid) of a connected Unix socket (<c>SO_PEERCRED</c>, <c>struct ucred</c>).</summary>
    public static (int Pid, uint Uid, uint Gid) PeerCredentials(System.Net.Sockets.Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        int n = socket.GetRawSocketOption(SOL_SOCKET, SO_PEERCRED, ucred);
        if (n < 12)
            throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ProtocolNotSupported);
        return (BitConverter.ToInt32(ucred), BitConverter.ToUInt32(ucred[4..]), BitConverter.ToUInt32(ucred[8..]));
    }
}
