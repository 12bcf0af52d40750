using System.Globalization;
using System.Text;
using CsvHelper;
using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Takes;

/// <summary>
/// Writes one camera's frames table (CSV, via CsvHelper): header
/// <c>frame_index,scheduled_ns,trigger_ns,device_timestamp_ns,host_receive_ns,status,video_frame,received_bytes,device_frame_id</c>, one row per
/// schedule slot, LF line ends, invariant culture, <c>status</c> as the <see cref="FrameStatus"/> name.
/// Rows stay in CsvHelper's buffer until <see cref="Flush"/>: the camera pipeline flushes after every batch of rows it
/// writes (one <c>write(2)</c> per batch, usually one row), so rows reach the operating system as soon as they are
/// final and a crash of the process (SIGKILL) loses none of them; <see cref="Dispose"/> flushes and fsyncs.
/// Writing a row allocates nothing: numbers are formatted by CsvHelper straight into its UTF-8 buffer and
/// the status comes from a table of pre-encoded names. Used by one thread.
/// </summary>
public sealed class FramesTableWriter : IDisposable
{
    private readonly string _path;
    private readonly FileStream _stream;
    private readonly CsvWriter _csv;
    private bool _disposed;

    /// <summary>Creates (never overwrites) the file at <paramref name="path"/> and writes the header.</summary>
    /// <exception cref="TakeFolderException">The file exists already or cannot be created.</exception>
    public FramesTableWriter(string path)
    {
        _path = path;
        try
        {
            // No FileStream buffer: CsvHelper buffers (64 KiB) and each flush should reach the OS at once.
            _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = File.Exists(path) ? "it exists already (frames tables are never overwritten)" : e.Message;
            throw new TakeFolderException(path, $"cannot create the frames table '{path}': {why}", e);
        }
        _csv = CsvWriter.Create(_stream, FramesTableFormat.WriterOptions, leaveOpen: true);
        try
        {
            _csv.WriteHeader(FramesTableFormat.Header);
            _csv.Flush();
        }
        catch
        {
            _csv.Dispose();
            _stream.Dispose();
            throw;
        }
    }

    /// <summary>The file being written.</summary>
    public string Path => _path;

    /// <summary>Rows written so far (the header not counted).</summary>
    public long RowCount { get; private set; }

    /// <summary>Appends one row to the buffer (call <see cref="Flush"/> to hand it to the operating system).</summary>
    /// <exception cref="TakeFolderException">The file could not be written (disk full, I/O error).</exception>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    public void Write(in FrameRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _csv.WriteField(record.FrameIndex, default);
            _csv.WriteField(record.ScheduledNs, default);
            _csv.WriteField(record.TriggerNs, default);
            _csv.WriteField(record.DeviceTimestampNs, default);
            _csv.WriteField(record.HostReceiveNs, default);
            _csv.WriteField(FramesTableFormat.StatusUtf8(record.Status));
            _csv.WriteField(record.VideoFrame, default);
            _csv.WriteField(record.ReceivedBytes, default);
            _csv.WriteField(record.DeviceFrameId, default);
            _csv.EndRecord();
            RowCount++;
        }
        catch (IOException e)
        {
            throw new TakeFolderException(_path, $"cannot write to the frames table '{_path}': {e.Message}", e);
        }
    }

    /// <summary>Flushes buffered rows to the file (to the operating system; <see cref="Dispose"/> also fsyncs).</summary>
    /// <exception cref="TakeFolderException">The file could not be written.</exception>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _csv.Flush();
        }
        catch (IOException e)
        {
            throw new TakeFolderException(_path, $"cannot write to the frames table '{_path}': {e.Message}", e);
        }
    }

    /// <summary>Flushes, fsyncs and closes. Calling it again does nothing.</summary>
    /// <exception cref="TakeFolderException">The last rows could not be written.</exception>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            _csv.Flush();
            _stream.Flush(flushToDisk: true);
        }
        catch (IOException e)
        {
            throw new TakeFolderException(_path, $"cannot write to the frames table '{_path}': {e.Message}", e);
        }
        finally
        {
            _csv.Dispose();
            _stream.Dispose();
        }
    }
}

/// <summary>The frames table's column names and status spellings, shared by the writer and the reader.</summary>
internal static class FramesTableFormat
{
    public static readonly string[] Header =
        ["frame_index", "scheduled_ns", "trigger_ns", "device_timestamp_ns", "host_receive_ns", "status", "video_frame", "received_bytes", "device_frame_id"];

    /// <summary>The earlier headers, each the current one without its last columns: before <c>device_frame_id</c> (read with
    /// DeviceFrameId -1) and before <c>received_bytes</c> too (ReceivedBytes -1 as well).</summary>
    public static readonly string[][] EarlierHeaders = [Header[..^1], Header[..^2]];

    public const int StatusColumn = 5;

    private static readonly FrameStatus[] Statuses = Enum.GetValues<FrameStatus>();
    private static readonly byte[][] StatusNames = Statuses.Select(s => Encoding.ASCII.GetBytes(s.ToString())).ToArray();

    public static readonly CsvHelper.CsvWriterOptions WriterOptions = CsvHelper.CsvWriterOptions.Default with
    {
        Separator = ',',
        NewLine = "\n",
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static readonly CsvHelper.CsvReaderOptions ReaderOptions = CsvHelper.CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = true,
        TrackLineNumbers = true,
        MalformedData = CsvHelper.CsvMalformedDataHandling.Throw,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>The UTF-8 name of <paramref name="status"/>, without allocating.</summary>
    public static ReadOnlySpan<byte> StatusUtf8(FrameStatus status)
    {
        int i = (int)status;
        if ((uint)i < (uint)StatusNames.Length && Statuses[i] == status)
            return StatusNames[i];
        throw new ArgumentOutOfRangeException(nameof(status), status, "unknown frame status");
    }

    /// <summary>Parses a status name written by <see cref="StatusUtf8"/> (exact, case-sensitive).</summary>
    public static bool TryParseStatus(ReadOnlySpan<byte> name, out FrameStatus status)
    {
        for (int i = 0; i < StatusNames.Length; i++)
        {
            if (name.SequenceEqual(StatusNames[i]))
            {
                status = Statuses[i];
                return true;
            }
        }
        status = default;
        return false;
    }
}
