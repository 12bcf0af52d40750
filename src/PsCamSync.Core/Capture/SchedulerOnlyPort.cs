using PsCamSync.Core.Gvcp;

namespace PsCamSync.Core.Capture;

/// <summary>
/// The action port of a CameraScheduler take whose cameras cannot all be reached by action commands (a USB3 camera with
/// an action scheduler, as The Imaging Source's have): nothing is sent, because the cameras fire on their own committed
/// grid. The warm-up action, which only evens out the first frame, is skipped with it; no ACK ever comes, and the
/// CameraScheduler mode does not count missing ACKs (<see cref="ActionTrigger.FaultOf"/>).
/// </summary>
internal sealed class SchedulerOnlyPort : IActionCommandPort
{
    private int _requestId;

    /// <inheritdoc/>
    public string Destination => "none: the cameras' action schedulers fire on their own";

    /// <inheritdoc/>
    public ushort Send(in ActionCommand command, bool acknowledge) => (ushort)Interlocked.Increment(ref _requestId);

    /// <inheritdoc/>
    public ushort NextRequestId => (ushort)(Volatile.Read(ref _requestId) + 1);

    /// <inheritdoc/>
    public bool TryTakeAck(out ActionAckRecord ack)
    {
        ack = default;
        return false;
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }
}
