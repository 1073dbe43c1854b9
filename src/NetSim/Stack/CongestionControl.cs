namespace NetSim.Stack;

/// <summary>
/// A TCP congestion control algorithm: the sender's congestion window, and how it reacts to
/// acknowledgments and losses. The connection runs loss detection (duplicate ACKs, the
/// retransmission timer, NewReno's recovery point); the algorithm only sizes the window,
/// so CUBIC or others can be added behind this interface.
/// </summary>
public interface ICongestionControl
{
    /// <summary>The congestion window in bytes: how much may be in flight.</summary>
    int CongestionWindow { get; }

    /// <summary>The slow start threshold in bytes.</summary>
    int SlowStartThreshold { get; }

    /// <summary>
    /// The connection is established and sends segments of <paramref name="maximumSegmentSize"/>
    /// bytes. <paramref name="handshakeRetransmitted"/> says a SYN or SYN-ACK was lost, after
    /// which RFC 5681 (3.1) allows an initial window of one segment only.
    /// </summary>
    void Initialize(int maximumSegmentSize, bool handshakeRetransmitted);

    /// <summary>New data was acknowledged outside loss recovery.</summary>
    void OnAcknowledged(int bytesAcknowledged);

    /// <summary>Three duplicate ACKs: a segment was lost and was just retransmitted; fast recovery starts.</summary>
    void OnFastRetransmit(int bytesInFlight);

    /// <summary>Another duplicate ACK during fast recovery: one more segment has left the network.</summary>
    void OnDuplicateAckInRecovery();

    /// <summary>A partial ACK during fast recovery (RFC 6582): some, not all, of the data outstanding at the loss was acknowledged.</summary>
    void OnPartialAck(int bytesAcknowledged);

    /// <summary>Fast recovery ended: everything outstanding at the loss was acknowledged.</summary>
    void OnRecoveryEnd(int bytesInFlight);

    /// <summary>The retransmission timer expired: a loss that fast retransmit did not repair.</summary>
    void OnRetransmissionTimeout(int bytesInFlight);
}

/// <summary>
/// NewReno (RFC 5681 and RFC 6582): slow start from an initial window of up to 4 segments
/// (RFC 3390) doubling each round trip, then congestion avoidance growing by one segment
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
    public void Initialize(int maximumSegmentSize, bool handshakeRetransmitted)
    {
        mss = maximumSegmentSize;
        CongestionWindow = handshakeRetransmitted ? mss : Math.Min(4 * mss, Math.Max(2 * mss, 4380)); // RFC 3390 (RFC 5681, 3.1, equation 1)
    }

    /// <inheritdoc/>
    public void OnAcknowledged(int bytesAcknowledged)
    {
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
    public void OnFastRetransmit(int bytesInFlight)
    {
        SlowStartThreshold = Math.Max(bytesInFlight / 2, 2 * mss); // RFC 5681, 3.2, equation 4
        CongestionWindow = SlowStartThreshold + (3 * mss);
        bytesAckedInAvoidance = 0;
    }

    /// <inheritdoc/>
    public void OnDuplicateAckInRecovery() => CongestionWindow = Math.Min(MaxWindow, CongestionWindow + mss);

    /// <inheritdoc/>
    public void OnPartialAck(int bytesAcknowledged)
    {
        // RFC 6582, 3.2, step 5: deflate by what was acknowledged, add back one MSS if at least one was.
        CongestionWindow = Math.Max(mss, CongestionWindow - bytesAcknowledged + (bytesAcknowledged >= mss ? mss : 0));
    }

    /// <inheritdoc/>
    public void OnRecoveryEnd(int bytesInFlight) =>
        CongestionWindow = Math.Min(SlowStartThreshold, Math.Max(bytesInFlight, mss) + mss); // RFC 6582, 3.2, step 3, option 1: no burst

    /// <inheritdoc/>
    public void OnRetransmissionTimeout(int bytesInFlight)
    {
        SlowStartThreshold = Math.Max(bytesInFlight / 2, 2 * mss); // RFC 5681, 3.1, equation 4
        CongestionWindow = mss; // the loss window
        bytesAckedInAvoidance = 0;
    }
}
