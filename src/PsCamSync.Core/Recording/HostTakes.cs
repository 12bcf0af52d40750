using System.Text.Json;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Recording;

/// <summary>
/// A take registered on this host as a session sees it now: its entry, whether its recorder is alive, its progress
/// while it records and its manifest once it has ended (or crashed).
/// </summary>
public sealed class HostTakeStatus
{
    internal HostTakeStatus(HostTakeEntry entry, bool isLive, TakeState state, CaptureProgress? progress, TakeManifest? manifest, string? problem)
    {
        Entry = entry;
        IsLive = isLive;
        State = state;
        Progress = progress;
        Manifest = manifest;
        Problem = problem;
    }

    /// <summary>The take's entry.</summary>
    public HostTakeEntry Entry { get; }

    /// <summary>True while its recorder process runs (starting or recording).</summary>
    public bool IsLive { get; }

    /// <summary>Recording while live; else how it ended: Completed, Stopped, Faulted, or Crashed when the recorder died
    /// without finalising it (its take.json still says Recording).</summary>
    public TakeState State { get; }

    /// <summary>Progress from the recorder while live; null otherwise (or when it did not answer).</summary>
    public CaptureProgress? Progress { get; }

    /// <summary>The take's take.json once ended: for a crashed take, with State Crashed, the end index and the counts
    /// rebuilt from its frames tables. Null while live, or when the folder cannot be read (see <see cref="Problem"/>).</summary>
    public TakeManifest? Manifest { get; }

    /// <summary>What could not be found out (the folder is gone, the recorder did not answer), else null.</summary>
    public string? Problem { get; }
}

/// <summary>Finds the takes registered on this host and what became of them.</summary>
public static class HostTakes
{
    /// <summary>How long a status request may take before the recorder counts as not answering: 2 s.</summary>
    public static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a take may stay Starting while its launcher lives: 120 s (opening cameras, allocating rings).</summary>
    public static readonly TimeSpan StartingLimit = TimeSpan.FromSeconds(120);

    /// <summary>Whether the process behind <paramref name="entry"/> is alive: the recorder once it runs; before that, the
    /// session that registered it, for at most <see cref="StartingLimit"/>.</summary>
    public static bool IsLive(HostTakeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Phase is RecorderPhase.Ended or RecorderPhase.StartFailed)
            return false;
        if (entry.Recorder is { } recorder)
            return recorder.Check() == RecorderLiveness.Running;
        return entry.Launcher?.Check() == RecorderLiveness.Running &&
               SharedTimeline.NowNs() - entry.CreatedNs < StartingLimit.Ticks * TimeSpan.NanosecondsPerTick;
    }

    /// <summary>The live take on this host that holds camera <paramref name="key"/> (id, serial or address) of
    /// <paramref name="backend"/> (null: any backend), or null.</summary>
    public static HostTakeEntry? HolderOf(IEnumerable<HostTakeEntry> entries, string? backend, string key)
    {
        foreach (var entry in entries)
        {
            bool held = entry.Cameras.Any(c => string.Equals(c.Id, key, StringComparison.OrdinalIgnoreCase) &&
                                               (backend is null || c.Backend is null || string.Equals(c.Backend, backend, StringComparison.OrdinalIgnoreCase)))
                        || entry.HeldSerials.Contains(key, StringComparer.Ordinal)
                        || entry.HeldAddresses.Contains(key, StringComparer.Ordinal);
            if (held && IsLive(entry))
                return entry;
        }
        return null;
    }

    /// <summary>
    /// Refuses cameras that a live take on this host holds, in this process or another.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName <c>CameraId</c>: the message names the take that
    /// holds the camera, its folder, its recorder and how to stop it.</exception>
    public static void CheckCamerasFree(HostTakeDirectory directory, IEnumerable<CameraRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var entries = directory.ReadAll();
        foreach (var r in requests)
        {
            if (HolderOf(entries, r.Backend, r.Id) is { } holder)
            {
                string who = holder.InProcess
                    ? $"inside the session process {holder.Recorder?.ProcessId ?? holder.Launcher?.ProcessId}"
                    : $"in recorder process {holder.Recorder?.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(starting)"}";
                throw new InvalidCaptureArgumentException("CameraId",
                    $"camera '{r.Id}' is recording in take '{holder.Name}' ({holder.TakePath}) on this host, {who}; a camera records in one take at a time. Stop that take first (Stop-SyncCapture -Name '{holder.Name}' -Wait) or choose another camera.");
            }
        }
    }

    /// <summary>
    /// What became of <paramref name="entry"/>: asks its recorder for progress while it lives, else reads its take folder.
    /// </summary>
    /// <param name="entry">The take's entry.</param>
    public static HostTakeStatus Describe(HostTakeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (IsLive(entry))
        {
            if (entry.SocketPath.Length == 0)
                return new HostTakeStatus(entry, true, TakeState.Recording, null, null, null);
            try
            {
                var reply = RecorderClient.Send(entry.SocketPath, new RecorderRequest { Op = RecorderOperation.Status }, StatusTimeout);
                if (reply is not null && reply.Phase is RecorderPhase.Starting or RecorderPhase.Recording)
                    return new HostTakeStatus(entry, true, reply.Progress?.State ?? TakeState.Recording, reply.Progress, null, null);
                if (reply is null && IsLive(entry))
                    return new HostTakeStatus(entry, true, TakeState.Recording, null, null, "the recorder runs but its control socket does not answer");
            }
            catch (PsCamSyncException e)
            {
                return new HostTakeStatus(entry, true, TakeState.Recording, null, null, e.Message);
            }
            // It ended between the two looks: read what it left.
        }
        if (entry.Phase == RecorderPhase.StartFailed)
            return new HostTakeStatus(entry, false, TakeState.Faulted, null, null, entry.StartError?.Message ?? "the take did not start");
        try
        {
            var (state, manifest) = ReadEnded(entry);
            return new HostTakeStatus(entry, false, state, null, manifest, null);
        }
        catch (TakeFolderException e)
        {
            var state = entry.FinalState ?? TakeState.Crashed;
            return new HostTakeStatus(entry, false, state, null, null, e.Message);
        }
    }

    /// <summary>
    /// The manifest a take left once its recorder is gone: take.json as written, or, when it still says Recording
    /// (the recorder died without finalising: SIGKILL, power), a copy with State Crashed whose end index and counts are
    /// rebuilt from the frames tables (each row is one slot with its final status).
    /// </summary>
    /// <exception cref="TakeFolderException">The folder, its take.json or a frames table cannot be read.</exception>
    public static (TakeState State, TakeManifest Manifest) ReadEnded(HostTakeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var manifest = TakeFolder.ReadManifest(entry.TakePath);
        if (manifest.State != TakeState.Recording)
            return (manifest.State, manifest);
        return (TakeState.Crashed, RebuildCrashed(entry.TakePath, manifest));
    }

    /// <summary>A copy of a crashed take's <paramref name="manifest"/> with State Crashed and what its frames tables hold.</summary>
    /// <exception cref="TakeFolderException">A frames table cannot be read.</exception>
    public static TakeManifest RebuildCrashed(string takePath, TakeManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var copy = JsonSerializer.Deserialize<TakeManifest>(JsonSerializer.Serialize(manifest, TakeJson.Options), TakeJson.Options)!;
        long end = copy.FirstFrameIndex;
        foreach (var camera in copy.Cameras)
        {
            var counts = new FrameCounts();
            if (!string.IsNullOrEmpty(camera.FramesFile))
            {
                foreach (var row in FramesTableReader.Read(Path.Combine(takePath, camera.FramesFile)))
                {
                    counts.Add(row.Status);
                    end = Math.Max(end, row.FrameIndex + 1);
                }
            }
            counts.Expected = counts.Accounted;
            camera.Counts = counts;
        }
        copy.EndFrameIndex = end;
        copy.State = TakeState.Crashed;
        copy.StopReason ??= "the recorder process ended without finalising the take (killed, or the host lost power); counts rebuilt from the frames tables";
        return copy;
    }
}
