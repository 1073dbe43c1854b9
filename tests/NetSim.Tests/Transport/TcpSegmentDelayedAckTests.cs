using NetSim.Engine;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>
/// The receiver's delayed ACKs (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2, RFC 5681 4.2) and the
/// sender's initial window (RFC 6928), segment by segment through <see cref="TcpHarness"/>.
/// The peer's MSS is 1000, so a full-sized segment is 1000 bytes.
/// </summary>
public class TcpSegmentDelayedAckTests
{
    private const TcpFlags Ack = TcpFlags.Ack;
    private const TcpFlags Psh = TcpFlags.Psh;
    private const TcpFlags Fin = TcpFlags.Fin;

    private static readonly SimDuration Delay = SimDuration.FromMilliseconds(40); // the default, Linux's TCP_ATO_MIN

    [Fact]
    public void Every_second_full_sized_segment_is_acknowledged_at_once()
    {
        TcpHarness h = TcpHarness.Established();
        for (uint seq = 1; seq < 6001; seq += 2000)
        {
            h.Receive(seq: seq, ack: 1, length: 1000);
            h.ExpectNothingSent(); // one full segment: the ACK may wait
            SimTime second = h.Receive(seq: seq + 1000, ack: 1, length: 1000);
            h.ExpectSent(seq: 1, ack: seq + 2000, Ack, at: second);
        }

        h.RunFor(SimDuration.FromSeconds(1));
        h.ExpectNothingSent(); // nothing was left waiting for the timer
    }

    [Fact]
    public void A_lone_segment_is_acknowledged_after_the_delay()
    {
        TcpHarness h = TcpHarness.Established();
        SimTime arrived = h.Receive(seq: 1, ack: 1, length: 300);
        h.ExpectNothingSent();
        h.RunUntil(arrived + Delay - TcpHarness.Lag);
        h.ExpectNothingSent();
        h.RunUntilSent();
        h.ExpectSent(seq: 1, ack: 301, Ack, at: arrived + Delay);

        // A second lone segment waits its own delay, from its own arrival.
        arrived = h.Receive(seq: 301, ack: 1, length: 300, at: arrived + SimDuration.FromMilliseconds(45));
        h.RunUntilSent();
        h.ExpectSent(seq: 1, ack: 601, Ack, at: arrived + Delay);
        h.RunFor(SimDuration.FromSeconds(1));
        h.ExpectNothingSent();
    }

    [Fact]
    public void The_delay_is_a_setting()
    {
        TcpHarness h = TcpHarness.Established(new TcpSettings { DelayedAckTimeout = SimDuration.FromMilliseconds(200) });
        SimTime arrived = h.Receive(seq: 1, ack: 1, length: 300);
        h.RunUntilSent();
        h.ExpectSent(seq: 1, ack: 301, Ack, at: arrived + SimDuration.FromMilliseconds(200));
    }

    [Fact]
    public void Out_of_order_data_gets_a_duplicate_ack_at_once_and_so_does_the_segment_that_fills_the_hole()
    {
        TcpHarness h = TcpHarness.Established();
        h.Receive(seq: 1, ack: 1, length: 1000);
        h.ExpectNothingSent();

        // 1001 to 2000 is lost: the next segment is out of order, and acknowledged at once (RFC 5681 4.2).
        SimTime arrived = h.Receive(seq: 2001, ack: 1, length: 1000);
        h.ExpectSent(seq: 1, ack: 1001, Ack, at: arrived);
        arrived = h.Receive(seq: 3001, ack: 1, length: 1000);
        h.ExpectSent(seq: 1, ack: 1001, Ack, at: arrived);

        // The retransmission fills the hole: at once, for everything.
        arrived = h.Receive(seq: 1001, ack: 1, length: 1000);
        h.ExpectSent(seq: 1, ack: 4001, Ack, at: arrived);
        h.RunFor(SimDuration.FromSeconds(1));
        h.ExpectNothingSent();
    }

    [Fact]
    public void Data_that_fills_only_part_of_a_hole_is_acknowledged_at_once()
    {
        TcpHarness h = TcpHarness.Established();
        h.Receive(seq: 2001, ack: 1, length: 1000);
        h.ExpectSent(seq: 1, ack: 1, Ack);
        SimTime arrived = h.Receive(seq: 1, ack: 1, length: 1000); // in order, and the hole 1001..2000 is still there
        h.ExpectSent(seq: 1, ack: 1001, Ack, at: arrived);
    }

    [Fact]
    public void Data_sent_before_the_delay_carries_the_ack_and_the_timer_sends_nothing()
    {
        TcpHarness h = TcpHarness.Established();
        SimTime arrived = h.Receive(seq: 1, ack: 1, length: 300);
        h.ExpectNothingSent();
        h.RunUntil(arrived + SimDuration.FromMilliseconds(10));
        h.Write(500);
        h.ExpectSent(seq: 1, ack: 301, Ack | Psh, length: 500, at: arrived + SimDuration.FromMilliseconds(10));
        h.RunFor(SimDuration.FromMilliseconds(500)); // past the delay, short of the 1 s RTO
        h.ExpectNothingSent();
    }

    [Fact]
    public void Data_that_waits_after_a_piggybacked_ack_waits_its_full_delay()
    {
        TcpHarness h = TcpHarness.Established();
        SimTime first = h.Receive(seq: 1, ack: 1, length: 300);
        h.RunUntil(first + SimDuration.FromMilliseconds(10));
        h.Write(500);
        h.ExpectSent(seq: 1, ack: 301, Ack | Psh, length: 500);

        // Another lone segment before the first one's delay is over: its ACK waits 40 ms from its arrival.
        SimTime second = h.Receive(seq: 301, ack: 501, length: 300, at: first + SimDuration.FromMilliseconds(20));
        h.RunUntil(first + Delay);
        h.ExpectNothingSent();
        h.RunUntilSent();
        h.ExpectSent(seq: 501, ack: 601, Ack, at: second + Delay);
    }

    [Fact]
    public void The_fin_is_acknowledged_at_once()
    {
        TcpHarness h = TcpHarness.Established();
        h.Receive(seq: 1, ack: 1, length: 300);
        h.ExpectNothingSent();
        SimTime arrived = h.Receive(seq: 301, ack: 1, Fin | Ack);
        h.ExpectSent(seq: 1, ack: 302, Ack, at: arrived);
        h.Connection.State.Should().Be(TcpState.CloseWait);
    }

    [Fact]
    public void Off_every_segment_is_acknowledged_at_once()
    {
        TcpHarness h = TcpHarness.Established(new TcpSettings { DelayedAcknowledgments = false });
        for (uint seq = 1; seq < 3001; seq += 1000)
        {
            SimTime arrived = h.Receive(seq: seq, ack: 1, length: 1000);
            h.ExpectSent(seq: 1, ack: seq + 1000, Ack, at: arrived);
        }

        SimTime small = h.Receive(seq: 3001, ack: 1, length: 10);
        h.ExpectSent(seq: 1, ack: 3011, Ack, at: small);
    }

    [Fact]
    public void A_read_sends_a_window_update_only_when_the_window_had_shrunk_to_half_or_less()
    {
        // 8000 bytes of buffer: two segments leave 6000 offered, more than half; a read sends nothing.
        TcpHarness h = TcpHarness.Established(new TcpSettings { ReceiveBufferSize = 8000 });
        h.Receive(seq: 1, ack: 1, length: 1000);
        h.Receive(seq: 1001, ack: 1, length: 1000);
        h.ExpectSent(seq: 1, ack: 2001, Ack, window: 6000);
        h.Read().Should().HaveCount(2000);
        h.ExpectNothingSent();

    }

    [Fact]
    public void A_read_that_at_least_doubles_a_window_shrunk_to_half_sends_an_update_at_once()
    {
        // Four segments not read: 4000 of the 8000 bytes offered (half). The read frees all 8000, twice that.
        TcpHarness h = TcpHarness.Established(new TcpSettings { ReceiveBufferSize = 8000 });
        h.Receive(seq: 1, ack: 1, length: 1000);
        h.Receive(seq: 1001, ack: 1, length: 1000);
        h.ExpectSent(seq: 1, ack: 2001, Ack, window: 6000);
        h.Receive(seq: 2001, ack: 1, length: 1000);
        h.Receive(seq: 3001, ack: 1, length: 1000);
        h.ExpectSent(seq: 1, ack: 4001, Ack, window: 4000);
        h.Read().Should().HaveCount(4000);
        h.ExpectSent(seq: 1, ack: 4001, Ack, window: 8000, at: h.Now);
    }

    [Fact]
    public void The_first_flight_is_ten_segments()
    {
        TcpHarness h = TcpHarness.Established();
        h.Connection.CongestionWindow.Should().Be(10_000, "RFC 6928: ten segments of the MSS, 1000");
        SimTime written = h.Now;
        h.Write(20_000);
        for (uint seq = 1; seq < 10_001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, Ack, length: 1000, at: written);
        }

        h.ExpectNothingSent();
    }

    [Fact]
    public void The_first_flight_stops_at_the_peer_window()
    {
        TcpHarness h = TcpHarness.Established(peerWindow: 6000);
        h.Write(20_000);
        for (uint seq = 1; seq < 6001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, Ack, length: 1000);
        }

        h.ExpectNothingSent();
    }

    [Fact]
    public void The_initial_window_is_a_setting()
    {
        TcpHarness h = TcpHarness.Established(new TcpSettings { InitialWindowSegments = 3 });
        h.Write(20_000);
        for (uint seq = 1; seq < 3001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, Ack, length: 1000);
        }

        h.ExpectNothingSent();
    }

    [Theory]
    [InlineData(2000, 10)] // idle for longer than the 1 s RTO: the restart window, min(IW, cwnd) (RFC 5681 4.1)
    [InlineData(900, 11)] // idle for less: the window grown in slow start stays
    public void After_an_idle_period_longer_than_the_rto_the_window_starts_again_from_the_initial_window(int idleMilliseconds, int segments)
    {
        TcpHarness h = TcpHarness.Established();
        h.Write(10_000);
        for (uint seq = 1; seq < 10_001; seq += 1000)
        {
            h.ExpectSent(seq: seq, ack: 1, seq == 9001 ? Ack | Psh : Ack, length: 1000);
        }

        h.Receive(seq: 1, ack: 1001); // slow start, the window full: one segment more
        h.Receive(seq: 1, ack: 10_001); // the rest (the window no longer full: no growth, RFC 7661)
        h.ExpectNothingSent();
        h.Connection.CongestionWindow.Should().Be(11_000);

        h.RunFor(SimDuration.FromMilliseconds(idleMilliseconds));
        h.Write(30_000);
        for (int i = 0; i < segments; i++)
        {
            h.ExpectSent(seq: 10_001 + (uint)(1000 * i), ack: 1, Ack, length: 1000);
        }

        h.ExpectNothingSent();
        h.Connection.CongestionWindow.Should().Be(1000 * segments);
    }

    [Fact]
    public void After_a_lost_syn_the_first_flight_is_one_segment_whatever_the_setting()
    {
        var h = new TcpHarness(new TcpSettings { InitialWindowSegments = 10 });
        h.Connect();
        h.ExpectSent(seq: 0, ack: 0, TcpFlags.Syn, at: SimTime.Zero);
        h.RunUntilSent();
        h.ExpectSent(seq: 0, ack: 0, TcpFlags.Syn, at: SimTime.FromSeconds(1)); // the first was lost
        h.Receive(seq: 0, ack: 1, TcpFlags.Syn | Ack, mss: 1000);
        h.ExpectSent(seq: 1, ack: 1, Ack);

        h.Write(5000);
        h.ExpectSent(seq: 1, ack: 1, Ack, length: 1000);
        h.ExpectNothingSent(); // RFC 6928 2, RFC 5681 3.1
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public void A_delay_outside_RFC_1122s_bound_is_refused(int milliseconds)
    {
        var settings = new TcpSettings { DelayedAckTimeout = SimDuration.FromMilliseconds(milliseconds) };
        var h = new TcpHarness(settings);
        FluentActions.Invoking(() => { _ = h.Connect(); }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(TcpSettings.DelayedAckTimeout));
    }
}
