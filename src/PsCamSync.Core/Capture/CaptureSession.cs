using System.Reflection;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>A point-in-time view of a running take, for progress bars.</summary>
/// <param name="Take">Take name.</param>
/// <param name="State">Current state.</param>
/// <param name="NextFrameIndex">The next schedule index the trigger thread will fire.</param>
/// <param name="FirstFrameIndex">First index of this host's take.</param>
/// <param name="EndFrameIndex">One past the last index (moves earlier after a scheduled stop).</param>
/// <param name="Captured">Complete frames written, all cameras.</param>
/// <param name="Lost">Slots missed, late or dropped, all cameras.</param>
/// <param name="SecondsToStart">Seconds until T0 (negative once running).</param>
public readonly record struct CaptureProgress(
    string Take, TakeState State, long NextFrameIndex, long FirstFrameIndex, long EndFrameIndex,
    long Captured, long Lost, double SecondsToStart)
{
    /// <summary>Percentage of this host's slots already fired, 0-100.</summary>
    public int PercentComplete => EndFrameIndex <= FirstFrameIndex ? 100
        : (int)Math.Clamp(100 * (NextFrameIndex - FirstFrameIndex) / (EndFrameIndex - FirstFrameIndex), 0, 100);
}

/// <summary>
/// One take on one host: a trigger thread firing every camera at <c>Tn</c>, a receive path per camera filling a
/// bounded <see cref="FrameRing"/>, and a writer per camera draining it into the take folder
/// (<c>take.json</c>, <c>&lt;camera&gt;.frames.csv</c>, video). Every slot ends in exactly one
/// <see cref="FrameStatus"/>; faults are recorded in the manifest and never lose what was already written.
/// </summary>
public sealed class CaptureSession : IRunningTake
{
    /// <summary>Margin between "now" and the first frame this host will fire, ns (2 ms).</summary>
    public const long JoinMarginNs = 2_000_000;

    private readonly object _gate = new();
    private readonly CaptureOptions _options;
    private readonly CameraPipeline[] _pipelines;
    private readonly TakeManifest _manifest;
    private readonly TriggerLoop _loop;
    private readonly TriggerThread _trigger;
    private readonly WakeErrorStatistics _wakeErrors;
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource<TakeManifest> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimestampDeltaResult[]? _clockStart; // latches before the take, per camera (null: not measured)
    private readonly long _startedNs; // when Start was called, ns on the shared timeline
    private volatile bool _stoppedEarly;
    private string? _stopReason; // set once, before Stop, by StopForProcessEnd
    private bool _memoryLockHeld; // this take still counts in LiveTakes' memory lock (finaliser thread only after start)
    private volatile bool _finished;
    private TakeFault? _diskFullFault; // the one fault of a full disk, completed with its counts when finalising
    private volatile TakeFolderException? _finalManifestError;

    private CaptureSession(TriggerThread trigger, CaptureOptions options, string takePath, string name, CameraPipeline[] pipelines,
        TakeManifest manifest, long firstIndex, long endIndex, long lateToleranceNs, long startedNs, ActionTrigger? action)
    {
        _action = action;
        _startedNs = startedNs;
        _options = options;
        TakePath = takePath;
        Name = name;
        _pipelines = pipelines;
        _manifest = manifest;
        _trigger = trigger;
        _wakeErrors = new WakeErrorStatistics(checked((int)Math.Min(endIndex - firstIndex, 1_000_000)));
        _loop = new TriggerLoop(options.Schedule, firstIndex, endIndex, pipelines, trigger.Timer, _wakeErrors, lateToleranceNs, RecordFault, action)
        {
            ArmSchedulers = action?.Mode == SyncTriggerMode.CameraScheduler ? ArmSchedulers : null,
        };
        _recoveries = ConnectTriggerPorts(firstIndex, lateToleranceNs);
    }

    private readonly CameraRecovery[] _recoveries;
    private readonly ActionTrigger? _action; // null for Software triggers
    private readonly Lock _rejoinGate = new();
    private volatile bool _finalising;

    /// <summary>How long finalising waits for lost cameras' connections to be released before it reports them, ns (300 ms).</summary>
    public const long ReleaseWaitNs = 300_000_000;

    /// <summary>Gives every pipeline its <see cref="TriggerPort"/> and recovery thread (started with the take).</summary>
    private CameraRecovery[] ConnectTriggerPorts(long firstIndex, long lateToleranceNs)
    {
        var schedule = _options.Schedule;
        int lossSlots = CameraLossRule.SlotsFor(schedule.PeriodNs);
        var recoveries = new CameraRecovery[_pipelines.Length];
        for (int i = 0; i < _pipelines.Length; i++)
        {
            var p = _pipelines[i];
            var info = _manifest.Cameras[i];
            p.LateToleranceNs = lateToleranceNs;
            var port = new TriggerPort(p, p.Camera, firstIndex, lateToleranceNs, lossSlots, 1024, (_options.Timer ?? new TriggerTimerOptions()).FifoPriority,
                schedule, groupSent: _action is not null);
            p.Port = port;
            var identity = new CameraRecovery.TakeCameraIdentity(info.Backend, info.Id, info.Serial, info.Address, _options.ExposureUs ?? RecordedExposureUs(info),
                info.Width, info.Height, info.PixelFormat);
            string backendName = info.Backend;
            ICameraBackend? backend = null;
            var recovery = new CameraRecovery(p, port, identity, schedule,
                () => backend ??= _options.Backends?.FirstOrDefault(b => string.Equals(b.Name, backendName, StringComparison.OrdinalIgnoreCase))
                    ?? CameraBackends.Create(backendName, Cameras.Simulated.SimulatedBackend.MaxCameras),
                RecordFault, _rejoinGate, () => _finalising, _action);
            port.OnLost = _ => recovery.Signal();
            recoveries[i] = recovery;
        }
        return recoveries;
    }

    /// <summary>The exposure recorded when the take started (ExposureTime or ExposureTimeAbs), µs, or null.</summary>
    private static double? RecordedExposureUs(TakeCamera camera)
    {
        foreach (var name in new[] { "ExposureTime", "ExposureTimeAbs" })
            if (camera.Settings.TryGetValue(name, out var text) &&
                double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var us) && us > 0)
                return us;
        return null;
    }

    /// <summary>The take folder (absolute path).</summary>
    public string TakePath { get; }

    /// <summary>Take name.</summary>
    public string Name { get; }

    /// <summary>The schedule this take follows.</summary>
    public FrameSchedule Schedule => _options.Schedule;

    /// <summary>The manifest as it stands (final once <see cref="Completion"/> has finished).</summary>
    public TakeManifest Manifest => _manifest;

    /// <summary>Finishes with the final manifest once the take has been finalised; never faults (faults go into the manifest).</summary>
    public Task<TakeManifest> Completion => _done.Task;

    /// <summary>True once the take has been finalised.</summary>
    public bool IsFinished => _finished;

    /// <summary>
    /// Null, or why the final <c>take.json</c> could not be written (set before <see cref="Completion"/> finishes): the
    /// file on disk then still describes the take as it started (State Recording). <see cref="Completion"/>'s manifest
    /// is the truth in that case; the cmdlets report this as an error naming the take folder.
    /// </summary>
    public TakeFolderException? FinalManifestError => _finalManifestError;

    /// <summary>
    /// Validates everything, configures the cameras, creates the take folder, writes <c>take.json</c> and starts the
    /// threads. Returns at once; the take runs until its schedule ends or <see cref="Stop"/>.
    /// </summary>
    /// <param name="cameras">Open cameras; the session owns them from here and disposes them when the take ends
    /// (or when this method throws).</param>
    /// <param name="options">Schedule, folder, encoder, buffers.</param>
    /// <exception cref="InvalidCaptureArgumentException">Bad input; ParameterName says which (CameraId, Exposure,
    /// FrameRate, StartTime, Path, BufferMemory, Encoder).</exception>
    /// <exception cref="CameraException">A camera could not be configured or started.</exception>
    /// <exception cref="FeatureException">A camera rejected its trigger or exposure settings.</exception>
    public static CaptureSession Start(IReadOnlyList<ICamera> cameras, CaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        ArgumentNullException.ThrowIfNull(options);
        long startedNs = SharedTimeline.NowNs(); // setup counts from here: the lead must cover it
        try
        {
            // Before anything is allocated or locked: the trigger thread's mlockall locks every later allocation.
            CheckBeforeStart(cameras, options);
        }
        catch
        {
            foreach (var c in cameras)
                c.Dispose();
            throw;
        }
        var started = new List<ICamera>();
        var pipelines = new List<CameraPipeline>();
        var timer = options.Timer ?? new TriggerTimerOptions();
        if (timer.LockMemory)
            LiveTakes.EnterMemoryLock();
        var created = new CreatedPaths();
        var trigger = new TriggerThread(timer, options.Name ?? Path.GetFileName(options.Path ?? ""));
        try
        {
            return StartCore(trigger, cameras, options, started, pipelines, created, startedNs);
        }
        catch (Exception failure)
        {
            // Cleaning up must not replace the reason the start failed: what fails here goes with that exception
            // (Data[CleanupFailuresKey], which the cmdlets show) and to the trace.
            var cleanup = new List<string>();
            void Clean(string what, Action action)
            {
                try { action(); }
                catch (Exception e)
                {
                    cleanup.Add($"{what}: {e.Message}");
                    System.Diagnostics.Trace.TraceError($"PsCamSync: {what} after a failed start: {e}");
                }
            }
            trigger.Abandon();
            if (timer.LockMemory)
            {
                trigger.Thread.Join(); // its mlockall must be done before the lock can be given back
                if (LiveTakes.LeaveMemoryLock() is { } error)
                    cleanup.Add($"munlockall: {error}");
            }
            if (created.Action is { } action)
                Clean("closing the action-command sender", action.Dispose);
            for (int i = 0; i < started.Count; i++)
            {
                var camera = started[i];
                Clean($"stopping camera '{pipelines[i].CameraId}'", camera.StopAcquisition);
            }
            foreach (var p in pipelines)
                Clean($"closing the files of camera '{p.CameraId}'", () => p.Complete(0));
            foreach (var c in cameras)
                Clean("closing a camera", c.Dispose);
            cleanup.AddRange(created.Remove());
            if (cleanup.Count > 0)
                failure.Data[CleanupFailuresKey] = string.Join("; ", cleanup);
            throw;
        }
    }

    /// <summary>
    /// Key in <see cref="Exception.Data"/> of an exception thrown by <see cref="Start"/>: what also failed while the failed
    /// start was cleaned up (a string; absent when the clean-up succeeded).
    /// </summary>
    public const string CleanupFailuresKey = "PsCamSync.CleanupFailures";

    /// <summary>
    /// What must hold before a take allocates or locks anything: no camera recording in another live take of this
    /// process, and frame rings that fit in the RAM this process can get (<see cref="MemoryBudget"/>).
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">CameraId (in use), BufferMemory (too large), BufferSeconds.</exception>
    private static void CheckBeforeStart(IReadOnlyList<ICamera> cameras, CaptureOptions options)
    {
        foreach (var c in cameras)
        {
            if (LiveTakes.HolderOf(c.Info.Backend, c.Info.Id) is { } holder)
                throw LiveTakes.InUse(c.Info.Id, holder);
        }
        if (options.Schedule is null || cameras.Count == 0)
            return; // StartCore names what is missing
        var frameBytes = cameras.Select(c => c.FrameBytes).ToArray();
        var room = MemoryBudget.Read();
        if (options.BufferMemoryBytes is long given)
        {
            // The rings never exceed a given budget, so checking the budget covers them; DepthFor still names a budget too small.
            MemoryBudget.CheckRings(given, given: true, room);
            FrameRing.DepthFor(frameBytes, given, options.BufferSeconds, options.Schedule.FrameRateHz);
            return;
        }
        int depth = FrameRing.DepthFor(frameBytes, null, options.BufferSeconds, options.Schedule.FrameRateHz);
        MemoryBudget.CheckRings(depth * frameBytes.Sum(b => (long)b), given: false, room);
    }

    /// <summary>
    /// What a start created on disk, so that a failed start removes exactly that and the same -Path can be used again:
    /// the take folder (made by one mkdir, so new) and the files it names inside it. Nothing else is deleted; a folder
    /// that holds anything more is left in place.
    /// </summary>
    private sealed class CreatedPaths
    {
        private readonly List<string> _files = new();

        public string? Folder { get; set; }

        /// <summary>The action-command sender of the take (a socket and a thread), closed when the start fails.</summary>
        public ActionTrigger? Action { get; set; }

        /// <summary>Notes a file before it is created (so a half-made one is removed too).</summary>
        public void Add(string file) => _files.Add(file);

        /// <summary>Removes what was created; returns what could not be removed (also traced).</summary>
        public List<string> Remove()
        {
            var failures = new List<string>();
            if (Folder is null)
                return failures;
            for (int i = _files.Count - 1; i >= 0; i--)
            {
                try { File.Delete(_files[i]); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    failures.Add($"removing '{_files[i]}': {e.Message}");
                    System.Diagnostics.Trace.TraceError($"PsCamSync: removing '{_files[i]}' after a failed start: {e.Message}");
                }
            }
            try { Directory.Delete(Folder, recursive: false); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"removing the take folder '{Folder}': {e.Message}");
                System.Diagnostics.Trace.TraceError($"PsCamSync: removing the take folder '{Folder}' after a failed start: {e.Message}");
            }
            return failures;
        }
    }

    private static CaptureSession StartCore(TriggerThread trigger, IReadOnlyList<ICamera> cameras, CaptureOptions options,
        List<ICamera> started, List<CameraPipeline> pipelines, CreatedPaths created, long startedNs)
    {
        var schedule = options.Schedule ?? throw new InvalidCaptureArgumentException("FrameRate", "a take needs a schedule: give -FrameRate or -Period.");
        if (cameras.Count == 0)
            throw new InvalidCaptureArgumentException("CameraId", "no camera was given; pipe cameras from Get-SyncCamera or pass -CameraId.");
        var dup = cameras.GroupBy(c => c.Info.Id).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new InvalidCaptureArgumentException("CameraId", $"camera '{dup.Key}' is given more than once; give each camera once.");
        long period = schedule.PeriodNs;
        if (options.ExposureUs is double exp && (!(exp > 0) || exp * 1000 >= period))
            throw new InvalidCaptureArgumentException("Exposure",
                $"an exposure of {exp} µs does not fit the frame period of {period / 1000.0} µs ({schedule.FrameRateHz:0.###} Hz); give a positive -Exposure shorter than the period, or a lower -FrameRate.");

        var decision = TriggerModeChoice.Decide(cameras, options.TriggerMode, period);
        var action = decision.Mode == SyncTriggerMode.Software ? null : CreateActionTrigger(decision.Mode, cameras, options, period);
        created.Action = action;
        foreach (var camera in cameras)
        {
            if (action is null)
                camera.ConfigureSoftwareTrigger(options.ExposureUs);
            else
                action.Configure(camera, options.ExposureUs);
            var (exposureUs, busyNs) = camera.TriggerTiming;
            if (exposureUs * 1000 >= period)
                throw new InvalidCaptureArgumentException("Exposure",
                    $"camera '{camera.Info.Id}' exposes for {exposureUs} µs, longer than the frame period of {period / 1000.0} µs; give a shorter -Exposure or a lower -FrameRate.");
            if (busyNs > period)
                throw new InvalidCaptureArgumentException("FrameRate",
                    $"camera '{camera.Info.Id}' needs {busyNs / 1000.0} µs between triggers (exposure + readout), so it follows at most {1e9 / busyNs:0.#} Hz; give a lower -FrameRate or a shorter -Exposure.");
        }

        if (options.ClockModelSamples < 0)
            throw new InvalidCaptureArgumentException("ClockModelSamples", $"give 0 (no clock model) or a positive number of samples; got {options.ClockModelSamples}.");
        var clocks = options.ClockModelSamples == 0 ? null
            : TimestampDeltaMeter.Measure(Environment.MachineName, cameras, TakeClockModels.Options(options.ClockModelSamples));

        // The first slot counts from when the take was started, not from now: slots due while the take is set up are
        // this host's slots, recorded as TriggerLate (and as a fault) if the trigger thread is not ready for them. Only
        // a take started after T0 joins late.
        long first = schedule.FirstIndexAtOrAfter(startedNs + JoinMarginNs);
        long end = schedule.EndIndex;
        if (first >= end)
            throw new InvalidCaptureArgumentException("StartTime",
                $"the take scheduled from {SharedTimeline.ToDateTimeOffset(schedule.StartNs):O} ended at {SharedTimeline.ToDateTimeOffset(schedule.TimeOf(end)):O}, before now; give a later -StartTime or use -Lead.");
        long lateTolerance = options.LateToleranceNs ?? period / 4;
        if (lateTolerance <= 0)
            throw new InvalidCaptureArgumentException("LateTolerance", $"the late tolerance must be positive; got {lateTolerance} ns.");

        var frameBytes = cameras.Select(c => c.FrameBytes).ToArray();
        int depth = FrameRing.DepthFor(frameBytes, options.BufferMemoryBytes, options.BufferSeconds, schedule.FrameRateHz);

        string takePath = TakeFolder.Create(options.Path);
        created.Folder = takePath;
        // Room for the final take.json and the last rows, kept until they are written: a full disk still ends in a
        // truthful manifest. A disk too full for it fails the start here, before any video file exists.
        created.Add(Path.Combine(takePath, TakeFolder.ReserveFileName));
        TakeFolder.CreateReserve(takePath, TakeFolder.ReserveBytes(cameras.Count));
        string name = options.Name ?? Path.GetFileName(takePath.TrimEnd(Path.DirectorySeparatorChar));
        var manifest = new TakeManifest
        {
            Name = name,
            Host = Environment.MachineName,
            ModuleVersion = ModuleVersion,
            Schedule = schedule,
            FirstFrameIndex = first,
            EndFrameIndex = end,
            LateToleranceNs = lateTolerance,
            StartedNs = startedNs,
            State = TakeState.Recording,
            Recorder = RecorderIdentity.Current(),
            TriggerMode = decision.Mode,
            TriggerModeNote = (decision.Requested ? "asked for" : "the best mode every camera supports")
                + (decision.Notes.Count > 0 ? ": " + string.Join("; ", decision.Notes) : ""),
            Actions = action is null ? null : new ActionTriggerInfo
            {
                Destination = action.Destination,
                DeviceKey = $"0x{action.Keys.DeviceKey:X8}",
                GroupKey = $"0x{action.Keys.GroupKey:X8}",
                GroupMask = $"0x{action.Keys.GroupMask:X8}",
                LeadNs = action.LeadNs,
                TimescaleOffsetNs = action.TimescaleOffsetNs,
            },
        };

        long frameTimeout = Math.Max(4 * period, 250_000_000);
        int slotCapacity = (int)Math.Clamp(2 * (frameTimeout / period + depth) + 64, 256, 1 << 20);
        var stems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        CaptureSession? session = null;
        var diskFull = new DiskFullSignal((camera, error) => session?.OnDiskFull(camera, error));
        for (int i = 0; i < cameras.Count; i++)
        {
            var camera = cameras[i];
            var info = camera.Info;
            var clock = clocks?[i];
            string stem = TakeFolder.FileStem(info.Id);
            for (int k = 2; !stems.Add(stem); k++) stem = $"{TakeFolder.FileStem(info.Id)}-{k}";
            string videoFile = stem + VideoSinks.Extension(options.Encoder);
            string framesFile = stem + ".frames.csv";
            var format = new VideoFormat(info.Width, info.Height, info.PixelFormat, schedule.FrameRateHz);
            var ring = new FrameRing(depth, camera.FrameBytes);
            created.Add(Path.Combine(takePath, videoFile));
            if (options.Encoder != VideoEncoder.Y4M)
                created.Add(Path.Combine(takePath, stem + ".ffmpeg.log"));
            created.Add(Path.Combine(takePath, framesFile));
            var sink = VideoSinks.Create(options.Encoder, takePath, videoFile, format, options.FfmpegPath);
            FramesTableWriter table;
            try { table = new FramesTableWriter(Path.Combine(takePath, framesFile)); }
            catch { sink.Dispose(); throw; }
            var pipeline = new CameraPipeline(camera, info.Id, ring, sink, table, slotCapacity, frameTimeout,
                (cam, src, msg, ex) => RecordOrTrace(session, cam, src, msg, ex)) { DiskFull = diskFull };
            var clockModel = clock is null ? null : TakeClockModels.Fit(clock.SampleList);
            if (action is not null && clockModel is { } model)
            {
                // Camera-timed frames carry no index: match them by device time (see CameraPipeline.DeviceOffsetNs).
                pipeline.DeviceOffsetNs = (long)Math.Round(model.OffsetNs);
                pipeline.MatchWithinNs = period / 2;
            }
            pipelines.Add(pipeline);
            manifest.Cameras.Add(new TakeCamera
            {
                Backend = info.Backend,
                Id = info.Id,
                Vendor = info.Vendor,
                Model = info.Model,
                Serial = info.Serial,
                Address = info.Address,
                Width = info.Width,
                Height = info.Height,
                PixelFormat = info.PixelFormat.ToString(),
                Settings = ReadSettings(camera),
                VideoFile = videoFile,
                FramesFile = framesFile,
                Encoder = sink.EncoderName,
                RingFrames = depth,
                ClockModel = clockModel,
                ClockModelNote = clock is null ? "not measured (ClockModelSamples 0)" : TakeClockModels.Note(clock, null, clockModel),
            });
        }

        session = new CaptureSession(trigger, options, takePath, name, pipelines.ToArray(), manifest, first, end, lateTolerance, startedNs, action);
        session._clockStart = clocks;
        session._memoryLockHeld = options.Timer?.LockMemory ?? true;
        created.Add(Path.Combine(takePath, TakeFolder.ManifestFileName));
        TakeFolder.WriteManifest(takePath, manifest);
        foreach (var p in pipelines)
        {
            p.Camera.StartAcquisition(p);
            started.Add(p.Camera);
            p.StartWriter();
        }
        action?.Start();
        session.StartThreads();
        return session;
    }

    /// <summary>
    /// Makes the take's action sender: the cameras' backend's own port when they all share one that has it
    /// (<see cref="ICamera.HasActionPort"/>), else a socket on the interface that reaches the cameras (the one
    /// given, else the one whose IPv4 subnet holds the first camera's GVCP address), ACTION_CMDs to that subnet's broadcast
    /// on port 3956 (or <see cref="CaptureOptions.ActionPort"/>), and for the camera-timed modes the offset of
    /// the cameras' timescale (TAI cameras count currentUtcOffset seconds ahead of CLOCK_REALTIME, see
    /// <see cref="TimescaleMapping"/>), which must be the same for every camera.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">ActionInterface: no interface reaches the cameras, or the one given does
    /// not exist; TriggerMode: the cameras count different timescales, or a camera has no GVCP address and no backend port.</exception>
    /// <exception cref="CameraException">The backend's action port could not be opened.</exception>
    private static ActionTrigger CreateActionTrigger(SyncTriggerMode mode, IReadOnlyList<ICamera> cameras, CaptureOptions options, long periodNs)
    {
        long offset = 0;
        if (mode is SyncTriggerMode.ScheduledAction or SyncTriggerMode.CameraScheduler)
        {
            var plan = TimestampDeltaPlan.Prepare(Environment.MachineName, cameras, options.PtpSocketPath);
            var offsets = cameras.Select(c => plan.MappingFor(c).SubtractNs).Distinct().ToList();
            if (offsets.Count > 1)
                throw new InvalidCaptureArgumentException("TriggerMode",
                    $"the cameras count different timescales ({string.Join(", ", cameras.Select(c => $"{c.Info.Id}: {plan.MappingFor(c).Name}"))}), so one action time cannot mean one instant for all; use -TriggerMode Action, or bring every camera into one PTP domain.");
            offset = offsets[0];
        }
        if (cameras.All(c => c.HasActionPort) && cameras.Select(c => c.Info.Backend).Distinct(StringComparer.Ordinal).Count() == 1)
        {
            // The backend's SDK sends the commands (Spinnaker: spinSystemSendActionCommand); its ACKs name the cameras' addresses.
            var port = cameras[0].OpenActionPort();
            try
            {
                return new ActionTrigger(mode, Gvcp.ActionKeys.NewRandom(), port, cameras, periodNs, offset);
            }
            catch
            {
                port.Dispose();
                throw;
            }
        }
        if (mode == SyncTriggerMode.CameraScheduler && cameras.Any(c => c.GvcpEndPoint is null))
            return new ActionTrigger(mode, Gvcp.ActionKeys.NewRandom(), new SchedulerOnlyPort(), cameras, periodNs, offset);
        if (cameras.FirstOrDefault(c => c.GvcpEndPoint is null) is { } noGvcp)
            throw new InvalidCaptureArgumentException("TriggerMode",
                $"camera '{noGvcp.Info.Id}' has no GVCP address and the take's cameras do not share a backend that sends action commands itself, so action commands cannot reach every camera; use -TriggerMode Software, or record the {noGvcp.Info.Backend} cameras in a take of their own.");
        Gvcp.GvcpActionSender sender;
        try
        {
            string nic = options.ActionInterface
                ?? Gvcp.GvcpActionSender.InterfaceReaching(cameras[0].GvcpEndPoint!.Address, System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces());
            sender = new Gvcp.GvcpActionSender(new Gvcp.GvcpActionSenderOptions { InterfaceName = nic, DestinationPort = options.ActionPort ?? Gvcp.GvcpProtocol.Port });
        }
        catch (Gvcp.GvcpException e)
        {
            throw new InvalidCaptureArgumentException("ActionInterface",
                $"the action commands cannot be sent on '{e.InterfaceName}': {e.Message} Give -ActionInterface with an interface on the cameras' subnet.");
        }
        try
        {
            return new ActionTrigger(mode, Gvcp.ActionKeys.NewRandom(), sender, cameras, periodNs, offset);
        }
        catch
        {
            sender.Dispose();
            throw;
        }
    }

    /// <summary>The least a take's setup is expected to cost before its rings, ns (300 ms): see <see cref="CheckLead"/>.</summary>
    public const long SetupFloorNs = 300_000_000;

    /// <summary>What allocating and locking (mlockall) frame-ring memory is expected to cost, ns per MiB (2 ms): see <see cref="CheckLead"/>.</summary>
    public const long RingLockNsPerMiB = 2_000_000;

    /// <summary>
    /// Estimates, before <see cref="Start"/>, whether the lead until the first frame covers the take's setup: configuring
    /// the cameras, latching their clocks, creating the folder and encoders, allocating the frame rings (which mlockall
    /// locks into RAM page by page as they are allocated), starting the streams and readying the trigger thread.
    /// </summary>
    /// <remarks>
    /// The estimate is <see cref="SetupFloorNs"/> plus <see cref="RingLockNsPerMiB"/> for every MiB of ring memory.
    /// Measured on the 2-core test machine while other builds ran (take.json: <c>TriggerThread.ReadyNs - StartedNs</c>):
    /// 400-620 ms for the first take in a process (first-call JIT, mlockall of the process), 70-240 ms for later ones
    /// with 4-36 MiB of rings, and 2.7 s for a first take with 1 GiB of rings (2.3 ms per MiB). The floor covers the
    /// first take with small rings; later takes in the same process usually need less. A shorter lead does not stop the
    /// take: the slots due before the trigger thread is ready are recorded as TriggerLate and as one Trigger fault.
    /// </remarks>
    /// <param name="cameras">The open cameras of the take.</param>
    /// <param name="options">The take's options, as they will be given to <see cref="Start"/>.</param>
    /// <param name="nowNs">Now on the shared timeline, ns.</param>
    /// <exception cref="InvalidCaptureArgumentException">The rings cannot be sized (BufferMemory, BufferSeconds).</exception>
    public static LeadCheck CheckLead(IReadOnlyList<ICamera> cameras, CaptureOptions options, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        ArgumentNullException.ThrowIfNull(options);
        var schedule = options.Schedule;
        long first = schedule.FirstIndexAtOrAfter(nowNs + JoinMarginNs);
        var frameBytes = cameras.Select(c => c.FrameBytes).ToArray();
        int depth = FrameRing.DepthFor(frameBytes, options.BufferMemoryBytes, options.BufferSeconds, schedule.FrameRateHz);
        long ringBytes = depth * frameBytes.Sum(b => (long)b);
        long estimate = SetupFloorNs + (long)((double)ringBytes / (1 << 20) * RingLockNsPerMiB);
        return new LeadCheck(schedule.TimeOf(first) - nowNs, estimate, ringBytes, first, schedule.StartNs < nowNs);
    }

    private static readonly string[] RecordedFeatures =
        { "ExposureTime", "ExposureTimeAbs", "TriggerSelector", "TriggerMode", "TriggerSource", "TriggerOverlap", "AcquisitionMode", "DeviceFirmwareVersion" };

    private static Dictionary<string, string> ReadSettings(ICamera camera)
    {
        var settings = new Dictionary<string, string>();
        var f = camera.Features;
        foreach (var name in RecordedFeatures)
        {
            if (!f.IsAvailable(name)) continue;
            try
            {
                settings[name] = f.GetFeatureType(name) switch
                {
                    FeatureType.Integer => f.GetInteger(name).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    FeatureType.Float => f.GetFloat(name).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    FeatureType.Enumeration => f.GetEnumeration(name),
                    FeatureType.Boolean => f.GetBoolean(name) ? "true" : "false",
                    FeatureType.String => f.GetString(name),
                    _ => "",
                };
            }
            catch (FeatureException e)
            {
                settings[name] = $"<unreadable: {e.Message}>";
            }
        }
        return settings;
    }

    /// <summary>This assembly's informational version, recorded in every take.</summary>
    public static string ModuleVersion { get; } =
        typeof(CaptureSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
        ?? typeof(CaptureSession).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    private void StartThreads()
    {
        LiveTakes.Add(this);
        foreach (var p in _pipelines) p.Port!.Start();
        foreach (var r in _recoveries) r.Start();
        _loop.WarmUp();
        var finalizer = new Thread(Finalise) { IsBackground = true, Name = $"PsCamSync finaliser {Name}" };
        _trigger.Arm(() => _loop.Run(_cancel.Token));
        finalizer.Start();
    }

    /// <summary>
    /// Ends the take once the trigger thread has fired its last slot. Cameras that answer are stopped, latched and closed;
    /// a camera that is lost, or whose last trigger is still unacknowledged, is never touched (no AcquisitionStop, no
    /// reads, no latches, any of which may time out): its recovery thread releases it in the background, and a release
    /// not done within <see cref="ReleaseWaitNs"/> is reported as a fault. Every step that fails is recorded as a fault and
    /// the next one still runs: the counts, EndFrameIndex, EndedNs and TriggerThread are always filled in.
    /// </summary>
    private void Finalise()
    {
        long first = _manifest.FirstFrameIndex, end = first;
        try
        {
            Step(null, "waiting for the trigger thread", () => _trigger.Thread.Join());
            if (_options.Timer?.LockMemory ?? true)
            {
                _memoryLockHeld = false;
                if (LiveTakes.LeaveMemoryLock() is { } unlockError)
                    RecordFault(null, TakeFaultSource.Setup, $"munlockall failed, so this process keeps its memory locked in RAM: {unlockError}", null);
            }
            end = _loop.FinalEndIndex;
            if (_action?.Mode == SyncTriggerMode.CameraScheduler)
                StopSchedulers(end);
            Step(null, "waiting for the writers", () => { foreach (var p in _pipelines) p.JoinWriter(); });
            lock (_rejoinGate) _finalising = true;
            foreach (var p in _pipelines)
            {
                var port = p.Port!;
                if (!port.IsLost && port.TriggerInFlight)
                    port.MarkLost(end - 1, CameraLossCause.UnacknowledgedAtEnd, null);
                if (port.IsLost)
                {
                    if (port.Rejoining is { } reopened)
                        Step(p.CameraId, "stopping the camera reopened as the take ended", () => { reopened.StopAcquisition(); reopened.Dispose(); });
                    continue;
                }
                Step(p.CameraId, "stopping acquisition", () => port.Camera.StopAcquisition(), TakeFaultSource.Stream);
            }
            foreach (var r in _recoveries) r.Stop();
            ReleaseReserve();
            bool diskFull;
            lock (_gate) diskFull = _diskFullFault is not null;
            long extras = 0, writeFailed = 0;
            long slots = end - first;
            foreach (var p in _pipelines)
            {
                Step(p.CameraId, "closing the frames table and video", () => extras += p.Complete(slots, quietExtras: diskFull));
                writeFailed += p.Counts.WriteFailed;
            }
            if (diskFull)
            {
                var ci = System.Globalization.CultureInfo.InvariantCulture;
                lock (_gate)
                    _diskFullFault!.Message += extras > 0
                        ? string.Create(ci, $" In all, {writeFailed} frame(s) were not written and {extras} frame(s) that arrived after the stop matched no slot.")
                        : string.Create(ci, $" In all, {writeFailed} frame(s) were not written.");
            }
            Step(null, "recording the counts", () =>
            {
                lock (_gate)
                {
                    _manifest.EndFrameIndex = end;
                    for (int i = 0; i < _pipelines.Length; i++)
                    {
                        _manifest.Cameras[i].Counts = _pipelines[i].Counts;
                        _manifest.Cameras[i].WarmUpFrames = _pipelines[i].WarmUpFrames;
                    }
                    _manifest.TriggerThread = _trigger.Report ?? new TriggerThreadReport();
                    _manifest.TriggerThread.ReadyNs = _loop.ReadyNs;
                    _wakeErrors.Fill(_manifest.TriggerThread);
                }
            });
            Step(null, "latching the camera clocks after the take", FitClockModels);
            // Late slots are faults to report, not faults that end the take: they are accounted for (TriggerLate) and
            // the take went on, so they leave the state Completed or Stopped.
            int lateFrom, lateTo;
            lock (_gate) lateFrom = _manifest.Faults.Count;
            Step(null, "summarising late slots", () => RecordLateSlots(first, end));
            if (_action is not null)
                Step(null, "counting the action acknowledgements", RecordActionAcks);
            lock (_gate) lateTo = _manifest.Faults.Count;
            WaitForReleases();
            foreach (var p in _pipelines)
            {
                if (p.Port!.IsLost)
                    continue; // its recovery thread releases it
                var camera = p.Port.Camera;
                Step(p.CameraId, "closing the camera", camera.Dispose, TakeFaultSource.Camera);
            }
            lock (_gate)
            {
                bool faulted = _manifest.Faults.Where((_, i) => i < lateFrom || i >= lateTo).Any(f => f.Source is TakeFaultSource.Writer or TakeFaultSource.Encoder or TakeFaultSource.Trigger);
                bool stopped = _stoppedEarly || end < _options.Schedule.EndIndex;
                if (stopped)
                    _manifest.StopReason = _stopReason ?? "stop requested";
                _manifest.State = faulted ? TakeState.Faulted : stopped ? TakeState.Stopped : TakeState.Completed;
            }
        }
        catch (Exception e)
        {
            RecordFault(null, TakeFaultSource.Writer, $"finalising the take failed: {e.Message}", e);
            lock (_gate) _manifest.State = TakeState.Faulted;
        }
        finally
        {
            lock (_gate)
            {
                // Always filled in, whatever failed above.
                _manifest.EndFrameIndex = Math.Max(end, first);
                _manifest.TriggerThread ??= new TriggerThreadReport { ReadyNs = _loop.ReadyNs };
                _manifest.EndedNs = SharedTimeline.NowNs();
            }
            ReleaseReserve(); // normally done already; after a failure above it may not be
            if (_action is not null)
            {
                try { _action.Dispose(); }
                catch (Exception e) { RecordFault(null, TakeFaultSource.Trigger, $"closing the action-command sender failed: {e.Message}", e); }
            }
            try
            {
                try
                {
                    lock (_gate) TakeFolder.WriteManifest(TakePath, _manifest);
                }
                catch (TakeFolderException e) when (e.DiskFull)
                {
                    // The reserve did not cover it (faults without end): keep the counts and the first faults, then retry.
                    lock (_gate)
                    {
                        if (!CompactFaults(_manifest))
                            throw;
                        TakeFolder.WriteManifest(TakePath, _manifest);
                    }
                }
            }
            catch (Exception e)
            {
                // The take.json on disk still says Recording: the user must hear of it (FinalManifestError, which the
                // cmdlets write as an error); the trace keeps the detail for logs.
                _finalManifestError = e as TakeFolderException ?? new TakeFolderException(Path.Combine(TakePath, TakeFolder.ManifestFileName),
                    $"cannot write the final take manifest '{Path.Combine(TakePath, TakeFolder.ManifestFileName)}': {e.Message}", e);
                System.Diagnostics.Trace.TraceError($"PsCamSync: writing the final take.json of {TakePath} failed: {e}");
            }
            if (_memoryLockHeld)
                LiveTakes.LeaveMemoryLock(); // finalising failed before the trigger thread was joined
            _finished = true;
            LiveTakes.Remove(this);
            _done.TrySetResult(_manifest);
        }
    }

    /// <summary>Faults a final take.json keeps when the disk is too full for all of them (see <see cref="CompactFaults"/>).</summary>
    internal const int FaultsKeptOnFullDisk = 100;

    /// <summary>
    /// Shrinks a manifest that did not fit on a full disk: drops every fault's Detail (exception traces) and keeps the
    /// first <see cref="FaultsKeptOnFullDisk"/> - 1 faults, adding one fault that says what was left out. The counts,
    /// state and times are untouched. Returns false when there was nothing to leave out.
    /// </summary>
    internal static bool CompactFaults(TakeManifest manifest)
    {
        int details = manifest.Faults.Count(f => f.Detail is not null);
        int dropped = Math.Max(0, manifest.Faults.Count - (FaultsKeptOnFullDisk - 1));
        if (details == 0 && dropped == 0)
            return false;
        foreach (var f in manifest.Faults)
            f.Detail = null;
        if (dropped > 0)
            manifest.Faults.RemoveRange(FaultsKeptOnFullDisk - 1, dropped);
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        manifest.Faults.Add(new TakeFault
        {
            TimeNs = SharedTimeline.NowNs(),
            Source = TakeFaultSource.Writer,
            Message = dropped > 0
                ? string.Create(ci, $"the disk was too full for the whole take.json: {dropped} later fault(s) and the details (exception traces) of the others were left out.")
                : "the disk was too full for the whole take.json: the details (exception traces) of the faults were left out.",
        });
        return true;
    }

    /// <summary>Frees the space reserve for the final writes; a failure is a take fault (the writes may still fit).</summary>
    private void ReleaseReserve()
    {
        try
        {
            TakeFolder.ReleaseReserve(TakePath);
        }
        catch (TakeFolderException e)
        {
            RecordFault(null, TakeFaultSource.Writer, e.Message, e);
        }
    }

    /// <summary>Runs one step of finalising; a failure becomes a fault (<paramref name="source"/>, default Writer) and the next step runs.</summary>
    private void Step(string? camera, string what, Action step, TakeFaultSource source = TakeFaultSource.Writer)
    {
        try
        {
            step();
        }
        catch (Exception e)
        {
            RecordFault(camera, source, $"finalising the take: {what} failed: {e.Message}", e);
        }
    }

    /// <summary>Waits up to <see cref="ReleaseWaitNs"/> for lost cameras' connections to be released; reports the rest.</summary>
    private void WaitForReleases()
    {
        long deadline = SharedTimeline.NowNs() + ReleaseWaitNs;
        while (_recoveries.Any(r => r.Releasing) && SharedTimeline.NowNs() < deadline)
            Thread.Sleep(10);
        for (int i = 0; i < _recoveries.Length; i++)
            if (_recoveries[i].Releasing)
                RecordFault(_pipelines[i].CameraId, TakeFaultSource.Camera,
                    $"camera '{_pipelines[i].CameraId}' stopped answering and its connection was still being released when the take ended (a trigger call, or the backend giving up the connection, waits for the backend's timeouts); the release goes on in the background and costs the take nothing.", null);
    }

    /// <summary>
    /// Latches every camera that still answers again now the take is over and fits each clock model over the whole take
    /// span. Lost cameras are left out (a latch would wait for their timeouts); they keep the model from before the take.
    /// </summary>
    private void FitClockModels()
    {
        if (_clockStart is null)
            return;
        var answering = Enumerable.Range(0, _pipelines.Length).Where(i => !_pipelines[i].Port!.IsLost).ToList();
        if (answering.Count == 0)
            return;
        var cameras = answering.Select(i => _pipelines[i].Port!.Camera).ToList();
        var after = TimestampDeltaMeter.Measure(Environment.MachineName, cameras, TakeClockModels.Options(_options.ClockModelSamples));
        lock (_gate)
        {
            for (int k = 0; k < answering.Count; k++)
            {
                int i = answering[k];
                var start = _clockStart[i];
                if (start.Model is null)
                    continue;
                var end = after[k].Model is null ? null : after[k];
                var model = TakeClockModels.Fit(end is null ? start.SampleList : [.. start.SampleList, .. end.SampleList]);
                _manifest.Cameras[i].ClockModel = model;
                _manifest.Cameras[i].ClockModelNote = TakeClockModels.Note(start, after[k], model);
            }
        }
    }

    /// <summary>
    /// Records one Trigger fault for the slots that were due before the trigger thread was ready (the setup outlasted
    /// the lead) and one for the slots skipped because the thread woke too late, each with its frame ranges; the counts
    /// already hold them as TriggerLate. Called once the trigger thread has ended.
    /// </summary>
    /// <summary>How long finalising waits for ACTION_ACKs still on their way after the writers are done, ns (50 ms).</summary>
    public const long AckWaitNs = 50_000_000;

    /// <summary>
    /// CameraScheduler (trigger thread, before the first slot): arms every camera's scheduler for slot <paramref name="from"/>
    /// on. A camera that refuses is taken out of the trigger set, as a camera that stops answering is, and its recovery
    /// tries it again; the others go on.
    /// </summary>
    private void ArmSchedulers(long from)
    {
        foreach (var p in _pipelines)
        {
            try
            {
                _action!.Arm(p.Camera, _options.Schedule, from);
            }
            catch (FeatureException e)
            {
                RecordFault(p.CameraId, TakeFaultSource.Trigger, $"arming the action scheduler of camera '{p.CameraId}' for frame {from} failed: {e.Message}", e);
                p.Port!.MarkLost(from, CameraLossCause.TriggerFailed, e);
            }
        }
    }

    /// <summary>
    /// CameraScheduler: stops each camera's scheduler once its last slot (index <paramref name="end"/> − 1) has fired, half a
    /// period later, so that no frame after the take's end is made and none before it is cut off. A lost camera is not
    /// asked (its recovery releases it).
    /// </summary>
    private void StopSchedulers(long end)
    {
        var schedule = _options.Schedule;
        long until = schedule.TimeOf(end - 1) + schedule.PeriodNs / 2;
        long wait = until - SharedTimeline.NowNs();
        if (wait > 0)
            Thread.Sleep(TimeSpan.FromTicks(wait / TimeSpan.NanosecondsPerTick));
        foreach (var p in _pipelines)
        {
            if (p.Port!.IsLost)
                continue;
            Step(p.CameraId, "cancelling the camera's action scheduler", () => _action!.Disarm(p.Port.Camera), TakeFaultSource.Trigger);
        }
    }

    /// <summary>Records what every camera's ACTION_ACKs said (take.json Cameras[].ActionAcks) and makes late, refused or
    /// unacknowledged actions faults of the camera.</summary>
    private void RecordActionAcks()
    {
        var action = _action!;
        var counts = action.Finish(AckWaitNs);
        long sent = action.Sent;
        lock (_gate)
        {
            if (_manifest.Actions is { } info)
            {
                info.Sent = sent;
                info.UnknownAcks = action.UnknownAcks;
            }
            for (int i = 0; i < _pipelines.Length; i++)
                _manifest.Cameras[i].ActionAcks = counts[i];
        }
        for (int i = 0; i < _pipelines.Length; i++)
            if (ActionTrigger.FaultOf(counts[i], sent, action.Mode) is { } message)
                RecordFault(_pipelines[i].CameraId, TakeFaultSource.Trigger, $"Camera '{_pipelines[i].CameraId}': {message}", null);
    }

    private void RecordLateSlots(long first, long end)
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        long slots = Math.Max(0, end - first);
        var schedule = _options.Schedule;
        var setup = _loop.DueBeforeReady;
        if (setup.Slots > 0)
        {
            long ready = _loop.ReadyNs;
            long setupMs = (ready - _startedNs) / 1_000_000;
            string frames = FramesText(setup);
            var (was, they) = setup.Slots == 1 ? ("was", "it was not triggered and is") : ("were", "they were not triggered and are");
            string message = schedule.StartNs >= _startedNs
                ? string.Create(ci, $"{frames} ({setup.Slots} of {slots}) {was} due before the trigger thread was ready (setup took {setupMs} ms, lead was {(schedule.TimeOf(first) - _startedNs) / 1_000_000} ms), so {they} recorded as TriggerLate; raise -Lead (or give a later -StartTime) to at least {LeadCheck.SuggestLeadNs(ready - _startedNs) / 1e9:0.#} s.")
                : string.Create(ci, $"{frames} ({setup.Slots} of {slots}) {was} due before the trigger thread was ready: this host joined {(_startedNs - schedule.StartNs) / 1_000_000} ms after T0 and its setup took {setupMs} ms, so {they} recorded as TriggerLate.");
            RecordFault(null, TakeFaultSource.Trigger, message, null, ready);
        }
        var woke = _loop.WokeLate;
        if (woke.Slots > 0)
        {
            var t = _manifest.TriggerThread;
            string message = string.Create(ci,
                $"{woke.Slots} of {slots} slots {(woke.Slots == 1 ? "was" : "were")} skipped and recorded as TriggerLate because the trigger thread woke more than the late tolerance ({_manifest.LateToleranceNs / 1e6:0.###} ms) after the deadline: {FramesText(woke)} (wake-up error p99 {t?.WakeErrorP99Us:0.#} µs, max {t?.WakeErrorMaxUs:0.#} µs; {t?.GarbageCollections} garbage collections during the take; see TriggerThread in take.json).");
            RecordFault(null, TakeFaultSource.Trigger, message, null, schedule.TimeOf(woke.FirstIndex));
        }

        static string FramesText(LateSlotRuns runs) =>
            (runs.Slots == 1 ? "frame " : "frames ") + runs.Describe();
    }

    private void RecordFault(string? camera, TakeFaultSource source, string message, Exception? exception) =>
        RecordFault(camera, source, message, exception, SharedTimeline.NowNs());

    /// <summary>A pipeline fault: into the take, or (while a failed start is cleaned up, before there is a take) the trace.</summary>
    private static void RecordOrTrace(CaptureSession? session, string? camera, TakeFaultSource source, string message, Exception? exception)
    {
        if (session is not null)
            session.RecordFault(camera, source, message, exception);
        else
            System.Diagnostics.Trace.TraceError($"PsCamSync: {source} fault of camera {camera} during a failed start: {message} {exception}");
    }

    /// <summary>
    /// The first write that met a full disk (from a writer thread): records the one fault that says so, and stops the take
    /// at the next frame. The pipelines stop writing video by themselves (<see cref="DiskFullSignal"/>).
    /// </summary>
    private void OnDiskFull(string cameraId, TakeFolderException error)
    {
        long free = DiskSpace.FreeBytes(TakePath);
        long end = Stop();
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        var fault = new TakeFault
        {
            TimeNs = SharedTimeline.NowNs(),
            Camera = null,
            Source = TakeFaultSource.Writer,
            Message = string.Create(ci, $"the disk is full at '{error.Path}' ({(free >= 0 ? $"{free} bytes free" : "free space unknown")} after the failed write): camera '{cameraId}' could not write a frame, so the take stopped triggering before frame {end}. Frames written before are intact; frames that arrived after it have rows but no pixels (WriteFailed)."),
            Detail = error.ToString(),
        };
        lock (_gate)
        {
            _diskFullFault = fault;
            _manifest.Faults.Add(fault);
        }
    }

    private void RecordFault(string? camera, TakeFaultSource source, string message, Exception? exception, long timeNs)
    {
        lock (_gate)
        {
            _manifest.Faults.Add(new TakeFault
            {
                TimeNs = timeNs,
                Camera = camera,
                Source = source,
                Message = message,
                Detail = exception?.ToString(),
            });
        }
    }

    /// <summary>What the OS granted the trigger thread (SCHED_FIFO priority, timer slack, mlockall, what was refused),
    /// once it has applied its settings (shortly after <see cref="Start"/>); null before.</summary>
    public TriggerThreadReport? TriggerThreadGranted => _trigger.Granted;

    /// <summary>The cameras' pipelines, in camera order (their trigger ports: diagnostics and tests).</summary>
    internal IReadOnlyList<CameraPipeline> Pipelines => _pipelines;

    /// <summary>When the trigger loop was ready to fire its first slot, ns on the shared timeline; 0 before.</summary>
    public long TriggerReadyNs => _loop.ReadyNs;

    /// <summary>Current progress.</summary>
    public CaptureProgress GetProgress()
    {
        long captured = 0, lost = 0;
        foreach (var p in _pipelines)
        {
            captured += p.Captured;
            lost += p.Lost;
        }
        TakeState state;
        lock (_gate) state = _manifest.State;
        return new CaptureProgress(Name, state, _loop.NextIndex, _manifest.FirstFrameIndex, _loop.EndIndex,
            captured, lost, (Schedule.StartNs - SharedTimeline.NowNs()) / 1e9);
    }

    /// <summary>
    /// Stops the take: now (<paramref name="atNs"/> null) or before the first frame due at or after
    /// <paramref name="atNs"/> on the shared timeline, so every host given the same time stops on the same frame. A time
    /// in the past stops at the next frame: frames already fired stay in the take.
    /// Returns at once; await <see cref="Completion"/> for the final manifest.
    /// </summary>
    /// <returns>The end index now in force (one past the last frame that will be fired).</returns>
    /// <remarks>Safe from any thread and more than once; does nothing once the take is finalised.</remarks>
    public long Stop(long? atNs = null)
    {
        if (_finished)
            return _loop.EndIndex;
        _stoppedEarly = true;
        // A time in the past stops at the next frame: frames already fired stay in the take (history is never rewritten).
        long next = _loop.NextIndex;
        long end = _loop.StopBefore(atNs is long at ? Math.Max(Schedule.FirstIndexAtOrAfter(at), next) : next);
        if (end <= _loop.NextIndex)
        {
            // Nothing left to fire: wake the trigger thread instead of letting it sleep to its next deadline.
            try { _cancel.Cancel(); }
            catch (ObjectDisposedException) { /* disposed concurrently: the take is over already */ }
        }
        return end;
    }

    void IRunningTake.Stop(long? atNs) => Stop(atNs);

    /// <summary>
    /// Stops the take at its next frame because the process is ending, recording <paramref name="reason"/> as its
    /// StopReason; frames already triggered get <paramref name="grace"/> to arrive before they are expired as missed.
    /// Returns at once; <see cref="Completion"/> finishes when the take is finalised.
    /// </summary>
    internal void StopForProcessEnd(string reason, TimeSpan grace)
    {
        if (_finished)
            return;
        _stopReason ??= reason;
        Stop();
        _ = Task.Delay(grace).ContinueWith(_ =>
        {
            foreach (var p in _pipelines) p.Abandon();
        }, TaskScheduler.Default);
    }

    /// <summary>Records a fault of the take's setup (no camera), e.g. a handler that could not be registered.</summary>
    internal void RecordSetupFault(string message, Exception? exception) => RecordFault(null, TakeFaultSource.Setup, message, exception);

    /// <summary>Stops now if running and waits for finalisation.</summary>
    public void Dispose()
    {
        if (!_finished)
        {
            Stop();
            foreach (var p in _pipelines) p.Abandon();
            _done.Task.Wait();
        }
        _cancel.Dispose();
    }
}
