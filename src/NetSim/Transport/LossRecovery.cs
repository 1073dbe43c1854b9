using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>What an ACK means to <see cref="LossRecovery"/>, and so what the sender does.</summary>
internal enum RecoveryAction
{
    /// <summary>Nothing for recovery (a duplicate ACK below the threshold).</summary>
    None,

    /// <summary>New data acknowledged outside recovery: the window may grow.</summary>
    Acknowledged,

    /// <summary>The third duplicate ACK: retransmit the first unacknowledged segment and enter fast recovery (RFC 5681, 3.2).</summary>
    FastRetransmit,

    /// <summary>A further duplicate ACK in recovery: one more segment has left the network (RFC 5681, 3.2, step 4).</summary>
    DuplicateInRecovery,

    /// <summary>An ACK of some, not all, of the data outstanding at the loss: retransmit the next hole (RFC 6582, 3.2, step 5).</summary>
    PartialAck,

    /// <summary>An ACK of everything outstanding at the loss: recovery ends (RFC 6582, 3.2, step 3).</summary>
    RecoveryEnd,
}

/// <summary>
/// A TCP sender's loss detection by ACKs: the duplicate ACK count of RFC 5681 (fast
/// retransmit at the third) and NewReno's recovery point (RFC 6582), the highest sequence
/// number sent when recovery began, which decides whether an ACK is partial or ends
/// recovery and keeps a timeout's losses from starting a fast retransmit. The window
/// arithmetic is the congestion control's.
/// </summary>
internal sealed class LossRecovery
{
    /// <summary>Duplicate ACKs that start fast retransmit (RFC 5681, 3.2; RFC 6675's DupThresh).</summary>
    public const int DuplicateThreshold = 3;
    private uint recover;
    private bool recoverSet;

    /// <summary>Duplicate ACKs in a row.</summary>
    public int DuplicateAcks { get; private set; }

    /// <summary>Whether fast recovery is going on.</summary>
    public bool InRecovery { get; private set; }

    /// <summary>The recovery point (RFC 6582's recover, RFC 6675's RecoveryPoint): SND.MAX when the last recovery or timeout began.</summary>
    public uint RecoveryPoint => recover;

    /// <summary>A duplicate ACK with SACK (RFC 6675, 2) arrived: counted, and the sender decides on recovery (<see cref="TryEnter"/>).</summary>
    public void CountDuplicateAck() => DuplicateAcks++;

    /// <summary>
    /// SACK-based recovery begins (RFC 6675, 5) with <paramref name="sndMax"/> the highest sequence
    /// number sent, unless SND.UNA (<paramref name="sndUna"/>) is not yet past the previous recovery
    /// point (RFC 6675, 5 step 2, as RFC 6582). False: no recovery now.
    /// </summary>
    public bool TryEnter(uint sndUna, uint sndMax)
    {
        if (InRecovery || (recoverSet && TcpSequence.LessThan(sndUna, recover)))
        {
            return false;
        }

        InRecovery = true;
        recover = sndMax;
        recoverSet = true;
        return true;
    }

    /// <summary>A duplicate ACK of <paramref name="sndUna"/> arrived with <paramref name="sndMax"/> the highest sequence number sent.</summary>
    public RecoveryAction OnDuplicateAck(uint sndUna, uint sndMax)
    {
        DuplicateAcks++;
        if (InRecovery)
        {
            return RecoveryAction.DuplicateInRecovery;
        }

        // RFC 6582, 3.2, step 2: a new recovery only when the ACK is past the previous one's end.
        if (DuplicateAcks == DuplicateThreshold && (!recoverSet || TcpSequence.LessOrEqual(recover, sndUna)))
        {
            InRecovery = true;
            recover = sndMax;
            recoverSet = true;
            return RecoveryAction.FastRetransmit;
        }

        return RecoveryAction.None;
    }

    /// <summary>An ACK of new data, up to <paramref name="ack"/>, arrived.</summary>
    public RecoveryAction OnNewAck(uint ack)
    {
        DuplicateAcks = 0;
        if (!InRecovery)
        {
            return RecoveryAction.Acknowledged;
        }

        if (TcpSequence.LessOrEqual(recover, ack))
        {
            InRecovery = false;
            return RecoveryAction.RecoveryEnd;
        }

        return RecoveryAction.PartialAck;
    }

    /// <summary>
    /// The retransmission timer expired with <paramref name="sndMax"/> the highest sequence
    /// number sent: recovery ends, and no fast retransmit for what was sent before (RFC 6582, 4).
    /// </summary>
    public void OnRetransmissionTimeout(uint sndMax)
    {
        InRecovery = false;
        DuplicateAcks = 0;
        recover = sndMax;
        recoverSet = true;
    }
}

/// <summary>
/// Proportional Rate Reduction (RFC 6937, as RFC 9937 and Linux's tcp_cwnd_reduction run it):
/// the congestion window during fast recovery. Instead of NewReno's halving at once and
/// inflating by a segment per duplicate ACK (RFC 6582), the sender sends in proportion to what
/// the receiver reports delivered, so that the data in the network (the pipe) falls smoothly
/// from the flight at the loss to the slow start threshold, and ends recovery there: while
/// the pipe is above ssthresh it sends ssthresh/RecoverFS of what was delivered; once the
/// pipe is at or below it, slow start's reduction bound (PRR-SSRB) lets it catch up by at
/// most the data delivered plus one segment per ACK that advanced SND.UNA without a new loss,
/// and the conservative bound (PRR-CRB) otherwise.
/// </summary>
/// <remarks>
/// Without SACK (RFC 6937, 3) each duplicate ACK stands for one segment delivered above the
/// hole, and a later cumulative ACK delivers what it acknowledges less what those duplicate
/// ACKs already counted; the pipe is the flight less those segments, less a hole declared lost
/// and not yet sent again (Linux's packets_out - sacked_out - lost_out + retrans_out).
/// </remarks>
internal sealed class ProportionalRateReduction
{
    private int ssthresh;
    private int mss;
    private int recoverFs; // RFC 6937: the flight size when recovery began
    private int delivered; // prr_delivered: data the receiver got since recovery began
    private int sent; // prr_out: data sent since recovery began, retransmissions included
    private int hole; // the segment last declared lost: not among the ones duplicate ACKs count

    /// <summary>Bytes above SND.UNA the duplicate ACKs say arrived: one segment each (RFC 6937, 3, without SACK).</summary>
    public int Sacked { get; private set; }

    /// <summary>The congestion window PRR allows (pipe + sndcnt at the last ACK).</summary>
    public int CongestionWindow { get; private set; }

    /// <summary>Whether a recovery is going on (between <see cref="Start"/> and <see cref="Stop"/>).</summary>
    public bool IsActive { get; private set; }

    /// <summary>
    /// The third duplicate ACK started fast recovery with <paramref name="flightSize"/> bytes in
    /// flight, <paramref name="duplicateAcks"/> duplicate ACKs so far (this one included), the
    /// congestion control's new <paramref name="slowStartThreshold"/>, and
    /// <paramref name="lost"/> bytes (the first unacknowledged segment) declared lost and about
    /// to be sent again. Computes the first window, which lets that retransmission go.
    /// </summary>
    public void Start(int flightSize, int duplicateAcks, int slowStartThreshold, int segmentSize, int lost)
    {
        IsActive = true;
        ssthresh = slowStartThreshold;
        mss = segmentSize;
        recoverFs = Math.Max(flightSize, 1);
        delivered = 0;
        sent = 0;
        hole = lost;
        Sacked = Math.Clamp((duplicateAcks - 1) * mss, 0, Math.Max(0, flightSize - lost)); // the earlier duplicate ACKs, before recovery
        OnDuplicateAck(flightSize, lost);
    }

    /// <summary>A duplicate ACK in recovery (or the one that started it): one more segment above the hole arrived.</summary>
    /// <param name="flightSize">SND.MAX - SND.UNA.</param>
    /// <param name="lost">Bytes declared lost by this ACK and not yet sent again.</param>
    public void OnDuplicateAck(int flightSize, int lost = 0)
    {
        int before = Sacked;
        Sacked = Math.Min(Sacked + mss, Math.Max(0, flightSize - hole));
        Reduce(Sacked - before, flightSize - Sacked - lost, safe: false, lost);
    }

    /// <summary>
    /// A partial ACK (RFC 6582) acknowledged <paramref name="acknowledged"/> bytes, leaving
    /// <paramref name="flightSize"/> in flight; <paramref name="lost"/> bytes, the next hole, are
    /// declared lost and about to be sent again.
    /// </summary>
    public void OnPartialAck(int acknowledged, int flightSize, int lost)
    {
        int counted = Math.Min(Sacked, Math.Max(0, acknowledged - hole)); // what duplicate ACKs already counted as delivered
        Sacked -= counted;
        hole = lost;
        Sacked = Math.Min(Sacked, Math.Max(0, flightSize - hole));
        Reduce(acknowledged - counted, flightSize - Sacked - lost, safe: lost == 0, lost);
    }

    /// <summary>
    /// SACK-based recovery began (RFC 6675, 5) with <paramref name="flightSize"/> bytes in flight
    /// (RecoverFS), the congestion control's new <paramref name="slowStartThreshold"/>, the
    /// ACK's <paramref name="deliveredData"/>, the scoreboard's <paramref name="pipe"/>, and
    /// <paramref name="lost"/> bytes (the first unacknowledged segment) about to be sent again.
    /// </summary>
    public void StartWithPipe(int flightSize, int slowStartThreshold, int segmentSize, int deliveredData, int pipe, int lost)
    {
        IsActive = true;
        ssthresh = slowStartThreshold;
        mss = segmentSize;
        recoverFs = Math.Max(flightSize, 1);
        delivered = 0;
        sent = 0;
        hole = 0;
        Sacked = 0;
        Reduce(deliveredData, pipe, safe: true, lost);
    }

    /// <summary>
    /// An ACK during SACK-based recovery: <paramref name="deliveredData"/> is the change in
    /// SND.UNA plus the change in SACKed bytes (RFC 6937, 3), <paramref name="pipe"/> the
    /// scoreboard's (RFC 6675 SetPipe). Below ssthresh, the slow start reduction bound
    /// (PRR-SSRB, RFC 6937 3.1) applies.
    /// </summary>
    public void OnSackAck(int deliveredData, int pipe) => Reduce(deliveredData, pipe, safe: true, lost: 0);

    /// <summary>Bytes of data sent (new or again) during recovery: RFC 6937's prr_out.</summary>
    public void OnSent(int bytes)
    {
        if (IsActive)
        {
            sent += bytes;
        }
    }

    /// <summary>The data in the network as PRR counts it: <paramref name="flightSize"/> less what duplicate ACKs reported arrived.</summary>
    public int Pipe(int flightSize) => IsActive ? flightSize - Sacked : flightSize;

    /// <summary>Recovery ended (or a timeout ended it): the congestion control's window applies again.</summary>
    public void Stop()
    {
        IsActive = false;
        Sacked = 0;
        hole = 0;
    }

    private void Reduce(int deliveredData, int pipe, bool safe, int lost)
    {
        if (deliveredData <= 0 && sent > 0)
        {
            return; // RFC 9937: an ACK that delivers nothing changes nothing
        }

        delivered += Math.Max(0, deliveredData);
        long sendCount;
        if (pipe > ssthresh)
        {
            // RFC 6937, 3.1: sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out
            sendCount = ((((long)delivered * ssthresh) + recoverFs - 1) / recoverFs) - sent;
        }
        else
        {
            // The reduction bound: PRR-SSRB (limit = MAX(prr_delivered - prr_out, DeliveredData) + MSS)
            // on an ACK that advanced SND.UNA and declared no new loss, as Linux and RFC 9937 do;
            // otherwise no more than was delivered (PRR-CRB). Then sndcnt = MIN(ssthresh - pipe, limit).
            long limit = Math.Max(delivered - sent, deliveredData) + (safe ? mss : 0);
            sendCount = Math.Min(ssthresh - pipe, limit);
        }

        // The hole declared lost goes at once: the fast retransmit (RFC 9937 and Linux force it
        // when nothing was sent yet) and the retransmission a partial ACK asks for (RFC 6582, 3.2, step 5).
        sendCount = Math.Max(sendCount, lost);
        CongestionWindow = (int)Math.Max(0, pipe + Math.Max(0, sendCount));
    }
}
