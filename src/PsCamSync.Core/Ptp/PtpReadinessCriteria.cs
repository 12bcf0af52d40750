namespace PsCamSync.Core.Ptp;

/// <summary>
/// What "converged" means for <see cref="PtpReadiness"/>: the largest |offsetFromMaster| accepted, and optionally the
/// domainNumber and grandmasterIdentity the rig is expected to use.
/// </summary>
public sealed record PtpReadinessCriteria
{
    /// <summary>Default <see cref="MaxOffsetNs"/>: 100 µs. Below 3 % of a 240 Hz frame period, reached by software
    /// timestamping on a quiet LAN; an unlocked servo is milliseconds off. Use 1 µs (1000) with hardware timestamping.</summary>
    public const long DefaultMaxOffsetNs = 100_000;

    /// <summary>Largest |offsetFromMaster| of the host and of every camera that reports one, ns (≥ 0).</summary>
    public long MaxOffsetNs { get; init; } = DefaultMaxOffsetNs;

    /// <summary>The domainNumber every clock must be on, or null to accept the host's.</summary>
    public int? ExpectedDomain { get; init; }

    /// <summary>The grandmasterIdentity (<c>xxxxxx.xxxx.xxxxxx</c>) every clock must follow, or null to accept any one.</summary>
    public string? ExpectedGrandmaster { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="InvalidCaptureArgumentException"><c>MaxOffset</c> negative; <c>DomainNumber</c> outside 0..255;
    /// <c>Grandmaster</c> not in clockIdentity text form.</exception>
    public PtpReadinessCriteria Validate()
    {
        if (MaxOffsetNs < 0)
            throw new InvalidCaptureArgumentException("MaxOffset",
                $"{MaxOffsetNs} ns is negative: give the largest |offsetFromMaster| to accept, e.g. 100 µs (software timestamping) or 1 µs (hardware).");
        if (ExpectedDomain is < 0 or > 255)
            throw new InvalidCaptureArgumentException("DomainNumber", $"{ExpectedDomain} is not a PTP domainNumber: give 0..255 (ptp4l's domainNumber).");
        if (ExpectedGrandmaster is { } gm && !IsClockIdentityText(gm))
            throw new InvalidCaptureArgumentException("Grandmaster",
                $"'{gm}' is not a clockIdentity: give it as ptp4l prints it (xxxxxx.xxxx.xxxxxx, 16 hex digits), e.g. GrandmasterIdentity of a Test-PtpSync result.");
        return this;
    }

    /// <summary>True for linuxptp's clockIdentity text form <c>xxxxxx.xxxx.xxxxxx</c> (hex digits, either case).</summary>
    public static bool IsClockIdentityText(string text)
    {
        if (text is null || text.Length != 18 || text[6] != '.' || text[11] != '.')
            return false;
        for (int i = 0; i < text.Length; i++)
            if (i is not (6 or 11) && !Uri.IsHexDigit(text[i]))
                return false;
        return true;
    }
}
