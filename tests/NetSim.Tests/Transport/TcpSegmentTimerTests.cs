using NetSim.Engine;
using NetSim.Transport;
using NetSim.Wire;
using SocketError = System.Net.Sockets.SocketError;
using SocketException = System.Net.Sockets.SocketException;
using NetSim.Tracing;

namespace NetSim.Tests.Transport;

/// <summary>
/// TCP's timers segment by segment (RFC 6298 and RFC 9293), through <see cref="TcpHarness"/>:
/// the retransmission timeout from RTT samples, Karn's rule, backoff and its ceiling, and how
/// many SYNs a connect sends, when, before it gives up.
/// </summary>
public class TcpSegmentTimerTests
{
    private const TcpFlags Syn = TcpFlags.Syn;
    private const TcpFlags Ack = TcpFlags.Ack;
    private const TcpFlags Psh = TcpFlags.Psh;

    private static SimDuration Ms(long milliseconds) => SimDuration.FromMilliseconds(milliseconds);

    private static SimDuration S(long seconds) => SimDuration.FromSeconds(seconds);

    /// <summary>A lower minimum RTO than RFC 6298's 1 s, so that the computed value shows.</summary>
    private static readonly TcpSettings LowMinimum = new() { MinimumRetransmissionTimeout = SimDuration.FromMilliseconds(1) };

    internal static SocketError ErrorOf(Task task)
    {
        task.IsFaulted.Should().BeTrue("{0} should have failed", task);
        return task.Exception!.InnerException.Should().BeOfType<SocketException>().Subject.SocketErrorCode;
    }

    internal static SocketError ReadError(TcpHarness h) => ErrorOf(h.Connection.ReadAsync(new byte[1]).AsTask());

    [Fact]
    public void The_harness_shows_the_handshake_and_data_segment_by_segment_with_relative_numbers()
    {
        var h = new TcpHarness();
        h.Connect();
        h.ExpectSent(seq: 0, ack: 0, Syn, mss: 1460, window: 65535, at: SimTime.Zero);
        h.ExpectNothingSent();

        h.Receive(seq: 0, ack: 1, Syn | Ack, mss: 1000, at: SimTime.Zero + Ms(10));
        h.ExpectSent(seq: 1, ack: 1, Ack, mss: 0, at: SimTime.Zero + Ms(10));
        h.Connection.State.Should().Be(TcpState.Established);
        h.Connection.MaximumSegmentSize.Should().Be(1000, "the smaller of the peer's 1000 and our 1460");

        h.Write(1500);
        h.ExpectSent(seq: 1, ack: 1, Ack, length: 1000);
        h.ExpectSent(seq: 1001, ack: 1, Ack | Psh, length: 500);
        h.ExpectNothingSent();

        SimTime arrived = h.Receive(seq: 1, ack: 1501, length: 300); // the peer's data, wrapping its 32-bit sequence space
        h.ExpectNothingSent();
        h.RunUntilSent(); // a lone segment: its ACK is delayed, 40 ms by default (RFC 1122 4.2.3.2)
        h.ExpectSent(seq: 1501, ack: 301, Ack, window: 65535 - 300, at: arrived + Ms(40));
        h.Read().Should().Equal(TcpHarness.Stream(TcpHarness.PeerByte, 1, 300));
        h.Connection.BytesAcknowledged.Should().Be(1500);
        h.OtherFramesSent.Should().Be(0, "the host knows the peer's MAC address: no ARP");
    }

    [Fact]
    public void The_first_rtt_sample_sets_srtt_to_it_and_rto_to_srtt_plus_four_rttvar()
    {
        // RFC 6298 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4 RTTVAR). The handshake is the first sample.
        TcpHarness h = TcpHarness.Established(LowMinimum, handshakeRtt: Ms(100));
        h.Connection.SmoothedRoundTripTime.Should().Be(Ms(100));
        h.Connection.RetransmissionTimeout.Should().Be(Ms(300), "100 ms + 4 x 50 ms");

        // RFC 6298 2.3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|, then SRTT = 7/8 SRTT + 1/8 R'.
        h.Write(100);
        SentSegment data = h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 100);
        h.Receive(seq: 1, ack: 101, at: data.At + Ms(250));
        h.Connection.SmoothedRoundTripTime.Should().Be(SimDuration.FromMicroseconds(118_750), "7/8 x 100 + 1/8 x 250");
        h.Connection.RetransmissionTimeout.Should().Be(SimDuration.FromMicroseconds(418_750), "118.75 + 4 x (3/4 x 50 + 1/4 x 150) = 118.75 + 4 x 75");

        // And that is the timeout the next segment gets.
        h.Write(100);
        data = h.ExpectSent(seq: 101, ack: 1, Ack | Psh, length: 100);
        h.RunUntilSent();
        h.ExpectSent(seq: 101, ack: 1, Ack | Psh, length: 100, at: data.At + SimDuration.FromMicroseconds(418_750));
    }

    [Fact]
    public void The_rto_is_held_between_its_minimum_and_its_maximum()
    {
        // RFC 6298 2.4: at least 1 s, whatever the RTT.
        TcpHarness fast = TcpHarness.Established(handshakeRtt: Ms(100));
        fast.Connection.RetransmissionTimeout.Should().Be(S(1));

        // RFC 6298 2.5: a maximum may be placed on it (120 s by default, as Linux).
        TcpHarness slow = TcpHarness.Established(new TcpSettings { InitialRetransmissionTimeout = S(100) }, handshakeRtt: S(50));
        slow.Connection.SmoothedRoundTripTime.Should().Be(S(50));
        slow.Connection.RetransmissionTimeout.Should().Be(S(120), "50 s + 4 x 25 s = 150 s, above the maximum");
    }

    [Fact]
    public void Timeouts_double_the_rto_up_to_its_maximum_and_the_connection_gives_up_after_max_retransmissions()
    {
        TcpHarness h = TcpHarness.Established(new TcpSettings { MaximumRetransmissionTimeout = S(10), MaxRetransmissions = 6 });
        h.Write(100);
        SimTime t0 = h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 100).At;

        // RFC 6298 5.5 and 5.6: each expiry resends the first unacknowledged segment and doubles the RTO, up to 10 s here.
        long[] retransmittedAt = [1, 3, 7, 15, 25, 35];
        long[] rtoAfter = [2, 4, 8, 10, 10, 10];
        for (int i = 0; i < retransmittedAt.Length; i++)
        {
            h.RunUntilSent();
            h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 100, at: t0 + S(retransmittedAt[i]));
            h.Connection.RetransmissionTimeout.Should().Be(S(rtoAfter[i]));
        }

        // The 7th expiry is one too many: the connection is given up, without a reset.
        h.RunUntil(t0 + S(45) - TcpHarness.Lag);
        h.Connection.State.Should().Be(TcpState.Established);
        h.RunUntil(t0 + S(45));
        h.Connection.State.Should().Be(TcpState.Closed);
        ReadError(h).Should().Be(SocketError.TimedOut);
        h.Connection.Retransmissions.Should().Be(6);
        h.RunFor(S(600));
        h.ExpectNothingSent();
    }

    [Fact]
    public void Karn_the_ack_of_a_retransmitted_segment_is_no_rtt_sample_and_the_backed_off_rto_stays_until_a_fresh_one()
    {
        TcpHarness h = TcpHarness.Established(LowMinimum, handshakeRtt: Ms(100)); // SRTT 100, RTTVAR 50, RTO 300 ms
        h.Write(100);
        SimTime sent = h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 100).At;
        h.RunUntilSent();
        h.ExpectSent(seq: 1, ack: 1, Ack | Psh, length: 100, at: sent + Ms(300));
        h.Connection.RetransmissionTimeout.Should().Be(Ms(600), "backed off");

        // The ACK could be for either copy (RFC 6298 3: Karn's algorithm): no sample, and the backed-off RTO stays.
        h.Receive(seq: 1, ack: 101, at: sent + Ms(350));
        h.Connection.SmoothedRoundTripTime.Should().Be(Ms(100));
        h.Connection.RetransmissionTimeout.Should().Be(Ms(600));

        // A segment sent once is timed: RTTVAR = 3/4 x 50 + 1/4 x 100 = 62.5, SRTT = 7/8 x 100 + 1/8 x 200 = 112.5.
        h.Write(100);
        sent = h.ExpectSent(seq: 101, ack: 1, Ack | Psh, length: 100).At;
        h.Receive(seq: 1, ack: 201, at: sent + Ms(200));
        h.Connection.SmoothedRoundTripTime.Should().Be(SimDuration.FromMicroseconds(112_500));
        h.Connection.RetransmissionTimeout.Should().Be(SimDuration.FromMicroseconds(362_500), "112.5 + 4 x 62.5");
    }

    [Fact]
    public void A_connect_sends_seven_identical_syns_at_0_1_3_7_15_31_and_63_s_and_fails_at_127_s()
    {
        var h = new TcpHarness();
        Task<TcpConnection> connect = h.Connect();
        foreach (long at in (long[])[0, 1, 3, 7, 15, 31, 63])
        {
            h.RunUntilSent();
            h.ExpectSent(seq: 0, ack: 0, Syn, mss: 1460, window: 65535, at: SimTime.FromSeconds(at));
        }

        h.RunUntil(SimTime.FromSeconds(127) - TcpHarness.Lag);
        connect.IsCompleted.Should().BeFalse();
        h.RunUntil(SimTime.FromSeconds(127));
        ErrorOf(connect).Should().Be(SocketError.TimedOut);
        h.RunFor(S(600));
        h.ExpectNothingSent();
        h.OtherFramesSent.Should().Be(0);
    }

    [Fact]
    public void Syn_retransmissions_back_off_up_to_the_maximum_rto()
    {
        var h = new TcpHarness(new TcpSettings { MaximumRetransmissionTimeout = S(4), SynRetries = 5 });
        Task<TcpConnection> connect = h.Connect();
        foreach (long at in (long[])[0, 1, 3, 7, 11, 15])
        {
            h.RunUntilSent();
            h.ExpectSent(seq: 0, ack: 0, Syn, mss: 1460, at: SimTime.FromSeconds(at));
        }

        h.RunUntil(SimTime.FromSeconds(19) - TcpHarness.Lag);
        connect.IsCompleted.Should().BeFalse();
        h.RunUntil(SimTime.FromSeconds(19));
        ErrorOf(connect).Should().Be(SocketError.TimedOut);
    }

    [Fact]
    public void After_a_retransmitted_syn_the_syn_ack_gives_no_sample_the_rto_is_3_s_and_the_initial_window_one_segment()
    {
        var h = new TcpHarness();
        h.Connect();
        h.ExpectSent(seq: 0, ack: 0, Syn, at: SimTime.Zero);
        h.RunUntilSent();
        h.ExpectSent(seq: 0, ack: 0, Syn, at: SimTime.FromSeconds(1));

        h.Receive(seq: 0, ack: 1, Syn | Ack, mss: 1000, at: SimTime.FromMilliseconds(1500));
        h.ExpectSent(seq: 1, ack: 1, Ack);
        h.Connection.SmoothedRoundTripTime.Should().Be(SimDuration.Zero, "Karn: the SYN-ACK may answer either SYN");
        h.Connection.RetransmissionTimeout.Should().Be(S(3), "RFC 6298 5.7");
        h.Connection.CongestionWindow.Should().Be(1000, "RFC 5681 3.1: one segment after a lost SYN");

        h.Write(3000);
        SimTime sent = h.ExpectSent(seq: 1, ack: 1, Ack, length: 1000).At;
        h.ExpectNothingSent();
        h.RunUntilSent();
        h.ExpectSent(seq: 1, ack: 1, Ack, length: 1000, at: sent + S(3));
    }
}
