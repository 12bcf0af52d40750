using System.Globalization;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>
/// The recovery thread of one camera of a take (never the trigger thread). When the camera is lost (see
/// <see cref="CameraLossRule"/>) it records one fault with the frame index and the cause, waits until no trigger call
/// is running on the camera, releases it without talking to it (<see cref="ICamera.Abandon"/>), and then tries to open
/// it again through its backend every <see cref="RetryIntervalNs"/>: by address when it has one (the same serial must
/// answer there), else by id. A camera that opens is configured like the take (software trigger, exposure), streams
/// into the same pipeline, gets a warm-up trigger, and is put back into the trigger set from a future index, at least
/// <see cref="RejoinLeadNs"/> (or two periods) ahead; that is recorded as a fault naming the index.
/// </summary>
internal sealed class CameraRecovery
{
    /// <summary>Time between attempts to reopen a lost camera, ns (0.5 s).</summary>
    public const long RetryIntervalNs = 500_000_000;

    /// <summary>Least time between a reopened camera's warm-up trigger and its first slot, ns (250 ms).</summary>
    public const long RejoinLeadNs = 250_000_000;

    private readonly CameraPipeline _pipeline;
    private readonly TriggerPort _port;
    private readonly TakeCameraIdentity _identity;
    private readonly FrameSchedule _schedule;
    private readonly Func<ICameraBackend> _backend;
    private readonly Action<string?, TakeFaultSource, string, Exception?> _fault;
    private readonly Lock _rejoinGate;
    private readonly Func<bool> _finalising;
    private readonly ActionTrigger? _action; // the take's action trigger: a reopened camera gets its keys (and scheduler) again
    private readonly SemaphoreSlim _signal = new(0);
    private readonly ManualResetEventSlim _stopped = new();
    private readonly Thread _thread;
    private volatile bool _releasing;

    /// <summary>What a lost camera is reopened and configured as.</summary>
    /// <param name="Backend">Backend name.</param>
    /// <param name="Id">Camera id.</param>
    /// <param name="Serial">Serial number that must answer (empty: not checked).</param>
    /// <param name="Address">Transport address to open by, or empty (then by id).</param>
    /// <param name="ExposureUs">Exposure to set, µs, or null to keep the camera's own.</param>
    /// <param name="Width">Frame width of the take's video, pixels: a camera that answers with another size does not rejoin.</param>
    /// <param name="Height">Frame height of the take's video, pixels.</param>
    /// <param name="PixelFormat">Pixel format of the take's video (its name, as in take.json).</param>
    public sealed record TakeCameraIdentity(string Backend, string Id, string Serial, string Address, double? ExposureUs,
        int Width, int Height, string PixelFormat);

    public CameraRecovery(CameraPipeline pipeline, TriggerPort port, TakeCameraIdentity identity, FrameSchedule schedule,
        Func<ICameraBackend> backend, Action<string?, TakeFaultSource, string, Exception?> fault, Lock rejoinGate, Func<bool> finalising,
        ActionTrigger? action = null)
    {
        _action = action;
        _pipeline = pipeline;
        _port = port;
        _identity = identity;
        _schedule = schedule;
        _backend = backend;
        _fault = fault;
        _rejoinGate = rejoinGate;
        _finalising = finalising;
        _thread = new Thread(Run) { IsBackground = true, Name = $"PsCamSync recovery {pipeline.CameraId}" };
    }

    /// <summary>True while a lost camera's connection is being released (a trigger call on it may still be running).</summary>
    public bool Releasing => _releasing;

    /// <summary>How many times the camera rejoined.</summary>
    public int Rejoins { get; private set; }

    public void Start() => _thread.Start();

    /// <summary>The camera was lost (any thread; never blocks).</summary>
    public void Signal()
    {
        _releasing = true;
        _signal.Release();
    }

    /// <summary>The take is ending: no more reopening; a release in progress still finishes in the background.</summary>
    public void Stop() => _stopped.Set();

    private void Run()
    {
        while (true)
        {
            if (!_signal.Wait(100))
            {
                if (_stopped.IsSet)
                    return;
                continue;
            }
            try
            {
                Recover();
            }
            catch (Exception e)
            {
                _fault(_pipeline.CameraId, TakeFaultSource.Camera, $"the recovery of camera '{_pipeline.CameraId}' stopped: {e.Message}", e);
                _releasing = false;
                return;
            }
        }
    }

    private void Recover()
    {
        string id = _pipeline.CameraId;
        var (index, cause, exception) = _port.LastLoss;
        long lostNs = SharedTimeline.NowNs();
        string detail = exception is null ? "" : $" ({exception.Message})";
        _fault(id, TakeFaultSource.Camera, string.Create(CultureInfo.InvariantCulture,
            $"Camera '{id}' stopped answering at frame {index}: {CameraLossRule.Describe(cause, _port.LossSlots)}{detail}. It was taken out of the trigger set: its later slots are recorded as CameraLost until it answers again; the other cameras go on."), exception);

        // A trigger call on the camera may still be waiting for its acknowledgement: it returns at the backend's timeout.
        while (_port.TriggerInFlight)
            Thread.Sleep(5);
        var old = _port.Camera;
        try
        {
            old.Abandon();
        }
        catch (Exception e)
        {
            _fault(id, TakeFaultSource.Camera, $"releasing camera '{id}' after it stopped answering failed: {e.Message}", e);
        }
        finally
        {
            _releasing = false;
        }

        while (!_stopped.IsSet && !_finalising())
        {
            if (TryRejoin(lostNs))
                return;
            _stopped.Wait(TimeSpan.FromTicks(RetryIntervalNs / TimeSpan.NanosecondsPerTick));
        }
    }

    private bool TryRejoin(long lostNs)
    {
        string id = _pipeline.CameraId;
        ICamera? camera = null;
        try
        {
            camera = _backend().Open(_identity.Address.Length > 0 ? _identity.Address : _identity.Id);
            if (_identity.Serial.Length > 0 && camera.Info.Serial is { Length: > 0 } serial && serial != _identity.Serial)
            {
                camera.Dispose(); // another camera answers at the address: not ours
                return false;
            }
            if (_action is null)
                camera.ConfigureSoftwareTrigger(_identity.ExposureUs);
            else
                _action.Configure(camera, _identity.ExposureUs);
            if (camera.Info.Width != _identity.Width || camera.Info.Height != _identity.Height
                || camera.Info.PixelFormat.ToString() != _identity.PixelFormat)
            {
                // Its frames cannot go into the take's video (a camera reset to its defaults, another camera at the address).
                _fault(id, TakeFaultSource.Camera, $"camera '{id}' answered again with {camera.Info.Width}x{camera.Info.Height} {camera.Info.PixelFormat} frames, " +
                    $"not the take's {_identity.Width}x{_identity.Height} {_identity.PixelFormat}; it does not rejoin.", null);
                camera.Dispose();
                _stopped.Set();
                return true;
            }
            camera.StartAcquisition(_pipeline);
        }
        catch (Exception e) when (e is PsCamSyncException or ObjectDisposedException or InvalidOperationException)
        {
            // Not back yet (or not in a state to be configured): released without talking to it, tried again later.
            if (camera is not null)
            {
                try { camera.Abandon(); }
                catch (Exception inner) { _fault(id, TakeFaultSource.Camera, $"releasing a failed reopening of camera '{id}' failed: {inner.Message}", inner); }
            }
            return false;
        }

        try
        {
            camera.Trigger(TriggerLoop.WarmUpFrameIndex);
        }
        catch (Exception e)
        {
            _fault(id, TakeFaultSource.Camera, $"the warm-up trigger of camera '{id}' after it was reopened failed: {e.Message}", e);
        }

        long from;
        lock (_rejoinGate)
        {
            if (_finalising())
            {
                from = -1;
            }
            else
            {
                long lead = Math.Max(RejoinLeadNs, 2 * _schedule.PeriodNs);
                from = _schedule.FirstIndexAtOrAfter(SharedTimeline.NowNs() + lead);
                _pipeline.WarmUpBefore(_schedule.TimeOf(from));
                _pipeline.Camera = camera;
                if (_action is not null)
                {
                    try
                    {
                        _action.Arm(camera, _schedule, from); // CameraScheduler: it fires from slot `from` on its own clock
                    }
                    catch (FeatureException e)
                    {
                        _fault(id, TakeFaultSource.Camera, $"camera '{id}' answered again but its action scheduler could not be armed: {e.Message}; it does not rejoin.", e);
                        from = -1;
                    }
                }
                if (from >= 0)
                    _port.ScheduleRejoin(camera, from);
            }
        }
        if (from < 0)
        {
            try
            {
                camera.StopAcquisition();
                camera.Dispose();
            }
            catch (Exception e)
            {
                _fault(id, TakeFaultSource.Camera, $"closing camera '{id}', reopened as the take ended, failed: {e.Message}", e);
            }
            return true;
        }
        Rejoins++;
        _fault(id, TakeFaultSource.Camera, string.Create(CultureInfo.InvariantCulture,
            $"Camera '{id}' answered again {(SharedTimeline.NowNs() - lostNs) / 1e9:0.0} s after it was lost: reopened, configured and streaming; it rejoins the schedule at frame {from}."), null);
        return true;
    }
}
