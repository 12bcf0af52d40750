using System.Management.Automation;
using PsCamSync.Core;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Takes;

namespace PsCamSync.Commands;

/// <summary>
/// Measure-SyncTake: analyses take folders and writes one TakeReport per folder (frame sets complete of expected,
/// cross-camera skew of trigger and device times), or with -Combine one TakeReport for several folders of one shoot
/// (one per host, same schedule). With -PerCamera it writes the CameraReports instead (counts, frame interval and
/// device clock offset per camera). Takes arrive by -Path or piped from results (TakePath) and folders (FullName).
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "SyncTake", DefaultParameterSetName = TakeSet)]
[OutputType(typeof(TakeReport), ParameterSetName = new[] { TakeSet })]
[OutputType(typeof(CameraReport), ParameterSetName = new[] { PerCameraSet })]
public sealed class MeasureSyncTakeCommand : PsCamSyncCmdlet
{
    private const string TakeSet = "Take";
    private const string PerCameraSet = "PerCamera";

    private readonly List<string> _combined = new();

    /// <summary>Take folders (wildcards allowed), or their take.json files.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TakePath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Analyses every folder given as one take recorded on several hosts.</summary>
    [Parameter]
    public SwitchParameter Combine { get; set; }

    /// <summary>How frames are matched across cameras (default: by schedule index when the frames carry one).</summary>
    [Parameter]
    public FrameMatchMethod? MatchBy { get; set; }

    /// <summary>Writes one CameraReport per camera instead of the TakeReport.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PerCameraSet)]
    public SwitchParameter PerCamera { get; set; }

    /// <summary>Analyses each folder of this record (or collects them with -Combine).</summary>
    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            foreach (var take in ResolveTakeFolders(path))
            {
                if (Combine)
                    _combined.Add(take);
                else
                    Analyze(new[] { take }, take);
            }
        }
    }

    /// <summary>With -Combine: analyses the collected folders as one take.</summary>
    protected override void EndProcessing()
    {
        if (Combine && _combined.Count > 0)
            Analyze(_combined.Distinct(StringComparer.Ordinal).ToList(), string.Join(", ", _combined));
    }

    private void Analyze(IReadOnlyList<string> takes, string target)
    {
        TakeReport report;
        try
        {
            report = takes.Count == 1 ? TakeAnalyzer.Analyze(takes[0], MatchBy) : TakeAnalyzer.Analyze(takes, MatchBy);
        }
        catch (PsCamSyncException e)
        {
            WriteCoreError(e, "SyncTakeAnalysisFailed", target, ErrorCategory.ReadError);
            return;
        }
        if (report.State == TakeState.Crashed)
            WriteWarning($"Take '{report.Take}' ({report.Path}) crashed: its take.json still says Recording but the process that recorded it is gone. Its counts are rebuilt from the frames tables' rows; see Faults.");
        else if (report.State == TakeState.Recording)
            WriteWarning($"Take '{report.Take}' ({report.Path}) is still in state Recording (still recording, or recorded on another host); the report covers the rows written so far. See Faults.");
        if (PerCamera)
            WriteObject(report.Cameras, enumerateCollection: true);
        else
            WriteObject(report);
    }
}
