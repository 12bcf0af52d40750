namespace PsCamSync.Core.Takes;

/// <summary>Recognises a full disk in an I/O error and reads the free space of a folder's file system.</summary>
public static class DiskSpace
{
    /// <summary>errno ENOSPC (no space left on device), Linux.</summary>
    public const int ENOSPC = 28;

    /// <summary>errno EDQUOT (disk quota exceeded), Linux.</summary>
    public const int EDQUOT = 122;

    /// <summary>
    /// True when <paramref name="error"/> or one of its inner exceptions is an I/O error for a full file system or an
    /// exhausted quota: .NET on Linux gives an <see cref="IOException"/> whose HResult is the errno; a
    /// <see cref="TakeFolderException"/> carries its own <see cref="TakeFolderException.DiskFull"/> (e.g. from ffmpeg's log).
    /// </summary>
    public static bool IsDiskFull(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is TakeFolderException { DiskFull: true })
                return true;
            if (e is IOException && (e.HResult is ENOSPC or EDQUOT || e.Message.Contains("No space left on device", StringComparison.Ordinal)
                                     || e.Message.Contains("Disk quota exceeded", StringComparison.Ordinal)))
                return true;
        }
        return false;
    }

    /// <summary>Bytes available to this user on the file system holding <paramref name="path"/>, or -1 when it cannot be read.</summary>
    public static long FreeBytes(string path)
    {
        try
        {
            return new DriveInfo(path).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return -1;
        }
    }
}
