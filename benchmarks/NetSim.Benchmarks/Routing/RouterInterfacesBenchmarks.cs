using BenchmarkDotNet.Attributes;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Benchmarks.Routing;

/// <summary>
/// One router hop, as in <see cref="RouterHopBenchmarks"/>, through a router with
/// <see cref="Interfaces"/> interfaces (a core router has thousands): the cost per packet
/// should not depend on how many it has. The receiving checks (is the destination one of
/// mine, a broadcast of one of my networks; is the source one) and the route lookup run
/// against every interface's address and network.
/// </summary>
/// <remarks>
/// <see cref="AddInterface"/> measures building: one operation is one interface added to a
/// new router (its NIC, its connected route, the checks that its network overlaps no other).
/// Interface k is 10.(k / 256).(k % 256).1/24; the sender is on interface 0 and the
/// receiver on the last one, with static ARP entries. 64-byte frames (46-byte IPv4
/// packets), one every 150 ns of simulated time on 100 Gb/s cables.
/// </remarks>
[MemoryDiagnoser]
public class RouterInterfacesBenchmarks
{
    public const int Packets = 100_000;

    private Simulation? simulation;
    private Router? router;
    private Nic? receiver;
    private PacketInjector? injector;

    /// <summary>The router's interfaces.</summary>
    [Params(2, 16, 4096)]
    public int Interfaces { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        simulation = new Simulation(seed: 1);
        var network = new Network(simulation);
        router = Build(network, Interfaces);

        IpInterface ingress = router.Interfaces[0];
        IpInterface egress = router.Interfaces[^1];
        var sender = new Nic(network, "sender");
        receiver = new Nic(network, "receiver");
        _ = new Cable(sender.Port, ingress.Port, RoutingTopology.LinkRate, RoutingTopology.LinkDelay);
        _ = new Cable(egress.Port, receiver.Port, RoutingTopology.LinkRate, RoutingTopology.LinkDelay);

        var senderAddress = Ipv4Address.FromUInt32(ingress.Address.Value + 9);
        var receiverAddress = Ipv4Address.FromUInt32(egress.Address.Value + 9);
        ingress.Arp.AddStatic(senderAddress, sender.Mac);
        egress.Arp.AddStatic(receiverAddress, receiver.Mac);

        int ipLength = RoutingTopology.IpLengthOf(64);
        byte[] frame = RoutingTopology.BuildFrame(ingress.Mac, sender.Mac, senderAddress, receiverAddress, ipLength);
        injector = new PacketInjector(ingress.Port, frame, RoutingTopology.InjectionInterval);

        Hop(); // warm up (pool, queues, JIT, lookup arrays) and check that every packet gets through
    }

    /// <summary>A router with <see cref="Interfaces"/> interfaces built from nothing; per interface.</summary>
    [Benchmark]
    public Router AddInterface()
    {
        // OperationsPerInvoke must be a constant: divide the figure by Interfaces in the README.
        return Build(new Network(new Simulation(seed: 1)), Interfaces);
    }

    /// <summary>Every packet from the first interface's network to the last one's.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long Hop()
    {
        long forwarded = router!.Counters.PacketsForwarded;
        long delivered = receiver!.FramesDelivered;
        injector!.Run(simulation!, Packets);
        forwarded = router.Counters.PacketsForwarded - forwarded;
        delivered = receiver.FramesDelivered - delivered;
        if (forwarded != Packets || delivered != Packets)
        {
            throw new InvalidOperationException($"{Packets} packets injected, {forwarded} forwarded, {delivered} delivered; router: {router.Counters}.");
        }

        return delivered;
    }

    private static Router Build(Network network, int interfaces)
    {
        var built = new Router(network, "core");
        for (int k = 0; k < interfaces; k++)
        {
            built.AddInterface(Ipv4Address.FromUInt32((10u << 24) | ((uint)k << 8) | 1), 24);
        }

        return built;
    }
}
