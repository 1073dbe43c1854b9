using NetSim.Engine;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

/// <summary>
/// CUBIC (RFC 9438) driven directly with <see cref="CongestionSignal"/>s: a loss at W_max = 100
/// segments, then one ACK per segment at a fixed RTT, the window compared with the RFC's formulas
/// worked here on their own (W_cubic(t) = C (t - K)^3 + W_max, K = cbrt(W_max (1 - beta) / C), W_est).
/// </summary>
public class CubicCongestionControlTests
{
    private const int Mss = 1000;
    private const double C = 0.4;
    private const double Beta = 0.7;

    private static double Cubic(double t, double wMax, double k) => (C * Math.Pow(t - k, 3)) + wMax;

    [Fact]
    public void After_a_loss_at_100_segments_the_window_follows_the_cubic_curve_concave_to_w_max_at_k_then_convex()
    {
        // RTT 200 ms: W_est (alpha 0.53 segments a round trip) stays below the curve, so this is the cubic region.
        var driver = new Driver(new CubicCongestionControl(), SimDuration.FromMilliseconds(200));
        driver.SlowStartTo(100);
        driver.Loss();
        driver.Segments.Should().BeApproximately(70, 0.01, "beta_cubic = 0.7 (RFC 9438 4.6)");
        driver.Cc.SlowStartThreshold.Should().Be(70 * Mss);
        driver.RecoveryEnds();

        double k = Math.Cbrt(100 * (1 - Beta) / C); // 4.217 s
        SimTime epoch = driver.Now;
        foreach (double t in new[] { 0.5, 1, 2, 3, k - 0.5, k, k + 0.5, 5, 6, 7, 8 })
        {
            driver.RunUntil(epoch + Seconds(t));
            double expected = Cubic(t, 100, k);
            driver.Segments.Should().BeApproximately(expected, 1, "W_cubic({0:F2} s) = {1:F2} segments", t, expected);
            if (t < k)
            {
                driver.Segments.Should().BeLessThan(100, "concave: below W_max before K");
            }
            else if (t > k)
            {
                driver.Segments.Should().BeGreaterThan(100, "convex: past W_max after K");
            }
        }
    }

    [Fact]
    public void The_curve_is_concave_before_k_and_convex_after_it()
    {
        var driver = new Driver(new CubicCongestionControl(), SimDuration.FromMilliseconds(200));
        driver.SlowStartTo(100);
        driver.Loss();
        driver.RecoveryEnds();
        double k = Math.Cbrt(100 * (1 - Beta) / C);
        SimTime epoch = driver.Now;

        double[] at = [.. new[] { 1.0, 2, 3, 4, k, k + 0.5, k + 1.5, k + 2.5, k + 3.5 }.Select(t =>
        {
            driver.RunUntil(epoch + Seconds(t));
            return driver.Segments;
        })];

        (at[1] - at[0]).Should().BeGreaterThan(at[2] - at[1], "concave: the growth per second slows towards W_max");
        (at[2] - at[1]).Should().BeGreaterThan(at[3] - at[2]);
        at[4].Should().BeApproximately(100, 1, "at K the window is back at W_max");
        (at[6] - at[5]).Should().BeLessThan(at[7] - at[6], "convex: the growth per second quickens beyond W_max");
        (at[7] - at[6]).Should().BeLessThan(at[8] - at[7]);
    }

    [Fact]
    public void On_a_short_rtt_the_reno_friendly_estimate_wins_and_the_window_follows_w_est()
    {
        // RTT 10 ms: W_est grows by alpha_cubic = 3 (1 - 0.7) / (1 + 0.7) = 0.529 segments a round
        // trip, 52.9 a second, faster than the cubic curve's 21 a second at its start.
        var driver = new Driver(new CubicCongestionControl(), SimDuration.FromMilliseconds(10));
        driver.SlowStartTo(100);
        driver.Loss();
        driver.RecoveryEnds();
        double k = Math.Cbrt(100 * (1 - Beta) / C);
        double alpha = 3 * (1 - Beta) / (1 + Beta);
        SimTime epoch = driver.Now;

        foreach (double t in new[] { 0.1, 0.2, 0.3 })
        {
            driver.RunUntil(epoch + Seconds(t));
            double reno = 70 + (alpha * t / 0.010); // W_est = cwnd_epoch + alpha per round trip
            driver.Segments.Should().BeApproximately(reno, 1, "W_est({0} s) = {1:F1} segments", t, reno);
            driver.Segments.Should().BeGreaterThan(Cubic(t, 100, k) + 2, "the Reno-friendly region: W_est is above W_cubic");
        }

        // Past cwnd_prior (100 segments) W_est grows by one segment a round trip, as Reno (RFC 9438 4.3).
        driver.RunUntil(epoch + Seconds(0.6));
        double before = driver.Segments;
        driver.RunUntil(epoch + Seconds(0.7));
        before.Should().BeGreaterThan(100);
        (driver.Segments - before).Should().BeApproximately(10, 1, "alpha = 1: ten round trips, ten segments");
    }

    [Fact]
    public void Fast_convergence_lowers_w_max_when_a_loss_comes_before_the_last_w_max_was_regained()
    {
        var driver = new Driver(new CubicCongestionControl(), SimDuration.FromMilliseconds(200));
        driver.SlowStartTo(100);
        driver.Loss();
        driver.RecoveryEnds();
        SimTime epoch = driver.Now;
        driver.RunUntil(epoch + Seconds(1));
        double atLoss = driver.Segments; // about 86.7: below the W_max of 100
        atLoss.Should().BeLessThan(99);

        driver.Loss();
        double wMax = atLoss * (1 + Beta) / 2; // RFC 9438 4.7
        ((CubicCongestionControl)driver.Cc).MaximumWindow.Should().BeApproximately(wMax * Mss, Mss);
        driver.Segments.Should().BeApproximately(atLoss * Beta, 0.01);
        driver.RecoveryEnds();

        // The window reaches the lowered W_max at the new K, and levels off there.
        double cwndEpoch = driver.Segments;
        double k = Math.Cbrt((wMax - cwndEpoch) / C);
        epoch = driver.Now;
        driver.RunUntil(epoch + Seconds(k));
        driver.Segments.Should().BeApproximately(wMax, 1, "the plateau is (1 + beta) / 2 of the window at the loss");
        driver.Segments.Should().BeLessThan(atLoss - 5);
    }

    [Fact]
    public void Without_fast_convergence_w_max_is_the_window_at_the_loss()
    {
        var driver = new Driver(new CubicCongestionControl { FastConvergence = false }, SimDuration.FromMilliseconds(200));
        driver.SlowStartTo(100);
        driver.Loss();
        driver.RecoveryEnds();
        driver.RunUntil(driver.Now + Seconds(1));
        double atLoss = driver.Segments;
        driver.Loss();
        ((CubicCongestionControl)driver.Cc).MaximumWindow.Should().BeApproximately(atLoss * Mss, 1);
        driver.RecoveryEnds();
        double k = Math.Cbrt(atLoss * (1 - Beta) / C);
        driver.RunUntil(driver.Now + Seconds(k));
        driver.Segments.Should().BeApproximately(atLoss, 1);
    }

    [Fact]
    public void A_timeout_sets_ssthresh_by_beta_falls_to_one_segment_and_restarts_the_curve_convex_from_the_new_window()
    {
        var driver = new Driver(new CubicCongestionControl(), SimDuration.FromMilliseconds(200));
        driver.SlowStartTo(100);
        driver.Timeout();
        driver.Cc.SlowStartThreshold.Should().Be(70 * Mss, "ssthresh = beta_cubic x cwnd (RFC 9438 4.8)");
        driver.Cc.CongestionWindow.Should().Be(Mss, "the loss window (RFC 5681 3.1)");
        driver.Timeout();
        driver.Cc.SlowStartThreshold.Should().Be(70 * Mss, "the same segment timing out again keeps ssthresh (RFC 5681 3.1)");

        // Slow start back to ssthresh, then congestion avoidance with K = 0 and W_max = cwnd_epoch (4.8):
        // W_cubic(t) = 70 + 0.4 t^3, above W_est (70 + 2.6 t) from t = 2.6 s.
        SimTime epoch = driver.SlowStartTo(70);
        driver.RunUntil(epoch + Seconds(4));
        driver.Segments.Should().BeApproximately(Cubic(4, 70, 0), 1);
        driver.RunUntil(epoch + Seconds(5));
        driver.Segments.Should().BeApproximately(Cubic(5, 70, 0), 1);
    }

    [Fact]
    public void A_timeout_during_fast_recovery_keeps_the_threshold_the_loss_set()
    {
        var driver = new Driver(new CubicCongestionControl(), SimDuration.FromMilliseconds(200));
        driver.SlowStartTo(100);
        driver.Loss();
        driver.Timeout();
        driver.Cc.SlowStartThreshold.Should().Be(70 * Mss, "one congestion event, one reduction (as Linux)");
        driver.Cc.CongestionWindow.Should().Be(Mss);
    }

    [Fact]
    public void An_ecn_echo_reduces_as_a_loss_does_and_a_later_timeout_reduces_again()
    {
        var driver = new Driver(new CubicCongestionControl(), SimDuration.FromMilliseconds(200));
        driver.SlowStartTo(100);
        driver.CongestionExperienced();
        driver.Cc.SlowStartThreshold.Should().Be(70 * Mss, "ECE is a congestion event (RFC 3168 6.1.2, RFC 9438 4.6)");
        driver.Cc.CongestionWindow.Should().Be(70 * Mss, "no recovery follows a mark: the window is the threshold at once");

        driver.Timeout();
        driver.Cc.SlowStartThreshold.Should().Be(49 * Mss, "a timeout after a mark is a new congestion event, not the tail of a fast recovery");
    }

    [Fact]
    public void Time_when_the_window_did_not_limit_the_sender_is_left_out_of_t()
    {
        var limited = new Driver(new CubicCongestionControl(), SimDuration.FromMilliseconds(200));
        limited.SlowStartTo(100);
        limited.Loss();
        limited.RecoveryEnds();
        SimTime epoch = limited.Now;
        limited.RunUntil(epoch + Seconds(1));
        double atOne = limited.Segments;
        limited.RunUntil(epoch + Seconds(3), cwndLimited: false);
        limited.Segments.Should().Be(atOne, "no growth while the application or the peer holds the sender back");
        limited.RunUntil(epoch + Seconds(4));
        double k = Math.Cbrt(100 * (1 - Beta) / C);
        limited.Segments.Should().BeApproximately(Cubic(2, 100, k), 1, "t is 2 s, not 4 s: the 2 s without cwnd limit do not count (RFC 9438 4.2)");
    }

    [Fact]
    public void Slow_start_is_newrenos_and_the_initial_window_is_the_connections()
    {
        var cubic = new CubicCongestionControl();
        var reno = new NewRenoCongestionControl();
        var signal = new CongestionSignal { MaximumSegmentSize = Mss, InitialWindow = 10 * Mss };
        cubic.Initialize(signal, handshakeRetransmitted: false);
        reno.Initialize(signal, handshakeRetransmitted: false);
        cubic.CongestionWindow.Should().Be(10 * Mss);
        var ack = signal with { BytesAcknowledged = 2 * Mss, IsCongestionWindowLimited = true };
        for (int i = 0; i < 20; i++)
        {
            cubic.OnAcknowledged(ack);
            reno.OnAcknowledged(ack);
            cubic.CongestionWindow.Should().Be(reno.CongestionWindow);
        }

        var lost = new CubicCongestionControl();
        lost.Initialize(signal, handshakeRetransmitted: true);
        lost.CongestionWindow.Should().Be(Mss, "one segment after a lost SYN (RFC 6928 2)");
    }

    [Fact]
    public void Acks_in_congestion_avoidance_allocate_nothing()
    {
        var driver = new Driver(new CubicCongestionControl(), SimDuration.FromMilliseconds(50));
        driver.SlowStartTo(100);
        driver.Loss();
        driver.RecoveryEnds();
        driver.RunUntil(driver.Now + Seconds(1)); // warm up
        long fewest = long.MaxValue; // of three stretches: one the JIT's tiering lands in may allocate, a cost per ACK shows in all
        for (int stretch = 0; stretch < 3; stretch++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            driver.RunUntil(driver.Now + Seconds(7)); // about 14,000 ACKs each: concave, then convex
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        driver.Segments.Should().BeGreaterThan(100);
        fewest.Should().Be(0);
    }

    private static SimDuration Seconds(double seconds) => SimDuration.FromNanoseconds((long)Math.Round(seconds * 1e9));

    /// <summary>A sender with a fixed RTT: each round trip, one ACK per segment of the window, evenly spaced.</summary>
    private sealed class Driver
    {
        private readonly SimDuration rtt;

        public Driver(ICongestionControl cc, SimDuration rtt)
        {
            Cc = cc;
            this.rtt = rtt;
            cc.Initialize(Signal(0), handshakeRetransmitted: false);
        }

        public ICongestionControl Cc { get; }

        public SimTime Now { get; private set; } = SimTime.FromSeconds(1);

        public double Segments => Cc.CongestionWindow / (double)Mss;

        /// <summary>ACKs until the window is <paramref name="segments"/>; returns when the next ACK is due (congestion avoidance starts with it).</summary>
        public SimTime SlowStartTo(int segments)
        {
            while (Cc.CongestionWindow < segments * Mss)
            {
                Ack(true);
            }

            return Now + Spacing();
        }

        public void Loss() => Cc.OnFastRetransmit(Signal(0) with { BytesInFlight = Cc.CongestionWindow, BytesLost = Mss });

        public void CongestionExperienced() => Cc.OnCongestionExperienced(Signal(0) with { BytesInFlight = Cc.CongestionWindow });

        public void Timeout() => Cc.OnRetransmissionTimeout(Signal(0) with { BytesInFlight = Cc.CongestionWindow, BytesLost = Cc.CongestionWindow });

        /// <summary>Recovery ends now; congestion avoidance starts with the first ACK, one spacing later, which is <see cref="Now"/> after this.</summary>
        public void RecoveryEnds()
        {
            Cc.OnRecoveryEnd(Signal(0));
            Ack(true);
        }

        public void RunUntil(SimTime until, bool cwndLimited = true)
        {
            while (Now + Spacing() <= until)
            {
                Ack(cwndLimited);
            }
        }

        private SimDuration Spacing() => SimDuration.FromPicoseconds(rtt.Picoseconds / Math.Max(1, Cc.CongestionWindow / Mss));

        private void Ack(bool cwndLimited)
        {
            Now += Spacing();
            Cc.OnAcknowledged(Signal(Mss) with { IsCongestionWindowLimited = cwndLimited });
        }

        private CongestionSignal Signal(int acknowledged) => new()
        {
            Now = Now,
            RoundTripTimeSample = rtt,
            SmoothedRoundTripTime = rtt,
            MinimumRoundTripTime = rtt,
            BytesAcknowledged = acknowledged,
            BytesInFlight = Cc.CongestionWindow,
            SendWindow = int.MaxValue,
            MaximumSegmentSize = Mss,
            InitialWindow = 10 * Mss,
        };
    }
}
