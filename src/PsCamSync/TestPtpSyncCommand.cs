using System.Globalization;
using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Ptp;

namespace PsCamSync.Commands;

/// <summary>
/// Test-PtpSync: the go/no-go answer before a shoot. Reads this host's ptp4l over its management socket and, with
/// -CameraId, the cameras' PTP state (enabling PTP where it is off, with ShouldProcess), and waits up to -Timeout for
/// convergence: one master, every other port SLAVE, one grandmasterIdentity, |offset| within -MaxOffset. Writes one
/// PtpSyncResult (Host first, Verdict, Hints), or with -Quiet one bool. The verdict logic is
/// <see cref="PtpReadiness"/>; this cmdlet binds, opens, calls and writes.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "PtpSync", SupportsShouldProcess = true, DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(PtpSyncResult), ParameterSetName = new[] { DefaultSet })]
[OutputType(typeof(bool), ParameterSetName = new[] { QuietSet })]
public sealed class TestPtpSyncCommand : PsCamSyncCmdlet
{
    private const string DefaultSet = "Default";
    private const string QuietSet = "Quiet";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly List<CameraRequest> _requests = new();

    /// <summary>ptp4l's management socket (its uds_address).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PtpSocketPathCompleter))]
    public string SocketPath { get; set; } = PtpManagementClientOptions.DefaultSocketPath;

    /// <summary>ptp4l's domainNumber; detected when omitted.</summary>
    [Parameter]
    [ValidateRange(0, 255)]
    public int? DomainNumber { get; set; }

    /// <summary>Cameras to check (ids from Get-SyncCamera); bound from piped cameras by their Id property.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CameraIdCompleter))]
    public string[]? CameraId { get; set; }

    /// <summary>Backend of the cameras; bound from piped cameras. Omitted: every backend is searched.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BackendNameCompleter))]
    public string? Backend { get; set; }

    /// <summary>How long to wait for convergence (a number is seconds; default 30; 0 checks once).</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest |offsetFromMaster| accepted (a number is seconds; default 100 µs).</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan MaxOffset { get; set; } = TimeSpan.FromTicks(PtpReadinessCriteria.DefaultMaxOffsetNs / 100);

    /// <summary>The grandmasterIdentity every clock must follow (xxxxxx.xxxx.xxxxxx), e.g. from another host's result.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Grandmaster { get; set; }

    /// <summary>Writes only True (Ready) or False, and no errors.</summary>
    [Parameter(Mandatory = true, ParameterSetName = QuietSet)]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Collects the cameras of this pipeline record.</summary>
    protected override void ProcessRecord()
    {
        foreach (var id in CameraId ?? Array.Empty<string>())
            _requests.Add(new CameraRequest(id, Backend));
    }

    /// <summary>Opens the cameras, enables their PTP, waits for the verdict and writes it.</summary>
    protected override void EndProcessing()
    {
        var criteria = new PtpReadinessCriteria { MaxOffsetNs = MaxOffset.Ticks * 100, ExpectedGrandmaster = Grandmaster };
        IReadOnlyList<CameraRequest> requests = Array.Empty<CameraRequest>();
        try
        {
            criteria.Validate();
            if (Timeout < TimeSpan.Zero)
                throw new InvalidCaptureArgumentException("Timeout",
                    $"{Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s is negative: give how long to wait, e.g. 30 (seconds), or 0 to check once.");
            if (_requests.Count > 0)
                requests = CameraSelection.CheckRequests(_requests);
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "PtpSyncArgumentInvalid");
        }

        string host = Environment.MachineName;
        // A camera that cannot be opened is judged as unreadable: the verdict says NotReady.
        var cameras = OpenCameras(requests, "PtpSyncCameraOpenFailed", writeErrors: !Quiet);
        try
        {
            EnablePtp(cameras, host);
            var readers = cameras.Select(c => (c.Id, Reader(c, host))).ToList();
            using var probe = new PtpReadinessProbe(SocketPath, DomainNumber, 1000, readers) { Host = host };
            PtpSyncSnapshot? last = null;
            var result = Wait(() => last = probe.Read(), criteria, host);
            if (result is not null)
                Write(result, last?.HostError);
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "PtpSyncArgumentInvalid");
        }
        finally
        {
            DisposeAll(cameras);
        }
    }

    private void EnablePtp(List<OpenedCamera> cameras, string host)
    {
        foreach (var (id, camera, _) in cameras)
        {
            if (camera is null)
                continue;
            try
            {
                var status = CameraPtp.Read(camera, host);
                if (!status.Supported)
                    WriteVerbose($"Camera '{id}' has no PTP features: N/A, it does not block the verdict.");
                else if (status.Enabled)
                    WriteVerbose($"Camera '{id}': PTP is on ({status.Naming}), state {status.PortState}.");
                else if (ShouldProcess(id, "Enable PTP"))
                    CameraPtp.Enable(camera);
            }
            catch (PsCamSyncException e)
            {
                if (!Quiet)
                    WriteCoreError(e, "PtpSyncCameraEnableFailed", id);
            }
        }
    }

    private static Func<CameraPtpStatus> Reader(OpenedCamera c, string host)
    {
        if (c.Camera is { } camera)
            return () => CameraPtp.Read(camera, host);
        var error = c.OpenError ?? new CameraNotFoundException(c.Id, $"camera '{c.Id}' could not be opened.");
        return () => throw error;
    }

    private PtpSyncResult? Wait(Func<PtpSyncSnapshot> read, PtpReadinessCriteria criteria, string host)
    {
        var progress = new ProgressRecord(0, $"Test-PtpSync on {host}", "Reading ptp4l");
        string lastSeen = "";
        try
        {
            return PtpReadiness.WaitForConvergence(read, criteria, Timeout, PollInterval, (r, waited) =>
            {
                string summary = $"{r.Verdict}: {r.Role}, grandmaster {r.GrandmasterIdentity}, offset {r.OffsetFromMasterNs} ns" +
                                 (r.Hints.Length > 0 ? " — " + r.Hints[0] : "");
                if (summary != lastSeen)
                {
                    WriteVerbose($"{waited.TotalSeconds:0.0} s: {summary}");
                    foreach (var c in r.Cameras)
                        WriteVerbose($"  camera {c.CameraId}: {c.Naming} {c.PortState}, servo {c.ServoStatus ?? "n/a"}, offset {c.OffsetFromMasterNs?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} ns, grandmaster {c.GrandmasterIdentity ?? "n/a"}");
                    lastSeen = summary;
                }
                progress.StatusDescription = summary;
                progress.PercentComplete = Timeout > TimeSpan.Zero ? (int)Math.Clamp(100 * waited.Ticks / Timeout.Ticks, 0, 100) : 100;
                progress.SecondsRemaining = (int)Math.Max(0, (Timeout - waited).TotalSeconds);
                WriteProgress(progress);
            }, StopToken);
        }
        catch (OperationCanceledException)
        {
            return null; // Ctrl+C: the pipeline is stopping, nothing more is written
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    private void Write(PtpSyncResult result, PtpManagementException? hostError)
    {
        if (Quiet)
        {
            WriteObject(result.IsReady);
            return;
        }
        if (result.Verdict == PtpSyncVerdict.Error)
        {
            // The client's own error (unreachable, no answer, malformed answer), mapped by CoreErrors; the hint says the fix.
            var error = hostError ?? new PtpDaemonUnreachableException(result.SocketPath, string.Join(" ", result.Hints));
            var record = CoreErrors.Record(error, "PtpSyncDaemonUnreachable", result.SocketPath);
            record.ErrorDetails = new ErrorDetails(result.Hints[0]) { RecommendedAction = result.Hints[0] };
            WriteError(record);
        }
        WriteObject(result);
    }
}
