using System.Text;
using CsvHelper;
using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Takes;

/// <summary>A frames table as read back: its rows and whether its last line was torn by a crash.</summary>
public sealed class FramesTable
{
    internal FramesTable(string path, IReadOnlyList<FrameRecord> rows, bool tornLastRow)
    {
        Path = path;
        Rows = rows;
        TornLastRow = tornLastRow;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>All complete rows, in file order.</summary>
    public IReadOnlyList<FrameRecord> Rows { get; }

    /// <summary>
    /// True when the file did not end with a line break: the writer was stopped in the middle of a row (a crash),
    /// and that partial row was left out of <see cref="Rows"/>.
    /// </summary>
    public bool TornLastRow { get; }
}

/// <summary>Reads a frames table written by <see cref="FramesTableWriter"/>.</summary>
public static class FramesTableReader
{
    /// <summary>All rows, in file order (a row torn by a crash at the very end is left out; see <see cref="ReadTable"/>).</summary>
    /// <exception cref="TakeFolderException">The file is missing or a row is malformed (the message gives the line).</exception>
    public static IReadOnlyList<FrameRecord> Read(string path) => ReadTable(path).Rows;

    /// <summary>
    /// Reads the whole table. Every row ends with a line break when written, so a last line without one is a row the
    /// writer never finished: it is left out and <see cref="FramesTable.TornLastRow"/> says so. Any other bad row is an error.
    /// </summary>
    /// <exception cref="TakeFolderException">The file is missing, has the wrong header, or a row is malformed (the
    /// message gives the 1-based line number and what is wrong).</exception>
    public static FramesTable ReadTable(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = File.Exists(path) ? e.Message : "the file does not exist";
            throw new TakeFolderException(path, $"cannot read the frames table '{path}': {why}", e);
        }
        using var _ = stream;
        long usable = CompleteLength(path, stream);
        bool torn = usable < stream.Length;
        if (usable == 0)
            throw new TakeFolderException(path, stream.Length == 0
                ? $"the frames table '{path}' is empty: it has no header line."
                : $"the frames table '{path}' has no complete header line.");
        stream.Position = 0;

        var rows = new List<FrameRecord>();
        long line = 1;
        try
        {
            using var csv = CsvReader.Create(new LengthLimitedStream(stream, usable), FramesTableFormat.ReaderOptions);
            int columns = CheckHeader(path, csv.Headers);
            while (csv.Read())
            {
                line = csv.LineNumber;
                rows.Add(ParseRow(path, csv, line, columns));
            }
        }
        catch (CsvFormatException e)
        {
            long at = e.LineNumber > 0 ? e.LineNumber : line;
            throw new TakeFolderException(path, $"{path}, line {at}: malformed CSV: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new TakeFolderException(path, $"cannot read the frames table '{path}' (after line {line}): {e.Message}", e);
        }
        return new FramesTable(path, rows, torn);
    }

    /// <summary>Bytes up to and including the last line break: what the writer finished.</summary>
    private static long CompleteLength(string path, FileStream stream)
    {
        try
        {
            long end = stream.Length;
            Span<byte> block = stackalloc byte[4096];
            while (end > 0)
            {
                int n = (int)Math.Min(block.Length, end);
                stream.Position = end - n;
                stream.ReadExactly(block[..n]);
                int lf = block[..n].LastIndexOf((byte)'\n');
                if (lf >= 0)
                    return end - n + lf + 1;
                end -= n;
            }
            return 0;
        }
        catch (IOException e)
        {
            throw new TakeFolderException(path, $"cannot read the frames table '{path}': {e.Message}", e);
        }
    }

    /// <summary>Checks the header and returns its column count: the current one, or an earlier one (see
    /// <see cref="FramesTableFormat.EarlierHeaders"/>).</summary>
    private static int CheckHeader(string path, IReadOnlyList<string> headers)
    {
        if (headers.SequenceEqual(FramesTableFormat.Header))
            return FramesTableFormat.Header.Length;
        foreach (var earlier in FramesTableFormat.EarlierHeaders)
            if (headers.SequenceEqual(earlier))
                return earlier.Length;
        throw new TakeFolderException(path,
                $"{path}, line 1: not a frames table header; expected '{string.Join(",", FramesTableFormat.Header)}', found '{string.Join(",", headers)}'.");
    }

    private static FrameRecord ParseRow(string path, CsvReader csv, long line, int expected)
    {
        if (csv.FieldCount != expected)
            throw new TakeFolderException(path, $"{path}, line {line}: expected {expected} fields, found {csv.FieldCount}.");
        Span<long> numbers = stackalloc long[FramesTableFormat.Header.Length];
        numbers[^2] = -1; // received_bytes and device_frame_id: not known in a table written before the column existed
        numbers[^1] = -1;
        for (int i = 0; i < expected; i++)
        {
            if (i == FramesTableFormat.StatusColumn)
                continue;
            if (!csv.TryParse(i, out numbers[i]))
                throw new TakeFolderException(path,
                    $"{path}, line {line}: {FramesTableFormat.Header[i]} '{Encoding.UTF8.GetString(csv.GetSpan(i))}' is not a whole number.");
        }
        if (!FramesTableFormat.TryParseStatus(csv.GetSpan(FramesTableFormat.StatusColumn), out FrameStatus status))
            throw new TakeFolderException(path,
                $"{path}, line {line}: status '{Encoding.UTF8.GetString(csv.GetSpan(FramesTableFormat.StatusColumn))}' is not one of {string.Join(", ", Enum.GetNames<FrameStatus>())}.");
        return new FrameRecord(numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], status, numbers[6], numbers[7], numbers[8]);
    }
}
