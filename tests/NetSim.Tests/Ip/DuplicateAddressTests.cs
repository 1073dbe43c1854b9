using NetSim.Applications;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

/// <summary>Two interfaces with one IPv4 address on one broadcast domain are a configuration error, refused when the run starts.</summary>
public class DuplicateAddressTests
{
    [Fact]
    public void Two_hosts_with_one_address_behind_a_switch_stop_the_run_naming_both()
    {
        var net = new IpTestNetwork();
        var sw = new Switch(net.Network, "sw", 4);
        var pc1 = new Host(net.Network, "pc1", "192.168.1.5/24");
        var pc2 = new Host(net.Network, "pc2", "192.168.1.6/24");
        var pc3 = new Host(net.Network, "pc3", "192.168.1.5/24");
        net.Connect(pc1.Port, sw.Ports[0]);
        net.Connect(pc2.Port, sw.Ports[1]);
        net.Connect(pc3.Port, sw.Ports[2]);
        new Ping(pc2, pc1.Address) { Count = 1 }.Start();

        Action run = net.Simulation.Run;

        run.Should().Throw<InvalidOperationException>()
            .WithMessage("pc1/eth0 and pc3/eth0 both have 192.168.1.5 on one broadcast domain (joined through sw)*");
        net.Simulation.EventsExecuted.Should().Be(0, "the run stops before its first event");
        run.Should().Throw<InvalidOperationException>("the problem is still there on the next run");
    }

    [Fact]
    public void A_router_interface_and_a_host_behind_a_hub_and_two_switches_are_found_with_the_devices_between()
    {
        var net = new IpTestNetwork();
        var hub = new Hub(net.Network, "hub", 2);
        var sw1 = new Switch(net.Network, "sw1", 2);
        var sw2 = new Switch(net.Network, "sw2", 2);
        var r1 = new Router(net.Network, "r1");
        r1.AddInterface("10.0.0.1/24");
        r1.AddInterface("10.0.1.1/24");
        var pc = new Host(net.Network, "pc", "10.0.1.1/24");
        net.Connect(r1.Interfaces[1].Port, hub.Ports[0]);
        net.Connect(hub.Ports[1], sw1.Ports[0]);
        net.Connect(sw1.Ports[1], sw2.Ports[0]);
        net.Connect(sw2.Ports[1], pc.Port);

        Action run = net.Simulation.Run;

        run.Should().Throw<InvalidOperationException>()
            .WithMessage("r1/eth1 and pc/eth0 both have 10.0.1.1 on one broadcast domain (joined through hub, sw1, sw2)*");
    }

    [Fact]
    public void Two_hosts_with_one_address_on_one_cable_are_refused()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "192.168.1.5/24");
        var b = new Host(net.Network, "b", "192.168.1.5/24");
        net.Connect(a.Port, b.Port);

        Action run = () => net.Simulation.RunFor(NetSim.Engine.SimDuration.FromSeconds(1));

        run.Should().Throw<InvalidOperationException>()
            .WithMessage("a/eth0 and b/eth0 both have 192.168.1.5 on one broadcast domain (joined by a cable)*");
    }

    [Fact]
    public void One_address_on_two_separate_networks_is_fine()
    {
        // Two LANs that are not joined (as two sites behind NAT would be): each has its 192.168.1.5.
        var net = new IpTestNetwork();
        var sw1 = new Switch(net.Network, "sw1", 2);
        var sw2 = new Switch(net.Network, "sw2", 2);
        var a1 = new Host(net.Network, "a1", "192.168.1.5/24");
        var b1 = new Host(net.Network, "b1", "192.168.1.6/24");
        var a2 = new Host(net.Network, "a2", "192.168.1.5/24");
        var b2 = new Host(net.Network, "b2", "192.168.1.6/24");
        var unplugged = new Host(net.Network, "spare", "192.168.1.5/24");
        net.Connect(a1.Port, sw1.Ports[0]);
        net.Connect(b1.Port, sw1.Ports[1]);
        net.Connect(a2.Port, sw2.Ports[0]);
        net.Connect(b2.Port, sw2.Ports[1]);
        var ping1 = new Ping(b1, a1.Address) { Count = 1 };
        var ping2 = new Ping(b2, a2.Address) { Count = 1 };
        ping1.Start();
        ping2.Start();

        net.Simulation.Run();

        ping1.Summary.Received.Should().Be(1);
        ping2.Summary.Received.Should().Be(1);
        unplugged.Counters.PacketsReceived.Should().Be(0);
    }

    [Fact]
    public void A_cable_added_between_runs_that_joins_two_addresses_is_caught_at_the_next_run()
    {
        var net = new IpTestNetwork();
        var sw1 = new Switch(net.Network, "sw1", 2);
        var sw2 = new Switch(net.Network, "sw2", 2);
        var a = new Host(net.Network, "a", "192.168.1.5/24");
        var b = new Host(net.Network, "b", "192.168.1.5/24");
        net.Connect(a.Port, sw1.Ports[0]);
        net.Connect(b.Port, sw2.Ports[0]);
        net.Simulation.Run();

        net.Connect(sw1.Ports[1], sw2.Ports[1]);
        Action run = net.Simulation.Run;

        run.Should().Throw<InvalidOperationException>()
            .WithMessage("a/eth0 and b/eth0 both have 192.168.1.5 on one broadcast domain (joined through sw1, sw2)*");
    }

    [Fact]
    public void A_router_between_two_hosts_with_one_address_separates_them()
    {
        // Each host is alone on its cable to the router: two broadcast domains.
        var net = new IpTestNetwork();
        var r1 = new Router(net.Network, "r1");
        r1.AddInterface("10.0.1.1/24");
        r1.AddInterface("10.0.2.1/24");
        var a = new Host(net.Network, "a", "10.0.1.10/24", "10.0.1.1");
        var b = new Host(net.Network, "b", "10.0.1.10/24");
        net.Connect(a.Port, r1.Interfaces[0].Port);
        net.Connect(r1.Interfaces[1].Port, b.Port);

        Action run = net.Simulation.Run;

        run.Should().NotThrow();
    }

    [Fact]
    public void A_simulation_without_a_network_and_links_without_addresses_run_as_before()
    {
        var sim = new NetSim.Engine.Simulation();
        int ran = 0;
        sim.Schedule(NetSim.Engine.SimDuration.Zero, () => ran++);
        sim.Run();
        ran.Should().Be(1);

        var net = new IpTestNetwork();
        var sender = new Nic(net.Network, "sender");
        var receiver = new Nic(net.Network, "receiver");
        _ = new Cable(sender.Port, receiver.Port, IpTestNetwork.Rate, IpTestNetwork.Delay);
        sender.Send(sender.CreateFrame(receiver.Mac, EtherType.IPv4, 46));
        net.Simulation.Run();
        receiver.FramesDelivered.Should().Be(1);
    }
}
