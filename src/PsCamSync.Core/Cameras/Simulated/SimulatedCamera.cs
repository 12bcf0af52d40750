using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// One simulated camera <c>sim-k</c>: a GenICam-style feature map (SFNC names, see
/// <see cref="SimulatedCamera.Features"/>) over a sensor model with exposure, readout, trigger overlap, missed
/// triggers and a drifting device clock, streaming frames with the <see cref="SimulatedPattern"/> into an
/// <see cref="IFrameTarget"/> from its own delivery thread. Created by <see cref="SimulatedBackend.Open"/>.
/// </summary>
/// <remarks>
/// <para><b>Triggers.</b> With TriggerMode On and TriggerSource Software, <see cref="Trigger"/> and the TriggerSoftware
/// command start an exposure at host time <c>t + TriggerLatencyUs</c>, where t is the call time on the shared
/// timeline. The sensor refuses a trigger while it is busy (see TriggerOverlap below): the trigger is missed, no frame
/// is made and <see cref="MissedTriggers"/> counts it. Triggers while the device is not acquiring or TriggerMode is
/// Off are ignored and counted in <see cref="IgnoredTriggers"/>. Unless a transfer blocks it (below),
/// <see cref="Trigger"/> never blocks and makes no system call: it reads the clock, takes an uncontended lock, decides, and hands the exposure to the delivery thread
/// through a pre-allocated single-producer/single-consumer queue of <c>256</c> exposures, which that thread polls
/// often enough to hold each exposure before its readout ends; if the queue is full the frame is lost, counted in
/// <see cref="FramesLost"/> and reported through <see cref="IFrameTarget.ReportFault"/>.</para>
/// <para><b>Busy time.</b> TriggerOverlap Off: busy from exposure start until exposure + readout end.
/// TriggerOverlap ReadOut: the next exposure may start during the previous readout, but never during the previous
/// exposure, and only if its own readout would not start before the previous readout ends; with constant exposure
/// the sensor is busy for max(exposure, readout) after an exposure start. Either way a frame is ready at
/// exposure start + exposure + readout.</para>
/// <para><b>Transfer</b> (<see cref="SimulatedCameraOptions.TransferUs"/> above 0). Each frame is read off the link
/// after its readout, one transfer at a time: from <c>max(ready, end of the previous transfer)</c> for TransferUs; the
/// frame reaches the host (HostReceiveNs) when its transfer ends. A software trigger (<see cref="Trigger"/>,
/// TriggerSoftware) that comes while a transfer runs waits, in the caller's thread, until that transfer ends, and
/// reaches the camera only then (counted in <see cref="BlockedTriggers"/>); its exposure starts TriggerLatencyUs
/// after that. Action commands and the action scheduler are not delayed. The camera remembers its last
/// <see cref="TransferHistory"/> transfers for this; the trigger path still allocates nothing.</para>
/// <para><b>Free run.</b> With TriggerMode Off the delivery thread starts exposures itself on the grid
/// <c>start + n × period</c> from AcquisitionStart, period = 1/AcquisitionFrameRate (or 1/MaxFrameRateHz when
/// AcquisitionFrameRateEnable is false), never shorter than the busy time.</para>
/// <para><b>Frames.</b> At the ready time the delivery thread rents a buffer, fills the pattern and sets FrameIndex
/// (the trigger's index; -1 for the TriggerSoftware command and free run), DeviceFrameId (frames produced since
/// StartAcquisition, this one included: 1, 2, ...; a missed trigger takes no id, a dropped or lost frame does),
/// DeviceTimestampNs (exposure start on the device clock), HostReceiveNs (the shared timeline when the ready time
/// was reached, before the pixels are filled), size and format. When <see cref="IFrameTarget.TryRent"/> returns
/// null the frame is reported with <see cref="IFrameTarget.ReportDropped"/>.</para>
/// <para><b>Stop.</b> <see cref="StopAcquisition"/> stops the device (later triggers are ignored; no later
/// free-run exposure starts), then waits until every exposure already started has been delivered (or reported
/// dropped) at its ready time, and joins the delivery thread: pending frames are delivered, not discarded.</para>
/// <para><b>Actions (GigE Vision ACTION_CMD).</b> Once it is set up for actions (below), the camera listens for GVCP datagrams on its own unicast
/// socket, 127.0.0.1:&lt;ephemeral&gt; (<see cref="GvcpEndPoint"/>), and, unless <see cref="SimulatedCameraOptions.GvcpPort"/>
/// is 0, for broadcasts on 0.0.0.0:GvcpPort (default 3956) with SO_REUSEADDR, so every simulated camera of the host gets
/// a copy of a datagram sent to 127.255.255.255 (if another program holds that port without SO_REUSEADDR the camera
/// opens without broadcasts: <see cref="IsListeningForBroadcasts"/> is false and <see cref="GvcpFault"/> says why).
/// The sockets and their thread are made on first need, so a camera used with software triggers only has none: when
/// <see cref="GvcpEndPoint"/> or <see cref="IsListeningForBroadcasts"/> is read, or ActionDeviceKey, ActionSelector,
/// ActionGroupKey, ActionGroupMask, ActionSchedulerTime, ActionSchedulerInterval or TriggerSource (Action0, Action1) is
/// written. Nothing observable is lost: until ActionGroupMask is written no action can match (a mask of 0 overlaps
/// nothing), and a unicast command needs the endpoint. One receive thread waits on both with poll(2), stamps each datagram
/// with the shared timeline when it is read, and allocates nothing per datagram; every ACTION_ACK goes from the unicast
/// socket to the command's source. Action i (0 or 1) fires when device_key = ActionDeviceKey, group_key =
/// ActionGroupKey[i] and group_mask AND ActionGroupMask[i] ≠ 0. A command that fires nothing is ignored: no trigger,
/// no acknowledge, counted in <see cref="ActionsIgnored"/>. Otherwise, if the command asks for one, the camera answers
/// ACTION_ACK with: Success; NoRefTime for a scheduled action while the PTP port is not Slave (not executed, counted in
/// <see cref="ActionsRefused"/>); ActionLate for a scheduled action whose action_time has passed on the camera clock
/// when it arrives (executed at once, as an immediate action, and counted in <see cref="ActionLateCount"/>);
/// NotImplemented for a unicast ACTION_CMD to a camera without actions (a broadcast one gets no answer), or a matching
/// scheduled one to a camera without scheduled actions. A camera unplugged by fault injection receives nothing and answers nothing.</para>
/// <para><b>Action triggers.</b> A fired action that TriggerSource selects (Action0 or Action1), with TriggerMode On
/// while acquiring, starts an exposure; otherwise the fired action is counted in <see cref="IgnoredTriggers"/> (not
/// acquiring, or TriggerMode Off) or does nothing (TriggerSource is another signal). An immediate action starts it at
/// the receive time + TriggerLatencyUs, as a software trigger, stamped with the device clock there. A scheduled action
/// starts it when the camera's own clock (<see cref="Clock"/>, which the PTP servo steers to master +
/// PtpResidualOffsetNs) reads action_time, i.e. at host time <c>Clock.ToHostNs(action_time)</c>, with no trigger
/// latency (the command was processed ahead of time, as a hardware timer fires), and the frame's DeviceTimestampNs is
/// action_time exactly: a camera with residual offset r exposes r early on the shared timeline. Frames of actions carry
/// FrameIndex -1. Scheduled exposures are queued ahead of their start; the sensor keeps one time-ordered timeline, so a
/// later-arriving action whose exposure would start before the sensor is free of an exposure already accepted is
/// missed (<see cref="MissedTriggers"/>). A stop before a scheduled start cancels that exposure
/// (<see cref="ScheduledExposuresCancelled"/>). With TriggerSource Action0 or Action1, <see cref="Trigger"/> and
/// TriggerSoftware are ignored and counted in <see cref="IgnoredTriggers"/>.</para>
/// <para><b>Action scheduler</b> (The Imaging Source names). ActionSchedulerCommit arms action-0 events at camera-clock
/// times <c>T_k = ActionSchedulerTime + k × ActionSchedulerInterval × 1000</c> (ns; interval 0 = one event), each computed
/// from the grid, never accumulated; grid points already passed at the commit are skipped. They fire on their own
/// until ActionSchedulerCancel, each as a scheduled action at T_k (host time <c>Clock.ToHostNs(T_k)</c>, stamped T_k,
/// FrameIndex -1, no latency), handed to the sensor 5 ms ahead by a thread of the scheduler's own. Commit needs PtpStatus
/// Slave (refused with a FeatureException otherwise) and reads ActionSchedulerTime and ActionSchedulerInterval then (later
/// writes apply at the next commit); a new commit replaces the running one. ActionSchedulerStatus is
/// an IInteger: 0 idle (<see cref="SchedulerIdle"/>), 1 committed and waiting for the first event
/// (<see cref="SchedulerWaiting"/>), 2 running (<see cref="SchedulerRunning"/>).</para>
/// <para><see cref="Dispose"/> and <see cref="Abandon"/> cancel the scheduler, stop and join the receive thread and close
/// both sockets. Action counters count since the camera was opened.</para>
/// <para>Width, Height, PixelFormat, AcquisitionMode, TriggerSelector, TriggerMode, TriggerSource and TriggerOverlap
/// are locked while streaming (TLParamsLocked = 1); ExposureTime and AcquisitionFrameRate may change at any time and
/// apply from the next exposure. Counters restart at each <see cref="StartAcquisition"/>.</para>
/// </remarks>
public sealed partial class SimulatedCamera : ICamera
{
    private readonly Lock _lock = new(); // serialises triggers, acquisition state and sensor settings
    private readonly SimulatedSensor _sensor = new();
    private readonly SimulatedCameraOptions _options;
    private readonly SimulatedFeatureMap _features;
    private readonly long _latencyNs;

    // Feature state.
    private int _width;
    private int _height;
    private PixelFormat _pixelFormat;
    private double _exposureUs;
    private double _frameRateHz;
    private bool _frameRateEnable;
    private string _acquisitionMode = "Continuous";
    private string _triggerSelector = "FrameStart";
    private bool _triggerOn;
    private string _triggerSource = "Software";
    private bool _overlapReadOut;
    private long _timestampLatchValue;
    private string _userId = "";

    // Acquisition state: written under _lock.
    private volatile SimulatedStream? _stream;
    private volatile bool _acquiring;
    private long _acquisitionEpoch;
    private long _acquisitionStartNs;
    private long _lastExposureStartHostNs;
    private long _stopHostNs = long.MaxValue; // when the device last stopped acquiring; MaxValue while acquiring
    private bool _disposed;

    // Counters since StartAcquisition.
    private long _framesProduced;
    private long _missedTriggers;
    private long _ignoredTriggers;
    private long _framesLost;
    private long _framesDelivered;
    private long _framesDropped;
    private long _blockedTriggers;
    private long _deliveryAllocatedBytes;

    // Transfers (TransferUs > 0): the last TransferHistory of them, a ring written under _lock.
    private readonly long _transferNs;
    private readonly long[] _transferStartNs = new long[TransferHistory];
    private readonly long[] _transferEndNs = new long[TransferHistory];
    private int _transferCount;
    private long _lastTransferEndNs = long.MinValue;
    private Exception? _unreportedFault;

    private readonly SimulatedPlug? _plug;
    private readonly int _generation;

    internal SimulatedCamera(int index, SimulatedCameraOptions options, SimulatedPlug? plug = null)
    {
        options.Validate();
        _options = options.Clone();
        _plug = plug;
        _generation = plug?.Generation ?? 0;
        Index = index;
        Id = SimulatedBackend.IdOf(index);
        Serial = SimulatedBackend.SerialOf(index);
        Clock = new SimulatedDeviceClock(options.ClockOffsetNs, options.ClockDriftPpm, options.ClockReferenceNs ?? SharedTimeline.NowNs());
        _latencyNs = UsToNs(options.TriggerLatencyUs);
        _width = options.Width;
        _height = options.Height;
        _pixelFormat = options.PixelFormat;
        _exposureUs = options.ExposureUs;
        _frameRateHz = options.MaxFrameRateHz;
        _sensor.ExposureNs = UsToNs(options.ExposureUs);
        _sensor.ReadoutNs = UsToNs(options.ReadoutUs);
        _sensor.OverlapReadOut = _overlapReadOut = options.OverlapReadOut;
        _transferNs = UsToNs(options.TransferUs);
        _features = BuildFeatures();
    }

    /// <summary>Camera index k of <c>sim-k</c> (0-63); it is also encoded in every frame's pattern.</summary>
    public int Index { get; }

    /// <summary>Camera id, <c>sim-k</c>.</summary>
    public string Id { get; }

    /// <summary>Serial number, <c>SIM000</c> .. <c>SIM063</c> (SFNC DeviceSerialNumber).</summary>
    public string Serial { get; }

    /// <summary>The device clock model (offset and drift against the shared timeline).</summary>
    public SimulatedDeviceClock Clock { get; }

    /// <summary>A copy of the model this camera was created with.</summary>
    public SimulatedCameraOptions Options => _options.Clone();

    /// <inheritdoc/>
    /// <exception cref="CameraException">The camera is unplugged (fault injection), after <see cref="SimulatedCameraOptions.NoAnswerMs"/>.</exception>
    public CameraInfo Info
    {
        get
        {
            if (!IsAnswering)
            {
                WaitForNoAnswer();
                throw new CameraException(Id, $"Camera '{Id}': reading Width/Height failed: the camera does not answer (unplugged).");
            }
            return new(SimulatedBackend.BackendName, Id, VendorName, ModelName, Serial, "", _width, _height, _pixelFormat);
        }
    }

    /// <summary>False once the camera is unplugged (fault injection, <see cref="SimulatedCameraOptions.UnplugAfterTriggers"/>):
    /// this object then never answers again, even after the device is back (open it again).</summary>
    public bool IsAnswering => _plug is null || _plug.Answers(_generation);

    /// <summary>
    /// True when <see cref="Trigger"/> may block: only with fault injection that makes it wait
    /// (<see cref="SimulatedCameraOptions.NoAnswerMs"/> or <see cref="SimulatedCameraOptions.SlowTriggerFrameIndex"/>), or
    /// frames take a transfer that blocks triggers (<see cref="SimulatedCameraOptions.TransferUs"/> above 0);
    /// otherwise the trigger never blocks and a capture session calls it from its trigger thread.
    /// </summary>
    public bool TriggerMayBlock => _options.NoAnswerMs > 0 || _options.SlowTriggerFrameIndex is not null || _options.TransferUs > 0;

    /// <summary>Waits <see cref="SimulatedCameraOptions.NoAnswerMs"/>, as a call to a camera that is gone waits for its timeout.
    /// (No lambdas here: a closure over a parameter would allocate on every trigger.)</summary>
    private void WaitForNoAnswer()
    {
        if (_options.NoAnswerMs > 0)
            Thread.Sleep(TimeSpan.FromMilliseconds(_options.NoAnswerMs));
    }

    /// <summary>Feature access on an unplugged camera fails as a timeout would.</summary>
    private void CheckAnswering(string feature)
    {
        if (!IsAnswering)
        {
            WaitForNoAnswer();
            throw new FeatureException(feature, $"{feature}: {Id} does not answer (unplugged).");
        }
    }

    /// <summary>
    /// The camera's feature map: SFNC names, case-sensitive. Errors are <see cref="FeatureException"/> naming the
    /// feature: unknown name, wrong type, read-only, out of range (the message gives the range), unknown entry (the
    /// message lists the entries), or a locked feature written while streaming (TLParamsLocked = 1).
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Device: DeviceVendorName, DeviceModelName, DeviceSerialNumber, DeviceID (IString, read-only),
    /// DeviceUserID (IString, ≤ 16 characters).</item>
    /// <item>Image format: Width (32-8192), Height (1-8192) (IInteger, locked), WidthMax, HeightMax, PayloadSize
    /// (bytes) (IInteger, read-only), PixelFormat (IEnumeration of <see cref="PixelFormat"/> names, locked).</item>
    /// <item>Acquisition: AcquisitionMode (Continuous, SingleFrame; locked), AcquisitionStop (ICommand: triggers are
    /// ignored and free run pauses, the stream stays open), AcquisitionStart (ICommand: re-arms after AcquisitionStop or
    /// a SingleFrame; refused when no stream is open), AcquisitionFrameRateEnable (IBoolean), AcquisitionFrameRate (IFloat, Hz, 1-MaxFrameRateHz), ExposureTime
    /// (IFloat, µs, 10-1000000), SensorReadoutTime (IFloat, µs, read-only).</item>
    /// <item>Trigger: TriggerSelector (FrameStart), TriggerMode (Off, On), TriggerSource (Software, and Action0, Action1
    /// when <see cref="SimulatedCameraOptions.ActionsSupported"/>), TriggerOverlap (Off, ReadOut) (IEnumeration, locked),
    /// TriggerSoftware (ICommand; refused with TriggerMode Off).</item>
    /// <item>Actions (when <see cref="SimulatedCameraOptions.ActionsSupported"/>, the default): ActionDeviceKey (IInteger
    /// 0-4294967295), ActionSelector (IInteger 0-1), ActionGroupKey and ActionGroupMask (IInteger 0-4294967295, of the
    /// action ActionSelector selects); all writable while streaming.</item>
    /// <item>GevSupportedOptionSelector (IEnumeration: Action, ScheduledAction, IEEE1588) and GevSupportedOption (IBoolean,
    /// read-only: whether the selected option is supported; ScheduledAction needs ActionsSupported,
    /// ScheduledActionsSupported and PtpSupported). Always present.</item>
    /// <item>Action scheduler (when <see cref="SimulatedCameraOptions.SchedulerSupported"/> with actions and PTP):
    /// ActionSchedulerTime (IInteger, ns on the camera clock, 0-2^63−1), ActionSchedulerInterval (IInteger, µs,
    /// 0-3600000000; 0 = one event), ActionSchedulerCommit (ICommand; refused unless PtpStatus is Slave),
    /// ActionSchedulerCancel (ICommand), ActionSchedulerStatus (IInteger, read-only: 0 idle, 1 waiting, 2 running).</item>
    /// <item>Timestamp: TimestampLatch (ICommand) latches the device clock into TimestampLatchValue (IInteger, device ns,
    /// read-only).</item>
    /// <item>PTP (when <see cref="SimulatedCameraOptions.PtpSupported"/>, the default; model in
    /// <see cref="SimulatedPtpPort"/>): PtpEnable (IBoolean), PtpStatus (IEnumeration, live: Initializing, Faulty,
    /// Disabled, Listening, PreMaster, Master, Passive, Uncalibrated, Slave), PtpDataSetLatch (ICommand) latching
    /// PtpServoStatus (Unknown, Locked), PtpOffsetFromMaster (IInteger, ns), PtpGrandmasterClockID, PtpParentClockID
    /// and PtpClockID (IInteger: the EUI-64 as a big-endian integer) (all read-only).</item>
    /// <item>Transport layer: TLParamsLocked (IInteger 0/1, read-only).</item>
    /// </list>
    /// </remarks>
    public IFeatureMap Features => _features;

    /// <inheritdoc/>
    public int FrameBytes => PixelFormats.FrameBytes(_width, _height, _pixelFormat);

    /// <inheritdoc/>
    /// <remarks>BusyNs is exposure + readout with TriggerOverlap Off, max(exposure, readout) with ReadOut.</remarks>
    public (double ExposureUs, long BusyNs) TriggerTiming
    {
        get
        {
            lock (_lock)
                return (_exposureUs, _sensor.BusyNs);
        }
    }

    /// <summary>True from <see cref="StartAcquisition"/> until <see cref="StopAcquisition"/> returns (TLParamsLocked).</summary>
    public bool IsStreaming => _stream is not null;

    /// <summary>Exposures started since StartAcquisition (the last DeviceFrameId).</summary>
    public long FramesProduced => Volatile.Read(ref _framesProduced);

    /// <summary>Triggers refused because the sensor was busy (no frame, no frame id).</summary>
    public long MissedTriggers => Volatile.Read(ref _missedTriggers);

    /// <summary>Software triggers since StartAcquisition that waited for a transfer to end before they reached the camera
    /// (<see cref="SimulatedCameraOptions.TransferUs"/>).</summary>
    public long BlockedTriggers => Volatile.Read(ref _blockedTriggers);

    /// <summary>How many of the latest transfers the camera remembers to block software triggers during them (16).</summary>
    public const int TransferHistory = 16;

    /// <summary>Triggers while the device was not acquiring, or with TriggerMode Off.</summary>
    public long IgnoredTriggers => Volatile.Read(ref _ignoredTriggers);

    /// <summary>Frames lost because the on-camera queue to the delivery thread was full.</summary>
    public long FramesLost => Volatile.Read(ref _framesLost);

    /// <summary>Frames handed to <see cref="IFrameTarget.Deliver"/>.</summary>
    public long FramesDelivered => Volatile.Read(ref _framesDelivered);

    /// <summary>Frames reported with <see cref="IFrameTarget.ReportDropped"/> (no buffer was free).</summary>
    public long FramesDropped => Volatile.Read(ref _framesDropped);

    /// <summary>A delivery fault the frame target could not record (its ReportFault threw), or null.</summary>
    public Exception? UnreportedFault => Volatile.Read(ref _unreportedFault);

    /// <summary>Bytes the delivery thread had allocated after its last frame (GC.GetAllocatedBytesForCurrentThread).</summary>
    internal long DeliveryAllocatedBytes => Volatile.Read(ref _deliveryAllocatedBytes);

    /// <inheritdoc/>
    /// <remarks>Also sets AcquisitionMode Continuous. Refused while streaming (the trigger features are locked then),
    /// and a bad exposure is refused before anything changes.</remarks>
    public void ConfigureSoftwareTrigger(double? exposureUs)
    {
        if (IsStreaming)
            throw new FeatureException("TriggerMode", $"TriggerMode cannot be changed while {Id} is acquiring (TLParamsLocked = 1); call StopAcquisition first.");
        if (exposureUs is double us)
            _features.SetFloat("ExposureTime", us); // first: a bad exposure changes nothing
        _features.SetEnumeration("TriggerSelector", "FrameStart");
        _features.SetEnumeration("AcquisitionMode", "Continuous");
        _features.SetEnumeration("TriggerMode", "On");
        _features.SetEnumeration("TriggerSource", "Software");
    }

    /// <inheritdoc/>
    /// <exception cref="CameraException">The camera is closed or already streaming.</exception>
    public void StartAcquisition(IFrameTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        SimulatedStream stream;
        lock (_lock)
        {
            if (_disposed)
                throw new CameraException(Id, $"{Id} is closed; open it again with the Simulated backend.");
            if (_stream is not null)
                throw new CameraException(Id, $"{Id} is already acquiring; call StopAcquisition first.");
            _framesProduced = _missedTriggers = _ignoredTriggers = _framesLost = _framesDelivered = _framesDropped = _blockedTriggers = 0;
            _sensor.Reset();
            _transferCount = 0;
            _lastTransferEndNs = long.MinValue;
            stream = new SimulatedStream(this, target, _width, _height, _pixelFormat, freeRun: !_triggerOn);
            _stream = stream;
            StartDevice();
        }
        try
        {
            stream.Start();
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                StopDevice();
                _stream = null;
            }
            throw new CameraException(Id, $"{Id}: the delivery thread could not be started: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="CameraException">The camera is unplugged (fault injection): after <see cref="SimulatedCameraOptions.NoAnswerMs"/>.</exception>
    public void Trigger(long frameIndex)
    {
        if (_plug is not null && !(frameIndex >= 0 ? _plug.TryTrigger(_generation) : _plug.Answers(_generation)))
        {
            WaitForNoAnswer();
            throw new CameraException(Id, $"Camera '{Id}': the trigger for frame {frameIndex} was not answered (unplugged).");
        }
        if (frameIndex == _options.SlowTriggerFrameIndex && _options.SlowTriggerMs > 0)
            Thread.Sleep(TimeSpan.FromMilliseconds(_options.SlowTriggerMs)); // reaches the sensor late, as after a retry
        WaitOutTransfer();
        TriggerAt(frameIndex, SharedTimeline.NowNs());
    }

    /// <summary>
    /// Blocks the calling thread while a transfer runs (<see cref="SimulatedCameraOptions.TransferUs"/>), until it ends;
    /// again if the next one has started by then. Returns at once without transfers.
    /// </summary>
    private void WaitOutTransfer()
    {
        if (_transferNs <= 0)
            return;
        bool blocked = false;
        while (true)
        {
            long now = SharedTimeline.NowNs();
            long endNs;
            lock (_lock)
                endNs = TransferRunningAt(now);
            if (endNs == long.MinValue)
                break;
            blocked = true;
            var wake = LibC.Timespec.FromNs(endNs);
            LibC.ClockNanosleep(LibC.CLOCK_REALTIME, LibC.TIMER_ABSTIME, in wake, IntPtr.Zero); // EINTR: looked at again
        }
        if (blocked)
            Interlocked.Increment(ref _blockedTriggers);
    }

    /// <summary>The end of the transfer that runs at host time <paramref name="hostNs"/> (ns), or long.MinValue when none does (a test hook).</summary>
    internal long TransferEndAt(long hostNs)
    {
        lock (_lock)
            return TransferRunningAt(hostNs);
    }

    /// <summary>The end of the remembered transfer that runs at <paramref name="hostNs"/>, or long.MinValue. Called under _lock.</summary>
    private long TransferRunningAt(long hostNs)
    {
        int n = Math.Min(_transferCount, TransferHistory);
        for (int i = 0; i < n; i++)
        {
            int slot = (_transferCount - 1 - i) % TransferHistory;
            if (_transferStartNs[slot] <= hostNs && hostNs < _transferEndNs[slot])
                return _transferEndNs[slot];
        }
        return long.MinValue;
    }

    /// <summary>Books the transfer of a frame ready at <paramref name="readyNs"/>; returns when it reaches the host. Called under _lock.</summary>
    private long BookTransfer(long readyNs)
    {
        if (_transferNs <= 0)
            return readyNs;
        long start = Math.Max(readyNs, _lastTransferEndNs);
        _lastTransferEndNs = start + _transferNs;
        int slot = _transferCount % TransferHistory;
        _transferStartNs[slot] = start;
        _transferEndNs[slot] = _lastTransferEndNs;
        if (++_transferCount == 2 * TransferHistory)
            _transferCount = TransferHistory; // same slots, no overflow
        return _lastTransferEndNs;
    }

    /// <summary>
    /// The trigger as if it reached the camera at host time <paramref name="hostNs"/> (shared timeline), so tests can
    /// place triggers exactly. Times must not run backwards; the frame is delivered at its ready time as usual.
    /// </summary>
    /// <returns>True when an exposure started and was queued.</returns>
    internal bool TriggerAt(long frameIndex, long hostNs)
    {
        SimulatedStream? stream;
        lock (_lock)
        {
            stream = _stream;
            if (stream is null || !_acquiring || !_triggerOn || _triggerSource != "Software")
            {
                _ignoredTriggers++;
                return false;
            }
            if (!TryExpose(frameIndex, hostNs + _latencyNs, out var exposure))
                return false;
            if (!stream.TryEnqueue(exposure))
            {
                _framesLost++;
                return false;
            }
        }
        return true; // no wake-up: the delivery thread polls in time (see IdlePollNs)
    }

    /// <inheritdoc/>
    /// <exception cref="CameraException">Called from the delivery thread (inside <see cref="IFrameTarget.Deliver"/>).</exception>
    public void StopAcquisition()
    {
        if (_stream is { } unanswered && !IsAnswering)
        {
            // As a GigE Vision camera that is gone: AcquisitionStop times out and is reported; the host side stops anyway.
            WaitForNoAnswer();
            var fault = new CameraException(Id, $"Camera '{Id}': AcquisitionStop failed: the camera does not answer (unplugged).");
            try { unanswered.Target.ReportFault(fault.Message, fault); }
            catch (Exception e) { OnUnreportedFault(e); }
        }
        StopLocally();
    }

    /// <summary>Stops the delivery thread without asking the device anything, cancels the action scheduler, closes the GVCP sockets and the camera (see <see cref="ICamera.Abandon"/>).</summary>
    public void Abandon()
    {
        StopLocally();
        CloseActions();
        lock (_lock)
            _disposed = true;
    }

    private void StopLocally()
    {
        SimulatedStream? stream;
        lock (_lock)
        {
            stream = _stream;
            if (stream is null)
                return;
            if (stream.IsDeliveryThread)
                throw new CameraException(Id, $"{Id}: StopAcquisition was called on the delivery thread (from the frame target); call it from another thread.");
            StopDevice();
            stream.RequestStop();
        }
        stream.Join();
        lock (_lock)
        {
            if (ReferenceEquals(_stream, stream))
                _stream = null;
        }
    }

    /// <summary>Stops acquisition (see <see cref="StopAcquisition"/>), cancels the action scheduler, closes the GVCP sockets
    /// (joining their receive thread) and closes the camera.</summary>
    public void Dispose()
    {
        StopAcquisition();
        CloseActions();
        lock (_lock)
            _disposed = true;
    }

    // ---- Called under _lock ----

    private void StartDevice()
    {
        if (_acquiring)
            return;
        _acquiring = true;
        _acquisitionEpoch++;
        _acquisitionStartNs = SharedTimeline.NowNs();
        Volatile.Write(ref _stopHostNs, long.MaxValue);
    }

    private void StopDevice() => StopDeviceAt(SharedTimeline.NowNs());

    private void StopDeviceAt(long hostNs)
    {
        if (!_acquiring)
            return;
        _acquiring = false;
        Volatile.Write(ref _stopHostNs, hostNs);
    }

    /// <param name="frameIndex">The trigger's schedule index, or -1.</param>
    /// <param name="startNs">Exposure start, host ns.</param>
    /// <param name="exposure">The accepted exposure.</param>
    /// <param name="scheduledDeviceNs">For a scheduled action or scheduler event: its time on the device clock, which
    /// becomes the stamp exactly (no round trip through the clock model); null: the device clock at <paramref name="startNs"/>.</param>
    private bool TryExpose(long frameIndex, long startNs, out PendingExposure exposure, long? scheduledDeviceNs = null)
    {
        if (!_sensor.TryStartExposure(startNs, out long readyNs))
        {
            _missedTriggers++;
            exposure = default;
            return false;
        }
        long id = ++_framesProduced;
        _lastExposureStartHostNs = startNs;
        long arrivalNs = BookTransfer(readyNs);
        exposure = new PendingExposure(frameIndex, id, scheduledDeviceNs ?? Clock.ToDeviceNs(startNs), startNs, arrivalNs,
            _acquisitionEpoch, scheduledDeviceNs.HasValue);
        if (_acquisitionMode == "SingleFrame")
            StopDeviceAt(startNs + 1); // the device ends a SingleFrame acquisition by itself
        return true;
    }

    // ---- Called by the delivery thread ----

    /// <summary>True when acquisition <paramref name="epoch"/> is (or was) running at host time <paramref name="hostNs"/>.</summary>
    internal bool IsRunningAt(long epoch, long hostNs) =>
        Volatile.Read(ref _acquisitionEpoch) == epoch && hostNs < Volatile.Read(ref _stopHostNs);

    /// <summary>The current acquisition epoch, its start and the free-run period (ns, never below the busy time).</summary>
    internal void GetFreeRun(out long epoch, out long acquisitionStartNs, out double periodNs)
    {
        lock (_lock)
        {
            epoch = _acquisitionEpoch;
            acquisitionStartNs = _acquisitionStartNs;
            double rate = _frameRateEnable ? _frameRateHz : _options.MaxFrameRateHz;
            periodNs = Math.Max(1e9 / rate, _sensor.BusyNs);
        }
    }

    /// <summary>
    /// Starts the free-run exposure due at <paramref name="startNs"/> (or as soon after as the sensor allows) if
    /// acquisition <paramref name="epoch"/> was running then.
    /// </summary>
    internal bool TryExposeFreeRun(long epoch, long startNs, out PendingExposure exposure)
    {
        lock (_lock)
        {
            startNs = Math.Max(startNs, _sensor.EarliestStartNs);
            if (!IsRunningAt(epoch, startNs))
            {
                exposure = default;
                return false;
            }
            return TryExpose(-1, startNs, out exposure);
        }
    }

    /// <summary>
    /// How long the idle delivery thread may sleep between looks at the queue, ns: half the shortest time from a
    /// trigger to its frame being ready (latency + exposure + readout), clamped to 50 µs-1 ms.
    /// </summary>
    internal long IdlePollNs() => Math.Clamp((_latencyNs + _sensor.ExposureNs + _sensor.ReadoutNs) / 2, 50_000, 1_000_000);

    /// <summary>When an exposure starting at <paramref name="startNs"/> would be read out at the current settings (no lock: a hint).</summary>
    internal long PredictReadyNs(long startNs) => startNs + _sensor.ExposureNs + _sensor.ReadoutNs;

    /// <summary>Host time (shared timeline, ns) at which the last accepted exposure starts (a test hook: frames do not carry it).</summary>
    internal long LastExposureStartHostNs
    {
        get
        {
            lock (_lock)
                return _lastExposureStartHostNs;
        }
    }

    /// <summary>Host time of the last acquisition start, ns (the free-run grid's origin).</summary>
    internal long AcquisitionStartHostNs
    {
        get
        {
            lock (_lock)
                return _acquisitionStartNs;
        }
    }

    /// <summary>Host time the device last stopped acquiring, ns; long.MaxValue while acquiring.</summary>
    internal long StopHostNs => Volatile.Read(ref _stopHostNs);

    internal void OnDelivered(bool dropped)
    {
        Volatile.Write(ref _deliveryAllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        if (dropped)
            Interlocked.Increment(ref _framesDropped);
        else
            Interlocked.Increment(ref _framesDelivered);
    }

    internal void OnUnreportedFault(Exception fault) => Volatile.Write(ref _unreportedFault, fault);

    private static long UsToNs(double us) => (long)Math.Round(us * 1000);
}
