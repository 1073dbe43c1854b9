using System.Net.Sockets;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// What arrives for one TCP connection. Segments, processed in the order of RFC 9293 3.10.7
/// "SEGMENT ARRIVES": in SYN-SENT the SYN-ACK (3.10.7.3); otherwise the acceptability test,
/// RST (with RFC 5961's challenge ACKs), SYN, the ACK field (the sender's, and in
/// SYN-RECEIVED the end of the handshake), the data into the receive buffer and the FIN
/// once everything before it has arrived (3.10.7.4, first to eighth). And ICMP errors about
/// segments the connection sent (RFC 1122 4.2.3.9, RFC 5927). The connection changes state
/// and wakes its reader when told to.
/// </summary>
internal sealed class TcpSegmentArrival(TcpConnection connection, TcpSender sender, TcpReceiveBuffer receive)
{
    private uint? pendingFin; // the sequence number of a FIN that arrived before some data

    /// <summary>Whether the peer's FIN has been taken: the end of the stream.</summary>
    public bool FinReceived { get; private set; }

    /// <summary>Data bytes received in order.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>The last soft ICMP error, reported only if the connection then times out (RFC 1122, 4.2.3.9).</summary>
    public SocketError SoftError { get; private set; }

    /// <summary>The peer's SYN arrived (in LISTEN or SYN-SENT): RCV.NXT, the peer's MSS and window.</summary>
    public void TakeSyn(in TcpHeader syn)
    {
        receive.Synchronize(syn.SequenceNumber);
        sender.TakeSyn(syn);
    }

    /// <summary>A segment for this connection arrived, its checksum verified (RFC 9293, 3.10.7).</summary>
    public void OnSegment(in TcpHeader segment, ReadOnlySpan<byte> data, byte typeOfService = 0)
    {
        TcpState state = connection.State;
        if (state == TcpState.SynSent)
        {
            OnSegmentInSynSent(segment);
            return;
        }

        if (state == TcpState.Closed)
        {
            return;
        }

        TcpFlags flags = segment.Flags;
        uint seq = segment.SequenceNumber;
        int length = data.Length + ((flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((flags & TcpFlags.Fin) != 0 ? 1 : 0);
        if (sender.RejectedByPaws(segment))
        {
            sender.SendAck(); // RFC 7323, 5.3 R1: an old duplicate gets an ACK and is dropped (never a reset: see RejectedByPaws)
            return;
        }

        if (!receive.IsAcceptable(seq, length))
        {
            if ((flags & TcpFlags.Rst) == 0)
            {
                if (state == TcpState.TimeWait && (flags & TcpFlags.Fin) != 0 && TcpSequence.Add(seq, length) == receive.Next)
                {
                    connection.StartTimeWait(); // the peer's FIN again (it ends just before RCV.NXT, so fails the test above): restart the 2 MSL timeout (RFC 9293, 3.10.7.4)
                }

                sender.SendAck(); // RFC 9293, 3.10.7.4, first: an unacceptable segment gets an ACK
            }

            return;
        }

        sender.TakeTimestamp(segment); // RFC 7323, 5.3 R3 and 4.3

        if ((flags & TcpFlags.Rst) != 0)
        {
            if (seq == receive.Next)
            {
                connection.EnterClosed(state == TcpState.SynReceived && connection.IsPassive ? SocketError.Success : SocketError.ConnectionReset);
            }
            else
            {
                sender.SendAck(); // RFC 5961, 3.2: a challenge ACK for a reset that is in the window but not exact
            }

            return;
        }

        if ((flags & TcpFlags.Syn) != 0)
        {
            sender.SendAck(); // RFC 5961, 4.2: a SYN on a synchronized connection gets a challenge ACK
            return;
        }

        if ((flags & TcpFlags.Ack) == 0 || !OnAck(segment, data.Length))
        {
            return;
        }

        bool acknowledge = false;
        bool immediate = false; // the ACK goes at once even when ACKs are delayed
        state = connection.State;
        if (state is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2 && (data.Length > 0 || (flags & TcpFlags.Fin) != 0))
        {
            acknowledge = true;
            if (!data.IsEmpty)
            {
                bool inSequence = seq == receive.Next && receive.OutOfOrderRangeCount == 0;
                bool ecnAckNow = sender.Ecn.OnDataArrived(flags, typeOfService); // RFC 3168 6.1.3: CE starts the ECE echo, CWR ends it
                int inOrder = receive.Take(seq, data);

                // RFC 5681 4.2, RFC 9293 3.10.7.4: at once for data out of order (a duplicate ACK), data
                // that fills all or part of a hole, and data not all taken (old, or beyond the window).
                immediate = !inSequence || inOrder != data.Length || ecnAckNow;
                if (inOrder > 0)
                {
                    BytesReceived += inOrder;
                    connection.ContinueRead();
                }
            }

            if ((flags & TcpFlags.Fin) != 0)
            {
                pendingFin = TcpSequence.Add(seq, data.Length);
                immediate = true; // the FIN is acknowledged at once
            }

            TakeFinIfInOrder();
        }
        else if ((flags & TcpFlags.Fin) != 0 && state is TcpState.CloseWait or TcpState.Closing or TcpState.LastAck or TcpState.TimeWait)
        {
            acknowledge = true; // RFC 9293, 3.10.7.4, eighth: a FIN past ESTABLISHED at a new sequence number (a retransmitted one fails the acceptability test above)
            if (state == TcpState.TimeWait)
            {
                connection.StartTimeWait(); // RFC 9293, 3.10.7.4, eighth: restart the 2 MSL timeout
            }
        }

        if (acknowledge)
        {
            // At once too when the window had shrunk and a read in this segment reopened it (see TcpReader).
            sender.DelayedAck.OnDataReceived(data.Length, immediate || data.IsEmpty || receive.WindowUpdateMatters(sender.Mss));
        }
    }

    /// <summary>An ICMP error quoting a segment of this connection, whose sequence number is <paramref name="quotedSequence"/>.</summary>
    public void OnIcmpError(in IcmpHeader icmp, uint quotedSequence)
    {
        // RFC 5927 4.1, as Linux's tcp_v4_err: an error about a segment we did not send (its
        // sequence number is not in SND.UNA..SND.MAX) is stale or forged, and ignored.
        TcpState state = connection.State;
        if (!sender.IsOutstanding(quotedSequence, synSent: state == TcpState.SynSent))
        {
            return;
        }

        // RFC 1122, 4.2.3.9: port and protocol unreachable are hard errors; the others are soft.
        bool unreachable = icmp.Type == IcmpType.DestinationUnreachable && icmp.Code != (byte)UnreachableCode.FragmentationNeeded;
        bool hard = unreachable && icmp.Code is (byte)UnreachableCode.Port or (byte)UnreachableCode.Protocol;
        SocketError reported = hard ? SocketError.ConnectionRefused
            : unreachable && icmp.Code == (byte)UnreachableCode.Network ? SocketError.NetworkUnreachable
            : SocketError.HostUnreachable;
        if (state == TcpState.SynSent && (unreachable || icmp.Type == IcmpType.TimeExceeded))
        {
            // As Linux's tcp_v4_err: a connect in SYN-SENT fails at the first unreachable or
            // time exceeded, rather than retrying for minutes toward a host known not to answer.
            connection.EnterClosed(reported);
        }
        else if (hard && state == TcpState.SynReceived)
        {
            connection.EnterClosed(SocketError.ConnectionRefused);
        }
        else if (unreachable)
        {
            SoftError = reported;
        }
    }

    private void OnSegmentInSynSent(in TcpHeader segment)
    {
        TcpFlags flags = segment.Flags;
        bool hasAck = (flags & TcpFlags.Ack) != 0;
        if (hasAck && (TcpSequence.LessOrEqual(segment.AcknowledgmentNumber, sender.Iss) || TcpSequence.LessThan(sender.Max, segment.AcknowledgmentNumber)))
        {
            if ((flags & TcpFlags.Rst) == 0)
            {
                sender.Emit(segment.AcknowledgmentNumber, TcpFlags.Rst, 0, 0);
            }

            return;
        }

        if ((flags & TcpFlags.Rst) != 0)
        {
            if (hasAck)
            {
                connection.EnterClosed(SocketError.ConnectionRefused); // RFC 9293, 3.10.7.3: "connection reset"
            }

            return;
        }

        if ((flags & TcpFlags.Syn) == 0)
        {
            return;
        }

        TakeSyn(segment);
        if (hasAck)
        {
            sender.OnSynAcknowledged(segment);
            connection.OnEstablished(acknowledge: true);
            sender.Output();
        }
        else
        {
            connection.SetState(TcpState.SynReceived); // a simultaneous open (RFC 9293, 3.5, figure 8)
            sender.Emit(sender.Iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0, TcpRetransmitCause.Timeout, withMss: true); // our SYN's sequence number again: counted as before, with the timer's cause
        }
    }

    /// <summary>The ACK field in a synchronized state (RFC 9293 3.10.7.4, fifth). False when the segment is to be dropped.</summary>
    private bool OnAck(in TcpHeader segment, int dataLength)
    {
        if (connection.State == TcpState.SynReceived)
        {
            if (sender.AcknowledgesSyn(segment.AcknowledgmentNumber))
            {
                sender.OnSynAcknowledged(segment);
                connection.OnEstablished(acknowledge: false);
            }
            else
            {
                sender.Emit(segment.AcknowledgmentNumber, TcpFlags.Rst, 0, 0);
                return false;
            }
        }

        return sender.OnAck(segment, dataLength);
    }

    private void TakeFinIfInOrder()
    {
        if (pendingFin is not uint fin || fin != receive.Next || FinReceived)
        {
            return;
        }

        FinReceived = true;
        receive.TakeFin();
        switch (connection.State)
        {
            case TcpState.Established:
                connection.SetState(TcpState.CloseWait);
                break;
            case TcpState.FinWait1:
                connection.SetState(TcpState.Closing); // the FINs crossed (RFC 9293, 3.6, figure 13)
                break;
            case TcpState.FinWait2:
                connection.StartTimeWait();
                break;
        }

        connection.ContinueRead();
    }
}
