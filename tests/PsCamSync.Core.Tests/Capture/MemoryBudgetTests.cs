using PsCamSync.Core.Capture;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>The RAM a take may use: MemAvailable and memory cgroup limits (v1 and v2), read from folders shaped like
/// /proc and /sys/fs/cgroup.</summary>
public class MemoryBudgetTests
{
    private const long GiB = 1L << 30;

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static (string Proc, string Cgroup) Tree(TempDirectory dir, long memAvailableKb, string selfCgroup)
    {
        string proc = dir.Combine("proc"), cgroup = dir.Combine("cgroup");
        Write(Path.Combine(proc, "meminfo"), $"MemTotal:       24000000 kB\nMemFree:        20000000 kB\nMemAvailable:   {memAvailableKb} kB\n");
        Write(Path.Combine(proc, "self", "cgroup"), selfCgroup);
        Directory.CreateDirectory(cgroup);
        return (proc, cgroup);
    }

    [Fact]
    public void V1_TheTightestLimitOnThePath_MinusUsageNetOfInactiveFileCache_IsTheRoom()
    {
        using var dir = new TempDirectory();
        var (proc, cg) = Tree(dir, 20L * 1024 * 1024, "9:name=systemd:/\n4:memory:/shoot/take\n0::/\n");
        string root = Path.Combine(cg, "memory");
        Write(Path.Combine(root, "memory.limit_in_bytes"), "9223372036854771712\n"); // no limit at the root
        Write(Path.Combine(root, "shoot", "memory.limit_in_bytes"), $"{3 * GiB}\n");
        Write(Path.Combine(root, "shoot", "memory.usage_in_bytes"), $"{GiB}\n");
        Write(Path.Combine(root, "shoot", "memory.stat"), $"cache 100\ntotal_inactive_file {GiB / 2}\n");
        Write(Path.Combine(root, "shoot", "take", "memory.limit_in_bytes"), $"{8 * GiB}\n");
        Write(Path.Combine(root, "shoot", "take", "memory.usage_in_bytes"), "0\n");

        var room = MemoryBudget.Read(proc, cg);

        Assert.Equal(3 * GiB, room.CgroupLimitBytes);
        Assert.Equal(3 * GiB - GiB / 2, room.CgroupRoomBytes);
        Assert.Equal(3 * GiB - GiB / 2, room.AvailableBytes);
        Assert.Equal(Path.Combine(root, "shoot"), room.CgroupPath);
        Assert.Equal(20L * GiB, room.MemAvailableBytes);
    }

    [Fact]
    public void V2_MemoryMax_Counts_AndMaxMeansNoLimit()
    {
        using var dir = new TempDirectory();
        var (proc, cg) = Tree(dir, 4L * 1024 * 1024, "0::/user.slice/pwsh.scope\n");
        Write(Path.Combine(cg, "cgroup.controllers"), "cpu memory pids\n");
        Write(Path.Combine(cg, "user.slice", "memory.max"), "max\n");
        Write(Path.Combine(cg, "user.slice", "pwsh.scope", "memory.max"), $"{2 * GiB}\n");
        Write(Path.Combine(cg, "user.slice", "pwsh.scope", "memory.current"), $"{GiB}\n");
        Write(Path.Combine(cg, "user.slice", "pwsh.scope", "memory.stat"), "anon 5\ninactive_file 0\n");

        var room = MemoryBudget.Read(proc, cg);

        Assert.Equal(2 * GiB, room.CgroupLimitBytes);
        Assert.Equal(GiB, room.AvailableBytes);
    }

    [Fact]
    public void WithoutACgroupLimit_MemAvailableIsTheRoom()
    {
        using var dir = new TempDirectory();
        var (proc, cg) = Tree(dir, 1024 * 1024, "4:memory:/\n");
        Write(Path.Combine(cg, "memory", "memory.limit_in_bytes"), "9223372036854771712\n");

        var room = MemoryBudget.Read(proc, cg);

        Assert.Null(room.CgroupLimitBytes);
        Assert.Equal(GiB, room.AvailableBytes);
        Assert.Contains("no memory cgroup limit", room.Describe());
    }

    [Fact]
    public void RingsBeyondThreeQuartersOfTheRoom_AreRefused_NamingBufferMemory_TheRoomAndAValue()
    {
        var room = new MemoryRoom(4 * GiB, 20 * GiB, 4 * GiB + 100, 4 * GiB, "/sys/fs/cgroup/memory/psc-x");
        MemoryBudget.CheckRings(3 * GiB, given: true, room); // exactly 75 %: fits

        var e = Assert.Throws<InvalidCaptureArgumentException>(() => MemoryBudget.CheckRings(3 * GiB + 1, given: true, room));
        Assert.Equal("BufferMemory", e.ParameterName);
        Assert.StartsWith("-BufferMemory: 3221225473 bytes (3 GiB) of frame buffers do not fit in RAM: this process can get 4 GiB", e.Message);
        Assert.Contains("memory cgroup /sys/fs/cgroup/memory/psc-x: limit 4 GiB", e.Message);
        Assert.Contains("-BufferMemory 2147MB", e.Message); // half the room, in whole MB
    }

    [Fact]
    public void ThisMachine_HasRoom_AndOnePetabyteIsRefused()
    {
        var room = MemoryBudget.Read();
        Assert.InRange(room.AvailableBytes, 1L << 20, long.MaxValue - 1);
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => MemoryBudget.CheckRings(1L << 50, given: true, room));
        Assert.Equal("BufferMemory", e.ParameterName);
    }
}
