using System.Net;
using System.Net.Sockets;

namespace PsCamSync.Core.Tests.Ptp;

/// <summary>
/// A UNIX-domain datagram socket that is not ptp4l, for the transport's behaviour towards wrong sockets: it answers
/// each request with what <see cref="Answer"/> returns (nothing when null). Bound in its own temp dir; disposed
/// with it.
/// </summary>
internal sealed class DatagramPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly Thread _thread;
    private readonly string _dir;
    private volatile bool _stop;

    public DatagramPeer(Func<byte[], IEnumerable<byte[]>?> answer)
    {
        Answer = answer;
        _dir = Path.Combine(Path.GetTempPath(), "pscamsync-peer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        SocketPath = Path.Combine(_dir, "sock");
        _socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _socket.ReceiveTimeout = 100;
        _thread = new Thread(Run) { IsBackground = true, Name = "DatagramPeer" };
        _thread.Start();
    }

    public string SocketPath { get; }

    public Func<byte[], IEnumerable<byte[]>?> Answer { get; }

    public int Requests;

    private void Run()
    {
        var buffer = new byte[2048];
        while (!_stop)
        {
            EndPoint from = new UnixDomainSocketEndPoint("/");
            int n;
            try
            {
                n = _socket.ReceiveFrom(buffer, ref from);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || _stop)
            {
                continue;
            }
            Interlocked.Increment(ref Requests);
            foreach (var reply in Answer(buffer[..n]) ?? [])
                _socket.SendTo(reply, from);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        _socket.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
