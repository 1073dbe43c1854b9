using System.Globalization;
using System.Text;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>What a TCP connection did (RFC 9293, RFC 6298, RFC 5681).</summary>
public enum TcpEventKind
{
    /// <summary>The connection moved from <see cref="TcpEvent.PreviousState"/> to <see cref="TcpEvent.State"/>.</summary>
    StateChanged,

    /// <summary>A segment left (not a retransmission): sequence, acknowledgment, flags, length, window.</summary>
    SegmentSent,

    /// <summary>A segment for this connection arrived.</summary>
    SegmentReceived,

    /// <summary>A segment was sent again; <see cref="TcpEvent.Cause"/> says why.</summary>
    Retransmitted,

    /// <summary>The retransmission timer fired (RFC 6298, 5.4-5.7): <see cref="TcpEvent.RetransmissionTimeout"/> is the backed-off timeout.</summary>
    RetransmissionTimeoutFired,

    /// <summary>The third duplicate ACK started fast retransmit and recovery (RFC 5681, 3.2; RFC 6582).</summary>
    FastRetransmit,

    /// <summary>The congestion window or slow-start threshold changed.</summary>
    WindowChanged,

    /// <summary>An ACK echoed a congestion mark (ECE, RFC 3168 6.1.2): the window was reduced as for a loss, with nothing sent again; CWR goes on the next new data.</summary>
    EcnWindowReduction,
}

/// <summary>Why a TCP segment was sent again.</summary>
public enum TcpRetransmitCause
{
    /// <summary>The retransmission timer fired (RFC 6298).</summary>
    Timeout,

    /// <summary>Three duplicate ACKs (RFC 5681, 3.2).</summary>
    FastRetransmit,

    /// <summary>A partial acknowledgment during NewReno recovery (RFC 6582, 3.2 step 3).</summary>
    PartialAcknowledgment,

    /// <summary>A zero-window probe (RFC 9293, 3.8.6.1); a keepalive carries no data and is not a retransmission.</summary>
    Probe,

    /// <summary>SACK-based loss recovery (RFC 6675): a hole the SACK scoreboard names after the fast retransmit (NextSeg).</summary>
    SackRecovery,
}

/// <summary>
/// A TCP trace event: what a connection (named by its four addresses and ports) did. Which
/// of the optional fields are set depends on <see cref="Kind"/>.
/// </summary>
/// <param name="Time">When it happened.</param>
/// <param name="Device">The node's name.</param>
/// <param name="Kind">What happened.</param>
/// <param name="LocalAddress">The connection's local address.</param>
/// <param name="LocalPort">Its local port.</param>
/// <param name="RemoteAddress">Its remote address.</param>
/// <param name="RemotePort">Its remote port.</param>
public readonly record struct TcpEvent(SimTime Time, string Device, TcpEventKind Kind, Ipv4Address LocalAddress, ushort LocalPort, Ipv4Address RemoteAddress, ushort RemotePort) : ITraceEvent
{
    /// <summary>For <see cref="TcpEventKind.StateChanged"/>: the state left.</summary>
    public TcpState PreviousState { get; init; }

    /// <summary>The connection's state (for <see cref="TcpEventKind.StateChanged"/>, the state entered).</summary>
    public TcpState State { get; init; }

    /// <summary>For segments: the sequence number (absolute, as on the wire).</summary>
    public uint Sequence { get; init; }

    /// <summary>For segments: the acknowledgment number (when ACK is set).</summary>
    public uint Acknowledgment { get; init; }

    /// <summary>For segments: the flags.</summary>
    public TcpFlags Flags { get; init; }

    /// <summary>For segments: the data length in bytes (SYN and FIN not counted).</summary>
    public int Length { get; init; }

    /// <summary>For segments: the window field (the sender's receive window).</summary>
    public int Window { get; init; }

    /// <summary>For <see cref="TcpEventKind.Retransmitted"/>: why.</summary>
    public TcpRetransmitCause? Cause { get; init; }

    /// <summary>The congestion window in bytes, after the change (window changes, timeouts, fast retransmit).</summary>
    public long CongestionWindow { get; init; }

    /// <summary>The slow-start threshold in bytes, after the change.</summary>
    public long SlowStartThreshold { get; init; }

    /// <summary>For <see cref="TcpEventKind.RetransmissionTimeoutFired"/>: the timeout now in force (doubled up to the maximum, RFC 6298 5.5).</summary>
    public SimDuration RetransmissionTimeout { get; init; }

    /// <summary>One line a learner reads: "1.3 ms pc1: TCP 10.0.0.1:49152 > 10.0.0.2:80 sent [SYN] seq 1000 len 0 win 65535".</summary>
    public override string ToString()
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{Time} {Device}: TCP {LocalAddress}:{LocalPort} > {RemoteAddress}:{RemotePort} ");
        switch (Kind)
        {
            case TcpEventKind.StateChanged:
                line.Append(CultureInfo.InvariantCulture, $"{PreviousState} -> {State}");
                break;
            case TcpEventKind.SegmentSent or TcpEventKind.SegmentReceived or TcpEventKind.Retransmitted:
                string verb = Kind switch { TcpEventKind.SegmentSent => "sent", TcpEventKind.SegmentReceived => "received", _ => "retransmitted" };
                line.Append(CultureInfo.InvariantCulture, $"{verb} [{Flags}] seq {Sequence}");
                if ((Flags & TcpFlags.Ack) != 0)
                {
                    line.Append(CultureInfo.InvariantCulture, $" ack {Acknowledgment}");
                }

                line.Append(CultureInfo.InvariantCulture, $" len {Length} win {Window}");
                if (Cause is { } cause)
                {
                    line.Append(CultureInfo.InvariantCulture, $" ({cause})");
                }

                break;
            case TcpEventKind.RetransmissionTimeoutFired:
                line.Append(CultureInfo.InvariantCulture, $"RTO fired, timeout now {RetransmissionTimeout}, cwnd {CongestionWindow} ssthresh {SlowStartThreshold}");
                break;
            case TcpEventKind.FastRetransmit:
                line.Append(CultureInfo.InvariantCulture, $"fast retransmit, cwnd {CongestionWindow} ssthresh {SlowStartThreshold}");
                break;
            case TcpEventKind.EcnWindowReduction:
                line.Append(CultureInfo.InvariantCulture, $"ECN echo, window reduced, cwnd {CongestionWindow} ssthresh {SlowStartThreshold}");
                break;
            default:
                line.Append(CultureInfo.InvariantCulture, $"cwnd {CongestionWindow} ssthresh {SlowStartThreshold}");
                break;
        }

        return line.ToString();
    }
}
