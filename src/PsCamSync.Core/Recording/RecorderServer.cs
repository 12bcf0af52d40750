using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Recording;

/// <summary>
/// The control channel of one take: a Unix stream socket (<c>&lt;id&gt;.sock</c> in the <see cref="HostTakeDirectory"/>,
/// mode 0600 in a 0700 folder) on which any session of the same user asks the take's phase and progress, waits for it
/// to start, and stops it (<see cref="RecorderRequest"/>). A peer of another uid (<c>SO_PEERCRED</c>) is refused. It
/// also keeps the take's <see cref="HostTakeEntry"/> up to date: Recording once started, Ended with the final state.
/// </summary>
/// <remarks>Runs in the recorder process, or in the session's own process for an in-process take. No TCP port is
/// opened. Each connection gets its own background thread; the take's threads never wait on it.</remarks>
public sealed class RecorderServer : IDisposable
{
    private static readonly TimeSpan GrantedWait = TimeSpan.FromSeconds(2);

    private readonly HostTakeDirectory _directory;
    private readonly HostTakeEntry _entry;
    private readonly Socket _listener;
    private readonly uint _uid = RecorderNative.GetEffectiveUserId();
    private readonly TaskCompletionSource _startDecided = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private CaptureSession? _session;
    private LeadCheck? _lead;
    private RecorderError? _startError;
    private List<RecorderError> _cameraErrors = new();
    private int _startRepliesSent;
    private volatile bool _disposed;

    private RecorderServer(HostTakeDirectory directory, HostTakeEntry entry, Socket listener)
    {
        _directory = directory;
        _entry = entry;
        _listener = listener;
    }

    /// <summary>The take's entry as this server keeps it.</summary>
    public HostTakeEntry Entry => _entry;

    /// <summary>Finishes once the take has ended and its entry says so (or the start failed).</summary>
    public Task Ended => _ended.Task;

    /// <summary>Replies to <see cref="RecorderOperation.Started"/> sent so far (the recorder lingers until the session
    /// that started it has had its answer).</summary>
    public int StartRepliesSent => Volatile.Read(ref _startRepliesSent);

    /// <summary>
    /// Binds the take's socket (replacing a stale one of the same id), restricts it to mode 0600, starts accepting, and
    /// records this process as the take's recorder in its entry.
    /// </summary>
    /// <param name="directory">The host's take folder.</param>
    /// <param name="entry">The take's entry (<see cref="HostTakeEntry.Id"/> names the socket).</param>
    /// <param name="runtimeSettings">What this process runs with, recorded in the entry (null: nothing).</param>
    /// <exception cref="PsCamSyncException">The socket cannot be bound, or the entry cannot be written.</exception>
    public static RecorderServer Listen(HostTakeDirectory directory, HostTakeEntry entry, string? runtimeSettings = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(entry);
        string path = directory.SocketPath(entry.Id);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            if (File.Exists(path))
                File.Delete(path);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            RecorderNative.MakeOwnerOnly(path);
            listener.Listen(16);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            listener.Dispose();
            throw new PsCamSyncException($"cannot open the control socket '{path}' of take '{entry.Name}': {e.Message}", e);
        }
        entry.SocketPath = path;
        entry.Recorder = RecorderIdentity.Current();
        entry.RuntimeSettings = runtimeSettings;
        var server = new RecorderServer(directory, entry, listener);
        try
        {
            directory.Write(entry);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        new Thread(server.AcceptLoop) { IsBackground = true, Name = $"PsCamSync control {entry.Id}" }.Start();
        return server;
    }

    /// <summary>
    /// The take has started: records the schedule in the entry (phase Recording), answers waiting sessions, and marks the
    /// entry Ended with the final state once <paramref name="session"/> is finalised.
    /// </summary>
    /// <param name="session">The running take.</param>
    /// <param name="lead">The lead check made before it started, for the starting session's warning (null: none).</param>
    /// <exception cref="PsCamSyncException">The entry cannot be written (the take records on regardless; the caller decides).</exception>
    public void Started(CaptureSession session, LeadCheck? lead)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            _session = session;
            _lead = lead;
            _entry.Phase = RecorderPhase.Recording;
            _entry.Name = session.Name;
            _entry.TakePath = session.TakePath;
            _entry.StartNs = session.Schedule.StartNs;
            _entry.PeriodNs = session.Schedule.PeriodNs;
            _entry.Cameras = session.Manifest.Cameras.Select(c => new CameraRequest(c.Id, c.Backend)).ToList();
            _entry.HeldSerials = session.Manifest.Cameras.Select(c => c.Serial).Where(s => s.Length > 0).ToList();
            _entry.HeldAddresses = session.Manifest.Cameras.Select(c => c.Address).Where(a => a.Length > 0).ToList();
        }
        _startDecided.TrySetResult();
        session.Completion.ContinueWith(t => OnEnded(t.Result), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _directory.Write(_entry);
    }

    /// <summary>
    /// The take could not start: the entry says StartFailed with <paramref name="error"/>, and waiting sessions get it.
    /// </summary>
    public void StartFailed(RecorderError error, IReadOnlyList<RecorderError>? cameraErrors = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (_gate)
        {
            _startError = error;
            _cameraErrors = cameraErrors?.ToList() ?? new();
            _entry.Phase = RecorderPhase.StartFailed;
            _entry.StartError = error;
        }
        _startDecided.TrySetResult();
        try
        {
            _directory.Write(_entry);
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    private void OnEnded(TakeManifest manifest)
    {
        lock (_gate)
        {
            _entry.Phase = RecorderPhase.Ended;
            _entry.FinalState = manifest.State;
            _entry.FinalManifestError = _session?.FinalManifestError?.Message;
        }
        try
        {
            _directory.Write(_entry);
        }
        catch (PsCamSyncException e)
        {
            // The take folder is final either way; only the host's list lacks the end. Say so where the recorder logs.
            Console.Error.WriteLine($"PsCamSync: take '{_entry.Name}' ended {manifest.State}, but its entry could not be updated: {e.Message}");
        }
        _ended.TrySetResult();
    }

    private void AcceptLoop()
    {
        while (!_disposed)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (!_disposed)
                    Console.Error.WriteLine($"PsCamSync: the control socket of take '{_entry.Name}' stopped accepting: {e.Message}");
                return;
            }
            new Thread(() => Serve(client)) { IsBackground = true, Name = $"PsCamSync control client {_entry.Id}" }.Start();
        }
    }

    private void Serve(Socket client)
    {
        using var _ = client;
        using var stream = new NetworkStream(client, ownsSocket: false);
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        try
        {
            var peer = RecorderNative.PeerCredentials(client);
            if (peer.Uid != _uid)
            {
                Write(writer, new RecorderReply { Ok = false, Phase = _entry.Phase, Error = new RecorderError { Message = $"uid {peer.Uid} may not control this take; only its owner (uid {_uid}) may." } });
                return;
            }
            while (reader.ReadLine() is { } line)
            {
                RecorderReply reply;
                try
                {
                    var request = JsonSerializer.Deserialize<RecorderRequest>(line, RecorderJson.Options)
                        ?? throw new JsonException("the request is JSON null.");
                    reply = Handle(request);
                }
                catch (JsonException e)
                {
                    reply = new RecorderReply { Ok = false, Phase = _entry.Phase, Error = new RecorderError { Message = $"not a request: {e.Message}" } };
                }
                Write(writer, reply);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The session went away mid-conversation (its process ended, or Ctrl+C): nothing to answer, nothing lost.
        }
    }

    private static void Write(StreamWriter writer, RecorderReply reply) =>
        writer.WriteLine(JsonSerializer.Serialize(reply, RecorderJson.Options));

    private RecorderReply Handle(RecorderRequest request)
    {
        switch (request.Op)
        {
            case RecorderOperation.Started:
                _startDecided.Task.Wait();
                var reply = Status();
                lock (_gate)
                {
                    reply.Ok = _startError is null;
                    reply.Error = _startError;
                    reply.CameraErrors = _cameraErrors;
                    reply.Lead = _lead;
                }
                if (_session is { } started)
                {
                    var deadline = DateTime.UtcNow + GrantedWait;
                    while (started.TriggerThreadGranted is null && !started.IsFinished && DateTime.UtcNow < deadline)
                        Thread.Sleep(5);
                    reply.Granted = started.TriggerThreadGranted;
                }
                Interlocked.Increment(ref _startRepliesSent);
                return reply;
            case RecorderOperation.Status:
                return Status();
            case RecorderOperation.Stop:
                var session = _session;
                if (session is null)
                    return new RecorderReply { Ok = false, Phase = _entry.Phase, Error = new RecorderError { Message = _entry.Phase == RecorderPhase.StartFailed ? $"take '{_entry.Name}' did not start, so there is nothing to stop." : $"take '{_entry.Name}' is still starting (opening its cameras); stop it once it has started." } };
                var stopped = Status();
                stopped.EndFrameIndex = session.Stop(request.AtNs);
                return stopped;
            default:
                return new RecorderReply { Ok = false, Phase = _entry.Phase, Error = new RecorderError { Message = $"unknown operation {request.Op}." } };
        }
    }

    private RecorderReply Status()
    {
        var session = _session;
        lock (_gate)
        {
            return new RecorderReply
            {
                Ok = true,
                Phase = _entry.Phase,
                Progress = session?.GetProgress(),
                Schedule = session?.Schedule,
                TakePath = session?.TakePath ?? _entry.TakePath,
                Name = session?.Name ?? _entry.Name,
                FinalManifestError = session?.FinalManifestError?.Message,
            };
        }
    }

    /// <summary>Stops accepting, closes the socket and deletes its file (the entry stays).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _listener.Dispose();
        _directory.RemoveRuntimeFiles(_entry.Id);
    }
}
