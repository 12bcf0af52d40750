using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>Everything a take needs besides its cameras.</summary>
public sealed class CaptureOptions
{
    /// <summary>The frame grid on the shared timeline.</summary>
    public required FrameSchedule Schedule { get; init; }

    /// <summary>Take folder to create; must not exist, its parent must be writable.</summary>
    public required string Path { get; init; }

    /// <summary>Video encoder (default: built-in lossless Y4M).</summary>
    public VideoEncoder Encoder { get; init; } = VideoEncoder.Y4M;

    /// <summary>ffmpeg executable for the FFmpeg encoders (default "ffmpeg" on PATH).</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>RAM for all frame rings together, bytes; null = use <see cref="BufferSeconds"/>.</summary>
    public long? BufferMemoryBytes { get; init; }

    /// <summary>The default <see cref="BufferSeconds"/>: 2 s of frames per camera.</summary>
    public const double DefaultBufferSeconds = 2.0;

    /// <summary>Ring depth in seconds of frames per camera when <see cref="BufferMemoryBytes"/> is null (default <see cref="DefaultBufferSeconds"/>).</summary>
    public double BufferSeconds { get; init; } = DefaultBufferSeconds;

    /// <summary>Exposure to set, µs; null keeps each camera's current exposure.</summary>
    public double? ExposureUs { get; init; }

    /// <summary>
    /// A trigger later than this after Tn is skipped and recorded as late, ns; null = a quarter period (later than that, firing would
    /// crowd the next trigger). Every trigger time is recorded, so the skew report shows any lateness below it.
    /// </summary>
    public long? LateToleranceNs { get; init; }

    /// <summary>
    /// Timestamp-latch samples per camera taken just before the take to fit its clock model (recorded in take.json and
    /// used by the analysis to map device timestamps onto the shared timeline); 0 skips it. Default 10, 2 ms apart.
    /// </summary>
    public int ClockModelSamples { get; init; } = 10;

    /// <summary>What the trigger thread asks of the OS.</summary>
    public TriggerTimerOptions Timer { get; init; } = new();

    /// <summary>
    /// Backends through which a camera that stopped answering is reopened (see <see cref="CameraLossRule"/>): the one
    /// whose name is the camera's backend. Null (default): the standard backend of that name
    /// (<see cref="Cameras.CameraBackends.Create"/>).
    /// </summary>
    public IReadOnlyList<Cameras.ICameraBackend>? Backends { get; init; }

    /// <summary>How frames are started; null (default) = the best mode every camera supports (<see cref="TriggerModeChoice"/>).</summary>
    public Cameras.SyncTriggerMode? TriggerMode { get; init; }

    /// <summary>Network interface (e.g. <c>eth1</c>, <c>lo</c>) whose subnet broadcast carries the take's ACTION_CMDs; null = the
    /// interface whose IPv4 subnet holds the first camera's GVCP address.</summary>
    public string? ActionInterface { get; init; }

    /// <summary>UDP port the ACTION_CMDs go to; null = 3956 (GigE Vision's GVCP port, where every camera listens).</summary>
    public int? ActionPort { get; init; }

    /// <summary>ptp4l's management socket, read for the domain's timescale (timePropertiesDS) when scheduled actions need it;
    /// null = the default path when it exists.</summary>
    public string? PtpSocketPath { get; init; }

    /// <summary>Take name recorded in the manifest; default: the folder name.</summary>
    public string? Name { get; init; }
}
