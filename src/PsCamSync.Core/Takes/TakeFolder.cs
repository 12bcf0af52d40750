using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Takes;

// STUB (skeleton): the takes helper replaces the bodies; signatures are the contract.

/// <summary>
/// A take folder on disk: <c>take.json</c>, and per camera <c>&lt;camera&gt;.frames.csv</c> plus a video file.
/// Created once, never overwritten.
/// </summary>
public static class TakeFolder
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestFileName = "take.json";

    /// <summary>
    /// Creates the folder <paramref name="path"/> (its parent must exist and be writable).
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "Path": the folder exists already, the parent
    /// is missing, or it is not writable. The message names the path and the fix.</exception>
    public static string Create(string path) => throw new NotImplementedException();

    /// <summary>A file-name-safe stem for a camera id (e.g. "sim-0", "Aravis-Fake-GV01").</summary>
    public static string FileStem(string cameraId) => throw new NotImplementedException();

    /// <summary>Writes <c>take.json</c> atomically (temporary file, then rename).</summary>
    /// <exception cref="TakeFolderException">The file could not be written.</exception>
    public static void WriteManifest(string takePath, TakeManifest manifest) => throw new NotImplementedException();

    /// <summary>Reads <c>take.json</c>.</summary>
    /// <exception cref="TakeFolderException">Missing, unreadable or not a take manifest.</exception>
    public static TakeManifest ReadManifest(string takePath) => throw new NotImplementedException();
}

/// <summary>
/// Writes one camera's frames table (CSV, via CsvHelper): header
/// <c>frame_index,scheduled_ns,trigger_ns,device_timestamp_ns,host_receive_ns,status,video_frame</c>.
/// Rows are flushed often enough that a crash loses at most the last second.
/// </summary>
public sealed class FramesTableWriter : IDisposable
{
    /// <summary>Creates (never overwrites) the file at <paramref name="path"/> and writes the header.</summary>
    public FramesTableWriter(string path) => throw new NotImplementedException();
    /// <summary>Appends one row.</summary>
    public void Write(in FrameRecord record) => throw new NotImplementedException();
    /// <summary>Flushes buffered rows to the file.</summary>
    public void Flush() => throw new NotImplementedException();
    /// <summary>Flushes and closes.</summary>
    public void Dispose() => throw new NotImplementedException();
}

/// <summary>Reads a frames table written by <see cref="FramesTableWriter"/>.</summary>
public static class FramesTableReader
{
    /// <summary>All rows, in file order.</summary>
    /// <exception cref="TakeFolderException">The file is missing or a row is malformed (the message gives the line).</exception>
    public static IReadOnlyList<FrameRecord> Read(string path) => throw new NotImplementedException();
}

/// <summary>Builds the video sink for an encoder.</summary>
public static class VideoSinks
{
    /// <summary>File extension the encoder writes (".y4m" or ".mkv").</summary>
    public static string Extension(VideoEncoder encoder) => throw new NotImplementedException();

    /// <summary>
    /// Creates the sink writing <paramref name="fileName"/> inside <paramref name="takePath"/>. FFmpeg encoders start
    /// an ffmpeg child process (arguments as a list, never through a shell) fed through stdin.
    /// </summary>
    /// <param name="ffmpegPath">ffmpeg executable (default: "ffmpeg" on PATH).</param>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "Encoder": the pixel format cannot be written by this encoder, or ffmpeg is missing.</exception>
    public static IVideoSink Create(VideoEncoder encoder, string takePath, string fileName, VideoFormat format, string ffmpegPath = "ffmpeg") => throw new NotImplementedException();
}

/// <summary>Reads frames back from a Y4M file written by the built-in sink (for verification and analysis).</summary>
public sealed class Y4mReader : IDisposable
{
    /// <summary>Opens the file and parses the stream header.</summary>
    /// <exception cref="TakeFolderException">Not a Y4M stream this module wrote.</exception>
    public Y4mReader(string path) => throw new NotImplementedException();
    /// <summary>Width in pixels.</summary>
    public int Width => throw new NotImplementedException();
    /// <summary>Height in pixels.</summary>
    public int Height => throw new NotImplementedException();
    /// <summary>Pixel format of the frames.</summary>
    public PixelFormat PixelFormat => throw new NotImplementedException();
    /// <summary>Reads the next frame into <paramref name="frame"/> (which must hold a whole frame); false at the end.</summary>
    public bool ReadFrame(Span<byte> frame) => throw new NotImplementedException();
    /// <summary>Closes the file.</summary>
    public void Dispose() => throw new NotImplementedException();
}
