using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

public class RouterTests
{
    [Fact]
    public void A_ping_crosses_a_router_and_the_macs_change_while_the_ips_stay()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        Router r1 = routers[0];
        FrameLog left = IpTestNetwork.Tap(pc1.Port);
        FrameLog right = IpTestNetwork.Tap(pc2.Port);
        var ping = new Ping(pc1, pc2.Address) { Count = 1 };
        ping.Start();
        net.Simulation.Run();

        ping.Results.Single().Status.Should().Be(PingStatus.Reply);
        ping.Results.Single().TimeToLive.Should().Be(63, "the reply crossed one router");
        byte[] before = left.Sent.Single(f => FrameLog.TypeOf(f) == EtherType.IPv4);
        byte[] after = right.Received.Single(f => FrameLog.TypeOf(f) == EtherType.IPv4);

        EthernetHeader.TryParse(before, out EthernetHeader ethBefore);
        EthernetHeader.TryParse(after, out EthernetHeader ethAfter);
        ethBefore.Source.Should().Be(pc1.Interfaces[0].Mac);
        ethBefore.Destination.Should().Be(r1.Interfaces[0].Mac, "pc1 sends off-link traffic to its gateway's MAC");
        ethAfter.Source.Should().Be(r1.Interfaces[1].Mac, "the router sends from its own egress MAC");
        ethAfter.Destination.Should().Be(pc2.Interfaces[0].Mac);

        Ipv4Header ipBefore = FrameLog.IpHeaderOf(before);
        Ipv4Header ipAfter = FrameLog.IpHeaderOf(after);
        ipAfter.Should().Be(ipBefore with { TimeToLive = 63 }, "only the TTL (and so the checksum) changes");
        before.AsSpan(14 + 20).SequenceEqual(after.AsSpan(14 + 20)).Should().BeTrue("the payload is untouched");
        for (int i = 14; i < 14 + 20; i++)
        {
            if (i is not (14 + 8 or 14 + 10 or 14 + 11))
            {
                after[i].Should().Be(before[i], $"byte {i - 14} of the IP header is not TTL or checksum");
            }
        }

        r1.Counters.PacketsForwarded.Should().Be(2);
    }

    [Fact]
    public void The_longest_matching_prefix_wins_over_overlapping_routes()
    {
        var net = new IpTestNetwork();
        var r = new Router(net.Network, "r");
        r.AddInterface("192.168.0.1/24");
        r.AddInterface("192.168.1.1/24");
        r.AddInterface("192.168.2.1/24");
        r.AddRoute("10.0.0.0/8", "192.168.0.2");
        r.AddRoute("10.1.0.0/16", "192.168.1.2");
        r.AddRoute("10.1.2.0/24", "192.168.2.2");
        r.SetDefaultRoute("192.168.0.254");

        string NextHop(string destination)
        {
            r.TryRoute(Ipv4Address.Parse(destination), out IpInterface egress, out Ipv4Address nextHop).Should().BeTrue();
            return $"{egress.Name} {nextHop}";
        }

        NextHop("10.1.2.3").Should().Be("r/eth2 192.168.2.2");
        NextHop("10.1.3.3").Should().Be("r/eth1 192.168.1.2");
        NextHop("10.2.0.1").Should().Be("r/eth0 192.168.0.2");
        NextHop("8.8.8.8").Should().Be("r/eth0 192.168.0.254");
        NextHop("192.168.2.77").Should().Be("r/eth2 192.168.2.77", "connected networks are on-link");
        r.FormatRoutes().Should().Contain("10.1.2.0/24").And.Contain("192.168.2.2").And.Contain("r/eth2").And.Contain("connected").And.Contain("0.0.0.0/0");
    }

    [Fact]
    public void A_route_through_a_gateway_off_every_network_is_refused()
    {
        var net = new IpTestNetwork();
        var r = new Router(net.Network, "r");
        r.AddInterface("192.168.0.1/24");
        Action act = () => r.AddRoute("10.0.0.0/8", "172.16.0.1");
        act.Should().Throw<ArgumentException>().WithMessage("*172.16.0.1*none of its networks (192.168.0.0/24)*");
    }

    [Theory]
    [InlineData(1, "10.0.1.1")]
    [InlineData(2, "10.0.2.1")]
    [InlineData(3, "10.0.3.1")]
    public void An_expiring_ttl_brings_time_exceeded_from_the_router_where_it_ran_out(byte ttl, string router)
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(3);
        var ping = new Ping(pc1, pc2.Address) { Count = 1, TimeToLive = ttl };
        ping.Start();
        net.Simulation.Run();

        PingResult result = ping.Results.Single();
        result.Status.Should().Be(PingStatus.TimeExceeded);
        result.From.Should().Be(Ipv4Address.Parse(router));
        result.Message.Should().Be($"From {router} icmp_seq=1 Time to live exceeded");
    }

    [Fact]
    public void Enough_ttl_reaches_the_destination()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(3);
        var ping = new Ping(pc1, pc2.Address) { Count = 1, TimeToLive = 4 };
        ping.Start();
        net.Simulation.Run();
        ping.Results.Single().Status.Should().Be(PingStatus.Reply);
        routers.Sum(r => r.Counters.Dropped(IpDropReason.TimeToLiveExceeded)).Should().Be(0);
    }

    [Fact]
    public void No_route_brings_destination_net_unreachable_from_the_router()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, _) = net.Chain(2);
        var ping = new Ping(pc1, Ipv4Address.Parse("172.16.0.1")) { Count = 1 };
        ping.Start();
        net.Simulation.Run();

        PingResult result = ping.Results.Single();
        result.Status.Should().Be(PingStatus.Unreachable);
        result.Message.Should().Be("From 10.0.1.1 icmp_seq=1 Destination Net Unreachable");
        routers[0].Counters.Dropped(IpDropReason.NoRoute).Should().Be(1);
    }

    [Fact]
    public void A_router_that_cannot_resolve_the_next_hop_reports_host_unreachable()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, _) = net.Chain(1);
        var ping = new Ping(pc1, Ipv4Address.Parse("10.0.2.99")) { Count = 1, Timeout = SimDuration.FromSeconds(10) };
        ping.Start();
        net.Simulation.Run();

        ping.Results.Single().Message.Should().Be("From 10.0.1.1 icmp_seq=1 Destination Host Unreachable", "the error leaves r1 by its interface toward pc1");
        routers[0].Interfaces[1].Arp.ResolutionsFailed.Should().Be(1);
    }

    [Fact]
    public void Routers_answer_pings_to_any_of_their_addresses()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, _) = net.Chain(2);
        var ping = new Ping(pc1, Ipv4Address.Parse("10.0.3.1")) { Count = 2 };
        ping.Start();
        net.Simulation.Run();
        ping.Results.Should().HaveCount(2).And.OnlyContain(r => r.Status == PingStatus.Reply && r.From == Ipv4Address.Parse("10.0.3.1"));
    }

    [Fact]
    public void A_large_ping_is_fragmented_at_a_small_mtu_and_reassembled_by_the_destination()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(2);
        routers[0].Interfaces[1].Mtu = 576;
        FrameLog middle = IpTestNetwork.Tap(routers[1].Interfaces[0].Port);
        var ping = new Ping(pc1, pc2.Address) { Count = 1, PayloadSize = 1400 };
        ping.Start();
        net.Simulation.Run();

        ping.Results.Single().Status.Should().Be(PingStatus.Reply);
        ping.Results.Single().Bytes.Should().Be(1408);
        Ipv4Header[] fragments = [.. middle.Received.Where(f => FrameLog.TypeOf(f) == EtherType.IPv4).Select(FrameLog.IpHeaderOf)
            .Where(h => h.Destination == pc2.Address)];
        fragments.Select(f => (f.FragmentOffset, f.PayloadLength, f.MoreFragments)).Should().Equal((0, 552, true), (552, 552, true), (1104, 304, false));
        fragments.Select(f => f.Identification).Distinct().Should().ContainSingle();
        routers[0].Counters.FragmentsCreated.Should().Be(3);
        pc2.Counters.DatagramsReassembled.Should().Be(1);
        pc1.Counters.DatagramsReassembled.Should().Be(0, "the reply comes back over links with a 1500-byte MTU");
    }

    [Fact]
    public void Df_set_on_a_packet_too_large_brings_fragmentation_needed_with_the_mtu()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(2);
        routers[1].Interfaces[1].Mtu = 1000;
        var ping = new Ping(pc1, pc2.Address) { Count = 1, PayloadSize = 1400, DontFragment = true };
        ping.Start();
        net.Simulation.Run();

        PingResult result = ping.Results.Single();
        result.Status.Should().Be(PingStatus.Unreachable);
        result.From.Should().Be(Ipv4Address.Parse("10.0.2.1"));
        result.Message.Should().Be("From 10.0.2.1 icmp_seq=1 Frag needed and DF set (mtu = 1000)");
        routers[1].Counters.Dropped(IpDropReason.FragmentationNeeded).Should().Be(1);
    }

    [Fact]
    public void Fragments_that_never_complete_time_out_with_time_exceeded_code_1()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        routers[0].Interfaces[1].Mtu = 576;
        pc2.Port.Cable!.FromA.Impairments.DropFrameNumbers.Add(3); // the router's side: frames 1 ARP request, 2 first fragment, 3 second fragment
        var ping = new Ping(pc1, pc2.Address) { Count = 1, PayloadSize = 1400, Timeout = SimDuration.FromSeconds(60) };
        ping.Start();
        net.Simulation.Run();

        pc2.Counters.Dropped(IpDropReason.ReassemblyTimeout).Should().Be(1);
        PingResult result = ping.Results.Single();
        result.Status.Should().Be(PingStatus.TimeExceeded);
        result.Message.Should().Be("From 10.0.2.10 icmp_seq=1 Frag reassembly time exceeded");
        result.RoundTripTime.Should().BeGreaterThan(SimDuration.FromSeconds(30));
    }

    [Fact]
    public void Routers_joined_by_a_slash_31_talk_unicast_with_arp()
    {
        // RFC 3021: a point-to-point /31 has two host addresses and no broadcast address.
        var net = new IpTestNetwork();
        var pc1 = new Host(net.Network, "pc1", "10.0.1.10/24", "10.0.1.1");
        var pc2 = new Host(net.Network, "pc2", "10.0.2.10/24", "10.0.2.1");
        var r1 = new Router(net.Network, "r1");
        var r2 = new Router(net.Network, "r2");
        r1.AddInterface("10.0.1.1/24");
        r1.AddInterface("172.16.0.0/31");
        r2.AddInterface("172.16.0.1/31");
        r2.AddInterface("10.0.2.1/24");
        r1.AddRoute("10.0.2.0/24", "172.16.0.1");
        r2.AddRoute("10.0.1.0/24", "172.16.0.0");
        net.Connect(pc1.Port, r1.Interfaces[0].Port);
        FrameLog link = IpTestNetwork.Tap(r1.Interfaces[1].Port);
        net.Connect(r1.Interfaces[1].Port, r2.Interfaces[0].Port);
        net.Connect(r2.Interfaces[1].Port, pc2.Port);
        var ping = new Ping(pc1, pc2.Address) { Count = 2 };
        ping.Start();
        net.Simulation.Run();

        ping.Results.Should().OnlyContain(r => r.Status == PingStatus.Reply);
        link.Frames.Where(f => FrameLog.TypeOf(f.Bytes) == EtherType.IPv4)
            .Should().OnlyContain(f => !MacAddress.Read(f.Bytes).IsBroadcast, "172.16.0.1 is a host on a /31, not a broadcast address");
    }

    [Fact]
    public void Traceroute_stopped_by_an_unreachable_network_does_not_claim_to_have_arrived()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, _) = net.Chain(2);
        var trace = new Traceroute(pc1, Ipv4Address.Parse("172.16.9.9"));
        trace.Start();
        net.Simulation.Run();
        trace.IsComplete.Should().BeTrue();
        trace.ReachedDestination.Should().BeFalse();
        trace.Hops.Select(h => h.Address).Should().Equal([Ipv4Address.Parse("10.0.1.1")],
            "r1 has no route, which it finds before it looks at the TTL (RFC 1812, 5.2.1.2): net unreachable ends the trace at hop 1");
        trace.Hops[0].ToString().Should().EndWith(" ms !N");
    }

    [Fact]
    public void A_bad_default_gateway_is_refused_and_the_old_default_route_stays()
    {
        var net = new IpTestNetwork();
        var r = new Router(net.Network, "r");
        r.AddInterface("192.168.0.1/24");
        r.SetDefaultRoute("192.168.0.254");
        Action act = () => r.SetDefaultRoute("10.9.9.9");
        act.Should().Throw<ArgumentException>().WithMessage("*10.9.9.9*none of its networks*");
        r.TryRoute(Ipv4Address.Parse("8.8.8.8"), out _, out Ipv4Address nextHop).Should().BeTrue();
        nextHop.Should().Be(Ipv4Address.Parse("192.168.0.254"));
    }

    [Fact]
    public void An_interface_on_a_network_with_a_static_route_takes_the_route_over()
    {
        var net = new IpTestNetwork();
        var r = new Router(net.Network, "r");
        r.AddInterface("192.168.0.1/24");
        r.AddRoute("10.0.0.0/24", "192.168.0.2");
        r.AddInterface("10.0.0.1/24");
        r.TryRoute(Ipv4Address.Parse("10.0.0.7"), out IpInterface egress, out Ipv4Address nextHop).Should().BeTrue();
        egress.Should().BeSameAs(r.Interfaces[1]);
        nextHop.Should().Be(Ipv4Address.Parse("10.0.0.7"));
    }
}
