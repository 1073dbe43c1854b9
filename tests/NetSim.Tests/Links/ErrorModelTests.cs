using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;

namespace NetSim.Tests.Links;

public class ErrorModelTests
{
    private static (TestNetwork Net, Nic[] Pcs, Cable Cable) Pair(ulong seed = 1)
    {
        var net = new TestNetwork(seed);
        Nic[] pcs = net.Computers(2);
        return (net, pcs, net.Connect(pcs[0].Port, pcs[1].Port));
    }

    [Fact]
    public void A_toy_model_that_loses_odd_lengths_loses_exactly_those()
    {
        var (net, pcs, cable) = Pair();
        var model = new OddLengthLoss();
        cable.FromA.ErrorModel = model;
        var lengths = new List<int>();
        pcs[1].Received += (nic, frame) =>
        {
            lengths.Add(frame.Length);
        };

        for (int length = 60; length < 70; length++)
        {
            TestNetwork.SendFrame(pcs[0], pcs[1].Mac, length);
        }

        net.Simulation.Run();

        lengths.Should().Equal(60, 62, 64, 66, 68);
        pcs[1].Port.Counters.Dropped(DropReason.LostOnCable).Should().Be(5);
        model.FrameNumbers.Should().Equal(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void Gilbert_Elliott_loses_in_bursts_of_one_over_r_frames_on_average()
    {
        const int Frames = 100_000;
        var (net, pcs, cable) = Pair(seed: 5);
        var model = new Recording(new GilbertElliottErrorModel { GoodToBad = 0.02, BadToGood = 0.25 });
        cable.FromA.ErrorModel = model;
        new FrameSource(pcs[0], pcs[1].Mac, 60, count: Frames).Start();
        net.Simulation.Run();

        model.Lost.Should().HaveCount(Frames);
        var bursts = new List<int>();
        int run = 0;
        foreach (bool lost in model.Lost.Append(false))
        {
            if (lost)
            {
                run++;
            }
            else if (run > 0)
            {
                bursts.Add(run);
                run = 0;
            }
        }

        int lostFrames = bursts.Sum();
        pcs[1].FramesDelivered.Should().Be(Frames - lostFrames);
        pcs[1].Port.Counters.Dropped(DropReason.LostOnCable).Should().Be(lostFrames);
        bursts.Average().Should().BeApproximately(1 / 0.25, 0.3, "the bad state lasts 1/r frames on average, and every frame in it is lost");
        ((double)lostFrames / Frames).Should().BeApproximately(0.02 / (0.02 + 0.25), 0.01, "the chain spends p / (p + r) of the frames in the bad state");
        bursts.Max().Should().BeGreaterThan(10, "bursts have a geometric length: long ones happen");
    }

    [Fact]
    public void Gilbert_Elliott_losses_in_each_state_follow_their_probabilities()
    {
        var model = new GilbertElliottErrorModel { GoodToBad = 0, LossInGood = 0.1 };
        var random = new Simulation(seed: 9).CreateRandomSource("test");
        int lost = Enumerable.Range(1, 10_000).Count(n => model.Apply([], n, random).IsLost);
        lost.Should().BeInRange(900, 1_100, "the chain never leaves the good state");
        model.IsBad.Should().BeFalse();
        ((Action)(() => model.BadToGood = -0.1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_Bernoulli_model_draws_what_the_impairments_draw()
    {
        static long Delivered(Action<CableDirection> configure)
        {
            var (net, pcs, cable) = Pair(seed: 7);
            configure(cable.FromA);
            new FrameSource(pcs[0], pcs[1].Mac, 100, count: 5_000).Start();
            net.Simulation.Run();
            return pcs[1].FramesDelivered;
        }

        long byImpairments = Delivered(d => d.Impairments.LossProbability = 0.1);
        long byModel = Delivered(d => d.ErrorModel = new BernoulliErrorModel { LossProbability = 0.1 });
        byModel.Should().Be(byImpairments);
        byModel.Should().BeInRange(4_400, 4_600);
    }

    [Fact]
    public void A_list_model_loses_the_listed_frames()
    {
        var (net, pcs, cable) = Pair();
        var model = new ListErrorModel();
        model.FrameNumbers.Add(2);
        model.FrameNumbers.Add(4);
        cable.FromA.ErrorModel = model;
        new FrameSource(pcs[0], pcs[1].Mac, 60, count: 5).Start();
        net.Simulation.Run();

        pcs[1].FramesDelivered.Should().Be(3);
        pcs[1].Port.Counters.Dropped(DropReason.LostOnCable).Should().Be(2);
    }

    [Fact]
    public void Impairments_are_the_error_model_until_another_is_set()
    {
        var (_, _, cable) = Pair();
        cable.FromA.ErrorModel.Should().BeNull("a new cable is perfect");
        Impairments impairments = cable.FromA.Impairments;
        cable.FromA.ErrorModel.Should().BeSameAs(impairments);

        cable.FromA.ErrorModel = new GilbertElliottErrorModel();
        ((Func<Impairments>)(() => cable.FromA.Impairments)).Should().Throw<InvalidOperationException>().WithMessage("*GilbertElliottErrorModel*");

        cable.FromA.ErrorModel = null;
        cable.FromA.Impairments.LossProbability.Should().Be(0, "a fresh set of impairments, all off");
    }

    [Fact]
    public void A_negative_extra_delay_is_refused()
    {
        var (net, pcs, cable) = Pair();
        cable.FromA.ErrorModel = new Early();
        ((Action)(() => TestNetwork.SendFrame(pcs[0], pcs[1].Mac))).Should().Throw<InvalidOperationException>().WithMessage("*cannot be negative*");
        _ = net;
    }

    // Loses the frames of odd length, and remembers the numbers it was shown.
    private sealed class OddLengthLoss : IErrorModel
    {
        public List<long> FrameNumbers { get; } = [];

        public FrameFate Apply(Span<byte> frame, long frameNumber, RandomSource random)
        {
            FrameNumbers.Add(frameNumber);
            return frame.Length % 2 == 1 ? FrameFate.Lost : FrameFate.Delivered;
        }
    }

    // Records, frame by frame, whether the inner model lost it.
    private sealed class Recording(IErrorModel inner) : IErrorModel
    {
        public List<bool> Lost { get; } = [];

        public FrameFate Apply(Span<byte> frame, long frameNumber, RandomSource random)
        {
            FrameFate fate = inner.Apply(frame, frameNumber, random);
            Lost.Add(fate.IsLost);
            return fate;
        }
    }

    private sealed class Early : IErrorModel
    {
        public FrameFate Apply(Span<byte> frame, long frameNumber, RandomSource random) =>
            FrameFate.Delivered with { ExtraDelay = SimDuration.FromNanoseconds(-1) };
    }
}
