using BenchmarkDotNet.Attributes;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Benchmarks.Routing;

/// <summary>
/// IPv4 packets forwarded per second of wall time by one router. One operation is one
/// router hop: the packet's arrival event at the router's ingress port, the NIC's checks,
/// the IPv4 checks (header checksum included), the TTL decrement with its incremental
/// checksum update, the longest-prefix match in a table of the given size, the ARP lookup
/// of the next hop (a static entry), the new Ethernet header, the enqueue on the egress
/// port, its serialization (100 Gb/s) and its arrival at the receiving NIC, which counts
/// it and returns the buffer to the pool.
/// </summary>
/// <remarks>
/// Packets are injected straight at the router's ingress port, as if their last bit had
/// just arrived, one every 150 ns of simulated time (a 1,500-byte packet takes 122 ns of a
/// 100 Gb/s link, so no queue builds up). <see cref="PacketSize"/> 64 is a 64-byte Ethernet
/// frame counting the FCS (an IPv4 packet of 46 bytes); 1500 is an IPv4 packet of 1,500
/// bytes (a 1,518-byte frame). The table holds <see cref="Routes"/> random static routes
/// (prefixes /8 to /32, seed 7, none overlapping the two connected /24s) and the two
/// connected routes. <see cref="Hop"/> sends every packet to the receiver (its connected
/// route); <see cref="HopSpreadDestinations"/> sends 4,096 different destinations, each
/// inside a random one of the static routes, all of which lead to the receiver.
/// </remarks>
[MemoryDiagnoser]
public class RouterHopBenchmarks
{
    public const int Packets = 100_000;

    private Simulation? simulation;
    private Router? router;
    private Nic? receiver;
    private PacketInjector? toReceiver;
    private PacketInjector? spread;

    /// <summary>64: a 64-byte Ethernet frame with its FCS (46-byte IPv4 packet). 1500: a 1,500-byte IPv4 packet.</summary>
    [Params(64, 1500)]
    public int PacketSize { get; set; }

    /// <summary>Random static routes in the router's table, besides its two connected routes.</summary>
    [Params(10, 100_000)]
    public int Routes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        simulation = new Simulation(seed: 1);
        var network = new Network(simulation);
        router = new Router(network, "r1");
        IpInterface ingress = router.AddInterface("10.0.1.1/24");
        IpInterface egress = router.AddInterface("10.0.2.1/24");
        var sender = new Nic(network, "sender");
        receiver = new Nic(network, "receiver");
        _ = new Cable(sender.Port, ingress.Port, RoutingTopology.LinkRate, RoutingTopology.LinkDelay);
        _ = new Cable(egress.Port, receiver.Port, RoutingTopology.LinkRate, RoutingTopology.LinkDelay);

        var senderAddress = Ipv4Address.Parse("10.0.1.10");
        var receiverAddress = Ipv4Address.Parse("10.0.2.10");
        ingress.Arp.AddStatic(senderAddress, sender.Mac);
        egress.Arp.AddStatic(receiverAddress, receiver.Mac);

        Ipv4Network[] added = RoutingTopology.AddRandomRoutes(router, Routes, receiverAddress, seed: 7, [ingress.Subnet, egress.Subnet]);
        if (router.Routes.Count != Routes + 2)
        {
            throw new InvalidOperationException($"The router has {router.Routes.Count} routes, not {Routes + 2}.");
        }

        int ipLength = RoutingTopology.IpLengthOf(PacketSize);
        byte[] direct = RoutingTopology.BuildFrame(ingress.Mac, sender.Mac, senderAddress, receiverAddress, ipLength);
        toReceiver = new PacketInjector(ingress.Port, direct, RoutingTopology.InjectionInterval);

        // Destinations inside random static routes: the lookup lands on a static route each time.
        var random = new RandomSource(11);
        var destinations = new Ipv4Address[4096];
        for (int i = 0; i < destinations.Length; i++)
        {
            Ipv4Network route = added[random.NextInt64(added.Length)];
            uint hostBits = route.PrefixLength == 32 ? 0 : (uint)random.NextInt64(1L << (32 - route.PrefixLength));
            var destination = Ipv4Address.FromUInt32(route.BaseAddress.Value | hostBits);
            if (!router.Routes.TryLookup(destination, out Route found) || found.Origin != RouteOrigin.Static || found.Gateway != receiverAddress)
            {
                throw new InvalidOperationException($"{destination} does not match a static route to the receiver ({found}).");
            }

            destinations[i] = destination;
        }

        spread = new PacketInjector(ingress.Port, direct, RoutingTopology.InjectionInterval, destinations);

        // Warm up (pool, queues, JIT, lookup arrays) and check that every packet gets through.
        Forward(toReceiver);
        Forward(spread);
    }

    /// <summary>Every packet to the receiver itself (its connected route).</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long Hop() => Forward(toReceiver!);

    /// <summary>4,096 destinations spread over the static routes.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long HopSpreadDestinations() => Forward(spread!);

    private long Forward(PacketInjector injector)
    {
        long forwarded = router!.Counters.PacketsForwarded;
        long delivered = receiver!.FramesDelivered;
        injector.Run(simulation!, Packets);
        forwarded = router.Counters.PacketsForwarded - forwarded;
        delivered = receiver.FramesDelivered - delivered;
        if (forwarded != Packets || delivered != Packets)
        {
            throw new InvalidOperationException($"{Packets} packets injected, {forwarded} forwarded, {delivered} delivered; router: {router.Counters}.");
        }

        return delivered;
    }
}
