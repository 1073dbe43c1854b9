using NetSim.Ethernet;
using NetSim.Links;

namespace NetSim.Tests.Ethernet;

public class ForwardingAllocationTests
{
    private static long AllocatedWhileForwarding(bool useHub, bool probed = false)
    {
        var net = new TestNetwork();
        IReadOnlyList<Port> ports = useHub ? new Hub(net.Network, "h1", 2).Ports : new Switch(net.Network, "s1", 2).Ports;
        Nic[] pcs = net.Computers(2);
        net.Connect(pcs[0].Port, ports[0]);
        net.Connect(pcs[1].Port, ports[1]);
        TestNetwork.SendFrame(pcs[1], pcs[0].Mac); // the switch learns pc2
        net.Simulation.Run();
        long queueChanges = 0;
        if (probed)
        {
            // A listener on every queue, and a probe already full (it counts what it misses).
            foreach (Port port in ports.Append(pcs[0].Port))
            {
                port.QueueChanged += (_, change) => queueChanges += change.Frames;
                port.ProbeQueue(capacity: 1);
            }
        }

        var source = new FrameSource(pcs[0], pcs[1].Mac, 64, count: 300_000); // 2 s of frames: 200 ms to warm up, then two windows
        source.Start();
        net.Simulation.RunFor(NetSim.Engine.SimDuration.FromMilliseconds(200)); // warm up: pools, queues, JIT

        // Two windows of steady state, each of 100,000 frames or more: a cost per frame shows in both, so the
        // smaller is what forwarding allocates. (A one-off allocation on the test thread that is not the
        // forwarding path's landed in one window once, in a full run on a loaded machine.)
        long delivered = pcs[1].FramesDelivered;
        long allocated = long.MaxValue;
        foreach (bool last in (ReadOnlySpan<bool>)[false, true])
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            if (last)
            {
                net.Simulation.Run();
            }
            else
            {
                net.Simulation.RunFor(NetSim.Engine.SimDuration.FromMilliseconds(800)); // about 113,000 frames of 64 bytes at 100 Mb/s
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            (pcs[1].FramesDelivered - delivered).Should().BeGreaterThanOrEqualTo(100_000);
            delivered = pcs[1].FramesDelivered;
        }
        if (probed)
        {
            queueChanges.Should().BePositive("the frames waited in the sending NIC's queue");
        }

        return allocated;
    }

    [Fact]
    public void Forwarding_100000_frames_through_a_switch_allocates_nothing() =>
        AllocatedWhileForwarding(useHub: false).Should().Be(0);

    [Fact]
    public void Repeating_100000_frames_through_a_hub_allocates_nothing() =>
        AllocatedWhileForwarding(useHub: true).Should().Be(0);

    [Fact]
    public void Forwarding_100000_frames_with_queue_listeners_and_probes_on_every_port_allocates_nothing() =>
        AllocatedWhileForwarding(useHub: false, probed: true).Should().Be(0);

    [Fact]
    public void Repeating_100000_frames_with_queue_listeners_and_probes_on_every_port_allocates_nothing() =>
        AllocatedWhileForwarding(useHub: true, probed: true).Should().Be(0);
}
