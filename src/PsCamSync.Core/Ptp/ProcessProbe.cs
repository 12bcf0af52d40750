namespace PsCamSync.Core.Ptp;

/// <summary>Looks for running processes by their command name in <c>/proc/PID/comm</c>.</summary>
public static class ProcessProbe
{
    /// <summary>
    /// Whether a process whose comm is <paramref name="comm"/> (e.g. <c>phc2sys</c>) runs in this PID namespace.
    /// </summary>
    /// <param name="comm">The command name (the kernel keeps its first 15 bytes).</param>
    /// <param name="procRoot">The proc file system (default <c>/proc</c>).</param>
    /// <returns>True or false; null when <paramref name="procRoot"/> cannot be listed (not Linux, no /proc).</returns>
    /// <remarks>A process that exits while being read, or whose comm cannot be read, is not counted.</remarks>
    public static bool? IsRunning(string comm, string procRoot = "/proc")
    {
        ArgumentException.ThrowIfNullOrEmpty(comm);
        string wanted = comm.Length > 15 ? comm[..15] : comm;
        IEnumerable<string> dirs;
        try
        {
            if (!Directory.Exists(procRoot))
                return null;
            dirs = Directory.EnumerateDirectories(procRoot).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // undetectable: the caller sees null, the documented answer for "cannot tell"
        }
        foreach (var dir in dirs)
        {
            var name = Path.GetFileName(dir.AsSpan());
            if (name.IsEmpty || !char.IsAsciiDigit(name[0]))
                continue;
            string? text = TryReadComm(Path.Combine(dir, "comm"));
            if (text is not null && text.TrimEnd('\n') == wanted)
                return true;
        }
        return false;
    }

    private static string? TryReadComm(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process exited between listing and reading: it no longer runs
        }
    }
}
