using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Tracing;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Ethernet;

public class SwitchTests
{
    private static (TestNetwork Net, Switch Switch, Nic[] Pcs, TraceRecorder Trace) FourOnASwitch(int tableCapacity = 8192, SimDuration? aging = null)
    {
        var net = new TestNetwork();
        var sw = new Switch(net.Network, "s1", 4, tableCapacity, aging);
        Nic[] pcs = net.Computers(4);
        for (int i = 0; i < 4; i++)
        {
            net.Connect(pcs[i].Port, sw.Ports[i]);
        }

        return (net, sw, pcs, new TraceRecorder(net.Network.Tracer));
    }

    private static long[] Received(Nic[] pcs) => [.. pcs.Select(p => p.Port.Counters.FramesReceived)];

    [Fact]
    public void The_first_frame_is_flooded_the_reply_is_not_and_then_one_port_only()
    {
        var (net, sw, pcs, trace) = FourOnASwitch();

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        Received(pcs).Should().Equal(0, 1, 1, 1); // flooded: everyone but the sender hears it
        pcs[2].Port.Counters.Dropped(DropReason.NotForMe).Should().Be(1);

        TestNetwork.SendFrame(pcs[1], pcs[0].Mac);
        net.Simulation.Run();
        Received(pcs).Should().Equal(1, 1, 1, 1); // the reply went to port 0 only

        sw.MacTable.GetEntries(net.Simulation.Now).Select(e => (e.Address, e.Port)).Should().Equal((pcs[0].Mac, 0), (pcs[1].Mac, 1));

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        Received(pcs).Should().Equal(1, 2, 1, 1); // now known: one port only
        sw.FramesFlooded.Should().Be(1);
        sw.FramesForwarded.Should().Be(2);
        trace.Frames().Select(e => e.Kind).Should().ContainInOrder(FrameEventKind.Learned, FrameEventKind.Flooded, FrameEventKind.Learned, FrameEventKind.Forwarded, FrameEventKind.Forwarded);
    }

    [Fact]
    public void Broadcasts_are_always_flooded()
    {
        var (net, sw, pcs, _) = FourOnASwitch();
        TestNetwork.SendFrame(pcs[1], pcs[0].Mac); // teach the switch where pc1 is
        net.Simulation.Run();
        TestNetwork.SendFrame(pcs[0], MacAddress.Broadcast);
        net.Simulation.Run();

        pcs.Skip(1).Select(p => p.FramesDelivered).Should().Equal(1, 1, 1);
        sw.FramesFlooded.Should().Be(2);
    }

    [Fact]
    public void Entries_age_out_after_the_ageing_time_and_the_switch_floods_again()
    {
        var (net, sw, pcs, trace) = FourOnASwitch(aging: SimDuration.FromSeconds(10));
        TestNetwork.SendFrame(pcs[1], pcs[0].Mac);
        net.Simulation.Run();
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        Received(pcs).Should().Equal(1, 1, 1, 1);

        net.Simulation.RunFor(SimDuration.FromSeconds(11));
        sw.MacTable.GetEntries(net.Simulation.Now).Should().BeEmpty();
        TestNetwork.SendFrame(pcs[2], pcs[1].Mac);
        net.Simulation.Run();

        Received(pcs).Should().Equal([2L, 2, 1, 2], "pc2's entry aged out, so the frame was flooded");
        trace.Frames().Should().Contain(e => e.Kind == FrameEventKind.AgedOut && e.Source == pcs[1].Mac);
    }

    [Fact]
    public void A_full_table_learns_nothing_new_and_floods_unknown_destinations()
    {
        var (net, sw, pcs, _) = FourOnASwitch(tableCapacity: 2);
        foreach (Nic pc in pcs)
        {
            TestNetwork.SendFrame(pc, MacAddress.Broadcast);
            net.Simulation.Run();
        }

        sw.MacTable.Count.Should().Be(2);
        sw.MacTable.GetEntries(net.Simulation.Now).Select(e => e.Address).Should().Equal(pcs[0].Mac, pcs[1].Mac);
        long[] before = Received(pcs);
        TestNetwork.SendFrame(pcs[0], pcs[3].Mac);
        net.Simulation.Run();
        Received(pcs).Zip(before, (after, b) => after - b).Should().Equal([0L, 1, 1, 1], "pc4 was never learned, so the frame is flooded");
    }

    [Fact]
    public void A_station_that_moves_is_learned_on_its_new_port()
    {
        var (net, sw, pcs, trace) = FourOnASwitch();
        TestNetwork.SendFrame(pcs[1], MacAddress.Broadcast);
        net.Simulation.Run();

        // pc2's address now appears on port 3 (the station moved; here pc4 sends with its address).
        FrameHandle moved = pcs[3].CreateFrame(MacAddress.Broadcast, FrameSource.TestEtherType, 46);
        new EthernetFrame(net.Network.Frames.GetSpan(moved)).Source = pcs[1].Mac;
        pcs[3].Send(moved);
        net.Simulation.Run();

        sw.MacTable.TryLookup(pcs[1].Mac, net.Simulation.Now, out int port, out _).Should().BeTrue();
        port.Should().Be(3);
        trace.Frames().Count(e => e.Kind == FrameEventKind.Learned && e.Source == pcs[1].Mac).Should().Be(2);
    }

    [Fact]
    public void A_frame_for_a_station_on_the_ingress_port_is_filtered()
    {
        // pc1 and pc2 share switch port 0 through a hub.
        var net = new TestNetwork();
        var sw = new Switch(net.Network, "s1", 2);
        var hub = new Hub(net.Network, "h1", 3);
        Nic[] pcs = net.Computers(3);
        net.Connect(pcs[0].Port, hub.Ports[0]);
        net.Connect(pcs[1].Port, hub.Ports[1]);
        net.Connect(hub.Ports[2], sw.Ports[0]);
        net.Connect(pcs[2].Port, sw.Ports[1]);

        TestNetwork.SendFrame(pcs[1], MacAddress.Broadcast);
        net.Simulation.Run();
        long pc3Before = pcs[2].Port.Counters.FramesReceived;
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();

        pcs[1].FramesDelivered.Should().Be(1, "pc2 hears pc1 through the hub");
        sw.FramesFiltered.Should().Be(1);
        pcs[2].Port.Counters.FramesReceived.Should().Be(pc3Before, "the switch did not send it on");
    }

    [Fact]
    public void Bad_frames_are_dropped_and_counted_never_thrown()
    {
        var (net, sw, pcs, _) = FourOnASwitch();
        FrameHandle runt = net.Network.Frames.Rent(10);
        sw.Ports[0].Cable!.FromA.Should().NotBeNull();
        // A 10-byte frame put straight on pc1's port (bypassing the NIC's padding).
        pcs[0].Port.Send(runt);
        net.Simulation.Run();
        sw.Ports[0].Counters.Dropped(DropReason.Malformed).Should().Be(1);
        net.Network.Frames.InUse.Should().Be(0);
    }
}
