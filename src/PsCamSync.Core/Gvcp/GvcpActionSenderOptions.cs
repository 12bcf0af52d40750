using System.Net;

namespace PsCamSync.Core.Gvcp;

/// <summary>
/// Where a <see cref="GvcpActionSender"/> sends from and to. Give exactly one of <see cref="InterfaceName"/> and
/// <see cref="LocalAddress"/>; the destination is the subnet broadcast of that interface on
/// <see cref="DestinationPort"/> unless <see cref="UnicastDestination"/> names one device.
/// </summary>
public sealed record GvcpActionSenderOptions
{
    /// <summary>Network interface to send from (e.g. <c>eth0</c>, <c>lo</c>): the sender binds to its first IPv4 address
    /// and broadcasts to that address's subnet broadcast (127.255.255.255 on <c>lo</c>).</summary>
    public string? InterfaceName { get; init; }

    /// <summary>Local IPv4 address to send from instead of an interface name; it must belong to an interface, whose
    /// subnet broadcast becomes the default destination.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>Local UDP port, 0-65535; 0 (default) lets the kernel choose. Devices answer ACTION_ACKs to this port.</summary>
    public int LocalPort { get; init; }

    /// <summary>UDP port of the subnet-broadcast destination, 1-65535 (default <see cref="GvcpProtocol.Port"/>, 3956).</summary>
    public int DestinationPort { get; init; } = GvcpProtocol.Port;

    /// <summary>One device to send to instead of the subnet broadcast (IPv4), or null (default) for the broadcast.</summary>
    public IPEndPoint? UnicastDestination { get; init; }

    /// <summary>ACTION_ACKs held for <see cref="GvcpActionSender.TryTakeAck"/>, 1-2^30 (rounded up to a power of two;
    /// default 1024). Acks that find it full are counted in <see cref="GvcpActionSender.AcksDropped"/>.</summary>
    public int AckQueueCapacity { get; init; } = 1024;
}
