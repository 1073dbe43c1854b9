using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Topology;

/// <summary>
/// What a host of a large network costs (benchmarks/README.md, "A network of ten million
/// hosts"), and that the parts made at first use to save it (ARP caches, counters) behave as
/// if they had always been there.
/// </summary>
[Collection(nameof(NetSim.Tests.Ip.MemoryMeasurement))]
public class LargeNetworkMemoryTests
{
    private static readonly DataRate Rate = DataRate.FromGigabitsPerSecond(1);
    private static readonly SimDuration Delay = SimDuration.FromMicroseconds(1);

    // Hosts with an address and a gateway, 47 on each 48-port switch, the last port to a router.
    private static Host[] Build(Network network, int switches)
    {
        var router = new Router(network, "r");
        var hosts = new List<Host>();
        for (int s = 0; s < switches; s++)
        {
            uint lan = 0x0A00_0000u + (64u * (uint)s);
            var sw = new Switch(network, $"s{s}", 48);
            _ = new Cable(router.AddInterface(Ipv4Address.FromUInt32(lan + 1), 26).Port, sw.Ports[47], Rate, Delay);
            for (int h = 0; h < 47; h++)
            {
                var host = new Host(network, $"h{s}.{h}");
                host.AddInterface(Ipv4Address.FromUInt32(lan + 2 + (uint)h), 26);
                host.DefaultGateway = Ipv4Address.FromUInt32(lan + 1);
                _ = new Cable(host.Port, sw.Ports[h], Rate, Delay);
                hosts.Add(host);
            }
        }

        return [.. hosts];
    }

    [Fact]
    public void A_host_on_a_switch_costs_at_most_1600_bytes_with_its_share_of_switch_and_router()
    {
        Build(new Network(new Simulation(1)), 4); // first-use allocations of the types
        var network = new Network(new Simulation(2));
        const int Switches = 64;

        long before = GC.GetAllocatedBytesForCurrentThread();
        Host[] hosts = Build(network, Switches);
        long perHost = (GC.GetAllocatedBytesForCurrentThread() - before) / hosts.Length;

        perHost.Should().BeLessThanOrEqualTo(1600, "a host with its NIC, cable and share of a switch was 2,246 bytes before the parts nobody uses were made at first use");
    }

    [Fact]
    public void Counters_made_at_first_use_count_what_crossed_and_are_one_object_before_and_after()
    {
        var network = new Network(new Simulation(3));
        Host[] hosts = Build(network, 2);
        Host a = hosts[0];
        Host far = hosts[60]; // behind the router
        PortCounters viewBefore = a.Port.Counters;

        var ping = new Ping(a, far.Address) { Count = 3 };
        ping.Start();
        network.Simulation.Run();

        ping.Summary.Received.Should().Be(3);
        a.Port.Counters.Should().BeSameAs(viewBefore, "a view taken before the run is the port's counters");
        viewBefore.FramesSent.Should().Be(4, "one ARP request and three echo requests");
        a.Counters.PacketsSent.Should().Be(3);
        far.Counters.PacketsDelivered.Should().Be(3, "counters first made by the first packet count it");
        far.Port.Counters.FramesReceived.Should().Be(4, "one ARP request from the router and three echo requests");
        hosts[1].Counters.PacketsReceived.Should().Be(0, "a host that saw no packet counts none");
        hosts[1].Port.Counters.FramesReceived.Should().Be(1, "it saw a's ARP request flooded by the switch");
    }

    [Fact]
    public void An_arp_cache_made_at_first_use_answers_and_keeps_settings_given_before_traffic()
    {
        var network = new Network(new Simulation(4));
        Host[] hosts = Build(network, 1);
        Host a = hosts[0];
        a.Interfaces[0].Arp.MaxRequests = 1;
        a.Interfaces[0].Arp.RetryInterval = SimDuration.FromMilliseconds(10);

        var lost = new Ping(a, Ipv4Address.FromUInt32(0x0A00_0000u + 60)) { Count = 1, Timeout = SimDuration.FromSeconds(1) }; // in the LAN, nobody's
        var answered = new Ping(hosts[5], hosts[6].Address) { Count = 1 };
        lost.Start();
        answered.Start();
        network.Simulation.Run();

        a.Interfaces[0].Arp.RequestsSent.Should().Be(1, "the limit was set before the cache had ever been used");
        a.Interfaces[0].Arp.ResolutionsFailed.Should().Be(1);
        answered.Summary.Received.Should().Be(1);
        hosts[6].Interfaces[0].Arp.RepliesSent.Should().Be(1, "an interface nobody asked about answers a request for its address");
        hosts[7].Interfaces[0].Arp.GetEntries().Should().BeEmpty("a bystander learns nothing from a request for someone else");
    }

    [Fact]
    public void A_device_name_with_a_slash_is_refused_so_that_interface_names_stay_unique_unregistered()
    {
        var network = new Network(new Simulation(5));
        var pc1 = new Host(network, "pc1", "10.0.0.1/24");

        ((Action)(() => _ = new Nic(network, "pc1/eth0"))).Should().Throw<ArgumentException>().WithMessage("*'/' is kept for the names of interfaces*");
        ((Action)(() => _ = new Switch(network, "rack/1", 8))).Should().Throw<ArgumentException>().WithMessage("*'/'*");
        pc1.AddInterface("10.0.1.1/24").Name.Should().Be("pc1/eth1");
    }

    [Fact]
    public void A_bulk_build_makes_no_collection_until_it_ends_and_then_the_collector_runs_as_before()
    {
        int before;
        using (Network.BeginBulkBuild(hosts: 2_000))
        {
            System.Runtime.GCSettings.LatencyMode.Should().Be(System.Runtime.GCLatencyMode.NoGCRegion);
            before = GC.CollectionCount(0);
            Build(new Network(new Simulation(6)), 40); // 1,880 hosts
            GC.CollectionCount(0).Should().Be(before, "the region holds what the hosts allocate");
        }

        System.Runtime.GCSettings.LatencyMode.Should().NotBe(System.Runtime.GCLatencyMode.NoGCRegion);
        ((Action)(() => Network.BeginBulkBuild(0))).Should().Throw<ArgumentOutOfRangeException>();
    }
}

