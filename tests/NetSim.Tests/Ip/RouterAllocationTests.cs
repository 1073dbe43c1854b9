using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

public class RouterAllocationTests
{
    [Fact]
    public void A_router_hop_allocates_nothing_after_warm_up()
    {
        // raw sender -> r1 -> raw receiver: only the router's forwarding path runs per packet.
        var net = new IpTestNetwork();
        var sender = new Nic(net.Network, "sender");
        var receiver = new Nic(net.Network, "receiver");
        var r1 = new Router(net.Network, "r1");
        r1.AddInterface("10.0.1.1/24");
        r1.AddInterface("10.0.2.1/24");
        net.Connect(sender.Port, r1.Interfaces[0].Port);
        net.Connect(r1.Interfaces[1].Port, receiver.Port);
        var destination = Ipv4Address.Parse("10.0.2.10");
        r1.Interfaces[1].Arp.AddStatic(destination, receiver.Mac);
        var random = new Random(3);
        for (int i = 0; i < 1000; i++)
        {
            r1.Routes.AddOrReplace(new NetSim.Ip.Route(NetSim.Wire.Ipv4Network.Containing(Ipv4Address.FromUInt32((uint)random.NextInt64(11L << 24, 200L << 24)), 24), destination, 1));
        }

        long received = 0;
        receiver.Received += (nic, frame) =>
        {
            received++;
        };
        var packet = new byte[Ipv4Header.MinLength + 26];
        new Ipv4Header(Ipv4Address.Parse("10.0.1.10"), destination, IpProtocol.Udp, 64, packet.Length).Emit(packet);

        void SendBatch(int count)
        {
            for (int i = 0; i < count; i++)
            {
                FrameHandle frame = sender.CreateFrame(r1.Interfaces[0].Mac, EtherType.IPv4, packet.Length);
                packet.CopyTo(net.Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength..]);
                sender.Send(frame);
            }

            net.Simulation.Run();
        }

        for (int i = 0; i < 20; i++)
        {
            SendBatch(500); // warm up: pools, queues, JIT, the routing table's lookup arrays
        }

        // Two windows of 50,000 hops each: a per-packet allocation shows in both, while a one-time
        // one of the runtime's (seen under a loaded test run) lands in one at most.
        long[] allocated = new long[2];
        for (int window = 0; window < 2; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                SendBatch(500);
            }

            allocated[window] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        received.Should().Be(110_000);
        r1.Counters.PacketsForwarded.Should().Be(110_000);
        allocated.Min().Should().Be(0, $"the windows allocated {allocated[0]} and {allocated[1]} bytes");
    }
}
