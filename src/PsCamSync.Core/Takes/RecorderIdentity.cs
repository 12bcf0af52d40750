using System.Globalization;

namespace PsCamSync.Core.Takes;

/// <summary>
/// The process that records a take, written into <c>take.json</c> when the take starts, so that a take left in state
/// <see cref="TakeState.Recording"/> can be told apart: still recording (the process is alive) or crashed (it is gone,
/// or its pid now belongs to another process). Linux only: read from <c>/proc</c>.
/// </summary>
public sealed class RecorderIdentity
{
    /// <summary>Host name of the recording machine (<see cref="Environment.MachineName"/>).</summary>
    public string Host { get; set; } = "";

    /// <summary>Process id of the recorder.</summary>
    public int ProcessId { get; set; }

    /// <summary>
    /// When the process started, in clock ticks since boot (field 22, <c>starttime</c>, of <c>/proc/&lt;pid&gt;/stat</c>);
    /// with <see cref="BootId"/> it tells a reused pid from the recorder. 0 when unreadable.
    /// </summary>
    public long ProcessStartTicks { get; set; }

    /// <summary>The kernel's boot id (<c>/proc/sys/kernel/random/boot_id</c>); "" when unreadable.</summary>
    public string BootId { get; set; } = "";

    /// <summary>The identity of the calling process.</summary>
    public static RecorderIdentity Current() => new()
    {
        Host = Environment.MachineName,
        ProcessId = Environment.ProcessId,
        ProcessStartTicks = StartTicksOf(Environment.ProcessId, "/proc") ?? 0,
        BootId = ReadBootId("/proc"),
    };

    /// <summary>
    /// Whether the recorder named by this identity is still running, as seen from this machine.
    /// </summary>
    /// <param name="procRoot">The proc file system to read (<c>/proc</c>; tests give a folder shaped like it).</param>
    /// <param name="hostName">This machine's host name (default <see cref="Environment.MachineName"/>).</param>
    public RecorderLiveness Check(string procRoot = "/proc", string? hostName = null)
    {
        hostName ??= Environment.MachineName;
        if (!string.Equals(Host, hostName, StringComparison.OrdinalIgnoreCase))
            return RecorderLiveness.OtherHost;
        string boot = ReadBootId(procRoot);
        if (BootId.Length > 0 && boot.Length > 0 && !string.Equals(BootId, boot, StringComparison.Ordinal))
            return RecorderLiveness.Gone; // the machine rebooted since: nothing of the recorder survives
        if (ProcessId <= 0)
            return RecorderLiveness.Unknown;
        long? start = StartTicksOf(ProcessId, procRoot);
        if (start is null)
            return RecorderLiveness.Gone;
        if (ProcessStartTicks != 0 && start != ProcessStartTicks)
            return RecorderLiveness.Gone; // the pid was reused by a later process
        return RecorderLiveness.Running;
    }

    /// <summary>Field 22 (<c>starttime</c>) of <c>&lt;procRoot&gt;/&lt;pid&gt;/stat</c>; null when the process does not exist
    /// or has ended and only waits to be reaped (a zombie, state Z or X: where no init reaps orphans, as in some
    /// containers, a recorder that ended stays one).</summary>
    internal static long? StartTicksOf(int pid, string procRoot)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // FileNotFound / DirectoryNotFound: no such process (ESRCH reads as an IOException too)
        }
        return ParseStartTicks(text);
    }

    /// <summary>
    /// The <c>starttime</c> field of a <c>/proc/&lt;pid&gt;/stat</c> line. The command name (field 2) is in parentheses
    /// and may hold spaces and ')', so fields are counted from the last ')'. Null when the line is malformed or the
    /// process is a zombie (state Z or X).
    /// </summary>
    internal static long? ParseStartTicks(string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0)
            return null;
        // After ")": field 3 (state) is the first; starttime is field 22, the 20th from there.
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length > 0 && fields[0] is "Z" or "X")
            return null; // ended; only its exit status is left
        return fields.Length >= 20 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? ticks : null;
    }

    private static string ReadBootId(string procRoot)
    {
        try { return File.ReadAllText(Path.Combine(procRoot, "sys", "kernel", "random", "boot_id")).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}

/// <summary>What <see cref="RecorderIdentity.Check"/> finds out about a take's recorder.</summary>
public enum RecorderLiveness
{
    /// <summary>The recorder process is alive on this host (same pid, same start time, same boot).</summary>
    Running,
    /// <summary>The recorder process is gone: no such pid, the pid belongs to a later process, or the host rebooted.</summary>
    Gone,
    /// <summary>The take was recorded on another host; this one cannot tell.</summary>
    OtherHost,
    /// <summary>The identity is incomplete (no pid recorded).</summary>
    Unknown,
}
