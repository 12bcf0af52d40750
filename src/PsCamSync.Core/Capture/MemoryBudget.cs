using System.Globalization;

namespace PsCamSync.Core.Capture;

/// <summary>
/// How much RAM this process can still take, read before a take allocates (and mlockall locks) its frame rings.
/// </summary>
/// <param name="AvailableBytes">What the rings may be measured against, bytes: the least of
/// <see cref="MemAvailableBytes"/> and the room left in every memory cgroup above this process.</param>
/// <param name="MemAvailableBytes">MemAvailable of <c>/proc/meminfo</c>, bytes (the kernel's estimate of what can be
/// allocated without swapping).</param>
/// <param name="CgroupLimitBytes">The tightest memory cgroup limit found (v2 <c>memory.max</c> or v1
/// <c>memory.limit_in_bytes</c>), bytes; null when no level has a limit.</param>
/// <param name="CgroupRoomBytes">Room left under that limit: limit − (usage − inactive file cache), bytes; null without a limit.</param>
/// <param name="CgroupPath">The cgroup folder whose limit is the tightest, or null.</param>
public sealed record MemoryRoom(long AvailableBytes, long MemAvailableBytes, long? CgroupLimitBytes, long? CgroupRoomBytes, string? CgroupPath)
{
    /// <summary>One line for people: "2.8 GiB (MemAvailable 22.4 GiB; memory cgroup /sys/fs/cgroup/memory/x: limit 3 GiB, 2.8 GiB free)".</summary>
    public string Describe() => CgroupLimitBytes is long limit
        ? string.Create(CultureInfo.InvariantCulture,
            $"{MemoryBudget.Gib(AvailableBytes)} (MemAvailable {MemoryBudget.Gib(MemAvailableBytes)}; memory cgroup {CgroupPath}: limit {MemoryBudget.Gib(limit)}, {MemoryBudget.Gib(CgroupRoomBytes ?? 0)} free)")
        : string.Create(CultureInfo.InvariantCulture, $"{MemoryBudget.Gib(AvailableBytes)} (MemAvailable; no memory cgroup limit)");
}

/// <summary>
/// Checks frame-ring memory against the RAM this process can really get, before anything is allocated or locked:
/// rings larger than the RAM left would make mlockall'ed allocations fail, and the kernel kills (or the runtime
/// crashes) the whole pwsh process instead of the take failing with a message.
/// </summary>
/// <remarks>
/// The room is the least of MemAvailable (<c>/proc/meminfo</c>) and, for every memory cgroup from this process's own
/// up to the root, its limit minus its usage net of inactive file cache (reclaimable): cgroup v2 <c>memory.max</c>,
/// <c>memory.current</c>, <c>memory.stat inactive_file</c>; v1 <c>memory.limit_in_bytes</c>,
/// <c>memory.usage_in_bytes</c>, <c>memory.stat total_inactive_file</c>. The cgroup paths come from
/// <c>/proc/self/cgroup</c> (hybrid machines have both: v1 under <c>&lt;root&gt;/memory</c>, v2 under
/// <c>&lt;root&gt;/unified</c> or <c>&lt;root&gt;</c> itself). Frame rings may use at most <see cref="RingShare"/>
/// of the room: the rest is for the process itself (the runtime, encoders, page cache of the take's own files).
/// </remarks>
public static class MemoryBudget
{
    /// <summary>Share of the available RAM the frame rings may take: 0.75.</summary>
    public const double RingShare = 0.75;

    /// <summary>Reads the room of the calling process from <c>/proc</c> and <c>/sys/fs/cgroup</c>.</summary>
    public static MemoryRoom Read() => Read("/proc", "/sys/fs/cgroup");

    /// <summary>Reads the room from a proc and cgroup tree (tests give folders shaped like them).</summary>
    /// <param name="procRoot">Where <c>meminfo</c> and <c>self/cgroup</c> are.</param>
    /// <param name="cgroupRoot">Where the cgroup file systems are mounted.</param>
    public static MemoryRoom Read(string procRoot, string cgroupRoot)
    {
        long memAvailable = ReadMemAvailable(Path.Combine(procRoot, "meminfo")) ?? long.MaxValue;
        long? bestLimit = null, bestRoom = null;
        string? bestPath = null;
        foreach (var (folder, v2) in CgroupFolders(Path.Combine(procRoot, "self", "cgroup"), cgroupRoot))
        {
            long? limit = ReadLimit(Path.Combine(folder, v2 ? "memory.max" : "memory.limit_in_bytes"));
            if (limit is not long l)
                continue;
            long usage = ReadNumber(Path.Combine(folder, v2 ? "memory.current" : "memory.usage_in_bytes")) ?? 0;
            long inactive = ReadStat(Path.Combine(folder, "memory.stat"), v2 ? "inactive_file" : "total_inactive_file") ?? 0;
            long room = Math.Max(0, l - Math.Max(0, usage - inactive));
            if (bestRoom is null || room < bestRoom)
            {
                bestRoom = room;
                bestLimit = l;
                bestPath = folder;
            }
        }
        long available = Math.Min(memAvailable, bestRoom ?? long.MaxValue);
        return new MemoryRoom(available, memAvailable == long.MaxValue ? 0 : memAvailable, bestLimit, bestRoom, bestPath);
    }

    /// <summary>The largest ring memory <paramref name="room"/> allows, bytes.</summary>
    public static long MaxRingBytes(MemoryRoom room) => (long)(room.AvailableBytes * RingShare);

    /// <summary>
    /// Rejects a <c>-BufferMemory</c> (or rings sized by time) that the RAM left cannot hold.
    /// </summary>
    /// <param name="ringBytes">Ring memory asked for, bytes: the -BufferMemory given, or what the rings will allocate.</param>
    /// <param name="given">True when <paramref name="ringBytes"/> is the user's -BufferMemory; false when it is the
    /// rings' size from the default buffer time.</param>
    /// <param name="room">The room, from <see cref="Read()"/>.</param>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName <c>BufferMemory</c>: too large; the message says how much
    /// RAM is available and suggests a value.</exception>
    public static void CheckRings(long ringBytes, bool given, MemoryRoom room)
    {
        ArgumentNullException.ThrowIfNull(room);
        long max = MaxRingBytes(room);
        if (ringBytes <= max)
            return;
        long suggestMb = Math.Max(1, room.AvailableBytes / 2 / 1_000_000);
        string what = given
            ? string.Create(CultureInfo.InvariantCulture, $"{ringBytes} bytes ({Gib(ringBytes)}) of frame buffers")
            : string.Create(CultureInfo.InvariantCulture, $"the default frame buffers (2 s of frames per camera) take {ringBytes} bytes ({Gib(ringBytes)}), which");
        throw new InvalidCaptureArgumentException("BufferMemory", string.Create(CultureInfo.InvariantCulture,
            $"{what} do not fit in RAM: this process can get {room.Describe()}, and the frame buffers may use at most {RingShare:P0} of it ({Gib(max)}), locked in RAM. Give a smaller -BufferMemory, e.g. -BufferMemory {suggestMb}MB, or free memory."));
    }

    internal static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB");

    /// <summary>The memory cgroup folders of this process, its own first, then each parent up to the mount's root.</summary>
    private static IEnumerable<(string Folder, bool V2)> CgroupFolders(string selfCgroup, string cgroupRoot)
    {
        string[] lines;
        try { lines = File.ReadAllLines(selfCgroup); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (var line in lines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            bool v2 = parts[0] == "0" && parts[1].Length == 0;
            bool v1Memory = parts[1].Split(',').Contains("memory");
            if (!v2 && !v1Memory)
                continue;
            string? mount = v2
                ? (File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers")) ? cgroupRoot
                    : Directory.Exists(Path.Combine(cgroupRoot, "unified")) ? Path.Combine(cgroupRoot, "unified") : null)
                : Path.Combine(cgroupRoot, "memory");
            if (mount is null || !Directory.Exists(mount))
                continue;
            string relative = parts[2].Trim('/');
            string folder = Path.Combine(mount, relative);
            // Inside a cgroup namespace the path may not be visible under the mount: then the mount is our cgroup.
            if (!Directory.Exists(folder))
                folder = mount;
            for (string? f = folder; f is not null && f.Length >= mount.Length; f = Path.GetDirectoryName(f))
                yield return (f, v2);
        }
    }

    private static long? ReadMemAvailable(string meminfo)
    {
        try
        {
            foreach (var line in File.ReadLines(meminfo))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    continue;
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb))
                    return kb * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>A limit file: a number, or "max" (v2) / a value near 2^63 (v1, no limit), both read as null.</summary>
    private static long? ReadLimit(string file)
    {
        long? value = ReadNumber(file);
        return value is long v && v < (1L << 62) ? v : null;
    }

    private static long? ReadNumber(string file)
    {
        try
        {
            string text = File.ReadAllText(file).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static long? ReadStat(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                int space = line.IndexOf(' ');
                if (space > 0 && line.AsSpan(0, space).SequenceEqual(key) &&
                    long.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long v))
                    return v;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}
