using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

public class ArpTests
{
    private static (IpTestNetwork Net, Host A, Host B, FrameLog LogA) TwoHosts()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "192.168.1.1/24");
        var b = new Host(net.Network, "b", "192.168.1.2/24");
        net.Connect(a.Port, b.Port);
        return (net, a, b, IpTestNetwork.Tap(a.Port));
    }

    private static ArpHeader ArpOf(byte[] frame)
    {
        FrameLog.TypeOf(frame).Should().Be(EtherType.Arp);
        ArpHeader.TryParse(frame.AsSpan(EthernetFrame.HeaderLength), out ArpHeader packet).Should().Be(WireError.None);
        return packet;
    }

    [Fact]
    public void The_first_packet_asks_by_broadcast_and_the_owner_answers_by_unicast_then_the_packet_goes()
    {
        (IpTestNetwork net, Host a, Host b, FrameLog log) = TwoHosts();
        var ping = new Ping(a, b.Address) { Count = 1 };
        ping.Start();
        net.Simulation.Run();

        byte[][] frames = [.. log.Frames.Select(f => f.Bytes)];
        frames.Should().HaveCount(4);
        EthernetHeader.TryParse(frames[0], out EthernetHeader request).Should().Be(WireError.None);
        request.Destination.Should().Be(MacAddress.Broadcast);
        ArpOf(frames[0]).Should().Be(ArpHeader.Request(a.Interfaces[0].Mac, a.Address, b.Address));

        EthernetHeader.TryParse(frames[1], out EthernetHeader reply).Should().Be(WireError.None);
        reply.Destination.Should().Be(a.Interfaces[0].Mac, "the reply goes straight back to the asker");
        ArpOf(frames[1]).Should().Be(new ArpHeader(ArpOperation.Reply, b.Interfaces[0].Mac, b.Address, a.Interfaces[0].Mac, a.Address));

        FrameLog.IpHeaderOf(frames[2]).Protocol.Should().Be(IpProtocol.Icmp);
        FrameLog.IpHeaderOf(frames[3]).Source.Should().Be(b.Address);
        ping.Results.Single().Status.Should().Be(PingStatus.Reply);
    }

    [Fact]
    public void Both_sides_learn_the_other_and_b_asks_nothing_back()
    {
        (IpTestNetwork net, Host a, Host b, FrameLog log) = TwoHosts();
        new Ping(a, b.Address) { Count = 2 }.Start();
        net.Simulation.Run();

        a.Interfaces[0].Arp.TryGet(b.Address, out MacAddress learned).Should().BeTrue();
        learned.Should().Be(b.Interfaces[0].Mac);
        b.Interfaces[0].Arp.TryGet(a.Address, out learned).Should().BeTrue("a request addressed to us teaches us the asker (RFC 826)");
        learned.Should().Be(a.Interfaces[0].Mac);
        log.Frames.Count(f => FrameLog.TypeOf(f.Bytes) == EtherType.Arp).Should().Be(2, "one request, one reply, for two pings");
        a.Interfaces[0].Arp.RequestsSent.Should().Be(1);
        b.Interfaces[0].Arp.RepliesSent.Should().Be(1);
    }

    [Fact]
    public void A_request_for_someone_else_teaches_a_bystander_nothing()
    {
        var net = new IpTestNetwork();
        var hub = new Hub(net.Network, "hub", 3);
        var a = new Host(net.Network, "a", "192.168.1.1/24");
        var b = new Host(net.Network, "b", "192.168.1.2/24");
        var c = new Host(net.Network, "c", "192.168.1.3/24");
        net.Connect(a.Port, hub.Ports[0]);
        net.Connect(b.Port, hub.Ports[1]);
        net.Connect(c.Port, hub.Ports[2]);
        new Ping(a, b.Address) { Count = 1 }.Start();
        net.Simulation.Run();

        c.Interfaces[0].Arp.GetEntries().Should().BeEmpty("c heard the broadcast but was not asked (RFC 826 merges only known or own entries)");
    }

    [Fact]
    public void Entries_expire_after_their_lifetime_and_are_asked_for_again()
    {
        (IpTestNetwork net, Host a, Host b, FrameLog log) = TwoHosts();
        a.Interfaces[0].Arp.EntryLifetime = SimDuration.FromSeconds(10);
        new Ping(a, b.Address) { Count = 1 }.Start();
        net.Simulation.Run();
        a.Interfaces[0].Arp.GetEntries().Should().ContainSingle().Which.State.Should().Be(ArpEntryState.Resolved);

        net.Simulation.RunUntil(SimTime.FromSeconds(9)); // learned within the first millisecond
        a.Interfaces[0].Arp.TryGet(b.Address, out _).Should().BeTrue();
        net.Simulation.RunUntil(SimTime.FromSeconds(11));
        a.Interfaces[0].Arp.TryGet(b.Address, out _).Should().BeFalse();
        a.Interfaces[0].Arp.GetEntries().Should().BeEmpty();

        new Ping(a, b.Address) { Count = 1 }.Start();
        net.Simulation.Run();
        a.Interfaces[0].Arp.RequestsSent.Should().Be(2);
        log.Frames.Count(f => FrameLog.TypeOf(f.Bytes) == EtherType.Arp).Should().Be(4);
    }

    [Fact]
    public void Unanswered_requests_are_retried_then_waiting_packets_fail_as_host_unreachable()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "192.168.1.1/24");
        var b = new Host(net.Network, "b", "192.168.1.2/24");
        net.Connect(a.Port, b.Port);
        FrameLog log = IpTestNetwork.Tap(a.Port);
        var ping = new Ping(a, Ipv4Address.Parse("192.168.1.99")) { Count = 1, Timeout = SimDuration.FromSeconds(10) };
        ping.Start();
        net.Simulation.Run();

        ArpCache arp = a.Interfaces[0].Arp;
        log.Sent.Should().HaveCount(3).And.OnlyContain(f => FrameLog.TypeOf(f) == EtherType.Arp);
        arp.ResolutionsFailed.Should().Be(1);
        PingResult result = ping.Results.Single();
        result.Status.Should().Be(PingStatus.Unreachable);
        result.Message.Should().Be("From 192.168.1.1 icmp_seq=1 Destination Host Unreachable");
        result.RoundTripTime.Should().Be(SimDuration.FromSeconds(3), "three requests one second apart");
        a.Counters.Dropped(IpDropReason.HostUnreachable).Should().Be(1);
        arp.GetEntries().Should().BeEmpty();
    }

    [Fact]
    public void The_queue_of_packets_waiting_for_resolution_is_bounded_and_keeps_the_latest()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "192.168.1.1/24");
        var b = new Host(net.Network, "b", "192.168.1.2/24");
        net.Connect(a.Port, b.Port);
        FrameLog log = IpTestNetwork.Tap(b.Port);
        a.Interfaces[0].Arp.MaxPendingPackets = 2;
        for (int i = 0; i < 5; i++)
        {
            byte[] payload = [(byte)i, 0, 0, 0];
            a.Send(b.Address, (IpProtocol)253, payload).Should().Be(SendResult.Sent);
        }

        net.Simulation.Run();
        a.Counters.Dropped(IpDropReason.ArpQueueFull).Should().Be(3);
        var arrived = log.Received.Where(f => FrameLog.TypeOf(f) == EtherType.IPv4).Select(f => f[EthernetFrame.HeaderLength + Ipv4Header.MinLength]).ToList();
        arrived.Should().Equal(3, 4);
    }

    [Fact]
    public void Static_entries_need_no_request_never_expire_and_are_printed()
    {
        (IpTestNetwork net, Host a, Host b, FrameLog log) = TwoHosts();
        ArpCache arp = a.Interfaces[0].Arp;
        arp.AddStatic(b.Address, b.Interfaces[0].Mac);
        new Ping(a, b.Address) { Count = 1 }.Start();
        net.Simulation.RunFor(SimDuration.FromSeconds(3600));

        log.Sent.Should().NotContain(f => FrameLog.TypeOf(f) == EtherType.Arp && ArpOf(f).Operation == ArpOperation.Request, "a answers b's request, but asks nothing");
        arp.TryGet(b.Address, out _).Should().BeTrue();
        arp.GetEntries().Should().ContainSingle().Which.State.Should().Be(ArpEntryState.Static);
        arp.ToString().Should().Contain("192.168.1.2").And.Contain(b.Interfaces[0].Mac.ToString()).And.Contain("static");
    }

    [Fact]
    public void A_static_entry_is_not_overwritten_by_what_arrives()
    {
        (IpTestNetwork net, Host a, Host b, _) = TwoHosts();
        var fake = MacAddress.Parse("02:aa:bb:cc:dd:ee");
        b.Interfaces[0].Arp.AddStatic(a.Address, fake);
        new Ping(a, b.Address) { Count = 1, Timeout = SimDuration.FromMilliseconds(100) }.Start();
        net.Simulation.Run();
        b.Interfaces[0].Arp.TryGet(a.Address, out MacAddress mac).Should().BeTrue();
        mac.Should().Be(fake);
    }
}
