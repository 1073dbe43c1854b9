using NetSim.Engine;
using NetSim.Wire;
using SocketError = System.Net.Sockets.SocketError;
using NetSim.Tracing;

namespace NetSim.Tests.Transport;

/// <summary>
/// Segments a synchronized connection must not take at face value (RFC 5961: resets and
/// SYNs that are not exact get a challenge ACK; RFC 9293 3.10.7.4: an ACK of data never
/// sent is answered and dropped), and a retransmitted FIN in TIME-WAIT.
/// </summary>
public class TcpSegmentChallengeTests
{
    private const TcpFlags Syn = TcpFlags.Syn;
    private const TcpFlags Ack = TcpFlags.Ack;
    private const TcpFlags Rst = TcpFlags.Rst;
    private const TcpFlags Fin = TcpFlags.Fin;

    [Fact]
    public void A_reset_in_the_window_but_not_at_rcv_nxt_gets_a_challenge_ack_and_only_the_exact_one_resets()
    {
        TcpHarness h = TcpHarness.Established(); // RCV.NXT is 1, SND.NXT 1

        // RFC 5961 3.2: in the window but not exactly RCV.NXT: an ACK, and the connection stays.
        SimTime arrived = h.Receive(seq: 2, ack: 1, Rst | Ack);
        h.ExpectSent(seq: 1, ack: 1, Ack, at: arrived);
        arrived = h.Receive(seq: 60_000, ack: 0, Rst);
        h.ExpectSent(seq: 1, ack: 1, Ack, at: arrived);
        h.Connection.State.Should().Be(TcpState.Established);

        // Outside the window, on either side: dropped without a word.
        h.Receive(seq: 0, ack: 0, Rst);
        h.Receive(seq: 1 + 65_535, ack: 0, Rst);
        h.ExpectNothingSent();
        h.Connection.State.Should().Be(TcpState.Established);

        // Exactly RCV.NXT: the connection is reset, and a reset is not answered.
        h.Receive(seq: 1, ack: 0, Rst);
        h.Connection.State.Should().Be(TcpState.Closed);
        TcpSegmentTimerTests.ReadError(h).Should().Be(SocketError.ConnectionReset);
        h.RunFor(SimDuration.FromSeconds(600));
        h.ExpectNothingSent();
    }

    [Fact]
    public void A_syn_on_an_established_connection_gets_a_challenge_ack_wherever_its_sequence_number_is()
    {
        TcpHarness h = TcpHarness.Established();
        h.Write(10);
        h.ExpectSent(seq: 1, ack: 1, Ack | TcpFlags.Psh, length: 10);

        // RFC 5961 4.2: in the window, at the left edge (the peer's first SYN again) or anywhere else: an ACK, never a reset.
        foreach (uint seq in (uint[])[1, 500, 0, 100_000])
        {
            SimTime arrived = h.Receive(seq: seq, ack: 0, Syn, mss: 1460);
            h.ExpectSent(seq: 11, ack: 1, Ack, at: arrived);
        }

        h.Connection.State.Should().Be(TcpState.Established);

        // The connection goes on as if nothing had come.
        h.Receive(seq: 1, ack: 11, length: 5);
        h.RunUntilSent(); // a lone segment: its ACK is delayed (RFC 1122 4.2.3.2)
        h.ExpectSent(seq: 11, ack: 6, Ack);
        h.Read().Should().Equal(TcpHarness.Stream(TcpHarness.PeerByte, 1, 5));
        h.Connection.BytesAcknowledged.Should().Be(10);
    }

    [Fact]
    public void A_segment_that_acknowledges_data_never_sent_is_answered_with_an_ack_and_its_data_dropped()
    {
        TcpHarness h = TcpHarness.Established();
        h.Write(100);
        h.ExpectSent(seq: 1, ack: 1, Ack | TcpFlags.Psh, length: 100);

        // RFC 9293 3.10.7.4 (and RFC 5961 5.2): SEG.ACK > SND.NXT: send an ACK, drop the segment, return.
        SimTime arrived = h.Receive(seq: 1, ack: 5000, length: 20);
        h.ExpectSent(seq: 101, ack: 1, Ack, at: arrived);
        h.Connection.BytesReceived.Should().Be(0);
        h.Connection.BytesAcknowledged.Should().Be(0);

        // The same data with an acceptable ACK is taken.
        h.Receive(seq: 1, ack: 101, length: 20);
        h.RunUntilSent(); // a lone segment: its ACK is delayed (RFC 1122 4.2.3.2)
        h.ExpectSent(seq: 101, ack: 21, Ack);
        h.Connection.BytesReceived.Should().Be(20);
        h.Connection.BytesAcknowledged.Should().Be(100);
    }

    [Fact]
    public void A_retransmitted_fin_in_time_wait_is_acknowledged_again_and_restarts_the_two_msl_timer()
    {
        TcpHarness h = TcpHarness.Established(); // MSL 30 s: TIME-WAIT lasts 60 s
        h.Close();
        h.ExpectSent(seq: 1, ack: 1, Fin | Ack);
        h.Receive(seq: 1, ack: 2);
        h.Connection.State.Should().Be(TcpState.FinWait2);
        SimTime timeWait = h.Receive(seq: 1, ack: 2, Fin | Ack);
        h.ExpectSent(seq: 2, ack: 2, Ack, at: timeWait);
        h.Connection.State.Should().Be(TcpState.TimeWait);

        // Our ACK was lost: the peer sends its FIN again 20 s later. RFC 9293 3.10.7.4,
        // TIME-WAIT: "acknowledge it, and restart the 2 MSL timeout".
        SimTime restarted = h.Receive(seq: 1, ack: 2, Fin | Ack, at: timeWait + SimDuration.FromSeconds(20));
        h.ExpectSent(seq: 2, ack: 2, Ack, at: restarted);

        h.RunUntil(timeWait + SimDuration.FromSeconds(60));
        h.Connection.State.Should().Be(TcpState.TimeWait, "the timer restarted at the second FIN");
        h.RunUntil(restarted + SimDuration.FromSeconds(60) - TcpHarness.Lag);
        h.Connection.State.Should().Be(TcpState.TimeWait);
        h.RunUntil(restarted + SimDuration.FromSeconds(60));
        h.Connection.State.Should().Be(TcpState.Closed);
        h.Connection.Closed.IsCompletedSuccessfully.Should().BeTrue();
        h.ExpectNothingSent();
    }
}
