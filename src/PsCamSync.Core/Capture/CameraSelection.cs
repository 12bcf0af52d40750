using System.Globalization;
using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Capture;

/// <summary>A backend to ask for cameras, and whether the user named it.</summary>
/// <param name="Name">Canonical backend name from <see cref="CameraBackends.Names"/>.</param>
/// <param name="Named">True when the user listed it with <c>-Backend</c> (an unavailable named backend is an error,
/// an unavailable unnamed one only a verbose note).</param>
/// <param name="SimulatedCount">Cameras the simulated backend offers (0 for other backends).</param>
public sealed record BackendChoice(string Name, bool Named, int SimulatedCount);

/// <summary>One camera a take asks for.</summary>
/// <param name="Id">Camera id, serial or address, as <c>Get-SyncCamera</c> lists it.</param>
/// <param name="Backend">Backend name, or null to search every backend.</param>
public sealed record CameraRequest(string Id, string? Backend);

/// <summary>
/// Which backends <c>Get-SyncCamera</c> asks and which <c>Start-SyncCapture</c> opens cameras on.
/// </summary>
/// <remarks>
/// Simulated cameras appear only when asked for, so a rig's camera list is never padded with fakes:
/// without <c>-Backend</c> every backend is asked and the simulated one only when <c>-Simulated N</c> (N &gt; 0) is
/// given; <c>-Backend Simulated</c> without <c>-Simulated</c> offers <see cref="DefaultSimulatedCount"/> cameras;
/// <c>-Simulated N</c> with a <c>-Backend</c> list that lacks Simulated adds it.
/// </remarks>
public static class CameraSelection
{
    /// <summary>Cameras <c>-Backend Simulated</c> offers when <c>-Simulated</c> is not given: 3, a small rig.</summary>
    public const int DefaultSimulatedCount = 3;

    /// <summary>Largest number of simulated cameras (the simulated backend's limit).</summary>
    public const int MaxSimulatedCount = 64;

    /// <summary>Id prefix of simulated cameras: <c>sim-0</c>, <c>sim-1</c>, ...</summary>
    public const string SimulatedIdPrefix = "sim-";

    /// <summary>The backends to ask for cameras, in <see cref="CameraBackends.Names"/> order.</summary>
    /// <param name="backendNames">Names given with <c>-Backend</c> (case-insensitive), or null/empty for all.</param>
    /// <param name="simulated">The <c>-Simulated</c> count when given, else null.</param>
    /// <exception cref="InvalidCaptureArgumentException"><c>Backend</c>: an unknown name; <c>Simulated</c>: out of 0-64.</exception>
    public static IReadOnlyList<BackendChoice> ForDiscovery(IReadOnlyList<string>? backendNames, int? simulated)
    {
        if (simulated is < 0 or > MaxSimulatedCount)
            throw new InvalidCaptureArgumentException("Simulated", $"the number of simulated cameras must be 0-{MaxSimulatedCount}; got {simulated}.");
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in backendNames ?? Array.Empty<string>())
            named.Add(Canonical(name));

        var choices = new List<BackendChoice>();
        foreach (var name in CameraBackends.Names)
        {
            bool isNamed = named.Contains(name);
            bool isSimulated = IsSimulated(name);
            if (isSimulated)
            {
                int count = simulated ?? (isNamed ? DefaultSimulatedCount : 0);
                if (count > 0)
                    choices.Add(new BackendChoice(name, isNamed, count));
            }
            else if (named.Count == 0 || isNamed)
            {
                choices.Add(new BackendChoice(name, isNamed, 0));
            }
        }
        return choices;
    }

    /// <summary>The canonical spelling of a backend name.</summary>
    /// <exception cref="InvalidCaptureArgumentException"><c>Backend</c>: the name is unknown.</exception>
    public static string Canonical(string backendName) =>
        CameraBackends.Names.FirstOrDefault(n => string.Equals(n, backendName?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidCaptureArgumentException("Backend", $"'{backendName}' is not a camera backend; use one of {string.Join(", ", CameraBackends.Names)}.");

    /// <summary>
    /// Checks the cameras a take asks for: at least one, known backends, no id twice (ids name the take's files,
    /// compared ignoring case). Returns them trimmed, with canonical backend names, in the order given.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException"><c>CameraId</c>: none, an empty id or a duplicate;
    /// <c>Backend</c>: an unknown backend.</exception>
    public static IReadOnlyList<CameraRequest> CheckRequests(IEnumerable<CameraRequest> requests)
    {
        var result = new List<CameraRequest>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in requests)
        {
            if (string.IsNullOrWhiteSpace(r.Id))
                throw new InvalidCaptureArgumentException("CameraId", "a camera id is empty; pass ids from Get-SyncCamera.");
            var request = r with { Id = r.Id.Trim(), Backend = string.IsNullOrWhiteSpace(r.Backend) ? null : Canonical(r.Backend) };
            // Ids name the files of the take, so one id twice is refused whatever the backends.
            if (!seen.Add(request.Id))
                throw new InvalidCaptureArgumentException("CameraId", $"camera '{request.Id}' is listed twice; each camera can record once per take.");
            result.Add(request);
        }
        if (result.Count == 0)
            throw new InvalidCaptureArgumentException("CameraId", "no camera was given; pass -CameraId or pipe cameras from Get-SyncCamera.");
        return result;
    }

    /// <summary>
    /// How many cameras the simulated backend must offer so that every <c>sim-k</c> among <paramref name="requests"/>
    /// can be opened: the largest k plus one (at least 1).
    /// </summary>
    public static int SimulatedCountFor(IEnumerable<CameraRequest> requests)
    {
        int count = 1;
        foreach (var r in requests)
        {
            if (r.Backend is not null && !IsSimulated(r.Backend))
                continue;
            if (r.Id.StartsWith(SimulatedIdPrefix, StringComparison.OrdinalIgnoreCase) &&
                int.TryParse(r.Id.AsSpan(SimulatedIdPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int k) &&
                k < MaxSimulatedCount)
                count = Math.Max(count, k + 1);
        }
        return count;
    }

    /// <summary>
    /// The standard backends to open <paramref name="requests"/> on (<see cref="CameraBackends.Open"/>): every backend
    /// by name, the simulated one offering <see cref="SimulatedCountFor"/> cameras.
    /// </summary>
    public static IReadOnlyList<ICameraBackend> BackendsFor(IEnumerable<CameraRequest> requests)
    {
        int simulated = SimulatedCountFor(requests);
        return CameraBackends.Names.Select(n => CameraBackends.Create(n, simulated)).ToList();
    }

    /// <summary>True for the simulated backend's name.</summary>
    public static bool IsSimulated(string backendName) =>
        string.Equals(backendName, "Simulated", StringComparison.OrdinalIgnoreCase);
}
