using NetSim.Engine;
using NetSim.Transport;
using NetSim.Wire;
using SocketError = System.Net.Sockets.SocketError;
using NetSim.Tracing;

namespace NetSim.Tests.Transport;

/// <summary>
/// Loss and trouble segment by segment, through <see cref="TcpHarness"/>: NewReno's fast
/// retransmit and partial ACKs (RFC 5681, RFC 6582) with Proportional Rate Reduction's window
/// (RFC 6937) at every step, and ICMP
/// errors that are soft for an established connection (RFC 1122 4.2.3.9, RFC 5927).
/// </summary>
public class TcpSegmentRecoveryTests
{
    private const TcpFlags Ack = TcpFlags.Ack;
    private const TcpFlags Psh = TcpFlags.Psh;

    [Fact]
    public void NewReno_three_duplicate_acks_then_a_partial_ack_then_the_full_ack_step_by_step()
    {
        // SMSS 1000 and an initial window of 4 segments (RFC 3390's for this MSS; the default is 10, RFC 6928),
        // ACKs one per segment (not delayed), as this step-by-step account was written for.
        TcpHarness h = TcpHarness.Established(new TcpSettings { InitialWindowSegments = 4, CongestionControl = () => new NewRenoCongestionControl() }, peerMss: 1000);
        TcpConnection c = h.Connection;
        h.Write(20_000);
        for (uint seq = 1; seq <= 3001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, Ack, length: 1000);
        }

        // Slow start: each ACK of a full segment opens the window by one, so two segments go per ACK.
        // Segment k (1 up) carries bytes 1000(k - 1) + 1 to 1000k.
        uint next = 4001;
        for (uint acked = 1001; acked <= 4001; acked += 1000)
        {
            h.Receive(seq: 1, ack: acked);
            h.ExpectSent(seq: next, ack: 1, Ack, length: 1000);
            h.ExpectSent(seq: next + 1000, ack: 1, Ack, length: 1000);
            next += 2000;
        }

        c.CongestionWindow.Should().Be(8000);
        c.BytesInFlight.Should().Be(8000, "segments 5 to 12");

        // Segments 5 and 8 are lost. Segments 6, 7 and 9 bring three duplicate ACKs.
        h.Receive(seq: 1, ack: 4001);
        h.Receive(seq: 1, ack: 4001);
        h.ExpectNothingSent(); // (NetSim has no Limited Transmit, RFC 3042)
        c.CongestionWindow.Should().Be(8000);
        SimTime arrived = h.Receive(seq: 1, ack: 4001);

        // RFC 6582 3.2 steps 1 and 2: recover = 12000 (the highest sequence number sent), ssthresh =
        // max(FlightSize / 2, 2 SMSS) = 4000, retransmit the first hole. The window during recovery is
        // PRR's (RFC 6937; no SACK, so each duplicate ACK counts one segment delivered): RecoverFS =
        // 8000; this ACK delivered 1000; pipe = 8000 - 3000 (three duplicate ACKs) - 1000 (the hole,
        // lost) = 4000, not above ssthresh, so sndcnt = MIN(ssthresh - pipe, MAX(prr_delivered -
        // prr_out, DeliveredData)) = MIN(0, 1000) = 0, raised to the hole's 1000 for the fast
        // retransmit (prr_out is 0): cwnd = pipe + sndcnt = 5000, and nothing new goes.
        h.ExpectSent(seq: 4001, ack: 1, Ack, length: 1000, at: arrived);
        h.ExpectNothingSent();
        c.SlowStartThreshold.Should().Be(4000);
        c.CongestionWindow.Should().Be(5000);
        c.FastRetransmits.Should().Be(1);

        // Segments 10, 11 and 12 arrive: three more duplicate ACKs. prr_delivered 2000, pipe 8000 - 4000
        // = 4000: sndcnt = MIN(0, ...) = 0, cwnd 4000. Then prr_delivered 3000, pipe 3000: sndcnt =
        // MIN(1000, MAX(3000 - 1000, 1000)) = 1000, one new segment (prr_out 2000). Then prr_delivered
        // 4000, pipe 9000 - 6000 = 3000: sndcnt = MIN(1000, MAX(2000, 1000)) = 1000, one more.
        h.Receive(seq: 1, ack: 4001);
        h.ExpectNothingSent();
        c.CongestionWindow.Should().Be(4000);
        arrived = h.Receive(seq: 1, ack: 4001);
        h.ExpectSent(seq: 12_001, ack: 1, Ack, length: 1000, at: arrived);
        c.CongestionWindow.Should().Be(4000);
        arrived = h.Receive(seq: 1, ack: 4001);
        h.ExpectSent(seq: 13_001, ack: 1, Ack, length: 1000, at: arrived);
        c.CongestionWindow.Should().Be(4000);

        // The retransmitted segment 5 fills the first hole: the ACK stops at the second (7001),
        // below recover. RFC 6582 step 5: a partial ACK; the first unacknowledged segment goes again
        // at once. PRR: of the 3000 bytes acknowledged, 2000 (segments 6 and 7) were counted by
        // duplicate ACKs, so DeliveredData = 1000 (prr_delivered 5000) and 4000 stay counted
        // (segments 9 to 12); pipe = 7000 - 4000 - 1000 (segment 8, lost) = 2000: sndcnt =
        // MIN(4000 - 2000, MAX(5000 - 3000, 1000)) = 2000, cwnd 4000: the retransmission and one new
        // segment. Recovery goes on.
        arrived = h.Receive(seq: 1, ack: 7001);
        h.ExpectSent(seq: 7001, ack: 1, Ack, length: 1000, at: arrived);
        h.ExpectSent(seq: 14_001, ack: 1, Ack, length: 1000, at: arrived);
        h.ExpectNothingSent();
        c.CongestionWindow.Should().Be(4000);
        c.SlowStartThreshold.Should().Be(4000);
        c.FastRetransmits.Should().Be(1, "a partial ACK is not a new fast retransmit");

        // The retransmitted segment 8 arrives: everything up to segment 15 is acknowledged, past
        // recover. Recovery ends with cwnd = ssthresh = 4000 (RFC 6937, as Linux; RFC 6582's option 1,
        // min(ssthresh, FlightSize + SMSS), gave 2000 and a slow start): four new segments go.
        arrived = h.Receive(seq: 1, ack: 15_001);
        c.CongestionWindow.Should().Be(4000);
        c.SlowStartThreshold.Should().Be(4000);
        for (uint seq = 15_001; seq <= 18_001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, Ack, length: 1000, at: arrived);
        }

        h.ExpectNothingSent();

        // After recovery, duplicate ACKs count from zero again: two are not a loss.
        h.Receive(seq: 1, ack: 15_001);
        h.Receive(seq: 1, ack: 15_001);
        h.ExpectNothingSent();
        c.Retransmissions.Should().Be(2);
        c.RetransmissionTimeouts.Should().Be(0);
    }

    [Fact]
    public void Prr_sends_in_proportion_while_the_pipe_is_above_ssthresh_then_holds_it_there_rfc_6937()
    {
        TcpHarness h = TcpHarness.Established(new TcpSettings { InitialWindowSegments = 4, CongestionControl = () => new NewRenoCongestionControl() }, peerMss: 1000); // the RFC 3390 window this account starts from
        TcpConnection c = h.Connection;
        h.Write(60_000);
        for (uint seq = 1; seq <= 3001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, Ack, length: 1000);
        }

        // Slow start, the peer acknowledging segment by segment: after 16 ACKs cwnd is 20,000 and
        // segments 17 to 36 (bytes 16,001 to 36,000) are in flight.
        uint next = 4001;
        for (uint acked = 1001; acked <= 16_001; acked += 1000)
        {
            h.Receive(seq: 1, ack: acked);
            h.ExpectSent(seq: next, ack: 1, Ack, length: 1000);
            h.ExpectSent(seq: next + 1000, ack: 1, Ack, length: 1000);
            next += 2000;
        }

        c.CongestionWindow.Should().Be(20_000);
        c.BytesInFlight.Should().Be(20_000);

        // Segment 17 is lost; segments 18 to 36 each bring a duplicate ACK. The third starts
        // recovery: ssthresh 10,000, RecoverFS 20,000, prr_delivered 1000, pipe = 20,000 - 3000 - 1000
        // (the hole) = 16,000 > ssthresh, so sndcnt = CEIL(1000 * 10,000 / 20,000) - 0 = 500, raised
        // to the 1000 of the fast retransmit: cwnd 17,000.
        h.Receive(seq: 1, ack: 16_001);
        h.Receive(seq: 1, ack: 16_001);
        SimTime arrived = h.Receive(seq: 1, ack: 16_001);
        h.ExpectSent(seq: 16_001, ack: 1, Ack, length: 1000, at: arrived);
        h.ExpectNothingSent();
        c.SlowStartThreshold.Should().Be(10_000);
        c.CongestionWindow.Should().Be(17_000);

        // Duplicate ACK d (d = 4 to 19) brings prr_delivered to (d - 2) * 1000; the pipe is the flight
        // (20,000 plus what went new) less d * 1000. While the pipe is above ssthresh, sndcnt =
        // CEIL(prr_delivered / 2) - prr_out: a full segment every other ACK (the odd halves leave 500
        // bytes of room, too little for a segment). From d = 14 the pipe is down to ssthresh, and
        // sndcnt = MIN(ssthresh - pipe, MAX(prr_delivered - prr_out, DeliveredData)) keeps it there:
        // one segment per ACK.
        int[] expectedWindow = [16_000, 15_500, 15_000, 14_500, 14_000, 13_500, 13_000, 12_500, 12_000, 11_500, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000];
        bool[] sends = [false, false, true, false, true, false, true, false, true, false, false, true, true, true, true, true];
        uint newData = 36_001;
        for (int d = 4; d <= 19; d++)
        {
            arrived = h.Receive(seq: 1, ack: 16_001);
            c.CongestionWindow.Should().Be(expectedWindow[d - 4], "the window after duplicate ACK {0}", d);
            if (sends[d - 4])
            {
                h.ExpectSent(seq: newData, ack: 1, Ack, length: 1000, at: arrived);
                newData += 1000;
            }

            h.ExpectNothingSent();
        }

        newData.Should().Be(45_001, "nine new segments went during recovery: four while the pipe fell to ssthresh, five after");

        // The retransmission arrives: the ACK covers everything sent before recovery. Recovery ends
        // with cwnd = ssthresh (no slow start after it): 9000 in flight, one more segment.
        arrived = h.Receive(seq: 1, ack: 36_001);
        c.CongestionWindow.Should().Be(10_000);
        h.ExpectSent(seq: 45_001, ack: 1, Ack, length: 1000, at: arrived);
        h.ExpectNothingSent();
        c.Retransmissions.Should().Be(1);
    }

    [Theory]
    [InlineData(UnreachableCode.Network)]
    [InlineData(UnreachableCode.Host)]
    public void An_icmp_unreachable_about_an_established_connection_is_a_soft_error_that_aborts_nothing(UnreachableCode code)
    {
        TcpHarness h = TcpHarness.Established();
        h.Write(100);
        SentSegment data = h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 100);

        // RFC 1122 4.2.3.9: codes 0, 1 and 5 are soft: TCP MUST NOT abort the connection.
        h.ReceiveIcmp(IcmpType.DestinationUnreachable, (byte)code, about: data);
        h.Connection.State.Should().Be(TcpState.Established);
        h.ExpectNothingSent();

        // The path heals: the data is acknowledged and the connection goes on.
        SimTime arrived = h.Receive(seq: 1, ack: 101, length: 10);
        h.RunUntilSent(); // a lone segment: its ACK is delayed (RFC 1122 4.2.3.2)
        h.ExpectSent(seq: 101, ack: 11, Ack, at: arrived + SimDuration.FromMilliseconds(40));
        h.Write(100);
        h.ExpectSent(seq: 101, ack: 11, Ack | Psh, length: 100);
        h.Receive(seq: 11, ack: 201);
        h.Connection.BytesAcknowledged.Should().Be(200);
        h.Connection.State.Should().Be(TcpState.Established);
        h.Connection.RetransmissionTimeouts.Should().Be(0);
    }

    [Fact]
    public void A_soft_error_is_what_the_connection_reports_when_it_then_times_out()
    {
        TcpHarness h = TcpHarness.Established(new TcpSettings { MaxRetransmissions = 3 });
        h.Write(100);
        SentSegment data = h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 100);
        h.ReceiveIcmp(IcmpType.DestinationUnreachable, (byte)UnreachableCode.Host, about: data);

        // The retransmissions go on as if no error had come (RTO 1, 2, 4 s), and the fourth expiry
        // gives up: with the soft error, not a bare timeout (RFC 1122 4.2.3.9, RFC 5927 4.1).
        foreach (long at in (long[])[1, 3, 7])
        {
            h.RunUntilSent();
            h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 100, at: data.At + SimDuration.FromSeconds(at));
        }

        h.RunUntil(data.At + SimDuration.FromSeconds(15) - TcpHarness.Lag);
        h.Connection.State.Should().Be(TcpState.Established);
        h.RunUntil(data.At + SimDuration.FromSeconds(15));
        h.Connection.State.Should().Be(TcpState.Closed);
        TcpSegmentTimerTests.ReadError(h).Should().Be(SocketError.HostUnreachable);
        h.ExpectNothingSent();
    }
}
