using PsCamSync.Core.Concurrency;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>An accepted exposure on its way to the host: what the delivery thread needs to produce the frame.</summary>
/// <param name="FrameIndex">Schedule index of the trigger, or -1 (TriggerSoftware command, free run).</param>
/// <param name="DeviceFrameId">Frames produced since StartAcquisition, this one included (1, 2, ...).</param>
/// <param name="DeviceTimestampNs">Exposure start on the device clock, ns.</param>
/// <param name="ExposureStartHostNs">Exposure start on the shared timeline, ns.</param>
/// <param name="ReadyHostNs">When the frame reaches the host on the shared timeline, ns: the end of its readout, or of
/// its transfer when the camera has one (<see cref="SimulatedCameraOptions.TransferUs"/>).</param>
/// <param name="Epoch">The acquisition (AcquisitionStart count) it belongs to.</param>
/// <param name="Scheduled">True for a scheduled action or scheduler event, queued ahead of its start: it is cancelled
/// when acquisition stops before it starts.</param>
internal readonly record struct PendingExposure(
    long FrameIndex, long DeviceFrameId, long DeviceTimestampNs, long ExposureStartHostNs, long ReadyHostNs,
    long Epoch = 0, bool Scheduled = false);

/// <summary>
/// One acquisition of a simulated camera: the delivery thread and the pre-allocated queue that feeds it.
/// Triggered: the trigger path only enqueues accepted exposures (no signal, no system call); the idle thread polls the
/// queue every half of the shortest trigger-to-ready time (latency + exposure + readout, clamped to 50 µs-1 ms), so
/// it always holds an exposure before it is ready; it then waits until the readout ends, fills a rented buffer and
/// delivers it. Exposures of scheduled actions and of the action scheduler are queued ahead of their start (in time
/// order: the sensor refuses an earlier start than one it already accepted); the thread holds such an exposure until
/// its start and drops it, counted in <see cref="SimulatedCamera.ScheduledExposuresCancelled"/>, when acquisition
/// stops (or restarts) before then. Free run: the thread itself starts exposures on the frame-rate grid
/// (decided when it wakes at each frame's ready time).
/// Waiting sleeps with <c>clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME)</c> in slices of at most 20 ms, then spins
/// the last 200 µs. Nothing here allocates per frame.
/// </summary>
internal sealed class SimulatedStream
{
    /// <summary>Exposures the camera holds between trigger and delivery ("on-camera frame memory").</summary>
    public const int QueueCapacity = 256;

    private const long SpinNs = 200_000;
    private const long SliceNs = 20_000_000;

    private readonly SimulatedCamera _camera;
    private readonly IFrameTarget _target;
    private readonly SpscQueue<PendingExposure> _queue = new(QueueCapacity);
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly Thread _thread;
    private readonly int _width;
    private readonly int _height;
    private readonly int _frameBytes;
    private readonly PixelFormat _format;
    private readonly bool _freeRun;
    private volatile bool _stopRequested;
    private long _lostReported;

    public SimulatedStream(SimulatedCamera camera, IFrameTarget target, int width, int height, PixelFormat format, bool freeRun)
    {
        _camera = camera;
        _target = target;
        _width = width;
        _height = height;
        _format = format;
        _frameBytes = PixelFormats.FrameBytes(width, height, format);
        _freeRun = freeRun;
        _thread = new Thread(Run) { IsBackground = true, Name = $"{camera.Id} delivery" };
    }

    /// <summary>True when called on this stream's delivery thread.</summary>
    public bool IsDeliveryThread => Thread.CurrentThread == _thread;

    /// <summary>Starts the delivery thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>Hands an accepted exposure to the delivery thread (producer side; the camera's lock is held).</summary>
    public bool TryEnqueue(in PendingExposure exposure) => _queue.TryEnqueue(exposure);

    /// <summary>Wakes the delivery thread when it waits for an acquisition restart (free run).</summary>
    public void Signal() => _signal.Release();

    /// <summary>Asks the thread to finish: queued exposures are still delivered, then it exits.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        _signal.Release();
    }

    /// <summary>Waits for the delivery thread to exit.</summary>
    public void Join() => _thread.Join();

    private void Run()
    {
        try
        {
            if (_freeRun)
                RunFreeRun();
            else
                RunTriggered();
        }
        catch (Exception e)
        {
            Fault($"{_camera.Id}: the delivery thread failed and stopped; later frames of this acquisition were not delivered. {e.Message}", e);
        }
        ReportLost();
    }

    private void RunTriggered()
    {
        while (true)
        {
            ReportLost();
            bool stopping = _stopRequested; // read before the queue: every enqueue happened before the stop
            if (_queue.TryDequeue(out var exposure))
            {
                // A scheduled exposure waits for its start first: a stop before then cancels it.
                if (exposure.Scheduled && !WaitUntil(exposure.ExposureStartHostNs, exposure.Epoch, exposure.ExposureStartHostNs))
                {
                    _camera.OnScheduledExposureCancelled();
                    continue;
                }
                WaitUntil(exposure.ReadyHostNs, freeRunEpoch: -1);
                DeliverOne(exposure);
                continue;
            }
            if (stopping)
                return;
            var poll = LibC.Timespec.FromNs(_camera.IdlePollNs());
            LibC.ClockNanosleep(LibC.CLOCK_MONOTONIC, 0, in poll, IntPtr.Zero);
        }
    }

    private void RunFreeRun()
    {
        long epoch = -1, baseNs = 0, n = 0, lastStartNs = 0;
        double periodNs = 0;
        while (true)
        {
            _camera.GetFreeRun(out long currentEpoch, out long acquisitionStartNs, out double currentPeriodNs);
            if (currentEpoch != epoch)
                (epoch, baseNs, n, periodNs) = (currentEpoch, acquisitionStartNs, 0, currentPeriodNs); // (re)started
            else if (currentPeriodNs != periodNs) // the rate changed: a new grid from the last frame
                (baseNs, n, periodNs) = n == 0 ? (baseNs, 0L, currentPeriodNs) : (lastStartNs, 1L, currentPeriodNs);
            long startNs = baseNs + (long)Math.Round(n * periodNs);
            if (!_camera.IsRunningAt(epoch, startNs))
            {
                // The device stopped before this exposure (StopAcquisition, AcquisitionStop, SingleFrame done).
                if (_stopRequested)
                    return;
                _signal.Wait(50); // until AcquisitionStart or the end of the stream
                continue;
            }
            // One wake per frame, at its (predicted) ready time: whether the exposure started before a stop is decided
            // from the recorded stop time, so there is no need to be awake at the exposure start.
            if (!WaitUntil(_camera.PredictReadyNs(startNs), epoch, startNs))
                continue; // stopped before this exposure, or restarted
            if (!_camera.TryExposeFreeRun(epoch, startNs, out var exposure))
                continue;
            if (exposure.ExposureStartHostNs != startNs)
                (baseNs, n) = (exposure.ExposureStartHostNs, 0); // the sensor was still busy (exposure grew): regrid
            lastStartNs = exposure.ExposureStartHostNs;
            n++;
            WaitUntil(exposure.ReadyHostNs, freeRunEpoch: -1);
            DeliverOne(exposure);
        }
    }

    /// <summary>
    /// Sleeps until <paramref name="deadlineNs"/> on the shared timeline. With <paramref name="freeRunEpoch"/> ≥ 0 it
    /// gives up (returns false) once that acquisition is known not to be running at <paramref name="exposureStartNs"/>
    /// (stopped earlier, or restarted).
    /// </summary>
    private bool WaitUntil(long deadlineNs, long freeRunEpoch, long exposureStartNs = 0)
    {
        while (true)
        {
            if (freeRunEpoch >= 0 && !_camera.IsRunningAt(freeRunEpoch, exposureStartNs))
                return false;
            long now = SharedTimeline.NowNs();
            long remaining = deadlineNs - now;
            if (remaining <= 0)
                return true;
            if (remaining > SpinNs)
            {
                var wake = LibC.Timespec.FromNs(Math.Min(deadlineNs - SpinNs, now + SliceNs));
                LibC.ClockNanosleep(LibC.CLOCK_REALTIME, LibC.TIMER_ABSTIME, in wake, IntPtr.Zero); // EINTR: loop again
            }
            else
            {
                Thread.SpinWait(32);
            }
        }
    }

    /// <summary>The frame target (for faults reported by the camera).</summary>
    public IFrameTarget Target => _target;

    private void DeliverOne(in PendingExposure exposure)
    {
        if (!_camera.IsAnswering)
            return; // unplugged (fault injection): the frame is lost in the cable
        long receivedNs = SharedTimeline.NowNs();
        bool dropped = false;
        try
        {
            var buffer = _target.TryRent();
            if (buffer is null)
            {
                dropped = true;
                _target.ReportDropped(exposure.FrameIndex, exposure.DeviceTimestampNs, receivedNs);
            }
            else
            {
                buffer.FrameIndex = exposure.FrameIndex;
                buffer.DeviceFrameId = exposure.DeviceFrameId;
                buffer.DeviceTimestampNs = exposure.DeviceTimestampNs;
                buffer.HostReceiveNs = receivedNs;
                buffer.Width = _width;
                buffer.Height = _height;
                buffer.PixelFormat = _format;
                if (buffer.Data.Length < _frameBytes)
                {
                    buffer.Length = 0;
                    buffer.ReceivedBytes = 0;
                    buffer.Incomplete = true;
                    Fault($"{_camera.Id}: the target's buffer holds {buffer.Data.Length} bytes but a frame needs {_frameBytes}; frame {exposure.DeviceFrameId} was delivered empty and incomplete.", null);
                }
                else
                {
                    long patternId = exposure.FrameIndex >= 0 ? exposure.FrameIndex : exposure.DeviceFrameId;
                    SimulatedPattern.Fill(buffer.Data.AsSpan(0, _frameBytes), _width, _height, _format, _camera.Index, patternId);
                    buffer.Length = _frameBytes;
                    buffer.ReceivedBytes = _frameBytes;
                    buffer.Incomplete = false;
                }
                _target.Deliver(buffer);
            }
        }
        catch (Exception e)
        {
            Fault($"{_camera.Id}: delivering frame {exposure.DeviceFrameId} failed: {e.Message}", e);
        }
        _camera.OnDelivered(dropped);
    }

    private void ReportLost()
    {
        long lost = _camera.FramesLost;
        if (lost == _lostReported)
            return;
        Fault($"{_camera.Id}: {lost - _lostReported} frame(s) lost: the on-camera frame memory ({QueueCapacity} frames) was full because delivery fell behind.", null);
        _lostReported = lost;
    }

    private void Fault(string message, Exception? exception)
    {
        try
        {
            _target.ReportFault(message, exception);
        }
        catch (Exception e)
        {
            _camera.OnUnreportedFault(new CameraException(_camera.Id, message + $" (the frame target could not record this: {e.Message})", exception ?? e));
        }
    }
}
