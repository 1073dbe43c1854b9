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
    private const int DuplicateThreshold = 3; // RFC 5681, 3.2
    private uint recover;
    private bool recoverSet;

    /// <summary>Duplicate ACKs in a row.</summary>
    public int DuplicateAcks { get; private set; }

    /// <summary>Whether fast recovery is going on.</summary>
    public bool InRecovery { get; private set; }

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
