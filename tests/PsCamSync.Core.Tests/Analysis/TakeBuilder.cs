using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Analysis;

/// <summary>Writes a take folder with the real writers: take.json plus one frames table per camera.</summary>
public sealed class TakeBuilder
{
    public const long T0 = 1_790_000_000_000_000_000;
    public const long Period = 10_000_000; // 100 Hz

    public TakeManifest Manifest { get; } = new()
    {
        Name = "take-001",
        Host = "host-a",
        ModuleVersion = "0.1.0",
        Schedule = new FrameSchedule(T0, Period, 10, null),
        FirstFrameIndex = 0,
        EndFrameIndex = 10,
        State = TakeState.Completed,
    };

    private readonly List<(TakeCamera Camera, List<FrameRecord> Rows)> _cameras = new();

    /// <summary>Adds a camera whose rows are built from per-slot statuses and offsets from Tn.</summary>
    /// <param name="trigger">trigger − Tn per slot (ignored for TriggerLate, which has no trigger).</param>
    /// <param name="device">device timestamp − Tn per slot (ignored for TriggerLate and TriggerMissed).</param>
    /// <param name="clock">The camera's recorded clock model, or null.</param>
    public TakeBuilder Camera(string id, FrameStatus[] status, long[] trigger, long[] device, bool withIndex = true, CameraClockModel? clock = null)
    {
        var rows = new List<FrameRecord>();
        long video = 0;
        for (int n = 0; n < status.Length; n++)
        {
            long tn = T0 + n * Period;
            var s = status[n];
            bool triggered = s != FrameStatus.TriggerLate;
            bool arrived = s is FrameStatus.Captured or FrameStatus.Incomplete or FrameStatus.Dropped;
            bool written = s is FrameStatus.Captured or FrameStatus.Incomplete;
            rows.Add(new FrameRecord(withIndex ? n : -1, tn, triggered ? tn + trigger[n] : 0, arrived ? tn + device[n] : 0,
                arrived ? tn + 4_000_000 : 0, s, written ? video++ : -1));
        }
        var counts = new FrameCounts { Expected = status.Length };
        foreach (var s in status)
            counts.Add(s);
        var camera = new TakeCamera
        {
            Backend = "Simulated", Id = id, Width = 8, Height = 8, PixelFormat = "Mono8",
            FramesFile = TakeFolder.FileStem(id) + ".frames.csv", VideoFile = TakeFolder.FileStem(id) + ".y4m", Encoder = "Y4M",
            Counts = counts,
            ClockModel = clock,
        };
        _cameras.Add((camera, rows));
        return this;
    }

    /// <summary>Creates the folder <paramref name="path"/> and writes everything.</summary>
    public string Write(string path)
    {
        string folder = TakeFolder.Create(path);
        Manifest.Cameras.Clear();
        foreach (var (camera, rows) in _cameras)
        {
            Manifest.Cameras.Add(camera);
            using var writer = new FramesTableWriter(Path.Combine(folder, camera.FramesFile));
            foreach (var row in rows)
                writer.Write(row);
        }
        TakeFolder.WriteManifest(folder, Manifest);
        return folder;
    }
}
