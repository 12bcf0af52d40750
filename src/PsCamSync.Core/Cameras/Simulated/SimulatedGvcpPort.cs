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
/// Per datagram nothing is allocated: the .NET sockets only bind and own the descriptors; the receive thread reads and
/// answers with libc <c>recvmsg</c>/<c>sendto</c> into buffers on its own stack. A datagram's arrival time is the kernel's
/// receive timestamp (SO_TIMESTAMPNS, CLOCK_REALTIME = the shared timeline), as a camera's port takes a packet when it
/// arrives: the receive thread's own scheduling delay (milliseconds on a loaded host) does not move an immediate action. (Socket.ReceiveFrom with a reused
/// SocketAddress was measured allocating 56 bytes now and then on a loaded machine.) Socket errors on the receive
/// thread are recorded with <see cref="SimulatedCamera.OnGvcpFault"/> (the thread keeps serving).
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
    private long _rounds;

    /// <summary>Binds the sockets and starts the receive thread.</summary>
    /// <param name="camera">The camera that handles the datagrams.</param>
    /// <param name="broadcastPort">UDP port for the broadcast listener on 0.0.0.0, or 0 for none.</param>
    /// <remarks>When 0.0.0.0:<paramref name="broadcastPort"/> cannot be bound (another program holds it without
    /// SO_REUSEADDR), the camera still opens, without a broadcast listener: <see cref="BroadcastError"/> and
    /// <see cref="SimulatedCamera.GvcpFault"/> say why. A camera that could not be opened over a busy port would fail
    /// every unrelated user of simulated cameras on the host.</remarks>
    /// <exception cref="CameraException">The unicast socket could not be bound to 127.0.0.1.</exception>
    public SimulatedGvcpPort(SimulatedCamera camera, int broadcastPort)
    {
        _camera = camera;
        _unicast = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _unicast.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _unicast.SetRawSocketOption(LibC.SolSocket, LibC.SoTimestampNs, BitConverter.GetBytes(1));
            EndPoint = (IPEndPoint)_unicast.LocalEndPoint!;
        }
        catch (SocketException e)
        {
            _unicast.Dispose();
            throw new CameraException(camera.Id, $"{camera.Id}: its GVCP unicast socket could not be bound to 127.0.0.1: {e.Message}.", e);
        }
        if (broadcastPort != 0)
        {
            var broadcast = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                broadcast.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                broadcast.Bind(new IPEndPoint(IPAddress.Any, broadcastPort));
                broadcast.SetRawSocketOption(LibC.SolSocket, LibC.SoTimestampNs, BitConverter.GetBytes(1));
                _broadcast = broadcast;
            }
            catch (SocketException e)
            {
                broadcast.Dispose();
                BroadcastError = new CameraException(camera.Id,
                    $"{camera.Id}: it does not receive broadcast GVCP commands: 0.0.0.0:{broadcastPort} could not be bound with SO_REUSEADDR ({e.Message}); " +
                    "another program holds that port without SO_REUSEADDR. Unicast commands to its GvcpEndPoint still work; choose another SimulatedCameraOptions.GvcpPort to get broadcasts.", e);
                camera.OnGvcpFault(BroadcastError);
            }
        }
        _thread = new Thread(Run) { IsBackground = true, Name = $"{camera.Id} GVCP" };
        _thread.Start();
    }

    /// <summary>The unicast endpoint, 127.0.0.1:&lt;ephemeral port&gt;.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>True while the broadcast socket is bound (a port was asked for and could be bound).</summary>
    public bool IsListeningForBroadcasts => _broadcast is not null;

    /// <summary>Why the broadcast socket could not be bound, or null.</summary>
    public CameraException? BroadcastError { get; }

    /// <summary>Poll rounds the receive thread has finished (each records <see cref="ReceiveAllocatedBytes"/>).</summary>
    public long ReceiveRounds => Volatile.Read(ref _rounds);

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
        const int bufferBytes = 1500, addressBytes = 128; // sockaddr_storage
        byte* buffer = stackalloc byte[bufferBytes];
        byte* answer = stackalloc byte[ActionAcknowledge.DatagramBytes];
        byte* address = stackalloc byte[addressBytes];
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
                    ReceiveOne(unicastFd, unicastFd, buffer, bufferBytes, address, addressBytes, answer, broadcast: false);
                if (count == 2 && fds[1].Revents != 0)
                    ReceiveOne(broadcastFd, unicastFd, buffer, bufferBytes, address, addressBytes, answer, broadcast: true);
                Volatile.Write(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                Volatile.Write(ref _rounds, _rounds + 1);
            }
        }
        catch (Exception e)
        {
            _camera.OnGvcpFault(new CameraException(_camera.Id, $"{_camera.Id}: its GVCP receive thread failed and stopped; later action commands are not received. {e.Message}", e));
        }
    }

    /// <summary>Reads one datagram from <paramref name="fd"/> (recvfrom; poll said it is readable) and sends the answer, if
    /// any, from <paramref name="answerFd"/> to its source (sendto). Plain libc calls on the sockets' descriptors.</summary>
    private unsafe void ReceiveOne(int fd, int answerFd, byte* buffer, int bufferBytes, byte* address, int addressBytes, byte* answer, bool broadcast)
    {
        // recvmsg, for the kernel's receive timestamp: a camera's network port takes the packet when it arrives, whatever
        // this thread's scheduling delay (which on a loaded host reached milliseconds and moved immediate actions).
        const int controlBytes = 64;
        byte* control = stackalloc byte[controlBytes];
        var iov = new LibC.IoVec { Base = buffer, Length = (nuint)bufferBytes };
        var message = new LibC.MsgHdr { Name = address, NameLength = (uint)addressBytes, Iov = &iov, IovLength = 1, Control = control, ControlLength = controlBytes };
        nint length = LibC.RecvMsg(fd, &message, 0);
        uint addressLength = message.NameLength;
        if (length < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is LibC.EINTR or LibC.EAGAIN)
                return;
            _camera.OnGvcpFault(new CameraException(_camera.Id, $"{_camera.Id}: receiving a GVCP datagram failed: {LibC.Describe(errno)}."));
            return;
        }
        long stamped = LibC.ReceiveTimestampNs(message);
        long receivedNs = stamped != 0 ? stamped : SharedTimeline.NowNs();
        if (!_camera.OnGvcpDatagram(new ReadOnlySpan<byte>(buffer, (int)length), receivedNs, broadcast, out var status, out ushort requestId))
            return;
        int size = ActionAcknowledge.WriteTo(new Span<byte>(answer, ActionAcknowledge.DatagramBytes), status, requestId);
        if (LibC.SendTo(answerFd, answer, (nuint)size, 0, address, addressLength) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            _camera.OnGvcpFault(new CameraException(_camera.Id, $"{_camera.Id}: sending ACTION_ACK {requestId} failed: {LibC.Describe(errno)}."));
        }
    }
}
