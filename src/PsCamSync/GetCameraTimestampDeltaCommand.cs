using System.Globalization;
using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Ptp;
using PsCamSync.Core.Timing;

namespace PsCamSync.Commands;

/// <summary>
/// Get-CameraTimestampDelta: latches every camera's timestamp as close together as possible, reading the host's
/// shared timeline just before and after each latch, and writes one TimestampDeltaResult per camera (Host, CameraId
/// first; delta to the host timeline, verdict against -Threshold, statistics and a clock model over -Samples). The
/// timescale mapping per camera is chosen by <see cref="TimestampDeltaPlan"/> and the measurement is
/// <see cref="TimestampDeltaMeter"/>; this cmdlet binds, opens, calls and writes.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CameraTimestampDelta")]
[OutputType(typeof(TimestampDeltaResult))]
public sealed class GetCameraTimestampDeltaCommand : CameraPipelineCmdlet
{
    /// <summary>Latch rounds (default 1); two or more add mean, standard deviation, max |delta| and a drift fit.</summary>
    [Parameter]
    public int Samples { get; set; } = 1;

    /// <summary>Largest |delta| that passes (a number is seconds; default 3 ms).</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan Threshold { get; set; } = TimeSpan.FromTicks(TimestampDeltaOptions.DefaultThresholdNs / TimeSpan.NanosecondsPerTick);

    /// <summary>Pause between latch rounds (a number is seconds; default 10 ms).</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan Interval { get; set; } = TimeSpan.FromTicks(new TimestampDeltaOptions().IntervalNs / TimeSpan.NanosecondsPerTick);

    /// <summary>ptp4l's management socket, read for the timescale mapping; omitted: /var/run/ptp4l when it exists.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PtpSocketPathCompleter))]
    public string? SocketPath { get; set; }

    /// <summary>Opens the cameras, chooses their timescale mappings, latches them all together and writes the results.</summary>
    protected override void EndProcessing()
    {
        var options = new TimestampDeltaOptions
        {
            Samples = Samples,
            ThresholdNs = Threshold.Ticks * TimeSpan.NanosecondsPerTick,
            IntervalNs = Interval.Ticks * TimeSpan.NanosecondsPerTick,
        };
        IReadOnlyList<CameraRequest> requests = Array.Empty<CameraRequest>();
        try
        {
            options.Validate();
            requests = CameraSelection.CheckRequests(Requests);
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "TimestampDeltaArgumentInvalid");
        }

        string host = Environment.MachineName;
        // A camera that cannot be opened keeps its place in the output as an Error result.
        var slots = OpenCameras(requests, "TimestampDeltaCameraOpenFailed");
        try
        {
            var cameras = slots.Where(s => s.Camera is not null).Select(s => s.Camera!).ToList();
            var plan = TimestampDeltaPlan.Prepare(host, cameras, SocketPath);
            foreach (var note in plan.Notes)
                WriteVerbose(note);
            foreach (var warning in plan.Warnings)
                WriteWarning(warning);

            var measured = Measure(host, cameras, options, plan);
            if (measured is null)
                return; // Ctrl+C: the pipeline is stopping, nothing more is written
            Write(slots, measured, options, host);
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "TimestampDeltaArgumentInvalid");
        }
        finally
        {
            DisposeAll(slots);
        }
    }

    private TimestampDeltaResult[]? Measure(string host, IReadOnlyList<ICamera> cameras, TimestampDeltaOptions options, TimestampDeltaPlan plan)
    {
        if (cameras.Count == 0)
            return Array.Empty<TimestampDeltaResult>();
        var progress = new ProgressRecord(0, $"Get-CameraTimestampDelta on {host}", $"Latching {cameras.Count} camera(s)");
        Action<int>? roundCompleted = null;
        if (options.Samples > 1)
        {
            roundCompleted = done =>
            {
                progress.StatusDescription = string.Format(CultureInfo.InvariantCulture, "Sample {0} of {1}, {2} camera(s)", done, options.Samples, cameras.Count);
                progress.PercentComplete = (int)(100L * done / options.Samples);
                progress.SecondsRemaining = (int)((options.Samples - done) * options.IntervalNs / 1_000_000_000);
                WriteProgress(progress);
            };
        }
        try
        {
            return TimestampDeltaMeter.Measure(host, cameras, options, plan.MappingFor, StopToken, roundCompleted);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        finally
        {
            if (roundCompleted is not null)
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        }
    }

    private void Write(List<OpenedCamera> slots, TimestampDeltaResult[] measured,
        TimestampDeltaOptions options, string host)
    {
        int next = 0;
        foreach (var (id, camera, openError) in slots)
        {
            if (camera is null)
            {
                // Already reported by OpenCameras; the result keeps the camera's place in the output.
                WriteObject(TimestampDeltaResult.Failed(host, id, options.ThresholdNs, TimescaleMapping.Identity,
                    $"{id}: {openError?.Message ?? "could not be opened."}"));
                continue;
            }
            var result = measured[next++];
            if (result.Verdict == TimestampDeltaVerdict.Error)
                WriteCoreError(new CameraException(result.CameraId, result.Error ?? $"{result.CameraId}: the timestamp could not be latched."),
                    "TimestampDeltaCameraFailed", result.CameraId);
            else
                WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Camera '{0}': {1}, delta {2:0.000} ms ± {3:0.0} µs over {4} sample(s), mapping {5}.",
                    result.CameraId, result.Verdict, result.DeltaNs / 1e6, result.UncertaintyNs / 1e3, result.Samples, result.Mapping));
            WriteObject(result);
        }
    }
}
