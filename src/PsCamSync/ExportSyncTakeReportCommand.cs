using System.Management.Automation;
using PsCamSync.Core;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Takes;
using PsCamSync.Reports;

namespace PsCamSync.Commands;

/// <summary>
/// Export-SyncTakeReport: writes a take's report as a self-contained HTML page (index.html, charts embedded) plus each
/// chart as PNG and SVG beside it. Every folder given (piped or by -Path) is one host's folder of the same take; they
/// are analysed together, as Measure-SyncTake -Combine does. The charts are drawn with ScottPlot.
/// </summary>
[Cmdlet(VerbsData.Export, "SyncTakeReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportSyncTakeReportCommand : PsCamSyncCmdlet
{
    private readonly List<string> _takes = new();

    /// <summary>Take folders (wildcards allowed) or their take.json files: one take, or one folder per host of one take.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TakePath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The folder to write the report into (default: a folder named report inside the first take folder).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>How frames are matched across cameras (default: by schedule index when the frames carry one).</summary>
    [Parameter]
    public FrameMatchMethod? MatchBy { get; set; }

    /// <summary>Writes the files written (index.html first, then each chart's PNG and SVG) as FileInfo objects.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Collects the take folders of this record.</summary>
    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            foreach (var take in ResolveTakeFolders(path))
            {
                if (!File.Exists(System.IO.Path.Combine(take, TakeFolder.ManifestFileName)))
                    ThrowTerminatingError(new ErrorRecord(
                        new InvalidCaptureArgumentException("Path",
                            $"'{path}' is not a take folder: '{take}' has no {TakeFolder.ManifestFileName}. Give the folder Start-SyncCapture wrote " +
                            "(the TakePath of its result), or its take.json."),
                        "SyncTakeReportNotATake", ErrorCategory.InvalidArgument, path));
                if (!_takes.Contains(take, StringComparer.Ordinal))
                    _takes.Add(take);
            }
        }
    }

    /// <summary>Analyses the folders as one take and writes the report.</summary>
    protected override void EndProcessing()
    {
        if (_takes.Count == 0)
            return;
        string target = string.Join(", ", _takes);
        string output;
        try
        {
            output = OutputPath is null
                ? System.IO.Path.Combine(_takes[0], "report")
                : ResolveWritablePath(OutputPath, nameof(OutputPath), "./scene1-report");
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "SyncTakeReportOutputPathInvalid", OutputPath);
            return;
        }

        TakeSeries series;
        try
        {
            series = TakeSeries.Load(_takes, MatchBy);
        }
        catch (PsCamSyncException e)
        {
            ThrowCoreError(e, "SyncTakeReportAnalysisFailed", target);
            return;
        }
        if (series.Report.State is TakeState.Recording or TakeState.Crashed)
            WriteWarning($"Take '{series.Report.Take}' is in state {series.Report.State}; the report covers the rows written so far. See its Faults section.");

        int charts = 2 + 2 * series.Cameras.Count;
        if (!ShouldProcess(output, $"Write the report of take '{series.Report.Take}' ({TakeReportExporter.PageFileName} and {charts} charts as PNG and SVG)"))
            return;

        var progress = new ProgressRecord(1, $"Export-SyncTakeReport {series.Report.Take}", "Drawing");
        IReadOnlyList<string> written;
        try
        {
            written = TakeReportExporter.Export(series, output, (percent, status) =>
            {
                progress.StatusDescription = status;
                progress.PercentComplete = percent;
                WriteProgress(progress);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "SyncTakeReportWriteFailed", ErrorCategory.WriteError, output));
            return;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            var error = new InvalidOperationException(
                $"The charts could not be drawn: SkiaSharp's native library (libSkiaSharp.so) did not load ({e.Message}). It ships in the module's " +
                "module/bin/runtimes/<linux-x64|linux-arm64>/native folder; reinstall the module if it is missing there.", e);
            ThrowTerminatingError(new ErrorRecord(error, "SyncTakeReportNativeLibrary", ErrorCategory.ResourceUnavailable, output));
            return;
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        WriteVerbose($"Wrote {written.Count} files into '{output}'.");
        if (PassThru)
            foreach (var file in written)
                WriteObject(new FileInfo(file));
    }
}
