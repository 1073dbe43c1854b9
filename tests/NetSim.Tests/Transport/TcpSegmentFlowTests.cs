using NetSim.Engine;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>
/// The two windows segment by segment: the receiver's bound on out-of-order ranges, and
/// the sender's zero-window probes (RFC 9293 3.8.6.1), through <see cref="TcpHarness"/>.
/// </summary>
public class TcpSegmentFlowTests
{
    private const TcpFlags Ack = TcpFlags.Ack;
    private const TcpFlags Psh = TcpFlags.Psh;

    private static SimDuration S(long seconds) => SimDuration.FromSeconds(seconds);

    /// <summary>The relative sequence number where 100-byte chunk <paramref name="i"/> of the peer's stream starts.</summary>
    private static uint Chunk(int i) => (uint)(1 + (100 * i));

    [Fact]
    public void A_window_limited_bulk_transfer_sends_only_full_segments_but_the_last()
    {
        // The send buffer and the peer's window hold 10.5 segments: while the window is the limit,
        // half a segment of room opens up and the buffer's tail is half a segment, but most of the
        // application's write is still waiting for buffer room. RFC 9293 3.8.6.2.1: that tail
        // waits for a full segment, as the write will soon fill it (no 500-byte runts).
        const int total = 30_500;
        const ushort window = 10_500;
        TcpHarness h = TcpHarness.Established(new TcpSettings { SendBufferSize = window }, peerMss: 1000, peerWindow: window);
        Task writing = h.Write(total);
        var data = new List<SentSegment>();
        int seen = h.Sent.Count;
        uint acked = 1;
        int mostInFlight = 0;
        while (acked < total + 1)
        {
            h.RunFor(SimDuration.FromNanoseconds(1)); // the host's burst goes onto the wire
            data.AddRange(h.Sent.Skip(seen).Where(s => s.Length > 0));
            seen = h.Sent.Count;
            SentSegment next = data.First(s => s.Seq + (uint)s.Length > acked); // the peer acknowledges one segment at a time
            acked = next.Seq + (uint)next.Length;
            mostInFlight = Math.Max(mostInFlight, (int)(data[^1].Seq + (uint)data[^1].Length - next.Seq));
            h.Receive(seq: 1, ack: acked, window: window);
        }

        writing.IsCompletedSuccessfully.Should().BeTrue();
        mostInFlight.Should().BeGreaterThanOrEqualTo(10_000, "the peer's window, not cwnd, was the limit");
        data.Sum(s => s.Length).Should().Be(total, "nothing was sent twice");
        data.Take(data.Count - 1).Should().OnlyContain(s => s.Length == 1000, "only the last segment may be short: {0}", string.Join(", ", data.Where(s => s.Length != 1000)));
        data[^1].Length.Should().Be(500);
        data[^1].Flags.Should().Be(Ack | Psh, "the end of the write");
    }

    [Fact]
    public void More_holes_than_the_bound_drop_the_extra_range_and_every_byte_arrives_once_the_holes_fill()
    {
        TcpHarness h = TcpHarness.Established();

        // 65 ranges, each after a hole: chunks 1, 3, ..., 129. Each gets a duplicate ACK.
        // The receiver keeps 64 ranges: the 65th (chunk 129) is dropped, to be sent again.
        for (int i = 1; i <= 129; i += 2)
        {
            h.Receive(seq: Chunk(i), ack: 1, length: 100);
            h.ExpectSent(seq: 1, ack: 1, Ack);
        }

        // A chunk that touches a kept range joins it even with the list full (chunk 128 extends 127).
        h.Receive(seq: Chunk(128), ack: 1, length: 100);
        h.ExpectSent(seq: 1, ack: 1, Ack);
        h.Connection.BytesReceived.Should().Be(0);

        // The holes fill: each one joins the range after it.
        for (int i = 0; i <= 124; i += 2)
        {
            h.Receive(seq: Chunk(i), ack: 1, length: 100);
            h.ExpectSent(seq: 1, ack: Chunk(i + 2), Ack);
        }

        // The last hole: the ACK runs through chunks 127 and 128, and stops where the dropped range was.
        h.Receive(seq: Chunk(126), ack: 1, length: 100);
        h.ExpectSent(seq: 1, ack: Chunk(129), Ack);

        // In order with no hole left: an ordinary segment, whose ACK waits the delay (RFC 1122 4.2.3.2).
        SimTime last = h.Receive(seq: Chunk(129), ack: 1, length: 100);
        h.ExpectNothingSent();
        h.RunUntilSent();
        h.ExpectSent(seq: 1, ack: Chunk(130), Ack, at: last + SimDuration.FromMilliseconds(40));
        h.Read().Should().Equal(TcpHarness.Stream(TcpHarness.PeerByte, 1, 13_000));
        h.Connection.State.Should().Be(TcpState.Established);

        // Reading it all opens the window by 13,000 bytes, but it never shrank to half the buffer:
        // no update of its own, as Linux's tcp_cleanup_rbuf (the window update after a read is
        // tested in TcpSegmentDelayedAckTests).
        h.ExpectNothingSent();
    }

    [Fact]
    public void A_zero_window_is_probed_one_byte_at_a_time_with_backoff_and_sending_resumes_when_it_opens()
    {
        TcpHarness h = TcpHarness.Established(peerWindow: 1000); // RTO 1 s
        h.Write(3000);
        h.ExpectSent(seq: 1, ack: 1, Ack, length: 1000);
        h.ExpectNothingSent();

        SimTime closed = h.Receive(seq: 1, ack: 1001, window: 0);
        h.ExpectNothingSent();

        // RFC 9293 3.8.6.1: the first probe after an RTO, then exponentially further apart.
        // Each is the next byte, which the peer refuses (its window stays shut).
        foreach (long at in (long[])[1, 3, 7, 15, 31, 63])
        {
            h.RunUntilSent();
            h.ExpectSent(seq: 1001, ack: 1, Ack, length: 1, at: closed + S(at));
            h.Receive(seq: 1, ack: 1001, window: 0);
            h.ExpectNothingSent();
        }

        h.RunUntilSent(S(120)); // and no further apart than the largest RTO
        h.ExpectSent(seq: 1001, ack: 1, Ack, length: 1);
        h.Connection.ZeroWindowProbes.Should().Be(7);
        h.Connection.RetransmissionTimeouts.Should().Be(0);

        // The window opens: the refused byte goes again, as part of an ordinary segment.
        SimTime opened = h.Receive(seq: 1, ack: 1001, window: 4000);
        h.ExpectSent(seq: 1001, ack: 1, Ack, length: 1000, at: opened);
        h.ExpectSent(seq: 2001, ack: 1, Ack | Psh, length: 1000, at: opened);
        h.Receive(seq: 1, ack: 3001, window: 4000);
        h.RunFor(S(600));
        h.ExpectNothingSent();
        h.Connection.ZeroWindowProbes.Should().Be(7);
        h.Connection.BytesAcknowledged.Should().Be(3000);
    }

    [Fact]
    public void A_probe_byte_the_peer_takes_is_not_sent_again()
    {
        TcpHarness h = TcpHarness.Established(peerWindow: 1000);
        h.Write(1500);
        h.ExpectSent(seq: 1, ack: 1, Ack, length: 1000);
        SimTime closed = h.Receive(seq: 1, ack: 1001, window: 0);
        h.RunUntilSent();
        h.ExpectSent(seq: 1001, ack: 1, Ack, length: 1, at: closed + S(1));

        // The peer had room for it after all, and opens its window.
        SimTime opened = h.Receive(seq: 1, ack: 1002, window: 1000);
        h.ExpectSent(seq: 1002, ack: 1, Ack | Psh, length: 499, at: opened);
        h.Receive(seq: 1, ack: 1501, window: 1000);
        h.RunFor(S(600));
        h.ExpectNothingSent();
        h.Connection.BytesAcknowledged.Should().Be(1500);
    }
}
