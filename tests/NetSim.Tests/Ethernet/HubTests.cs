using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Tracing;
using NetSim.Tracing;

namespace NetSim.Tests.Ethernet;

public class HubTests
{
    private static (TestNetwork Net, Hub Hub, Nic[] Pcs, TraceRecorder Trace) OnAHub(int stations, ulong seed = 1)
    {
        var (net, hub, pcs) = Untraced(stations, seed);
        return (net, hub, pcs, new TraceRecorder(net.Network.Tracer));
    }

    // Nobody listens to the trace: the hub counts the frames a station ignores instead of sending them.
    private static (TestNetwork Net, Hub Hub, Nic[] Pcs) Untraced(int stations, ulong seed = 1)
    {
        var net = new TestNetwork(seed);
        var hub = new Hub(net.Network, "h1", stations);
        Nic[] pcs = net.Computers(stations);
        for (int i = 0; i < stations; i++)
        {
            net.Connect(pcs[i].Port, hub.Ports[i]);
        }

        return (net, hub, pcs);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Everyone_hears_everything(bool traced)
    {
        var (net, hub, pcs) = Untraced(4);
        if (traced)
        {
            _ = new TraceRecorder(net.Network.Tracer);
        }

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();

        pcs.Select(p => p.Port.Counters.FramesReceived).Should().Equal(0, 1, 1, 1);
        pcs[1].FramesDelivered.Should().Be(1);
        pcs[2].Port.Counters.Dropped(DropReason.NotForMe).Should().Be(1, "C hears the frame for B and ignores it");
        pcs[3].Port.Counters.Dropped(DropReason.NotForMe).Should().Be(1);
        hub.FramesRepeated.Should().Be(1);
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_promiscuous_station_keeps_what_it_overhears(bool traced)
    {
        var (net, _, pcs) = Untraced(3);
        if (traced)
        {
            _ = new TraceRecorder(net.Network.Tracer);
        }
        pcs[2].Promiscuous = true;
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        pcs[2].FramesDelivered.Should().Be(1);
        pcs[2].Port.Counters.FramesDropped.Should().Be(0);
    }

    [Fact]
    public void Every_counter_ends_the_same_whether_the_network_is_traced_or_not()
    {
        static long[] Run(bool traced)
        {
            var (net, hub, pcs) = Untraced(5, seed: 7);
            if (traced)
            {
                _ = new TraceRecorder(net.Network.Tracer);
            }
            new FrameSource(pcs[0], pcs[1].Mac, 1000, count: 40).Start();
            new FrameSource(pcs[1], pcs[2].Mac, 200, count: 40).Start();
            new FrameSource(pcs[2], NetSim.Wire.MacAddress.Broadcast, 100, count: 40).Start();
            new FrameSource(pcs[3], NetSim.Wire.MacAddress.Parse("01:00:5e:00:00:01"), 300, count: 40).Start();
            new FrameSource(pcs[4], pcs[0].Mac, 1514, count: 40).Start();
            net.Simulation.Run();
            net.Network.Frames.InUse.Should().Be(0);
            return
            [
                hub.FramesRepeated,
                .. pcs.Select(p => p.FramesDelivered),
                .. pcs.Select(p => p.Port).Concat(hub.Ports).SelectMany(p => (long[])
                [
                    p.Counters.FramesSent, p.Counters.BytesSent, p.Counters.FramesReceived, p.Counters.BytesReceived,
                    .. Enum.GetValues<DropReason>().Select(p.Counters.Dropped),
                ]),
            ];
        }

        long[] untraced = Run(traced: false);
        untraced.Should().Equal(Run(traced: true));
        untraced.Should().Contain(n => n > 0);
    }

    [Fact]
    public void The_trace_shows_each_station_dropping_what_is_not_for_it()
    {
        var (net, _, pcs, trace) = OnAHub(4);
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();

        trace.Frames().Where(e => e.Kind == FrameEventKind.Dropped).Select(e => (e.Device, e.Reason))
            .Should().BeEquivalentTo([("pc3", (DropReason?)DropReason.NotForMe), ("pc4", DropReason.NotForMe)]);
    }

    [Fact]
    public void A_tap_at_a_station_sees_every_frame_it_hears()
    {
        var (net, _, pcs) = Untraced(3);
        var tap = new CountingTap();
        pcs[2].Port.AddTap(tap);
        new FrameSource(pcs[0], pcs[1].Mac, 500, count: 10).Start();
        net.Simulation.Run();

        tap.Incoming.Should().Be(10, "a capture at a station sees what it hears before its address filter");
        pcs[2].Port.Counters.Dropped(DropReason.NotForMe).Should().Be(10);
    }

    [Fact]
    public void Taps_on_the_hub_ports_see_each_repeated_frame_in_port_order()
    {
        var (net, hub, pcs) = Untraced(4);
        var order = new List<int>();
        var tap = new OrderTap(order);
        foreach (Port port in hub.Ports)
        {
            port.AddTap(tap);
        }

        new FrameSource(pcs[0], pcs[1].Mac, 500, count: 2).Start(); // port 1's station is addressed, 2's and 3's are not
        net.Simulation.Run();

        order.Should().Equal([1, 2, 3, 1, 2, 3], "a capture of every hub port writes each repeat in port order, as one capture file would");
    }

    [Fact]
    public void A_lossy_cable_to_a_station_still_loses_what_it_would_ignore()
    {
        var (net, hub, pcs) = Untraced(3);
        hub.Ports[2].Cable!.FromB.Impairments.LossProbability = 1;
        new FrameSource(pcs[0], pcs[1].Mac, 500, count: 10).Start();
        net.Simulation.Run();

        pcs[2].Port.Counters.FramesReceived.Should().Be(0);
        pcs[2].Port.Counters.Dropped(DropReason.LostOnCable).Should().Be(10);
        pcs[1].FramesDelivered.Should().Be(10);
    }

    [Fact]
    public void Untraced_a_station_counts_a_frame_it_ignores_when_the_hub_repeats_it()
    {
        var (net, _, pcs) = Untraced(3);
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        // The hub repeats the frame when it has all of it; it reaches the stations one cable later.
        SimTime repeated = SimTime.Zero + TestNetwork.OnWire(60) + TestNetwork.Delay;
        net.Simulation.RunUntil(repeated + (TestNetwork.Delay / 2));

        pcs[1].Port.Counters.FramesReceived.Should().Be(0, "the frame for pc2 is still on its cable");
        pcs[2].Port.Counters.FramesReceived.Should().Be(1, "pc3 ignores it, and counts it as soon as the hub repeats it");
        pcs[2].Port.Counters.Dropped(DropReason.NotForMe).Should().Be(1);

        // So a cable that goes down now loses the frame to pc2, while pc3 has counted its own.
        pcs[1].Port.Cable!.IsUp = false;
        pcs[2].Port.Cable!.IsUp = false;
        net.Simulation.Run();
        pcs[1].Port.Counters.Dropped(DropReason.LinkDown).Should().Be(1);
        pcs[2].Port.Counters.Dropped(DropReason.LinkDown).Should().Be(0);
        net.Network.Frames.InUse.Should().Be(0);
    }

    [Fact]
    public void The_frame_reaches_each_station_after_both_cables()
    {
        var (net, _, pcs, _) = OnAHub(2);
        SimTime? arrived = null;
        pcs[1].Received += (nic, frame) =>
        {
            arrived = net.Simulation.Now;
        };
        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Run();
        arrived.Should().Be(SimTime.Zero + TestNetwork.OnWire(60) + TestNetwork.Delay + TestNetwork.Delay);
    }

    [Fact]
    public void A_station_leaves_the_inter_frame_gap_after_each_frame_it_sends()
    {
        var (net, _, pcs) = Untraced(2);
        var arrivals = new List<SimTime>();
        pcs[1].Received += (nic, frame) =>
        {
            arrivals.Add(net.Simulation.Now);
        };
        SimDuration gap = TestNetwork.Rate.TransmissionTime(12);
        SimDuration frameTime = TestNetwork.OnWire(60);
        SimDuration toPc2 = frameTime + TestNetwork.Delay + TestNetwork.Delay;

        TestNetwork.SendFrame(pcs[0], pcs[1].Mac);
        net.Simulation.Schedule(frameTime + (gap / 2), () => TestNetwork.SendFrame(pcs[0], pcs[1].Mac)); // during the gap: waits for its end
        net.Simulation.Schedule(SimDuration.FromMicroseconds(30), () => TestNetwork.SendFrame(pcs[0], pcs[1].Mac)); // long after: at once
        net.Simulation.Run();

        arrivals.Should().Equal(
            SimTime.Zero + toPc2,
            SimTime.Zero + frameTime + gap + toPc2,
            SimTime.Zero + SimDuration.FromMicroseconds(30) + toPc2);
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
        trace.Frames().Should().NotContain(e => e.Kind == FrameEventKind.Collided);
    }

    [Fact]
    public void Two_stations_that_start_together_collide_jam_back_off_and_both_get_through()
    {
        var (net, _, pcs, trace) = OnAHub(3, seed: 3);
        TestNetwork.SendFrame(pcs[0], pcs[2].Mac, 1514);
        TestNetwork.SendFrame(pcs[1], pcs[2].Mac, 1514);
        net.Simulation.Run();

        pcs[2].FramesDelivered.Should().Be(2);
        trace.Frames().Count(e => e.Kind == FrameEventKind.Collided).Should().BeGreaterThanOrEqualTo(2, "both stations see the collision");
        trace.Frames().Should().Contain(e => e.Kind == FrameEventKind.BackedOff);
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
            return [.. trace.Frames().Select(e => e.ToString())];
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

    private sealed class CountingTap : IFrameTap
    {
        public int Incoming { get; private set; }

        public void OnFrame(Port port, ReadOnlySpan<byte> frame, bool outgoing)
        {
            if (!outgoing)
            {
                Incoming++;
            }
        }
    }

    private sealed class OrderTap(List<int> order) : IFrameTap
    {
        public void OnFrame(Port port, ReadOnlySpan<byte> frame, bool outgoing)
        {
            if (outgoing)
            {
                order.Add(port.Number);
            }
        }
    }
}
