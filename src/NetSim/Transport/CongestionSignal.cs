using NetSim.Engine;

namespace NetSim.Transport;

/// <summary>
/// What a TCP sender tells its <see cref="ICongestionControl"/> at each event (an ACK, a
/// loss, a timeout): the time, the round-trip times, bytes acknowledged and declared lost by
/// this event, bytes in flight after it, the peer's window and the segment size. Delay-based
/// and rate-based algorithms (CUBIC's time since the last reduction, BBR's bandwidth and
/// minimum RTT) are written from these.
/// </summary>
public readonly record struct CongestionSignal
{
    /// <summary>The simulated time of the event.</summary>
    public SimTime Now { get; init; }

    /// <summary>The round trip measured by this ACK (RFC 6298: one timed segment per round trip, none after a retransmission); null when it measured none.</summary>
    public SimDuration? RoundTripTimeSample { get; init; }

    /// <summary>The smoothed round-trip time (RFC 6298 SRTT), zero before the first sample.</summary>
    public SimDuration SmoothedRoundTripTime { get; init; }

    /// <summary>The smallest round-trip sample of the connection so far, zero before the first.</summary>
    public SimDuration MinimumRoundTripTime { get; init; }

    /// <summary>Sequence space newly acknowledged by this ACK, in bytes (the SYN and FIN count one each); zero for duplicate ACKs and timeouts.</summary>
    public int BytesAcknowledged { get; init; }

    /// <summary>Bytes this event declared lost and sent again: the first unacknowledged segment at a fast retransmit or partial ACK, everything in flight at a timeout; zero otherwise.</summary>
    public int BytesLost { get; init; }

    /// <summary>Bytes sent and not acknowledged (SND.MAX - SND.UNA), after this ACK.</summary>
    public int BytesInFlight { get; init; }

    /// <summary>The window the peer advertises, in bytes.</summary>
    public int SendWindow { get; init; }

    /// <summary>The segment size the sender uses.</summary>
    public int MaximumSegmentSize { get; init; }

    /// <summary>
    /// Whether the congestion window, rather than the peer's window or the application, held
    /// the sender back when this ACK arrived (RFC 7661's "cwnd-limited"): growing a window the
    /// sender does not fill would only allow a burst later.
    /// </summary>
    public bool IsCongestionWindowLimited { get; init; }

    /// <summary>
    /// The initial window the connection's settings ask for, in bytes
    /// (<see cref="TcpSettings.InitialWindowSegments"/> segments of
    /// <see cref="MaximumSegmentSize"/>, RFC 6928); zero when not given.
    /// </summary>
    public int InitialWindow { get; init; }
}
