using System.Runtime.InteropServices;
using System.Text.Json;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Recording;

/// <summary>
/// The body of the recorder executable (<c>PsCamSync.Recorder.dll</c>): records one take, detached from the session
/// that asked for it, and serves its control socket until the take is finalised.
/// </summary>
/// <remarks>
/// <para>Detaching: the launcher starts it through <c>/bin/sh -c '... &amp;'</c>, so its parent exits at once and it is
/// re-parented to init (or the nearest subreaper), not a child the session reaps; it then calls <c>setsid()</c>, so it
/// has its own session and process group and no controlling terminal; stdin is <c>/dev/null</c> and stdout/stderr go to
/// <c>&lt;id&gt;.log</c>, never to the SSH channel. SIGHUP is ignored. SIGTERM (and SIGINT) stop the take at its next
/// frame and finalise it as Stopped with a StopReason naming the signal (<see cref="LiveTakes"/>).</para>
/// <para>It runs the same capture core as an in-process take, with the trigger thread's real-time settings (SCHED_FIFO,
/// mlockall, timer slack), and the runtime settings of its runtimeconfig.json (see the recorder project).</para>
/// </remarks>
public static class RecorderProcess
{
    /// <summary>How long the recorder waits, after the start failed, for the session that started it to read why: 10 s.</summary>
    public static readonly TimeSpan FailureLinger = TimeSpan.FromSeconds(10);

    /// <summary>Exit codes: 0 the take ran (whatever its final state), 2 bad arguments, 3 the take could not start.</summary>
    public const int ExitRecorded = 0, ExitUsage = 2, ExitStartFailed = 3;

    private static readonly List<PosixSignalRegistration> Signals = new(); // kept alive: a collected registration unregisters
    private static volatile bool _takeStarted; // from then on, Run ends the process itself once the take is finalised

    /// <summary>Runs the recorder: <c>PsCamSync.Recorder &lt;start-request.json&gt;</c>.</summary>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args)
    {
        if (args.Length != 1 || args[0] is "-h" or "--help")
        {
            Console.Error.WriteLine("usage: dotnet PsCamSync.Recorder.dll <start-request.json>   (started by Start-SyncCapture; see about_PsCamSync)");
            return ExitUsage;
        }
        Detach();
        RecorderStartRequest request;
        HostTakeDirectory directory;
        HostTakeEntry entry;
        try
        {
            request = JsonSerializer.Deserialize<RecorderStartRequest>(File.ReadAllText(args[0]), RecorderJson.Options)
                ?? throw new JsonException("the start request is JSON null.");
            File.Delete(args[0]);
            directory = HostTakeDirectory.Open(request.RuntimeDirectory);
            entry = directory.Read(request.Id) ?? throw new PsCamSyncException($"take '{request.Id}' is not registered in '{directory.Path}'.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or PsCamSyncException)
        {
            Console.Error.WriteLine($"PsCamSync recorder: cannot read its start request '{args[0]}': {e.Message}");
            return ExitUsage;
        }
        Console.Error.WriteLine($"PsCamSync recorder pid {Environment.ProcessId}: take '{entry.Name}' ({request.TakePath}); {RuntimeSettings()}");

        using var server = RecorderServer.Listen(directory, entry, RuntimeSettings());
        var (session, failure) = StartTake(request, server);
        if (session is null)
        {
            WaitForStartReply(server);
            Console.Error.WriteLine($"PsCamSync recorder: the take did not start: {failure}");
            return ExitStartFailed;
        }
        using (session)
        {
            var manifest = session.Completion.GetAwaiter().GetResult();
            server.Ended.Wait(TimeSpan.FromSeconds(5));
            Console.Error.WriteLine($"PsCamSync recorder: take '{session.Name}' ended {manifest.State}; wake-up error p99 {manifest.TriggerThread?.WakeErrorP99Us:0.0} µs, max {manifest.TriggerThread?.WakeErrorMaxUs:0.0} µs.");
        }
        return ExitRecorded;
    }

    /// <summary>What this process runs with: the runtime's tiering, GC mode and the process's scheduling.</summary>
    public static string RuntimeSettings()
    {
        static string? Knob(string name) => AppContext.GetData(name)?.ToString();
        string tiered = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? Knob("System.Runtime.TieredCompilation") ?? "default";
        string pgo = Environment.GetEnvironmentVariable("DOTNET_TieredPGO") ?? Knob("System.Runtime.TieredPGO") ?? "default";
        return $".NET {Environment.Version}, TieredCompilation={tiered}, TieredPGO={pgo}, ServerGC={System.Runtime.GCSettings.IsServerGC}, GC latency={System.Runtime.GCSettings.LatencyMode}";
    }

    private static void Detach()
    {
        if (RecorderNative.SetSid() < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != LibC.EPERM) // EPERM: already a process-group leader (started by hand); nothing to detach from
                Console.Error.WriteLine($"PsCamSync recorder: setsid failed (errno {errno}); a hangup of the starting terminal may reach it.");
        }
        LiveTakes.HangupEndsTakes = false;
        Signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, static context => context.Cancel = true));
        // SIGTERM: LiveTakes stops the take at its next frame (StopReason names the signal); cancelling the default
        // lets Run finish normally, so the entry is marked Ended before the process exits. SIGINT does the same.
        Signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, static context => context.Cancel = _takeStarted));
        Signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, static context =>
        {
            context.Cancel = true;
            ThreadPool.QueueUserWorkItem(static _ => LiveTakes.EndAll("SIGINT: the recorder was asked to end"));
        }));
    }

    private static (CaptureSession? Session, string? Failure) StartTake(RecorderStartRequest request, RecorderServer server)
    {
        var cameras = new List<ICamera>();
        try
        {
            Cameras.Simulated.SimulatedModel.Set(request.SimulatedModel);   // this process opens the take's simulated cameras
            var backends = CameraSelection.BackendsFor(request.Cameras);
            var cameraErrors = new List<RecorderError>();
            foreach (var r in request.Cameras)
            {
                try
                {
                    cameras.Add(CameraBackends.Open(r.Id, r.Backend, backends));
                }
                catch (PsCamSyncException e)
                {
                    var error = RecorderError.From(e);
                    error.Target ??= r.Id;
                    cameraErrors.Add(error);
                }
            }
            if (cameraErrors.Count > 0)
            {
                foreach (var c in cameras) c.Dispose();
                string message = $"No take was started: {cameraErrors.Count} of {request.Cameras.Count} camera(s) could not be opened (see the errors above).";
                server.StartFailed(new RecorderError { Kind = RecorderErrorKind.General, Message = message }, cameraErrors);
                return (null, message);
            }

            var options = request.Plan.ToOptions(request.TakePath, SharedTimeline.NowNs());
            var lead = CaptureSession.CheckLead(cameras, options, SharedTimeline.NowNs());
            var session = CaptureSession.Start(cameras, options);
            _takeStarted = true;
            server.Started(session, lead);
            return (session, null);
        }
        catch (Exception e)
        {
            foreach (var c in cameras) c.Dispose();
            server.StartFailed(RecorderError.From(e));
            return (null, e.ToString());
        }
    }

    // The session that started the take reads the failure over the socket; give it that chance before the socket goes.
    private static void WaitForStartReply(RecorderServer server)
    {
        var deadline = DateTime.UtcNow + FailureLinger;
        while (server.StartRepliesSent == 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(20);
        Thread.Sleep(100); // let the reply's bytes leave before the socket closes
    }
}
