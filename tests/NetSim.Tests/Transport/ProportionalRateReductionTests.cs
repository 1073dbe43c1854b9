using NetSim.Transport;

namespace NetSim.Tests.Transport;

/// <summary>Proportional Rate Reduction (RFC 6937) on its own, with the equations worked by hand.</summary>
public class ProportionalRateReductionTests
{
    private const int Mss = 1000;

    [Fact]
    public void While_the_pipe_is_above_ssthresh_the_window_follows_ssthresh_over_recover_fs_of_what_was_delivered()
    {
        var prr = new ProportionalRateReduction();

        // 20 segments in flight, the third duplicate ACK: RecoverFS 20,000, ssthresh 10,000,
        // prr_delivered 1000, pipe = 20,000 - 3000 - 1000 (the hole) = 16,000.
        // sndcnt = CEIL(1000 * 10,000 / 20,000) - 0 = 500, raised to the hole's 1000 for the fast retransmit.
        prr.Start(flightSize: 20_000, duplicateAcks: 3, slowStartThreshold: 10_000, segmentSize: Mss, lost: Mss);
        prr.IsActive.Should().BeTrue();
        prr.Sacked.Should().Be(3000);
        prr.CongestionWindow.Should().Be(17_000);
        prr.OnSent(Mss);
        prr.Pipe(20_000).Should().Be(17_000, "the retransmitted hole is in the network again");

        // prr_delivered 2000, pipe 16,000: sndcnt = 1000 - 1000 = 0.
        prr.OnDuplicateAck(20_000);
        prr.CongestionWindow.Should().Be(16_000);

        // prr_delivered 3000, pipe 15,000: sndcnt = 1500 - 1000 = 500.
        prr.OnDuplicateAck(20_000);
        prr.CongestionWindow.Should().Be(15_500);
    }

    [Fact]
    public void A_partial_ack_delivers_what_the_duplicate_acks_did_not_count_already()
    {
        var prr = new ProportionalRateReduction();
        prr.Start(flightSize: 8000, duplicateAcks: 3, slowStartThreshold: 4000, segmentSize: Mss, lost: Mss);
        prr.CongestionWindow.Should().Be(5000, "pipe 4000 + the fast retransmit");
        prr.OnSent(Mss);
        prr.OnDuplicateAck(8000);
        prr.CongestionWindow.Should().Be(4000, "pipe 4000, at ssthresh: nothing more");
        prr.OnDuplicateAck(8000);
        prr.CongestionWindow.Should().Be(4000, "pipe 3000 + MIN(1000, MAX(3000 - 1000, 1000))");
        prr.OnSent(Mss);
        prr.OnDuplicateAck(9000);
        prr.CongestionWindow.Should().Be(4000, "pipe 3000 + MIN(1000, MAX(4000 - 2000, 1000))");
        prr.OnSent(Mss);

        // 3000 acknowledged: the hole and two segments the duplicate ACKs counted, so DeliveredData
        // is 1000 (prr_delivered 5000), 4000 stay counted, and the next hole (1000) is lost:
        // pipe = 7000 - 4000 - 1000 = 2000, sndcnt = MIN(4000 - 2000, MAX(5000 - 3000, 1000)) = 2000.
        prr.OnPartialAck(acknowledged: 3000, flightSize: 7000, lost: Mss);
        prr.Sacked.Should().Be(4000);
        prr.CongestionWindow.Should().Be(4000);
    }

    [Theory]
    [InlineData(0, 4000)] // no new loss: PRR-SSRB, pipe 2000 + MIN(2000, MAX(2000 - 3000, 1000) + 1000)
    [InlineData(Mss, 2000)] // the ACK declares the next hole lost: PRR-CRB, pipe 1000 + MIN(3000, MAX(-1000, 1000))
    public void Once_the_pipe_is_at_ssthresh_the_slow_start_bound_applies_only_to_an_ack_with_no_new_loss(int lost, int expectedWindow)
    {
        var prr = new ProportionalRateReduction();
        prr.Start(flightSize: 8000, duplicateAcks: 3, slowStartThreshold: 4000, segmentSize: Mss, lost: Mss);
        prr.OnSent(3000); // prr_out 3000: the retransmission and two new segments

        // 2000 acknowledged, of which the hole's 1000 had not been counted: DeliveredData 1000,
        // prr_delivered 2000, Sacked 2000 left, 4000 in flight.
        prr.OnPartialAck(acknowledged: 2000, flightSize: 4000, lost: lost);
        prr.CongestionWindow.Should().Be(expectedWindow);
    }

    [Fact]
    public void Stopping_gives_the_window_back_and_counts_nothing_more()
    {
        var prr = new ProportionalRateReduction();
        prr.Start(flightSize: 8000, duplicateAcks: 3, slowStartThreshold: 4000, segmentSize: Mss, lost: Mss);
        prr.Stop();
        prr.IsActive.Should().BeFalse();
        prr.Pipe(8000).Should().Be(8000, "outside recovery the pipe is the flight");
        prr.Sacked.Should().Be(0);
    }
}
