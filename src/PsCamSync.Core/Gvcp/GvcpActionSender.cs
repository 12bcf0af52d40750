using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using PsCamSync.Core.Concurrency;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Gvcp;

/// <summary>
/// Sends GigE Vision ACTION_CMDs from one UDP socket (bound to a chosen interface's IPv4 address, SO_BROADCAST on) to the
/// interface's subnet broadcast, to one configured device, or to a device given per call; a receive thread of its own
/// collects the ACTION_ACKs that come back.
/// </summary>
/// <remarks>
/// <para>Threads. <see cref="Send(in ActionCommand, bool)"/> and <see cref="SendAndWait(in ActionCommand, int, TimeSpan)"/>
/// belong to one sending thread (the trigger thread during a take): they share one pre-allocated buffer and the req_id
/// counter. <see cref="TryTakeAck"/> belongs to one consuming thread. The counters may be read from any thread.</para>
/// <para>The send path allocates nothing and never waits: the socket is non-blocking, no ack is awaited, and the
/// datagram is written into a buffer made once. A full socket send buffer fails the call (a
/// <see cref="SocketException"/> with <see cref="SocketError.WouldBlock"/>) instead of blocking.</para>
/// <para>Acks. The receive thread decodes every datagram that reaches the socket. An ACTION_ACK whose ack_id is the req_id
/// of a <see cref="SendAndWait(in ActionCommand, int, TimeSpan)"/> in progress goes to that call only; every other
/// ACTION_ACK goes into a single-producer/single-consumer queue drained with <see cref="TryTakeAck"/>, or is counted in
/// <see cref="AcksDropped"/> when the queue is full. Anything else is counted in <see cref="OtherDatagrams"/>. So both
/// ways coexist: SendAndWait never touches the queue, and the queue never sees the acks SendAndWait waits for (acks of its
/// req_id that arrive after its wait ended do go into the queue; consumers filter by <see cref="ActionAckRecord.AckId"/>).
/// Timeouts: SendAndWait takes one; a queue consumer compares <see cref="ActionAckRecord.ReceivedNs"/> with the time it
/// sent (<see cref="LastSendNs"/>) and decides itself when an ack is overdue.</para>
/// <para>Source: GigE Vision 2.0, ACTION_CMD/ACTION_ACK; the wire layout is in <see cref="ActionCommand"/>.</para>
/// </remarks>
public sealed class GvcpActionSender : IActionCommandPort
{
    /// <summary>Receive buffer, bytes: any GVCP datagram fits (an ACTION_ACK is 8; larger datagrams are counted as other).</summary>
    private const int ReceiveBufferBytes = 1536;

    /// <summary>Longest wait of the receive thread's poll, µs; Dispose wakes it sooner by shutting the socket down.</summary>
    private const int PollIntervalUs = 100_000;

    private static readonly int Ipv4SocketAddressBytes = SocketAddress.GetMaximumAddressSize(AddressFamily.InterNetwork);

    private readonly Socket _socket;
    private readonly byte[] _sendBuffer = new byte[ActionCommand.MaxDatagramBytes];
    private readonly SocketAddress _destination;
    private readonly SpscQueue<ActionAckRecord> _acks;
    private readonly Thread _receiver;
    private ushort _lastRequestId;
    private long _lastSendNs;
    private AckWaiter? _waiter;
    private long _acksReceived;
    private long _acksDropped;
    private long _otherDatagrams;
    private long _receiveErrors;
    private int _lastReceiveError;
    private Exception? _receiverFault;
    private long _receiverAllocatedBytes;
    private int _disposed;

    /// <summary>Resolves the interface, binds the socket and starts the receive thread.</summary>
    /// <param name="options">Interface or local address, destination, queue size.</param>
    /// <exception cref="ArgumentException">Both or neither of InterfaceName and LocalAddress are given, an address or
    /// endpoint is not IPv4, or a port or the queue capacity is out of range.</exception>
    /// <exception cref="GvcpException">The interface does not exist or has no IPv4 address, the local address belongs to no
    /// interface, or the socket cannot be bound; the message lists the interfaces that exist.</exception>
    public GvcpActionSender(GvcpActionSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LocalPort is < 0 or > 65535)
            throw new ArgumentException($"LocalPort must be 0-65535; got {options.LocalPort}.", nameof(options));
        if (options.DestinationPort is < 1 or > 65535)
            throw new ArgumentException($"DestinationPort must be 1-65535; got {options.DestinationPort}.", nameof(options));
        if (options.AckQueueCapacity is < 1 or > 1 << 30)
            throw new ArgumentException($"AckQueueCapacity must be 1-2^30; got {options.AckQueueCapacity}.", nameof(options));
        if (options.UnicastDestination is { } unicast)
            CheckIpv4(unicast, nameof(options));

        var local = ResolveLocal(options.InterfaceName, options.LocalAddress, NetworkInterface.GetAllNetworkInterfaces());
        InterfaceName = local.InterfaceName;
        BroadcastAddress = local.Broadcast;
        Destination = options.UnicastDestination ?? new IPEndPoint(local.Broadcast, options.DestinationPort);

        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.EnableBroadcast = true;
            _socket.Bind(new IPEndPoint(local.Address, options.LocalPort));
            _socket.Blocking = false;
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            throw new GvcpException(InterfaceName,
                $"cannot bind a UDP socket to {local.Address}:{options.LocalPort} on '{InterfaceName}' ({e.SocketErrorCode}): {e.Message}", e);
        }
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _destination = Destination.Serialize();
        _acks = new SpscQueue<ActionAckRecord>(options.AckQueueCapacity);
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "GVCP ACTION_ACK receiver" };
        _receiver.Start();
    }

    /// <summary>The interface the socket is bound on (the one asked for, or the one that owns the local address).</summary>
    public string InterfaceName { get; }

    /// <summary>The local IPv4 endpoint (address and the port devices answer to).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The subnet broadcast address of the local address (address OR NOT netmask; 127.255.255.255 on lo).</summary>
    public IPAddress BroadcastAddress { get; }

    /// <summary>Where <see cref="Send(in ActionCommand, bool)"/> sends: the subnet broadcast on the destination port, or the
    /// unicast destination of the options.</summary>
    public IPEndPoint Destination { get; }

    /// <inheritdoc/>
    string IActionCommandPort.Destination => Destination.ToString();

    /// <inheritdoc/>
    ushort IActionCommandPort.NextRequestId => NextRequestId();

    /// <summary>The req_id of the latest command sent, 1-65535 (0 before the first).</summary>
    public ushort LastRequestId => Volatile.Read(ref _lastRequestId);

    /// <summary>Shared timeline (<see cref="SharedTimeline.NowNs"/>) right after the latest datagram was handed to the
    /// kernel, ns (0 before the first).</summary>
    public long LastSendNs => Volatile.Read(ref _lastSendNs);

    /// <summary>ACTION_ACKs the receive thread decoded (queued, dropped or given to SendAndWait).</summary>
    public long AcksReceived => Interlocked.Read(ref _acksReceived);

    /// <summary>ACTION_ACKs lost because the queue was full (nobody drained it with <see cref="TryTakeAck"/>).</summary>
    public long AcksDropped => Interlocked.Read(ref _acksDropped);

    /// <summary>Datagrams that reached the socket and were not ACTION_ACKs (counted, never thrown).</summary>
    public long OtherDatagrams => Interlocked.Read(ref _otherDatagrams);

    /// <summary>Receive calls that failed with a socket error; the receive thread goes on after each.</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    /// <summary>The latest socket error of a receive call (<see cref="SocketError.Success"/> when none).</summary>
    public SocketError LastReceiveError => (SocketError)Volatile.Read(ref _lastReceiveError);

    /// <summary>An unexpected exception that stopped the receive thread, or null while it runs (or ended by Dispose).</summary>
    public Exception? ReceiverFault => Volatile.Read(ref _receiverFault);

    /// <summary>The receive thread (tests check that Dispose ends it).</summary>
    internal Thread ReceiverThread => _receiver;

    /// <summary>Bytes the receive thread had allocated after its latest datagram (tests check that it stops growing).</summary>
    internal long ReceiverAllocatedBytes => Interlocked.Read(ref _receiverAllocatedBytes);

    /// <summary>
    /// Sends <paramref name="command"/> to <see cref="Destination"/> with the next req_id; returns at once (no ack is
    /// awaited) and allocates nothing. The send time is <see cref="LastSendNs"/>.
    /// </summary>
    /// <param name="command">Keys, mask and, for a scheduled action, the action time.</param>
    /// <param name="acknowledge">True to set the acknowledge-required flag: devices answer with ACTION_ACK.</param>
    /// <returns>The req_id used (1-65535: it counts up and wraps from 65535 to 1, skipping the reserved 0).</returns>
    /// <exception cref="ObjectDisposedException">The sender is disposed.</exception>
    /// <exception cref="SocketException">The kernel refused the datagram (e.g. <see cref="SocketError.WouldBlock"/> when
    /// the socket's send buffer is full, <see cref="SocketError.NetworkUnreachable"/>); the req_id is used up.</exception>
    public ushort Send(in ActionCommand command, bool acknowledge) => SendCore(command, acknowledge, _destination, NextRequestId());

    /// <summary>
    /// Sends <paramref name="command"/> to one device given as a pre-resolved address (make it once per camera with
    /// <see cref="ToSocketAddress"/>); otherwise as <see cref="Send(in ActionCommand, bool)"/>: no wait, no allocation.
    /// </summary>
    /// <param name="command">Keys, mask and, for a scheduled action, the action time.</param>
    /// <param name="acknowledge">True to ask for an ACTION_ACK.</param>
    /// <param name="destination">An IPv4 socket address from <see cref="ToSocketAddress"/>.</param>
    /// <returns>The req_id used (1-65535).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not IPv4.</exception>
    /// <exception cref="ObjectDisposedException">The sender is disposed.</exception>
    /// <exception cref="SocketException">The kernel refused the datagram (see <see cref="Send(in ActionCommand, bool)"/>).</exception>
    public ushort Send(in ActionCommand command, bool acknowledge, SocketAddress destination)
    {
        CheckDestination(destination);
        return SendCore(command, acknowledge, destination, NextRequestId());
    }

    /// <summary>
    /// Sends <paramref name="command"/> to <see cref="Destination"/> with the acknowledge flag and blocks until
    /// <paramref name="expectedAcks"/> ACTION_ACKs with its req_id came back or <paramref name="timeout"/> passed. For
    /// setup and tests, not the trigger thread: it allocates and waits. Its acks do not enter the <see cref="TryTakeAck"/>
    /// queue (see the class remarks), so a queue consumer may run meanwhile.
    /// </summary>
    /// <param name="command">Keys, mask and, for a scheduled action, the action time.</param>
    /// <param name="expectedAcks">Acks to wait for, 0 or more (one per device addressed; 0 collects until the timeout).</param>
    /// <param name="timeout">Longest wait after sending, positive.</param>
    /// <returns>The acks that came in time; <see cref="ActionAckWaitResult.TimedOut"/> says when fewer than expected did.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expectedAcks"/> is negative or <paramref name="timeout"/>
    /// is not positive.</exception>
    /// <exception cref="InvalidOperationException">Another SendAndWait is in progress.</exception>
    /// <exception cref="GvcpException">The receive thread stopped on an unexpected error (inner exception).</exception>
    /// <exception cref="ObjectDisposedException">The sender is disposed.</exception>
    /// <exception cref="SocketException">The kernel refused the datagram.</exception>
    public ActionAckWaitResult SendAndWait(in ActionCommand command, int expectedAcks, TimeSpan timeout) =>
        SendAndWaitCore(command, expectedAcks, timeout, _destination);

    /// <summary>As <see cref="SendAndWait(in ActionCommand, int, TimeSpan)"/>, to one device given as a socket address from
    /// <see cref="ToSocketAddress"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not IPv4.</exception>
    public ActionAckWaitResult SendAndWait(in ActionCommand command, int expectedAcks, TimeSpan timeout, SocketAddress destination)
    {
        CheckDestination(destination);
        return SendAndWaitCore(command, expectedAcks, timeout, destination);
    }

    /// <summary>Consumer side: takes the oldest queued ACTION_ACK; false when none is queued. Never blocks, never allocates.
    /// One consuming thread only.</summary>
    public bool TryTakeAck(out ActionAckRecord ack) => _acks.TryDequeue(out ack);

    /// <summary>The socket address <see cref="Send(in ActionCommand, bool, SocketAddress)"/> takes for
    /// <paramref name="endPoint"/>; make it once per device (this allocates).</summary>
    /// <exception cref="ArgumentException"><paramref name="endPoint"/> is not IPv4.</exception>
    public static SocketAddress ToSocketAddress(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        CheckIpv4(endPoint, nameof(endPoint));
        return endPoint.Serialize();
    }

    /// <summary>Stops the receive thread (shuts the socket down, which wakes it) and closes the socket. Safe to call more
    /// than once; later calls do nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // Closing the socket shuts it down first, which wakes a receive thread waiting in poll; at worst it sees the flag
        // at the end of its poll interval.
        _socket.Dispose();
        if (Thread.CurrentThread != _receiver)
            _receiver.Join();
    }

    private ushort NextRequestId()
    {
        ushort id = (ushort)(_lastRequestId + 1);
        if (id == 0)
            id = 1;
        return id;
    }

    private ushort SendCore(in ActionCommand command, bool acknowledge, SocketAddress destination, ushort requestId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Volatile.Write(ref _lastRequestId, requestId);
        int size = command.WriteTo(_sendBuffer, requestId, acknowledge);
        _socket.SendTo(_sendBuffer.AsSpan(0, size), SocketFlags.None, destination);
        Volatile.Write(ref _lastSendNs, SharedTimeline.NowNs());
        return requestId;
    }

    private ActionAckWaitResult SendAndWaitCore(in ActionCommand command, int expectedAcks, TimeSpan timeout, SocketAddress destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedAcks);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (ReceiverFault is { } fault)
            throw new GvcpException(InterfaceName, $"the ACTION_ACK receive thread stopped: {fault.Message}", fault);
        ushort requestId = NextRequestId();
        var waiter = new AckWaiter(requestId, expectedAcks);
        if (Interlocked.CompareExchange(ref _waiter, waiter, null) is not null)
            throw new InvalidOperationException("another SendAndWait is in progress; call it from one thread at a time.");
        try
        {
            SendCore(command, acknowledge: true, destination, requestId);
            long sentNs = LastSendNs;
            return new ActionAckWaitResult(requestId, sentNs, expectedAcks, waiter.Wait(timeout));
        }
        finally
        {
            Interlocked.CompareExchange(ref _waiter, null, waiter);
        }
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[ReceiveBufferBytes];
        var from = new SocketAddress(AddressFamily.InterNetwork, Ipv4SocketAddressBytes);
        try
        {
            while (Volatile.Read(ref _disposed) == 0)
            {
                try
                {
                    if (!_socket.Poll(PollIntervalUs, SelectMode.SelectRead))
                        continue;
                    from.Size = Ipv4SocketAddressBytes;
                    int length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
                    long receivedNs = SharedTimeline.NowNs();
                    Dispatch(buffer.AsSpan(0, length), from.Buffer.Span, receivedNs);
                    Interlocked.Exchange(ref _receiverAllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
                {
                    // Not an error: poll may report a datagram that the kernel then discards (bad checksum); wait again.
                }
                catch (SocketException e) when (Volatile.Read(ref _disposed) == 0)
                {
                    Interlocked.Increment(ref _receiveErrors);
                    Volatile.Write(ref _lastReceiveError, (int)e.SocketErrorCode);
                }
            }
        }
        catch (Exception) when (Volatile.Read(ref _disposed) != 0)
        {
            // Dispose closed the socket under the receive call (ObjectDisposedException or a socket error): the end.
        }
        catch (Exception e)
        {
            Volatile.Write(ref _receiverFault, e);
        }
    }

    private void Dispatch(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> sockaddr, long receivedNs)
    {
        if (!ActionAcknowledge.TryRead(datagram, out var status, out var ackId))
        {
            Interlocked.Increment(ref _otherDatagrams);
            return;
        }
        // sockaddr_in: family (2 bytes), port (2, network order), address (4, network order).
        var ack = new ActionAckRecord(ackId, status, BinaryPrimitives.ReadUInt32BigEndian(sockaddr[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]), receivedNs);
        Interlocked.Increment(ref _acksReceived);
        var waiter = Volatile.Read(ref _waiter);
        if (waiter is not null && waiter.RequestId == ackId && waiter.TryAdd(ack))
            return;
        if (!_acks.TryEnqueue(ack))
            Interlocked.Increment(ref _acksDropped);
    }

    private static void CheckDestination(SocketAddress destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Family != AddressFamily.InterNetwork)
            throw new ArgumentException($"GVCP runs over IPv4; the destination is {destination.Family}.", nameof(destination));
    }

    private static void CheckIpv4(IPEndPoint endPoint, string parameterName)
    {
        if (endPoint.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"GVCP runs over IPv4; {endPoint} is {endPoint.AddressFamily}.", parameterName);
    }

    /// <summary>
    /// The local IPv4 address to bind, its subnet broadcast and its interface, from an interface name or a local address
    /// (exactly one) among <paramref name="interfaces"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Both or neither are given, or the address is not IPv4.</exception>
    /// <exception cref="GvcpException">No such interface, no IPv4 address on it, or no interface with that address.</exception>
    internal static (IPAddress Address, IPAddress Broadcast, string InterfaceName) ResolveLocal(
        string? interfaceName, IPAddress? localAddress, IReadOnlyList<NetworkInterface> interfaces)
    {
        if ((interfaceName is null) == (localAddress is null))
            throw new ArgumentException("give exactly one of InterfaceName and LocalAddress.", nameof(interfaceName));
        if (interfaceName is not null)
        {
            var nic = interfaces.FirstOrDefault(n => n.Name == interfaceName)
                ?? throw new GvcpException(interfaceName,
                    $"there is no network interface named '{interfaceName}'; this host has: {Describe(interfaces)}.");
            var v4 = Ipv4Addresses(nic).FirstOrDefault()
                ?? throw new GvcpException(interfaceName,
                    $"interface '{interfaceName}' has no IPv4 address, and GVCP runs over IPv4; this host has: {Describe(interfaces)}.");
            return (v4.Address, BroadcastOf(v4), interfaceName);
        }
        if (localAddress!.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"GVCP runs over IPv4; {localAddress} is {localAddress.AddressFamily}.", nameof(localAddress));
        foreach (var nic in interfaces)
            foreach (var v4 in Ipv4Addresses(nic))
                if (v4.Address.Equals(localAddress))
                    return (v4.Address, BroadcastOf(v4), nic.Name);
        throw new GvcpException(localAddress.ToString(),
            $"no network interface has the IPv4 address {localAddress}; this host has: {Describe(interfaces)}.");
    }

    /// <summary>The interface with an IPv4 subnet that holds <paramref name="target"/> (a camera's address): where its action
    /// commands are broadcast.</summary>
    /// <exception cref="GvcpException">No interface's subnet holds it (the message lists the interfaces).</exception>
    internal static string InterfaceReaching(IPAddress target, IReadOnlyList<NetworkInterface> interfaces)
    {
        if (target.IsIPv4MappedToIPv6)
            target = target.MapToIPv4();
        uint t = ToUInt32(target);
        foreach (var nic in interfaces)
            foreach (var v4 in Ipv4Addresses(nic))
            {
                uint mask = PrefixMask(v4.PrefixLength);
                if ((ToUInt32(v4.Address) & mask) == (t & mask))
                    return nic.Name;
            }
        throw new GvcpException(target.ToString(),
            $"no network interface of this host has an IPv4 subnet that holds the camera address {target}; this host has: {Describe(interfaces)}.");
    }

    /// <summary>Subnet broadcast of one address: address OR NOT netmask (from the mask, or the prefix length).</summary>
    internal static IPAddress BroadcastOf(UnicastIPAddressInformation v4)
    {
        uint address = ToUInt32(v4.Address);
        uint mask = v4.IPv4Mask is { } m && !m.Equals(IPAddress.Any) ? ToUInt32(m) : PrefixMask(v4.PrefixLength);
        return FromUInt32(address | ~mask);
    }

    /// <summary>The netmask of a prefix length 0-32 (8 is 255.0.0.0).</summary>
    internal static uint PrefixMask(int prefixLength) => prefixLength <= 0 ? 0u : prefixLength >= 32 ? uint.MaxValue : uint.MaxValue << (32 - prefixLength);

    private static IEnumerable<UnicastIPAddressInformation> Ipv4Addresses(NetworkInterface nic) =>
        nic.GetIPProperties().UnicastAddresses.Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork);

    /// <summary>"lo (127.0.0.1/8), eth0 (no IPv4)": every interface with its IPv4 addresses, for error messages.</summary>
    private static string Describe(IEnumerable<NetworkInterface> interfaces)
    {
        var parts = interfaces.Select(n =>
        {
            var v4 = Ipv4Addresses(n).Select(a => $"{a.Address}/{a.PrefixLength}").ToList();
            return $"{n.Name} ({(v4.Count == 0 ? "no IPv4" : string.Join(", ", v4))})";
        }).ToList();
        return parts.Count == 0 ? "no network interfaces" : string.Join(", ", parts);
    }

    private static uint ToUInt32(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static IPAddress FromUInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    /// <summary>The acks one SendAndWait collects: filled by the receive thread, read once by the waiting thread.</summary>
    private sealed class AckWaiter(ushort requestId, int expectedAcks)
    {
        private readonly List<ActionAckRecord> _acks = new(Math.Max(expectedAcks, 1));
        private readonly ManualResetEventSlim _enough = new(false);
        private bool _closed;

        public ushort RequestId { get; } = requestId;

        /// <summary>Adds an ack of this req_id; false once the wait is over (the caller queues it instead).</summary>
        public bool TryAdd(in ActionAckRecord ack)
        {
            lock (_acks)
            {
                if (_closed)
                    return false;
                _acks.Add(ack);
                if (expectedAcks > 0 && _acks.Count >= expectedAcks)
                    _enough.Set();
                return true;
            }
        }

        /// <summary>Waits for the expected acks or the timeout, then closes and returns what came.</summary>
        public ActionAckRecord[] Wait(TimeSpan timeout)
        {
            _enough.Wait(timeout);
            lock (_acks)
            {
                _closed = true;
                return _acks.ToArray();
            }
        }
    }
}
