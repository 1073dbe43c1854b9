using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Partitioning;
using NetSim.Topology;

namespace NetSim.Tests.Partitioning;

[Collection(PartitionedRuns.Name)]
public sealed class PartitionPlanTests
{
    private static readonly string[] HubSide = ["a", "b", "r"];

    [Fact]
    public void A_line_of_sites_is_cut_at_its_WAN_links_into_partitions_of_whole_sites_of_even_size()
    {
        SiteModel.Built model = SiteModel.Line(8, hostsPerSite: 2).BuildSequential(1);

        PartitionPlan plan = PartitionPlan.CutAtSlowestLinks(model.Hosts[0].Network, 4);

        plan.Lookahead.Should().Be(SimDuration.FromMilliseconds(5), "only the 5 ms WAN links are cut, never a 10 us LAN cable");
        Enumerable.Range(0, 4).Select(p => plan.DevicesOf(p).Count).Should().AllBeEquivalentTo(8, "two sites of a router, a switch and two hosts each");
        for (int site = 0; site < 8; site++)
        {
            int partition = plan.PartitionOf($"r{site}");
            new[] { $"sw{site}", $"h{site}-0", $"h{site}-1" }.Select(plan.PartitionOf).Should().AllBeEquivalentTo(partition, $"site {site} stays whole");
        }

        plan.CutCables.Should().BeInRange(4, 7);
    }

    [Fact]
    public void A_random_network_built_by_its_plan_gives_every_device_the_events_of_the_sequential_run()
    {
        SiteModel model = SiteModel.Random(31, maxSites: 6);
        PartitionPlan plan = PartitionPlan.CutAtSlowestLinks(model.BuildSequential(31).Hosts[0].Network, 3);
        SiteModel.Built sequential = model.BuildSequential(31);
        SiteModel.Built partitioned = model.BuildPartitioned(31, 3, site => plan.PartitionOf($"r{site}"));
        SiteModel.DeviceHashes sequentialDevices = sequential.WatchDevices();
        SiteModel.DeviceHashes partitionedDevices = partitioned.WatchDevices();

        sequential.Run(SimTime.FromSeconds(2));
        partitioned.Run(SimTime.FromSeconds(2), threads: 3);

        partitioned.Parallel!.Lookahead.Should().Be(plan.Lookahead);
        partitionedDevices.Values().Should().Equal(sequentialDevices.Values());
    }

    [Fact]
    public void A_hubs_stations_and_cables_of_no_delay_are_never_cut()
    {
        var network = new Network(new Simulation());
        var topology = new TopologyBuilder(network);
        var hub = new Hub(network, "hub", 3);
        var a = new Host(network, "a", "10.0.0.1/24");
        var b = new Host(network, "b", "10.0.0.2/24");
        var r = new Router(network, "r");
        var c = new Host(network, "c", "10.0.1.2/24");
        topology.Connect(a, hub, delay: SimDuration.FromMilliseconds(9)); // slow, but a hub's
        topology.Connect(b, hub, delay: SimDuration.FromMilliseconds(9));
        topology.Connect(r, hub, delay: SimDuration.Zero);
        topology.Connect(r, c, delay: SimDuration.FromMilliseconds(1));

        PartitionPlan plan = PartitionPlan.CutAtSlowestLinks(network, 2);

        HubSide.Select(plan.PartitionOf).Should().AllBeEquivalentTo(plan.PartitionOf("hub"));
        plan.PartitionOf("c").Should().NotBe(plan.PartitionOf("hub"));
        plan.Lookahead.Should().Be(SimDuration.FromMilliseconds(1));
        FluentActions.Invoking(() => PartitionPlan.CutAtSlowestLinks(network, 3)).Should().Throw<ArgumentException>()
            .WithMessage("The model cannot be cut into 3 partitions: it has 5 devices in 2 groups that only cables which can be cut join*");
    }
}
