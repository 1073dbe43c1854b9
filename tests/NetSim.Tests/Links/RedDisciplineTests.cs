using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Links;

public class RedDisciplineTests
{
    [Fact]
    public void Defaults_are_floyds_recommendations()
    {
        var red = new RedDiscipline();

        red.Weight.Should().Be(0.002);
        red.MaxProbability.Should().Be(0.1);
        red.MinThreshold.Should().Be(5);
        red.MaxThreshold.Should().Be(15);
        red.Gentle.Should().BeTrue();
        red.Ecn.Should().BeTrue();
        red.FrameLimit.Should().Be(1000);
        ((Action)(() => red.MinThreshold = 15)).Should().Throw<ArgumentOutOfRangeException>();
    }

    // Section 7 of the paper: with count the frames since the last drop, the k-th frame after it
    // is reached with probability prod (1 - p_b / (1 - j p_b)) = 1 - k p_b, so the gap between
    // drops is uniform on 1..1/p_b and the long-run drop fraction is 1 / E[gap].
    private static double ExpectedFraction(double pb)
    {
        double meanGap = 0;
        for (int k = 0; 1 - (k * pb) > 1e-12; k++)
        {
            meanGap += 1 - (k * pb);
        }

        return 1 / meanGap;
    }

    [Theory]
    [InlineData(4, 0.0)] // below min_th: nothing
    [InlineData(7, 0.02)] // p_b = max_p (avg - min_th) / (max_th - min_th)
    [InlineData(10, 0.05)]
    [InlineData(13, 0.08)]
    [InlineData(20, 0.4)] // gentle: p_b = max_p + (1 - max_p) (avg - max_th) / max_th
    [InlineData(25, 0.7)]
    [InlineData(30, 1.0)] // at 2 max_th and beyond: every frame
    public void The_drop_fraction_follows_the_probability_ramp(int averageQueue, double pb)
    {
        // A weight of 1 makes the average the queue length each frame finds, held here at a level.
        var harness = new Harness(new RedDiscipline { Weight = 1 });
        double fraction = harness.DropFractionAtLevel(averageQueue, offers: 20_000);

        double expected = pb is 0 or 1 ? pb : ExpectedFraction(pb);
        fraction.Should().BeApproximately(expected, Math.Max(0.01, expected * 0.08), $"p_b = {pb}");
        harness.Port.Counters.Dropped(DropReason.QueueManagement).Should().Be(((RedDiscipline)harness.Discipline).EarlyDrops);
    }

    [Fact]
    public void Without_gentle_mode_every_frame_above_max_th_is_dropped()
    {
        var harness = new Harness(new RedDiscipline { Weight = 1, Gentle = false });
        harness.DropFractionAtLevel(15, offers: 2_000).Should().Be(1, "avg = max_th");
    }

    [Fact]
    public void Drops_are_spaced_by_the_count_not_clustered()
    {
        // With p_a = p_b / (1 - count p_b) no gap between drops exceeds 1 / p_b frames; with a
        // plain p_b coin, gaps of 3 / p_b come up often in 20,000 frames (p = (1 - p_b)^(3/p_b) = 4%).
        var harness = new Harness(new RedDiscipline { Weight = 1 });
        List<int> gaps = harness.GapsAtLevel(10, offers: 20_000); // p_b = 0.05
        gaps.Should().HaveCountGreaterThan(500);
        gaps.Max().Should().BeLessThanOrEqualTo(20);
    }

    [Fact]
    public void The_average_follows_the_queue_with_weight_w_q_and_decays_over_idle_time()
    {
        var harness = new Harness(new RedDiscipline());
        var red = (RedDiscipline)harness.Discipline;
        harness.DropFractionAtLevel(8, offers: 3_000); // avg -> 8 (1 - 0.998^3000 = 99.8%)
        red.AverageQueue.Should().BeApproximately(8, 0.2);
        double before = red.AverageQueue;

        harness.Drain();
        // The harness's cable runs at 100 Mb/s: a 1,000-byte frame takes 80 us, so 8 ms idle is m = 100.
        harness.Simulation.RunUntil(harness.Simulation.Now + SimDuration.FromMilliseconds(8));
        harness.Offer();
        red.AverageQueue.Should().BeApproximately(before * Math.Pow(0.998, 100), 0.01, "(1 - w_q)^m after m idle frame times");
    }

    [Fact]
    public void Ecn_capable_packets_are_marked_instead_of_dropped()
    {
        var harness = new Harness(new RedDiscipline { Weight = 1 }) { Ect = true };
        harness.DropFractionAtLevel(10, offers: 5_000).Should().Be(0);
        var red = (RedDiscipline)harness.Discipline;
        ((double)red.MarkedFrames / 5_000).Should().BeApproximately(ExpectedFraction(0.05), 0.015);
        harness.Port.Counters.FramesDropped.Should().Be(0);
    }

    [Fact]
    public void The_hard_limit_refuses_as_queue_full()
    {
        // A minimum threshold above the limit: no early drop, only the hard limit.
        var harness = new Harness(new RedDiscipline { MaxThreshold = 1000, MinThreshold = 500, FrameLimit = 10 });
        for (int i = 0; i < 15; i++)
        {
            harness.Offer();
        }

        harness.Discipline.Count.Should().Be(10);
        harness.Port.Counters.Dropped(DropReason.QueueFull).Should().Be(5);
    }

    // Drives a discipline directly through a port's context, the simulation's clock standing still
    // unless the test runs it: offers frames and takes them out to hold the queue at a level.
    internal sealed class Harness
    {
        private readonly QueueDisciplineContext context;
        private readonly Nic nic;
        private readonly Nic peer;

        public Harness(IQueueDiscipline discipline)
        {
            var net = new TestNetwork();
            Nic[] pcs = net.Computers(2);
            nic = pcs[0];
            peer = pcs[1];
            net.Connect(nic.Port, peer.Port); // the port's own (drop-tail) egress is not used
            Network = net.Network;
            Simulation = net.Simulation;
            Port = nic.Port;
            Discipline = discipline;
            context = new QueueDisciplineContext(Port);
        }

        public Network Network { get; }

        public Simulation Simulation { get; }

        public Port Port { get; }

        public IQueueDiscipline Discipline { get; }

        // Offers ECN-capable IPv4 packets (ECT(0)) instead of test frames.
        public bool Ect { get; init; }

        public bool Offer(FrameHandle? frame = null, int length = 0)
        {
            FrameHandle f = frame ?? (Ect
                ? EcnMarkingTests.CreateIpv4(nic, peer.Mac, 0b10)
                : nic.CreateFrame(peer.Mac, FrameSource.TestEtherType, 100));
            return context.Offer(Discipline, f, length > 0 ? length : Network.Frames.GetLength(f));
        }

        public bool TakeOne() => TakeOne(out _, out _);

        // Takes the next frame; source is the last byte of its IPv4 source address.
        public bool TakeOne(out byte source, out int length)
        {
            source = 0;
            if (!context.TryTake(Discipline, out FrameHandle frame, out length))
            {
                return false;
            }

            source = Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength + 15];
            Network.Frames.Return(frame);
            return true;
        }

        public FrameHandle CreateIpv4(byte typeOfService, int payload) => EcnMarkingTests.CreateIpv4(nic, peer.Mac, typeOfService, payload: payload);

        public void Drain()
        {
            while (TakeOne())
            {
            }
        }

        // Offers frames one at a time, each finding the queue at `level` (after a fill), and
        // returns the fraction of them dropped.
        public double DropFractionAtLevel(int level, int offers)
        {
            List<int> gaps = GapsAtLevel(level, offers, out int dropped);
            return (double)dropped / offers;
        }

        public List<int> GapsAtLevel(int level, int offers) => GapsAtLevel(level, offers, out _);

        private List<int> GapsAtLevel(int level, int offers, out int dropped)
        {
            while (Discipline.Count < level)
            {
                Offer();
            }

            while (Discipline.Count > level)
            {
                TakeOne();
            }

            var gaps = new List<int>();
            dropped = 0;
            int sinceDrop = 0;
            for (int i = 0; i < offers; i++)
            {
                sinceDrop++;
                if (Offer())
                {
                    TakeOne();
                }
                else
                {
                    dropped++;
                    gaps.Add(sinceDrop);
                    sinceDrop = 0;
                }
            }

            return gaps;
        }
    }
}
