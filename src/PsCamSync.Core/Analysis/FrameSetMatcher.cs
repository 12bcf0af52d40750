using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Analysis;

/// <summary>One frame set: per camera the row index into <see cref="CameraData.Rows"/>, or -1 when it has none.</summary>
/// <param name="Index">The schedule index (by-index matching) or the reference camera's row index field.</param>
/// <param name="Rows">Per camera, in <see cref="TakeData.Cameras"/> order.</param>
internal readonly record struct FrameSet(long Index, int[] Rows);

/// <summary>Groups the rows of several cameras into frame sets.</summary>
internal static class FrameSetMatcher
{
    /// <summary>
    /// One set per schedule index that any camera has a row for: the rows with that <c>frame_index</c>. Rows with a
    /// negative index are left out; when an index repeats, its first row is used. Both are reported in
    /// <paramref name="faults"/>.
    /// </summary>
    public static List<FrameSet> ByIndex(IReadOnlyList<CameraData> cameras, List<string> faults)
    {
        var maps = cameras.Select(c => RowsByIndex(c, faults)).ToArray();
        var indexes = new SortedSet<long>(maps.SelectMany(m => m.Keys));
        var sets = new List<FrameSet>(indexes.Count);
        foreach (long n in indexes)
        {
            var rows = new int[cameras.Count];
            for (int c = 0; c < cameras.Count; c++)
                rows[c] = maps[c].TryGetValue(n, out int row) ? row : -1;
            sets.Add(new FrameSet(n, rows));
        }
        return sets;
    }

    /// <summary>The rows of one camera by schedule index (first row of each index; negative indexes left out).</summary>
    public static Dictionary<long, int> RowsByIndex(CameraData camera, List<string>? faults)
    {
        var map = new Dictionary<long, int>(camera.Rows.Length);
        long repeated = 0, unindexed = 0;
        for (int i = 0; i < camera.Rows.Length; i++)
        {
            long n = camera.Rows[i].FrameIndex;
            if (n < 0)
                unindexed++;
            else if (!map.TryAdd(n, i))
                repeated++;
        }
        if (faults is not null && repeated > 0)
            faults.Add($"{camera.Label}: {repeated} rows of {Path.GetFileName(camera.FramesPath)} repeat a frame index; the first row of each index was used.");
        if (faults is not null && unindexed > 0)
            faults.Add($"{camera.Label}: {unindexed} rows of {Path.GetFileName(camera.FramesPath)} have no schedule index and were left out; analyse with -MatchBy NearestDeviceTimestamp.");
        return map;
    }

    /// <summary>
    /// Matching for cameras without a usable schedule index. The first camera is the reference: each of its rows with
    /// a device timestamp makes one set, and every other camera contributes the row whose device timestamp is nearest
    /// to it, when that is within half a period (|Δ| ≤ PeriodNs / 2; on a tie the earlier row). A row of another camera
    /// may serve two reference rows only when it sits exactly half way. Meaningful when the device clocks share a
    /// timeline (PTP-synchronised cameras); rows without a device timestamp take part in no set.
    /// </summary>
    public static List<FrameSet> ByNearestDeviceTimestamp(IReadOnlyList<CameraData> cameras, long periodNs, List<string> faults)
    {
        var sets = new List<FrameSet>();
        var reference = cameras[0];
        var sorted = cameras.Select(SortedByDeviceTime).ToArray();
        if (sorted[0].Length == 0)
        {
            faults.Add($"{reference.Label}: the reference camera of NearestDeviceTimestamp matching has no device timestamps; no frame sets were formed.");
            return sets;
        }
        long tolerance = periodNs / 2;
        for (int r = 0; r < reference.Rows.Length; r++)
        {
            long t = reference.Rows[r].DeviceTimestampNs;
            if (t == 0)
                continue;
            var rows = new int[cameras.Count];
            rows[0] = r;
            for (int c = 1; c < cameras.Count; c++)
                rows[c] = Nearest(sorted[c], t, tolerance);
            sets.Add(new FrameSet(reference.Rows[r].FrameIndex, rows));
        }
        return sets;
    }

    /// <summary>(device timestamp, row) of the rows that have one, ascending.</summary>
    public static (long Time, int Row)[] SortedByDeviceTime(CameraData camera)
    {
        var list = new List<(long Time, int Row)>(camera.Rows.Length);
        for (int i = 0; i < camera.Rows.Length; i++)
            if (camera.Rows[i].DeviceTimestampNs != 0)
                list.Add((camera.Rows[i].DeviceTimestampNs, i));
        list.Sort();
        return list.ToArray();
    }

    private static int Nearest((long Time, int Row)[] sorted, long t, long tolerance)
    {
        if (sorted.Length == 0)
            return -1;
        int lo = 0, hi = sorted.Length; // first element with Time >= t
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid].Time < t) lo = mid + 1; else hi = mid;
        }
        int best = -1;
        long bestDistance = long.MaxValue;
        if (lo > 0 && t - sorted[lo - 1].Time <= tolerance)
            (best, bestDistance) = (lo - 1, t - sorted[lo - 1].Time);
        if (lo < sorted.Length && sorted[lo].Time - t <= tolerance && sorted[lo].Time - t < bestDistance)
            best = lo;
        return best < 0 ? -1 : sorted[best].Row;
    }
}
