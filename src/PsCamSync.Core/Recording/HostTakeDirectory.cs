using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Recording;

/// <summary>
/// The folder where this user's takes on this host are registered: one <c>&lt;id&gt;.json</c> entry per take
/// (<see cref="HostTakeEntry"/>), the control socket of each running take (<c>&lt;id&gt;.sock</c>), each recorder's log
/// (<c>&lt;id&gt;.log</c>) and a lock file. Owned by the user with mode 0700, so only that user reaches the sockets.
/// </summary>
/// <remarks>
/// Where it is: <c>$PSCAMSYNC_RUNTIME_DIR</c> when set; else, for root, <c>/run/pscamsync</c>; else
/// <c>/tmp/pscamsync-&lt;euid&gt;</c>. Not <c>$XDG_RUNTIME_DIR</c>: systemd-logind deletes that folder when the user's
/// last login ends, which is exactly when a take must go on (the controller's SSH login was the only one), and sessions
/// without it (cron, services) would look elsewhere. Both places are emptied at reboot, as running takes are. The folder is refused (never used) when it is a symbolic link, belongs to
/// another user, or is open to group or others: someone else could then plant a socket that sessions would talk to.
/// </remarks>
public sealed class HostTakeDirectory
{
    /// <summary>Environment variable that names the folder (tests, and hosts that keep it elsewhere).</summary>
    public const string EnvironmentVariable = "PSCAMSYNC_RUNTIME_DIR";

    private const int MaxSocketPathBytes = 107; // sizeof(sun_path) - 1

    private HostTakeDirectory(string path) => Path = path;

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The folder this process uses, from the environment (see remarks).</summary>
    public static string DefaultPath()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
            return System.IO.Path.GetFullPath(given);
        uint uid = RecorderNative.GetEffectiveUserId();
        if (uid == 0 && Directory.Exists("/run"))
            return "/run/pscamsync";
        return "/tmp/pscamsync-" + uid.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Opens (creating with mode 0700 when missing) the folder at <paramref name="path"/> or the default one.</summary>
    /// <exception cref="PsCamSyncException">The folder cannot be created, or it is unsafe: a symbolic link, another
    /// user's, or open to group or others (the message names it and the fix).</exception>
    public static HostTakeDirectory Open(string? path = null)
    {
        path ??= DefaultPath();
        try
        {
            if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
                RecorderNative.CreatePrivateDirectory(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PsCamSyncException($"cannot create the folder of this host's takes, '{path}': {e.Message} Set ${EnvironmentVariable} to a folder this user can create.", e);
        }
        if (!RecorderNative.TryGetOwnerAndMode(path, out uint owner, out var mode, out bool isDirectory, out int errno))
            throw new PsCamSyncException($"cannot examine the folder of this host's takes, '{path}': errno {errno}.");
        uint me = RecorderNative.GetEffectiveUserId();
        if (!isDirectory)
            throw new PsCamSyncException($"'{path}', the folder of this host's takes, is not a directory (a symbolic link or a file). Remove it, or set ${EnvironmentVariable} to another folder.");
        if (owner != me)
            throw new PsCamSyncException($"'{path}', the folder of this host's takes, belongs to uid {owner}, not to this user (uid {me}); another user could then talk to the takes. Remove it, or set ${EnvironmentVariable} to a folder of your own.");
        const UnixFileMode open = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                  UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & open) != 0)
            throw new PsCamSyncException($"'{path}', the folder of this host's takes, has mode {Convert.ToString((int)mode, 8)}: group or others can reach its control sockets. Run 'chmod 700 {path}', or set ${EnvironmentVariable} to another folder.");
        var dir = new HostTakeDirectory(path);
        if (System.Text.Encoding.UTF8.GetByteCount(dir.SocketPath("20261127-000000-0000000000")) > MaxSocketPathBytes)
            throw new PsCamSyncException($"the folder of this host's takes, '{path}', is too long for a Unix socket path (at most {MaxSocketPathBytes} bytes with the socket's name); set ${EnvironmentVariable} to a shorter path.");
        return dir;
    }

    /// <summary>A new take id: UTC time and 10 random hex digits, e.g. <c>20261127-201500-3fa9c0b2d1</c>.</summary>
    public static string NewId() =>
        DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" +
        Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 5).ToLowerInvariant();

    /// <summary>Path of the entry of take <paramref name="id"/>.</summary>
    public string EntryPath(string id) => System.IO.Path.Combine(Path, id + ".json");

    /// <summary>Path of the control socket of take <paramref name="id"/>.</summary>
    public string SocketPath(string id) => System.IO.Path.Combine(Path, id + ".sock");

    /// <summary>Path of the recorder log (its stdout and stderr) of take <paramref name="id"/>.</summary>
    public string LogPath(string id) => System.IO.Path.Combine(Path, id + ".log");

    /// <summary>Path of the start request of take <paramref name="id"/> (read by the recorder).</summary>
    public string StartRequestPath(string id) => System.IO.Path.Combine(Path, id + ".start.json");

    /// <summary>
    /// Takes an exclusive lock on the folder (flock on <c>.lock</c>) for checking which cameras are held and registering
    /// a new take, so two sessions starting takes at once cannot both get one camera. Dispose to release.
    /// </summary>
    /// <param name="timeout">How long to wait for another session's start, e.g. 10 s.</param>
    /// <exception cref="PsCamSyncException">Not granted within <paramref name="timeout"/>.</exception>
    public IDisposable Lock(TimeSpan timeout)
    {
        string file = System.IO.Path.Combine(Path, ".lock");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock(2) among .NET processes on Unix.
                return new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
            catch (IOException e)
            {
                throw new PsCamSyncException($"another session has been starting a take on this host for {timeout.TotalSeconds:0} s (it holds '{file}'); try again.", e);
            }
        }
    }

    /// <summary>Writes <paramref name="entry"/> atomically (temporary file, then rename), mode 0600.</summary>
    /// <exception cref="PsCamSyncException">It cannot be written.</exception>
    public void Write(HostTakeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string target = EntryPath(entry.Id);
        string temp = target + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
                JsonSerializer.Serialize(stream, entry, RecorderJson.Options);
            RecorderNative.MakeOwnerOnly(temp);
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PsCamSyncException($"cannot register take '{entry.Name}' in '{Path}': {e.Message}", e);
        }
    }

    /// <summary>The entry of take <paramref name="id"/>, or null when there is none or it cannot be read.</summary>
    public HostTakeEntry? Read(string id)
    {
        try
        {
            using var stream = new FileStream(EntryPath(id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return JsonSerializer.Deserialize<HostTakeEntry>(stream, RecorderJson.Options);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new PsCamSyncException($"the entry of take '{id}' in '{Path}' cannot be read: {e.Message} Delete '{EntryPath(id)}' if the take is gone.", e);
        }
    }

    /// <summary>Every entry, oldest first (ids sort by creation time).</summary>
    /// <exception cref="PsCamSyncException">An entry exists but cannot be read (the message names its file).</exception>
    public IReadOnlyList<HostTakeEntry> ReadAll()
    {
        var entries = new List<HostTakeEntry>();
        foreach (string file in Directory.EnumerateFiles(Path, "*.json").Order(StringComparer.Ordinal))
        {
            string name = System.IO.Path.GetFileNameWithoutExtension(file);
            if (name.EndsWith(".start", StringComparison.Ordinal))
                continue;
            if (Read(name) is { } entry)
                entries.Add(entry);
        }
        return entries;
    }

    /// <summary>Deletes the files of take <paramref name="id"/> besides its entry: the socket and the start request.</summary>
    internal void RemoveRuntimeFiles(string id)
    {
        foreach (string file in new[] { SocketPath(id), StartRequestPath(id) })
        {
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"PsCamSync: cannot delete '{file}': {e.Message}");
            }
        }
    }
}

/// <summary>The JSON settings of the host's take entries and the control channel: enums as names, compact.</summary>
internal static class RecorderJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
