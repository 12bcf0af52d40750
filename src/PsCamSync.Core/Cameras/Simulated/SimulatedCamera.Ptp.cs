using PsCamSync.Core.Timing;
using F = PsCamSync.Core.Cameras.Simulated.SimulatedFeature;

namespace PsCamSync.Core.Cameras.Simulated;

public sealed partial class SimulatedCamera
{
    /// <summary>The PTP port and servo model, or null when <see cref="SimulatedCameraOptions.PtpSupported"/> is false.</summary>
    internal SimulatedPtpPort? Ptp { get; private set; }

    /// <summary>
    /// Host time (shared timeline, ns) at which the servo started after the last PtpEnable reaches SLAVE, or null
    /// when PTP is off, unsupported, or the camera never becomes a slave (see <see cref="SimulatedPtpBehavior"/>).
    /// </summary>
    public long? PtpLockedAtNs => Ptp?.LockedAtNs;

    /// <summary>Adds the SFNC PTP rows (see <see cref="SimulatedPtpPort"/>) when the model has PTP.</summary>
    private void AddPtpFeatures(SimulatedFeatureMap map)
    {
        if (!_options.PtpSupported)
            return;
        var ptp = Ptp = new SimulatedPtpPort(Index, Clock, _options);
        map.Add(F.Boolean("PtpEnable", () => ptp.Enabled, v => ptp.SetEnabled(v, SharedTimeline.NowNs())))
           .Add(F.Enumeration("PtpStatus", SimulatedPtpPort.StatusEntries, () => SimulatedPtpPort.EntryOf(ptp.StateAt(SharedTimeline.NowNs()))))
           .Add(F.Command("PtpDataSetLatch", () => ptp.Latch(SharedTimeline.NowNs())))
           .Add(F.Enumeration("PtpServoStatus", SimulatedPtpPort.ServoEntries, () => ptp.LatchedServo))
           .Add(F.Integer("PtpOffsetFromMaster", () => ptp.LatchedOffsetNs, unit: "ns"))
           .Add(F.Integer("PtpGrandmasterClockID", () => unchecked((long)ptp.LatchedGrandmasterId)))
           .Add(F.Integer("PtpParentClockID", () => unchecked((long)ptp.LatchedParentId)))
           .Add(F.Integer("PtpClockID", () => unchecked((long)ptp.LatchedClockId)));
    }
}
