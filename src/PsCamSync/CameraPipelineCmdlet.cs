using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Core.Capture;

namespace PsCamSync.Commands;

/// <summary>
/// What the cmdlets that take cameras from the pipeline share (Start-SyncCapture, Measure-SyncJitter,
/// Get-CameraTimestampDelta): a mandatory -CameraId bound from piped cameras' Id property, their -Backend, and the
/// requests collected record by record for EndProcessing.
/// </summary>
public abstract class CameraPipelineCmdlet : PsCamSyncCmdlet
{
    /// <summary>Only this assembly's cmdlets derive from this class.</summary>
    private protected CameraPipelineCmdlet() { }

    /// <summary>Camera ids (from Get-SyncCamera); bound from piped cameras by their Id property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CameraIdCompleter))]
    public string[] CameraId { get; set; } = Array.Empty<string>();

    /// <summary>Backend of the cameras; bound from piped cameras. Omitted: every backend is searched.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BackendNameCompleter))]
    public string? Backend { get; set; }

    /// <summary>Every camera named so far, in order, each with the -Backend of its record.</summary>
    private protected List<CameraRequest> Requests { get; } = new();

    /// <summary>Collects the cameras of this pipeline record.</summary>
    protected override void ProcessRecord()
    {
        foreach (var id in CameraId)
            Requests.Add(new CameraRequest(id, Backend));
    }
}
