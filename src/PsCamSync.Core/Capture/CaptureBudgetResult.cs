using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Capture;

/// <summary>Whether a take fits this host.</summary>
public enum CaptureBudgetVerdict
{
    /// <summary>Every resource has at least 20% headroom (<see cref="CaptureBudget.TightHeadroomPercent"/>).</summary>
    Fits,
    /// <summary>It fits, but some resource has under 20% headroom, or the writer falls behind and only the frame rings
    /// carry the take to its end: a busier moment may drop frames.</summary>
    Tight,
    /// <summary>Frames will be dropped (or the take cannot start): some resource is exceeded.</summary>
    DoesNotFit,
}

/// <summary>The resources a capture budget weighs.</summary>
public enum CaptureBudgetResource
{
    /// <summary>Sequential write throughput of the disk holding the take path, bytes/s.</summary>
    Disk,
    /// <summary>Free space on the take path's file system, bytes.</summary>
    DiskSpace,
    /// <summary>RAM for the frame rings, bytes (<see cref="MemoryBudget"/>).</summary>
    Memory,
    /// <summary>The ffmpeg encoders' throughput, raw input bytes/s (all cameras' encoders running together).</summary>
    Encoder,
    /// <summary>The bandwidth of the link that carries the cameras' frames to this host, bytes/s.</summary>
    Link,
}

/// <summary>One resource of a capture budget: what the plan needs against what this host has.</summary>
public sealed class CaptureBudgetRow
{
    internal CaptureBudgetRow(CaptureBudgetResource resource, string target, double required, double? available, string unit,
        CaptureBudgetVerdict verdict, string note)
    {
        Resource = resource;
        Target = target;
        Required = required;
        Available = available;
        Unit = unit;
        HeadroomPercent = available is double a && a > 0 ? (a - required) / a * 100 : available is null ? null : -100;
        Verdict = verdict;
        Note = note;
    }

    /// <summary>Which resource.</summary>
    public CaptureBudgetResource Resource { get; }

    /// <summary>What exactly: the take path's folder, the network interface, the encoder and frame sizes, "RAM".</summary>
    public string Target { get; }

    /// <summary>What the plan needs, in <see cref="Unit"/>.</summary>
    public double Required { get; }

    /// <summary>What this host has, in <see cref="Unit"/> (measured or read in this run, or from the cache of an earlier
    /// Test-CaptureBudget where <see cref="Note"/> says so); null when it could not be measured.</summary>
    public double? Available { get; }

    /// <summary>The unit of <see cref="Required"/> and <see cref="Available"/>: <c>bytes/s</c> or <c>bytes</c>.</summary>
    public string Unit { get; }

    /// <summary>(Available − Required) / Available × 100, percent; negative when the plan needs more than there is; null
    /// when <see cref="Available"/> is unknown.</summary>
    public double? HeadroomPercent { get; }

    /// <summary>This resource's own verdict; the worst row decides the result's.</summary>
    public CaptureBudgetVerdict Verdict { get; }

    /// <summary>How the numbers were obtained and what they mean (e.g. that the rings absorb a deficit).</summary>
    public string Note { get; }
}

/// <summary>
/// The answer of <see cref="CaptureBudget.Evaluate"/> (and Test-CaptureBudget): does the plan fit this host, what
/// limits it, and what to change. Plain data: it crosses Invoke-Command with its rows.
/// </summary>
public sealed class CaptureBudgetResult
{
    internal CaptureBudgetResult(string host, string path, CaptureBudgetVerdict verdict, CaptureBudgetResource bottleneck, string fix,
        IReadOnlyList<CaptureBudgetRow> rows, CaptureBudgetPlan plan)
    {
        Host = host;
        Path = path;
        Verdict = verdict;
        Bottleneck = bottleneck;
        Fix = fix;
        Rows = rows;
        Plan = plan.Describe();
        CameraCount = plan.Cameras.Count;
        FrameRateHz = plan.FrameRateHz;
        Duration = plan.Duration;
        Encoder = plan.Encoder;
        FrameCount = plan.FrameCount;
        InputBytesPerSecond = plan.InputBytesPerSecond;
        RingFrames = plan.RingFrames;
        RingBytes = plan.RingBytes;
    }

    /// <summary>The host the budget was measured on (its machine name).</summary>
    public string Host { get; }

    /// <summary>The take path the disk was measured on.</summary>
    public string Path { get; }

    /// <summary>Fits, Tight or DoesNotFit: the worst verdict of <see cref="Rows"/>.</summary>
    public CaptureBudgetVerdict Verdict { get; }

    /// <summary>The resource that limits the take: the row with the worst verdict and the least headroom.</summary>
    public CaptureBudgetResource Bottleneck { get; }

    /// <summary>What to change, computed from the numbers (a lower rate, another encoder, more -BufferMemory, another disk);
    /// "None needed." when the plan fits.</summary>
    public string Fix { get; }

    /// <summary>One row per resource (one per link).</summary>
    public IReadOnlyList<CaptureBudgetRow> Rows { get; }

    /// <summary>The plan in one line: "4 × 640x480 Mono8 at 100 Hz for 5 s, ffv1".</summary>
    public string Plan { get; }

    /// <summary>Cameras in the plan.</summary>
    public int CameraCount { get; }

    /// <summary>Frames per second per camera, Hz.</summary>
    public double FrameRateHz { get; }

    /// <summary>Take length.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Video encoder.</summary>
    public VideoEncoder Encoder { get; }

    /// <summary>Frames per camera.</summary>
    public long FrameCount { get; }

    /// <summary>Raw frame bytes per second from all cameras, bytes/s.</summary>
    public double InputBytesPerSecond { get; }

    /// <summary>Frames each camera's ring holds.</summary>
    public int RingFrames { get; }

    /// <summary>Ring memory of the take, bytes.</summary>
    public long RingBytes { get; }

    /// <summary>True for Fits and Tight (what Test-CaptureBudget -Quiet writes).</summary>
    public bool IsFit => Verdict != CaptureBudgetVerdict.DoesNotFit;
}
