using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// A TCP receiver's delayed acknowledgments (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2, RFC 5681
/// 4.2): in-order data that needs no ACK at once waits for one, at most
/// <see cref="TcpSettings.DelayedAckTimeout"/>; the ACK goes at once when more than one
/// full-sized segment (the largest seen so far) is unacknowledged, so at least every second
/// one is. Any segment that carries the ACK field (data, a window update) acknowledges
/// everything, and the wait ends (<see cref="OnAckSent"/>).
/// </summary>
/// <remarks>
/// The timer is one engine event, started by the first data that waits. An ACK sent before it
/// runs does not cancel it (as Linux leaves its delayed-ACK timer armed): it only stops the
/// wait, and the event, when it comes, finds nothing owed, or runs again at the deadline of
/// data that has waited since. So a bulk transfer, whose ACK goes every second segment, costs
/// one event per timeout, not a cancelled event per ACK in the queue.
/// </remarks>
internal sealed class TcpDelayedAck(Simulation sim, TcpSender sender, TcpReceiveBuffer receive, TcpSettings settings) : IEventTarget
{
    private EventHandle pending;
    private SimTime? deadline; // when the ACK owed must go; null when none is owed
    private uint acknowledged; // RCV.NXT as the last ACK sent carried it
    private int receiveMss; // the largest segment received: what "full-sized" means (as Linux's rcv_mss)

    /// <summary>Whether ACKs are delayed (<see cref="TcpSettings.DelayedAcknowledgments"/>).</summary>
    public bool IsEnabled => settings.DelayedAcknowledgments;

    /// <summary>Whether an ACK is owed and waits for the timer.</summary>
    public bool IsWaiting => deadline is not null;

    /// <summary>
    /// Data of <paramref name="length"/> bytes was taken in order (RCV.NXT is past it): an ACK
    /// now if <paramref name="immediate"/>, delayed ACKs are off or more than one full-sized
    /// segment is unacknowledged; otherwise the ACK waits.
    /// </summary>
    public void OnDataReceived(int length, bool immediate)
    {
        if (length > receiveMss)
        {
            receiveMss = length;
        }

        if (immediate || !IsEnabled || TcpSequence.Difference(receive.Next, acknowledged) > receiveMss)
        {
            sender.SendAck(); // RFC 5681, 4.2: at least every second full-sized segment
            return;
        }

        if (deadline is not null)
        {
            return; // the first data that waits sets the time
        }

        SimTime at = sim.Now + settings.DelayedAckTimeout;
        deadline = at;
        if (!sim.IsPending(pending))
        {
            pending = sim.ScheduleAt(at, this, 0);
        }

        // Otherwise the event of an earlier wait is pending, due before `at`: it waits on then.
    }

    /// <summary>A segment carrying the ACK field went out, acknowledging <paramref name="next"/> (RCV.NXT): nothing is owed.</summary>
    public void OnAckSent(uint next)
    {
        acknowledged = next;
        deadline = null;
    }

    /// <summary>The connection is in TIME-WAIT or closed: no ACK waits any more.</summary>
    public void Stop()
    {
        deadline = null;
        sim.Cancel(pending);
    }

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (deadline is not SimTime at)
        {
            return; // an ACK went before the timer: nothing is owed
        }

        if (sim.Now < at)
        {
            pending = sim.ScheduleAt(at, this, 0); // data waits since an earlier wait ended: its own time
            return;
        }

        deadline = null;
        sender.SendDelayedAck();
    }
}
