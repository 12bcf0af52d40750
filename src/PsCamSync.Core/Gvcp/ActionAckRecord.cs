using System.Net;
using System.Net.Sockets;

namespace PsCamSync.Core.Gvcp;

/// <summary>
/// One ACTION_ACK as <see cref="GvcpActionSender"/>'s receive thread saw it: which command it answers, its status, who
/// sent it and when it arrived. A plain struct, so queueing it allocates nothing.
/// </summary>
/// <param name="AckId">ack_id: the req_id of the ACTION_CMD it answers (1-65535).</param>
/// <param name="Status">The device's status: <see cref="GvcpStatus.Success"/>, <see cref="GvcpStatus.ActionLate"/>, ...</param>
/// <param name="SourceAddress">IPv4 address of the sender, most significant byte first (10.0.0.2 is 0x0A000002).</param>
/// <param name="SourcePort">UDP port of the sender (a device answers from its GVCP port; a simulated camera from the
/// socket that is its <c>ICamera.GvcpEndPoint</c>).</param>
/// <param name="ReceivedNs">Shared timeline (<see cref="Timing.SharedTimeline.NowNs"/>, CLOCK_REALTIME) when the receive
/// call returned, ns.</param>
public readonly record struct ActionAckRecord(ushort AckId, GvcpStatus Status, uint SourceAddress, ushort SourcePort, long ReceivedNs)
{
    /// <summary>
    /// The source as one number, <c>(address &lt;&lt; 16) | port</c>: equal to <see cref="KeyOf"/> of the same endpoint,
    /// so a consumer can look cameras up without allocating.
    /// </summary>
    public ulong SourceKey => ((ulong)SourceAddress << 16) | SourcePort;

    /// <summary>The source as an <see cref="IPEndPoint"/> (allocates: for setup, logs and tests, not the hot path).</summary>
    public IPEndPoint Source => new(new IPAddress(new[]
    {
        (byte)(SourceAddress >> 24), (byte)(SourceAddress >> 16), (byte)(SourceAddress >> 8), (byte)SourceAddress,
    }), SourcePort);

    /// <summary>The key <see cref="SourceKey"/> has for acks sent from <paramref name="endPoint"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="endPoint"/> is not IPv4.</exception>
    public static ulong KeyOf(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (endPoint.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"GVCP runs over IPv4; {endPoint} is {endPoint.AddressFamily}.", nameof(endPoint));
        Span<byte> bytes = stackalloc byte[4];
        endPoint.Address.TryWriteBytes(bytes, out _);
        uint address = (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
        return ((ulong)address << 16) | (ushort)endPoint.Port;
    }
}

/// <summary>
/// What <see cref="GvcpActionSender.SendAndWait(in ActionCommand, int, TimeSpan)"/> got back: the acks that answered its
/// req_id before the timeout, in arrival order.
/// </summary>
/// <param name="RequestId">The req_id the command was sent with.</param>
/// <param name="SentNs">Shared timeline right after the datagram was handed to the kernel, ns.</param>
/// <param name="ExpectedAcks">Acks the caller expected (0: collect until the timeout).</param>
/// <param name="Acks">The acks with ack_id = <paramref name="RequestId"/> that arrived in time.</param>
public sealed record ActionAckWaitResult(ushort RequestId, long SentNs, int ExpectedAcks, IReadOnlyList<ActionAckRecord> Acks)
{
    /// <summary>True when fewer than <see cref="ExpectedAcks"/> acks came before the timeout.</summary>
    public bool TimedOut => Acks.Count < ExpectedAcks;
}
