using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Cameras.Simulated;

namespace PsCamSync.Commands;

/// <summary>
/// Get-SyncCamera: lists the cameras this machine can record from. Asks every available camera backend, or those
/// named with -Backend, and writes one CameraInfo per camera. Simulated cameras appear only when asked for: with
/// -Simulated N, or -Backend Simulated (three cameras unless -Simulated says otherwise). An unavailable backend named
/// with -Backend is an error naming -Backend (a vendor SDK that is not installed: Spinnaker, IC4); an unavailable one not
/// named is a verbose note. With -ListBackend it writes one CameraBackendInfo per backend instead: available or not, the
/// library it loaded, and the reason with the fix.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SyncCamera", DefaultParameterSetName = CameraSet)]
[OutputType(typeof(CameraInfo), ParameterSetName = [CameraSet])]
[OutputType(typeof(CameraBackendInfo), ParameterSetName = [ListBackendSet])]
public sealed class GetSyncCameraCommand : PsCamSyncCmdlet
{
    private const string CameraSet = "Camera";
    private const string ListBackendSet = "ListBackend";

    /// <summary>Backends to ask (Simulated, Aravis, Spinnaker, IC4); all when omitted.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BackendNameCompleter))]
    public string[]? Backend { get; set; }

    /// <summary>Lists the backends instead of cameras: whether each can run here, its library, and why not (with the fix).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ListBackendSet)]
    public SwitchParameter ListBackend { get; set; }

    /// <summary>Number of simulated cameras to offer, 0-64 (sim-0, sim-1, ...).</summary>
    [Parameter(ParameterSetName = CameraSet)]
    [ValidateRange(0, CameraSelection.MaxSimulatedCount)]
    public int Simulated { get; set; }

    /// <summary>Readout time of the simulated cameras, µs (default 2000). Applies to the simulated cameras this process
    /// opens (Measure-SyncJitter, Start-SyncCapture -InProcess) until the next Get-SyncCamera that lists simulated cameras.</summary>
    [Parameter(ParameterSetName = CameraSet)]
    public double? ReadoutUs { get; set; }

    /// <summary>Host transfer time of each simulated frame after its readout, µs (default 0: none); a software trigger
    /// during a transfer waits for its end, as on a USB3 camera on a Raspberry Pi 4. Applies as -ReadoutUs does.</summary>
    [Parameter(ParameterSetName = CameraSet)]
    public double? TransferUs { get; set; }

    /// <summary>TriggerOverlap of the simulated cameras: Off (default) or ReadOut. Applies as -ReadoutUs does.</summary>
    [Parameter(ParameterSetName = CameraSet)]
    [ValidateSet("Off", "ReadOut", IgnoreCase = true)]
    public string? TriggerOverlap { get; set; }

    /// <summary>Discovers and writes the cameras, backend by backend.</summary>
    protected override void EndProcessing()
    {
        if (ListBackend)
        {
            WriteBackends();
            return;
        }
        IReadOnlyList<BackendChoice> choices = Array.Empty<BackendChoice>();
        try
        {
            int? simulated = MyInvocation.BoundParameters.ContainsKey(nameof(Simulated)) ? Simulated : null;
            choices = CameraSelection.ForDiscovery(Backend, simulated);
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "CameraBackendUnknown");
        }
        try
        {
            SetSimulatedModel(choices.Any(c => CameraSelection.IsSimulated(c.Name)));
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "SimulatedModelInvalid");
        }

        foreach (var choice in choices)
        {
            var backend = CameraBackends.Create(choice.Name, Math.Max(1, choice.SimulatedCount));
            if (!backend.IsAvailable)
            {
                var unavailable = new CameraBackendUnavailableException(backend.Name, backend.UnavailableReason ?? "it gives no reason.");
                if (choice.Named)
                    WriteCoreError(unavailable, "CameraBackendUnavailable", backend.Name);
                else
                    WriteVerbose(unavailable.Message);
                continue;
            }

            WriteVerbose($"Asking the {backend.Name} backend for cameras.");
            try
            {
                foreach (var camera in backend.Discover())
                    WriteObject(camera);
            }
            catch (PsCamSyncException e)
            {
                WriteCoreError(e, "CameraDiscoveryFailed", backend.Name);
            }
        }
    }

    /// <summary>Writes one CameraBackendInfo per backend (those named with -Backend, else all), probing each library.</summary>
    private void WriteBackends()
    {
        IEnumerable<string> names;
        try
        {
            names = Backend is { Length: > 0 } ? Backend.Select(CameraSelection.Canonical).Distinct().ToList() : CameraBackends.Names;
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "CameraBackendUnknown");
            return;
        }
        foreach (var name in names)
            WriteObject(CameraBackendInfo.Of(CameraBackends.Create(name, 1), Environment.MachineName));
    }

    /// <summary>Sets the simulated model of this process from -ReadoutUs, -TransferUs and -TriggerOverlap when simulated
    /// cameras are listed (values not given return to the defaults).</summary>
    /// <exception cref="InvalidCaptureArgumentException">A model parameter without simulated cameras, or out of range.</exception>
    private void SetSimulatedModel(bool listsSimulated)
    {
        bool given = ReadoutUs is not null || TransferUs is not null || TriggerOverlap is not null;
        if (!listsSimulated)
        {
            if (given)
                throw new InvalidCaptureArgumentException(ReadoutUs is not null ? "ReadoutUs" : TransferUs is not null ? "TransferUs" : "TriggerOverlap",
                    "this parameter sets the model of simulated cameras; list them too, with -Simulated N or -Backend Simulated.");
            return;
        }
        var model = given ? new SimulatedModel(ReadoutUs, TransferUs, TriggerOverlap is null ? null : string.Equals(TriggerOverlap, "ReadOut", StringComparison.OrdinalIgnoreCase)) : null;
        SimulatedModel.Set(model);
        if (model is not null)
            WriteVerbose($"Simulated cameras opened by this process from now on: {model}.");
    }
}
