using System.Text.Json;

namespace PsCamSync.Core.Takes;

/// <summary>
/// A take folder on disk: <c>take.json</c>, and per camera <c>&lt;camera&gt;.frames.csv</c> plus a video file.
/// Created once, never overwritten.
/// </summary>
public static class TakeFolder
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestFileName = "take.json";

    /// <summary>Longest stem <see cref="FileStem"/> returns, in characters (leaves room for suffixes in a 255-byte name).</summary>
    public const int MaxStemLength = 200;

    /// <summary>
    /// Creates the folder <paramref name="path"/> (its parent must exist and be writable) and returns its full path.
    /// The folder is made with one <c>mkdir(2)</c>, which fails when anything already has that name, so a take is
    /// never written into an existing folder; that call is also the writability test.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "Path": the folder exists already, the parent
    /// is missing, or it is not writable. The message names the path and the fix.</exception>
    public static string Create(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new InvalidCaptureArgumentException("Path", "give the take folder to create, e.g. -Path ./takes/take-001.");
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string parent = Path.GetDirectoryName(full) ?? full;

        if (Directory.Exists(full) || File.Exists(full))
            throw new InvalidCaptureArgumentException("Path", $"'{full}' already exists; takes are never overwritten. Choose a new take name.");
        if (File.Exists(parent))
            throw new InvalidCaptureArgumentException("Path", $"the parent '{parent}' is a file, not a folder; choose a take path inside a folder.");
        if (!Directory.Exists(parent))
            throw new InvalidCaptureArgumentException("Path", $"the parent folder '{parent}' does not exist; create it first or choose a take path inside an existing folder.");

        int errno = FileSystemNative.Mkdir(full);
        switch (errno)
        {
            case 0:
                FileSystemNative.FsyncDirectory(parent); // best effort: the folder survives a power loss; failure changes nothing now
                return full;
            case FileSystemNative.EEXIST:
                throw new InvalidCaptureArgumentException("Path", $"'{full}' already exists; takes are never overwritten. Choose a new take name.");
            case FileSystemNative.ENOENT:
            case FileSystemNative.ENOTDIR:
                throw new InvalidCaptureArgumentException("Path", $"cannot create '{full}': the parent '{parent}' does not accept new folders ({FileSystemNative.Describe(errno)}). Choose a take path inside a writable folder.");
            case FileSystemNative.EACCES:
            case FileSystemNative.EPERM:
            case FileSystemNative.EROFS:
                throw new InvalidCaptureArgumentException("Path", $"cannot create '{full}': the parent '{parent}' is not writable ({FileSystemNative.Describe(errno)}). Choose a writable folder or fix its permissions.");
            default:
                throw new InvalidCaptureArgumentException("Path", $"cannot create '{full}': {FileSystemNative.Describe(errno)} (errno {errno}). Choose another take path.");
        }
    }

    /// <summary>
    /// A file-name-safe stem for a camera id (e.g. "sim-0", "Aravis-Fake-GV01"): letters, digits, '-', '_' and '.'
    /// are kept, every other character becomes '_', a leading '.' becomes '_', and the result is cut at
    /// <see cref="MaxStemLength"/> characters. An empty id gives "camera". Different ids can map to one stem
    /// ("a:b" and "a_b"); the caller that names files checks for that.
    /// </summary>
    public static string FileStem(string cameraId)
    {
        ArgumentNullException.ThrowIfNull(cameraId);
        if (cameraId.Length == 0)
            return "camera";
        int length = Math.Min(cameraId.Length, MaxStemLength);
        return string.Create(length, cameraId, static (span, id) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                char c = id[i];
                bool keep = char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' || (c == '.' && i > 0);
                span[i] = keep ? c : '_';
            }
        });
    }

    /// <summary>
    /// Writes <c>take.json</c> atomically: indented JSON (enums as their names) into a temporary file in the same
    /// folder, fsync'ed, then renamed over the manifest; the folder is fsync'ed afterwards. A reader sees the old or
    /// the new manifest, never a torn one.
    /// </summary>
    /// <exception cref="TakeFolderException">The file could not be written.</exception>
    public static void WriteManifest(string takePath, TakeManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string target = Path.Combine(takePath, ManifestFileName);
        string temp = Path.Combine(takePath, $".{ManifestFileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 16 * 1024))
            {
                JsonSerializer.Serialize(stream, manifest, TakeJson.Options);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            TryDelete(temp);
            throw new TakeFolderException(target, $"cannot write the take manifest '{target}': {e.Message}", e);
        }
        FileSystemNative.FsyncDirectory(takePath); // durability of the rename; the manifest is already in place
    }

    /// <summary>
    /// The file that keeps room on the disk for the final <c>take.json</c> and the last rows of the frames tables while a
    /// take records: created at start, deleted just before they are written. A folder that still has it was not
    /// finalised (its take crashed).
    /// </summary>
    public const string ReserveFileName = ".take.json.reserve";

    /// <summary>
    /// Bytes reserved for a take of <paramref name="cameras"/> cameras: 1 MiB for the manifest plus, per camera, 256 KiB
    /// for the frames-table rows still in flight when the disk fills (about 2 000 rows of up to 130 bytes). A manifest
    /// that does not fit even so is written with its first 100 faults and no fault details (see
    /// <c>CaptureSession.CompactFaults</c>): with 8 cameras, every field at its longest and 1 000-character fault messages
    /// that is 150 KB.
    /// </summary>
    public static long ReserveBytes(int cameras) => (1L << 20) + cameras * (256L << 10);

    /// <summary>
    /// Creates <see cref="ReserveFileName"/> in <paramref name="takePath"/> with <paramref name="bytes"/> allocated on the
    /// disk, so that the take can always be finalised even after its video filled the disk.
    /// </summary>
    /// <exception cref="TakeFolderException">The disk has no room for it (<see cref="TakeFolderException.DiskFull"/>), or
    /// the file cannot be created. The message gives the free bytes.</exception>
    public static void CreateReserve(string takePath, long bytes)
    {
        string path = Path.Combine(takePath, ReserveFileName);
        try
        {
            // Written out, not only fallocate'd: that allocates on every file system. Random bytes, so a compressing
            // file system cannot keep it smaller than it is.
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            var block = new byte[64 * 1024];
            Random.Shared.NextBytes(block);
            for (long left = bytes; left > 0; left -= block.Length)
                stream.Write(block, 0, (int)Math.Min(block.Length, left));
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(path);
            long free = DiskSpace.FreeBytes(takePath);
            throw new TakeFolderException(path,
                $"cannot reserve {bytes} bytes for the final take.json in '{takePath}' ({(free >= 0 ? $"{free} bytes free" : "free space unknown")}): {e.Message}. " +
                "Free space on that disk or choose a -Path on another one.", e);
        }
    }

    /// <summary>Deletes the reserve file (if it is there), giving its room to the final writes.</summary>
    /// <exception cref="TakeFolderException">It exists but cannot be deleted.</exception>
    public static void ReleaseReserve(string takePath)
    {
        string path = Path.Combine(takePath, ReserveFileName);
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TakeFolderException(path, $"cannot delete the space reserve '{path}': {e.Message}", e);
        }
    }

    /// <summary>Reads <c>take.json</c>.</summary>
    /// <exception cref="TakeFolderException">Missing, unreadable, not a take manifest, or of a newer format version.</exception>
    public static TakeManifest ReadManifest(string takePath)
    {
        string file = Path.Combine(takePath, ManifestFileName);
        if (!File.Exists(file))
        {
            string what = Directory.Exists(takePath) ? $"'{takePath}' is not a take folder: it has no {ManifestFileName}" : $"the take folder '{takePath}' does not exist";
            throw new TakeFolderException(file, $"{what}. Give the folder a take was recorded into.");
        }
        TakeManifest? manifest;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            manifest = JsonSerializer.Deserialize<TakeManifest>(stream, TakeJson.Options);
        }
        catch (JsonException e)
        {
            throw new TakeFolderException(file, $"'{file}' is not a valid take manifest (line {e.LineNumber + 1}): {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidCaptureArgumentException)
        {
            throw new TakeFolderException(file, $"cannot read the take manifest '{file}': {e.Message}", e);
        }
        if (manifest is null)
            throw new TakeFolderException(file, $"'{file}' is not a take manifest: it holds JSON null.");
        if (manifest.FormatVersion > TakeJson.FormatVersion)
            throw new TakeFolderException(file, $"'{file}' has format version {manifest.FormatVersion}, newer than this PsCamSync reads ({TakeJson.FormatVersion}); update PsCamSync.");
        if (manifest.FormatVersion < 1)
            throw new TakeFolderException(file, $"'{file}' is not a take manifest: FormatVersion is {manifest.FormatVersion}.");
        return manifest;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* the temp file stays behind; the error being thrown says what failed */ }
        catch (UnauthorizedAccessException) { }
    }
}
