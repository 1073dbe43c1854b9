using BenchmarkDotNet.Attributes;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Partitioning;
using NetSim.Topology;
using NetSim.Transport;

namespace NetSim.Benchmarks.Parallel;

/// <summary>
/// One simulation in partitions (<see cref="ParallelSimulation"/>): samples/Distributed's network, 16 sites of 64
/// hosts in a ring of 5 ms WAN links, every host sending 1,000-byte UDP datagrams every 10 ms to another site, for
/// 1 s of simulated time (102,400 datagrams, about 1,030,000 events). The sites are dealt out to 2, 4, 8 or 16
/// partitions, run on 1 thread or 2 (this machine's cores): the same run each time, so the ratio of the means is
/// the speedup. The network is built before each operation (not measured); one operation is the run.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class PartitionBenchmarks
{
    private ParallelSimulation? parallel;

    private const int Sites = 16;
    private const int HostsPerSite = 64;

    [Params(2, 4, 8, 16)]
    public int Partitions { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [IterationSetup]
    public void Build() => parallel = Ring.Build(Sites, HostsPerSite, Partitions, SimTime.FromSeconds(1));

    [Benchmark]
    public long SitesRing()
    {
        parallel!.RunUntil(SimTime.FromSeconds(1), Threads);
        return parallel.EventsExecuted;
    }
}

/// <summary>
/// What a partitioned run costs beyond its events. <see cref="Windows"/>: two partitions joined by a cut of 10 us,
/// each with one event every 10 us and nothing else, for 10 ms: 1,000 windows of one event each, so the time per
/// operation divided by 1,000 is the cost of a window (the barrier, finding the next one, two tiny events).
/// <see cref="UdpAcross"/>: 10,000 datagrams from a host to another through two routers, the cable between the
/// routers either an ordinary cable in one partition or a cut between two (on 1 thread): the difference divided by
/// the 9,863 frames that cross (137 wait in vain for r1 to resolve r2 by ARP) is the cost of a frame crossing a cut.
/// </summary>
[MemoryDiagnoser]
public class PartitionCostBenchmarks
{
    [Params(1, 2)]
    public int Threads { get; set; }

    [Benchmark]
    public long Windows()
    {
        var parallel = new ParallelSimulation(2);
        var a = new Router(parallel.GetNetwork(0), "a");
        var b = new Router(parallel.GetNetwork(1), "b");
        _ = a.AddInterface("10.0.0.1/30");
        _ = b.AddInterface("10.0.0.2/30");
        _ = parallel.Connect(0, "a/eth0", 1, "b/eth0", DataRate.FromGigabitsPerSecond(1), SimDuration.FromMicroseconds(10));
        foreach (int partition in new[] { 0, 1 })
        {
            Simulation simulation = parallel.GetNetwork(partition).Simulation;
            var tick = new Tick(simulation, SimDuration.FromMicroseconds(10));
            simulation.Schedule(SimDuration.Zero, tick);
        }

        parallel.RunUntil(SimTime.FromMilliseconds(10), Threads);
        return parallel.Windows;
    }

    [Benchmark]
    [Arguments(false)]
    [Arguments(true)]
    public long UdpAcross(bool cut)
    {
        var parallel = new ParallelSimulation(cut ? 2 : 1);
        Network left = parallel.GetNetwork(0);
        Network right = parallel.GetNetwork(cut ? 1 : 0);
        var sender = new Host(left, "sender", "10.0.1.10/24", "10.0.1.1");
        var r1 = new Router(left, "r1");
        _ = r1.AddInterface("10.0.1.1/24");
        _ = r1.AddInterface("172.16.0.1/30");
        r1.AddRoute("10.0.2.0/24", "172.16.0.2");
        var r2 = new Router(right, "r2");
        _ = r2.AddInterface("172.16.0.2/30");
        _ = r2.AddInterface("10.0.2.1/24");
        r2.AddRoute("10.0.1.0/24", "172.16.0.1");
        var receiver = new Host(right, "receiver", "10.0.2.10/24", "10.0.2.1");
        DataRate rate = DataRate.FromGigabitsPerSecond(1);
        _ = parallel.GetTopology(0).Connect(sender, r1.Interfaces[0], rate);
        _ = parallel.GetTopology(cut ? 1 : 0).Connect(r2.Interfaces[1], receiver, rate);
        if (cut)
        {
            _ = parallel.Connect(0, "r1/eth1", 1, "r2/eth0", rate, SimDuration.FromMilliseconds(1));
        }
        else
        {
            _ = parallel.GetTopology(0).Connect(r1.Interfaces[1], r2.Interfaces[0], rate, SimDuration.FromMilliseconds(1));
        }

        var sink = new UdpSocket(receiver);
        long received = 0;
        sink.Received += (_, _, _, _) => received++;
        sink.Bind(9);
        new UdpTrafficSource(sender, receiver.Address, 9)
        {
            PayloadSize = 1000,
            Interval = SimDuration.FromMicroseconds(10),
            StopTime = SimTime.FromMilliseconds(100),
        }.Start();
        parallel.RunUntil(SimTime.FromMilliseconds(102), Threads > 1 && cut ? 2 : 1);
        return received > 9_800 ? received : throw new InvalidOperationException($"{received} of 10,000 datagrams arrived (137 are dropped while r1 resolves r2 by ARP).");
    }

    private sealed class Tick(Simulation simulation, SimDuration period) : IEventTarget
    {
        public void OnEvent(int kind, long argument) => simulation.Schedule(period, this);
    }
}

/// <summary>samples/Distributed's network: sites of hosts on a switch behind a router, the routers in a ring of 5 ms WAN links.</summary>
internal static class Ring
{
    public static ParallelSimulation Build(int sites, int hostsPerSite, int partitions, SimTime end)
    {
        var parallel = new ParallelSimulation(partitions, seed: 7);
        int PartitionOf(int site) => site % partitions;
        for (int s = 0; s < sites; s++)
        {
            Network network = parallel.GetNetwork(PartitionOf(s));
            TopologyBuilder topology = parallel.GetTopology(PartitionOf(s));
            var router = new Router(network, $"r{s}");
            IpInterface lan = router.AddInterface($"10.{s}.0.1/24");
            _ = router.AddInterface($"172.16.{s}.1/30");
            _ = router.AddInterface($"172.16.{(s + sites - 1) % sites}.2/30");
            for (int d = 0; d < sites; d++)
            {
                int ahead = (d - s + sites) % sites;
                if (ahead != 0)
                {
                    router.AddRoute($"10.{d}.0.0/24", ahead <= sites / 2 ? $"172.16.{s}.2" : $"172.16.{(s + sites - 1) % sites}.1");
                }
            }

            var sw = new Switch(network, $"sw{s}", hostsPerSite + 1);
            _ = topology.Connect(lan, sw, DataRate.FromGigabitsPerSecond(1));
            for (int h = 0; h < hostsPerSite; h++)
            {
                var host = new Host(network, $"h{s}-{h}", $"10.{s}.0.{10 + h}/24", $"10.{s}.0.1");
                _ = topology.Connect(host, sw);
                var sink = new UdpSocket(host);
                sink.Received += static (_, _, _, _) => { };
                sink.Bind(9);
                int toSite = (s + 1 + (h % (sites - 1))) % sites;
                new UdpTrafficSource(host, Wire.Ipv4Address.Parse($"10.{toSite}.0.{10 + (h * 7 % hostsPerSite)}"), 9)
                {
                    PayloadSize = 1000,
                    Interval = SimDuration.FromMilliseconds(10),
                    StartTime = SimTime.FromMicroseconds((97 * h) + (13 * s)),
                    StopTime = end,
                }.Start();
            }
        }

        for (int s = 0; s < sites; s++)
        {
            int next = (s + 1) % sites;
            DataRate wanRate = DataRate.FromGigabitsPerSecond(1);
            SimDuration wanDelay = SimDuration.FromMilliseconds(5);
            if (PartitionOf(s) != PartitionOf(next))
            {
                _ = parallel.Connect(PartitionOf(s), $"r{s}/eth1", PartitionOf(next), $"r{next}/eth2", wanRate, wanDelay);
            }
            else
            {
                Network network = parallel.GetNetwork(PartitionOf(s));
                IpInterface east = network.Devices.OfType<IpNode>().Single(n => n.Name == $"r{s}").Interfaces[1];
                IpInterface west = network.Devices.OfType<IpNode>().Single(n => n.Name == $"r{next}").Interfaces[2];
                _ = parallel.GetTopology(PartitionOf(s)).Connect(east, west, wanRate, wanDelay);
            }
        }

        return parallel;
    }
}
