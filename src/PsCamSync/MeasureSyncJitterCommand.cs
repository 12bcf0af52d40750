using System.Globalization;
using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Timing;
using PsCamSync.Reports;

namespace PsCamSync.Commands;

/// <summary>
/// Measure-SyncJitter: the jitter sweep. Records one short take per frame rate on the cameras given (piped from
/// Get-SyncCamera or by -CameraId), in this session's process as Start-SyncCapture -InProcess records, each into a
/// folder of its own under -Path, and writes one JitterSweepPoint per rate: interval SD, p50/p99/max deviation from the
/// period, trigger and exposure delay, the trigger thread's wake-up error and the skew. -PlotPath draws them against
/// frame rate. Ctrl+C stops the take in progress and the sweep; the folders keep what was recorded.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "SyncJitter", SupportsShouldProcess = true)]
[OutputType(typeof(JitterSweepPoint))]
public sealed class MeasureSyncJitterCommand : CameraPipelineCmdlet
{
    /// <summary>The frame rates, Hz: a list, or with -Step the range from the lowest to the highest (10..120 -Step 10).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [FrameRateRangeTransformation]
    public double[] FrameRate { get; set; } = Array.Empty<double>();

    /// <summary>Step between rates, Hz: the sweep runs from the lowest -FrameRate to the highest in these steps.</summary>
    [Parameter]
    public double? Step { get; set; }

    /// <summary>Length of each rate's take (a number is seconds; default 2 s).</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Sweep folder: created when missing; each rate's take goes into a folder of its own in it (01-10Hz, ...).
    /// Default: a new folder jitter-yyyyMMdd-HHmmss in the current location.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>How frames are started (Software, Action, ScheduledAction, CameraScheduler); default: the best mode every camera supports.</summary>
    [Parameter]
    public SyncTriggerMode? TriggerMode { get; set; }

    /// <summary>Exposure time for every camera, µs. Default: each camera keeps its own.</summary>
    [Parameter]
    public double? Exposure { get; set; }

    /// <summary>Writes the jitter-versus-frame-rate figure to this file: PNG, or SVG when the name ends in .svg.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PlotPath { get; set; }

    /// <summary>Validates everything, then records and measures the takes one rate after another.</summary>
    protected override void EndProcessing()
    {
        IReadOnlyList<CameraRequest> requests = Array.Empty<CameraRequest>();
        IReadOnlyList<double> rates = Array.Empty<double>();
        string sweepPath = "", plotPath = "";
        try
        {
            requests = CameraSelection.CheckRequests(Requests);
            rates = JitterSweep.Rates(FrameRate, Step);
            long now = SharedTimeline.NowNs();
            foreach (double hz in rates)
                PlanFor(hz).ToSchedule(now); // a bad -Duration fails before anything is recorded
            sweepPath = Resolve(Path, "Path") ?? System.IO.Path.Combine(SessionState.Path.CurrentFileSystemLocation.ProviderPath,
                "jitter-" + SharedTimeline.ToDateTimeOffset(now).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            plotPath = Resolve(PlotPath, "PlotPath") ?? "";
            if (plotPath.Length > 0 && !Directory.Exists(System.IO.Path.GetDirectoryName(plotPath)))
                throw new InvalidCaptureArgumentException("PlotPath", $"the folder of '{plotPath}' does not exist; create it first or give another -PlotPath.");
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "SyncJitterArgumentInvalid");
        }

        string action = string.Format(CultureInfo.InvariantCulture, "Record {0} take(s) of {1:0.###} s on {2} camera(s) ({3}) at {4} Hz",
            rates.Count, Duration.TotalSeconds, requests.Count, string.Join(", ", requests.Select(r => r.Id)),
            string.Join(", ", rates.Select(r => r.ToString("0.###", CultureInfo.InvariantCulture))));
        if (!ShouldProcess(sweepPath, action))
            return;

        var points = new List<JitterSweepPoint>();
        var progress = new ProgressRecord(1, "Measure-SyncJitter", "Starting");
        try
        {
            using var sweep = JitterSweep.Run(rates, PlanFor, sweepPath, () => OpenAll(requests), WriteWarning, StopToken).GetEnumerator();
            for (int i = 0; ; i++)
            {
                if (i < rates.Count)
                {
                    progress.StatusDescription = string.Format(CultureInfo.InvariantCulture, "{0:0.###} Hz ({1} of {2}) into {3}",
                        rates[i], i + 1, rates.Count, System.IO.Path.Combine(sweepPath, JitterSweep.FolderName(i, rates[i])));
                    progress.PercentComplete = 100 * i / rates.Count;
                    WriteProgress(progress);
                }
                if (!sweep.MoveNext())
                    break;
                points.Add(sweep.Current);
                if (sweep.Current.Faults > 0)
                    WriteVerbose($"{sweep.Current.TakePath}: {sweep.Current.Faults} fault(s); Measure-SyncTake -Path '{sweep.Current.TakePath}' lists them.");
                WriteObject(sweep.Current);
            }
        }
        catch (OperationCanceledException)
        {
            return; // Ctrl+C: the takes recorded so far were written; the one in progress keeps what it captured
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "SyncJitterArgumentInvalid");
        }
        catch (PsCamSyncException e)
        {
            ThrowCoreError(e, "SyncJitterTakeFailed", sweepPath, ErrorCategory.WriteError);
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }

        if (plotPath.Length > 0 && points.Count > 0)
            WritePlot(points, plotPath);
    }

    private CapturePlan PlanFor(double hz) => new()
    {
        FrameRate = hz, Duration = Duration, Lead = JitterSweep.Lead, Exposure = Exposure, TriggerMode = TriggerMode,
    };

    private void WritePlot(IReadOnlyList<JitterSweepPoint> points, string plotPath)
    {
        string title = string.Format(CultureInfo.InvariantCulture, "Jitter sweep: {0} camera(s), {1}, {2:0.###} s per rate",
            points[0].Cameras, string.Join("/", points.Select(p => p.TriggerMode).Distinct()), Duration.TotalSeconds);
        try
        {
            string written = JitterSweepPlot.Save(points, plotPath, title);
            WriteVerbose($"Plot written to {written}.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            WriteError(new ErrorRecord(e, "SyncJitterPlotNotWritten", ErrorCategory.WriteError, plotPath));
        }
    }

    /// <summary>Opens every camera, or none.</summary>
    private List<ICamera> OpenAll(IReadOnlyList<CameraRequest> requests)
    {
        var slots = OpenCameras(requests, "SyncCameraOpenFailed", writeErrors: false);
        var failed = slots.Where(s => s.OpenError is not null).ToList();
        if (failed.Count > 0)
        {
            DisposeAll(slots);
            throw new PsCamSyncException($"camera '{failed[0].Id}' could not be opened: {failed[0].OpenError!.Message}", failed[0].OpenError);
        }
        return slots.Select(s => s.Camera!).ToList();
    }

    /// <summary>A file-system path from a user's path, or null when none was given.</summary>
    /// <exception cref="InvalidCaptureArgumentException">Not a file-system path (ParameterName <paramref name="parameter"/>).</exception>
    private string? Resolve(string? path, string parameter)
    {
        return path is null ? null : ResolveWritablePath(path, parameter, parameter == nameof(PlotPath) ? "./sweep.png" : "./takes/jitter-001");
    }
}
