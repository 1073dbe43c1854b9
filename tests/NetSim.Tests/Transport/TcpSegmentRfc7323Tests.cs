using NetSim.Engine;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>
/// Window scaling and timestamps (RFC 7323), segment by segment through <see cref="TcpHarness"/>:
/// negotiation on and off, the scaled windows both ways, the SYN's unscaled window, the TSecr
/// echo rules, RTT from timestamps and PAWS. The host's timestamp clock is simulated
/// milliseconds, so its SYN at 0 carries TSval 0.
/// </summary>
public class TcpSegmentRfc7323Tests
{
    private const TcpFlags Syn = TcpFlags.Syn;
    private const TcpFlags Ack = TcpFlags.Ack;
    private const TcpFlags Psh = TcpFlags.Psh;

    private static readonly SimDuration Ms = SimDuration.FromMilliseconds(1);

    /// <summary>The host connects; the peer answers at <paramref name="at"/> with a SYN-ACK carrying the options given.</summary>
    private static TcpHarness Handshake(TcpSettings? settings, byte? windowScale, TcpTimestampOption? timestamps, ushort window = 65535, SimTime? at = null)
    {
        var h = new TcpHarness(settings);
        h.Connect();
        h.ExpectSent(seq: 0, ack: 0, Syn, at: SimTime.Zero);
        h.Receive(seq: 0, ack: 1, Syn | Ack, window: window, mss: 1000, windowScale: windowScale, timestamps: timestamps, at: at ?? SimTime.Zero + TcpHarness.Lag);
        return h;
    }

    [Fact]
    public void The_syn_offers_window_scaling_and_timestamps_with_its_own_window_unscaled()
    {
        var h = new TcpHarness();
        h.Connect();
        SentSegment syn = h.ExpectSent(seq: 0, ack: 0, Syn, mss: 1460, at: SimTime.Zero);
        syn.WindowScale.Should().Be(7, "the default 6 MiB receive buffer needs a shift of 7 to fit in 16 bits");
        syn.Timestamps.Should().Be(new TcpTimestampOption(0, 0), "TSval is the clock (0 ms at 0), TSecr 0 in a SYN");
        syn.Window.Should().Be(65535, "a SYN's window is never scaled (RFC 7323 2.2): the most 16 bits say, not 6 MiB >> 7");
        (syn.Packet.Length - Ipv4Header.MinLength).Should().Be(40, "MSS 4 + NOP NOP TS 12 + NOP WS 4: Linux's SYN without SACK");
    }

    [Fact]
    public void Both_options_are_used_when_both_syns_carry_them_and_windows_are_then_scaled_both_ways()
    {
        TcpHarness h = Handshake(null, windowScale: 2, timestamps: new TcpTimestampOption(5000, 0), window: 1000);
        SentSegment ack = h.ExpectSent(seq: 1, ack: 1, Ack);
        TcpConnection c = h.Connection;
        c.WindowScaling.Should().BeTrue();
        c.Timestamps.Should().BeTrue();
        c.SendWindowShift.Should().Be(2);
        c.ReceiveWindowShift.Should().Be(7);
        c.SendWindow.Should().Be(1000, "the window of the SYN-ACK is not scaled");
        ack.WindowScale.Should().BeNull("the window scale option goes only in a SYN");
        ack.Window.Should().Be((6 << 20) >> 7, "the 6 MiB buffer, shifted by our 7");
        ack.Timestamps.Should().Be(new TcpTimestampOption(0, 5000), "it echoes the SYN-ACK's TSval");
        c.MaximumSegmentSize.Should().Be(988, "the peer's MSS less the 12 bytes of timestamps in every segment");

        h.Receive(seq: 1, ack: 1, window: 1000, timestamps: new TcpTimestampOption(5001, 0));
        c.SendWindow.Should().Be(4000, "after the SYN the peer's windows are shifted left by its 2");
    }

    [Fact]
    public void A_peer_whose_syn_ack_has_no_options_gets_none_and_the_window_stays_within_16_bits()
    {
        TcpHarness h = Handshake(null, windowScale: null, timestamps: null);
        SentSegment ack = h.ExpectSent(seq: 1, ack: 1, Ack, window: 65535);
        ack.Timestamps.Should().BeNull();
        h.Connection.WindowScaling.Should().BeFalse();
        h.Connection.Timestamps.Should().BeFalse();
        h.Connection.MaximumSegmentSize.Should().Be(1000);

        _ = h.Write(500);
        h.ExpectSent(seq: 1, ack: 1, Psh | Ack, length: 500).Timestamps.Should().BeNull();
        h.Receive(seq: 1, ack: 501, window: 1000);
        h.Connection.SendWindow.Should().Be(1000, "without scaling the window is what the field says");
    }

    [Fact]
    public void With_the_options_off_the_syn_offers_none_and_a_peer_offering_them_gets_none()
    {
        TcpHarness h = Handshake(new TcpSettings { WindowScaling = false, Timestamps = false }, windowScale: 2, timestamps: new TcpTimestampOption(5000, 0), window: 1000);
        h.Sent[0].WindowScale.Should().BeNull();
        h.Sent[0].Timestamps.Should().BeNull();
        SentSegment ack = h.ExpectSent(seq: 1, ack: 1, Ack, window: 65535);
        ack.Timestamps.Should().BeNull("one side off: neither uses them");
        h.Connection.WindowScaling.Should().BeFalse();
        h.Connection.Timestamps.Should().BeFalse();
        h.Receive(seq: 1, ack: 1, window: 1000);
        h.Connection.SendWindow.Should().Be(1000, "the peer's shift is not applied when scaling was not agreed");
    }

    [Fact]
    public void Window_scaling_alone_and_timestamps_alone_are_each_negotiated_on_their_own()
    {
        TcpHarness scaleOnly = Handshake(null, windowScale: 3, timestamps: null);
        scaleOnly.ExpectSent(seq: 1, ack: 1, Ack).Timestamps.Should().BeNull();
        scaleOnly.Connection.WindowScaling.Should().BeTrue();
        scaleOnly.Connection.Timestamps.Should().BeFalse();

        TcpHarness timestampsOnly = Handshake(new TcpSettings { WindowScaling = false }, windowScale: 3, timestamps: new TcpTimestampOption(1, 0));
        timestampsOnly.ExpectSent(seq: 1, ack: 1, Ack, window: 65535).Timestamps.Should().Be(new TcpTimestampOption(0, 1));
        timestampsOnly.Connection.WindowScaling.Should().BeFalse();
        timestampsOnly.Connection.Timestamps.Should().BeTrue();
    }

    [Fact]
    public void A_shift_above_14_is_taken_as_14()
    {
        TcpHarness h = Handshake(null, windowScale: 20, timestamps: null, window: 1000);
        h.ExpectSent(seq: 1, ack: 1, Ack);
        h.Connection.SendWindowShift.Should().Be(14, "RFC 7323 2.3");
        h.Receive(seq: 1, ack: 1, window: 1);
        h.Connection.SendWindow.Should().Be(1 << 14);
    }

    [Fact]
    public void The_advertised_window_is_the_free_buffer_shifted_and_its_right_edge_never_moves_left_by_the_rounding()
    {
        TcpHarness h = Handshake(new TcpSettings { ReceiveBufferSize = 100_000, DelayedAcknowledgments = false }, windowScale: 0, timestamps: null);
        h.ExpectSent(seq: 1, ack: 1, Ack, window: 100_000 >> 1);
        h.Connection.ReceiveWindowShift.Should().Be(1, "the smallest shift that fits 100,000 in 16 bits");

        // 333 bytes arrive, unread: the window is 99,667 bytes, which a shift of 1 cannot say. Rounded
        // down (49,833 = 99,666 bytes) the right edge would move left by one byte; it is rounded up.
        SentSegment ack = Arrive(h, 1, 333);
        ack.Window.Should().Be(49_834, "ceil(99,667 / 2): the right edge stays at 1 + 100,000");
        ack = Arrive(h, 334, 333);
        (667L + (ack.Window << 1)).Should().BeGreaterThanOrEqualTo(1 + 100_000, "the right edge never moves left");

        static SentSegment Arrive(TcpHarness h, uint seq, int length)
        {
            h.Receive(seq: seq, ack: 1, length: length);
            return h.ExpectSent(seq: 1, ack: seq + (uint)length, Ack);
        }
    }

    [Fact]
    public void Tsecr_echoes_the_earliest_unacknowledged_segment_when_an_ack_covers_two()
    {
        TcpHarness h = Handshake(null, windowScale: 7, timestamps: new TcpTimestampOption(100, 0));
        h.ExpectSent(seq: 1, ack: 1, Ack).Timestamps!.Value.EchoReply.Should().Be(100);

        // Two full-sized segments (988 bytes with the options); the ACK after the second echoes the first's TSval (RFC 7323 4.3: SEG.SEQ <= Last.ACK.sent).
        h.Receive(seq: 1, ack: 1, length: 988, timestamps: new TcpTimestampOption(200, 0));
        h.ExpectNothingSent();
        h.Receive(seq: 989, ack: 1, length: 988, timestamps: new TcpTimestampOption(201, 0));
        h.ExpectSent(seq: 1, ack: 1977, Ack).Timestamps!.Value.EchoReply.Should().Be(200, "the earliest of the segments the ACK covers");

        // The next segment starts at Last.ACK.sent: its TSval is taken.
        h.Receive(seq: 1977, ack: 1, length: 988, timestamps: new TcpTimestampOption(300, 0));
        h.Receive(seq: 2965, ack: 1, length: 988, timestamps: new TcpTimestampOption(301, 0));
        h.ExpectSent(seq: 1, ack: 3953, Ack).Timestamps!.Value.EchoReply.Should().Be(300);
    }

    [Fact]
    public void A_segment_out_of_order_does_not_set_what_is_echoed()
    {
        TcpHarness h = Handshake(null, windowScale: 7, timestamps: new TcpTimestampOption(100, 0));
        h.ExpectSent(seq: 1, ack: 1, Ack);
        h.Receive(seq: 989, ack: 1, length: 988, timestamps: new TcpTimestampOption(250, 0)); // the one before it is missing
        h.ExpectSent(seq: 1, ack: 1, Ack).Timestamps!.Value.EchoReply.Should().Be(100, "a segment past Last.ACK.sent does not move TS.Recent (RFC 7323 4.3, case B)");
        h.Receive(seq: 1, ack: 1, length: 988, timestamps: new TcpTimestampOption(260, 0)); // the hole, filled by a retransmission
        h.ExpectSent(seq: 1, ack: 1977, Ack).Timestamps!.Value.EchoReply.Should().Be(260, "the segment that filled the hole (case C)");
    }

    [Fact]
    public void The_rtt_is_measured_from_the_echoed_timestamp_on_every_ack_of_new_data()
    {
        TcpHarness h = Handshake(null, windowScale: 7, timestamps: new TcpTimestampOption(1, 0), at: SimTime.Zero + (Ms * 100));
        h.ExpectSent(seq: 1, ack: 1, Ack);
        h.Connection.SmoothedRoundTripTime.Should().Be(100 * Ms, "the SYN-ACK echoes nothing (TSecr 0): the handshake is timed as before");

        h.RunUntil(SimTime.Zero + (Ms * 200));
        _ = h.Write(988);
        SentSegment data = h.ExpectSent(seq: 1, ack: 1, Psh | Ack, length: 988);
        data.Timestamps!.Value.Value.Should().Be(200, "the clock ticks every millisecond");
        h.Receive(seq: 1, ack: 989, timestamps: new TcpTimestampOption(2, data.Timestamps.Value.Value), at: SimTime.Zero + (Ms * 220));
        h.Connection.SmoothedRoundTripTime.Should().Be(Ms * 720 / 8, "one 20 ms sample from the echo: SRTT = 7/8 x 100 ms + 1/8 x 20 ms");
    }

    [Fact]
    public void A_retransmitted_segment_is_timed_by_its_echo_where_karn_would_take_no_sample()
    {
        TcpHarness h = Handshake(null, windowScale: 7, timestamps: new TcpTimestampOption(1, 0), at: SimTime.Zero + (Ms * 100));
        h.ExpectSent(seq: 1, ack: 1, Ack);
        _ = h.Write(988);
        h.ExpectSent(seq: 1, ack: 1, Psh | Ack, length: 988);
        h.RunUntilSent(); // lost: the timer sends it again
        SentSegment again = h.ExpectSent(seq: 1, ack: 1, Psh | Ack, length: 988);
        SimDuration before = h.Connection.SmoothedRoundTripTime;
        h.Receive(seq: 1, ack: 989, timestamps: new TcpTimestampOption(2, again.Timestamps!.Value.Value), at: again.At + (Ms * 30));
        h.Connection.SmoothedRoundTripTime.Should().Be(((before * 7) + (Ms * 30)) / 8, "the echo names the retransmission, so its 30 ms round trip is a sample (RFC 7323 4.2)");
        h.Connection.RetransmissionTimeout.Should().BeLessThan(SimDuration.FromSeconds(2), "the sample ends the backoff");
    }

    [Fact]
    public void Paws_drops_a_segment_older_than_the_last_timestamp_and_answers_with_an_ack()
    {
        TcpHarness h = Handshake(null, windowScale: 7, timestamps: new TcpTimestampOption(1000, 0));
        h.ExpectSent(seq: 1, ack: 1, Ack);
        h.Receive(seq: 1, ack: 1, length: 500, timestamps: new TcpTimestampOption(1010, 0));
        h.RunUntilSent();
        h.ExpectSent(seq: 1, ack: 501, Ack).Timestamps!.Value.EchoReply.Should().Be(1010);

        // An old duplicate (its TSval is from before) at the next sequence number: in the window, but PAWS drops it.
        h.Receive(seq: 501, ack: 1, length: 500, timestamps: new TcpTimestampOption(900, 0));
        h.ExpectSent(seq: 1, ack: 501, Ack).Timestamps!.Value.EchoReply.Should().Be(1010, "RFC 7323 5.3 R1: an ACK, and the segment dropped");
        h.Connection.BytesReceived.Should().Be(500, "its data was not taken");
        h.Connection.PawsDrops.Should().Be(1);

        // The same bytes with a current timestamp are taken.
        h.Receive(seq: 501, ack: 1, length: 500, timestamps: new TcpTimestampOption(1020, 0));
        h.Connection.BytesReceived.Should().Be(1000);
        h.Connection.PawsDrops.Should().Be(1);
    }

    [Fact]
    public void After_24_days_idle_an_old_timestamp_is_not_dropped()
    {
        TcpHarness h = Handshake(null, windowScale: 7, timestamps: new TcpTimestampOption(1000, 0));
        h.ExpectSent(seq: 1, ack: 1, Ack);
        h.RunFor(SimDuration.FromSeconds((24L * 24 * 3600) + 1));
        h.Receive(seq: 1, ack: 1, length: 500, timestamps: new TcpTimestampOption(10, 0)); // the peer's clock wrapped, or restarted
        h.Connection.PawsDrops.Should().Be(0, "TS.Recent older than 24 days is no longer valid (RFC 7323 5.5)");
        h.Connection.BytesReceived.Should().Be(500);
        h.RunUntilSent();
        h.ExpectSent(seq: 1, ack: 501, Ack).Timestamps!.Value.EchoReply.Should().Be(10, "and the segment's TSval is taken");
    }
}
