using System.Globalization;
using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Commands;

/// <summary>
/// Test-CaptureBudget: can this host record the plan? Measures on the take path the disk's write throughput (a bounded
/// write test, removed afterwards), the encoders' throughput at the cameras' frame sizes (a short run of the take's own
/// ffmpeg sinks), free space, RAM for the rings and the cameras' links, and weighs the plan against them
/// (<see cref="CaptureBudget"/>). Writes one CaptureBudgetResult (Host, Path, Verdict, Bottleneck, Fix, Rows), or with
/// -Quiet one bool. The throughputs are cached for Start-SyncCapture's own check.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "CaptureBudget", DefaultParameterSetName = SizeSet)]
[OutputType(typeof(CaptureBudgetResult), typeof(bool), ParameterSetName = new[] { CamerasSet, SizeSet })]
public sealed class TestCaptureBudgetCommand : PsCamSyncCmdlet
{
    private const string CamerasSet = "Cameras";
    private const string SizeSet = "Size";

    private readonly List<(CameraRequest Request, string? Address, int? Width, int? Height, PixelFormat? Format)> _cameras = new();

    /// <summary>Camera ids (from Get-SyncCamera); bound from piped cameras by their Id property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = CamerasSet)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CameraIdCompleter))]
    public string[] CameraId { get; set; } = Array.Empty<string>();

    /// <summary>Backend of the cameras; bound from piped cameras. Omitted: every backend is searched.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = CamerasSet)]
    [ArgumentCompleter(typeof(BackendNameCompleter))]
    public string? Backend { get; set; }

    /// <summary>Transport address of the camera (IPv4 for GigE Vision); bound from piped cameras, for the link check.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = CamerasSet)]
    public string? Address { get; set; }

    /// <summary>Frame width, pixels. Bound from piped cameras; with -CameraCount, the width of every camera of the plan.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = CamerasSet)]
    [Parameter(Mandatory = true, ParameterSetName = SizeSet)]
    public int? Width { get; set; }

    /// <summary>Frame height, pixels. Bound from piped cameras; with -CameraCount, the height of every camera of the plan.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = CamerasSet)]
    [Parameter(Mandatory = true, ParameterSetName = SizeSet)]
    public int? Height { get; set; }

    /// <summary>Pixel format (Mono8, Mono16, BayerRG8, ...). Bound from piped cameras; with -CameraCount, default Mono8.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = CamerasSet)]
    [Parameter(ParameterSetName = SizeSet)]
    public PixelFormat? PixelFormat { get; set; }

    /// <summary>Number of cameras of -Width x -Height (a plan without camera objects); default 1.</summary>
    [Parameter(ParameterSetName = SizeSet)]
    public int CameraCount { get; set; } = 1;

    /// <summary>Frames per second per camera, Hz.</summary>
    [Parameter(Mandatory = true)]
    public double FrameRate { get; set; }

    /// <summary>Length of the take (a number is seconds).</summary>
    [Parameter(Mandatory = true)]
    [SecondsTransformation]
    public TimeSpan Duration { get; set; }

    /// <summary>Video encoder (default Y4M, built-in lossless).</summary>
    [Parameter]
    public VideoEncoder Encoder { get; set; } = VideoEncoder.Y4M;

    /// <summary>The take folder, or the existing folder takes are written to; its disk is measured. Default: the current location.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>RAM for all frame rings together, bytes (e.g. 2GB), as for Start-SyncCapture. Default: two seconds of frames per camera.</summary>
    [Parameter]
    public long? BufferMemory { get; set; }

    /// <summary>Writes only True (Fits or Tight; Tight also writes a warning) or False (DoesNotFit).</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Collects the cameras of this pipeline record with the sizes it carries.</summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName != CamerasSet)
            return;
        foreach (var id in CameraId)
            _cameras.Add((new CameraRequest(id, Backend), Address, Width, Height, PixelFormat));
    }

    /// <summary>Builds the plan, measures, weighs and writes the result.</summary>
    protected override void EndProcessing()
    {
        CaptureBudgetPlan plan = null!;
        try
        {
            if (ParameterSetName == SizeSet && CameraCount is < 1 or > CameraSelection.MaxSimulatedCount)
                throw new InvalidCaptureArgumentException("CameraCount", $"the plan needs 1-{CameraSelection.MaxSimulatedCount} cameras; got {CameraCount}.");
            var cameras = ParameterSetName == SizeSet
                ? Enumerable.Range(0, CameraCount).Select(k => new CaptureBudgetCamera("camera-" + k.ToString(CultureInfo.InvariantCulture), "", "",
                    Width ?? 0, Height ?? 0, PixelFormat ?? Core.Cameras.PixelFormat.Mono8)).ToList()
                : ResolveCameras();
            plan = new CaptureBudgetPlan(cameras, FrameRate, Duration, Encoder, ResolvePath(), BufferMemory);
            plan.Validate();
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "CaptureBudgetArgumentInvalid");
        }

        string host = Environment.MachineName;
        WriteVerbose($"Capture budget on {host} for {plan.Describe()}, take path {plan.Path}.");
        var progress = new ProgressRecord(0, $"Test-CaptureBudget on {host}", "Measuring");
        CaptureBudgetMeasurements measured;
        try
        {
            measured = CaptureBudgetProbes.Measure(plan, (status, percent) =>
            {
                progress.StatusDescription = status;
                progress.PercentComplete = percent;
                WriteProgress(progress);
            }, cancel: StopToken);
        }
        catch (OperationCanceledException)
        {
            return; // Ctrl+C: the probes removed their files; nothing more is written
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }

        var cache = CaptureBudgetCache.ForUser();
        try
        {
            cache.Save(measured);
            WriteVerbose($"Throughputs stored in {cache.File} for Start-SyncCapture's own check.");
        }
        catch (TakeFolderException e)
        {
            WriteWarning($"{e.Message} Start-SyncCapture will not know this host's throughputs.");
        }

        CaptureBudgetResult result = null!;
        try
        {
            result = CaptureBudget.Evaluate(plan, measured, host);
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "CaptureBudgetArgumentInvalid");
        }
        foreach (var row in result.Rows)
            WriteVerbose(Describe(row));
        WriteVerbose($"{result.Verdict}; bottleneck {result.Bottleneck}. {result.Fix}");
        if (result.Verdict == CaptureBudgetVerdict.Tight)
            WriteWarning($"The take only just fits {host}: {result.Bottleneck} has under {CaptureBudget.TightHeadroomPercent:0}% headroom. {result.Fix}");
        WriteObject(Quiet ? result.IsFit : result);
    }

    /// <summary>"Disk /srv/takes: needs 9.2 MB/s of 573 MB/s (98% headroom, Fits): note".</summary>
    internal static string Describe(CaptureBudgetRow row)
    {
        string Amount(double v) => row.Unit == "bytes" ? CaptureBudget.Size(v) : CaptureBudget.Throughput(v);
        string available = row.Available is double a ? Amount(a) : "unknown";
        string headroom = row.HeadroomPercent is double h ? string.Create(CultureInfo.InvariantCulture, $"{h:0}% headroom, ") : "";
        return $"{row.Resource} {row.Target}: needs {Amount(row.Required)} of {available} ({headroom}{row.Verdict}): {row.Note}";
    }

    /// <summary>The cameras with their sizes: from the piped objects, or by opening those given by id only.</summary>
    private List<CaptureBudgetCamera> ResolveCameras()
    {
        var requests = CameraSelection.CheckRequests(_cameras.Select(c => c.Request).ToList());
        var cameras = new List<CaptureBudgetCamera>();
        var toOpen = new List<int>();
        for (int i = 0; i < _cameras.Count; i++)
        {
            var c = _cameras[i];
            if (c.Width is int w && c.Height is int h)
                cameras.Add(new CaptureBudgetCamera(requests[i].Id, requests[i].Backend ?? "", c.Address ?? "", w, h, c.Format ?? Core.Cameras.PixelFormat.Mono8));
            else
            {
                cameras.Add(null!);
                toOpen.Add(i);
            }
        }
        if (toOpen.Count == 0)
            return cameras;
        // Given by id only: open each camera once to read its size, then close it.
        var slots = OpenCameras(toOpen.Select(i => requests[i]).ToList(), "CaptureBudgetCameraOpenFailed", writeErrors: false);
        try
        {
            for (int j = 0; j < toOpen.Count; j++)
            {
                if (slots[j].OpenError is { } error)
                    ThrowCoreError(error, "CaptureBudgetCameraOpenFailed", slots[j].Id);
                var info = slots[j].Camera!.Info;
                cameras[toOpen[j]] = new CaptureBudgetCamera(info.Id, info.Backend, info.Address, info.Width, info.Height, info.PixelFormat);
            }
        }
        finally
        {
            DisposeAll(slots);
        }
        return cameras;
    }

    private string ResolvePath()
    {
        if (Path is null)
            return SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        return ResolveWritablePath(Path, nameof(Path), "/srv/takes");
    }
}
