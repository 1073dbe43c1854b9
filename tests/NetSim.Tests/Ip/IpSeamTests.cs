using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

/// <summary>
/// The IP layer's seams, each with a second implementation plugged in: a protocol of a
/// user's on the registry, a link endpoint that is not a NIC, a host routing table with more
/// than a default gateway, an address changed at run time, forwarding turned on for a host,
/// and the raw ICMP socket.
/// </summary>
public sealed class IpSeamTests
{
    private const IpProtocol Experimental = (IpProtocol)253; // RFC 3692: for experimentation and testing

    [Fact]
    public void A_protocol_registered_by_number_receives_its_datagrams_and_others_get_protocol_unreachable()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "10.0.0.1/24");
        var b = new Host(net.Network, "b", "10.0.0.2/24");
        var c = new Host(net.Network, "c", "10.0.0.3/24");
        var sw = new Switch(net.Network, "sw", 3);
        net.Connect(a.Port, sw.Ports[0]);
        net.Connect(b.Port, sw.Ports[1]);
        net.Connect(c.Port, sw.Ports[2]);
        var toy = new RecordingProtocol();
        b.RegisterProtocol(toy);

        a.Send(b.Address, Experimental, "hello"u8).Should().Be(SendResult.Sent);
        a.Send(c.Address, Experimental, "hello"u8).Should().Be(SendResult.Sent);
        net.Simulation.Run();

        b.FindProtocol(Experimental).Should().BeSameAs(toy);
        toy.Received.Should().ContainSingle().Which.Should().Be(("10.0.0.1", "hello"));
        c.Counters.Dropped(IpDropReason.UnknownProtocol).Should().Be(1, "c has no protocol 253");
        c.Counters.IcmpErrorsSent.Should().Be(1, "RFC 1122 3.2.2.1: protocol unreachable");
        toy.Errors.Should().BeEmpty();
    }

    [Fact]
    public void A_registered_protocol_is_told_of_icmp_errors_about_what_it_sent()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "10.0.0.1/24");
        var c = new Host(net.Network, "c", "10.0.0.3/24");
        net.Connect(a.Port, c.Port);
        var toy = new RecordingProtocol();
        a.RegisterProtocol(toy);

        a.Send(c.Address, Experimental, "ping?"u8);
        net.Simulation.Run();

        toy.Errors.Should().ContainSingle().Which.Should().Be((IcmpType.DestinationUnreachable, (byte)UnreachableCode.Protocol));
    }

    [Fact]
    public void A_protocol_number_can_be_registered_once()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "10.0.0.1/24");
        a.RegisterProtocol(new RecordingProtocol());

        a.Invoking(h => h.RegisterProtocol(new RecordingProtocol())).Should().Throw<InvalidOperationException>().WithMessage("*already has protocol 253*");
        a.Invoking(h => h.RegisterProtocol(new RecordingProtocol(IpProtocol.Udp))).Should().Throw<InvalidOperationException>("UDP is registered on every node");
    }

    [Fact]
    public void IP_runs_over_a_link_endpoint_that_is_not_a_nic()
    {
        var net = new IpTestNetwork();
        var (left, right) = PointToPointLink.Create(net.Network, "a/ppp0", "b/ppp0", SimDuration.FromMilliseconds(5));
        var a = new IpNode(net.Network, "a");
        var b = new IpNode(net.Network, "b");
        IpInterface onA = a.AddInterface(left, Ipv4Address.Parse("10.9.0.1"), 30);
        b.AddInterface(right, Ipv4Address.Parse("10.9.0.2"), 30);
        var ping = new Ping(a, Ipv4Address.Parse("10.9.0.2")) { Count = 2 };

        ping.Start();
        net.Simulation.Run();

        ping.Results.Should().HaveCount(2).And.OnlyContain(r => r.Status == PingStatus.Reply);
        ping.Results[0].RoundTripTime.Should().Be(SimDuration.FromMilliseconds(10), "two crossings of a 5 ms link, no ARP on a point-to-point link");
        left.FramesSent.Should().Be(2, "two echo requests, and no ARP");
        onA.Link.Should().BeSameAs(left);
        onA.Invoking(i => i.Arp).Should().Throw<InvalidOperationException>().WithMessage("*needs no ARP*");
        onA.Invoking(i => i.Nic).Should().Throw<InvalidOperationException>().WithMessage("*not a NIC*");
    }

    [Fact]
    public void A_host_uses_a_static_route_beside_its_default_gateway()
    {
        // pc (10.0.0.10) with two routers on its LAN: r1 (.1) leads to 10.1.0.0/24, r2 (.2) to everything else.
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc", "10.0.0.10/24", "10.0.0.2");
        var sw = new Switch(net.Network, "sw", 3);
        var r1 = new Router(net.Network, "r1");
        var r2 = new Router(net.Network, "r2");
        r1.AddInterface("10.0.0.1/24");
        r1.AddInterface("10.1.0.1/24");
        r2.AddInterface("10.0.0.2/24");
        r2.AddInterface("10.2.0.1/24");
        var x = new Host(net.Network, "x", "10.1.0.10/24", "10.1.0.1");
        var y = new Host(net.Network, "y", "10.2.0.10/24", "10.2.0.1");
        net.Connect(pc.Port, sw.Ports[0]);
        net.Connect(r1.Interfaces[0].Port, sw.Ports[1]);
        net.Connect(r2.Interfaces[0].Port, sw.Ports[2]);
        net.Connect(r1.Interfaces[1].Port, x.Port);
        net.Connect(r2.Interfaces[1].Port, y.Port);
        pc.AddRoute("10.1.0.0/24", "10.0.0.1");
        var toX = new Ping(pc, x.Address) { Count = 1 };
        var toY = new Ping(pc, y.Address) { Count = 1 };

        toX.Start();
        toY.Start();
        net.Simulation.Run();

        toX.Results.Single().Status.Should().Be(PingStatus.Reply);
        toY.Results.Single().Status.Should().Be(PingStatus.Reply);
        r1.Counters.PacketsForwarded.Should().Be(2, "the request to x and its reply go through r1 (r2 has no route to 10.1.0.0/24)");
        r2.Counters.PacketsForwarded.Should().Be(2, "only the request to y and its reply go through r2");
        pc.DefaultGateway.Should().Be(Ipv4Address.Parse("10.0.0.2"));
        pc.FormatRoutes().Should().Contain("10.1.0.0/24").And.Contain("10.0.0.1").And.Contain("0.0.0.0/0").And.Contain("connected");
    }

    [Fact]
    public void An_interface_can_change_its_address_at_run_time()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "10.0.0.1/24");
        var b = new Host(net.Network, "b", "10.0.0.2/24");
        net.Connect(a.Port, b.Port);
        var before = new Ping(a, Ipv4Address.Parse("10.0.0.2")) { Count = 1 };
        before.Start();
        net.Simulation.Run();
        a.Interfaces[0].Arp.Count.Should().Be(1);

        // As a new DHCP lease would: both move to 192.168.5.0/24.
        a.Interfaces[0].SetAddress(Ipv4Address.Parse("192.168.5.1"), 24);
        b.Interfaces[0].SetAddress(Ipv4Address.Parse("192.168.5.2"), 24);
        a.Interfaces[0].Arp.Count.Should().Be(0, "what the cache knew was about the old network");
        var old = new Ping(a, Ipv4Address.Parse("10.0.0.2")) { Count = 1 };
        var renewed = new Ping(a, Ipv4Address.Parse("192.168.5.2")) { Count = 1 };
        old.Start();
        renewed.Start();
        net.Simulation.Run();

        before.Results.Single().Status.Should().Be(PingStatus.Reply);
        old.Results.Single().Status.Should().Be(PingStatus.NoRoute, "10.0.0.0/24 is no longer a's network and it has no gateway");
        renewed.Results.Single().Status.Should().Be(PingStatus.Reply);
        b.IsLocalAddress(Ipv4Address.Parse("10.0.0.2")).Should().BeFalse();
        a.Routes.GetRoutes().Should().ContainSingle().Which.Destination.Should().Be(Ipv4Network.Parse("192.168.5.0/24"));
    }

    [Fact]
    public void Changing_an_address_is_checked_as_adding_one()
    {
        var net = new IpTestNetwork();
        var r = new Router(net.Network, "r");
        r.AddInterface("10.0.0.1/24");
        IpInterface second = r.AddInterface("10.0.1.1/24");

        second.Invoking(i => i.SetAddress(Ipv4Address.Parse("10.0.0.9"), 24)).Should().Throw<ArgumentException>().WithMessage("*overlaps*");
        second.Invoking(i => i.SetAddress(Ipv4Address.Parse("10.0.0.1"), 24)).Should().Throw<ArgumentException>().WithMessage("*already has the address 10.0.0.1*");
        second.Invoking(i => i.SetAddress(Ipv4Address.Parse("10.0.2.255"), 24)).Should().Throw<ArgumentException>().WithMessage("*broadcast address*");
        second.Address.Should().Be(Ipv4Address.Parse("10.0.1.1"), "a refused change changes nothing");
        second.SetAddress(Ipv4Address.Parse("10.0.1.1"), 24); // the same address again is allowed
    }

    [Fact]
    public void A_host_forwards_only_when_forwarding_is_on()
    {
        var net = new IpTestNetwork();
        var pc1 = new Host(net.Network, "pc1", "10.0.1.10/24", "10.0.1.1");
        var middle = new Host(net.Network, "middle");
        middle.AddInterface("10.0.1.1/24");
        middle.AddInterface("10.0.2.1/24");
        var pc2 = new Host(net.Network, "pc2", "10.0.2.10/24", "10.0.2.1");
        net.Connect(pc1.Port, middle.Interfaces[0].Port);
        net.Connect(middle.Interfaces[1].Port, pc2.Port);
        var refused = new Ping(pc1, pc2.Address) { Count = 1, Timeout = SimDuration.FromSeconds(1) };
        refused.Start();
        net.Simulation.Run();

        middle.Forwarding = true; // as sysctl net.ipv4.ip_forward=1
        var forwarded = new Ping(pc1, pc2.Address) { Count = 1 };
        forwarded.Start();
        net.Simulation.Run();

        refused.Summary.Received.Should().Be(0, "a host drops packets for others (RFC 1122, 3.3.4.2)");
        middle.Counters.Dropped(IpDropReason.NotForMe).Should().Be(1);
        forwarded.Results.Single().Status.Should().Be(PingStatus.Reply);
        forwarded.Results.Single().TimeToLive.Should().Be(63);
    }

    [Fact]
    public void Icmp_sockets_get_their_own_identifiers_and_their_own_replies()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "10.0.0.1/24");
        var b = new Host(net.Network, "b", "10.0.0.2/24");
        net.Connect(a.Port, b.Port);
        var first = new RecordingIcmpReceiver();
        var second = new RecordingIcmpReceiver();
        using var one = new IcmpSocket(a, first);
        using var two = new IcmpSocket(a, second);

        one.SendEchoRequest(b.Address, 7, "abc"u8).Should().Be(SendResult.Sent);
        two.SendEchoRequest(Ipv4Address.Parse("10.0.0.99"), 1, "x"u8);
        net.Simulation.Run();

        one.Identifier.Should().NotBe(two.Identifier);
        first.Replies.Should().ContainSingle().Which.Should().Be((one.Identifier, (ushort)7, "abc"));
        second.Replies.Should().BeEmpty();
        second.Errors.Should().ContainSingle("ARP gave up on 10.0.0.99: host unreachable, told to the socket that sent it").Which.Should().Be((IcmpType.DestinationUnreachable, (ushort)1));
        first.Errors.Should().BeEmpty();
    }

    [Fact]
    public void A_closed_icmp_socket_frees_its_identifier_and_refuses_to_send()
    {
        var net = new IpTestNetwork();
        var a = new Host(net.Network, "a", "10.0.0.1/24");
        var socket = new IcmpSocket(a, new RecordingIcmpReceiver());
        ushort identifier = socket.Identifier;
        socket.Dispose();

        socket.Invoking(s => s.SendEchoRequest(Ipv4Address.Parse("10.0.0.2"), 1, [])).Should().Throw<ObjectDisposedException>();
        identifier.Should().Be(1);
    }

    private sealed class RecordingProtocol(IpProtocol number = Experimental) : IIpProtocol
    {
        public List<(string From, string Text)> Received { get; } = [];

        public List<(IcmpType Type, byte Code)> Errors { get; } = [];

        public IpProtocol Protocol => number;

        public void OnDatagram(IpInterface ingress, in Ipv4Header header, ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> payload) =>
            Received.Add((header.Source.ToString(), System.Text.Encoding.ASCII.GetString(payload)));

        public bool OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ReadOnlySpan<byte> start)
        {
            Errors.Add((icmp.Type, icmp.Code));
            return true;
        }
    }

    private sealed class RecordingIcmpReceiver : IIcmpReceiver
    {
        public List<(ushort Identifier, ushort Sequence, string Data)> Replies { get; } = [];

        public List<(IcmpType Type, ushort Sequence)> Errors { get; } = [];

        public void OnEchoReply(in Ipv4Header header, in IcmpHeader icmp, ReadOnlySpan<byte> data) =>
            Replies.Add((icmp.Identifier, icmp.SequenceNumber, System.Text.Encoding.ASCII.GetString(data)));

        public void OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ushort sequence) => Errors.Add((icmp.Type, sequence));
    }

    /// <summary>
    /// A toy point-to-point link: two endpoints that hand each packet to the other after a
    /// fixed delay, with no framing, no addresses and no ARP (as PPP or a tunnel carries IP).
    /// </summary>
    private sealed class PointToPointLink : ILinkEndpoint, IEventTarget
    {
        private readonly Network network;
        private readonly SimDuration delay;
        private PointToPointLink? peer;
        private ILinkReceiver? upper;

        private PointToPointLink(Network network, string name, SimDuration delay)
        {
            this.network = network;
            this.delay = delay;
            Name = name;
        }

        public string Name { get; }

        public MacAddress Mac => default;

        public int Mtu => 1500;

        public bool NeedsArp => false;

        public FramePool Frames => network.Frames;

        public long FramesSent { get; private set; }

        public static (PointToPointLink Left, PointToPointLink Right) Create(Network network, string left, string right, SimDuration delay)
        {
            var a = new PointToPointLink(network, left, delay);
            var b = new PointToPointLink(network, right, delay);
            a.peer = b;
            b.peer = a;
            return (a, b);
        }

        public void Attach(ILinkReceiver receiver) => upper = receiver;

        public bool Send(FrameHandle packet, MacAddress destination, EtherType type)
        {
            FramesSent++;
            network.Simulation.Schedule(delay, peer!, (int)type, packet.ToEventArgument());
            return true;
        }

        public void OnEvent(int kind, long argument) => upper!.OnReceived(this, FrameHandle.FromEventArgument(argument), (EtherType)kind, linkBroadcast: false);
    }
}
