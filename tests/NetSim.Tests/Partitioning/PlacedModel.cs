using NetSim.Engine;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Partitioning;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Partitioning;

/// <summary>
/// Builds one model either in a single simulation or in a <see cref="ParallelSimulation"/>
/// with each device in the partition <c>partitionOf</c> names: a cable between two devices
/// of one network is a cable, between two partitions a cut. Tests build a sample's topology
/// both ways with the same code and compare the runs.
/// </summary>
internal sealed class PlacedModel(int? partitions, ulong seed, Func<string, int> partitionOf)
{
    private readonly Network? single = partitions is null ? new Network(new Simulation(seed)) : null;
    private TopologyBuilder? singleTopology;

    public ParallelSimulation? Parallel { get; } = partitions is int count ? new ParallelSimulation(count, seed) : null;

    public Network NetworkOf(string device) => Parallel?.GetNetwork(partitionOf(device)) ?? single!;

    public TopologyBuilder TopologyOf(string device) => Parallel?.GetTopology(partitionOf(device)) ?? (singleTopology ??= new TopologyBuilder(single!));

    public void Link(IpInterface a, IpInterface b, DataRate rate, SimDuration delay)
    {
        if (a.Node.Network == b.Node.Network)
        {
            _ = TopologyOf(a.Node.Name).Connect(a, b, rate, delay);
        }
        else
        {
            _ = Parallel!.Connect(partitionOf(a.Node.Name), a.Name, partitionOf(b.Node.Name), b.Name, rate, delay);
        }
    }

    /// <summary>A host with its address, gateway and a given MAC address (the same in every way of building).</summary>
    public Host NewHost(string name, string address, string gateway, MacAddress mac)
    {
        var host = new Host(NetworkOf(name), name);
        _ = host.AddInterface(Ipv4Address.Parse(address), 24, mac);
        host.DefaultGateway = Ipv4Address.Parse(gateway);
        return host;
    }

    /// <summary>Every device's trace events, hashed (see <see cref="SiteModel.DeviceHashes"/>).</summary>
    public SiteModel.DeviceHashes WatchDevices()
    {
        var hashes = new SiteModel.DeviceHashes();
        foreach (Network network in Parallel is null ? [single!] : Parallel.LocalPartitions.Select(Parallel.GetNetwork))
        {
            _ = network.Tracer.Subscribe(Parallel is null ? hashes : hashes.ForPartition());
        }

        return hashes;
    }

    /// <summary>Runs to <paramref name="until"/>, or until idle when null; partitions on 2 threads.</summary>
    public void Run(SimTime? until)
    {
        if (Parallel is null)
        {
            if (until is { } limit)
            {
                single!.Simulation.RunUntil(limit);
            }
            else
            {
                single!.Simulation.Run();
            }
        }
        else if (until is { } limit)
        {
            Parallel.RunUntil(limit, threads: 2);
        }
        else
        {
            Parallel.Run(threads: 2);
        }
    }
}
