namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// Sensor and clock model of one simulated camera. <see cref="SimulatedBackend.DefaultOptions"/> gives the model of
/// camera <c>sim-k</c>; a backend's <c>configure</c> callback may change it before the camera is created.
/// </summary>
/// <remarks>
/// The device clock is <c>device_ns = host_ns + ClockOffsetNs + ClockDriftPpm × 1e-6 × (host_ns − reference)</c>,
/// where host_ns is the shared timeline and the reference is <see cref="ClockReferenceNs"/> (default: the moment the
/// camera is created). A trigger at host time t starts the exposure at <c>t + TriggerLatencyUs</c>; the frame is
/// ready <c>ExposureUs + ReadoutUs</c> after that, and reaches the host <see cref="TransferUs"/> later still.
/// </remarks>
public sealed class SimulatedCameraOptions
{
    /// <summary>Smallest width in pixels: the pattern header needs <see cref="SimulatedPattern.HeaderPixels"/> pixels.</summary>
    public const int MinWidth = 32;
    /// <summary>Largest width in pixels (the simulated sensor's WidthMax).</summary>
    public const int MaxWidth = 8192;
    /// <summary>Smallest height in pixels.</summary>
    public const int MinHeight = 1;
    /// <summary>Largest height in pixels (the simulated sensor's HeightMax).</summary>
    public const int MaxHeight = 8192;
    /// <summary>Shortest exposure, µs.</summary>
    public const double MinExposureUs = 10;
    /// <summary>Longest exposure, µs (1 s).</summary>
    public const double MaxExposureUs = 1_000_000;
    /// <summary>Largest readout time, µs (1 s).</summary>
    public const double MaxReadoutUs = 1_000_000;
    /// <summary>Largest <see cref="TransferUs"/>, µs (1 s).</summary>
    public const double MaxTransferUs = 1_000_000;
    /// <summary>Smallest AcquisitionFrameRate, Hz.</summary>
    public const double MinFrameRateHz = 1;
    /// <summary>Largest value <see cref="MaxFrameRateHz"/> may take, Hz.</summary>
    public const double MaxFrameRateLimitHz = 100_000;
    /// <summary>Largest |<see cref="ClockDriftPpm"/>|, ppm.</summary>
    public const double MaxDriftPpm = 1000;
    /// <summary>Largest |<see cref="ClockOffsetNs"/>|, ns (about 31 years).</summary>
    public const long MaxOffsetNs = 1_000_000_000_000_000_000;

    /// <summary>Width in pixels (default 640), <see cref="MinWidth"/>-<see cref="MaxWidth"/>.</summary>
    public int Width { get; set; } = 640;
    /// <summary>Height in pixels (default 480), <see cref="MinHeight"/>-<see cref="MaxHeight"/>.</summary>
    public int Height { get; set; } = 480;
    /// <summary>Pixel format (default Mono8).</summary>
    public PixelFormat PixelFormat { get; set; } = PixelFormat.Mono8;
    /// <summary>
    /// Largest frame rate the sensor can follow, Hz (default 240): the maximum of AcquisitionFrameRate and the
    /// free-run rate when AcquisitionFrameRateEnable is false. Triggered capture is limited by exposure and readout
    /// only (see <see cref="ICamera.TriggerTiming"/>).
    /// </summary>
    public double MaxFrameRateHz { get; set; } = 240;
    /// <summary>Sensor readout time, µs (default 2000), above 0 and at most <see cref="MaxReadoutUs"/>.</summary>
    public double ReadoutUs { get; set; } = 2000;
    /// <summary>
    /// Time the host spends reading one frame off the link (USB3, GigE) after its readout ends, µs (default 0: off),
    /// 0-<see cref="MaxTransferUs"/>. A frame ready at r (exposure start + exposure + readout) is transferred from
    /// <c>max(r, end of the previous transfer)</c> for TransferUs and reaches the host when that transfer ends.
    /// While a transfer runs, a software trigger to this camera (<see cref="SimulatedCamera.Trigger"/>, the
    /// TriggerSoftware command) blocks its caller until the transfer ends and only then reaches the camera, as a USB3
    /// driver on a Raspberry Pi 4 delays a trigger write behind a bulk transfer (the "doughnut hole" of the FLIR-on-Pi
    /// study). Action commands and the action scheduler are not delayed: they do not go through the host's transfer.
    /// Above 0 the camera's trigger may block (<see cref="SimulatedCamera.TriggerMayBlock"/>).
    /// </summary>
    public double TransferUs { get; set; }
    /// <summary>
    /// The TriggerOverlap the camera starts with: false (default) Off, true ReadOut (a new exposure may start during the
    /// previous readout; see <see cref="SimulatedCamera"/>). The TriggerOverlap feature changes it while not streaming.
    /// </summary>
    public bool OverlapReadOut { get; set; }
    /// <summary>Initial exposure time, µs (default 1000), <see cref="MinExposureUs"/>-<see cref="MaxExposureUs"/>.</summary>
    public double ExposureUs { get; set; } = 1000;
    /// <summary>Device clock offset against the shared timeline, ns (device = host + offset + drift).</summary>
    public long ClockOffsetNs { get; set; }
    /// <summary>Device clock drift against the shared timeline, parts per million (positive: the device runs fast).</summary>
    public double ClockDriftPpm { get; set; }
    /// <summary>Delay from trigger to exposure start, µs (default 10), 0-1 000 000.</summary>
    public double TriggerLatencyUs { get; set; } = 10;
    /// <summary>
    /// Host time (shared timeline, ns) at which the drift term is zero, so the device clock reads exactly
    /// host + <see cref="ClockOffsetNs"/> there; null (default) = the moment the camera is created (opened).
    /// </summary>
    public long? ClockReferenceNs { get; set; }

    /// <summary>Longest PTP phase time (<see cref="PtpInitializingSeconds"/>, <see cref="PtpListeningSeconds"/>, <see cref="PtpConvergenceSeconds"/>), s.</summary>
    public const double MaxPtpPhaseSeconds = 3600;
    /// <summary>Largest |<see cref="PtpResidualOffsetNs"/>|, ns (1 s).</summary>
    public const long MaxPtpResidualOffsetNs = 1_000_000_000;
    /// <summary>The default <see cref="PtpGrandmasterIdentity"/>: EUI-64 70b3d5.fffe.000001 (a fixed, made-up grandmaster).</summary>
    public const ulong DefaultPtpGrandmasterIdentity = 0x70B3_D5FF_FE00_0001;

    /// <summary>True (default) when the camera has the SFNC PTP features (PtpEnable, PtpStatus, PtpDataSetLatch, ...); false models a camera without PTP (e.g. a USB3 camera).</summary>
    public bool PtpSupported { get; set; } = true;
    /// <summary>Time in INITIALIZING after PtpEnable (and in PRE_MASTER before MASTER), s (default 0.05), 0-3600.</summary>
    public double PtpInitializingSeconds { get; set; } = 0.05;
    /// <summary>Time in LISTENING (waiting for Announce messages) before a master is chosen, s (default 1), 0-3600.</summary>
    public double PtpListeningSeconds { get; set; } = 1;
    /// <summary>Time the servo takes in UNCALIBRATED to bring the device clock onto the master, s (default 3), above 0 and at most 3600.</summary>
    public double PtpConvergenceSeconds { get; set; } = 3;
    /// <summary>How the PTP port ends up after LISTENING (default <see cref="SimulatedPtpBehavior.Slave"/>).</summary>
    public SimulatedPtpBehavior PtpBehavior { get; set; } = SimulatedPtpBehavior.Slave;
    /// <summary>Device minus master that the servo leaves once locked, ns (default 0), within ±1 s: models a servo that
    /// reports Locked with an offset above the rig's limit. PtpOffsetFromMaster reports it.</summary>
    public long PtpResidualOffsetNs { get; set; }
    /// <summary>
    /// The master's time minus the shared timeline, ns (default 0). 37 000 000 000 models a grandmaster that serves
    /// TAI (a PHC grandmaster, ptpTimescale) while the host's CLOCK_REALTIME is UTC: a locked camera then counts TAI.
    /// </summary>
    public long PtpMasterOffsetNs { get; set; }
    /// <summary>grandmasterIdentity the camera reports once it follows a master (default <see cref="DefaultPtpGrandmasterIdentity"/>); set it to the host's grandmaster identity to model a rig in one domain.</summary>
    public ulong PtpGrandmasterIdentity { get; set; } = DefaultPtpGrandmasterIdentity;

    /// <summary>Longest <see cref="NoAnswerMs"/> and <see cref="SlowTriggerMs"/>, ms (60 s).</summary>
    public const double MaxFaultDelayMs = 60_000;

    /// <summary>
    /// Fault injection: the device is unplugged after this many triggers for schedule slots (index 0 and up; warm-up
    /// triggers do not count): that trigger is not answered, nor is anything after it on that connection (triggers,
    /// features, <see cref="SimulatedCamera.Info"/>, AcquisitionStop), and frames in flight are lost. Null (default):
    /// never. The state belongs to the device (the backend's index), so it happens once per backend.
    /// </summary>
    public long? UnplugAfterTriggers { get; set; }
    /// <summary>Fault injection: seconds after the unplug when the device answers again and can be opened anew (the
    /// old camera object stays dead); null (default): never. Needs <see cref="UnplugAfterTriggers"/>.</summary>
    public double? ReplugAfterSeconds { get; set; }
    /// <summary>How long a call to an unplugged camera waits before it fails, ms (default 0), 0-<see cref="MaxFaultDelayMs"/>:
    /// models a GigE Vision GVCP timeout. Above 0 the camera's trigger may block (<see cref="SimulatedCamera.TriggerMayBlock"/>).</summary>
    public double NoAnswerMs { get; set; }
    /// <summary>Fault injection: the trigger for this schedule index blocks for <see cref="SlowTriggerMs"/> before it reaches
    /// the sensor (a lost write packet and its retry); null (default): none.</summary>
    public long? SlowTriggerFrameIndex { get; set; }
    /// <summary>How long the trigger of <see cref="SlowTriggerFrameIndex"/> blocks, ms (default 0), 0-<see cref="MaxFaultDelayMs"/>.</summary>
    public double SlowTriggerMs { get; set; }

    /// <summary>
    /// True (default) when the camera takes GigE Vision action commands: it has ActionDeviceKey, ActionSelector,
    /// ActionGroupKey, ActionGroupMask and the TriggerSource entries Action0 and Action1, and fires on a matching
    /// ACTION_CMD (see <see cref="SimulatedCamera"/>). False: those features are absent and an ACTION_CMD that asks for an
    /// acknowledge is answered with GEV_STATUS_NOT_IMPLEMENTED.
    /// </summary>
    public bool ActionsSupported { get; set; } = true;
    /// <summary>
    /// True (default) when the camera also takes scheduled action commands (an action_time on its PTP clock).
    /// Effective only with <see cref="ActionsSupported"/> and <see cref="PtpSupported"/>: a camera without PTP has no
    /// reference time, so it does not offer scheduled actions whatever this says (GevSupportedOption ScheduledAction is
    /// false then, and a scheduled ACTION_CMD is answered with GEV_STATUS_NOT_IMPLEMENTED).
    /// </summary>
    public bool ScheduledActionsSupported { get; set; } = true;
    /// <summary>
    /// True (default) when the camera has an action scheduler (ActionSchedulerTime, ActionSchedulerInterval,
    /// ActionSchedulerCommit, ActionSchedulerCancel, ActionSchedulerStatus; The Imaging Source names). Effective only with
    /// <see cref="ActionsSupported"/> and <see cref="PtpSupported"/>: the scheduler fires action 0 on the PTP clock.
    /// </summary>
    public bool SchedulerSupported { get; set; } = true;
    /// <summary>
    /// UDP port on which the camera, once set up for actions (see <see cref="SimulatedCamera"/>), listens for broadcast GVCP commands on 0.0.0.0 (with SO_REUSEADDR, so every simulated
    /// camera on the host gets its own copy), default 3956 (<see cref="Gvcp.GvcpProtocol.Port"/>); 0: no broadcast listener
    /// (the camera still takes unicast commands on its <see cref="SimulatedCamera.GvcpEndPoint"/>). 0-65535. Send unicast
    /// commands to that endpoint, not to 127.0.0.1:GvcpPort: Linux gives a unicast datagram to only one of the sockets
    /// sharing the port. When another program holds the port without SO_REUSEADDR the camera still opens, without the
    /// broadcast listener (<see cref="SimulatedCamera.IsListeningForBroadcasts"/> false, <see cref="SimulatedCamera.GvcpFault"/> says why).
    /// </summary>
    public int GvcpPort { get; set; } = Gvcp.GvcpProtocol.Port;

    /// <summary>A copy of these options.</summary>
    public SimulatedCameraOptions Clone() => (SimulatedCameraOptions)MemberwiseClone();

    /// <summary>Checks every value.</summary>
    /// <exception cref="InvalidCaptureArgumentException">A value is out of range; ParameterName is the property name.</exception>
    public void Validate()
    {
        if (Width is < MinWidth or > MaxWidth)
            throw new InvalidCaptureArgumentException(nameof(Width), $"a simulated camera is {MinWidth}-{MaxWidth} pixels wide; got {Width}.");
        if (Height is < MinHeight or > MaxHeight)
            throw new InvalidCaptureArgumentException(nameof(Height), $"a simulated camera is {MinHeight}-{MaxHeight} pixels high; got {Height}.");
        if (!Enum.IsDefined(PixelFormat))
            throw new InvalidCaptureArgumentException(nameof(PixelFormat), $"0x{(uint)PixelFormat:X8} is not a supported pixel format; use one of {string.Join(", ", Enum.GetNames<PixelFormat>())}.");
        if (!(MaxFrameRateHz >= MinFrameRateHz && MaxFrameRateHz <= MaxFrameRateLimitHz))
            throw new InvalidCaptureArgumentException(nameof(MaxFrameRateHz), $"the largest frame rate must be {MinFrameRateHz}-{MaxFrameRateLimitHz} Hz; got {MaxFrameRateHz}.");
        if (!(ReadoutUs > 0 && ReadoutUs <= MaxReadoutUs))
            throw new InvalidCaptureArgumentException(nameof(ReadoutUs), $"the readout time must be above 0 and at most {MaxReadoutUs} µs; got {ReadoutUs}.");
        if (!(TransferUs >= 0 && TransferUs <= MaxTransferUs))
            throw new InvalidCaptureArgumentException(nameof(TransferUs), $"the transfer time must be 0-{MaxTransferUs} µs (0: frames reach the host when their readout ends); got {TransferUs}.");
        if (!(ExposureUs >= MinExposureUs && ExposureUs <= MaxExposureUs))
            throw new InvalidCaptureArgumentException(nameof(ExposureUs), $"the exposure must be {MinExposureUs}-{MaxExposureUs} µs; got {ExposureUs}.");
        if (!(TriggerLatencyUs >= 0 && TriggerLatencyUs <= 1_000_000))
            throw new InvalidCaptureArgumentException(nameof(TriggerLatencyUs), $"the trigger latency must be 0-1000000 µs; got {TriggerLatencyUs}.");
        if (ClockOffsetNs is < -MaxOffsetNs or > MaxOffsetNs)
            throw new InvalidCaptureArgumentException(nameof(ClockOffsetNs), $"the clock offset must be within ±{MaxOffsetNs} ns; got {ClockOffsetNs}.");
        if (!(Math.Abs(ClockDriftPpm) <= MaxDriftPpm))
            throw new InvalidCaptureArgumentException(nameof(ClockDriftPpm), $"the clock drift must be within ±{MaxDriftPpm} ppm; got {ClockDriftPpm}.");
        if (ClockReferenceNs is <= 0)
            throw new InvalidCaptureArgumentException(nameof(ClockReferenceNs), $"the clock reference must be a time on the shared timeline (ns since 1970-01-01 UTC) or null; got {ClockReferenceNs}.");
        if (!(PtpInitializingSeconds >= 0 && PtpInitializingSeconds <= MaxPtpPhaseSeconds))
            throw new InvalidCaptureArgumentException(nameof(PtpInitializingSeconds), $"the PTP initializing time must be 0-{MaxPtpPhaseSeconds} s; got {PtpInitializingSeconds}.");
        if (!(PtpListeningSeconds >= 0 && PtpListeningSeconds <= MaxPtpPhaseSeconds))
            throw new InvalidCaptureArgumentException(nameof(PtpListeningSeconds), $"the PTP listening time must be 0-{MaxPtpPhaseSeconds} s; got {PtpListeningSeconds}.");
        if (!(PtpConvergenceSeconds > 0 && PtpConvergenceSeconds <= MaxPtpPhaseSeconds))
            throw new InvalidCaptureArgumentException(nameof(PtpConvergenceSeconds), $"the PTP convergence time must be above 0 and at most {MaxPtpPhaseSeconds} s; got {PtpConvergenceSeconds}.");
        if (!Enum.IsDefined(PtpBehavior))
            throw new InvalidCaptureArgumentException(nameof(PtpBehavior), $"use one of {string.Join(", ", Enum.GetNames<SimulatedPtpBehavior>())}; got {(int)PtpBehavior}.");
        if (PtpResidualOffsetNs is < -MaxPtpResidualOffsetNs or > MaxPtpResidualOffsetNs)
            throw new InvalidCaptureArgumentException(nameof(PtpResidualOffsetNs), $"the residual PTP offset must be within ±{MaxPtpResidualOffsetNs} ns; got {PtpResidualOffsetNs}.");
        if (PtpMasterOffsetNs is < -MaxOffsetNs or > MaxOffsetNs)
            throw new InvalidCaptureArgumentException(nameof(PtpMasterOffsetNs), $"the master's offset must be within ±{MaxOffsetNs} ns; got {PtpMasterOffsetNs}.");
        if (UnplugAfterTriggers is < 0)
            throw new InvalidCaptureArgumentException(nameof(UnplugAfterTriggers), $"the triggers before the unplug must be 0 or more, or null for never; got {UnplugAfterTriggers}.");
        if (ReplugAfterSeconds is double replug && !(replug >= 0 && replug <= MaxPtpPhaseSeconds))
            throw new InvalidCaptureArgumentException(nameof(ReplugAfterSeconds), $"the replug time must be 0-{MaxPtpPhaseSeconds} s, or null for never; got {replug}.");
        if (ReplugAfterSeconds is not null && UnplugAfterTriggers is null)
            throw new InvalidCaptureArgumentException(nameof(ReplugAfterSeconds), "a replug time needs UnplugAfterTriggers: set when the camera is unplugged first.");
        if (!(NoAnswerMs >= 0 && NoAnswerMs <= MaxFaultDelayMs))
            throw new InvalidCaptureArgumentException(nameof(NoAnswerMs), $"the no-answer time must be 0-{MaxFaultDelayMs} ms; got {NoAnswerMs}.");
        if (!(SlowTriggerMs >= 0 && SlowTriggerMs <= MaxFaultDelayMs))
            throw new InvalidCaptureArgumentException(nameof(SlowTriggerMs), $"the slow trigger time must be 0-{MaxFaultDelayMs} ms; got {SlowTriggerMs}.");
        if (GvcpPort is < 0 or > 65535)
            throw new InvalidCaptureArgumentException(nameof(GvcpPort), $"the GVCP port must be 1-65535, or 0 for no broadcast listener; got {GvcpPort}.");
        if (PtpGrandmasterIdentity is 0 or ulong.MaxValue)
            throw new InvalidCaptureArgumentException(nameof(PtpGrandmasterIdentity), "the grandmaster identity must be an EUI-64 other than all zeros or all ones.");
    }
}

/// <summary>How a simulated camera's PTP port ends up after LISTENING.</summary>
public enum SimulatedPtpBehavior
{
    /// <summary>A better master exists: UNCALIBRATED while the servo converges, then SLAVE with PtpServoStatus Locked.</summary>
    Slave,
    /// <summary>No Announce ever arrives (wrong domain, blocked multicast): the port stays in LISTENING.</summary>
    StuckInListening,
    /// <summary>The camera wins the best master clock algorithm: PRE_MASTER, then MASTER; its clock runs free and it reports itself as grandmaster.</summary>
    BecomesMaster,
}
