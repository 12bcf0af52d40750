using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Recording;

/// <summary>Where a take registered on this host is in its life, as its entry says.</summary>
public enum RecorderPhase
{
    /// <summary>Registered; the recorder is opening the cameras and starting the take.</summary>
    Starting,
    /// <summary>The take is recording (or counting down to T0).</summary>
    Recording,
    /// <summary>The take could not start; <see cref="HostTakeEntry.StartError"/> says why. Nothing was recorded.</summary>
    StartFailed,
    /// <summary>The take is finalised; <see cref="HostTakeEntry.FinalState"/> says how it ended.</summary>
    Ended,
}

/// <summary>
/// One take registered on this host (<c>&lt;id&gt;.json</c> in the <see cref="HostTakeDirectory"/>): written by the
/// session that starts it, then kept up to date by the process that records it. Plain JSON; any session of the same
/// user reads it to find, follow and stop the take.
/// </summary>
public sealed class HostTakeEntry
{
    /// <summary>Take id, unique on the host (<see cref="HostTakeDirectory.NewId"/>).</summary>
    public string Id { get; set; } = "";

    /// <summary>Take name (Stop-SyncCapture -Name matches it).</summary>
    public string Name { get; set; } = "";

    /// <summary>Take folder, absolute.</summary>
    public string TakePath { get; set; } = "";

    /// <summary>The cameras the take holds: as requested until it started, then as opened (canonical backend and id).</summary>
    public List<CameraRequest> Cameras { get; set; } = new();

    /// <summary>Serial numbers of the cameras held, once started (a camera may be asked for by serial).</summary>
    public List<string> HeldSerials { get; set; } = new();

    /// <summary>Transport addresses of the cameras held, once started (a camera may be asked for by address).</summary>
    public List<string> HeldAddresses { get; set; } = new();

    /// <summary>True when the take records inside the session's own process (<c>Start-SyncCapture -InProcess</c>): it
    /// ends with that process.</summary>
    public bool InProcess { get; set; }

    /// <summary>Where the take is in its life.</summary>
    public RecorderPhase Phase { get; set; }

    /// <summary>The process that registered the take (the starting session's).</summary>
    public RecorderIdentity? Launcher { get; set; }

    /// <summary>The process that records the take, once it runs; null before.</summary>
    public RecorderIdentity? Recorder { get; set; }

    /// <summary>Control socket (mode 0600) while the recorder runs.</summary>
    public string SocketPath { get; set; } = "";

    /// <summary>When the entry was created, ns on the shared timeline.</summary>
    public long CreatedNs { get; set; }

    /// <summary>T0 of the schedule, ns on the shared timeline; 0 until the take started.</summary>
    public long StartNs { get; set; }

    /// <summary>Frame period, ns; 0 until the take started.</summary>
    public long PeriodNs { get; set; }

    /// <summary>How the take ended, once <see cref="Phase"/> is <see cref="RecorderPhase.Ended"/>.</summary>
    public TakeState? FinalState { get; set; }

    /// <summary>Why the final <c>take.json</c> could not be written, when it could not.</summary>
    public string? FinalManifestError { get; set; }

    /// <summary>Why the take could not start, when <see cref="Phase"/> is <see cref="RecorderPhase.StartFailed"/>.</summary>
    public RecorderError? StartError { get; set; }

    /// <summary>What the recorder process runs with (runtime settings), for the record.</summary>
    public string? RuntimeSettings { get; set; }
}
