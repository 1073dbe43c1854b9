using NetSim.Engine;
using NetSim.Ip;
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
[Collection(PartitionedRuns.Name)]
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
        var model = new PlacedModel(partitions, seed: 9, device => PartitionOf(device, partitions ?? 1));
        DataRate access = DataRate.FromMegabitsPerSecond(100);
        SimDuration accessDelay = SimDuration.FromMilliseconds(5);
        var r1 = new Router(model.NetworkOf("r1"), "r1");
        var r2 = new Router(model.NetworkOf("r2"), "r2");
        var left = new Host[Flows];
        var right = new Host[Flows];
        for (int i = 0; i < Flows; i++)
        {
            left[i] = model.NewHost($"left{i}", $"10.1.{i}.10", $"10.1.{i}.1", Mac(0x10 + i));
            right[i] = model.NewHost($"right{i}", $"10.2.{i}.10", $"10.2.{i}.1", Mac(0x20 + i));
            model.Link(left[i].Interfaces[0], r1.AddInterface(Ipv4Address.Parse($"10.1.{i}.1"), 24, Mac(0x30 + i)), access, accessDelay);
        }

        IpInterface r1Wan = r1.AddInterface(Ipv4Address.Parse("172.16.0.1"), 30, Mac(0x40));
        IpInterface r2Wan = r2.AddInterface(Ipv4Address.Parse("172.16.0.2"), 30, Mac(0x41));
        model.Link(r1Wan, r2Wan, DataRate.FromMegabitsPerSecond(10), SimDuration.FromMilliseconds(10));
        r1Wan.Port.Cable!.FromA.QueueLimitFrames = 20; // r1 -> r2: the bottleneck's queue
        r1.AddRoute("10.2.0.0/16", "172.16.0.2");
        r2.AddRoute("10.1.0.0/16", "172.16.0.1");
        for (int i = 0; i < Flows; i++)
        {
            model.Link(r2.AddInterface(Ipv4Address.Parse($"10.2.{i}.1"), 24, Mac(0x50 + i)), right[i].Interfaces[0], access, accessDelay);
        }

        SiteModel.DeviceHashes hashes = model.WatchDevices();

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
            model.Run(SimTime.FromSeconds(3));
        }

        return new Outcome(
            [.. hashes.Values().Select(pair => $"{pair.Key}: {pair.Value}")],
            transfers,
            r1Wan.Port.Counters.Dropped(DropReason.QueueFull),
            stream.ToArray());

    }

    private static MacAddress Mac(int index) => MacAddress.FromUInt64(0x0A_00_00_00_00_00UL | (uint)index);

    private sealed record Outcome(string[] Devices, string[] Transfers, long Drops, byte[] Pcap);
}
