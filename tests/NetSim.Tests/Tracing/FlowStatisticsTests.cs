using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Tracing;

/// <summary>Delay percentiles read from a flow's delay histogram, against cases worked out by hand.</summary>
public sealed class FlowStatisticsTests
{
    private static readonly FlowKey Key = new(IpProtocol.Udp, Ipv4Address.Parse("10.0.0.1"), 1000, Ipv4Address.Parse("10.0.0.2"), 9);

    // Ten delays in 1 ms bins: five in [1, 2) ms, three in [3, 4) ms, two in the last bin [4, 5) ms (or longer), 4.7 ms the longest.
    private static FlowStatistics Ten() => new()
    {
        Key = Key,
        PacketsReceived = 10,
        DelayMin = SimDuration.FromMicroseconds(1200),
        DelayMax = SimDuration.FromMicroseconds(4700),
        DelayBinWidth = SimDuration.FromMilliseconds(1),
        DelayHistogram = [0, 5, 0, 3, 2],
    };

    [Theory]
    [InlineData(1, 2000)] // the smallest delay's bin: its upper edge
    [InlineData(50, 2000)] // rank 5 of 10: the last of the [1, 2) ms bin
    [InlineData(50.1, 4000)] // rank 6: the first of the [3, 4) ms bin
    [InlineData(80, 4000)] // rank 8
    [InlineData(95, 4700)] // rank 10 lies in the last bin, which also counts longer delays: the longest delay
    [InlineData(100, 4700)]
    public void A_percentile_is_the_upper_edge_of_the_bin_that_holds_its_nearest_rank(double percentile, long microseconds)
    {
        Ten().GetDelayPercentile(percentile).Should().Be(SimDuration.FromMicroseconds(microseconds));
    }

    [Fact]
    public void A_percentile_is_never_above_the_longest_delay()
    {
        FlowStatistics flow = new()
        {
            Key = Key,
            DelayMin = SimDuration.FromMicroseconds(1100),
            DelayMax = SimDuration.FromMicroseconds(1500),
            DelayBinWidth = SimDuration.FromMilliseconds(1),
            DelayHistogram = [0, 20, 0, 0],
        };

        flow.GetDelayPercentile(50).Should().Be(SimDuration.FromMicroseconds(1500), "every delay was at most 1.5 ms, though the bin reaches 2 ms");
    }

    [Fact]
    public void Without_a_received_packet_there_is_no_percentile()
    {
        new FlowStatistics { Key = Key, DelayBinWidth = SimDuration.FromMilliseconds(1), DelayHistogram = [0, 0] }.GetDelayPercentile(95).Should().BeNull();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void A_percentile_out_of_range_throws(double percentile)
    {
        FluentActions.Invoking(() => Ten().GetDelayPercentile(percentile)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(percentile));
    }

    [Fact]
    public void Percentiles_of_a_measured_flow_lie_between_its_shortest_and_longest_delay_and_grow_with_the_rank()
    {
        // Two hosts, 10 Mb/s: a burst of 40 datagrams queues behind itself, so each waits one transmission longer than the one before.
        var simulation = new Simulation(seed: 1);
        var network = new Network(simulation);
        var pc1 = new Host(network, "pc1", "10.0.0.1/24");
        var pc2 = new Host(network, "pc2", "10.0.0.2/24");
        _ = new Cable(pc1.Port, pc2.Port, DataRate.FromMegabitsPerSecond(10), SimDuration.FromMicroseconds(50));
        using var monitor = new FlowMonitor(network.Tracer, new FlowMonitorOptions { DelayBinWidth = SimDuration.FromMicroseconds(100), DelayBinCount = 1000 });
        var sink = new UdpSocket(pc2);
        sink.Bind(9);
        new UdpSocket(pc1).SendTo([0], pc2.Address, 9); // ARP done before the burst
        var sender = new UdpSocket(pc1);
        sender.Bind();
        simulation.ScheduleAt(SimTime.FromMilliseconds(5), () =>
        {
            for (int i = 0; i < 40; i++)
            {
                sender.SendTo(new byte[1000], pc2.Address, 9);
            }
        });
        simulation.Run();

        FlowStatistics flow = monitor.GetStatistics().Single(f => f.Key.SourcePort == sender.LocalPort);
        flow.PacketsReceived.Should().Be(40);
        SimDuration median = flow.GetDelayPercentile(50)!.Value;
        SimDuration p95 = flow.GetDelayPercentile(95)!.Value;
        median.Should().BeGreaterThanOrEqualTo(flow.DelayMin!.Value).And.BeLessThan(p95);
        p95.Should().BeLessThanOrEqualTo(flow.DelayMax!.Value);

        // The 38th of 40 datagrams waits for 37 before it: its delay is the first's plus 37 transmissions, within a bin.
        SimDuration exact = flow.DelayMin.Value + (37 * (flow.DelayMax.Value - flow.DelayMin.Value) / 39);
        (p95 - exact).Should().BeGreaterThanOrEqualTo(SimDuration.Zero).And.BeLessThanOrEqualTo(SimDuration.FromMicroseconds(100));
    }
}
