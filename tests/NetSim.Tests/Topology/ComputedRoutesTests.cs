using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Topology;

public sealed class ComputedRoutesTests
{
    private readonly Network network = new(new Simulation(seed: 1));

    [Fact]
    public void On_a_chain_every_router_gets_a_route_to_every_network_it_is_not_on_and_hosts_reach_each_other()
    {
        //   h1 -- r1 -- r2 -- r3 -- h2     (10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24)
        var h1 = new Host(network, "h1");
        var h2 = new Host(network, "h2");
        Router[] r = [new(network, "r1"), new(network, "r2"), new(network, "r3")];
        var topology = new TopologyBuilder(network);
        topology.Connect(h1, r[0]);
        topology.Connect(r[0], r[1]);
        topology.Connect(r[1], r[2]);
        topology.Connect(r[2], h2);
        topology.AssignAddresses("10.0.0.0/16");

        topology.ComputeRoutes();

        StaticRoutes(r[0]).Should().Equal("10.0.2.0/24 via 10.0.1.2 if 1 (static)", "10.0.3.0/24 via 10.0.1.2 if 1 (static)");
        StaticRoutes(r[1]).Should().Equal("10.0.0.0/24 via 10.0.1.1 if 0 (static)", "10.0.3.0/24 via 10.0.2.2 if 1 (static)");
        StaticRoutes(r[2]).Should().Equal("10.0.0.0/24 via 10.0.2.1 if 0 (static)", "10.0.1.0/24 via 10.0.2.1 if 0 (static)");
        (h1.DefaultGateway, h2.DefaultGateway).Should().Be((Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("10.0.3.1")));
        var ping = new Ping(h1, h2.Address) { Count = 2 };
        ping.Start();
        network.Simulation.Run();
        ping.Results.Should().OnlyContain(result => result.Status == PingStatus.Reply && result.TimeToLive == 61, "the reply crossed the three routers");
    }

    [Fact]
    public void On_a_ring_each_route_takes_the_shorter_way_round()
    {
        (Router[] r, Host[] h, TopologyBuilder topology) = Ring(5);

        topology.ComputeRoutes();

        // Stub LANs 10.0.i.0/24 (router .1), ring links 10.0.(5+i).0/24 from r(i) (.1) to r(i+1) (.2).
        Gateway(r[0], "10.0.2.0/24").Should().Be("10.0.5.2", "r0 -> r1 -> r2 is shorter than r0 -> r4 -> r3 -> r2");
        Gateway(r[0], "10.0.3.0/24").Should().Be("10.0.9.1", "r0 -> r4 -> r3 is shorter than the way through r1 and r2");
        Gateway(r[3], "10.0.0.0/24").Should().Be("10.0.8.2", "r3 -> r4 -> r0");
        r.Should().AllSatisfy(router => router.Routes.Count.Should().Be(10, "3 connected networks and a route to each of the other 7"));
        var trace = new Traceroute(h[0], h[3].Address);
        trace.Start();
        network.Simulation.Run();
        trace.ReachedDestination.Should().BeTrue();
        trace.Hops.Select(hop => hop.Address.ToString()).Should().Equal("10.0.0.1", "10.0.9.1", "10.0.8.1", "10.0.3.2");
    }

    [Fact]
    public void Between_equally_short_ways_the_lowest_gateway_address_wins()
    {
        (Router[] r, _, TopologyBuilder topology) = Ring(5);

        topology.ComputeRoutes();

        // The link r2 -- r3 (10.0.7.0/24) is two routers away from r0 both ways round.
        Gateway(r[0], "10.0.7.0/24").Should().Be("10.0.5.2", "r1's 10.0.5.2 is lower than r4's 10.0.9.1");
    }

    [Fact]
    public void The_tie_rule_depends_on_the_addresses_not_on_the_order_things_were_built()
    {
        // A square r0 -- r1 -- r2 -- r3 -- r0 addressed by hand; r2 reaches r0's LAN through r1 or r3
        // equally. r1 comes first in every order (interfaces, connections), r3's address is lower.
        var r0 = new Router(network, "r0");
        var r1 = new Router(network, "r1");
        var r2 = new Router(network, "r2");
        var r3 = new Router(network, "r3");
        r0.AddInterface("10.0.0.1/24");
        r0.AddInterface("10.5.0.1/24");
        r0.AddInterface("10.6.0.1/24");
        r1.AddInterface("10.5.0.2/24");
        r1.AddInterface("10.9.0.1/24");
        r3.AddInterface("10.6.0.2/24");
        r3.AddInterface("10.1.0.1/24");
        r2.AddInterface("10.9.0.2/24");
        r2.AddInterface("10.1.0.2/24");
        var topology = new TopologyBuilder(network);
        topology.Connect(r0.Interfaces[1], r1.Interfaces[0]);
        topology.Connect(r0.Interfaces[2], r3.Interfaces[0]);
        topology.Connect(r1.Interfaces[1], r2.Interfaces[0]);
        topology.Connect(r3.Interfaces[1], r2.Interfaces[1]);

        topology.ComputeRoutes();

        Gateway(r2, "10.0.0.0/24").Should().Be("10.1.0.1");
    }

    [Fact]
    public void Routes_set_by_hand_stay_and_a_default_route_does_not_stand_in_the_way()
    {
        (Router[] r, _, TopologyBuilder topology) = Ring(5);
        r[0].AddRoute("10.0.2.0/24", "10.0.9.1"); // the long way, on purpose
        r[1].SetDefaultRoute("10.0.5.1");

        topology.ComputeRoutes();

        Gateway(r[0], "10.0.2.0/24").Should().Be("10.0.9.1");
        Gateway(r[1], "0.0.0.0/0").Should().Be("10.0.5.1");
        Gateway(r[1], "10.0.3.0/24").Should().Be("10.0.6.2");
    }

    [Fact]
    public void Computing_again_after_the_topology_grew_replaces_the_routes_computed_before()
    {
        //   r0 -- r1 -- r2 -- r3, each with a stub LAN; then a shortcut r0 -- r3.
        var topology = new TopologyBuilder(network);
        Router[] r = [.. Enumerable.Range(0, 4).Select(i => new Router(network, $"r{i}"))];
        foreach (Router router in r)
        {
            topology.Connect(router, new Host(network, $"h-{router.Name}"));
        }

        for (int i = 0; i < 3; i++)
        {
            topology.Connect(r[i], r[i + 1]);
        }

        topology.AssignAddresses("10.0.0.0/16");
        topology.ComputeRoutes();
        Gateway(r[0], "10.0.3.0/24").Should().Be("10.0.4.2", "through r1 while there is no shortcut");

        topology.Connect(r[0], r[3]);
        topology.AssignAddresses("10.0.0.0/16");
        topology.ComputeRoutes();

        Gateway(r[0], "10.0.3.0/24").Should().Be("10.0.7.2", "straight to r3 over the shortcut 10.0.7.0/24");
        Gateway(r[3], "10.0.0.0/24").Should().Be("10.0.7.1");
        r[0].Routes.Count.Should().Be(8, "3 connected and a route to each of the other 5 networks, none twice");
    }

    [Fact]
    public void The_same_topology_gives_the_same_addresses_and_routes_every_time()
    {
        static string Build()
        {
            var network = new Network(new Simulation(seed: 1));
            (Router[] r, Host[] h, TopologyBuilder topology) = Ring(network, 6);
            topology.ComputeRoutes();
            return string.Concat(r.Select(router => router.FormatRoutes())) + string.Join(", ", h.Select(host => host.ToString()));
        }

        string first = Build();

        Build().Should().Be(first);
        first.Should().Contain("10.0.3.0/24   10.0.6.2   r0/eth1    static", "r0 reaches r3's LAN, three routers away either way, through r1, whose address is the lower");
    }

    [Fact]
    public void A_NIC_without_an_address_stops_the_computation()
    {
        var topology = new TopologyBuilder(network);
        topology.Connect(new Router(network, "r1"), new Switch(network, "sw", 2));

        FluentActions.Invoking(topology.ComputeRoutes).Should().Throw<InvalidOperationException>()
            .WithMessage("r1/eth0 has no address yet: give it one (AssignAddresses, or r1.AddInterface on it) before computing routes.");
    }

    [Fact]
    public void One_network_on_two_separate_domains_is_refused()
    {
        var r1 = new Router(network, "r1");
        var r2 = new Router(network, "r2");
        r1.AddInterface("192.168.1.1/24");
        r2.AddInterface("192.168.1.1/24");
        var topology = new TopologyBuilder(network);
        topology.Connect(r1, new Switch(network, "sw1", 2));
        topology.Connect(r2, new Switch(network, "sw2", 2));
        topology.Connect(r1, r2);
        topology.AssignAddresses("10.0.0.0/16");

        FluentActions.Invoking(topology.ComputeRoutes).Should().Throw<InvalidOperationException>()
            .WithMessage("192.168.1.0/24 is on two broadcast domains that are not joined (r1/eth0 on the LAN of sw1, r2/eth0 on the LAN of sw2)*");
    }

    private (Router[] Routers, Host[] Hosts, TopologyBuilder Topology) Ring(int count) => Ring(network, count);

    // Router i has a stub LAN with host h(i) (10.0.i.0/24) and a link to router i + 1 (10.0.(count + i).0/24).
    private static (Router[] Routers, Host[] Hosts, TopologyBuilder Topology) Ring(Network network, int count)
    {
        var topology = new TopologyBuilder(network);
        Router[] routers = [.. Enumerable.Range(0, count).Select(i => new Router(network, $"r{i}"))];
        Host[] hosts = [.. Enumerable.Range(0, count).Select(i => new Host(network, $"h{i}"))];
        for (int i = 0; i < count; i++)
        {
            topology.Connect(hosts[i], routers[i]);
        }

        for (int i = 0; i < count; i++)
        {
            topology.Connect(routers[i], routers[(i + 1) % count]);
        }

        topology.AssignAddresses("10.0.0.0/16");
        return (routers, hosts, topology);
    }

    private static string[] StaticRoutes(IpNode node) =>
        [.. node.Routes.GetRoutes().Where(route => route.Origin == RouteOrigin.Static).Select(route => route.ToString())];

    private static string Gateway(IpNode node, string destination) =>
        node.Routes.TryGet(Ipv4Network.Parse(destination), out Route route) ? route.Gateway.ToString() : "(no route)";
}
