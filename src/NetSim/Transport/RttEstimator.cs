using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// The retransmission timeout of one TCP sender (RFC 6298): the smoothed round-trip time
/// (SRTT) and its variation (RTTVAR) from samples, the timeout (RTO) they give, clamped to
/// a minimum and a maximum, its doubling after each expiry, and the one segment being timed
/// (one per round trip, RFC 6298 section 3), forgotten when anything is retransmitted
/// (Karn's rule).
/// </summary>
internal sealed class RttEstimator
{
    private readonly SimDuration minimum;
    private readonly SimDuration maximum;
    private uint timedEnd; // the sequence number just past the timed segment: an ACK of it ends the timing
    private SimTime timedAt;

    /// <summary>An estimator with no sample yet: the timeout is <paramref name="initial"/> (RFC 6298, 2.1).</summary>
    public RttEstimator(SimDuration initial, SimDuration minimum, SimDuration maximum)
    {
        this.minimum = minimum;
        this.maximum = maximum;
        RetransmissionTimeout = initial;
    }

    /// <summary>Whether a round trip has been measured.</summary>
    public bool HasSample { get; private set; }

    /// <summary>SRTT; zero before the first sample.</summary>
    public SimDuration SmoothedRoundTripTime { get; private set; }

    /// <summary>RTTVAR; zero before the first sample.</summary>
    public SimDuration RoundTripTimeVariation { get; private set; }

    /// <summary>The smallest sample so far; zero before the first.</summary>
    public SimDuration MinimumRoundTripTime { get; private set; }

    /// <summary>RTO, backoff included.</summary>
    public SimDuration RetransmissionTimeout { get; private set; }

    /// <summary>Whether a segment is being timed.</summary>
    public bool IsTiming { get; private set; }

    /// <summary>Times the segment that ends just before <paramref name="end"/>, sent <paramref name="now"/> for the first time.</summary>
    public void StartTiming(uint end, SimTime now)
    {
        IsTiming = true;
        timedEnd = end;
        timedAt = now;
    }

    /// <summary>Karn's rule: a retransmission makes the timed segment's ACK ambiguous, so it is not timed.</summary>
    public void StopTiming() => IsTiming = false;

    /// <summary>
    /// An ACK up to <paramref name="ack"/> arrived <paramref name="now"/>: when it covers the
    /// timed segment, the round trip is a sample, taken into the estimate and returned.
    /// </summary>
    public bool TryMeasure(uint ack, SimTime now, out SimDuration sample)
    {
        if (!IsTiming || TcpSequence.LessThan(ack, timedEnd))
        {
            sample = default;
            return false;
        }

        IsTiming = false;
        sample = now - timedAt;
        Add(sample);
        return true;
    }

    /// <summary>Takes one round-trip sample into SRTT, RTTVAR and RTO (RFC 6298, 2.2 and 2.3).</summary>
    public void Add(SimDuration sample)
    {
        if (!HasSample)
        {
            SmoothedRoundTripTime = sample; // RFC 6298, 2.2
            RoundTripTimeVariation = sample / 2;
            MinimumRoundTripTime = sample;
            HasSample = true;
        }
        else
        {
            SimDuration difference = SmoothedRoundTripTime > sample ? SmoothedRoundTripTime - sample : sample - SmoothedRoundTripTime;
            RoundTripTimeVariation = ((RoundTripTimeVariation * 3) + difference) / 4; // RFC 6298, 2.3: beta = 1/4
            SmoothedRoundTripTime = ((SmoothedRoundTripTime * 7) + sample) / 8; // alpha = 1/8
            MinimumRoundTripTime = Min(MinimumRoundTripTime, sample);
        }

        RetransmissionTimeout = Min(Max(SmoothedRoundTripTime + (RoundTripTimeVariation * 4), minimum), maximum); // RFC 6298, 2.4 and 2.5
    }

    /// <summary>The timer expired: the timeout doubles, up to the maximum (RFC 6298, 5.5), and the timed segment is forgotten.</summary>
    public void BackOff()
    {
        RetransmissionTimeout = Min(RetransmissionTimeout * 2, maximum);
        IsTiming = false;
    }

    /// <summary>A SYN or SYN-ACK was retransmitted and nothing measured: the timeout starts data transfer at 3 s (RFC 6298, 5.7).</summary>
    public void OnHandshakeRetransmitted()
    {
        if (!HasSample)
        {
            RetransmissionTimeout = Max(SimDuration.FromSeconds(3), minimum);
        }
    }

    private static SimDuration Min(SimDuration a, SimDuration b) => a < b ? a : b;

    private static SimDuration Max(SimDuration a, SimDuration b) => a > b ? a : b;
}
