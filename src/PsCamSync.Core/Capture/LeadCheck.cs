namespace PsCamSync.Core.Capture;

/// <summary>
/// Whether the lead before a take's first frame covers the take's setup, estimated before the take starts
/// (<see cref="CaptureSession.CheckLead"/>). Slots due before the setup is done are not triggered: they are recorded
/// as TriggerLate and as a Trigger fault. Plain data; the caller words any warning.
/// </summary>
/// <param name="LeadNs">From now until the first frame this host would fire, ns.</param>
/// <param name="SetupEstimateNs">What the setup is expected to take, ns (see <see cref="CaptureSession.CheckLead"/>).</param>
/// <param name="RingBytes">Frame-ring memory the take will allocate (and mlockall lock), all cameras, bytes.</param>
/// <param name="FirstFrameIndex">The first frame this host would fire (above 0 when the take started before now).</param>
/// <param name="JoinsLate">True when T0 is already past: this host joins a running take.</param>
public sealed record LeadCheck(long LeadNs, long SetupEstimateNs, long RingBytes, long FirstFrameIndex, bool JoinsLate)
{
    /// <summary>True when the first frame is due before the setup is expected to be done.</summary>
    public bool IsTooShort => LeadNs < SetupEstimateNs;

    /// <summary>A lead that covers the estimate with room to spare: <see cref="SuggestLeadNs"/> of it.</summary>
    public long SuggestedLeadNs => SuggestLeadNs(SetupEstimateNs);

    /// <summary>
    /// A lead for a setup of <paramref name="setupNs"/>: one and a half times it, rounded up to a whole half second
    /// (at least 0.5 s), so that a setup a little slower than this one still fits.
    /// </summary>
    public static long SuggestLeadNs(long setupNs)
    {
        const long half = 500_000_000;
        long wanted = Math.Max(1, setupNs + setupNs / 2);
        return (wanted + half - 1) / half * half;
    }
}
