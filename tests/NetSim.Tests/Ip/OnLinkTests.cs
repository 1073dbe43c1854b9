using NetSim.Applications;
using NetSim.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

public class OnLinkTests
{
    [Theory]
    [InlineData("192.168.1.1/24", "192.168.1.2", true)]
    [InlineData("192.168.1.1/24", "192.168.2.2", false)]
    [InlineData("192.168.1.1/16", "192.168.2.2", true)]
    [InlineData("192.168.1.1/255.255.0.0", "192.168.200.9", true)]
    [InlineData("192.168.1.1/25", "192.168.1.127", true)]
    [InlineData("192.168.1.1/25", "192.168.1.128", false)]
    [InlineData("10.0.0.1/8", "10.255.255.254", true)]
    [InlineData("10.0.0.1/8", "11.0.0.1", false)]
    [InlineData("172.16.5.5/30", "172.16.5.6", true)]
    [InlineData("172.16.5.5/30", "172.16.5.8", false)]
    [InlineData("10.1.1.1/32", "10.1.1.2", false)]
    [InlineData("10.1.1.1/0", "200.1.1.1", true)]
    public void A_destination_is_on_link_when_its_network_part_equals_ours(string ours, string destination, bool onLink)
    {
        var net = new IpTestNetwork();
        var host = new Host(net.Network, "pc", ours);
        host.Interfaces[0].IsOnLink(Ipv4Address.Parse(destination)).Should().Be(onLink);

        bool routed = host.TryRoute(Ipv4Address.Parse(destination), out _, out Ipv4Address nextHop);
        routed.Should().Be(onLink, "without a gateway only on-link destinations have a route");
        if (onLink)
        {
            nextHop.Should().Be(Ipv4Address.Parse(destination));
        }
    }

    [Fact]
    public void Off_link_destinations_go_to_the_default_gateway()
    {
        var net = new IpTestNetwork();
        var host = new Host(net.Network, "pc", "192.168.1.10/24", "192.168.1.1");
        host.TryRoute(Ipv4Address.Parse("8.8.8.8"), out IpInterface egress, out Ipv4Address nextHop).Should().BeTrue();
        nextHop.Should().Be(Ipv4Address.Parse("192.168.1.1"));
        egress.Should().BeSameAs(host.Interfaces[0]);
        host.TryRoute(Ipv4Address.Parse("192.168.1.77"), out _, out nextHop).Should().BeTrue();
        nextHop.Should().Be(Ipv4Address.Parse("192.168.1.77"));
    }

    [Fact]
    public void Without_gateway_an_off_link_send_fails_with_no_route_and_says_why()
    {
        var net = new IpTestNetwork();
        var host = new Host(net.Network, "alice", "192.168.1.1/24");
        host.Send(Ipv4Address.Parse("192.168.2.2"), IpProtocol.Icmp, new byte[8]).Should().Be(SendResult.NoRoute);
        host.Counters.Dropped(IpDropReason.NoRoute).Should().Be(1);
        host.ExplainNoRoute(Ipv4Address.Parse("192.168.2.2")).Should()
            .Be("192.168.2.2 is not on alice's network 192.168.1.0/24 (netmask 255.255.255.0), and alice has no default gateway to send it to.");
    }

    [Fact]
    public void A_gateway_off_the_hosts_network_is_refused_with_the_reason()
    {
        var net = new IpTestNetwork();
        Action act = () => _ = new Host(net.Network, "pc", "192.168.1.10/24", "192.168.2.1");
        act.Should().Throw<ArgumentException>().WithMessage("*192.168.2.1*none of its networks (192.168.1.0/24)*");
    }

    [Theory]
    [InlineData("192.168.1.0/24", "*network address of 192.168.1.0/24*")]
    [InlineData("192.168.1.255/24", "*broadcast address of 192.168.1.0/24*")]
    [InlineData("192.168.1.1/255.0.255.0", "*not a netmask*")]
    [InlineData("192.168.1.1", "*slash*")]
    [InlineData("192.168.1.1/33", "*0 to 32*")]
    public void Bad_interface_addresses_are_refused_with_the_reason(string text, string message)
    {
        var net = new IpTestNetwork();
        var host = new Host(net.Network, "pc");
        Action act = () => host.AddInterface(text);
        act.Should().Throw<Exception>().WithMessage(message);
    }

    [Fact]
    public void Two_computers_in_one_subnet_ping_each_other_and_a_wrong_netmask_breaks_exactly_the_traffic_it_should()
    {
        // pc1 has a /25 by mistake: 192.168.1.200 looks off-link to it; pc2 (.20) is still on-link.
        var net = new IpTestNetwork();
        var sw = new NetSim.Ethernet.Switch(net.Network, "sw", 4);
        var pc1 = new Host(net.Network, "pc1", "192.168.1.10/25");
        var pc2 = new Host(net.Network, "pc2", "192.168.1.20/24");
        var pc3 = new Host(net.Network, "pc3", "192.168.1.200/24");
        net.Connect(pc1.Port, sw.Ports[0]);
        net.Connect(pc2.Port, sw.Ports[1]);
        net.Connect(pc3.Port, sw.Ports[2]);

        var toPc2 = new Ping(pc1, pc2.Address) { Count = 1 };
        var toPc3 = new Ping(pc1, pc3.Address) { Count = 1 };
        var pc3ToPc2 = new Ping(pc3, pc2.Address) { Count = 1 };
        var pc3ToPc1 = new Ping(pc3, pc1.Address) { Count = 1 };
        toPc2.Start();
        toPc3.Start();
        pc3ToPc2.Start();
        pc3ToPc1.Start();
        net.Simulation.Run();

        toPc2.Results.Should().ContainSingle().Which.Status.Should().Be(PingStatus.Reply);
        toPc3.Results.Should().ContainSingle().Which.Status.Should().Be(PingStatus.NoRoute);
        toPc3.Results[0].Message.Should().Contain("192.168.1.200 is not on pc1's network 192.168.1.0/25");
        pc3ToPc2.Results.Should().ContainSingle().Which.Status.Should().Be(PingStatus.Reply, "pc2 and pc3 agree on the /24");
        pc3ToPc1.Results.Should().BeEmpty("pc1 gets the request but has no route for its reply, and ping says nothing about a lost request");
        pc3ToPc1.Summary.ToString().Should().Contain("1 packets transmitted, 0 received, 100% packet loss");
        pc1.Counters.Dropped(IpDropReason.NoRoute).Should().Be(2);
    }
}
