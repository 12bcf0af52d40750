using PsCamSync.Core.Capture;

namespace PsCamSync.Core.Recording;

/// <summary>
/// What a session hands to a new recorder process (<c>&lt;id&gt;.start.json</c>, mode 0600): the take as the user asked
/// for it. The recorder opens the cameras and builds the schedule itself, so a lead counts from when its cameras are open.
/// </summary>
public sealed class RecorderStartRequest
{
    /// <summary>Take id (<see cref="HostTakeDirectory.NewId"/>).</summary>
    public string Id { get; set; } = "";

    /// <summary>The host's take folder (<see cref="HostTakeDirectory.Path"/>).</summary>
    public string RuntimeDirectory { get; set; } = "";

    /// <summary>Take folder to create, absolute.</summary>
    public string TakePath { get; set; } = "";

    /// <summary>The cameras, checked (<see cref="CameraSelection.CheckRequests"/>).</summary>
    public List<CameraRequest> Cameras { get; set; } = new();

    /// <summary>Rate, start, length, encoder, memory and exposure, as the user gave them.</summary>
    public CapturePlan Plan { get; set; } = new();

    /// <summary>The model of simulated cameras in the starting session (<see cref="Cameras.Simulated.SimulatedModel.Current"/>:
    /// what <c>Get-SyncCamera -ReadoutUs/-TransferUs/-TriggerOverlap</c> set there), so the recorder opens its simulated
    /// cameras as the session would; null for the defaults.</summary>
    public Cameras.Simulated.SimulatedModel? SimulatedModel { get; set; }
}
