using System.Net.Sockets;

namespace PsCamSync.Core.Ptp;

/// <summary>
/// A UNIX-domain datagram socket bound to its own path (as linuxptp's pmc binds <c>/var/run/pmc.PID</c>, uds.c),
/// sending to ptp4l's management socket. ptp4l answers to the sender's path, so the client path must be bound
/// and unique. Dispose closes the socket and deletes the client path.
/// </summary>
internal sealed class UdsManagementTransport : IDisposable
{
    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _server;
    private bool _disposed;

    public UdsManagementTransport(string serverPath, string clientPath, int sendTimeoutMs)
    {
        ServerPath = serverPath;
        ClientPath = clientPath;
        _server = new UnixDomainSocketEndPoint(serverPath);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            if (File.Exists(clientPath))
                File.Delete(clientPath); // a leftover of a crashed client with the same name, as pmc unlinks first
            _socket.Bind(new UnixDomainSocketEndPoint(clientPath));
            _socket.SendTimeout = sendTimeoutMs;
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            _socket.Dispose();
            throw new PtpManagementException(
                $"Cannot bind the management client socket '{clientPath}': {e.Message}. ptp4l answers to the client's " +
                "socket path, so it must be creatable: choose a writable ClientSocketPath.", e);
        }
    }

    public string ServerPath { get; }

    public string ClientPath { get; }

    /// <summary>Sends one datagram to ptp4l.</summary>
    /// <exception cref="PtpDaemonUnreachableException">No socket at the path, nobody bound to it, or no permission.</exception>
    /// <exception cref="PtpManagementException">Any other send failure (e.g. send timeout on a stalled ptp4l).</exception>
    public void Send(ReadOnlySpan<byte> datagram)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, _server);
        }
        catch (SocketException e)
        {
            throw SendError(e);
        }
    }

    /// <summary>Waits until <paramref name="deadlineMonotonicNs"/> (CLOCK_MONOTONIC ns) for one datagram.</summary>
    /// <returns>Its length, bytes; or -1 when the deadline passed first.</returns>
    public int Receive(Span<byte> buffer, long deadlineMonotonicNs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            while (true)
            {
                long leftUs = (deadlineMonotonicNs - Timing.MonotonicClock.NowNs()) / 1000;
                if (leftUs <= 0)
                    return _socket.Available > 0 ? _socket.Receive(buffer) : -1;
                if (_socket.Poll(leftUs > int.MaxValue ? int.MaxValue : (int)leftUs, SelectMode.SelectRead))
                    return _socket.Receive(buffer);
            }
        }
        catch (SocketException e)
        {
            throw new PtpManagementException(
                $"Receiving from ptp4l's management socket '{ServerPath}' failed: {e.SocketErrorCode} ({e.Message}).", e);
        }
    }

    private PtpManagementException SendError(SocketException e)
    {
        string path = ServerPath;
        const string fix = "Is ptp4l running? Is uds_address right (ptp4l's default is /var/run/ptp4l; pass the path from its config)?";
        return e.SocketErrorCode switch
        {
            SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported when !File.Exists(path) =>
                new PtpDaemonUnreachableException(path, $"No ptp4l management socket at '{path}'. {fix}", e),
            SocketError.ConnectionRefused =>
                new PtpDaemonUnreachableException(path, $"Nobody listens on '{path}' (a stale socket of a stopped ptp4l, " +
                    $"or not a socket at all). {fix}", e),
            SocketError.AccessDenied =>
                new PtpDaemonUnreachableException(path, $"Permission denied sending to '{path}': ptp4l's socket is " +
                    "mode 0660 for its owner and group; run as root or as a member of that group.", e),
            SocketError.TimedOut or SocketError.WouldBlock =>
                new PtpManagementException($"Sending to '{path}' timed out: ptp4l is not reading its management socket " +
                    "(stopped or stalled?).", e),
            _ when !File.Exists(path) =>
                new PtpDaemonUnreachableException(path, $"No ptp4l management socket at '{path}' ({e.SocketErrorCode}). {fix}", e),
            _ => new PtpDaemonUnreachableException(path, $"Cannot send to '{path}': {e.SocketErrorCode} ({e.Message}). {fix}", e),
        };
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _socket.Dispose();
        if (File.Exists(ClientPath))
            File.Delete(ClientPath);
    }
}
