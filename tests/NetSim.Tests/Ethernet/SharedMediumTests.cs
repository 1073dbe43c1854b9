using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tracing;

namespace NetSim.Tests.Ethernet;

/// <summary>
/// The lesson of hubs and switches, measured: on a hub every station shares one link's
/// worth of capacity, so adding senders cuts each one's share; on a switch each pair has
/// its own links, so the total grows with the number of pairs.
/// </summary>
public class SharedMediumTests
{
    private static readonly SimDuration Duration = SimDuration.FromMilliseconds(50);
    private static readonly int[] SenderCounts = [2, 4, 8, 16];

    // N senders, N receivers; sender i sends to receiver i, saturating, 1,000-byte frames.
    private static (double AggregateMbps, double PerSenderMbps, long Collisions) Measure(int senders, bool useHub)
    {
        var net = new TestNetwork(seed: (ulong)senders);
        Nic[] pcs = net.Computers(2 * senders);
        IReadOnlyList<Port> ports = useHub
            ? new Hub(net.Network, "h1", 2 * senders).Ports
            : new Switch(net.Network, "s1", 2 * senders).Ports;
        for (int i = 0; i < pcs.Length; i++)
        {
            net.Connect(pcs[i].Port, ports[i]);
        }

        var collisions = new CollisionCounter();
        _ = net.Network.Tracer.Subscribe(collisions);

        // Teach a switch where everyone is first, as ARP would; the hub does not care.
        foreach (Nic pc in pcs)
        {
            TestNetwork.SendFrame(pc, NetSim.Wire.MacAddress.Broadcast);
            net.Simulation.Run();
        }

        long[] before = [.. pcs.Skip(senders).Select(p => p.BytesDelivered)];
        SimTime start = net.Simulation.Now;
        for (int i = 0; i < senders; i++)
        {
            new FrameSource(pcs[i], pcs[senders + i].Mac, 1000).Start();
        }

        net.Simulation.RunUntil(start + Duration);
        double[] mbps = [.. pcs.Skip(senders).Select((p, i) => (p.BytesDelivered - before[i]) * 8 / Duration.TotalSeconds / 1e6)];
        return (mbps.Sum(), mbps.Average(), collisions.Count);
    }

    [Fact]
    public void A_hub_shares_one_link_among_all_senders_and_collides()
    {
        var results = SenderCounts.Select(n => Measure(n, useHub: true)).ToArray();

        results.Should().OnlyContain(r => r.AggregateMbps <= 100, "a hub carries one frame at a time");
        results.Should().OnlyContain(r => r.AggregateMbps > 50, "but CSMA/CD still gets most of it through");
        results.Select(r => r.PerSenderMbps).Should().BeInDescendingOrder("each sender's share falls as senders are added");
        results.Should().OnlyContain(r => r.Collisions > 0);
    }

    [Fact]
    public void A_switch_gives_every_pair_its_own_capacity()
    {
        var results = SenderCounts.Select(n => Measure(n, useHub: false)).ToArray();

        results.Select(r => r.AggregateMbps).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        results.Last().AggregateMbps.Should().BeGreaterThan(16 * 90, "sixteen pairs each get nearly a whole 100 Mb/s link");
        results.Should().OnlyContain(r => r.Collisions == 0);
    }

    private sealed class CollisionCounter : ITraceListener
    {
        public long Count { get; private set; }

        public void OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
        {
            if (traceEvent.Kind == FrameEventKind.Collided)
            {
                Count++;
            }
        }
    }
}
