using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ethernet;
using NetSim.Tracing;

namespace NetSim.Tests.Links;

public class ImpairmentTests
{
    private static (TestNetwork Net, Nic[] Pcs, Cable Cable) Pair(ulong seed = 1)
    {
        var net = new TestNetwork(seed);
        Nic[] pcs = net.Computers(2);
        return (net, pcs, net.Connect(pcs[0].Port, pcs[1].Port));
    }

    [Fact]
    public void Listed_frame_numbers_are_lost()
    {
        var (net, pcs, cable) = Pair();
        cable.FromA.Impairments.DropFrameNumbers.Add(2);
        var seen = new List<byte>();
        pcs[1].Received += (nic, frame) =>
        {
            seen.Add(frame[14]);
        };
        for (byte i = 1; i <= 3; i++)
        {
            var frame = pcs[0].CreateFrame(pcs[1].Mac, FrameSource.TestEtherType, 46);
            net.Network.Frames.GetSpan(frame)[14] = i;
            pcs[0].Send(frame);
        }

        net.Simulation.Run();
        seen.Should().Equal(1, 3);
        pcs[1].Port.Counters.Dropped(DropReason.LostOnCable).Should().Be(1);
    }

    [Fact]
    public void Loss_follows_its_probability_and_repeats_with_the_seed()
    {
        static long Delivered(ulong seed)
        {
            var (net, pcs, cable) = Pair(seed);
            cable.FromA.Impairments.LossProbability = 0.1;
            new FrameSource(pcs[0], pcs[1].Mac, 100, count: 5_000).Start();
            net.Simulation.Run();
            return pcs[1].FramesDelivered;
        }

        long delivered = Delivered(7);
        delivered.Should().BeInRange(4_400, 4_600);
        Delivered(7).Should().Be(delivered);
        Delivered(8).Should().NotBe(delivered);
    }

    [Fact]
    public void Corrupted_frames_fail_the_FCS_check_and_are_dropped()
    {
        var (net, pcs, cable) = Pair();
        cable.FromA.Impairments.CorruptionProbability = 1;
        new FrameSource(pcs[0], pcs[1].Mac, 100, count: 10).Start();
        net.Simulation.Run();
        pcs[1].FramesDelivered.Should().Be(0);
        pcs[1].Port.Counters.Dropped(DropReason.BadFcs).Should().Be(10);
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void Duplicated_frames_arrive_twice()
    {
        var (net, pcs, cable) = Pair();
        cable.FromA.Impairments.DuplicationProbability = 1;
        new FrameSource(pcs[0], pcs[1].Mac, 100, count: 10).Start();
        net.Simulation.Run();
        pcs[1].FramesDelivered.Should().Be(20);
    }

    [Fact]
    public void Jitter_larger_than_a_frame_reorders_frames()
    {
        var (net, pcs, cable) = Pair(seed: 2);
        cable.FromA.Impairments.MaxJitter = SimDuration.FromMicroseconds(100);
        var order = new List<byte>();
        pcs[1].Received += (nic, frame) =>
        {
            order.Add(frame[14]);
        };
        for (byte i = 0; i < 50; i++)
        {
            var frame = pcs[0].CreateFrame(pcs[1].Mac, FrameSource.TestEtherType, 46);
            net.Network.Frames.GetSpan(frame)[14] = i;
            pcs[0].Send(frame);
        }

        net.Simulation.Run();
        order.Should().HaveCount(50).And.OnlyHaveUniqueItems();
        order.Should().NotBeInAscendingOrder();
    }

    [Fact]
    public void Probabilities_outside_zero_to_one_are_refused()
    {
        var (_, _, cable) = Pair();
        ((Action)(() => cable.FromA.Impairments.LossProbability = 1.5)).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => cable.FromA.Impairments.MaxJitter = SimDuration.FromNanoseconds(-1))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
