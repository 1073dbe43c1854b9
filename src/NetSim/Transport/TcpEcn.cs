using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>Whether a TCP connection uses Explicit Congestion Notification (RFC 3168), as Linux's <c>net.ipv4.tcp_ecn</c>.</summary>
public enum TcpEcnMode
{
    /// <summary>Never: no ECN bits in the SYN or SYN-ACK, whatever the peer asks (Linux's tcp_ecn = 0).</summary>
    Off,

    /// <summary>Accepts ECN when the peer's SYN asks for it, but does not ask in its own SYN (Linux's tcp_ecn = 2, its default).</summary>
    Passive,

    /// <summary>Asks for ECN in its SYN (ECE and CWR set) and accepts it when the peer asks (Linux's tcp_ecn = 1).</summary>
    On,
}

/// <summary>
/// What Explicit Congestion Notification (RFC 3168) did on one connection: whether it was
/// negotiated, and the marks and flags seen and sent (see <see cref="TcpConnection.Ecn"/>).
/// </summary>
/// <param name="Negotiated">Whether both ends agreed in the handshake to use ECN (RFC 3168 6.1.1).</param>
/// <param name="CongestionExperiencedReceived">Data segments that arrived with CE in their IP header: a router on the way marked them instead of dropping them.</param>
/// <param name="EchoesReceived">Segments that arrived with ECE set (the peer echoing a CE mark), the handshake's not counted.</param>
/// <param name="WindowReductions">Times the congestion window was reduced for ECE (at most once a window of data, RFC 3168 6.1.2).</param>
/// <param name="CongestionWindowReducedSent">Segments sent with CWR set, telling the peer the window was reduced (RFC 3168 6.1.2).</param>
public readonly record struct TcpEcnStatistics(bool Negotiated, long CongestionExperiencedReceived, long EchoesReceived, long WindowReductions, long CongestionWindowReducedSent);

/// <summary>
/// The ECN state of one TCP connection (RFC 3168 6.1): the negotiation in the SYN and
/// SYN-ACK, the ECT(0) codepoint on new data, the receiver's echo of CE marks in ECE until
/// a CWR arrives, and the sender's reaction to ECE at most once per window of data with CWR
/// on the next new data segment. The sender calls it while it builds and takes segments;
/// it holds no timers and sends nothing itself.
/// </summary>
internal sealed class TcpEcn(TcpEcnMode mode)
{
    /// <summary>The ECN field: the low two bits of the IPv4 TOS byte (RFC 3168 5).</summary>
    public const byte CodepointMask = 0b11;

    /// <summary>ECT(0), ECN-capable transport (RFC 3168 5): what TCP sets on its data, as Linux does.</summary>
    public const byte Ect0 = 0b10;

    /// <summary>CE, congestion experienced (RFC 3168 5): set by a router instead of dropping.</summary>
    public const byte CongestionExperienced = 0b11;

    private bool requested; // our SYN asked for ECN (an active open)
    private bool echo; // the receiver's: ECE on every ACK until a CWR arrives (6.1.3)
    private bool cwrPending; // the sender's: CWR on the next new data segment (6.1.2)
    private bool reduced; // whether the window was ever reduced while ECN was on
    private uint reducedAt; // SND.MAX when it was last reduced: no other reduction for ECE until data past it is acknowledged
    private long ceReceived, echoesReceived, reductions, cwrSent;

    /// <summary>Whether ECN was negotiated: ECT on new data, ECE and CWR in use.</summary>
    public bool IsActive { get; private set; }

    /// <summary>The counters, for <see cref="TcpConnection.Ecn"/>.</summary>
    public TcpEcnStatistics Statistics => new(IsActive, ceReceived, echoesReceived, reductions, cwrSent);

    /// <summary>
    /// The ECN flags of a segment about to go out with <paramref name="flags"/>: for a SYN,
    /// ECE and CWR when asking (not on a SYN sent again, as Linux falls back after a lost one,
    /// RFC 3168 6.1.1.1); for a SYN-ACK, ECE when ECN is agreed; otherwise ECE while a CE mark
    /// is being echoed, and CWR on the first new data segment (<paramref name="newData"/>) after
    /// a reduction.
    /// </summary>
    public TcpFlags OnSending(TcpFlags flags, bool newData, bool synRetransmitted)
    {
        if ((flags & TcpFlags.Rst) != 0)
        {
            return 0;
        }

        if ((flags & TcpFlags.Syn) != 0)
        {
            if ((flags & TcpFlags.Ack) != 0)
            {
                return IsActive ? TcpFlags.Ece : 0; // 6.1.1: an ECN-setup SYN-ACK has ECE, not CWR
            }

            requested = mode == TcpEcnMode.On && !synRetransmitted;
            return requested ? TcpFlags.Ece | TcpFlags.Cwr : 0; // 6.1.1: an ECN-setup SYN
        }

        if (!IsActive)
        {
            return 0;
        }

        TcpFlags added = echo && (flags & TcpFlags.Ack) != 0 ? TcpFlags.Ece : 0;
        if (newData && cwrPending)
        {
            cwrPending = false;
            cwrSent++;
            added |= TcpFlags.Cwr;
        }

        return added;
    }

    /// <summary>The peer's SYN (passive open) or SYN-ACK (active open) arrived with <paramref name="flags"/>: ECN is on when both agree (6.1.1).</summary>
    public void OnSyn(TcpFlags flags)
    {
        TcpFlags ecn = flags & (TcpFlags.Ece | TcpFlags.Cwr);
        IsActive = (flags & TcpFlags.Ack) != 0
            ? requested && ecn == TcpFlags.Ece // an ECN-setup SYN-ACK answers our ECN-setup SYN
            : mode != TcpEcnMode.Off && ecn == (TcpFlags.Ece | TcpFlags.Cwr);
    }

    /// <summary>
    /// A data segment was accepted, with <paramref name="flags"/> and the IP header's
    /// <paramref name="typeOfService"/>: CWR ends the echo, then CE starts it (6.1.3). Returns
    /// whether its ACK must go at once, as Linux: a CE mark that starts the echo (the sender
    /// should learn of it without the delayed-ACK wait), or a CWR (the sender's window is small).
    /// </summary>
    public bool OnDataArrived(TcpFlags flags, byte typeOfService)
    {
        if (!IsActive)
        {
            return false;
        }

        bool now = false;
        if ((flags & TcpFlags.Cwr) != 0)
        {
            echo = false;
            now = true;
        }

        if ((typeOfService & CodepointMask) == CongestionExperienced)
        {
            ceReceived++;
            now |= !echo;
            echo = true;
        }

        return now;
    }

    /// <summary>
    /// An acceptable ACK arrived with <paramref name="flags"/>, acknowledging
    /// <paramref name="ack"/>: whether the window is to be reduced for ECE now. Not when
    /// <paramref name="inRecovery"/> (a loss already reduced it), nor for an ECE that
    /// acknowledges no data sent after the last reduction (6.1.2: once per window of data;
    /// the peer echoes until our CWR reaches it, and CWR goes on the first data past it).
    /// </summary>
    public bool OnAck(TcpFlags flags, uint ack, bool inRecovery)
    {
        if (!IsActive || (flags & TcpFlags.Ece) == 0)
        {
            return false;
        }

        echoesReceived++;
        return !inRecovery && (!reduced || TcpSequence.LessThan(reducedAt, ack));
    }

    /// <summary>The window was reduced (for ECE, a loss or a timeout) with <paramref name="max"/> as SND.MAX: CWR goes on the next new data, and no other reduction for ECE follows in this window.</summary>
    public void OnReduced(uint max, bool forEcn)
    {
        if (!IsActive)
        {
            return;
        }

        reduced = true;
        reducedAt = max;
        cwrPending = true; // as Linux's tcp_init_cwnd_reduction and tcp_enter_loss: the peer may stop echoing
        if (forEcn)
        {
            reductions++;
        }
    }

    /// <summary>Whether the window was reduced within the window of data now being acknowledged (SND.UNA is before SND.MAX at the reduction): a loss found now needs no second reduction (6.1.2).</summary>
    public bool ReducedInWindow(uint una) => IsActive && reduced && TcpSequence.LessThan(una, reducedAt);
}
