using NetSim.Engine;

namespace NetSim.Transport;

/// <summary>
/// CUBIC (RFC 9438), the default congestion control of Linux (since 2.6.19), Windows and macOS:
/// after a loss the window follows W_cubic(t) = C (t - K)^3 + W_max, concave up to the window of
/// the last loss (W_max) and convex beyond it, never slower than the Reno-friendly estimate
/// W_est. It is NetSim's default (<see cref="TcpSettings.CongestionControl"/>), as Linux's;
/// <see cref="NewRenoCongestionControl"/> is the other choice.
/// </summary>
/// <remarks>
/// <para>
/// As RFC 9438: C = 0.4, beta_cubic = 0.7, K = cbrt((W_max - cwnd_epoch) / C) (4.2), the target
/// W_cubic(t + RTT) bounded to [cwnd, 1.5 cwnd] with RTT the smoothed round-trip time, as the RFC
/// says (Linux uses the minimum RTT instead), the Reno-friendly W_est with
/// alpha_cubic = 3 (1 - beta) / (1 + beta), and 1 once W_est reaches cwnd_prior (4.3), fast
/// convergence (4.7, on by default as in Linux) and the timeout rule (4.8: the next
/// congestion avoidance stage starts with K = 0 and W_max = its first window). Windows are kept in
/// bytes; an ACK of n bytes counts as n / MSS segments (RFC 9438 4.1), so delayed ACKs do not
/// slow the growth. Time during which the sender was not held back by the window (an ACK that
/// was not cwnd-limited, an idle restart) is left out of t (4.2).
/// </para>
/// <para>
/// As Linux and RFC 9438 4.6 allow: ssthresh = beta_cubic x cwnd (not flight size); the
/// connection grows the window only while it is cwnd-limited, which the RFC requires of this choice.
/// Slow start is NewReno's (RFC 5681 with RFC 3465, L = 2 SMSS; RFC 9438 4.10 allows it), not
/// HyStart++, which Linux runs as HyStart. Fast recovery is the connection's Proportional Rate
/// Reduction towards the threshold this class sets. Not done: undoing a spurious loss (4.9). An ECN echo (ECE) reduces the window as a loss does, without the recovery that follows a loss.
/// </para>
/// </remarks>
public sealed class CubicCongestionControl : ICongestionControl
{
    /// <summary>RFC 9438's C, in segments per second cubed.</summary>
    internal const double C = 0.4;

    /// <summary>RFC 9438's multiplicative decrease factor beta_cubic.</summary>
    internal const double Beta = 0.7;

    /// <summary>RFC 9438's additive factor in the Reno-friendly region, 3 (1 - beta) / (1 + beta).</summary>
    internal const double AlphaCubic = 3 * (1 - Beta) / (1 + Beta);

    private const double MaxWindow = 1 << 30; // a bound, so that no run of ACKs can overflow the window

    private int mss = 536;
    private double cwnd; // bytes, fractional: the growth per ACK is often below a byte
    private double windowMax; // W_max in bytes; 0 after a timeout (4.8: set at the next epoch)
    private double windowPrior; // cwnd_prior in bytes
    private double windowEstimate; // W_est in bytes
    private double k; // seconds
    private bool epochStarted;
    private SimTime epochStart;
    private SimTime lastAck;
    private bool inRecovery;
    private bool timeoutHeld; // a timeout since the last new ACK: ssthresh stays (RFC 5681 3.1)

    /// <summary>
    /// Whether W_max is lowered to cwnd (1 + beta) / 2 when a loss comes before the window
    /// regained the last W_max (RFC 9438 4.7), so that a flow gives up bandwidth to a newcomer
    /// sooner. Default true, as Linux's fast_convergence.
    /// </summary>
    public bool FastConvergence { get; init; } = true;

    /// <inheritdoc/>
    public int CongestionWindow => (int)cwnd;

    /// <inheritdoc/>
    public int SlowStartThreshold { get; private set; } = int.MaxValue; // RFC 5681, 3.1: arbitrarily high at first

    /// <summary>W_max in bytes: the window the cubic function plateaus at; 0 until the first loss, and after a timeout until the next congestion avoidance.</summary>
    internal double MaximumWindow => windowMax;

    /// <summary>K in seconds: the time from the start of congestion avoidance to W_max.</summary>
    internal double TimeToMaximum => k;

    /// <inheritdoc/>
    public void Initialize(in CongestionSignal signal, bool handshakeRetransmitted)
    {
        mss = signal.MaximumSegmentSize;
        cwnd = handshakeRetransmitted ? mss : Math.Max(mss, signal.InitialWindow); // RFC 6928 (a lost SYN or SYN-ACK: one segment, section 2)
        lastAck = signal.Now;
    }

    /// <inheritdoc/>
    public void OnAcknowledged(in CongestionSignal signal)
    {
        timeoutHeld = false;
        SimTime previous = lastAck;
        lastAck = signal.Now;
        if (!signal.IsCongestionWindowLimited)
        {
            if (epochStarted)
            {
                epochStart += signal.Now - previous; // 4.2: t leaves out time the window did not limit the sender
            }

            return;
        }

        int acknowledged = signal.BytesAcknowledged;
        if (cwnd < SlowStartThreshold)
        {
            cwnd = Math.Min(MaxWindow, cwnd + Math.Min(acknowledged, 2 * mss)); // 4.10: Reno's slow start (RFC 3465, L = 2 SMSS)
            return;
        }

        if (!epochStarted)
        {
            StartEpoch(signal.Now);
        }

        double t = (signal.Now - epochStart).TotalSeconds;

        // 4.3, equation 4: Reno's window, growing by alpha_cubic segments per window acknowledged, then 1 once past cwnd_prior.
        double alpha = windowEstimate >= windowPrior ? 1 : AlphaCubic;
        windowEstimate += alpha * acknowledged * mss / cwnd;

        if (Cubic(t) < windowEstimate)
        {
            cwnd = Math.Min(MaxWindow, Math.Max(cwnd, windowEstimate)); // 4.3: the Reno-friendly region (the window never falls on an ACK)
            return;
        }

        // 4.2: the target is W_cubic one RTT ahead, bounded to [cwnd, 1.5 cwnd]; 4.4 and 4.5: cwnd grows by (target - cwnd) / cwnd per segment acknowledged.
        double target = Math.Clamp(Cubic(t + signal.SmoothedRoundTripTime.TotalSeconds), cwnd, 1.5 * cwnd);
        cwnd = Math.Min(MaxWindow, cwnd + ((target - cwnd) / cwnd * acknowledged));
    }

    /// <inheritdoc/>
    public void OnFastRetransmit(in CongestionSignal signal)
    {
        ReduceForCongestion();
        inRecovery = true;
    }

    /// <inheritdoc/>
    public void OnCongestionExperienced(in CongestionSignal signal) =>
        ReduceForCongestion(); // RFC 9438 4.6 and RFC 3168 6.1.2: an ECE is a congestion event like a loss, but no recovery follows it

    /// <inheritdoc/>
    public void OnDuplicateAckInRecovery(in CongestionSignal signal)
    {
        // Nothing: the connection's PRR (RFC 6937) paces recovery.
    }

    /// <inheritdoc/>
    public void OnPartialAck(in CongestionSignal signal)
    {
        // Nothing: the connection's PRR (RFC 6937) paces recovery.
    }

    /// <inheritdoc/>
    public void OnRecoveryEnd(in CongestionSignal signal)
    {
        cwnd = SlowStartThreshold; // RFC 6937, as Linux: recovery ends with cwnd = ssthresh; the next ACK starts the epoch
        inRecovery = false;
        lastAck = signal.Now;
    }

    /// <inheritdoc/>
    public void OnRetransmissionTimeout(in CongestionSignal signal)
    {
        // 4.8: ssthresh by beta_cubic, as at a loss, but only once per congestion event: not again
        // when fast recovery had set it already (as Linux) nor on the same segment's next timeout (RFC 5681 3.1).
        if (!inRecovery && !timeoutHeld)
        {
            Reduce();
        }

        cwnd = mss; // RFC 5681 3.1: the loss window
        windowMax = 0; // 4.8: the next congestion avoidance starts with K = 0 and W_max = its first window
        epochStarted = false;
        inRecovery = false;
        timeoutHeld = true;
    }

    /// <inheritdoc/>
    public void OnIdleRestart(in CongestionSignal signal)
    {
        if (epochStarted)
        {
            epochStart += signal.Now - lastAck; // 4.2: idle time is not part of t
        }

        cwnd = Math.Min(cwnd, Math.Max(mss, signal.InitialWindow)); // RFC 5681 4.1: RW = min(IW, cwnd)
        if (cwnd < SlowStartThreshold)
        {
            epochStarted = false; // slow start again: a new congestion avoidance stage will follow
        }

        lastAck = signal.Now;
    }

    /// <summary>4.7, then 4.6: fast convergence lowers W_max when the congestion came before the last W_max was regained.</summary>
    private void ReduceForCongestion()
    {
        windowMax = FastConvergence && cwnd < windowMax ? cwnd * (1 + Beta) / 2 : cwnd;
        Reduce();
    }

    /// <summary>4.6: cwnd_prior = cwnd, ssthresh = cwnd = max(beta_cubic x cwnd, 2 segments); the epoch ends.</summary>
    private void Reduce()
    {
        windowPrior = cwnd;
        SlowStartThreshold = Math.Max((int)(cwnd * Beta), 2 * mss);
        cwnd = SlowStartThreshold;
        epochStarted = false;
    }

    /// <summary>4.2: a congestion avoidance stage begins: t_epoch, cwnd_epoch, K and W_est.</summary>
    private void StartEpoch(SimTime now)
    {
        epochStarted = true;
        epochStart = now;
        if (windowMax <= cwnd)
        {
            windowMax = cwnd; // 4.8 after a timeout (and a window already past W_max): the convex region at once
            k = 0;
        }
        else
        {
            k = Math.Cbrt((windowMax - cwnd) / mss / C); // equation 2
        }

        windowEstimate = cwnd; // 4.3: W_est = cwnd_epoch
    }

    /// <summary>Equation 1, in bytes: W_cubic(t) = C (t - K)^3 + W_max.</summary>
    private double Cubic(double t)
    {
        double offset = t - k;
        return (C * offset * offset * offset * mss) + windowMax;
    }
}
