namespace NetSim.Transport;

/// <summary>
/// A TCP congestion control algorithm: the sender's congestion window, and how it reacts to
/// acknowledgments and losses. The connection runs loss detection (duplicate ACKs, the
/// retransmission timer, NewReno's recovery point); the algorithm only sizes the window.
/// Each event comes with a <see cref="CongestionSignal"/> (time, RTTs, bytes acknowledged,
/// lost and in flight), so CUBIC, BBR or others can be added behind this interface.
/// </summary>
/// <remarks>
/// During fast recovery the connection, not the algorithm, paces the sending: by Proportional
/// Rate Reduction (RFC 6937, as Linux does), which brings the data in flight down to the
/// <see cref="SlowStartThreshold"/> the algorithm chose at <see cref="OnFastRetransmit"/>, in
/// step with the ACKs. The algorithm's <see cref="CongestionWindow"/> applies again when
/// recovery ends (<see cref="OnRecoveryEnd"/>) or a timeout cuts it short.
/// </remarks>
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

    /// <summary>
    /// Three duplicate ACKs: a segment was lost and is sent again; fast recovery starts. The
    /// algorithm sets its <see cref="SlowStartThreshold"/> (its multiplicative decrease), which
    /// Proportional Rate Reduction steers the flight to during recovery.
    /// </summary>
    /// <param name="signal">The third duplicate ACK: bytes in flight, bytes declared lost.</param>
    void OnFastRetransmit(in CongestionSignal signal);

    /// <summary>
    /// An ACK echoed a congestion mark (ECE, RFC 3168 6.1.2): a router on the path marked a
    /// packet instead of dropping it. Nothing was lost and nothing is sent again, but the window
    /// is to shrink as for a loss, at most once a window of data (the connection sees to that).
    /// By default the algorithm's loss reaction, <see cref="OnFastRetransmit"/>, with no bytes
    /// lost: RFC 3168 asks for the same decrease as for a dropped packet, and Linux calls the
    /// same ssthresh function for both (its CWR state). An algorithm that reacts to marks
    /// differently (DCTCP, RFC 8257; ABE, RFC 8511) overrides this.
    /// </summary>
    /// <param name="signal">The ACK that carried ECE: bytes in flight, no bytes lost.</param>
    void OnCongestionExperienced(in CongestionSignal signal) => OnFastRetransmit(signal);

    /// <summary>Another duplicate ACK during fast recovery: one more segment has left the network (the connection's PRR sizes the window meanwhile).</summary>
    /// <param name="signal">The duplicate ACK.</param>
    void OnDuplicateAckInRecovery(in CongestionSignal signal);

    /// <summary>A partial ACK during fast recovery (RFC 6582): some, not all, of the data outstanding at the loss was acknowledged (the connection's PRR sizes the window meanwhile).</summary>
    /// <param name="signal">The ACK: bytes acknowledged, the next segment declared lost.</param>
    void OnPartialAck(in CongestionSignal signal);

    /// <summary>Fast recovery ended: everything outstanding at the loss was acknowledged, and the algorithm's window applies again (RFC 6937 and Linux: cwnd = ssthresh).</summary>
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
/// one), then congestion avoidance growing by one segment per round trip; on three duplicate
/// ACKs the window halves (the connection's Proportional Rate Reduction takes the flight there
/// during fast recovery, RFC 6937, which ends with the window at the halved threshold, as
/// Linux's Reno does), on a timeout it falls to one segment.
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
            CongestionWindow = Math.Min(MaxWindow, CongestionWindow + Math.Min(bytesAcknowledged, 2 * mss)); // RFC 3465, 2.2 (L = 2 SMSS): a delayed ACK of two segments grows the window by two, so slow start still doubles per round trip
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
        CongestionWindow = SlowStartThreshold; // the window after recovery; PRR sizes the one during it (RFC 6937), not RFC 6582's inflation
        bytesAckedInAvoidance = 0;
    }

    /// <inheritdoc/>
    public void OnDuplicateAckInRecovery(in CongestionSignal signal)
    {
        // Nothing: PRR (RFC 6937) replaces RFC 5681's inflation by one segment per duplicate ACK.
    }

    /// <inheritdoc/>
    public void OnPartialAck(in CongestionSignal signal)
    {
        // Nothing: PRR (RFC 6937) replaces RFC 6582's deflation on a partial ACK.
    }

    /// <inheritdoc/>
    public void OnRecoveryEnd(in CongestionSignal signal) =>
        CongestionWindow = SlowStartThreshold; // RFC 6937 (3) and RFC 9937, as Linux: recovery ends with cwnd = ssthresh, so no slow start follows it

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
