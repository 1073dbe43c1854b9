using NetSim.Engine;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>
/// Explicit Congestion Notification (RFC 3168) segment by segment through
/// <see cref="TcpHarness"/>: the negotiation in the SYN and SYN-ACK (6.1.1), ECT(0) on new data
/// only, the receiver's ECE from a CE mark until CWR (6.1.3), and the sender's one reduction
/// per window of data with CWR on the next new segment and nothing sent again (6.1.2). The
/// peer's MSS is 1000.
/// </summary>
public class TcpSegmentEcnTests
{
    private const TcpFlags Ack = TcpFlags.Ack;
    private const TcpFlags Psh = TcpFlags.Psh;
    private const TcpFlags Syn = TcpFlags.Syn;
    private const TcpFlags Ece = TcpFlags.Ece;
    private const TcpFlags Cwr = TcpFlags.Cwr;
    private const byte Ect0 = 0b10;
    private const byte Ce = 0b11;

    private static readonly TcpSettings EcnOn = new() { Ecn = TcpEcnMode.On, CongestionControl = () => new NewRenoCongestionControl() }; // the reductions below are NewReno's halving

    /// <summary>An established connection from a host set to <paramref name="settings"/>; the peer's SYN-ACK carries <paramref name="synAckEcn"/>.</summary>
    private static TcpHarness Established(TcpSettings settings, TcpFlags synAckEcn, TcpFlags expectedSynEcn)
    {
        var h = new TcpHarness(settings);
        h.Connect();
        h.ExpectSent(seq: 0, ack: 0, Syn | expectedSynEcn, at: SimTime.Zero).TypeOfService.Should().Be(0, "a SYN is never ECN-capable (6.1.1)");
        h.Receive(seq: 0, ack: 1, Syn | Ack | synAckEcn, mss: 1000);
        h.ExpectSent(seq: 1, ack: 1, Ack).TypeOfService.Should().Be(0);
        h.Connection.State.Should().Be(TcpState.Established);
        return h;
    }

    private static TcpHarness Negotiated(TcpSettings? settings = null)
    {
        TcpHarness h = Established(settings ?? EcnOn, Ece, Ece | Cwr);
        h.Connection.Ecn.Negotiated.Should().BeTrue();
        return h;
    }

    [Fact]
    public void A_host_set_to_on_asks_in_its_syn_and_uses_ecn_when_the_syn_ack_agrees()
    {
        TcpHarness h = Negotiated();
        h.Write(1000);
        SentSegment data = h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 1000);
        data.TypeOfService.Should().Be(Ect0, "new data goes as ECT(0) once ECN is agreed");

        // The bytes: the SYN's flag byte is CWR|ECE|SYN (0xC2) and the data's TOS byte 0x02, with a right IP checksum.
        h.Sent[0].Packet[Ipv4Header.MinLength + 13].Should().Be(0xC2);
        data.Packet[1].Should().Be(0x02);
        Ipv4Header.TryParse(data.Packet, out _).Should().Be(WireError.None, "the IP checksum covers the TOS byte");
    }

    [Fact]
    public void A_syn_ack_without_ece_or_with_ece_and_cwr_means_no_ecn()
    {
        foreach (TcpFlags answer in new[] { (TcpFlags)0, Ece | Cwr })
        {
            TcpHarness h = Established(EcnOn, answer, Ece | Cwr);
            h.Connection.Ecn.Negotiated.Should().BeFalse("a SYN-ACK of {0} is not an ECN-setup SYN-ACK (6.1.1)", answer);
            h.Write(1000);
            h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 1000).TypeOfService.Should().Be(0, "no ECT without ECN");

            h.Receive(seq: 1, ack: 1001, length: 1000, typeOfService: Ce);
            h.RunUntilSent();
            h.ExpectSent(seq: 1001, ack: 1001, Ack); // no ECE: CE means nothing without ECN
        }
    }

    [Fact]
    public void The_default_passive_host_does_not_ask_and_an_unasked_ece_syn_ack_changes_nothing()
    {
        TcpSettings.Default.Ecn.Should().Be(TcpEcnMode.Passive, "Linux's tcp_ecn = 2");
        TcpHarness h = Established(TcpSettings.Default, Ece, 0);
        h.Connection.Ecn.Negotiated.Should().BeFalse();
        h.Write(1000);
        h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 1000).TypeOfService.Should().Be(0);
    }

    [Fact]
    public void A_syn_sent_again_after_a_timeout_no_longer_asks_for_ecn()
    {
        var h = new TcpHarness(EcnOn);
        h.Connect();
        h.ExpectSent(seq: 0, ack: 0, Syn | Ece | Cwr);
        h.RunUntilSent();
        h.ExpectSent(seq: 0, ack: 0, Syn); // as Linux: the ECN-setup SYN may have been dropped for its bits (6.1.1.1)
        h.Receive(seq: 0, ack: 1, Syn | Ack | Ece, mss: 1000);
        h.ExpectSent(seq: 1, ack: 1, Ack);
        h.Connection.Ecn.Negotiated.Should().BeFalse("the SYN that was answered did not ask");
    }

    [Fact]
    public void Ect_goes_on_new_data_only_not_on_acks_retransmissions_or_window_probes()
    {
        TcpHarness h = Negotiated();
        h.Write(1000);
        h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 1000).TypeOfService.Should().Be(Ect0);

        // A retransmission after a timeout: not ECT (6.1.5).
        h.RunUntilSent();
        SentSegment again = h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 1000);
        again.TypeOfService.Should().Be(0, "a retransmission is not ECN-capable (6.1.5)");
        h.Connection.Retransmissions.Should().Be(1);

        // A pure ACK: not ECT.
        h.Receive(seq: 1, ack: 1001, window: 0, length: 1000);
        h.RunUntilSent();
        h.ExpectSent(seq: 1001, ack: 1001, Ack).TypeOfService.Should().Be(0, "a pure ACK is not ECN-capable (6.1.4)");

        // A zero-window probe: not ECT (6.1.6), though its byte was never sent.
        h.Write(500);
        h.ExpectNothingSent();
        h.RunUntilSent();
        h.ExpectSent(seq: 1001, ack: 1001, Ack, length: 1).TypeOfService.Should().Be(0, "a window probe is not ECN-capable");
        h.Connection.ZeroWindowProbes.Should().Be(1);
    }

    [Fact]
    public void A_ce_mark_is_echoed_at_once_and_on_every_ack_until_cwr_arrives()
    {
        TcpHarness h = Negotiated();

        // CE on a lone segment: the ACK goes at once (no delayed-ACK wait), with ECE.
        SimTime marked = h.Receive(seq: 1, ack: 1, length: 300, typeOfService: (byte)(Ce | 0b1000_0000)); // a DSCP beside it does not matter
        h.ExpectSent(seq: 1, ack: 301, Ack | Ece, at: marked);
        h.Connection.Ecn.CongestionExperiencedReceived.Should().Be(1);

        // Unmarked data after it: its ACK waits as ever, and still carries ECE.
        SimTime plain = h.Receive(seq: 301, ack: 1, length: 300, typeOfService: Ect0);
        h.ExpectNothingSent();
        h.RunUntilSent();
        h.ExpectSent(seq: 1, ack: 601, Ack | Ece, at: plain + SimDuration.FromMilliseconds(40));

        // Data the host sends meanwhile carries ECE too.
        h.Write(100);
        h.ExpectSent(seq: 1, ack: 601, Ack | Psh | Ece, length: 100);

        // CWR: the echo stops, and the ACK goes at once (the sender's window is small).
        SimTime cwr = h.Receive(seq: 601, ack: 101, Ack | Cwr, length: 300, typeOfService: Ect0);
        h.ExpectSent(seq: 101, ack: 901, Ack, at: cwr);
        h.Receive(seq: 901, ack: 101, length: 1000, typeOfService: Ect0);
        h.Receive(seq: 1901, ack: 101, length: 1000, typeOfService: Ect0);
        h.ExpectSent(seq: 101, ack: 2901, Ack);

        // A CWR segment that is itself marked keeps the echo going (CWR first, then CE).
        h.Receive(seq: 2901, ack: 101, Ack | Cwr, length: 300, typeOfService: Ce);
        h.ExpectSent(seq: 101, ack: 3201, Ack | Ece);
        h.Connection.Ecn.CongestionExperiencedReceived.Should().Be(2);
    }

    [Fact]
    public void Ece_reduces_the_window_once_per_window_of_data_sends_nothing_again_and_cwr_goes_on_the_next_new_data()
    {
        TcpHarness h = Negotiated();
        using var recorder = new TraceRecorder(h.Network.Tracer);
        h.Write(30_000);
        for (uint seq = 1; seq < 10_001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, Ack, length: 1000).TypeOfService.Should().Be(Ect0); // the initial window, 10 segments
        }

        h.ExpectNothingSent();
        h.Connection.CongestionWindow.Should().Be(10_000);

        // The first ECE: the window halves from the 8,000 bytes still in flight, nothing is resent, nothing new fits.
        h.Receive(seq: 1, ack: 2001, Ack | Ece);
        h.Connection.SlowStartThreshold.Should().Be(4000);
        h.Connection.CongestionWindow.Should().Be(4000);
        h.ExpectNothingSent();

        // More ECEs for the same window of data (sent before the reduction): no second reduction (6.1.2).
        h.Receive(seq: 1, ack: 4001, Ack | Ece);
        h.ExpectNothingSent(); // 6,000 in flight
        h.Receive(seq: 1, ack: 6001, Ack | Ece); // congestion avoidance: a window's worth acknowledged, cwnd 5,000
        h.Connection.CongestionWindow.Should().Be(5000);

        // The first new data after the reduction carries CWR.
        h.ExpectSent(seq: 10_001, ack: 1, Ack | Cwr, length: 1000).TypeOfService.Should().Be(Ect0);
        h.ExpectNothingSent();
        h.Receive(seq: 1, ack: 8001, Ack | Ece);
        h.ExpectSent(seq: 11_001, ack: 1, Ack, length: 1000);
        h.ExpectSent(seq: 12_001, ack: 1, Ack, length: 1000);

        // The last ECE of the old window (it acknowledges up to the CWR segment, not past it): still none.
        h.Receive(seq: 1, ack: 10_001, Ack | Ece);
        h.ExpectSent(seq: 13_001, ack: 1, Ack, length: 1000);
        h.ExpectSent(seq: 14_001, ack: 1, Ack, length: 1000);
        h.Connection.Ecn.WindowReductions.Should().Be(1, "one reduction per window of data");
        h.Connection.SlowStartThreshold.Should().Be(4000);
        h.Connection.Ecn.EchoesReceived.Should().Be(5);
        h.Connection.Ecn.CongestionWindowReducedSent.Should().Be(1);

        // An ECE that acknowledges the CWR segment is news: a second reduction, then CWR again.
        h.Receive(seq: 1, ack: 11_001, Ack | Ece);
        h.Connection.Ecn.WindowReductions.Should().Be(2);
        h.Connection.SlowStartThreshold.Should().Be(2000, "half of the 4,000 bytes in flight");
        h.ExpectNothingSent();
        h.Receive(seq: 1, ack: 15_001);
        h.ExpectSent(seq: 15_001, ack: 1, Ack | Cwr, length: 1000);
        h.ExpectSent(seq: 16_001, ack: 1, Ack, length: 1000);
        h.ExpectSent(seq: 17_001, ack: 1, Ack, length: 1000); // cwnd 3,000: that ACK was a window's worth in congestion avoidance
        h.ExpectNothingSent();
        h.Connection.CongestionWindow.Should().Be(3000);

        h.Connection.Retransmissions.Should().Be(0, "ECE is not a loss: nothing is sent again");
        h.Connection.FastRetransmits.Should().Be(0);
        h.Connection.Ecn.CongestionWindowReducedSent.Should().Be(2);
        List<TcpEvent> reductions = [.. recorder.Events.OfType<TcpEvent>().Where(e => e.Kind == TcpEventKind.EcnWindowReduction)];
        reductions.Should().HaveCount(2);
        reductions[0].CongestionWindow.Should().Be(4000);
        TraceNarrator.Explain(reductions[0]).Should().Be(
            "host got an ACK from 10.0.0.2:80 with ECE set: a router on the path marked a packet congestion experienced instead of dropping it, so it reduces its window as for a loss, without retransmitting anything, and sets CWR on its next new segment (cwnd 4000, ssthresh 4000)");
    }

    [Fact]
    public void A_loss_in_the_window_an_ece_already_reduced_is_repaired_without_a_second_reduction()
    {
        TcpHarness h = Negotiated();
        h.Write(30_000);
        for (uint seq = 1; seq < 10_001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, Ack, length: 1000);
        }

        h.Receive(seq: 1, ack: 2001, Ack | Ece); // ssthresh 4,000
        h.Receive(seq: 1, ack: 4001);
        h.Receive(seq: 1, ack: 6001); // cwnd 5,000
        h.ExpectSent(seq: 10_001, ack: 1, Ack | Cwr, length: 1000);
        h.Connection.SlowStartThreshold.Should().Be(4000);

        // Segment 6001 was lost: three duplicate ACKs. RFC 3168 6.1.2: ssthresh was reduced within
        // this window of data already, so fast retransmit repairs the loss without halving again
        // (from the 5,000 bytes in flight it would be 2,500).
        for (int i = 0; i < 3; i++)
        {
            h.Receive(seq: 1, ack: 6001);
        }

        h.ExpectSent(seq: 6001, ack: 1, Ack, length: 1000).TypeOfService.Should().Be(0, "a retransmission is not ECT");
        h.Connection.FastRetransmits.Should().Be(1);
        h.Connection.SlowStartThreshold.Should().Be(4000);
        h.Connection.Ecn.WindowReductions.Should().Be(1);
    }

    [Fact]
    public void The_narrator_names_the_ecn_flags_of_a_segment()
    {
        var syn = new TcpEvent(SimTime.Zero, "pc1", TcpEventKind.SegmentSent, TcpHarness.HostAddress, 49152, TcpHarness.PeerAddress, 80) { Flags = Syn | Ece | Cwr, Sequence = 7 };
        TraceNarrator.Explain(syn).Should().Be("pc1 sent [SYN, ECE, CWR] seq 7 to 10.0.0.2:80: it asks to open a connection (step 1 of the three-way handshake)");
    }

    [Fact]
    public void Without_ecn_an_ece_flag_changes_nothing()
    {
        TcpHarness h = Established(TcpSettings.Default, 0, 0);
        h.Write(10_000);
        for (uint seq = 1; seq < 10_001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, seq == 9001 ? Ack | Psh : Ack, length: 1000);
        }

        h.Receive(seq: 1, ack: 2001, Ack | Ece);
        h.Connection.SlowStartThreshold.Should().Be(int.MaxValue);
        h.Connection.Ecn.Should().Be(default(TcpEcnStatistics));
    }
}
