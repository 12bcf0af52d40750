using System.Globalization;
using System.Text.Json;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Capture;

/// <summary>A disk's write throughput as Test-CaptureBudget measured it.</summary>
/// <param name="Device">The file system's device, <c>major:minor</c> from <c>/proc/self/mountinfo</c>.</param>
/// <param name="Folder">The folder the test wrote in.</param>
/// <param name="BytesPerSecond">Sequential write throughput with fsync, bytes/s.</param>
/// <param name="MeasuredUtc">When.</param>
public sealed record CachedDiskThroughput(string Device, string Folder, double BytesPerSecond, DateTimeOffset MeasuredUtc);

/// <summary>An encoder's throughput at some frame sizes as Test-CaptureBudget measured it.</summary>
/// <param name="Key">Encoder and frame sizes (<see cref="CaptureBudgetCache.EncoderKey"/>).</param>
/// <param name="BytesPerSecond">Raw frame bytes per second the encoders took together, bytes/s.</param>
/// <param name="EncodedBytesPerFrame">Mean encoded bytes per frame, bytes.</param>
/// <param name="Processes">ffmpeg processes that ran together.</param>
/// <param name="MeasuredUtc">When.</param>
public sealed record CachedEncoderThroughput(string Key, double BytesPerSecond, double EncodedBytesPerFrame, int Processes, DateTimeOffset MeasuredUtc);

/// <summary>
/// The throughputs Test-CaptureBudget measured, kept so that Start-SyncCapture can check its take without measuring:
/// a small JSON file, <c>$XDG_CACHE_HOME/pscamsync/capture-budget.json</c> (or <c>~/.cache/pscamsync/…</c>), with disks
/// keyed by file-system device and encoders by encoder and frame sizes. Written whole to a temporary file and renamed,
/// so a reader never sees half a file; a file that cannot be read counts as empty.
/// </summary>
public sealed class CaptureBudgetCache
{
    /// <summary>The file name in the cache folder.</summary>
    public const string FileName = "capture-budget.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>A cache kept in <paramref name="file"/>.</summary>
    public CaptureBudgetCache(string file) => File = file ?? throw new ArgumentNullException(nameof(file));

    /// <summary>The cache file.</summary>
    public string File { get; }

    /// <summary>The user's cache: <c>$XDG_CACHE_HOME/pscamsync/capture-budget.json</c>, else <c>~/.cache/pscamsync/capture-budget.json</c>.</summary>
    public static CaptureBudgetCache ForUser()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new CaptureBudgetCache(Path.Combine(root, "pscamsync", FileName));
    }

    /// <summary>The disk throughput cached for <paramref name="device"/>, or null.</summary>
    public CachedDiskThroughput? Disk(string device) => Read().Disks.GetValueOrDefault(device);

    /// <summary>The encoder throughput cached for <paramref name="key"/>, or null.</summary>
    public CachedEncoderThroughput? Encoder(string key) => Read().Encoders.GetValueOrDefault(key);

    /// <summary>Stores what <paramref name="measured"/> measured now (<see cref="CaptureBudgetMeasurements.MeasuredDisk"/>,
    /// <see cref="CaptureBudgetMeasurements.MeasuredEncoder"/>), replacing earlier entries of the same disk and key.</summary>
    /// <exception cref="TakeFolderException">The cache file could not be written.</exception>
    public void Save(CaptureBudgetMeasurements measured)
    {
        ArgumentNullException.ThrowIfNull(measured);
        if (measured.MeasuredDisk is null && measured.MeasuredEncoder is null)
            return;
        var content = Read();
        if (measured.MeasuredDisk is { } disk)
            content.Disks[disk.Device] = disk;
        if (measured.MeasuredEncoder is { } encoder)
            content.Encoders[encoder.Key] = encoder;
        Write(content);
    }

    /// <summary>"ffv1 4×640x480 Mono8": the encoder and the cameras' frame sizes, the key of an encoder measurement
    /// (the encoders' throughput depends on the sizes and on how many run together).</summary>
    public static string EncoderKey(VideoEncoder encoder, IReadOnlyList<CaptureBudgetCamera> cameras)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        var sizes = cameras.GroupBy(c => c.Format, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()}×{g.Key}"));
        return $"{VideoSinks.EncoderName(encoder)} {string.Join(" + ", sizes)}";
    }

    /// <summary>
    /// The device (<c>major:minor</c>) of the file system holding <paramref name="path"/>: the mount in
    /// <paramref name="mountInfo"/> (format of proc(5) <c>/proc/[pid]/mountinfo</c>) whose mount point is the longest
    /// prefix of the full path. "unknown" when the file cannot be read.
    /// </summary>
    /// <param name="path">A file or folder path.</param>
    /// <param name="mountInfo">The mountinfo file (tests give their own).</param>
    public static string DeviceOf(string path, string mountInfo = "/proc/self/mountinfo")
    {
        string full = Path.GetFullPath(path);
        string best = "", device = "unknown";
        IEnumerable<string> lines;
        try
        {
            lines = System.IO.File.ReadAllLines(mountInfo);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return device;
        }
        foreach (var line in lines)
        {
            // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw: field 3 is the device, field 5 the mount point.
            var fields = line.Split(' ');
            if (fields.Length < 5)
                continue;
            string mount = Unescape(fields[4]);
            bool under = mount == "/" || full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (under && mount.Length >= best.Length)
            {
                best = mount;
                device = fields[2];
            }
        }
        return device;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as octal (<c>\040</c>).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
            return field;
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';

    private sealed class Content
    {
        public Dictionary<string, CachedDiskThroughput> Disks { get; set; } = new();
        public Dictionary<string, CachedEncoderThroughput> Encoders { get; set; } = new();
    }

    private Content Read()
    {
        try
        {
            if (!System.IO.File.Exists(File))
                return new Content();
            var content = JsonSerializer.Deserialize<Content>(System.IO.File.ReadAllText(File), Json) ?? new Content();
            content.Disks ??= new();
            content.Encoders ??= new();
            return content;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // A damaged or unreadable cache only means nothing was measured; the next Test-CaptureBudget rewrites it.
            System.Diagnostics.Trace.TraceWarning($"PsCamSync: the capture budget cache '{File}' could not be read and counts as empty: {e.Message}");
            return new Content();
        }
    }

    private void Write(Content content)
    {
        string temp = File + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File)!);
            System.IO.File.WriteAllText(temp, JsonSerializer.Serialize(content, Json));
            System.IO.File.Move(temp, File, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { System.IO.File.Delete(temp); }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { System.Diagnostics.Trace.TraceError($"PsCamSync: could not delete '{temp}': {cleanup.Message}"); }
            throw new TakeFolderException(File, $"the capture budget cache '{File}' could not be written: {e.Message}", e);
        }
    }
}
