using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;

namespace NetSim.Tests.Topology;

public sealed class TopologyBuilderConnectTests
{
    private readonly Network network = new(new Simulation(seed: 1));

    [Fact]
    public void A_switch_gives_its_lowest_numbered_port_without_a_cable()
    {
        var sw = new Switch(network, "sw", 4);
        Host[] pcs = [new(network, "pc1", "10.0.0.1/24"), new(network, "pc2", "10.0.0.2/24"), new(network, "pc3", "10.0.0.3/24")];
        var topology = new TopologyBuilder(network);
        _ = new Cable(new Nic(network, "probe").Port, sw.Ports[1], DataRate.FromMegabitsPerSecond(100), SimDuration.Zero);

        Cable[] cables = [.. pcs.Select(pc => topology.Connect(pc, sw))];

        cables.Select(c => c.B).Should().Equal(sw.Ports[0], sw.Ports[2], sw.Ports[3]);
        cables.Select(c => c.A).Should().Equal(pcs.Select(pc => pc.Port), "each host's own interface is used");
        pcs.Should().AllSatisfy(pc => pc.Interfaces.Should().HaveCount(1, "no NIC is made while an interface has no cable"));
    }

    [Fact]
    public void A_hub_gives_its_ports_in_order_too()
    {
        var hub = new Hub(network, "hub", 3);
        var topology = new TopologyBuilder(network);

        topology.Connect(hub, new Host(network, "a", "10.0.0.1/24")).A.Should().Be(hub.Ports[0]);
        topology.Connect(new Host(network, "b", "10.0.0.2/24"), hub).B.Should().Be(hub.Ports[1]);
    }

    [Fact]
    public void A_router_uses_its_unconnected_interfaces_first_then_gets_new_NICs_named_after_it()
    {
        var r1 = new Router(network, "r1");
        r1.AddInterface("192.168.1.1/24");
        var topology = new TopologyBuilder(network);

        Cable first = topology.Connect(r1, new Switch(network, "sw1", 2));
        Cable second = topology.Connect(r1, new Switch(network, "sw2", 2));
        Cable third = topology.Connect(new Router(network, "r2"), r1);

        first.A.Should().Be(r1.Interfaces[0].Port);
        second.A.DeviceName.Should().Be("r1/eth1");
        third.B.DeviceName.Should().Be("r1/eth2");
        third.A.DeviceName.Should().Be("r2/eth0");
        r1.Interfaces.Should().HaveCount(1, "the new NICs get their addresses later");
    }

    [Fact]
    public void A_given_port_NIC_or_interface_is_used_as_it_is()
    {
        var sw = new Switch(network, "sw", 4);
        var r1 = new Router(network, "r1");
        r1.AddInterface("10.0.1.1/24");
        r1.AddInterface("10.0.2.1/24");
        var nic = new Nic(network, "monitor");
        var topology = new TopologyBuilder(network);

        topology.Connect(r1.Interfaces[1], sw.Ports[3]).A.Should().Be(r1.Interfaces[1].Port);
        topology.Connect(sw, nic).B.Should().Be(nic.Port);
        topology.Connect(r1, sw).A.Should().Be(r1.Interfaces[0].Port, "interface 1 has its cable now");
    }

    [Fact]
    public void Cables_get_the_stated_defaults_unless_told_otherwise()
    {
        var topology = new TopologyBuilder(network);
        var fast = new TopologyBuilder(network) { DefaultRate = DataRate.FromGigabitsPerSecond(1), DefaultDelay = SimDuration.FromMicroseconds(50) };

        Cable plain = topology.Connect(new Host(network, "a"), new Host(network, "b"));
        Cable given = topology.Connect(new Host(network, "c"), new Host(network, "d"), DataRate.FromMegabitsPerSecond(10), SimDuration.FromMilliseconds(5));
        Cable fastOne = fast.Connect(new Host(network, "e"), new Host(network, "f"));

        (plain.Rate, plain.Delay).Should().Be((DataRate.FromMegabitsPerSecond(100), SimDuration.FromMicroseconds(1)));
        (given.Rate, given.Delay).Should().Be((DataRate.FromMegabitsPerSecond(10), SimDuration.FromMilliseconds(5)));
        (fastOne.Rate, fastOne.Delay).Should().Be((DataRate.FromGigabitsPerSecond(1), SimDuration.FromMicroseconds(50)));
    }

    [Fact]
    public void A_full_switch_or_hub_says_so()
    {
        var sw = new Switch(network, "sw", 2);
        var hub = new Hub(network, "hub", 2);
        var topology = new TopologyBuilder(network);
        topology.Connect(sw, hub);
        topology.Connect(sw, hub);

        FluentActions.Invoking(() => topology.Connect(new Host(network, "pc", "10.0.0.1/24"), sw))
            .Should().Throw<ArgumentException>().WithMessage("sw has 2 ports, all connected: give it more when you create it.*").Which.ParamName.Should().Be("b");
        FluentActions.Invoking(() => topology.Connect(hub, new Host(network, "pc2", "10.0.0.2/24")))
            .Should().Throw<ArgumentException>().WithMessage("hub has 2 ports, all connected*").Which.ParamName.Should().Be("a");
    }

    [Fact]
    public void A_refused_cable_leaves_no_NIC_behind()
    {
        var full = new Switch(network, "full", 2);
        var topology = new TopologyBuilder(network);
        topology.Connect(full, new Host(network, "x", "10.0.0.1/24"));
        topology.Connect(full, new Host(network, "y", "10.0.0.2/24"));
        var r1 = new Router(network, "r1");

        FluentActions.Invoking(() => topology.Connect(r1, full)).Should().Throw<ArgumentException>();
        Cable cable = topology.Connect(r1, new Switch(network, "sw", 2));

        cable.A.DeviceName.Should().Be("r1/eth0", "the refused cable made no r1/eth0");
        ((Nic)cable.A.Owner).Mac.ToString().Should().Be("02:00:00:00:00:03", "nor took a MAC address");
    }

    [Fact]
    public void Ports_that_have_a_cable_and_ends_that_make_no_cable_are_refused_with_a_reason()
    {
        var sw = new Switch(network, "sw", 4);
        var pc = new Host(network, "pc", "10.0.0.1/24");
        var topology = new TopologyBuilder(network);
        topology.Connect(pc, sw);
        var elsewhere = new Network(new Simulation(seed: 1));

        FluentActions.Invoking(() => topology.Connect(pc.Interfaces[0], sw))
            .Should().Throw<ArgumentException>().WithMessage("pc/eth0 port 0 is already connected (cable pc/eth0 port 0 <-> sw port 0).*");
        FluentActions.Invoking(() => topology.Connect(sw, sw.Ports[0]))
            .Should().Throw<ArgumentException>().WithMessage("sw port 0 is already connected*");
        FluentActions.Invoking(() => topology.Connect(sw, sw))
            .Should().Throw<ArgumentException>().WithMessage("A cable from sw to itself*");
        FluentActions.Invoking(() => topology.Connect(default, sw))
            .Should().Throw<ArgumentException>().WithMessage("The cable end is empty*");
        FluentActions.Invoking(() => topology.Connect((Host?)null, sw))
            .Should().Throw<ArgumentException>().WithMessage("The cable end is empty*");
        FluentActions.Invoking(() => topology.Connect(new Host(elsewhere, "far"), sw))
            .Should().Throw<ArgumentException>().WithMessage("far belongs to another network than this builder's.*");
        FluentActions.Invoking(() => topology.Connect(new Router(network, "r9"), sw, DataRate.FromBitsPerSecond(0)))
            .Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => topology.Connect(new Hub(network, "h1", 2), new Hub(network, "h2", 2)))
            .Should().Throw<ArgumentException>().WithMessage("*both hub ports*");
    }
}
