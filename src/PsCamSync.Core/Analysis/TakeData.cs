using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Analysis;

/// <summary>One camera of one take folder, read back for analysis.</summary>
internal sealed class CameraData
{
    public required string Take { get; init; }
    public required string Host { get; init; }
    public required TakeState State { get; init; }
    public required TakeCamera Info { get; init; }
    public required string FramesPath { get; init; }
    public required FrameRecord[] Rows { get; init; }
    public required bool TornLastRow { get; init; }
    /// <summary>First schedule index the folder's host scheduled.</summary>
    public required long FirstIndex { get; init; }
    /// <summary>One past the last index the folder's host scheduled.</summary>
    public required long EndIndex { get; init; }

    public string Label => $"{Host} {Take} {Info.Id}";
}

/// <summary>Take folders read back: their manifests and every camera's frames table.</summary>
internal sealed class TakeData
{
    public required IReadOnlyList<(string Path, TakeManifest Manifest)> Folders { get; init; }
    /// <summary>Per folder (same order): the state the analysis reports (<see cref="TakeState.Crashed"/> for a
    /// Recording take whose recorder is gone), what it found out about the recorder, and the end index it uses.</summary>
    public required IReadOnlyList<(TakeState State, RecorderLiveness? Recorder, long EndIndex)> Status { get; init; }
    public required IReadOnlyList<CameraData> Cameras { get; init; }
    public required long PeriodNs { get; init; }

    /// <summary>
    /// Reads every folder's <c>take.json</c> and frames tables. The folders must share one schedule grid
    /// (StartNs and PeriodNs); each must be given once.
    /// </summary>
    /// <exception cref="TakeFolderException">A folder or table is unreadable, has no schedule, or the grids differ.</exception>
    public static TakeData Load(IReadOnlyList<string> takePaths)
    {
        var folders = new List<(string Path, TakeManifest Manifest)>();
        foreach (string given in takePaths)
        {
            string path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(given));
            if (folders.Any(f => f.Path == path))
                throw new TakeFolderException(path, $"the take folder '{path}' was given twice; give each host's folder once.");
            var manifest = TakeFolder.ReadManifest(path);
            if (manifest.Schedule is null)
                throw new TakeFolderException(path, $"the take '{manifest.Name}' in '{path}' has no schedule in its {TakeFolder.ManifestFileName}; it cannot be analysed.");
            folders.Add((path, manifest));
        }

        var (firstPath, first) = folders[0];
        foreach (var (path, m) in folders.Skip(1))
        {
            if (m.Schedule!.StartNs != first.Schedule!.StartNs || m.Schedule.PeriodNs != first.Schedule.PeriodNs)
                throw new TakeFolderException(path,
                    $"'{path}' (host {m.Host}) is not of the same shoot as '{firstPath}' (host {first.Host}): its schedule has " +
                    $"StartNs={m.Schedule.StartNs}, PeriodNs={m.Schedule.PeriodNs}, the first folder's StartNs={first.Schedule.StartNs}, " +
                    $"PeriodNs={first.Schedule.PeriodNs}. Analyse takes of one shoot together.");
        }

        var cameras = new List<CameraData>();
        var status = new List<(TakeState, RecorderLiveness?, long)>();
        foreach (var (path, m) in folders)
        {
            long end = m.EndFrameIndex > m.FirstFrameIndex ? m.EndFrameIndex : m.Schedule!.EndIndex;
            var tables = new List<(TakeCamera Camera, string Path, FramesTable Table)>();
            foreach (var camera in m.Cameras)
            {
                if (string.IsNullOrEmpty(camera.FramesFile))
                    throw new TakeFolderException(path, $"camera '{camera.Id}' of '{path}' names no frames table (FramesFile) in {TakeFolder.ManifestFileName}.");
                string framesPath = Path.Combine(path, camera.FramesFile);
                tables.Add((camera, framesPath, FramesTableReader.ReadTable(framesPath)));
            }
            var state = m.State;
            RecorderLiveness? liveness = null;
            if (m.State == TakeState.Recording)
            {
                liveness = m.Recorder?.Check();
                if (liveness == RecorderLiveness.Gone)
                    state = TakeState.Crashed;
                if (liveness is RecorderLiveness.Gone or RecorderLiveness.Running)
                {
                    // Crashed or still recording: its slots are those with rows so far, and the counts are rebuilt from
                    // them. (Without a known recorder the whole schedule stays expected, as before.)
                    long lastRow = tables.SelectMany(t => t.Table.Rows).Select(r => r.FrameIndex + 1).DefaultIfEmpty(m.FirstFrameIndex).Max();
                    end = Math.Clamp(lastRow, m.FirstFrameIndex, end);
                }
            }
            status.Add((state, liveness, end));
            foreach (var (camera, framesPath, table) in tables)
            {
                cameras.Add(new CameraData
                {
                    Take = m.Name,
                    Host = m.Host,
                    State = state,
                    Info = camera,
                    FramesPath = framesPath,
                    Rows = table.Rows.ToArray(),
                    TornLastRow = table.TornLastRow,
                    FirstIndex = m.FirstFrameIndex,
                    EndIndex = end,
                });
            }
        }
        return new TakeData { Folders = folders, Status = status, Cameras = cameras, PeriodNs = first.Schedule!.PeriodNs };
    }
}
