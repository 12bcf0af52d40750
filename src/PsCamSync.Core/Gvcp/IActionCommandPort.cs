namespace PsCamSync.Core.Gvcp;

/// <summary>
/// Where a take's GigE Vision action commands (ACTION_CMD) go and where their acknowledgements (ACTION_ACK) come back:
/// <see cref="GvcpActionSender"/> puts them on the wire itself; a vendor SDK that sends action commands through its own
/// transport layer (Spinnaker's <c>spinSystemSendActionCommand</c>) offers a port of its own through
/// <see cref="Cameras.ICamera.OpenActionPort"/>. The trigger thread calls <see cref="Send"/>; another thread drains
/// <see cref="TryTakeAck"/>.
/// </summary>
public interface IActionCommandPort : IDisposable
{
    /// <summary>Where the commands go, for take.json: an IPv4 endpoint such as <c>192.168.1.255:3956</c>, or the SDK call.</summary>
    string Destination { get; }

    /// <summary>
    /// Sends <paramref name="command"/> (immediate, or scheduled when it has an action time) and returns its GVCP request id,
    /// which the acknowledgements carry as their ack id. Must not block on the device or on its acknowledgements: it is
    /// called from the trigger thread.
    /// </summary>
    /// <param name="command">Keys, mask and optional action time (ns on the cameras' timescale).</param>
    /// <param name="acknowledge">Whether the devices are asked to acknowledge.</param>
    /// <exception cref="System.Net.Sockets.SocketException">The command could not be sent (GVCP).</exception>
    /// <exception cref="CameraException">The SDK refused the command (vendor ports).</exception>
    ushort Send(in ActionCommand command, bool acknowledge);

    /// <summary>
    /// The request id the next <see cref="Send"/> will use (1-65535, wrapping past 0). The caller records what the id stands
    /// for before sending, because an acknowledgement may be taken before <see cref="Send"/> returns. Read from the thread
    /// that calls <see cref="Send"/>.
    /// </summary>
    ushort NextRequestId { get; }

    /// <summary>Takes one acknowledgement that has arrived; false when none is waiting. Never blocks.</summary>
    /// <param name="ack">The ack id (the request id of its command), status and the answering device's IPv4 address and
    /// GVCP port.</param>
    bool TryTakeAck(out ActionAckRecord ack);
}
