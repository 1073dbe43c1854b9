using NetSim.Engine;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>
/// Selective acknowledgments (RFC 2018) and SACK-based loss recovery (RFC 6675, with PRR,
/// RFC 6937), segment by segment through <see cref="TcpHarness"/>: the negotiation, the SYN's
/// option bytes, the receiver's blocks against its out-of-order data, and the sender's
/// scoreboard repairing losses without a timeout, against NewReno's one hole per round trip.
/// </summary>
public class TcpSegmentSackTests
{
    private const TcpFlags Syn = TcpFlags.Syn;
    private const TcpFlags Ack = TcpFlags.Ack;
    private const TcpFlags Psh = TcpFlags.Psh;

    private static readonly TcpSettings NewReno = new() { CongestionControl = () => new NewRenoCongestionControl() }; // the windows below are NewReno's halving

    /// <summary>The host connects; the peer's SYN-ACK (MSS 1000, no window scaling) offers SACK when <paramref name="peerSack"/>, timestamps when <paramref name="timestamps"/>.</summary>
    private static TcpHarness Handshake(TcpSettings? settings = null, bool peerSack = true, bool timestamps = false)
    {
        var h = new TcpHarness(settings ?? NewReno);
        h.Connect();
        h.ExpectSent(seq: 0, ack: 0, Syn, at: SimTime.Zero);
        h.Receive(seq: 0, ack: 1, Syn | Ack, mss: 1000, sackPermitted: peerSack, timestamps: timestamps ? new TcpTimestampOption(100, 0) : null, at: SimTime.Zero + TcpHarness.Lag);
        h.ExpectSent(seq: 1, ack: 1, Ack);
        return h;
    }

    private static TcpSackBlocks Blocks(params (uint Left, uint Right)[] blocks) =>
        TcpSackBlocks.Create(blocks.Select(b => new TcpSackBlock(b.Left, b.Right)).ToArray());

    [Fact]
    public void The_syn_offers_sack_in_linux_s_layout_and_both_ends_permitting_it_turns_it_on()
    {
        var h = new TcpHarness();
        h.Connect();
        SentSegment syn = h.ExpectSent(seq: 0, ack: 0, Syn, mss: 1460, at: SimTime.Zero);
        syn.SackPermitted.Should().BeTrue("tcp_sack is 1 in Linux");
        byte[] options = syn.Packet[(Ipv4Header.MinLength + TcpHeader.MinLength)..(Ipv4Header.MinLength + syn.HeaderLength)];
        options.Should().Equal(
            [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7],
            "MSS 1460; SACK_PERM; TS (TSval 0, TSecr 0); NOP; WS 7: Linux's SYN, 40 bytes of header");
        syn.HeaderLength.Should().Be(40);

        h.Receive(seq: 0, ack: 1, Syn | Ack, mss: 1000, sackPermitted: true, at: SimTime.Zero + TcpHarness.Lag);
        h.Connection.SelectiveAcknowledgments.Should().BeTrue();
    }

    [Fact]
    public void With_one_side_not_permitting_sack_no_blocks_are_sent()
    {
        foreach ((TcpSettings? settings, bool peerSack) in new[] { ((TcpSettings?)null, false), (new TcpSettings { SelectiveAcknowledgments = false }, true) })
        {
            var h = new TcpHarness(settings);
            h.Connect();
            h.ExpectSent(seq: 0, ack: 0, Syn, at: SimTime.Zero).SackPermitted.Should().Be(settings is null);
            h.Receive(seq: 0, ack: 1, Syn | Ack, mss: 1000, sackPermitted: peerSack, at: SimTime.Zero + TcpHarness.Lag);
            h.ExpectSent(seq: 1, ack: 1, Ack);
            h.Connection.SelectiveAcknowledgments.Should().BeFalse();

            h.Receive(seq: 1001, ack: 1, length: 1000); // out of order: a hole at 1
            SentSegment dup = h.ExpectSent(seq: 1, ack: 1, Ack);
            dup.SackBlocks.Count.Should().Be(0, "SACK is used only when both SYNs carried SACK-permitted (RFC 2018, 2)");
            dup.HeaderLength.Should().Be(TcpHeader.MinLength);
        }
    }

    [Fact]
    public void The_receiver_names_its_out_of_order_ranges_the_latest_first_at_most_three_beside_timestamps()
    {
        TcpHarness h = Handshake(timestamps: true); // segments of 988 bytes with timestamps
        h.Connection.SelectiveAcknowledgments.Should().BeTrue();
        uint ts = 200;
        SentSegment Data(uint seq)
        {
            h.Receive(seq: seq, ack: 1, length: 100, timestamps: new TcpTimestampOption(ts++, 0));
            return h.ExpectSent(seq: 1, ack: 1, Ack); // out of order: an ACK at once (a duplicate)
        }

        Data(201).SackBlocks.Should().Be(Blocks((201, 301)));
        Data(501).SackBlocks.Should().Be(Blocks((501, 601), (201, 301)), "the block of the latest segment first (RFC 2018, 4)");
        Data(301).SackBlocks.Should().Be(Blocks((201, 401), (501, 601)), "a segment that extends a block moves it first");
        Data(801).SackBlocks.Should().Be(Blocks((801, 901), (201, 401), (501, 601)));
        SentSegment four = Data(1001);
        four.SackBlocks.Should().Be(Blocks((1001, 1101), (801, 901), (201, 401)), "three blocks beside the 12 bytes of timestamps fill the 40 option bytes; the oldest reported is left out");
        four.HeaderLength.Should().Be(60);
        Data(601).SackBlocks.Should().Be(Blocks((501, 701), (1001, 1101), (801, 901)));

        // The hole at 1 filled: in-order data reaches 401; the other ranges stay.
        h.Receive(seq: 1, ack: 1, length: 200, timestamps: new TcpTimestampOption(ts++, 0));
        h.ExpectSent(seq: 1, ack: 401, Ack).SackBlocks.Should().Be(Blocks((501, 701), (1001, 1101), (801, 901)));
    }

    [Fact]
    public void Without_timestamps_four_blocks_are_sent()
    {
        TcpHarness h = Handshake();
        SentSegment last = null!;
        foreach (uint seq in new uint[] { 101, 301, 501, 701, 901 })
        {
            h.Receive(seq: seq, ack: 1, length: 100);
            last = h.ExpectSent(seq: 1, ack: 1, Ack);
        }

        last.SackBlocks.Should().Be(Blocks((901, 1001), (701, 801), (501, 601), (301, 401)));
        last.HeaderLength.Should().Be(TcpHeader.MinLength + 4 + 32);
    }

    [Fact]
    public void Sack_blocks_outside_the_unacknowledged_data_are_ignored_and_counted()
    {
        TcpHarness h = Handshake();
        _ = h.Write(3000);
        for (uint seq = 1; seq <= 2001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, seq == 2001 ? Ack | Psh : Ack, length: 1000);
        }

        h.Receive(seq: 1, ack: 1, sackBlocks: Blocks((3001, 4001))); // beyond SND.MAX
        h.Receive(seq: 1, ack: 1001, sackBlocks: Blocks((1, 1001))); // below SND.UNA
        h.Receive(seq: 1, ack: 1001, sackBlocks: Blocks((2001, 2001))); // empty
        h.Connection.InvalidSackBlocks.Should().Be(3);
        h.Connection.FastRetransmits.Should().Be(0);
        h.Connection.Retransmissions.Should().Be(0);
    }

    [Fact]
    public void One_lost_segment_is_repaired_by_sack_without_a_timeout()
    {
        TcpHarness h = Handshake();
        TcpConnection c = h.Connection;
        _ = h.Write(10_000);
        for (uint seq = 1; seq <= 9001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, seq == 9001 ? Ack | Psh : Ack, length: 1000);
        }

        // Segment 1 is lost; 2, 3 and 4 arrive: three ACKs at 1 SACKing 1001 onwards.
        h.Receive(seq: 1, ack: 1, sackBlocks: Blocks((1001, 2001)));
        h.Receive(seq: 1, ack: 1, sackBlocks: Blocks((1001, 3001)));
        h.ExpectNothingSent();
        SimTime third = h.Receive(seq: 1, ack: 1, sackBlocks: Blocks((1001, 4001)));
        h.ExpectSent(seq: 1, ack: 1, Ack, length: 1000, at: third);
        c.FastRetransmits.Should().Be(1);
        c.SlowStartThreshold.Should().Be(5000);

        h.Receive(seq: 1, ack: 10_001);
        c.BytesInFlight.Should().Be(0);
        c.RetransmissionTimeouts.Should().Be(0);
        c.Retransmissions.Should().Be(1);
        c.GetRetransmissions(TcpRetransmitCause.FastRetransmit).Should().Be(1);
        c.CongestionWindow.Should().Be(5000, "recovery ends at ssthresh (PRR)");
    }

    /// <summary>
    /// Ten segments of 1000 bytes; 1, 4 and 7 are lost; the peer's seven duplicate ACKs SACK the
    /// rest. Returns the retransmissions sent by then, and the harness.
    /// </summary>
    private static (TcpHarness Harness, uint[] Resent) ThreeLosses(bool sack)
    {
        TcpHarness h = Handshake(new TcpSettings { SelectiveAcknowledgments = sack, CongestionControl = () => new NewRenoCongestionControl() });
        _ = h.Write(10_000);
        for (uint seq = 1; seq <= 9001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, seq == 9001 ? Ack | Psh : Ack, length: 1000);
        }

        int before = h.Sent.Count;
        (uint, uint)[][] acks =
        [
            [(1001, 2001)],
            [(1001, 3001)],
            [(4001, 5001), (1001, 3001)],
            [(4001, 6001), (1001, 3001)],
            [(7001, 8001), (4001, 6001), (1001, 3001)],
            [(7001, 9001), (4001, 6001), (1001, 3001)],
            [(7001, 10_001), (4001, 6001), (1001, 3001)],
        ];
        foreach ((uint, uint)[] blocks in acks)
        {
            h.Receive(seq: 1, ack: 1, sackBlocks: sack ? Blocks(blocks) : default);
        }

        return (h, h.Sent.Skip(before).Where(s => s.Length > 0).Select(s => s.Seq).ToArray());
    }

    [Fact]
    public void Three_losses_in_one_window_are_all_repaired_in_one_round_trip_with_sack()
    {
        (TcpHarness h, uint[] resent) = ThreeLosses(sack: true);
        resent.Should().Equal([1, 3001, 6001], "the scoreboard names every hole (RFC 6675 NextSeg) before any retransmission is acknowledged");
        TcpConnection c = h.Connection;
        c.GetRetransmissions(TcpRetransmitCause.FastRetransmit).Should().Be(1);
        c.GetRetransmissions(TcpRetransmitCause.SackRecovery).Should().Be(2);

        h.Receive(seq: 1, ack: 10_001); // one round trip later, all three arrived
        c.BytesInFlight.Should().Be(0);
        c.RetransmissionTimeouts.Should().Be(0);
        c.Retransmissions.Should().Be(3);
        c.CongestionWindow.Should().Be(5000);
    }

    [Fact]
    public void Newreno_repairs_the_same_three_losses_one_per_round_trip()
    {
        (TcpHarness h, uint[] resent) = ThreeLosses(sack: false);
        resent.Should().Equal([1], "without SACK only the first hole is known");
        TcpConnection c = h.Connection;

        SimTime second = h.Receive(seq: 1, ack: 3001); // round trip 2: a partial ACK shows the next hole
        h.Sent.Where(s => s.At >= second && s.Length > 0).Select(s => s.Seq).Should().Contain(3001);
        SimTime third = h.Receive(seq: 1, ack: 6001); // round trip 3
        h.Sent.Where(s => s.At >= third && s.Length > 0).Select(s => s.Seq).Should().Contain(6001);
        h.Receive(seq: 1, ack: 10_001);
        c.BytesInFlight.Should().Be(0);
        c.RetransmissionTimeouts.Should().Be(0);
        c.GetRetransmissions(TcpRetransmitCause.PartialAcknowledgment).Should().Be(2);
    }

    [Fact]
    public void A_timeout_clears_the_scoreboard_and_goes_back_to_the_first_unacknowledged_byte()
    {
        TcpHarness h = Handshake();
        _ = h.Write(3000);
        for (uint seq = 1; seq <= 2001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, seq == 2001 ? Ack | Psh : Ack, length: 1000);
        }

        h.Receive(seq: 1, ack: 1, sackBlocks: Blocks((2001, 3001)));
        h.ExpectNothingSent(); // one segment SACKed above the hole: not yet lost
        TcpConnection sender = h.Connection;
        sender.SackedBytes.Should().Be(1000);

        h.RunUntilSent(SimDuration.FromSeconds(5));
        h.Connection.RetransmissionTimeouts.Should().Be(1);
        sender.SackedBytes.Should().Be(0, "RFC 6675 5.1: the scoreboard is cleared on a timeout, as Linux does");
        sender.SackedRanges.Should().Be(0);
        h.Sent[^1].Seq.Should().Be(1u);
        h.Connection.GetRetransmissions(TcpRetransmitCause.Timeout).Should().Be(1);
    }
}
