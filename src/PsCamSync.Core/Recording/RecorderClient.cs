using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace PsCamSync.Core.Recording;

/// <summary>
/// Sends one <see cref="RecorderRequest"/> to a take's control socket and reads the <see cref="RecorderReply"/>. The
/// recorder must run as this user: its uid is checked with <c>SO_PEERCRED</c> before anything is sent.
/// </summary>
public static class RecorderClient
{
    /// <summary>Sends <paramref name="request"/> to the socket at <paramref name="socketPath"/>.</summary>
    /// <param name="socketPath">The take's control socket.</param>
    /// <param name="request">What to ask.</param>
    /// <param name="timeout">How long to wait for the answer (connect and reply).</param>
    /// <param name="cancel">Cancels the wait (Ctrl+C).</param>
    /// <returns>The reply; null when nothing listens on the socket (the recorder has ended or is not up yet).</returns>
    /// <exception cref="PsCamSyncException">The recorder belongs to another user, did not answer within
    /// <paramref name="timeout"/>, or sent something that is not a reply.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    public static RecorderReply? Send(string socketPath, RecorderRequest request, TimeSpan timeout, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.ConnectionRefused or SocketError.AccessDenied || e.ErrorCode == 2 /* ENOENT */)
        {
            return null;
        }
        var peer = RecorderNative.PeerCredentials(socket);
        uint me = RecorderNative.GetEffectiveUserId();
        if (peer.Uid != me)
            throw new PsCamSyncException($"the control socket '{socketPath}' is served by uid {peer.Uid} (pid {peer.Pid}), not by this user (uid {me}); nothing was sent to it.");

        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(timeout);
        try
        {
            byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, RecorderJson.Options) + "\n");
            stream.WriteAsync(line, timer.Token).AsTask().GetAwaiter().GetResult();
            using var reader = new StreamReader(stream, new UTF8Encoding(false));
            string? answer = reader.ReadLineAsync(timer.Token).AsTask().GetAwaiter().GetResult();
            if (answer is null)
                return null; // the recorder closed the connection: it is ending
            return JsonSerializer.Deserialize<RecorderReply>(answer, RecorderJson.Options)
                ?? throw new PsCamSyncException($"the recorder at '{socketPath}' answered JSON null.");
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new PsCamSyncException($"the recorder at '{socketPath}' did not answer {request.Op} within {timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return null; // the connection broke: the recorder is ending
        }
        catch (JsonException e)
        {
            throw new PsCamSyncException($"the recorder at '{socketPath}' answered something that is not a reply: {e.Message}", e);
        }
    }
}
