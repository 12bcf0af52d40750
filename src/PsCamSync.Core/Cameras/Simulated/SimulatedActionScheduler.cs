namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// A committed action scheduler of one simulated camera: it fires action 0 at the camera-clock times
/// <c>T_k = t0 + k × interval</c> (k = 0, 1, ...; each computed from the grid, never accumulated) until cancelled;
/// interval 0 fires once. Grid points that have passed on the camera clock when it is committed are skipped.
/// </summary>
/// <remarks>
/// Its thread maps each T_k to the shared timeline with <see cref="SimulatedDeviceClock.ToHostNs"/> (so the PTP servo's
/// steering, residual offset included, decides when it fires) and hands the exposure to the camera
/// <see cref="LeadNs"/> ahead of that time: the exposure start is exact whatever this thread's wake-up error, as the
/// camera's own timer is. Nothing is allocated per event.
/// </remarks>
internal sealed class SimulatedActionScheduler
{
    /// <summary>How far ahead of T_k (host time) the event is handed to the camera, ns (5 ms).</summary>
    public const long LeadNs = 5_000_000;

    private readonly SimulatedCamera _camera;
    private readonly long _firstNs;
    private readonly long _intervalNs;
    private readonly ManualResetEventSlim _cancel = new(false);
    private readonly Thread _thread;
    private long _k;
    private volatile bool _finished;
    private long _eventsFired;
    private long _allocatedBytes;

    /// <param name="camera">The camera to fire.</param>
    /// <param name="startDeviceNs">t0, ns on the camera clock.</param>
    /// <param name="intervalNs">The grid's step, ns; 0: fire once.</param>
    public SimulatedActionScheduler(SimulatedCamera camera, long startDeviceNs, long intervalNs)
    {
        _camera = camera;
        _firstNs = startDeviceNs;
        _intervalNs = intervalNs;
        long now = camera.Clock.NowNs();
        if (intervalNs > 0 && now > startDeviceNs)
            _k = (now - startDeviceNs + intervalNs - 1) / intervalNs; // the first point not yet passed
        FirstEventDeviceNs = _firstNs + _k * _intervalNs;
        _thread = new Thread(Run) { IsBackground = true, Name = $"{camera.Id} action scheduler" };
    }

    /// <summary>The first event this scheduler fires, ns on the camera clock.</summary>
    public long FirstEventDeviceNs { get; }

    /// <summary>Events handed to the camera so far.</summary>
    public long EventsFired => Volatile.Read(ref _eventsFired);

    /// <summary>GC.GetAllocatedBytesForCurrentThread on the scheduler thread after its last event, bytes.</summary>
    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    /// <summary>
    /// ActionSchedulerStatus at camera time <paramref name="deviceNowNs"/>: 0 idle (cancelled, a single shot already
    /// fired, or the thread failed), 1 committed and waiting for the first event, 2 running.
    /// </summary>
    public int StatusAt(long deviceNowNs) =>
        _cancel.IsSet ? 0 : deviceNowNs < FirstEventDeviceNs ? 1 : _intervalNs == 0 || _finished ? 0 : 2;

    /// <summary>Starts the scheduler thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>Stops the scheduler and joins its thread: no event fires after this returns.</summary>
    public void Cancel()
    {
        _cancel.Set();
        if (Thread.CurrentThread != _thread && _thread.IsAlive)
            _thread.Join();
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                long deviceNs = _firstNs + _k * _intervalNs;
                long hostNs = _camera.Clock.ToHostNs(deviceNs);
                long waitNs = hostNs - LeadNs - Timing.SharedTimeline.NowNs();
                if (waitNs > 0 && _cancel.Wait(TimeSpan.FromTicks(Math.Max(1, waitNs / 100))))
                    return;
                if (_cancel.IsSet)
                    return;
                if (Timing.SharedTimeline.NowNs() < hostNs - LeadNs)
                    continue; // woke early: wait the rest
                _camera.FireScheduledEvent(deviceNs, hostNs);
                Volatile.Write(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                Interlocked.Increment(ref _eventsFired);
                if (_intervalNs == 0)
                    return;
                _k++;
            }
        }
        catch (Exception e)
        {
            _camera.OnGvcpFault(new CameraException(_camera.Id, $"{_camera.Id}: the action scheduler thread failed and stopped: {e.Message}", e));
        }
        finally
        {
            _finished = true;
        }
    }
}
