namespace NetSim.Transport;

/// <summary>
/// A TCP congestion control algorithm: the sender's congestion window, and how it reacts to
/// acknowledgments and losses. The connection runs loss detection (duplicate ACKs, the
/// retransmission timer, NewReno's recovery point); the algorithm only sizes the window.
/// Each event comes with a <see cref="CongestionSignal"/> (time, RTTs, bytes acknowledged,
/// lost and in flight), so CUBIC, BBR or others can be added behind this interface.
/// </summary>
public interface ICongestionControl
{
    /// <summary>The congestion window in bytes: how much may be in flight.</summary>
    int CongestionWindow { get; }

    /// <summary>The slow start threshold in bytes.</summary>
    int SlowStartThreshold { get; }

    /// <summary>
    /// The connection is established and sends segments of the signal's
    /// <see cref="CongestionSignal.MaximumSegmentSize"/> (its RTT sample is the handshake's,
    /// when the SYN was not sent again). <paramref name="handshakeRetransmitted"/> says a SYN
    /// or SYN-ACK was lost, after which RFC 5681 (3.1) allows an initial window of one segment only.
    /// </summary>
    /// <param name="signal">The connection at the end of the handshake.</param>
    /// <param name="handshakeRetransmitted">Whether the SYN or SYN-ACK was sent again.</param>
    void Initialize(in CongestionSignal signal, bool handshakeRetransmitted);

    /// <summary>New data was acknowledged outside loss recovery (every such ACK; see <see cref="CongestionSignal.IsCongestionWindowLimited"/>).</summary>
    /// <param name="signal">The ACK: bytes acknowledged, an RTT sample if it measured one, bytes still in flight.</param>
    void OnAcknowledged(in CongestionSignal signal);

    /// <summary>Three duplicate ACKs: a segment was lost and was just retransmitted; fast recovery starts.</summary>
    /// <param name="signal">The third duplicate ACK: bytes in flight, bytes declared lost.</param>
    void OnFastRetransmit(in CongestionSignal signal);

    /// <summary>Another duplicate ACK during fast recovery: one more segment has left the network.</summary>
    /// <param name="signal">The duplicate ACK.</param>
    void OnDuplicateAckInRecovery(in CongestionSignal signal);

    /// <summary>A partial ACK during fast recovery (RFC 6582): some, not all, of the data outstanding at the loss was acknowledged.</summary>
    /// <param name="signal">The ACK: bytes acknowledged, the next segment declared lost.</param>
    void OnPartialAck(in CongestionSignal signal);

    /// <summary>Fast recovery ended: everything outstanding at the loss was acknowledged.</summary>
    /// <param name="signal">The ACK that ended it: bytes still in flight.</param>
    void OnRecoveryEnd(in CongestionSignal signal);

    /// <summary>The retransmission timer expired: a loss that fast retransmit did not repair.</summary>
    /// <param name="signal">The timeout: bytes in flight, all declared lost.</param>
    void OnRetransmissionTimeout(in CongestionSignal signal);

    /// <summary>
    /// The sender is about to send again after sending no data for longer than the
    /// retransmission timeout, with nothing in flight (RFC 5681 4.1, as Linux's slow start after
    /// idle): the window should be no more than the restart window, min(initial window, cwnd),
    /// since the ACK clock is lost. By default nothing changes.
    /// </summary>
    /// <param name="signal">The connection now: its <see cref="CongestionSignal.InitialWindow"/>.</param>
    void OnIdleRestart(in CongestionSignal signal)
    {
    }
}

/// <summary>
/// NewReno (RFC 5681 and RFC 6582): slow start from the connection's initial window
/// (<see cref="CongestionSignal.InitialWindow"/>: 10 segments by default, RFC 6928; at least
/// one) doubling each round trip, then congestion avoidance growing by one segment
/// per round trip; on three duplicate ACKs the window halves (fast recovery), on a timeout
/// it falls to one segment.
/// </summary>
public sealed class NewRenoCongestionControl : ICongestionControl
{
    private const int MaxWindow = 1 << 30; // a bound, so that no run of ACKs can overflow the window

    private int mss = 536;
    private int bytesAckedInAvoidance;

    /// <inheritdoc/>
    public int CongestionWindow { get; private set; }

    /// <inheritdoc/>
    public int SlowStartThreshold { get; private set; } = int.MaxValue; // RFC 5681, 3.1: arbitrarily high at first

    /// <inheritdoc/>
    public void Initialize(in CongestionSignal signal, bool handshakeRetransmitted)
    {
        mss = signal.MaximumSegmentSize;
        CongestionWindow = handshakeRetransmitted ? mss : Math.Max(mss, signal.InitialWindow); // RFC 6928 (a lost SYN or SYN-ACK: one segment, section 2)
    }

    /// <inheritdoc/>
    public void OnAcknowledged(in CongestionSignal signal)
    {
        if (!signal.IsCongestionWindowLimited)
        {
            return; // RFC 7661's spirit: no growth while the receiver or the application holds the sender back
        }

        int bytesAcknowledged = signal.BytesAcknowledged;
        if (CongestionWindow < SlowStartThreshold)
        {
            CongestionWindow = Math.Min(MaxWindow, CongestionWindow + Math.Min(bytesAcknowledged, mss)); // RFC 5681, 3.1, equation 2
            return;
        }

        // Congestion avoidance by bytes acknowledged (RFC 5681, 3.1; RFC 3465): one MSS per window's worth.
        bytesAckedInAvoidance += bytesAcknowledged;
        if (bytesAckedInAvoidance >= CongestionWindow)
        {
            bytesAckedInAvoidance -= CongestionWindow;
            CongestionWindow = Math.Min(MaxWindow, CongestionWindow + mss);
        }
    }

    /// <inheritdoc/>
    public void OnFastRetransmit(in CongestionSignal signal)
    {
        SlowStartThreshold = Math.Max(signal.BytesInFlight / 2, 2 * mss); // RFC 5681, 3.2, equation 4
        CongestionWindow = SlowStartThreshold + (3 * mss);
        bytesAckedInAvoidance = 0;
    }

    /// <inheritdoc/>
    public void OnDuplicateAckInRecovery(in CongestionSignal signal) => CongestionWindow = Math.Min(MaxWindow, CongestionWindow + mss);

    /// <inheritdoc/>
    public void OnPartialAck(in CongestionSignal signal)
    {
        int bytesAcknowledged = signal.BytesAcknowledged;
        // RFC 6582, 3.2, step 5: deflate by what was acknowledged, add back one MSS if at least one was.
        CongestionWindow = Math.Max(mss, CongestionWindow - bytesAcknowledged + (bytesAcknowledged >= mss ? mss : 0));
    }

    /// <inheritdoc/>
    public void OnRecoveryEnd(in CongestionSignal signal) =>
        CongestionWindow = Math.Min(SlowStartThreshold, Math.Max(signal.BytesInFlight, mss) + mss); // RFC 6582, 3.2, step 3, option 1: no burst

    /// <inheritdoc/>
    public void OnIdleRestart(in CongestionSignal signal) =>
        CongestionWindow = Math.Min(CongestionWindow, Math.Max(mss, signal.InitialWindow)); // RFC 5681 4.1: RW = min(IW, cwnd)

    /// <inheritdoc/>
    public void OnRetransmissionTimeout(in CongestionSignal signal)
    {
        SlowStartThreshold = Math.Max(signal.BytesInFlight / 2, 2 * mss); // RFC 5681, 3.1, equation 4
        CongestionWindow = mss; // the loss window
        bytesAckedInAvoidance = 0;
    }
}
