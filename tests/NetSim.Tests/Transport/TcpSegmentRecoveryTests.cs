using NetSim.Engine;
using NetSim.Transport;
using NetSim.Wire;
using SocketError = System.Net.Sockets.SocketError;
using NetSim.Tracing;

namespace NetSim.Tests.Transport;

/// <summary>
/// Loss and trouble segment by segment, through <see cref="TcpHarness"/>: NewReno's fast
/// retransmit and partial ACKs (RFC 5681, RFC 6582) with the window at every step, and ICMP
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
        TcpHarness h = TcpHarness.Established(new TcpSettings { InitialWindowSegments = 4 }, peerMss: 1000);
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

        // RFC 6582 3.2 steps 1 to 3: recover = 12000 (the highest sequence number sent), ssthresh =
        // max(FlightSize / 2, 2 SMSS) = 4000, retransmit the first hole, cwnd = ssthresh + 3 SMSS.
        h.ExpectSent(seq: 4001, ack: 1, Ack, length: 1000, at: arrived);
        h.ExpectNothingSent();
        c.SlowStartThreshold.Should().Be(4000);
        c.CongestionWindow.Should().Be(7000);
        c.FastRetransmits.Should().Be(1);

        // Step 4: each further duplicate ACK (segments 10, 11, 12 arriving) inflates cwnd by
        // SMSS; new data goes when cwnd allows (FlightSize 8000 against cwnd 8000, 9000, 10000).
        h.Receive(seq: 1, ack: 4001);
        h.ExpectNothingSent();
        c.CongestionWindow.Should().Be(8000);
        arrived = h.Receive(seq: 1, ack: 4001);
        h.ExpectSent(seq: 12_001, ack: 1, Ack, length: 1000, at: arrived);
        c.CongestionWindow.Should().Be(9000);
        arrived = h.Receive(seq: 1, ack: 4001);
        h.ExpectSent(seq: 13_001, ack: 1, Ack, length: 1000, at: arrived);
        c.CongestionWindow.Should().Be(10_000);

        // The retransmitted segment 5 fills the first hole: the ACK stops at the second (7001),
        // below recover. Step 5: a partial ACK. Retransmit the first unacknowledged segment at
        // once, deflate cwnd by the 3000 bytes acknowledged and add back one SMSS: 8000, which
        // (FlightSize 7000) lets one new segment go. Recovery goes on.
        arrived = h.Receive(seq: 1, ack: 7001);
        h.ExpectSent(seq: 7001, ack: 1, Ack, length: 1000, at: arrived);
        h.ExpectSent(seq: 14_001, ack: 1, Ack, length: 1000, at: arrived);
        h.ExpectNothingSent();
        c.CongestionWindow.Should().Be(8000);
        c.SlowStartThreshold.Should().Be(4000);
        c.FastRetransmits.Should().Be(1, "a partial ACK is not a new fast retransmit");

        // The retransmitted segment 8 arrives: everything up to segment 15 is acknowledged, past
        // recover. Step 3 of the full ACK, option 1: cwnd = min(ssthresh, max(FlightSize, SMSS)
        // + SMSS) = min(4000, 1000 + 1000) = 2000. Recovery ends; two new segments go.
        arrived = h.Receive(seq: 1, ack: 15_001);
        c.CongestionWindow.Should().Be(2000);
        c.SlowStartThreshold.Should().Be(4000);
        h.ExpectSent(seq: 15_001, ack: 1, Ack, length: 1000, at: arrived);
        h.ExpectSent(seq: 16_001, ack: 1, Ack, length: 1000, at: arrived);
        h.ExpectNothingSent();

        // After recovery, duplicate ACKs count from zero again: two are not a loss.
        h.Receive(seq: 1, ack: 15_001);
        h.Receive(seq: 1, ack: 15_001);
        h.ExpectNothingSent();
        c.Retransmissions.Should().Be(2);
        c.RetransmissionTimeouts.Should().Be(0);
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
