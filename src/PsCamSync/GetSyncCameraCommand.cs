using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;

namespace PsCamSync.Commands;

/// <summary>
/// Get-SyncCamera: lists the cameras this machine can record from. Asks every available camera backend, or those
/// named with -Backend, and writes one CameraInfo per camera. Simulated cameras appear only when asked for: with
/// -Simulated N, or -Backend Simulated (three cameras unless -Simulated says otherwise). An unavailable backend named
/// with -Backend is an error; an unavailable one not named is a verbose note.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SyncCamera")]
[OutputType(typeof(CameraInfo))]
public sealed class GetSyncCameraCommand : PsCamSyncCmdlet
{
    /// <summary>Backends to ask (Simulated, Aravis); all when omitted.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BackendNameCompleter))]
    public string[]? Backend { get; set; }

    /// <summary>Number of simulated cameras to offer, 0-64 (sim-0, sim-1, ...).</summary>
    [Parameter]
    [ValidateRange(0, CameraSelection.MaxSimulatedCount)]
    public int Simulated { get; set; }

    /// <summary>Discovers and writes the cameras, backend by backend.</summary>
    protected override void EndProcessing()
    {
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

        foreach (var choice in choices)
        {
            var backend = CameraBackends.Create(choice.Name, Math.Max(1, choice.SimulatedCount));
            if (!backend.IsAvailable)
            {
                string why = $"The {backend.Name} camera backend is not available on this machine: {backend.UnavailableReason}";
                if (choice.Named)
                    WriteError(new ErrorRecord(new PsCamSyncException(why), "CameraBackendUnavailable", ErrorCategory.ResourceUnavailable, backend.Name));
                else
                    WriteVerbose(why);
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
}
