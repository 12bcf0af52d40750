using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Recording;

/// <summary>Where the recorder executable and the .NET host are (defaults found from this assembly and the runtime).</summary>
public sealed class RecorderLaunchOptions
{
    /// <summary>Environment variable naming the recorder dll (default: <c>PsCamSync.Recorder.dll</c> beside the core).</summary>
    public const string RecorderEnvironmentVariable = "PSCAMSYNC_RECORDER";

    /// <summary>The recorder dll; null: <c>$PSCAMSYNC_RECORDER</c>, else <c>PsCamSync.Recorder.dll</c> beside
    /// <c>PsCamSync.Core.dll</c>.</summary>
    public string? RecorderPath { get; init; }

    /// <summary>The <c>dotnet</c> host; null: the one of the runtime this process runs on, else <c>dotnet</c> on PATH.</summary>
    public string? DotnetPath { get; init; }

    /// <summary>How long the recorder may take to open the cameras and start the take: default 60 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Environment variable with a command the recorder is started through, e.g. <c>systemd-run --quiet
    /// --collect --</c> (words separated by spaces; no quoting).</summary>
    public const string PrefixEnvironmentVariable = "PSCAMSYNC_RECORDER_PREFIX";

    /// <summary>
    /// A command and its arguments that the recorder is started through (it gets <c>dotnet PsCamSync.Recorder.dll
    /// &lt;start-request&gt;</c> as its last arguments): <c>systemd-run --quiet --collect --</c> runs each recorder in a
    /// transient unit of its own (the production option: the unit's limits, accounting and journal), <c>nice -n -5</c>
    /// or <c>taskset -c 3</c> place it. Null: <c>$PSCAMSYNC_RECORDER_PREFIX</c> split at spaces; empty: none.
    /// </summary>
    public IReadOnlyList<string>? CommandPrefix { get; init; }

    internal IReadOnlyList<string> ResolvePrefix() =>
        CommandPrefix ?? (System.Environment.GetEnvironmentVariable(PrefixEnvironmentVariable) ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Extra environment variables for the recorder (null values remove one); e.g. runtime knobs for a benchmark.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    internal string ResolveRecorder()
    {
        string path = RecorderPath ?? System.Environment.GetEnvironmentVariable(RecorderEnvironmentVariable)
            ?? Path.Combine(Path.GetDirectoryName(typeof(RecorderLauncher).Assembly.Location) ?? AppContext.BaseDirectory, "PsCamSync.Recorder.dll");
        if (!File.Exists(path))
            throw new PsCamSyncException($"the recorder '{path}' is missing, so no take can be handed to a recorder process. Reinstall the module (its module/bin folder holds PsCamSync.Recorder.dll), set ${RecorderEnvironmentVariable}, or record in this session with Start-SyncCapture -InProcess.");
        return path;
    }

    internal string ResolveDotnet()
    {
        if (DotnetPath is not null)
            return DotnetPath;
        // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        string candidate = Path.GetFullPath(Path.Combine(runtime, "..", "..", "..", "dotnet"));
        if (File.Exists(candidate))
            return candidate;
        if (System.Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}

/// <summary>A take handed to a recorder process that has started it.</summary>
public sealed class RecorderStart
{
    internal RecorderStart(RecorderTake take, RecorderReply reply, long launchNs, long startedNs)
    {
        Take = take;
        Lead = reply.Lead;
        Granted = reply.Granted;
        Schedule = reply.Schedule!;
        LaunchedNs = launchNs;
        StartedNs = startedNs;
    }

    /// <summary>The running take.</summary>
    public RecorderTake Take { get; }

    /// <summary>The lead check made after the recorder opened the cameras (warn when <see cref="LeadCheck.IsTooShort"/>).</summary>
    public LeadCheck? Lead { get; }

    /// <summary>What the OS granted the recorder's trigger thread; null when it was not known within 2 s.</summary>
    public TriggerThreadReport? Granted { get; }

    /// <summary>The take's schedule.</summary>
    public FrameSchedule Schedule { get; }

    /// <summary>When the launch began, ns on the shared timeline.</summary>
    public long LaunchedNs { get; }

    /// <summary>When the recorder reported the take started, ns on the shared timeline.</summary>
    public long StartedNs { get; }
}

/// <summary>
/// Hands a take to a recorder process of its own on this host: registers it (refusing cameras that a live take holds),
/// starts <c>dotnet PsCamSync.Recorder.dll</c> detached from this process, and waits until the recorder has started the
/// take or says why it could not.
/// </summary>
public static class RecorderLauncher
{
    /// <summary>Starts a recorder for <paramref name="request"/> (its Id and RuntimeDirectory are filled in here).</summary>
    /// <param name="directory">The host's take folder.</param>
    /// <param name="request">The take.</param>
    /// <param name="options">Where the recorder is (null: defaults).</param>
    /// <param name="cancel">Ctrl+C: stops waiting; a recorder already started goes on and is listed by Get-SyncCapture.</param>
    /// <returns>The started take.</returns>
    /// <exception cref="InvalidCaptureArgumentException">A camera is held by a live take (CameraId), or the plan is invalid.</exception>
    /// <exception cref="RecorderStartException">The recorder could not start the take: cameras that did not open
    /// (<see cref="RecorderStartException.CameraErrors"/>), a failed start (the inner exception is the recorder's).</exception>
    /// <exception cref="PsCamSyncException">The recorder could not be launched, or died or did not answer (the message
    /// holds the end of its log).</exception>
    public static RecorderStart Start(HostTakeDirectory directory, RecorderStartRequest request, RecorderLaunchOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(request);
        options ??= new RecorderLaunchOptions();
        string recorder = options.ResolveRecorder();
        string dotnet = options.ResolveDotnet();
        long launchNs = SharedTimeline.NowNs();
        request.Id = HostTakeDirectory.NewId();
        request.RuntimeDirectory = directory.Path;
        var entry = new HostTakeEntry
        {
            Id = request.Id,
            Name = request.Plan.Name ?? Path.GetFileName(request.TakePath),
            TakePath = request.TakePath,
            Cameras = request.Cameras.ToList(),
            Phase = RecorderPhase.Starting,
            Launcher = RecorderIdentity.Current(),
            CreatedNs = launchNs,
            SocketPath = directory.SocketPath(request.Id),
        };

        using (directory.Lock(TimeSpan.FromSeconds(10)))
        {
            HostTakes.CheckCamerasFree(directory, request.Cameras);
            directory.Write(entry);
        }
        try
        {
            WriteStartRequest(directory, request);
            Launch(options.ResolvePrefix(), dotnet, recorder, directory.StartRequestPath(request.Id), directory.LogPath(request.Id), options.Environment);
        }
        catch (Exception e) when (e is PsCamSyncException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            Forget(directory, request.Id);
            throw e as PsCamSyncException ?? new PsCamSyncException($"cannot launch the recorder ({dotnet} {recorder}): {e.Message}", e);
        }

        var reply = WaitStarted(directory, entry, options.StartTimeout, cancel);
        if (!reply.Ok)
        {
            Forget(directory, request.Id);
            throw new RecorderStartException(reply.Error?.ToException() ?? new PsCamSyncException("the recorder did not start the take and gave no reason."),
                reply.CameraErrors.Select(c => c.ToException()).ToList());
        }
        var registered = directory.Read(request.Id) ?? entry;
        return new RecorderStart(RecorderTake.Attach(directory, registered), reply, launchNs, SharedTimeline.NowNs());
    }

    private static void WriteStartRequest(HostTakeDirectory directory, RecorderStartRequest request)
    {
        string path = directory.StartRequestPath(request.Id);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            JsonSerializer.Serialize(stream, request, RecorderJson.Options);
        RecorderNative.MakeOwnerOnly(path);
    }

    private static void Launch(IReadOnlyList<string> prefix, string dotnet, string recorder, string startFile, string logFile, IReadOnlyDictionary<string, string?>? environment)
    {
        // sh starts the recorder in the background and exits: the recorder is orphaned to init (or the nearest
        // subreaper) at once, with stdin from /dev/null and its output in the log, never on this session's channel.
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "-c", "\"$@\" </dev/null >>\"$0\" 2>&1 &", logFile }.Concat(prefix).Concat(new[] { dotnet, recorder, startFile }))
            start.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null) start.Environment.Remove(name);
                else start.Environment[name] = value;
            }
        }
        using var sh = Process.Start(start) ?? throw new PsCamSyncException("/bin/sh could not be started to launch the recorder.");
        sh.StandardInput.Close();
        string errors = sh.StandardError.ReadToEnd();
        sh.WaitForExit();
        if (sh.ExitCode != 0)
            throw new PsCamSyncException($"/bin/sh could not launch the recorder ({dotnet} {recorder}): exit code {sh.ExitCode}. {errors.Trim()}");
    }

    private static RecorderReply WaitStarted(HostTakeDirectory directory, HostTakeEntry entry, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + timeout;
        var noRecorderBy = DateTime.UtcNow + TimeSpan.FromSeconds(20); // .NET start-up on a busy Pi, with margin
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw Died(directory, entry, $"did not start the take within {timeout.TotalSeconds:0} s");
            if (File.Exists(entry.SocketPath))
            {
                var reply = RecorderClient.Send(entry.SocketPath, new RecorderRequest { Op = RecorderOperation.Started }, left, cancel);
                if (reply is not null)
                    return reply;
            }
            var latest = directory.Read(entry.Id);
            if (latest?.Recorder is { } recorder && recorder.Check() != RecorderLiveness.Running)
                throw Died(directory, entry, $"(pid {recorder.ProcessId}) ended before it reported the start");
            if (latest?.Recorder is null && DateTime.UtcNow > noRecorderBy)
                throw Died(directory, entry, "did not come up within 20 s");
            Thread.Sleep(10);
        }
    }

    private static PsCamSyncException Died(HostTakeDirectory directory, HostTakeEntry entry, string what)
    {
        string log = directory.LogPath(entry.Id);
        string tail;
        try
        {
            var lines = File.Exists(log) ? File.ReadAllLines(log) : Array.Empty<string>();
            tail = lines.Length == 0 ? "its log is empty" : "its log ends: " + string.Join(" | ", lines.TakeLast(8));
        }
        catch (IOException e)
        {
            tail = $"its log '{log}' cannot be read: {e.Message}";
        }
        var latest = directory.Read(entry.Id);
        if (latest?.Recorder is null || latest.Recorder.Check() != RecorderLiveness.Running)
            Forget(directory, entry.Id, keepLog: true);
        return new PsCamSyncException($"the recorder of take '{entry.Name}' {what}; {tail} (log: {log}).");
    }

    // A take that never started leaves nothing behind but its log (kept when it says why).
    private static void Forget(HostTakeDirectory directory, string id, bool keepLog = false)
    {
        directory.RemoveRuntimeFiles(id);
        foreach (string file in keepLog ? new[] { directory.EntryPath(id) } : new[] { directory.EntryPath(id), directory.LogPath(id) })
        {
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Trace.TraceWarning($"PsCamSync: cannot delete '{file}': {e.Message}");
            }
        }
    }
}

/// <summary>A recorder could not start its take: why, and which cameras did not open.</summary>
public sealed class RecorderStartException : PsCamSyncException
{
    /// <summary>Creates it from the recorder's error and its camera errors.</summary>
    public RecorderStartException(PsCamSyncException error, IReadOnlyList<PsCamSyncException> cameraErrors)
        : base(error.Message, error)
    {
        CameraErrors = cameraErrors;
    }

    /// <summary>The recorder's own exception for the start (same type as in-process).</summary>
    public PsCamSyncException Error => (PsCamSyncException)InnerException!;

    /// <summary>One error per camera that could not be opened (empty when the cameras opened).</summary>
    public IReadOnlyList<PsCamSyncException> CameraErrors { get; }
}
