using NetSim.Engine;

namespace NetSim.Transport;

/// <summary>What the keep-alive timer asks of its connection when it runs.</summary>
internal enum KeepAliveAction
{
    /// <summary>Nothing: the connection is not idle yet, or the timer was stopped; it waits on.</summary>
    None,

    /// <summary>Send a probe, then call <see cref="TcpKeepAlive.ProbeSent"/>.</summary>
    Probe,

    /// <summary>Every probe went unanswered: give the connection up.</summary>
    GiveUp,
}

/// <summary>
/// TCP keep-alive (RFC 9293 3.8.4, RFC 1122 4.2.3.6): when on, an idle connection is probed
/// after <see cref="TcpSettings.KeepAliveTime"/>, then every
/// <see cref="TcpSettings.KeepAliveInterval"/>; after <see cref="TcpSettings.KeepAliveProbes"/>
/// unanswered probes it is given up. One background event per connection, not moved by
/// every segment: when it runs it checks how long the peer has really been silent and waits
/// on for the rest. A background event cannot be cancelled, so each carries a generation,
/// and a newer generation makes an older event a no-op.
/// </summary>
internal sealed class TcpKeepAlive(Simulation sim, TcpSettings settings, IEventTarget target, int kind)
{
    private SimTime lastReceivedAt; // when the peer last sent anything
    private int probesSent; // unanswered probes
    private long generation;
    private long segmentsAtProbe; // segments received when the last probe went out: more since means it was answered

    /// <summary>A segment arrived from the peer: the connection is not idle.</summary>
    public void OnSegmentReceived() => lastReceivedAt = sim.Now;

    /// <summary>The connection is established: the timer starts, if keep-alive is on.</summary>
    public void Start()
    {
        if (settings.KeepAlive)
        {
            Schedule(sim.Now + settings.KeepAliveTime);
        }
    }

    /// <summary>The connection closed: any pending event becomes a no-op.</summary>
    public void Stop() => generation++;

    /// <summary>
    /// The event of generation <paramref name="eventGeneration"/> ran, with
    /// <paramref name="segmentsReceived"/> received so far and <paramref name="dataOutstanding"/>
    /// saying whether data waits to be acknowledged (the retransmission timer watches that).
    /// </summary>
    public KeepAliveAction OnEvent(long eventGeneration, long segmentsReceived, bool dataOutstanding)
    {
        if (eventGeneration != generation)
        {
            return KeepAliveAction.None;
        }

        if (probesSent > 0 && segmentsReceived > segmentsAtProbe)
        {
            probesSent = 0; // answered
        }

        SimTime idleUntil = lastReceivedAt + (probesSent == 0 ? settings.KeepAliveTime : settings.KeepAliveInterval);
        if (sim.Now < idleUntil || dataOutstanding)
        {
            Schedule(sim.Now < idleUntil ? idleUntil : sim.Now + settings.KeepAliveInterval);
            return KeepAliveAction.None;
        }

        if (probesSent >= settings.KeepAliveProbes)
        {
            return KeepAliveAction.GiveUp;
        }

        probesSent++;
        segmentsAtProbe = segmentsReceived;
        return KeepAliveAction.Probe;
    }

    /// <summary>The probe asked for went out: the next check is an interval away.</summary>
    public void ProbeSent() => Schedule(sim.Now + settings.KeepAliveInterval);

    // A background event: an idle connection kept alive does not keep Simulation.Run going.
    private void Schedule(SimTime at) => sim.ScheduleBackground(at, target, kind, ++generation);
}
