using NetSim.Engine;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Partitioning;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Partitioning;

/// <summary>
/// The Dumbbell sample's topology (hosts on the left, r1, a 10 Mb/s bottleneck of 10 ms with a
/// 20-frame drop-tail queue, r2, hosts on the right; 100 Mb/s access links of 5 ms) with three
/// TCP bulk transfers that fill the bottleneck's queue and lose segments: built in one
/// simulation, and cut into 2, 3 and 4 partitions. Every device does the same things at the
/// same picoseconds, and the capture at the bottleneck is byte-identical.
/// </summary>
public sealed class DumbbellPartitionTests
{
    private const int Flows = 3;

    public static TheoryData<int> Partitionings => [2, 3, 4];

    [Theory]
    [MemberData(nameof(Partitionings))]
    public void The_dumbbell_cut_into_partitions_runs_as_in_one_simulation(int partitions)
    {
        Outcome sequential = Run(null);
        Outcome partitioned = Run(partitions);

        sequential.Transfers.Should().AllSatisfy(t => t.Should().StartWith("300000 bytes at "), "every transfer completes");
        sequential.Drops.Should().BeGreaterThan(0, "the bottleneck's queue overflows: TCP recovers losses");
        partitioned.Devices.Should().Equal(sequential.Devices);
        partitioned.Transfers.Should().Equal(sequential.Transfers);
        partitioned.Drops.Should().Be(sequential.Drops);
        partitioned.Pcap.Should().Equal(sequential.Pcap);
    }

    // Partitions: 2 = left and r1 | r2 and right; 3 = left and r1 | r2 | right; 4 = left | r1 | r2 | right.
    private static int PartitionOf(string device, int partitions) => (device[0], partitions) switch
    {
        ('l', 4) => 0,
        ('l', _) => 0,
        (_, 4) when device == "r1" => 1,
        (_, _) when device == "r1" => 0,
        (_, 2) => 1,
        (_, 3) when device == "r2" => 1,
        (_, 3) => 2,
        (_, _) when device == "r2" => 2,
        _ => 3,
    };

    private static Outcome Run(int? partitions)
    {
        var parallel = partitions is int count ? new ParallelSimulation(count, seed: 9) : null;
        Network? single = parallel is null ? new Network(new Simulation(9)) : null;
        var topologies = new Dictionary<Network, TopologyBuilder>();
        Network NetworkOf(string device) => parallel?.GetNetwork(PartitionOf(device, partitions!.Value)) ?? single!;
        TopologyBuilder TopologyOf(Network network) => parallel?.GetTopology(parallel.LocalPartitions.First(p => parallel.GetNetwork(p) == network))
            ?? (topologies.TryGetValue(network, out TopologyBuilder? made) ? made : topologies[network] = new TopologyBuilder(network));
        void Link(IpInterface a, IpInterface b, DataRate rate, SimDuration delay)
        {
            if (a.Node.Network == b.Node.Network)
            {
                _ = TopologyOf(a.Node.Network).Connect(a, b, rate, delay);
            }
            else
            {
                _ = parallel!.Connect(PartitionOf(a.Node.Name, partitions!.Value), a.Name, PartitionOf(b.Node.Name, partitions.Value), b.Name, rate, delay);
            }
        }

        DataRate access = DataRate.FromMegabitsPerSecond(100);
        SimDuration accessDelay = SimDuration.FromMilliseconds(5);
        var r1 = new Router(NetworkOf("r1"), "r1");
        var r2 = new Router(NetworkOf("r2"), "r2");
        var left = new IpNode[Flows];
        var right = new IpNode[Flows];
        for (int i = 0; i < Flows; i++)
        {
            left[i] = NewHost($"left{i}", $"10.1.{i}.10", $"10.1.{i}.1", 0x10 + i);
            right[i] = NewHost($"right{i}", $"10.2.{i}.10", $"10.2.{i}.1", 0x20 + i);
            Link(left[i].Interfaces[0], r1.AddInterface(Ipv4Address.Parse($"10.1.{i}.1"), 24, Mac(0x30 + i)), access, accessDelay);
        }

        IpInterface r1Wan = r1.AddInterface(Ipv4Address.Parse("172.16.0.1"), 30, Mac(0x40));
        IpInterface r2Wan = r2.AddInterface(Ipv4Address.Parse("172.16.0.2"), 30, Mac(0x41));
        Link(r1Wan, r2Wan, DataRate.FromMegabitsPerSecond(10), SimDuration.FromMilliseconds(10));
        r1Wan.Port.Cable!.FromA.QueueLimitFrames = 20; // r1 -> r2: the bottleneck's queue
        r1.AddRoute("10.2.0.0/16", "172.16.0.2");
        r2.AddRoute("10.1.0.0/16", "172.16.0.1");
        for (int i = 0; i < Flows; i++)
        {
            Link(r2.AddInterface(Ipv4Address.Parse($"10.2.{i}.1"), 24, Mac(0x50 + i)), right[i].Interfaces[0], access, accessDelay);
        }

        var hashes = new SiteModel.DeviceHashes();
        foreach (Network network in parallel is null ? [single!] : parallel.LocalPartitions.Select(parallel.GetNetwork))
        {
            _ = network.Tracer.Subscribe(parallel is null ? hashes : hashes.ForPartition());
        }

        var transfers = new string[Flows];
        for (int i = 0; i < Flows; i++)
        {
            int flow = i;
            IpNode sender = left[i];
            IpNode receiver = right[i];
            var listener = new TcpListener(receiver, 5001);
            listener.Start();
            _ = receiver.Simulation.Start(async () =>
            {
                TcpConnection connection = await listener.AcceptAsync();
                byte[] buffer = new byte[8192];
                long total = 0;
                int read;
                while ((read = await connection.ReadAsync(buffer)) > 0)
                {
                    total += read;
                }

                await connection.CloseAsync();
                transfers[flow] = $"{total} bytes at {receiver.Simulation.Now.Picoseconds} ps";
            });
            _ = sender.Simulation.Start(async () =>
            {
                await sender.Simulation.Delay(SimDuration.FromMilliseconds(flow));
                TcpConnection connection = await TcpConnection.ConnectAsync(sender, receiver.Interfaces[0].Address, 5001);
                await connection.WriteAsync(new byte[300_000]);
                await connection.CloseAsync();
            });
        }

        var stream = new MemoryStream();
        using (var pcap = new PcapWriter(stream, r1Wan.Node.Simulation))
        {
            using IDisposable capture = r1Wan.Port.AddCapture(pcap);
            if (parallel is null)
            {
                single!.Simulation.RunUntil(SimTime.FromSeconds(3));
            }
            else
            {
                parallel.RunUntil(SimTime.FromSeconds(3), threads: 2);
            }
        }

        return new Outcome(
            [.. hashes.Values().Select(pair => $"{pair.Key}: {pair.Value}")],
            transfers,
            r1Wan.Port.Counters.Dropped(DropReason.QueueFull),
            stream.ToArray());

        IpNode NewHost(string name, string address, string gateway, int mac)
        {
            var host = new Host(NetworkOf(name), name);
            _ = host.AddInterface(Ipv4Address.Parse(address), 24, Mac(mac));
            host.DefaultGateway = Ipv4Address.Parse(gateway);
            return host;
        }
    }

    private static MacAddress Mac(int index) => MacAddress.FromUInt64(0x0A_00_00_00_00_00UL | (uint)index);

    private sealed record Outcome(string[] Devices, string[] Transfers, long Drops, byte[] Pcap);
}
