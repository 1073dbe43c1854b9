using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Tracing;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Ethernet;

/// <summary>Links that go down, and the edge cases a review found.</summary>
public class LinkStateTests
{
    [Fact]
    public void A_switch_forgets_the_addresses_of_a_port_whose_link_went_down()
    {
        var net = new TestNetwork();
        var sw = new Switch(net.Network, "s1", 3);
        Nic[] pcs = net.Computers(3);
        Cable[] cables = [.. pcs.Select((p, i) => net.Connect(p.Port, sw.Ports[i]))];
        TestNetwork.SendFrame(pcs[1], MacAddress.Broadcast);
        net.Simulation.Run();
        sw.MacTable.Count.Should().Be(1);

        cables[1].IsUp = false;

        sw.MacTable.Count.Should().Be(0);
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        pcs[2].Port.Counters.FramesReceived.Should().Be(2, "the frame for pc2 is flooded again, not sent to a dead port");
    }

    [Fact]
    public void A_frame_on_the_wire_is_lost_even_if_the_link_comes_back_before_it_would_arrive()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        Cable cable = net.Connect(pcs[0].Port, pcs[1].Port);
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.RunFor(SimDuration.FromMicroseconds(1));
        cable.IsUp = false;
        cable.IsUp = true;
        net.Simulation.Run();
        pcs[1].FramesDelivered.Should().Be(0);
        pcs[1].Port.Counters.Dropped(DropReason.LinkDown).Should().Be(1);

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        pcs[1].FramesDelivered.Should().Be(1, "the link works again");
    }

    [Fact]
    public void A_hub_station_whose_cable_goes_down_mid_frame_drops_it_and_frees_the_medium()
    {
        var net = new TestNetwork();
        var hub = new Hub(net.Network, "h1", 3);
        Nic[] pcs = net.Computers(3);
        Cable[] cables = [.. pcs.Select((p, i) => net.Connect(p.Port, hub.Ports[i]))];
        TestNetwork.SendFrame(pcs[0], pcs[2].Mac, 1514);
        net.Simulation.RunFor(SimDuration.FromMicroseconds(20));

        cables[0].IsUp = false;
        TestNetwork.SendFrame(pcs[1], pcs[2].Mac, 1514);
        net.Simulation.Run();

        pcs[0].Port.Counters.Dropped(DropReason.LinkDown).Should().Be(1);
        pcs[2].FramesDelivered.Should().Be(1, "pc2's frame gets through; pc1's was cut off");
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void A_saturating_source_on_a_dead_link_keeps_time_moving_and_counts_its_drops()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        Cable cable = net.Connect(pcs[0].Port, pcs[1].Port);
        cable.IsUp = false;
        new FrameSource(pcs[0], pcs[1].Mac, 100).Start();

        net.Simulation.RunFor(SimDuration.FromMilliseconds(1));

        pcs[0].Port.Counters.Dropped(DropReason.LinkDown).Should().BeInRange(80, 200);
    }

    [Fact]
    public void Starting_a_source_twice_does_not_double_its_rate()
    {
        var net = new TestNetwork();
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        var source = new FrameSource(pcs[0], pcs[1].Mac, 100, rate: DataRate.FromMegabitsPerSecond(8));
        source.Start();
        source.Start();
        net.Simulation.RunFor(SimDuration.FromMilliseconds(1));
        source.FramesSent.Should().Be(11, "one frame every 100 us, from 0 to 1 ms");
    }

    [Fact]
    public void Impairments_apply_on_hub_cables_too()
    {
        var net = new TestNetwork();
        var hub = new Hub(net.Network, "h1", 2);
        Nic[] pcs = net.Computers(2);
        Cable cable = net.Connect(pcs[0].Port, hub.Ports[0]);
        net.Connect(pcs[1].Port, hub.Ports[1]);
        cable.FromA.Impairments.LossProbability = 1;
        new FrameSource(pcs[0], pcs[1].Mac, 100, count: 5).Start();
        net.Simulation.Run();
        hub.FramesRepeated.Should().Be(0);
        hub.Ports[0].Counters.Dropped(DropReason.LostOnCable).Should().Be(5);
    }

    [Fact]
    public void Stations_on_zero_length_cables_that_start_together_collide()
    {
        var net = new TestNetwork();
        var hub = new Hub(net.Network, "h1", 3);
        Nic[] pcs = net.Computers(3);
        for (int i = 0; i < 3; i++)
        {
            _ = new Cable(pcs[i].Port, hub.Ports[i], TestNetwork.Rate, SimDuration.Zero);
        }

        var trace = new TraceRecorder(net.Network.Tracer);
        TestNetwork.SendFrame(pcs[0], pcs[2].Mac);
        TestNetwork.SendFrame(pcs[1], pcs[2].Mac);
        net.Simulation.Run();

        trace.Frames().Count(e => e.Kind == FrameEventKind.Collided).Should().BeGreaterThanOrEqualTo(2, "both see the first collision (and they may collide again)");
        pcs[2].FramesDelivered.Should().Be(2);
    }

    [Fact]
    public void A_switch_never_relays_reserved_group_addresses_or_runts_and_counts_what_it_filters()
    {
        var net = new TestNetwork();
        var sw = new Switch(net.Network, "s1", 2);
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, sw.Ports[0]);
        net.Connect(pcs[1].Port, sw.Ports[1]);

        TestNetwork.SendFrame(pcs[0], MacAddress.Parse("01:80:c2:00:00:00")); // a spanning tree BPDU's address
        FrameHandle runt = net.Network.Frames.Rent(30);
        new EthernetHeader(pcs[1].Mac, pcs[0].Mac, FrameSource.TestEtherType).Emit(net.Network.Frames.GetSpan(runt));
        pcs[0].Port.Send(runt);
        net.Simulation.Run();

        pcs[1].Port.Counters.FramesReceived.Should().Be(0);
        sw.Ports[0].Counters.Dropped(DropReason.Filtered).Should().Be(1);
        sw.Ports[0].Counters.Dropped(DropReason.Malformed).Should().Be(1);
    }
}
