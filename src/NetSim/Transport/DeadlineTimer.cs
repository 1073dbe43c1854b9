using NetSim.Engine;

namespace NetSim.Transport;

/// <summary>
/// A timer restarted far more often than it expires, as TCP's retransmission timer is on
/// most ACKs (RFC 6298, 5.3): a restart moves its deadline, and touches the event queue
/// only when the deadline comes before the pending event or none is pending. An event that
/// comes before the deadline waits on until it. (Cancelling and rescheduling on every ACK
/// filled the queue with cancelled events, one per ACK, for an RTO.)
/// </summary>
internal sealed class DeadlineTimer(Simulation sim, IEventTarget target, int kind)
{
    private EventHandle pending;
    private SimTime scheduledAt; // when the pending event runs
    private SimTime? deadline; // when the timer really expires; null when stopped

    /// <summary>Whether the timer is running.</summary>
    public bool IsRunning => deadline is not null;

    /// <summary>Starts the timer, or moves it, to expire <paramref name="timeout"/> from now.</summary>
    public void Restart(SimDuration timeout)
    {
        SimTime at = sim.Now + timeout;
        deadline = at;
        if (!sim.IsPending(pending) || at < scheduledAt)
        {
            sim.Cancel(pending);
            pending = sim.ScheduleAt(at, target, kind);
            scheduledAt = at;
        }
    }

    /// <summary>Stops the timer.</summary>
    public void Stop()
    {
        deadline = null;
        sim.Cancel(pending);
    }

    /// <summary>The timer's event ran: true when the timer has expired (it is then stopped), false when it was stopped or moved later (it waits on).</summary>
    public bool OnEvent()
    {
        if (deadline is not SimTime at)
        {
            return false;
        }

        if (sim.Now < at)
        {
            pending = sim.ScheduleAt(at, target, kind); // moved later since: wait on
            scheduledAt = at;
            return false;
        }

        deadline = null;
        return true;
    }
}
