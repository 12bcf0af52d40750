using System.Runtime.InteropServices;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>
/// The takes alive in this process (started, not yet finalised), whoever started them (the cmdlets, the C# API):
/// they are finished when the process is told to end, they hold the process's memory lock, and they own their
/// cameras.
/// </summary>
/// <remarks>
/// <para><b>Ending the process.</b> When the first take starts, handlers are registered for SIGTERM and SIGHUP
/// (<see cref="PosixSignalRegistration"/>) and for <see cref="AppDomain.ProcessExit"/> (a script that ends, <c>exit</c>,
/// <see cref="Environment.Exit"/>, and .NET's own handling of SIGTERM). Each stops every live take at its next frame
/// (no further trigger is fired), gives frames already triggered up to <see cref="InFlightGrace"/> to arrive, then
/// expires the rest as missed, and waits up to <see cref="ProcessEndWait"/> in all for the takes to be finalised
/// (frames tables and video flushed and closed, <c>take.json</c> written as <c>Stopped</c> with a
/// <c>StopReason</c> naming the signal). The signal is never cancelled: once the takes are finalised (or the wait is
/// over) the handler returns and the signal's default outcome follows, so the process ends as it would have without
/// the module, only later by the time finalising took. A take that could not be finalised in time is named on
/// stderr; its folder stays <c>Recording</c> and Measure-SyncTake reports it as crashed. SIGKILL cannot be handled.</para>
/// <para><b>Memory locking.</b> A take's trigger thread calls <c>mlockall(MCL_CURRENT|MCL_FUTURE)</c>, which locks the
/// whole process. The lock is held while any take that asked for it is alive: when the last one ends,
/// <c>munlockall</c> gives the memory back to the kernel's paging.</para>
/// </remarks>
public static class LiveTakes
{
    /// <summary>How long the process-end handlers wait for the takes to be finalised: 5 s.</summary>
    public static readonly TimeSpan ProcessEndWait = TimeSpan.FromSeconds(5);

    /// <summary>How long frames already triggered get to arrive once a process-end stop is asked: 1 s.</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(1);

    private static readonly object Gate = new();
    private static readonly List<CaptureSession> Sessions = new();
    private static int _memoryLeases;
    private static bool _hooked;
    private static readonly List<PosixSignalRegistration> Registrations = new(); // kept alive: a collected registration unregisters

    /// <summary>
    /// Whether SIGHUP ends the takes (default true: a terminal that closes ends the session that owns them). The detached
    /// recorder sets it false: a take that belongs to the host ignores hangups.
    /// </summary>
    public static bool HangupEndsTakes { get; set; } = true;

    /// <summary>Takes alive now.</summary>
    public static int Count
    {
        get { lock (Gate) return Sessions.Count; }
    }

    /// <summary>The live take recording camera <paramref name="key"/> (its id, serial or address) of
    /// <paramref name="backend"/> (null: any backend), or null.</summary>
    public static CaptureSession? HolderOf(string? backend, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (Gate)
        {
            foreach (var s in Sessions)
            {
                if (s.IsFinished)
                    continue;
                foreach (var c in s.Manifest.Cameras)
                {
                    if (backend is not null && !string.Equals(c.Backend, backend, StringComparison.OrdinalIgnoreCase))
                        continue;
                    if (string.Equals(c.Id, key, StringComparison.OrdinalIgnoreCase) ||
                        (c.Serial.Length > 0 && string.Equals(c.Serial, key, StringComparison.Ordinal)) ||
                        (c.Address.Length > 0 && string.Equals(c.Address, key, StringComparison.Ordinal)))
                        return s;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Refuses cameras that a live take of this process records: a camera records in one take at a time.
    /// </summary>
    /// <param name="requests">The cameras a new take asks for.</param>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName <c>CameraId</c>: the message names the take
    /// that holds the camera, its folder and how to stop it.</exception>
    public static void CheckCamerasFree(IEnumerable<CameraRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var r in requests)
        {
            if (HolderOf(r.Backend, r.Id) is { } holder)
                throw InUse(r.Id, holder);
        }
    }

    internal static InvalidCaptureArgumentException InUse(string cameraId, CaptureSession holder) =>
        new("CameraId", $"camera '{cameraId}' is recording in take '{holder.Name}' ({holder.TakePath}) in this process; a camera records in one take at a time. Stop that take first (Stop-SyncCapture -Name '{holder.Name}' -Wait) or choose another camera.");

    /// <summary>Registers a take that has started (its threads are about to run); hooks the process-end handlers once.</summary>
    internal static void Add(CaptureSession session)
    {
        lock (Gate)
        {
            Sessions.Add(session);
            if (_hooked)
                return;
            _hooked = true;
            AppDomain.CurrentDomain.ProcessExit += static (_, _) => EndAll("the process exited");
            try
            {
                Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
                Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal));
            }
            catch (Exception e) when (e is PlatformNotSupportedException or IOException)
            {
                session.RecordSetupFault($"SIGTERM and SIGHUP handlers could not be registered, so a signal ends this process without finalising its takes: {e.Message}", e);
            }
        }
    }

    /// <summary>Removes a finalised take.</summary>
    internal static void Remove(CaptureSession session)
    {
        lock (Gate) Sessions.Remove(session);
    }

    /// <summary>Counts a take that may lock memory; call before its trigger thread starts.</summary>
    internal static void EnterMemoryLock()
    {
        lock (Gate) _memoryLeases++;
    }

    /// <summary>
    /// Ends a take's hold on the memory lock (after its trigger thread has ended); the last one out calls
    /// <c>munlockall</c>. Returns the errno text when munlockall failed, else null.
    /// </summary>
    internal static string? LeaveMemoryLock()
    {
        lock (Gate)
        {
            if (--_memoryLeases > 0)
                return null;
            _memoryLeases = 0;
            return LibC.MunlockAll() == 0 ? null : LibC.Describe(Marshal.GetLastPInvokeError());
        }
    }

    private static void OnSignal(PosixSignalContext context)
    {
        if (context.Signal == PosixSignal.SIGHUP && !HangupEndsTakes)
        {
            context.Cancel = true; // ignored: the take goes on
            return;
        }
        // Not cancelled: the default outcome (the process ends) follows once the takes are finalised.
        EndAll($"{context.Signal}: the process was asked to end");
    }

    /// <summary>
    /// Stops every live take at its next frame and waits up to <see cref="ProcessEndWait"/> for them to be finalised.
    /// </summary>
    /// <param name="reason">Recorded as the takes' StopReason.</param>
    /// <returns>The takes not finalised in time (empty when all were).</returns>
    public static IReadOnlyList<CaptureSession> EndAll(string reason)
    {
        List<CaptureSession> live;
        lock (Gate) live = Sessions.Where(s => !s.IsFinished).ToList();
        if (live.Count == 0)
            return live;
        foreach (var s in live)
            s.StopForProcessEnd(reason, InFlightGrace);
        var all = Task.WhenAll(live.Select(s => (Task)s.Completion));
        try { all.Wait(ProcessEndWait); }
        catch (AggregateException) { /* Completion never faults; nothing to add */ }
        var late = live.Where(s => !s.IsFinished).ToList();
        foreach (var s in late)
            Console.Error.WriteLine($"PsCamSync: take '{s.Name}' ({s.TakePath}) was not finalised within {ProcessEndWait.TotalSeconds:0} s of '{reason}'; its take.json still says Recording and Measure-SyncTake reports it as crashed.");
        return late;
    }
}
