namespace PsCamSync.Core.Gvcp;

/// <summary>
/// GVCP traffic cannot be set up or sent: the interface named for it does not exist or has no IPv4 address, the local
/// address is on no interface, or the UDP socket cannot be bound. The message lists the interfaces that do exist.
/// </summary>
public sealed class GvcpException : PsCamSyncException
{
    /// <summary>Creates the error for <paramref name="interfaceName"/>.</summary>
    /// <param name="interfaceName">The network interface asked for (e.g. <c>eth0</c>), or the local IPv4 address in text
    /// when the sender was given an address instead.</param>
    /// <param name="message">What is wrong and what to do instead.</param>
    /// <param name="inner">The socket error behind it, if any.</param>
    public GvcpException(string interfaceName, string message, Exception? inner = null) : base(message, inner) =>
        InterfaceName = interfaceName;

    /// <summary>The network interface asked for, or the local IPv4 address in text.</summary>
    public string InterfaceName { get; }
}
