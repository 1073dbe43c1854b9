using BenchmarkDotNet.Attributes;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Benchmarks.Routing;

/// <summary>
/// IPv4 packets carried end to end through a chain: host A - r1 - r2 - r3 - r4 - host B,
/// 100 Gb/s cables with 1 us of delay, static ARP entries everywhere. One operation is one
/// packet: host A sends it (<see cref="IpNode.Send(Ipv4Address, IpProtocol, ReadOnlySpan{byte}, byte, bool)"/>:
/// route, header, ARP, Ethernet), it crosses five cables and four routers, and host B
/// takes it in (IPv4 and ICMP checks) and drops it (an echo reply nobody waits for, so B
/// sends nothing back). Packets are 64-byte frames with the FCS: a 46-byte IPv4 packet, a
/// 26-byte ICMP message. Time per packet; divide by 4 for time per router hop (the hosts'
/// share included).
/// </summary>
[MemoryDiagnoser]
public class RouterChainBenchmarks
{
    public const int Packets = 50_000;
    public const int RouterCount = 4;

    private Simulation? simulation;
    private Host? a;
    private Host? b;
    private Router[]? routers;
    private Sender? sender;

    [GlobalSetup]
    public void Setup()
    {
        simulation = new Simulation(seed: 1);
        var network = new Network(simulation);

        // Networks 10.0.k.0/24, k = 1 to 5; router k is .1 on network k and .2 on network k + 1 (B's gateway is .1 on network 5).
        a = new Host(network, "a", "10.0.1.10/24", "10.0.1.1");
        routers = new Router[RouterCount];
        Port left = a.Port;
        for (int k = 1; k <= RouterCount; k++)
        {
            var router = new Router(network, $"r{k}");
            router.AddInterface($"10.0.{k}.1/24");
            router.AddInterface($"10.0.{k + 1}.{(k == RouterCount ? 1 : 2)}/24");
            _ = new Cable(left, router.Interfaces[0].Port, RoutingTopology.LinkRate, RoutingTopology.LinkDelay);
            left = router.Interfaces[1].Port;
            routers[k - 1] = router;
        }

        b = new Host(network, "b", $"10.0.{RouterCount + 1}.10/24", $"10.0.{RouterCount + 1}.1");
        _ = new Cable(left, b.Port, RoutingTopology.LinkRate, RoutingTopology.LinkDelay);

        for (int k = 1; k <= RouterCount; k++)
        {
            Router router = routers[k - 1];
            for (int n = 1; n < k; n++)
            {
                router.AddRoute($"10.0.{n}.0/24", $"10.0.{k}.2");
            }

            for (int n = k + 2; n <= RouterCount + 1; n++)
            {
                router.AddRoute($"10.0.{n}.0/24", $"10.0.{k + 1}.1");
            }
        }

        // Static ARP both ways on every link, so no ARP traffic at all.
        IpInterface[] ends = [a.Interfaces[0], .. routers.SelectMany(r => r.Interfaces), b.Interfaces[0]];
        for (int i = 0; i < ends.Length; i += 2)
        {
            ends[i].Arp.AddStatic(ends[i + 1].Address, ends[i + 1].Mac);
            ends[i + 1].Arp.AddStatic(ends[i].Address, ends[i].Mac);
        }

        // An echo reply nobody waits for: B counts it as delivered, then drops it, and answers nothing.
        int icmpLength = RoutingTopology.IpLengthOf(64) - Ipv4Header.MinLength;
        var message = new byte[icmpLength];
        new IcmpHeader(IcmpType.EchoReply, 0, Identifier: 0x4242, SequenceNumber: 1).Emit(message);
        sender = new Sender(a, b.Address, message);

        EndToEnd(); // warm up and check
    }

    /// <summary>One packet from A to B through four routers.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long EndToEnd()
    {
        long delivered = b!.Counters.PacketsDelivered;
        long forwarded = routers!.Sum(r => r.Counters.PacketsForwarded);
        sender!.Run(Packets);
        delivered = b.Counters.PacketsDelivered - delivered;
        forwarded = routers!.Sum(r => r.Counters.PacketsForwarded) - forwarded;
        if (delivered != Packets || forwarded != Packets * RouterCount)
        {
            throw new InvalidOperationException($"{Packets} packets sent, {forwarded} router hops, {delivered} delivered; a: {a!.Counters}, b: {b.Counters}.");
        }

        return delivered;
    }

    /// <summary>Makes host A send one packet every 150 ns of simulated time.</summary>
    private sealed class Sender(Host host, Ipv4Address destination, byte[] message) : IEventTarget
    {
        private int remaining;

        public void Run(int count)
        {
            remaining = count;
            host.Simulation.Schedule(SimDuration.Zero, this);
            host.Simulation.Run();
        }

        public void OnEvent(int kind, long argument)
        {
            if (host.Send(destination, IpProtocol.Icmp, message) != SendResult.Sent)
            {
                throw new InvalidOperationException($"{host} could not send to {destination}.");
            }

            if (--remaining > 0)
            {
                host.Simulation.Schedule(RoutingTopology.InjectionInterval, this);
            }
        }
    }
}
