using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Gvcp;

/// <summary>The sender with real datagrams on loopback, against small UDP peers that answer like devices.</summary>
public class GvcpActionSenderTests
{
    private static readonly ActionCommand Command = new(0x12345678, 0x9ABCDEF0, 0x00000005);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void Loopback_ResolvesToLocalhostAndItsSubnetBroadcast()
    {
        using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo" });
        Assert.Equal("lo", sender.InterfaceName);
        Assert.Equal(IPAddress.Loopback, sender.LocalEndPoint.Address);
        Assert.NotEqual(0, sender.LocalEndPoint.Port);
        Assert.Equal(IPAddress.Parse("127.255.255.255"), sender.BroadcastAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("127.255.255.255"), GvcpProtocol.Port), sender.Destination);

        using var byAddress = new GvcpActionSender(new GvcpActionSenderOptions { LocalAddress = IPAddress.Loopback, DestinationPort = 40000 });
        Assert.Equal("lo", byAddress.InterfaceName);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("127.255.255.255"), 40000), byAddress.Destination);
    }

    [Fact]
    public void UnknownInterface_IsRefusedNamingItAndListingTheOnesThatExist()
    {
        var e = Assert.Throws<GvcpException>(() => new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "nosuch0" }));
        Assert.Equal("nosuch0", e.InterfaceName);
        Assert.Contains("'nosuch0'", e.Message);
        Assert.Contains("lo (127.0.0.1/8)", e.Message);

        var address = Assert.Throws<GvcpException>(() => new GvcpActionSender(new GvcpActionSenderOptions { LocalAddress = IPAddress.Parse("198.51.100.77") }));
        Assert.Equal("198.51.100.77", address.InterfaceName);
        Assert.Contains("lo (127.0.0.1/8)", address.Message);

        Assert.Throws<ArgumentException>(() => new GvcpActionSender(new GvcpActionSenderOptions()));
        Assert.Throws<ArgumentException>(() => new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", LocalAddress = IPAddress.Loopback }));
        Assert.Throws<ArgumentException>(() => new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", DestinationPort = 0 }));
    }

    [Fact]
    public void InterfaceWithoutIpv4_IsRefusedNamingIt()
    {
        var name = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .FirstOrDefault(n => n.GetIPProperties().UnicastAddresses.All(a => a.Address.AddressFamily != AddressFamily.InterNetwork))?.Name;
        if (name is null)
        {
            // No such interface here: check the prefix arithmetic the broadcast address rests on instead.
            Assert.Equal(0xFF000000u, GvcpActionSender.PrefixMask(8));
            Assert.Equal(0xFFFFFF00u, GvcpActionSender.PrefixMask(24));
            Assert.Equal(0xFFFFFFFFu, GvcpActionSender.PrefixMask(32));
            Assert.Equal(0u, GvcpActionSender.PrefixMask(0));
            return;
        }
        var e = Assert.Throws<GvcpException>(() => new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = name }));
        Assert.Equal(name, e.InterfaceName);
        Assert.Contains("no IPv4 address", e.Message);
    }

    [Fact]
    public void Acks_FromTwoPeers_ArriveInTheQueueWithTheirStatusAndSource()
    {
        using var success = new AckPeer(PeerAnswer.Success);
        using var late = new AckPeer(PeerAnswer.ActionLate);
        using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo" });

        long before = SharedTimeline.NowNs();
        ushort first = sender.Send(Command, acknowledge: true, GvcpActionSender.ToSocketAddress(success.EndPoint));
        ushort second = sender.Send(Command with { ActionTimeNs = 123_456_789 }, acknowledge: true, GvcpActionSender.ToSocketAddress(late.EndPoint));
        Assert.Equal(first + 1, second);

        var acks = TakeAcks(sender, 2);
        var fromSuccess = Assert.Single(acks, a => a.SourceKey == ActionAckRecord.KeyOf(success.EndPoint));
        var fromLate = Assert.Single(acks, a => a.SourceKey == ActionAckRecord.KeyOf(late.EndPoint));
        Assert.Equal(GvcpStatus.Success, fromSuccess.Status);
        Assert.Equal(first, fromSuccess.AckId);
        Assert.Equal(GvcpStatus.ActionLate, fromLate.Status);
        Assert.Equal(second, fromLate.AckId);
        Assert.Equal(late.EndPoint, fromLate.Source);
        Assert.All(acks, a => Assert.InRange(a.ReceivedNs, before, SharedTimeline.NowNs()));
        Assert.InRange(sender.LastSendNs, before, SharedTimeline.NowNs());

        // What the peers received is what was sent.
        Assert.Equal((Command, first, (byte)0x01), success.Received.Single());
        Assert.Equal((Command with { ActionTimeNs = 123_456_789 }, second, (byte)0x81), late.Received.Single());
        Assert.Equal(2, sender.AcksReceived);
        Assert.Equal(0, sender.OtherDatagrams);
    }

    [Fact]
    public void Broadcast_ReachesAPeerListeningOnThePort_AndItsAckComesBack()
    {
        using var peer = new AckPeer(PeerAnswer.Success, bindAny: true);
        using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", DestinationPort = peer.EndPoint.Port });
        Assert.Equal(IPAddress.Parse("127.255.255.255"), sender.Destination.Address);

        var result = sender.SendAndWait(Command, expectedAcks: 1, Patience);
        Assert.False(result.TimedOut);
        var ack = Assert.Single(result.Acks);
        Assert.Equal(result.RequestId, ack.AckId);
        Assert.Equal(GvcpStatus.Success, ack.Status);
        Assert.Equal(IPAddress.Loopback, ack.Source.Address);
        Assert.Equal(peer.EndPoint.Port, ack.Source.Port);
        Assert.False(sender.TryTakeAck(out _)); // SendAndWait's acks stay out of the queue
    }

    [Fact]
    public void SendAndWait_WithASilentPeer_TimesOutWithNoAcks()
    {
        using var silent = new AckPeer(PeerAnswer.None);
        using var answering = new AckPeer(PeerAnswer.Success);
        using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", UnicastDestination = silent.EndPoint });

        var timeout = TimeSpan.FromMilliseconds(300);
        var clock = Stopwatch.StartNew();
        var result = sender.SendAndWait(Command, expectedAcks: 1, timeout);
        Assert.True(clock.Elapsed >= timeout - TimeSpan.FromMilliseconds(20), $"returned after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.True(result.TimedOut);
        Assert.Empty(result.Acks);
        Assert.Single(silent.Received); // the command did arrive; nobody answered

        var answered = sender.SendAndWait(Command, 1, Patience, GvcpActionSender.ToSocketAddress(answering.EndPoint));
        Assert.False(answered.TimedOut);
        Assert.Equal(answered.RequestId, Assert.Single(answered.Acks).AckId);
        Assert.Equal(result.RequestId + 1, answered.RequestId);
    }

    [Fact]
    public void SendAndWait_AndTheQueue_Coexist()
    {
        using var peer = new AckPeer(PeerAnswer.Success);
        using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", UnicastDestination = peer.EndPoint });
        ushort queued = sender.Send(Command, acknowledge: true);
        var waited = sender.SendAndWait(Command, 1, Patience);
        Assert.Equal(waited.RequestId, Assert.Single(waited.Acks).AckId);
        Assert.Equal(queued, Assert.Single(TakeAcks(sender, 1)).AckId);
    }

    [Fact]
    public void DatagramsThatAreNotAcks_AreCounted()
    {
        using var peer = new AckPeer(PeerAnswer.Garbage);
        using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", UnicastDestination = peer.EndPoint });
        sender.Send(Command, acknowledge: true);
        sender.Send(Command, acknowledge: true);
        var deadline = DateTime.UtcNow + Patience;
        while (sender.OtherDatagrams < 4 && DateTime.UtcNow < deadline)
            Thread.Sleep(5);
        Assert.Equal(4, sender.OtherDatagrams); // per command: a WRITEREG_ACK and a datagram of 3 bytes
        Assert.Equal(0, sender.AcksReceived);
        Assert.False(sender.TryTakeAck(out _));
        Assert.Null(sender.ReceiverFault);
    }

    [Fact]
    public void Send_AllocatesNothing_AndReqIdWrapsSkippingZero()
    {
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sink.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // never read: the kernel drops what overflows its buffer
        using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", UnicastDestination = (IPEndPoint)sink.LocalEndPoint! });
        var perCamera = GvcpActionSender.ToSocketAddress((IPEndPoint)sink.LocalEndPoint!);
        var scheduled = Command with { ActionTimeNs = 1 };

        for (int i = 0; i < 1000; i++) // warm-up: first calls
        {
            sender.Send(Command, acknowledge: true);
            sender.Send(scheduled, acknowledge: false, perCamera);
        }
        Assert.Equal(2000, sender.LastRequestId);

        // Windows of 70,000 sends (each crosses 65535 once). A per-call allocation shows in every window; the runtime's
        // one-time work (tiered compilation once allocated 56 bytes on the calling thread when a tier-up fell inside a
        // window) in one at most: so one window of the three must allocate nothing.
        const int sends = 70_000;
        var ids = new ushort[sends];
        var allocations = new List<long>();
        ushort expected = 2000;
        for (int window = 0; window < 3 && !allocations.Contains(0); window++)
        {
            Thread.Sleep(100);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < sends; i++)
                ids[i] = (i & 1) == 0 ? sender.Send(Command, acknowledge: true) : sender.Send(scheduled, acknowledge: false, perCamera);
            allocations.Add(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);

            foreach (var id in ids)
            {
                expected = (ushort)(expected == 65535 ? 1 : expected + 1);
                Assert.Equal(expected, id);
            }
            Assert.DoesNotContain((ushort)0, ids);
        }
        Assert.True(allocations.Contains(0), $"bytes allocated per window of {sends} sends: {string.Join(", ", allocations)}");
    }

    [Fact]
    public void ReceiveThread_AllocatesNothingPerAck()
    {
        using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", AckQueueCapacity = 4096 });
        using var device = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        device.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var ack = new byte[8];

        void Burst(int count, long totalAfter)
        {
            for (int i = 0; i < count; i++)
            {
                ActionAcknowledge.WriteTo(ack, GvcpStatus.Success, (ushort)(i % 65535 + 1));
                device.SendTo(ack, sender.LocalEndPoint);
                if (i % 256 == 255)
                    Drain(sender, totalAfter - count + i + 1); // keep the kernel buffer and the queue from overflowing
            }
            Drain(sender, totalAfter);
        }

        // Warm-up in bursts with pauses, so tiered compilation has promoted the receive path before the measurement.
        for (int round = 1; round <= 4; round++)
        {
            Burst(500, 500 * round);
            Thread.Sleep(100);
        }
        // As for Send: a per-ack allocation shows in every window of 3000 acks, the runtime's one-time work in one at most.
        var growth = new List<long>();
        long total = 2000;
        for (int window = 0; window < 3 && !growth.Contains(0); window++)
        {
            long before = sender.ReceiverAllocatedBytes;
            total += 3000;
            Burst(3000, total);
            growth.Add(sender.ReceiverAllocatedBytes - before);
        }
        Assert.Equal(total, sender.AcksReceived);
        Assert.Equal(0, sender.AcksDropped);
        Assert.True(growth.Contains(0), $"bytes the receive thread allocated per window of 3000 acks: {string.Join(", ", growth)}");
    }

    [Fact]
    public void Dispose_StopsTheReceiveThreadPromptly_AndTwiceIsHarmless()
    {
        var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo" });
        Thread.Sleep(50); // let the receive thread reach its poll
        var clock = Stopwatch.StartNew();
        sender.Dispose();
        Assert.False(sender.ReceiverThread.IsAlive);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Dispose took {clock.Elapsed.TotalMilliseconds} ms");
        sender.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sender.Send(Command, acknowledge: true));
        Assert.Null(sender.ReceiverFault);
    }

    private static List<ActionAckRecord> TakeAcks(GvcpActionSender sender, int count)
    {
        var acks = new List<ActionAckRecord>();
        var deadline = DateTime.UtcNow + Patience;
        while (acks.Count < count && DateTime.UtcNow < deadline)
        {
            if (sender.TryTakeAck(out var ack))
                acks.Add(ack);
            else
                Thread.Sleep(1);
        }
        Assert.True(acks.Count == count, $"{acks.Count} of {count} acks arrived in {Patience}");
        return acks;
    }

    private static void Drain(GvcpActionSender sender, long received)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            while (sender.TryTakeAck(out _)) { }
            if (sender.AcksReceived >= received)
                break;
            Thread.Sleep(1);
        }
        while (sender.TryTakeAck(out _)) { }
        Assert.True(sender.AcksReceived >= received, $"{sender.AcksReceived} of {received} acks arrived");
    }
}

/// <summary>How an <see cref="AckPeer"/> answers each ACTION_CMD.</summary>
internal enum PeerAnswer { None, Success, ActionLate, Garbage }

/// <summary>A tiny UDP device: records each ACTION_CMD it receives and answers it as told, from its own socket.</summary>
internal sealed class AckPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Thread _thread;
    private readonly PeerAnswer _answer;
    private readonly List<(ActionCommand, ushort, byte)> _received = new();
    private volatile bool _stopping;

    /// <summary>Binds to 127.0.0.1:ephemeral, or with <paramref name="bindAny"/> to 0.0.0.0:ephemeral (receives broadcasts).</summary>
    public AckPeer(PeerAnswer answer, bool bindAny = false)
    {
        _answer = answer;
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(new IPEndPoint(bindAny ? IPAddress.Any : IPAddress.Loopback, 0));
        _socket.ReceiveTimeout = 100;
        var bound = (IPEndPoint)_socket.LocalEndPoint!;
        EndPoint = new IPEndPoint(IPAddress.Loopback, bound.Port);
        _thread = new Thread(Run) { IsBackground = true, Name = "AckPeer" };
        _thread.Start();
    }

    /// <summary>Where to send to reach it on loopback (and where its answers come from).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The commands received: command, req_id, flags.</summary>
    public IReadOnlyList<(ActionCommand Command, ushort RequestId, byte Flags)> Received
    {
        get
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            lock (_received)
                while (_received.Count == 0 && DateTime.UtcNow < deadline)
                    Monitor.Wait(_received, 50);
            lock (_received)
                return _received.ToList();
        }
    }

    private void Run()
    {
        var buffer = new byte[1500];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (!_stopping)
        {
            int n;
            try
            {
                n = _socket.ReceiveFrom(buffer, ref from);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || _stopping)
            {
                continue;
            }
            catch (ObjectDisposedException) when (_stopping)
            {
                return;
            }
            if (!ActionCommand.TryRead(buffer.AsSpan(0, n), out var command, out var header))
                continue;
            lock (_received)
            {
                _received.Add((command, header.RequestId, header.Flags));
                Monitor.PulseAll(_received);
            }
            var ack = new byte[8];
            switch (_answer)
            {
                case PeerAnswer.Success or PeerAnswer.ActionLate:
                    ActionAcknowledge.WriteTo(ack, _answer == PeerAnswer.Success ? GvcpStatus.Success : GvcpStatus.ActionLate, header.RequestId);
                    _socket.SendTo(ack, from);
                    break;
                case PeerAnswer.Garbage:
                    new GvcpAckHeader(GvcpStatus.Success, 0x0083, 0, header.RequestId).WriteTo(ack); // WRITEREG_ACK
                    _socket.SendTo(ack, from);
                    _socket.SendTo(new byte[] { 1, 2, 3 }, from);
                    break;
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _socket.Dispose();
    }
}
