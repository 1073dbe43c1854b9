using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;

namespace NetSim.Benchmarks.Routing;

/// <summary>
/// What a large IPv4 network costs to build: N hosts, each with one address in 10.0.0.0/8
/// and its own 1 Gb/s cable to a 48-port switch (47 hosts per access switch, its last
/// port up to an aggregation switch, and so on up to one root switch), then one second of
/// simulated idle time. One operation is one host, so the memory diagnoser's "Allocated" is
/// the managed bytes allocated per host (the switches' and cables' share included, and
/// garbage made while building), and the time is build time per host.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.ColdStart, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class HostMemoryBenchmarks
{
    /// <summary>Ports per switch.</summary>
    [Params(48)]
    public int SwitchPorts { get; set; }

    /// <summary>Build 10,000 hosts.</summary>
    [Benchmark(OperationsPerInvoke = 10_000)]
    public Host[] Hosts10k() => HostNetwork.Build(10_000, SwitchPorts);

    /// <summary>Build 100,000 hosts.</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public Host[] Hosts100k() => HostNetwork.Build(100_000, SwitchPorts);
}

/// <summary>The network of <see cref="HostMemoryBenchmarks"/>.</summary>
internal static class HostNetwork
{
    public static readonly DataRate Rate = DataRate.FromGigabitsPerSecond(1);
    public static readonly SimDuration Delay = SimDuration.FromMicroseconds(1);

    /// <summary>
    /// Builds <paramref name="hostCount"/> hosts in a tree of switches with
    /// <paramref name="switchPorts"/> ports and runs one simulated second. Returns the hosts,
    /// which reach everything else (nothing in the network refers to its devices).
    /// </summary>
    public static Host[] Build(int hostCount, int switchPorts)
    {
        int downlinks = switchPorts - 1; // the last port goes up
        var network = new Network(new Simulation(seed: 1));
        var hosts = new Host[hostCount];
        for (int i = 0; i < hostCount; i++)
        {
            // 10.0.0.1, 10.0.0.2, ...: never the network or broadcast address of 10.0.0.0/8.
            uint address = 0x0A00_0000u + (uint)i + 1;
            hosts[i] = new Host(network, $"h{i}");
            hosts[i].AddInterface(Wire.Ipv4Address.FromUInt32(address), 8);
        }

        // Switches level by level, from the hosts' ports up: each takes up to 47 ports (of 48)
        // from below, and the switches' uplinks are the next level's ports from below.
        Port[] below = [.. hosts.Select(h => h.Port)];
        int level = 0;
        while (below.Length > 1 || level == 0)
        {
            var uplinks = new Port[(below.Length + downlinks - 1) / downlinks];
            for (int s = 0; s < uplinks.Length; s++)
            {
                var sw = new Switch(network, $"s{level}.{s}", switchPorts);
                for (int p = 0; p < downlinks && (s * downlinks) + p < below.Length; p++)
                {
                    _ = new Cable(below[(s * downlinks) + p], sw.Ports[p], Rate, Delay);
                }

                uplinks[s] = sw.Ports[downlinks];
            }

            below = uplinks;
            level++;
        }

        network.Simulation.RunFor(SimDuration.FromSeconds(1));
        return hosts;
    }
}
