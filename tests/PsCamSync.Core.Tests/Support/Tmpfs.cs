namespace PsCamSync.Core.Tests.Support;

/// <summary>
/// A tmpfs of a fixed size mounted on a fresh temporary folder (needs root and <c>mount</c>): a disk that fills up.
/// <see cref="Dispose"/> unmounts it (lazily if busy) and removes the folder, also when the test failed.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    /// <summary>Mounts a tmpfs of <paramref name="sizeBytes"/> bytes.</summary>
    public Tmpfs(long sizeBytes)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pscamsync-tmpfs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
        try
        {
            Processes.Run("mount", ["-t", "tmpfs", "-o", $"size={sizeBytes},mode=0755", "tmpfs", Path]);
        }
        catch
        {
            Directory.Delete(Path);
            throw;
        }
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>A path inside the tmpfs.</summary>
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Bytes free on the tmpfs.</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes a file of <paramref name="bytes"/> bytes (or as many as fit, when it fills the disk first).</summary>
    public void Fill(string name, long bytes)
    {
        var block = new byte[1 << 16];
        Array.Fill(block, (byte)0x5A);
        using var stream = new FileStream(Combine(name), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            for (long left = bytes; left > 0; left -= block.Length)
                stream.Write(block, 0, (int)Math.Min(block.Length, left));
        }
        catch (IOException) when (FreeBytes < block.Length)
        {
            // full: what fitted stays
        }
    }

    public void Dispose()
    {
        try
        {
            Processes.Run("umount", [Path]);
        }
        catch (InvalidOperationException)
        {
            Processes.Run("umount", ["-l", Path]); // something still holds a file open: detach now, freed when closed
        }
        Directory.Delete(Path);
    }
}
