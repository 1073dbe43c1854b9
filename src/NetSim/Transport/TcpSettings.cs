using NetSim.Engine;

namespace NetSim.Transport;

/// <summary>How a TCP connection behaves: buffers, timers and congestion control. The defaults follow the RFCs and, where they leave a choice, a current Linux.</summary>
public sealed class TcpSettings
{
    /// <summary>The defaults.</summary>
    public static TcpSettings Default { get; } = new();

    /// <summary>The largest send or receive buffer, 1 GiB: RFC 7323's largest window (2.3: 65,535 shifted by 14 is just below 2^30).</summary>
    public const int MaxBufferSize = 1 << 30;

    /// <summary>
    /// Bytes the sender keeps (written and not yet acknowledged), at most
    /// <see cref="MaxBufferSize"/>. Default 4 MiB: the most Linux's send buffer autotuning
    /// reaches (tcp_wmem's maximum, 4,194,304), which NetSim does not model: the buffer is
    /// fixed at that size. Its memory grows by doubling as it fills, so a connection that
    /// sends little holds little.
    /// </summary>
    public int SendBufferSize { get; init; } = 4 << 20;

    /// <summary>
    /// Bytes the receiver holds for the application, and so the largest window it offers
    /// (at most 65,535 when <see cref="WindowScaling"/> is not negotiated), at most
    /// <see cref="MaxBufferSize"/>. Default 6 MiB: the most Linux's receive buffer autotuning
    /// reaches (tcp_rmem's maximum, 6,291,456), which NetSim does not model: the buffer is
    /// fixed at that size, enough for 100 Mb/s over a 500 ms round trip. (Linux offers part
    /// of its buffer as window, keeping some for overhead; NetSim offers all of it.) Its memory
    /// grows by doubling as data waits in it, so a connection whose reader keeps up holds little.
    /// </summary>
    public int ReceiveBufferSize { get; init; } = 6 << 20;

    /// <summary>
    /// Whether the window scale option is offered (RFC 7323, 2): on by default, as Linux's
    /// tcp_window_scaling. Used only when both SYNs carry it; the shift is the smallest that
    /// makes <see cref="ReceiveBufferSize"/> fit in the 16-bit window, at most 14 (as Linux
    /// computes it from its largest receive buffer: 7 for the default 6 MiB).
    /// </summary>
    public bool WindowScaling { get; init; } = true;

    /// <summary>
    /// Whether the timestamps option is offered (RFC 7323, 3-5): on by default, as Linux's
    /// tcp_timestamps. Used only when both SYNs carry it; then every segment but a reset
    /// carries it, each ACK of new data gives an RTT sample (4.1), and PAWS (5) drops old
    /// duplicates. The clock ticks every millisecond of simulated time (as Linux's) from 0
    /// at the start of the simulation, with no per-connection offset.
    /// </summary>
    public bool Timestamps { get; init; } = true;

    /// <summary>
    /// Whether selective acknowledgments are offered (RFC 2018): on by default, as Linux's
    /// tcp_sack. Used only when both SYNs carry SACK-permitted; then the receiver names the
    /// out-of-order data it holds in SACK blocks on its ACKs, and the sender recovers from
    /// losses with a scoreboard of them (RFC 6675), every hole in one round trip, its sending
    /// paced by Proportional Rate Reduction (RFC 6937). Without it, NewReno (RFC 6582) repairs
    /// one hole per round trip.
    /// </summary>
    public bool SelectiveAcknowledgments { get; init; } = true;

    /// <summary>The MSS to announce; 0 (the default) takes the interface MTU less 40 bytes.</summary>
    public int MaximumSegmentSize { get; init; }

    /// <summary>The retransmission timeout before any RTT is measured (RFC 6298, 2.1: 1 s).</summary>
    public SimDuration InitialRetransmissionTimeout { get; init; } = SimDuration.FromSeconds(1);

    /// <summary>The smallest retransmission timeout (RFC 6298, 2.4: 1 s; Linux uses 200 ms).</summary>
    public SimDuration MinimumRetransmissionTimeout { get; init; } = SimDuration.FromSeconds(1);

    /// <summary>The largest retransmission timeout (RFC 6298, 2.5: at least 60 s; default 120 s, Linux's TCP_RTO_MAX).</summary>
    public SimDuration MaximumRetransmissionTimeout { get; init; } = SimDuration.FromSeconds(120);

    /// <summary>Retransmissions of one segment before the connection is given up (default 15, as Linux's tcp_retries2).</summary>
    public int MaxRetransmissions { get; init; } = 15;

    /// <summary>
    /// SYN retransmissions before a connect fails with a timeout (default 6, Linux's
    /// tcp_syn_retries: SYNs at 0, 1, 3, 7, 15, 31 and 63 s, given up at 127 s).
    /// </summary>
    public int SynRetries { get; init; } = 6;

    /// <summary>SYN-ACK retransmissions before a half-open passive connection is dropped (default 5, Linux's tcp_synack_retries).</summary>
    public int SynAckRetries { get; init; } = 5;

    /// <summary>
    /// Whether idle connections are probed (RFC 9293 3.8.4, RFC 1122 4.2.3.6): off by default,
    /// as the RFCs ask; an application turns it on as with SO_KEEPALIVE.
    /// </summary>
    public bool KeepAlive { get; init; }

    /// <summary>Idle time before the first keep-alive probe (default 2 hours: RFC 1122's lower bound and Linux's tcp_keepalive_time).</summary>
    public SimDuration KeepAliveTime { get; init; } = SimDuration.FromSeconds(7200);

    /// <summary>Time between unanswered keep-alive probes (default 75 s, Linux's tcp_keepalive_intvl).</summary>
    public SimDuration KeepAliveInterval { get; init; } = SimDuration.FromSeconds(75);

    /// <summary>Unanswered keep-alive probes before the connection is given up (default 9, Linux's tcp_keepalive_probes).</summary>
    public int KeepAliveProbes { get; init; } = 9;

    /// <summary>Maximum segment lifetime; TIME-WAIT lasts two of them. Default 30 s (Linux's TIME-WAIT is 60 s; RFC 9293 suggests an MSL of 2 minutes).</summary>
    public SimDuration MaximumSegmentLifetime { get; init; } = SimDuration.FromSeconds(30);

    /// <summary>
    /// Whether received data is acknowledged with a delay (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2,
    /// RFC 5681 4.2): on by default, as in Linux. An ACK then goes at once when more than one
    /// full-sized segment is unacknowledged (so at least every second one), for data out of
    /// order, for data that fills all or part of a hole, for data not taken (the window is
    /// full), for a FIN, and when a read opens a window that had shrunk to half the buffer or
    /// less to at least twice its size (as Linux's tcp_cleanup_rbuf); otherwise
    /// <see cref="DelayedAckTimeout"/> later, unless a segment sent before then carries it (data
    /// or a window update). No quick-ACK mode at the start of a connection or after a loss (Linux
    /// acknowledges its first segments at once). Off: every segment is acknowledged at once.
    /// </summary>
    public bool DelayedAcknowledgments { get; init; } = true;

    /// <summary>
    /// How long an ACK may be delayed (<see cref="DelayedAcknowledgments"/>): default 40 ms,
    /// Linux's TCP_ATO_MIN, the delay a Linux receiver starts with (it adapts it between 40 ms
    /// and TCP_DELACK_MAX, 200 ms; here it is fixed). At most 500 ms (RFC 1122 4.2.3.2).
    /// </summary>
    public SimDuration DelayedAckTimeout { get; init; } = SimDuration.FromMilliseconds(40);

    /// <summary>
    /// The congestion window at the start of a connection, in segments (RFC 6928; default 10,
    /// Linux's TCP_INIT_CWND since 2.6.39): the first flight is this many segments of the MSS,
    /// within the peer's window. As in Linux, RFC 6928's ceiling of 14,600 bytes is not applied
    /// (it matters only for an MSS above 1,460). Set 3 for RFC 5681's initial window (3.1,
    /// equation 1) at an MSS of 1,096 to 2,190 bytes, Ethernet's 1,460 among them. After a SYN
    /// or SYN-ACK was lost the window starts at one segment whatever this says (RFC 6928 2,
    /// RFC 5681 3.1).
    /// </summary>
    public int InitialWindowSegments { get; init; } = 10;

    /// <summary>
    /// Explicit Congestion Notification (RFC 3168): default <see cref="TcpEcnMode.Passive"/>, as
    /// Linux's tcp_ecn = 2: ECN is used when the peer's SYN asks for it, but this end's SYN
    /// does not ask. <see cref="TcpEcnMode.On"/> asks (Linux's tcp_ecn = 1, macOS's default for
    /// outgoing connections in recent releases). Once both ends agree, new data goes as ECT(0),
    /// a router's CE mark comes back as ECE on the ACKs, and the sender reduces its window as
    /// for a loss, once a window of data, without retransmitting. As Linux, a SYN sent again
    /// after a timeout no longer asks. The window is cut at once (RFC 3168 6.1.2), not by
    /// Proportional Rate Reduction over the next round trip as Linux's CWR state does.
    /// </summary>
    public TcpEcnMode Ecn { get; init; } = TcpEcnMode.Passive;

    /// <summary>Makes the congestion control of each new connection (default: CUBIC, RFC 9438, as Linux since 2.6.19, Windows and macOS; <c>() =&gt; new NewRenoCongestionControl()</c> for NewReno, RFC 5681 and RFC 6582).</summary>
    public Func<ICongestionControl> CongestionControl { get; init; } = () => new CubicCongestionControl();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SendBufferSize, 1, nameof(SendBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveBufferSize, 1, nameof(ReceiveBufferSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SendBufferSize, MaxBufferSize, nameof(SendBufferSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReceiveBufferSize, MaxBufferSize, nameof(ReceiveBufferSize));
        ArgumentOutOfRangeException.ThrowIfNegative(MaximumSegmentSize, nameof(MaximumSegmentSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaximumSegmentSize, ushort.MaxValue - 40, nameof(MaximumSegmentSize)); // a segment and its headers fit in an IPv4 packet
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinimumRetransmissionTimeout, SimDuration.Zero, nameof(MinimumRetransmissionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialRetransmissionTimeout, MinimumRetransmissionTimeout, nameof(InitialRetransmissionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumRetransmissionTimeout, InitialRetransmissionTimeout, nameof(MaximumRetransmissionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetransmissions, 1, nameof(MaxRetransmissions));
        ArgumentOutOfRangeException.ThrowIfNegative(SynRetries, nameof(SynRetries));
        ArgumentOutOfRangeException.ThrowIfNegative(SynAckRetries, nameof(SynAckRetries));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveTime, SimDuration.Zero, nameof(KeepAliveTime));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveInterval, SimDuration.Zero, nameof(KeepAliveInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAliveProbes, 1, nameof(KeepAliveProbes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaximumSegmentLifetime, SimDuration.Zero, nameof(MaximumSegmentLifetime));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DelayedAckTimeout, SimDuration.Zero, nameof(DelayedAckTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DelayedAckTimeout, SimDuration.FromMilliseconds(500), nameof(DelayedAckTimeout)); // RFC 1122, 4.2.3.2
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialWindowSegments, 1, nameof(InitialWindowSegments));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(InitialWindowSegments, 1000, nameof(InitialWindowSegments)); // a bound, so that the window in bytes cannot overflow
        if (!Enum.IsDefined(Ecn))
        {
            throw new ArgumentOutOfRangeException(nameof(Ecn), Ecn, "Not an ECN mode.");
        }
    }
}
