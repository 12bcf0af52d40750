namespace PsCamSync.Core.Capture;

/// <summary>
/// What a host offers a take, as measured (or read) by <see cref="CaptureBudgetProbes"/>, and where each number came
/// from. <see cref="CaptureBudget.Evaluate"/> weighs a plan against it; tests give it numbers directly.
/// </summary>
public sealed record CaptureBudgetMeasurements
{
    /// <summary>Sequential write throughput of the take path's disk (with fsync), bytes/s; null when not measured.</summary>
    public double? DiskWriteBytesPerSecond { get; init; }

    /// <summary>Where <see cref="DiskWriteBytesPerSecond"/> came from, or why it is missing.</summary>
    public string DiskNote { get; init; } = "not measured";

    /// <summary>Free bytes on the take path's file system (<see cref="Takes.DiskSpace.FreeBytes"/>); null when unreadable.</summary>
    public long? FreeBytes { get; init; }

    /// <summary>Largest ring memory this process may take (<see cref="MemoryBudget.MaxRingBytes"/>), bytes; null to leave
    /// memory out (a take that started has checked its rings itself).</summary>
    public long? MaxRingBytes { get; init; }

    /// <summary>Where <see cref="MaxRingBytes"/> came from (<see cref="MemoryRoom.Describe"/>).</summary>
    public string MemoryNote { get; init; } = "";

    /// <summary>Raw frame bytes per second the plan's ffmpeg encoders took together, one process per camera as in a take,
    /// bytes/s; null when not measured (and for Y4M, which has no encoder process).</summary>
    public double? EncoderBytesPerSecond { get; init; }

    /// <summary>Mean bytes of one encoded frame in the measured run's output files, bytes; null when not measured.</summary>
    public double? EncodedBytesPerFrame { get; init; }

    /// <summary>Where the encoder numbers came from, or why they are missing.</summary>
    public string EncoderNote { get; init; } = "not measured";

    /// <summary>The encoder could not run at all (e.g. ffmpeg missing, no NVIDIA GPU for hevc_nvenc): the message.</summary>
    public string? EncoderError { get; init; }

    /// <summary>The disk throughput measured in this run, for <see cref="CaptureBudgetCache.Save"/>; null when it came from the cache or failed.</summary>
    public CachedDiskThroughput? MeasuredDisk { get; init; }

    /// <summary>The encoder throughput measured in this run, for <see cref="CaptureBudgetCache.Save"/>; null when not measured.</summary>
    public CachedEncoderThroughput? MeasuredEncoder { get; init; }

    /// <summary>One entry per camera that has a link (<see cref="CaptureLinkKind.GigE"/> or <see cref="CaptureLinkKind.Usb3"/>).</summary>
    public IReadOnlyList<CameraLink> Links { get; init; } = Array.Empty<CameraLink>();
}

/// <summary>The link that carries one camera's frames.</summary>
/// <param name="CameraId">The camera.</param>
/// <param name="LinkName">The link: the network interface (<c>eth1</c>) for GigE, <c>USB3 &lt;camera&gt;</c> for USB3 (one link
/// per camera: a shared host controller is not seen).</param>
/// <param name="BytesPerSecond">Its bandwidth, bytes/s; null when unknown (the interface reports no speed).</param>
/// <param name="Note">Where the bandwidth came from: <c>/sys/class/net/eth1/speed</c>, USB3 nominal 5 Gb/s, or why it is unknown.</param>
public sealed record CameraLink(string CameraId, string LinkName, double? BytesPerSecond, string Note);
