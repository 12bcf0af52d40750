using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// The GVCP side of one simulated camera: a unicast socket bound to 127.0.0.1:&lt;ephemeral&gt; (the camera's
/// <see cref="SimulatedCamera.GvcpEndPoint"/>), optionally a broadcast socket bound to 0.0.0.0:&lt;port&gt; with
/// SO_REUSEADDR (Linux hands every such socket its own copy of a broadcast datagram), and one receive thread that
/// waits on both with <c>poll(2)</c>. Each datagram goes to <see cref="SimulatedCamera.OnGvcpDatagram"/>; an answer it
/// asks for (ACTION_ACK) is sent from the unicast socket to the datagram's source, so a sender tells cameras apart by
/// the answer's source endpoint.
/// </summary>
/// <remarks>
/// Per datagram nothing is allocated: the receive buffer, the answer buffer and one <see cref="SocketAddress"/> per
/// socket are made once, and the span overloads of ReceiveFrom/SendTo fill and read them in place. Socket errors on
/// the receive thread are recorded with <see cref="SimulatedCamera.OnGvcpFault"/> (the thread keeps serving).
/// <see cref="Dispose"/> sets the stop flag, wakes the thread with a datagram to its own unicast socket, joins it, and
/// only then closes the sockets, so poll never watches a descriptor number that was closed (and maybe reused).
/// </remarks>
internal sealed class SimulatedGvcpPort : IDisposable
{
    private const int PollBackstopMs = 1000; // the wake datagram ends a wait at once; this only bounds a lost one

    private readonly SimulatedCamera _camera;
    private readonly Socket _unicast;
    private readonly Socket? _broadcast;
    private readonly Thread _thread;
    private volatile bool _stop;
    private int _disposed;
    private long _allocatedBytes;

    /// <summary>Binds the sockets and starts the receive thread.</summary>
    /// <param name="camera">The camera that handles the datagrams.</param>
    /// <param name="broadcastPort">UDP port for the broadcast listener on 0.0.0.0, or 0 for none.</param>
    /// <exception cref="CameraException">A socket could not be bound (the message names the address and port).</exception>
    public SimulatedGvcpPort(SimulatedCamera camera, int broadcastPort)
    {
        _camera = camera;
        _unicast = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _unicast.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            EndPoint = (IPEndPoint)_unicast.LocalEndPoint!;
            if (broadcastPort != 0)
            {
                _broadcast = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                _broadcast.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                _broadcast.Bind(new IPEndPoint(IPAddress.Any, broadcastPort));
            }
        }
        catch (SocketException e)
        {
            _broadcast?.Dispose();
            _unicast.Dispose();
            throw new CameraException(camera.Id,
                $"{camera.Id}: its GVCP sockets could not be bound (127.0.0.1:0 for unicast, 0.0.0.0:{broadcastPort} with SO_REUSEADDR for broadcast): {e.Message}. " +
                "Another program holds that port without SO_REUSEADDR; choose another SimulatedCameraOptions.GvcpPort, or 0 for no broadcast listener.", e);
        }
        _thread = new Thread(Run) { IsBackground = true, Name = $"{camera.Id} GVCP" };
        _thread.Start();
    }

    /// <summary>The unicast endpoint, 127.0.0.1:&lt;ephemeral port&gt;.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>GC.GetAllocatedBytesForCurrentThread on the receive thread after its last datagram, bytes.</summary>
    public long ReceiveAllocatedBytes => Volatile.Read(ref _allocatedBytes);

    /// <summary>Stops and joins the receive thread, then closes both sockets. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stop = true;
        try
        {
            _unicast.SendTo(new byte[1], EndPoint); // wakes poll; the thread sees _stop and leaves
        }
        catch (SocketException e)
        {
            _camera.OnGvcpFault(new CameraException(_camera.Id, $"{_camera.Id}: waking the GVCP receive thread failed ({e.Message}); it leaves within {PollBackstopMs} ms.", e));
        }
        if (Thread.CurrentThread != _thread)
            _thread.Join();
        _broadcast?.Dispose();
        _unicast.Dispose();
    }

    private unsafe void Run()
    {
        var buffer = new byte[1500];
        var answer = new byte[ActionAcknowledge.DatagramBytes];
        var unicastFrom = new SocketAddress(AddressFamily.InterNetwork);
        var broadcastFrom = new SocketAddress(AddressFamily.InterNetwork);
        int count = _broadcast is null ? 1 : 2;
        var fds = stackalloc LibC.PollFd[2];
        int unicastFd = (int)_unicast.SafeHandle.DangerousGetHandle();
        int broadcastFd = _broadcast is null ? -1 : (int)_broadcast.SafeHandle.DangerousGetHandle();
        try
        {
            while (!_stop)
            {
                fds[0] = new LibC.PollFd { Fd = unicastFd, Events = LibC.POLLIN };
                fds[1] = new LibC.PollFd { Fd = broadcastFd, Events = LibC.POLLIN };
                int ready = LibC.Poll(fds, (nuint)count, PollBackstopMs);
                if (ready < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == LibC.EINTR)
                        continue;
                    throw new CameraException(_camera.Id, $"{_camera.Id}: poll on its GVCP sockets failed: {LibC.Describe(errno)}.");
                }
                if (_stop)
                    break;
                if (fds[0].Revents != 0)
                    ReceiveOne(_unicast, unicastFrom, buffer, answer, broadcast: false);
                if (count == 2 && fds[1].Revents != 0)
                    ReceiveOne(_broadcast!, broadcastFrom, buffer, answer, broadcast: true);
                Volatile.Write(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread());
            }
        }
        catch (Exception e)
        {
            _camera.OnGvcpFault(new CameraException(_camera.Id, $"{_camera.Id}: its GVCP receive thread failed and stopped; later action commands are not received. {e.Message}", e));
        }
    }

    private void ReceiveOne(Socket socket, SocketAddress from, byte[] buffer, byte[] answer, bool broadcast)
    {
        int length;
        try
        {
            length = socket.ReceiveFrom(buffer, SocketFlags.None, from);
        }
        catch (SocketException e)
        {
            _camera.OnGvcpFault(new CameraException(_camera.Id, $"{_camera.Id}: receiving a GVCP datagram failed: {e.Message}", e));
            return;
        }
        long receivedNs = SharedTimeline.NowNs();
        if (!_camera.OnGvcpDatagram(buffer.AsSpan(0, length), receivedNs, broadcast, out var status, out ushort requestId))
            return;
        int size = ActionAcknowledge.WriteTo(answer, status, requestId);
        try
        {
            _unicast.SendTo(answer.AsSpan(0, size), SocketFlags.None, from);
        }
        catch (SocketException e)
        {
            _camera.OnGvcpFault(new CameraException(_camera.Id, $"{_camera.Id}: sending ACTION_ACK {requestId} failed: {e.Message}", e));
        }
    }
}
