using PsCamSync.Core.Cameras;
using PsCamSync.Core.Ptp;

namespace PsCamSync.Core.Timing;

/// <summary>One camera's part of a <see cref="TimestampDeltaPlan"/>.</summary>
/// <param name="CameraId">Camera id.</param>
/// <param name="Ptp">The camera's PTP state read just before measuring, or null when it could not be read.</param>
/// <param name="Mapping">The timescale mapping its timestamps get.</param>
public sealed record TimestampDeltaCameraPlan(string CameraId, CameraPtpStatus? Ptp, TimescaleMapping Mapping)
{
    /// <summary>True when the camera's PTP port follows a master (Slave or Uncalibrated): its mapping depends on the domain's timescale.</summary>
    public bool FollowsPtp => Ptp is { Supported: true, PortState: PortState.Slave or PortState.Uncalibrated };
}

/// <summary>
/// Chooses the timescale mapping per camera for Get-CameraTimestampDelta: reads each camera's PTP state
/// (<see cref="CameraPtp.Read"/>) and, when a ptp4l socket is given or the default one exists, ptp4l's
/// TIME_PROPERTIES_DATA_SET, then applies <see cref="TimescaleMapping.For"/>. Nothing is decided silently: every
/// choice is a line in <see cref="Notes"/>, and a fallback that may be wrong (a camera follows PTP but the domain's
/// timescale is unknown) is a line in <see cref="Warnings"/>.
/// </summary>
public sealed class TimestampDeltaPlan
{
    private readonly Dictionary<string, TimescaleMapping> _byId;

    private TimestampDeltaPlan(string? socketPath, TimePropertiesDataSet? timeProperties, PtpManagementException? ptp4lError,
        IReadOnlyList<TimestampDeltaCameraPlan> cameras, IReadOnlyList<string> notes, IReadOnlyList<string> warnings)
    {
        SocketPath = socketPath;
        TimeProperties = timeProperties;
        Ptp4lError = ptp4lError;
        Cameras = cameras;
        Notes = notes;
        Warnings = warnings;
        _byId = new Dictionary<string, TimescaleMapping>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in cameras)
            _byId[c.CameraId] = c.Mapping;
    }

    /// <summary>The ptp4l socket asked, or null when none was (no path given and none at the default path).</summary>
    public string? SocketPath { get; }

    /// <summary>ptp4l's timePropertiesDS, or null when it was not asked or could not be read.</summary>
    public TimePropertiesDataSet? TimeProperties { get; }

    /// <summary>Why ptp4l could not be read, or null.</summary>
    public PtpManagementException? Ptp4lError { get; }

    /// <summary>One entry per camera, in the order given.</summary>
    public IReadOnlyList<TimestampDeltaCameraPlan> Cameras { get; }

    /// <summary>What was read and chosen, one sentence each (for Write-Verbose).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Fallbacks that may make a delta wrong, one sentence each (for Write-Warning).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The mapping chosen for <paramref name="camera"/> (by id); Identity for a camera the plan does not know.</summary>
    public TimescaleMapping MappingFor(ICamera camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        return _byId.TryGetValue(camera.Info.Id, out var m) ? m : TimescaleMapping.Identity;
    }

    /// <summary>
    /// Reads the cameras' PTP state and, when <paramref name="socketPath"/> is given or <paramref name="defaultSocketPath"/>
    /// exists, ptp4l's TIME_PROPERTIES_DATA_SET (domainNumber detected), then decides (<see cref="Decide"/>).
    /// ptp4l errors and camera feature errors become notes and warnings, not exceptions.
    /// </summary>
    /// <param name="host">Host name for the camera PTP states.</param>
    /// <param name="cameras">Open cameras.</param>
    /// <param name="socketPath">ptp4l's uds_address given by the user, or null to use <paramref name="defaultSocketPath"/> when it exists.</param>
    /// <param name="defaultSocketPath">Where ptp4l's socket is looked for when none is given.</param>
    /// <param name="timeoutMs">Per-request timeout for ptp4l, ms (≥ 1).</param>
    /// <exception cref="InvalidCaptureArgumentException">SocketPath is not a usable socket path (empty, too long).</exception>
    public static TimestampDeltaPlan Prepare(string host, IReadOnlyList<ICamera> cameras, string? socketPath,
        string defaultSocketPath = PtpManagementClientOptions.DefaultSocketPath, int timeoutMs = 1000)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        var states = new List<(string CameraId, CameraPtpStatus? Ptp, string? PtpError)>(cameras.Count);
        foreach (var camera in cameras)
        {
            try
            {
                states.Add((camera.Info.Id, CameraPtp.Read(camera, host), null));
            }
            catch (FeatureException e)
            {
                states.Add((camera.Info.Id, null, e.Message));
            }
        }

        string? path = socketPath ?? (File.Exists(defaultSocketPath) ? defaultSocketPath : null);
        TimePropertiesDataSet? tp = null;
        PtpManagementException? error = null;
        if (path is not null)
        {
            if (string.IsNullOrWhiteSpace(path))
                throw new InvalidCaptureArgumentException("SocketPath", "give ptp4l's uds_address (default /var/run/ptp4l), or omit -SocketPath.");
            try
            {
                int domain = PtpManagementClient.DetectDomainNumber(path, timeoutMs);
                using var client = new PtpManagementClient(path, timeoutMs, domain);
                tp = client.GetTimePropertiesDataSet();
            }
            catch (PtpManagementException e)
            {
                error = e;
            }
        }
        return Decide(states, path, defaultSocketPath, tp, error, socketPathGiven: socketPath is not null);
    }

    /// <summary>
    /// The decision itself: <see cref="TimescaleMapping.For"/> per camera (Identity for a camera whose PTP state is
    /// unknown), with a note per camera, a note on the ptp4l read, and a warning for every camera that follows PTP
    /// while the domain's timescale is unknown (its delta is off by currentUtcOffset if the grandmaster serves TAI), or
    /// whose PTP state could not be read.
    /// </summary>
    /// <param name="cameras">Each camera's id and PTP state, or the error reading it.</param>
    /// <param name="socketPath">The ptp4l socket asked, or null when none was.</param>
    /// <param name="defaultSocketPath">The default path looked at when none was given (named in the note).</param>
    /// <param name="timeProperties">What ptp4l answered, or null.</param>
    /// <param name="ptp4lError">Why ptp4l could not be read, or null.</param>
    /// <param name="socketPathGiven">True when the user named the socket: a failed read is then a warning even when no camera follows PTP.</param>
    public static TimestampDeltaPlan Decide(IReadOnlyList<(string CameraId, CameraPtpStatus? Ptp, string? PtpError)> cameras,
        string? socketPath, string defaultSocketPath, TimePropertiesDataSet? timeProperties, PtpManagementException? ptp4lError,
        bool socketPathGiven = false)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        var notes = new List<string>();
        var warnings = new List<string>();
        string unknownBecause;
        if (socketPath is null)
        {
            unknownBecause = $"no ptp4l socket at {defaultSocketPath} (give -SocketPath)";
            notes.Add($"Timescale: {unknownBecause}; cameras that follow PTP are compared unmapped (Identity).");
        }
        else if (timeProperties is null)
        {
            string why = ptp4lError?.Message ?? "no answer";
            unknownBecause = $"ptp4l at {socketPath} could not be read: {why}";
            if (socketPathGiven)
                warnings.Add($"Timescale: {unknownBecause}; every camera is compared unmapped (Identity).");
            else
                notes.Add($"Timescale: {unknownBecause}; cameras that follow PTP are compared unmapped (Identity).");
        }
        else
        {
            unknownBecause = "";
            notes.Add($"Timescale: ptp4l at {socketPath}: ptpTimescale {timeProperties.PtpTimescale}, currentUtcOffset {timeProperties.CurrentUtcOffset} s" +
                      $" (valid {timeProperties.CurrentUtcOffsetValid}).");
        }

        var plans = new List<TimestampDeltaCameraPlan>(cameras.Count);
        foreach (var (id, ptp, ptpError) in cameras)
        {
            TimestampDeltaCameraPlan plan;
            if (ptp is null)
            {
                plan = new(id, null, TimescaleMapping.Identity with { Reason = $"its PTP state could not be read ({ptpError ?? "unknown error"})" });
                warnings.Add($"Camera '{id}': its PTP state could not be read ({ptpError ?? "unknown error"}); its timestamps are compared unmapped (Identity).");
            }
            else
            {
                plan = new(id, ptp, TimescaleMapping.For(timeProperties, ptp));
                if (plan.FollowsPtp && timeProperties is null)
                    warnings.Add($"Camera '{id}' follows PTP ({ptp.PortState}) but the domain's timescale is unknown ({unknownBecause}): " +
                                 "it is compared unmapped (Identity); if the grandmaster serves TAI, its delta is off by currentUtcOffset (37 s).");
            }
            notes.Add($"Camera '{id}': mapping {plan.Mapping.Name}: {plan.Mapping.Reason}.");
            plans.Add(plan);
        }
        return new TimestampDeltaPlan(socketPath, timeProperties, ptp4lError, plans, notes, warnings);
    }
}
