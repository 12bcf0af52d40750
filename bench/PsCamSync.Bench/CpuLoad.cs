using System.Globalization;

namespace PsCamSync.Bench;

/// <summary>
/// How busy the machine was over a window, from two reads of the aggregate <c>cpu</c> line of /proc/stat
/// (user nice system idle iowait irq softirq steal ..., in clock ticks): busy = 1 − (idle + iowait) / total, and
/// steal = time the hypervisor ran something else on our virtual CPUs. Benchmarks print it beside each row, since
/// wake-up tails follow the load of the moment.
/// </summary>
internal readonly record struct CpuLoad(long Total, long Idle, long Steal)
{
    public static CpuLoad Read()
    {
        string line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        long[] v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new CpuLoad(v.Sum(), v[3] + v[4], v[7]);
    }

    /// <summary>The busy fraction (0 to 1) of all CPUs between two reads.</summary>
    public static double Busy(CpuLoad before, CpuLoad after) =>
        1 - (after.Idle - before.Idle) / (double)Math.Max(1, after.Total - before.Total);

    public static string Describe(CpuLoad before, CpuLoad after)
    {
        double total = Math.Max(1, after.Total - before.Total);
        double busy = 1 - (after.Idle - before.Idle) / total;
        double steal = (after.Steal - before.Steal) / total;
        return string.Create(CultureInfo.InvariantCulture, $"CPUs {busy:P0} busy, {steal:P1} stolen");
    }
}
