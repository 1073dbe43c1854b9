using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class TcpSenderTests
{
    private const int Mss = 1000;

    [Theory]
    [InlineData(10_000, 0, 4000, 8000, 0, 1000)] // room in both windows: a full segment
    [InlineData(10_000, 0, 4000, 600, 0, 600)] // nothing in flight: what the peer's window takes
    [InlineData(300, 0, 4000, 8000, 2000, 300)] // the last bytes buffered go at once, data in flight or not (no Nagle)
    [InlineData(300, 5000, 4000, 8000, 2000, 0)] // the buffer's tail, but the application's write waits for room: a full segment will fit later
    [InlineData(300, 5000, 4000, 8000, 0, 300)] // the same with nothing in flight: no ACK would come to send it, so it goes
    [InlineData(300, 500, 4000, 8000, 2000, 0)] // the rest of the write is short too: both go as one segment when an ACK makes room
    [InlineData(10_000, 0, 8000, 8000, 7500, 0)] // 500 of room, more buffered, data in flight: wait for a full segment
    [InlineData(10_000, 0, 2500, 8000, 2000, 0)] // the same, held back by the congestion window
    [InlineData(10_000, 0, 8000, 3000, 3000, 0)] // the peer's window is full
    [InlineData(5000, 0, 4000, 1000, 2000, 0)] // the peer's window shrank below what is in flight
    [InlineData(10_000, 0, 4000, 0, 0, 0)] // a zero window: the persist timer probes it instead
    public void What_may_be_sent_depends_on_the_smaller_window_what_is_in_flight_and_what_is_waiting(int unsent, int waitingToBuffer, int congestionWindow, int sendWindow, int inFlight, int expected)
    {
        TcpSender.SendableLength(Mss, unsent, waitingToBuffer, congestionWindow, sendWindow, inFlight).Should().Be(expected);
    }

    [Fact]
    public void A_window_of_several_segments_is_filled_one_full_segment_at_a_time()
    {
        int unsent = 3500;
        int inFlight = 0;
        var segments = new List<int>();
        int length;
        while ((length = TcpSender.SendableLength(Mss, unsent, waitingToBuffer: 0, congestionWindow: 10_000, sendWindow: 10_000, inFlight)) > 0)
        {
            segments.Add(length);
            unsent -= length;
            inFlight += length;
        }

        segments.Should().Equal(1000, 1000, 1000, 500);
    }
}
