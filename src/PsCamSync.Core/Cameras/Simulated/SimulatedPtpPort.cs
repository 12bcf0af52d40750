using PsCamSync.Core.Ptp;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// The PTP port and servo of one simulated camera, as a pure function of host time since PtpEnable, so every state is
/// reproducible in a test without timers.
/// </summary>
/// <remarks>
/// <para>After PtpEnable at host time tE: INITIALIZING until tE + PtpInitializingSeconds, LISTENING for
/// PtpListeningSeconds after that (until tL). Then, by <see cref="SimulatedPtpBehavior"/>:
/// Slave: UNCALIBRATED until tS = tL + PtpConvergenceSeconds, SLAVE after; StuckInListening: LISTENING for ever;
/// BecomesMaster: PRE_MASTER for PtpInitializingSeconds, MASTER after. PtpEnable false: DISABLED.</para>
/// <para>Servo (Slave only): at tL the device clock starts a linear slew from its free-running offset to
/// master + PtpResidualOffsetNs, reached at tS, and runs at the master's rate from then on (drift 0). Real servos first
/// step a large offset and then steer the frequency; the linear slew keeps the model monotonic, deterministic and
/// visible in the latched PtpOffsetFromMaster while UNCALIBRATED. PtpEnable false (or a new PtpEnable) keeps the clock
/// where it is and lets it run at its free drift again.</para>
/// <para>Latched data set (PtpDataSetLatch): PtpServoStatus (Locked in SLAVE, Unknown otherwise), PtpOffsetFromMaster
/// (device − master, ns, in UNCALIBRATED and SLAVE; 0 otherwise), PtpGrandmasterClockID and PtpParentClockID (the
/// configured grandmaster in UNCALIBRATED and SLAVE, the camera's own identity otherwise, as parentDS starts in IEEE
/// 1588), PtpClockID (the camera's own EUI-64, 0253.49ff.fe00.00kk for sim-k).</para>
/// </remarks>
internal sealed class SimulatedPtpPort
{
    /// <summary>PtpStatus entries, SFNC names.</summary>
    public static readonly string[] StatusEntries =
        ["Initializing", "Faulty", "Disabled", "Listening", "PreMaster", "Master", "Passive", "Uncalibrated", "Slave"];

    /// <summary>PtpServoStatus entries.</summary>
    public static readonly string[] ServoEntries = ["Unknown", "Locked"];

    private readonly Lock _lock = new();
    private readonly SimulatedDeviceClock _clock;
    private readonly SimulatedCameraOptions _options;
    private readonly long _initNs, _listenNs, _convergeNs;
    private bool _enabled;
    private long _enabledAtNs;

    public SimulatedPtpPort(int index, SimulatedDeviceClock clock, SimulatedCameraOptions options)
    {
        _clock = clock;
        _options = options;
        _initNs = SecondsToNs(options.PtpInitializingSeconds);
        _listenNs = SecondsToNs(options.PtpListeningSeconds);
        _convergeNs = Math.Max(1, SecondsToNs(options.PtpConvergenceSeconds));
        ClockIdentity = 0x0253_49FF_FE00_0000UL | (uint)index;
        LatchedClockId = LatchedParentId = LatchedGrandmasterId = ClockIdentity;
    }

    /// <summary>The camera's own clockIdentity (EUI-64 as a big-endian integer).</summary>
    public ulong ClockIdentity { get; }

    /// <summary>PtpEnable.</summary>
    public bool Enabled
    {
        get { lock (_lock) return _enabled; }
    }

    /// <summary>Host time of the last PtpEnable true, ns.</summary>
    public long EnabledAtNs
    {
        get { lock (_lock) return _enabledAtNs; }
    }

    /// <summary>Writes PtpEnable at host time <paramref name="hostNs"/>; enabling again restarts the state machine.</summary>
    public void SetEnabled(bool enable, long hostNs)
    {
        lock (_lock)
        {
            // Either way the servo lets go of the clock here: it runs on at its free drift.
            _clock.Adjust(hostNs, 0, _options.ClockDriftPpm);
            _enabled = enable;
            if (!enable)
                return;
            _enabledAtNs = hostNs;
            if (_options.PtpBehavior == SimulatedPtpBehavior.Slave)
            {
                long tL = hostNs + _initNs + _listenNs;
                _clock.Slew(tL, tL + _convergeNs, _options.PtpMasterOffsetNs + _options.PtpResidualOffsetNs);
            }
        }
    }

    /// <summary>When the servo reaches SLAVE (host ns) for the current enable, or null when it never will.</summary>
    public long? LockedAtNs
    {
        get
        {
            lock (_lock)
                return _enabled && _options.PtpBehavior == SimulatedPtpBehavior.Slave ? _enabledAtNs + _initNs + _listenNs + _convergeNs : null;
        }
    }

    /// <summary>The port state at host time <paramref name="hostNs"/>.</summary>
    public PortState StateAt(long hostNs)
    {
        lock (_lock)
        {
            if (!_enabled)
                return PortState.Disabled;
            long t = hostNs - _enabledAtNs;
            if (t < _initNs)
                return PortState.Initializing;
            if (t < _initNs + _listenNs)
                return PortState.Listening;
            long after = t - _initNs - _listenNs;
            return _options.PtpBehavior switch
            {
                SimulatedPtpBehavior.StuckInListening => PortState.Listening,
                SimulatedPtpBehavior.BecomesMaster => after < _initNs ? PortState.PreMaster : PortState.Master,
                _ => after < _convergeNs ? PortState.Uncalibrated : PortState.Slave,
            };
        }
    }

    /// <summary>The SFNC entry name of a state.</summary>
    public static string EntryOf(PortState state) => state switch
    {
        PortState.Initializing => "Initializing",
        PortState.Faulty => "Faulty",
        PortState.Listening => "Listening",
        PortState.PreMaster => "PreMaster",
        PortState.Master or PortState.GrandMaster => "Master",
        PortState.Passive => "Passive",
        PortState.Uncalibrated => "Uncalibrated",
        PortState.Slave => "Slave",
        _ => "Disabled",
    };

    /// <summary>Latched PtpServoStatus.</summary>
    public string LatchedServo { get; private set; } = "Unknown";
    /// <summary>Latched PtpOffsetFromMaster, ns.</summary>
    public long LatchedOffsetNs { get; private set; }
    /// <summary>Latched PtpGrandmasterClockID.</summary>
    public ulong LatchedGrandmasterId { get; private set; }
    /// <summary>Latched PtpParentClockID.</summary>
    public ulong LatchedParentId { get; private set; }
    /// <summary>Latched PtpClockID.</summary>
    public ulong LatchedClockId { get; private set; }

    /// <summary>PtpDataSetLatch at host time <paramref name="hostNs"/>.</summary>
    public void Latch(long hostNs)
    {
        lock (_lock)
        {
            var state = StateAt(hostNs);
            bool following = state is PortState.Uncalibrated or PortState.Slave;
            LatchedServo = state == PortState.Slave ? "Locked" : "Unknown";
            LatchedOffsetNs = following ? _clock.OffsetAt(hostNs) - _options.PtpMasterOffsetNs : 0;
            LatchedGrandmasterId = LatchedParentId = following ? _options.PtpGrandmasterIdentity : ClockIdentity;
            LatchedClockId = ClockIdentity;
        }
    }

    private static long SecondsToNs(double s) => (long)Math.Round(s * 1e9);
}
