using NetSim.Engine;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class RttEstimatorTests
{
    private static SimDuration Ms(long milliseconds) => SimDuration.FromMilliseconds(milliseconds);

    private static SimTime At(long milliseconds) => SimTime.Zero + Ms(milliseconds);

    private static RttEstimator Estimator(long minimumMs = 200) => new(Ms(1000), Ms(minimumMs), Ms(60_000));

    [Fact]
    public void Before_any_sample_the_timeout_is_the_initial_one()
    {
        RttEstimator rtt = Estimator();

        rtt.HasSample.Should().BeFalse();
        rtt.RetransmissionTimeout.Should().Be(Ms(1000));
        rtt.SmoothedRoundTripTime.Should().Be(SimDuration.Zero);
    }

    [Fact]
    public void The_first_sample_sets_srtt_to_it_and_rttvar_to_half_of_it_rfc_6298_2_2()
    {
        RttEstimator rtt = Estimator();

        rtt.Add(Ms(100));

        rtt.SmoothedRoundTripTime.Should().Be(Ms(100));
        rtt.RoundTripTimeVariation.Should().Be(Ms(50));
        rtt.RetransmissionTimeout.Should().Be(Ms(300), "SRTT + 4 RTTVAR = 100 + 200 ms");
        rtt.MinimumRoundTripTime.Should().Be(Ms(100));
    }

    [Fact]
    public void Later_samples_move_srtt_by_an_eighth_and_rttvar_by_a_quarter_rfc_6298_2_3()
    {
        RttEstimator rtt = Estimator();
        rtt.Add(Ms(100));

        rtt.Add(Ms(180));

        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 180| = 37.5 + 20 = 57.5 ms (RTTVAR first, with the old SRTT)
        rtt.RoundTripTimeVariation.Should().Be(SimDuration.FromMicroseconds(57_500));
        // SRTT = 7/8 * 100 + 1/8 * 180 = 110 ms
        rtt.SmoothedRoundTripTime.Should().Be(Ms(110));
        rtt.RetransmissionTimeout.Should().Be(Ms(340), "110 + 4 * 57.5 ms");
        rtt.MinimumRoundTripTime.Should().Be(Ms(100));

        rtt.Add(Ms(40));
        rtt.MinimumRoundTripTime.Should().Be(Ms(40));
    }

    [Fact]
    public void The_timeout_is_clamped_to_the_minimum_and_the_maximum()
    {
        RttEstimator rtt = Estimator(minimumMs: 1000);
        rtt.Add(Ms(10));
        rtt.RetransmissionTimeout.Should().Be(Ms(1000), "RFC 6298, 2.4: never below the minimum however short the round trip");

        RttEstimator slow = Estimator();
        slow.Add(Ms(50_000));
        slow.RetransmissionTimeout.Should().Be(Ms(60_000), "RFC 6298, 2.5: a maximum may be placed on the RTO");
    }

    [Fact]
    public void Each_backoff_doubles_the_timeout_up_to_the_maximum()
    {
        RttEstimator rtt = Estimator();
        var seen = new List<SimDuration>();
        for (int i = 0; i < 8; i++)
        {
            rtt.BackOff();
            seen.Add(rtt.RetransmissionTimeout);
        }

        seen.Should().Equal(Ms(2000), Ms(4000), Ms(8000), Ms(16_000), Ms(32_000), Ms(60_000), Ms(60_000), Ms(60_000));
    }

    [Fact]
    public void A_timed_segment_gives_a_sample_when_an_ack_covers_its_end()
    {
        RttEstimator rtt = Estimator();
        rtt.StartTiming(end: 2000, At(10));

        rtt.TryMeasure(1500, At(40), out _).Should().BeFalse("the ACK does not cover the timed segment");
        rtt.IsTiming.Should().BeTrue();
        rtt.TryMeasure(2500, At(90), out SimDuration sample).Should().BeTrue();

        sample.Should().Be(Ms(80));
        rtt.SmoothedRoundTripTime.Should().Be(Ms(80));
        rtt.IsTiming.Should().BeFalse("one segment per round trip is timed");
        rtt.TryMeasure(3000, At(100), out _).Should().BeFalse();
    }

    [Fact]
    public void Karns_rule_a_retransmission_forgets_the_timed_segment()
    {
        RttEstimator rtt = Estimator();
        rtt.StartTiming(end: 2000, At(0));

        rtt.BackOff(); // the timer expired and the segment went again
        rtt.TryMeasure(2000, At(1500), out _).Should().BeFalse("the ACK may be for either transmission");

        rtt.StartTiming(end: 3000, At(0));
        rtt.StopTiming(); // a fast retransmit
        rtt.TryMeasure(3000, At(10), out _).Should().BeFalse();
        rtt.HasSample.Should().BeFalse();
    }

    [Fact]
    public void The_timed_segment_end_compares_modulo_two_to_the_32()
    {
        RttEstimator rtt = Estimator();
        rtt.StartTiming(end: 10, At(0)); // just past the wrap

        rtt.TryMeasure(uint.MaxValue - 5, At(20), out _).Should().BeFalse("0xFFFFFFFA comes before 10");
        rtt.TryMeasure(10, At(20), out _).Should().BeTrue();
    }

    [Fact]
    public void A_retransmitted_handshake_starts_data_at_three_seconds_unless_measured_rfc_6298_5_7()
    {
        RttEstimator unmeasured = Estimator();
        unmeasured.OnHandshakeRetransmitted();
        unmeasured.RetransmissionTimeout.Should().Be(Ms(3000));

        RttEstimator measured = Estimator();
        measured.Add(Ms(100));
        measured.OnHandshakeRetransmitted();
        measured.RetransmissionTimeout.Should().Be(Ms(300));
    }
}
