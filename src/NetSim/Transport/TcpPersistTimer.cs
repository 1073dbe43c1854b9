using NetSim.Engine;

namespace NetSim.Transport;

/// <summary>
/// The persist timer of a TCP sender facing a zero window (RFC 9293 3.8.6.1, RFC 1122
/// 4.2.2.17): it starts one retransmission timeout after the window closed with data
/// waiting, and after each zero-window probe runs again twice as late, up to 64 timeouts
/// and never later than the largest retransmission timeout, until the window opens.
/// </summary>
internal sealed class TcpPersistTimer(Simulation sim, IEventTarget target, int kind)
{
    private const int MaximumBackoff = 6; // 2^6: at most 64 retransmission timeouts apart

    private EventHandle pending;

    /// <summary>Probes sent since the window closed, up to the ceiling of 6: the next interval is the timeout times 2 to this power.</summary>
    public int Backoff { get; private set; }

    /// <summary>Whether the timer's event is pending.</summary>
    public bool IsPending => sim.IsPending(pending);

    /// <summary>Starts the timer, <paramref name="retransmissionTimeout"/> from now, unless it is already pending.</summary>
    public void Start(SimDuration retransmissionTimeout)
    {
        if (!sim.IsPending(pending))
        {
            pending = sim.Schedule(retransmissionTimeout, target, kind);
        }
    }

    /// <summary>A probe went out (the timer ran): backs off and runs again, at most <paramref name="ceiling"/> from now.</summary>
    public void ProbeSent(SimDuration retransmissionTimeout, SimDuration ceiling)
    {
        Backoff = Math.Min(Backoff + 1, MaximumBackoff);
        SimDuration interval = retransmissionTimeout * (1L << Backoff);
        pending = sim.Schedule(interval < ceiling ? interval : ceiling, target, kind);
    }

    /// <summary>The window opened: the timer stops and the backoff starts again from nothing.</summary>
    public void Reset()
    {
        sim.Cancel(pending);
        Backoff = 0;
    }

    /// <summary>The connection is closing: the timer stops.</summary>
    public void Stop() => sim.Cancel(pending);
}
