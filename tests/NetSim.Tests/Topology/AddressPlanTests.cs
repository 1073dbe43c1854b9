using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Topology;

public sealed class AddressPlanTests
{
    private readonly Network network = new(new Simulation(seed: 1));

    [Fact]
    public void Each_broadcast_domain_gets_the_next_network_in_the_order_connected_with_routers_numbered_first()
    {
        var sw = new Switch(network, "sw", 4);
        var pc1 = new Host(network, "pc1");
        var pc2 = new Host(network, "pc2");
        var r1 = new Router(network, "r1");
        var r2 = new Router(network, "r2");
        var topology = new TopologyBuilder(network);
        topology.Connect(pc1, sw);
        topology.Connect(pc2, sw);
        topology.Connect(r1, sw);
        topology.Connect(r2, r1);

        IReadOnlyList<IpInterface> added = topology.AssignAddresses("10.0.0.0/16");

        added.Select(i => i.ToString()).Should().Equal(
            "pc1/eth0 10.0.0.2/24", "pc2/eth0 10.0.0.3/24", "r1/eth0 10.0.0.1/24", "r2/eth0 10.0.1.1/24", "r1/eth1 10.0.1.2/24");
        r1.Interfaces.Select(i => i.Name).Should().Equal("r1/eth0", "r1/eth1");
        pc1.DefaultGateway.Should().Be(Ipv4Address.Parse("10.0.0.1"));
        pc2.DefaultGateway.Should().Be(Ipv4Address.Parse("10.0.0.1"));
    }

    [Fact]
    public void The_network_size_is_a_setting()
    {
        var topology = new TopologyBuilder(network);
        Router[] routers = [new(network, "r1"), new(network, "r2"), new(network, "r3")];
        topology.Connect(routers[0], routers[1]);
        topology.Connect(routers[1], routers[2]);

        topology.AssignAddresses(Ipv4Network.Parse("172.16.0.0/24"), subnetPrefixLength: 30)
            .Select(i => i.ToString()).Should().Equal("r1/eth0 172.16.0.1/30", "r2/eth0 172.16.0.2/30", "r2/eth1 172.16.0.5/30", "r3/eth0 172.16.0.6/30");
    }

    [Fact]
    public void A_point_to_point_slash_31_uses_both_addresses()
    {
        var topology = new TopologyBuilder(network);
        topology.Connect(new Router(network, "r1"), new Router(network, "r2"));

        topology.AssignAddresses("10.0.0.0/24", 31).Select(i => i.ToString()).Should().Equal("r1/eth0 10.0.0.0/31", "r2/eth0 10.0.0.1/31");
    }

    [Fact]
    public void Networks_set_by_hand_anywhere_are_skipped()
    {
        var elsewhere = new Router(network, "r0");
        elsewhere.AddInterface("10.0.0.1/24");
        elsewhere.AddInterface("10.0.2.1/23"); // 10.0.2.0/23 covers 10.0.2.0/24 and 10.0.3.0/24
        var topology = new TopologyBuilder(network);
        topology.Connect(new Router(network, "r1"), new Router(network, "r2"));
        topology.Connect(new Router(network, "r3"), new Router(network, "r4"));

        topology.AssignAddresses("10.0.0.0/16").Select(i => i.Subnet.ToString()).Should().Equal("10.0.1.0/24", "10.0.1.0/24", "10.0.4.0/24", "10.0.4.0/24");
    }

    [Fact]
    public void A_LAN_with_an_address_set_by_hand_keeps_its_network_and_gets_the_free_addresses_in_it()
    {
        var sw = new Switch(network, "sw", 4);
        var r1 = new Router(network, "r1");
        r1.AddInterface("192.168.1.1/24");
        var printer = new Host(network, "printer", "192.168.1.2/24");
        var pc = new Host(network, "pc");
        var topology = new TopologyBuilder(network);
        topology.Connect(r1, sw);
        topology.Connect(printer, sw);
        topology.Connect(pc, sw);

        topology.AssignAddresses("10.0.0.0/16").Single().ToString().Should().Be("pc/eth0 192.168.1.3/24");
        pc.DefaultGateway.Should().Be(Ipv4Address.Parse("192.168.1.1"));
        printer.DefaultGateway.Should().Be(Ipv4Address.Parse("192.168.1.1"), "a host set up by hand without a gateway gets its LAN's router too");
    }

    [Fact]
    public void A_host_gets_the_lowest_router_on_its_LAN_as_gateway_and_keeps_one_set_by_hand()
    {
        var sw = new Switch(network, "sw", 8);
        var topology = new TopologyBuilder(network);
        var pc = new Host(network, "pc");
        var r1 = new Router(network, "r1");
        var r2 = new Router(network, "r2");
        topology.Connect(pc, sw);
        topology.Connect(r1, sw);
        topology.Connect(r2, sw);
        var keeper = new Host(network, "keeper", "10.9.0.10/24", "10.9.0.99");
        var lan2 = new Switch(network, "lan2", 4);
        var r3 = new Router(network, "r3");
        r3.AddInterface("10.9.0.1/24");
        topology.Connect(keeper, lan2);
        topology.Connect(r3, lan2);
        var lonely = new Host(network, "lonely");
        topology.Connect(lonely, new Host(network, "other"));

        topology.AssignAddresses("10.0.0.0/16");

        pc.Address.Should().Be(Ipv4Address.Parse("10.0.0.3"), "the routers came first");
        pc.DefaultGateway.Should().Be(Ipv4Address.Parse("10.0.0.1"));
        keeper.DefaultGateway.Should().Be(Ipv4Address.Parse("10.9.0.99"));
        lonely.DefaultGateway.Should().BeNull("no router is on its link");
    }

    [Fact]
    public void Addresses_from_the_plan_do_not_collide_with_any_set_by_hand_and_the_network_runs()
    {
        var sw = new Switch(network, "sw", 4);
        var pc = new Host(network, "pc");
        var r1 = new Router(network, "r1");
        var server = new Host(network, "server", "10.0.0.2/24", "10.0.0.1");
        var topology = new TopologyBuilder(network);
        topology.Connect(server, sw);
        topology.Connect(r1, sw);
        topology.Connect(pc, sw);
        topology.AssignAddresses("10.0.0.0/16");

        r1.Interfaces[0].Address.Should().Be(Ipv4Address.Parse("10.0.0.1"));
        pc.Address.Should().Be(Ipv4Address.Parse("10.0.0.3"));
        var ping = new Ping(pc, server.Address) { Count = 1 };
        ping.Start();
        network.Simulation.Run(); // the duplicate address check runs before the first event
        ping.Summary.Received.Should().Be(1);
    }

    [Fact]
    public void Calling_it_again_addresses_only_what_was_connected_since()
    {
        var topology = new TopologyBuilder(network);
        var r1 = new Router(network, "r1");
        topology.Connect(r1, new Router(network, "r2"));
        topology.AssignAddresses("10.0.0.0/16");
        topology.Connect(r1, new Router(network, "r3"));

        topology.AssignAddresses("10.0.0.0/16").Select(i => i.ToString()).Should().Equal("r1/eth1 10.0.1.1/24", "r3/eth0 10.0.1.2/24");
        topology.AssignAddresses("10.0.0.0/16").Should().BeEmpty();
    }

    [Fact]
    public void A_plan_that_runs_out_says_so_and_changes_nothing()
    {
        var topology = new TopologyBuilder(network);
        Router[] routers = [new(network, "r1"), new(network, "r2"), new(network, "r3"), new(network, "r4")];
        topology.Connect(routers[0], routers[1]);
        topology.Connect(routers[1], routers[2]);
        topology.Connect(routers[2], routers[3]);

        FluentActions.Invoking(() => topology.AssignAddresses("10.0.0.0/23"))
            .Should().Throw<InvalidOperationException>().WithMessage("10.0.0.0/23 has no free /24 left for the link of r3/eth1: give a larger address plan, or a longer prefix.");
        routers.Should().AllSatisfy(r => r.Interfaces.Should().BeEmpty());
    }

    [Fact]
    public void A_network_too_small_for_its_LAN_says_which_NIC_found_no_address()
    {
        var sw = new Switch(network, "sw", 4);
        var topology = new TopologyBuilder(network);
        topology.Connect(new Host(network, "pc1"), sw);
        topology.Connect(new Host(network, "pc2"), sw);
        topology.Connect(new Host(network, "pc3"), sw);

        FluentActions.Invoking(() => topology.AssignAddresses("10.0.0.0/16", 30))
            .Should().Throw<InvalidOperationException>().WithMessage("10.0.0.0/30 has no free address left for pc3/eth0 on the LAN of sw: give a shorter prefix.");
    }

    [Fact]
    public void A_node_connected_twice_to_one_LAN_is_refused()
    {
        var sw = new Switch(network, "sw", 4);
        var r1 = new Router(network, "r1");
        var topology = new TopologyBuilder(network);
        topology.Connect(r1, sw);
        topology.Connect(r1, sw);

        FluentActions.Invoking(() => topology.AssignAddresses("10.0.0.0/16"))
            .Should().Throw<InvalidOperationException>().WithMessage("r1/eth1 and r1/eth0 would both be on 10.0.0.0/24 (the LAN of sw): a node needs one interface per network.*");
        r1.Interfaces.Should().BeEmpty();
    }

    [Theory]
    [InlineData("127.0.0.0/16")]
    [InlineData("0.0.0.0/0")]
    [InlineData("224.0.0.0/8")]
    [InlineData("96.0.0.0/3")]
    public void A_plan_outside_unicast_space_is_refused(string pool)
    {
        FluentActions.Invoking(() => new TopologyBuilder(network).AssignAddresses(pool, 24))
            .Should().Throw<ArgumentException>().WithMessage($"{pool} is not an address plan*");
    }

    [Fact]
    public void Subnets_must_fit_in_the_plan()
    {
        FluentActions.Invoking(() => new TopologyBuilder(network).AssignAddresses("10.0.0.0/16", 8)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new TopologyBuilder(network).AssignAddresses("10.0.0.0/16", 32)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
