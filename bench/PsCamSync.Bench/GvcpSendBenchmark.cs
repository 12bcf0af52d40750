using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Timing;

namespace PsCamSync.Bench;

/// <summary>
/// What one <see cref="GvcpActionSender.Send(in ActionCommand, bool)"/> costs the trigger thread on loopback, next to a
/// bare non-blocking <c>Socket.SendTo</c> of a 20-byte datagram measured in the same run (alternating batches), and the
/// bytes it allocates; then the ACTION_ACK round trip through the receive thread and queue, next to a plain UDP
/// ping-pong (blocking receive) on the same host. Arguments: [sends per kind, default 100000] [round trips, default 2000].
/// </summary>
internal static class GvcpSendBenchmark
{
    public static int Run(string[] args)
    {
        int sends = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        int trips = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2_000;
        const int batch = 1_000;

        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sink.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // never read: both senders meet the same full receive buffer
        var sinkEndPoint = (IPEndPoint)sink.LocalEndPoint!;
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        raw.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", UnicastDestination = sinkEndPoint });
        var perCamera = GvcpActionSender.ToSocketAddress(sinkEndPoint);
        var sinkAddress = sinkEndPoint.Serialize();
        var immediate = new ActionCommand(0x12345678, 0x9ABCDEF0, 0x5);
        var scheduled = immediate with { ActionTimeNs = 0x0123456789ABCDEF };
        var payload = new byte[20];

        var rawNs = new List<long>(sends);
        var immediateNs = new List<long>(sends);
        var scheduledNs = new List<long>(sends);
        long allocated = 0;
        // Warm-up rounds (negative, not kept) spread over ~1.5 s, so tiered compilation has promoted every method of the
        // path before the measured rounds (with a 1-batch warm-up a tier-up allocated 56 bytes on the sending thread once
        // per process; 0 with DOTNET_TieredCompilation=0).
        const int warmUpRounds = 30;
        for (int round = -warmUpRounds; round < sends / batch; round++)
        {
            if (round < 0)
                Thread.Sleep(50);
            for (int i = 0; i < batch; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                raw.SendTo(payload, SocketFlags.None, sinkAddress);
                long t1 = Stopwatch.GetTimestamp();
                if (round >= 0) rawNs.Add(Ns(t1 - t0));
            }
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < batch; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                sender.Send(immediate, acknowledge: false);
                long t1 = Stopwatch.GetTimestamp();
                sender.Send(scheduled, acknowledge: false, perCamera);
                long t2 = Stopwatch.GetTimestamp();
                if (round >= 0)
                {
                    immediateNs.Add(Ns(t1 - t0));
                    scheduledNs.Add(Ns(t2 - t1));
                }
            }
            if (round >= 0)
                allocated += GC.GetAllocatedBytesForCurrentThread() - a0;
        }

        var (ackP50, ackP99) = AckRoundTrip(trips);
        var (pingP50, pingP99) = PingPong(trips);

        double rawMean = rawNs.Average();
        Console.WriteLine($"send on loopback, {rawNs.Count} calls per kind in alternating batches of {batch}; per-call time, ns");
        Console.WriteLine($"  {"kind",-38} {"p50",8} {"p99",8} {"mean",8} {"mean / raw",11}");
        Row("raw Socket.SendTo, 20 bytes (reference)", rawNs, rawMean);
        Row("Send, immediate, configured destination", immediateNs, rawMean);
        Row("Send, scheduled, per-camera address", scheduledNs, rawMean);
        Console.WriteLine($"  allocated by {immediateNs.Count + scheduledNs.Count} Send calls: {allocated} bytes (target 0)");
        Console.WriteLine($"ACTION_ACK round trip on loopback, {trips} trips, µs: Send + receive thread + TryTakeAck p50 {ackP50 / 1e3:0.0}, p99 {ackP99 / 1e3:0.0}; " +
                          $"plain UDP ping-pong (reference) p50 {pingP50 / 1e3:0.0}, p99 {pingP99 / 1e3:0.0}; ratio p50 {(double)ackP50 / pingP50:0.00}, p99 {(double)ackP99 / pingP99:0.00}");
        return allocated == 0 && immediateNs.Count > 0 ? 0 : 1;
    }

    private static void Row(string kind, List<long> values, double rawMean)
    {
        values.Sort();
        double mean = values.Average();
        Console.WriteLine($"  {kind,-38} {Percentiles.NearestRank(values, 50),8} {Percentiles.NearestRank(values, 99),8} {mean,8:0} {mean / rawMean,11:0.00}");
    }

    private static long Ns(long ticks) => ticks * 1_000_000_000 / Stopwatch.Frequency;

    /// <summary>p50 and p99 ns from just before Send to the ack's receive time, against a peer that answers.</summary>
    private static (long P50, long P99) AckRoundTrip(int trips)
    {
        using var device = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        device.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        device.ReceiveTimeout = 2_000;
        using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", UnicastDestination = (IPEndPoint)device.LocalEndPoint! });
        var echo = new Thread(() =>
        {
            var buffer = new byte[64];
            var ack = new byte[8];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            for (int i = 0; i < trips + 100; i++)
            {
                int n = device.ReceiveFrom(buffer, ref from);
                ActionCommand.TryRead(buffer.AsSpan(0, n), out _, out var header);
                ActionAcknowledge.WriteTo(ack, GvcpStatus.Success, header.RequestId);
                device.SendTo(ack, from);
            }
        }) { IsBackground = true };
        echo.Start();
        var command = new ActionCommand(1, 1, 1);
        var rtt = new List<long>(trips);
        for (int i = 0; i < trips + 100; i++)
        {
            long sent = SharedTimeline.NowNs();
            ushort id = sender.Send(command, acknowledge: true);
            ActionAckRecord ack;
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 2;
            while (!sender.TryTakeAck(out ack))
            {
                if (Stopwatch.GetTimestamp() > deadline)
                    throw new TimeoutException($"no ACTION_ACK for req_id {id} within 2 s");
                Thread.Yield(); // two cores: let the receive thread and the echoing peer run
            }
            if (i >= 100)
                rtt.Add(ack.ReceivedNs - sent);
        }
        echo.Join();
        rtt.Sort();
        return (Percentiles.NearestRank(rtt, 50), Percentiles.NearestRank(rtt, 99));
    }

    /// <summary>p50 and p99 ns of a plain UDP request/answer on loopback with a blocking receive (the reference).</summary>
    private static (long P50, long P99) PingPong(int trips)
    {
        using var device = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        device.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        device.ReceiveTimeout = 2_000;
        using var host = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        host.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        host.ReceiveTimeout = 2_000;
        var echo = new Thread(() =>
        {
            var buffer = new byte[64];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            for (int i = 0; i < trips + 100; i++)
            {
                int n = device.ReceiveFrom(buffer, ref from);
                device.SendTo(buffer.AsSpan(0, 8), SocketFlags.None, from);
            }
        }) { IsBackground = true };
        echo.Start();
        var request = new byte[20];
        var answer = new byte[64];
        var target = device.LocalEndPoint!;
        var rtt = new List<long>(trips);
        for (int i = 0; i < trips + 100; i++)
        {
            long t0 = SharedTimeline.NowNs();
            host.SendTo(request, target);
            host.Receive(answer);
            long t1 = SharedTimeline.NowNs();
            if (i >= 100)
                rtt.Add(t1 - t0);
        }
        echo.Join();
        rtt.Sort();
        return (Percentiles.NearestRank(rtt, 50), Percentiles.NearestRank(rtt, 99));
    }
}
