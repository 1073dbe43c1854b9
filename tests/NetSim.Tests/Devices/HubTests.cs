using NetSim.Devices;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Tracing;

namespace NetSim.Tests.Devices;

public class HubTests
{
    private static (TestNetwork Net, Hub Hub, Nic[] Pcs, TraceRecorder Trace) OnAHub(int stations, ulong seed = 1)
    {
        var net = new TestNetwork(seed);
        var hub = new Hub(net.Network, "h1", stations);
        Nic[] pcs = net.Computers(stations);
        for (int i = 0; i < stations; i++)
        {
            net.Connect(pcs[i].Port, hub.Ports[i]);
        }

        return (net, hub, pcs, new TraceRecorder(net.Network));
    }

    [Fact]
    public void Everyone_hears_everything()
    {
        var (net, hub, pcs, _) = OnAHub(4);

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();

        pcs.Select(p => p.Port.Counters.FramesReceived).Should().Equal(0, 1, 1, 1);
        pcs[1].FramesDelivered.Should().Be(1);
        pcs[2].Port.Counters.Dropped(DropReason.NotForMe).Should().Be(1, "C hears the frame for B and ignores it");
        pcs[3].Port.Counters.Dropped(DropReason.NotForMe).Should().Be(1);
        hub.FramesRepeated.Should().Be(1);
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void A_promiscuous_station_keeps_what_it_overhears()
    {
        var (net, _, pcs, _) = OnAHub(3);
        pcs[2].Promiscuous = true;
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        pcs[2].FramesDelivered.Should().Be(1);
    }

    [Fact]
    public void The_frame_reaches_each_station_after_both_cables()
    {
        var (net, _, pcs, _) = OnAHub(2);
        SimTime? arrived = null;
        pcs[1].Received = (nic, frame) =>
        {
            arrived = net.Simulation.Now;
            net.Network.Frames.Return(frame);
        };
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        arrived.Should().Be(SimTime.Zero + TestNetwork.OnWire(60) + TestNetwork.Delay + TestNetwork.Delay);
    }

    [Fact]
    public void A_station_defers_while_it_hears_another()
    {
        var (net, _, pcs, trace) = OnAHub(3);
        TestNetwork.SendFrame(pcs[0], pcs[2].Mac, 1514);
        // pc2 wants to send 5 us later, when pc1's signal (2 us away) is already on its cable.
        net.Simulation.Schedule(SimDuration.FromMicroseconds(5), () => TestNetwork.SendFrame(pcs[1], pcs[2].Mac, 1514));
        net.Simulation.Run();

        pcs[2].FramesDelivered.Should().Be(2);
        trace.Events.Should().NotContain(e => e.Kind == TraceKind.Collided);
    }

    [Fact]
    public void Two_stations_that_start_together_collide_jam_back_off_and_both_get_through()
    {
        var (net, _, pcs, trace) = OnAHub(3, seed: 3);
        TestNetwork.SendFrame(pcs[0], pcs[2].Mac, 1514);
        TestNetwork.SendFrame(pcs[1], pcs[2].Mac, 1514);
        net.Simulation.Run();

        pcs[2].FramesDelivered.Should().Be(2);
        trace.Events.Count(e => e.Kind == TraceKind.Collided).Should().BeGreaterThanOrEqualTo(2, "both stations see the collision");
        trace.Events.Should().Contain(e => e.Kind == TraceKind.BackedOff);
        pcs[2].Port.Counters.Dropped(DropReason.BadFcs).Should().Be(0, "collided frames are aborted, not delivered");
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void The_same_seed_gives_the_same_collisions()
    {
        static string[] Run(ulong seed)
        {
            var (net, _, pcs, trace) = OnAHub(4, seed);
            foreach (Nic pc in pcs.Take(3))
            {
                new FrameSource(pc, pcs[3].Mac, 200, count: 20).Start();
            }

            net.Simulation.Run();
            return [.. trace.Events.Select(e => e.ToString())];
        }

        Run(5).Should().Equal(Run(5));
        Run(5).Should().NotEqual(Run(6));
    }

    [Fact]
    public void Cables_of_a_hub_share_one_rate()
    {
        var net = new TestNetwork();
        var hub = new Hub(net.Network, "h1", 2);
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, hub.Ports[0]);
        ((Action)(() => _ = new Cable(pcs[1].Port, hub.Ports[1], DataRate.FromGigabitsPerSecond(1), TestNetwork.Delay)))
            .Should().Throw<ArgumentException>().WithMessage("h1 port 1: every cable of a hub runs at one rate*1 Gbps*100 Mbps*");
        hub.Ports[1].Cable.Should().BeNull("the failed cable was not plugged in");
    }
}
