using System.Text;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Ip;

/// <summary>RFC 1122, 3.2.1.3: a host's own addresses and 127/8 are delivered inside the host, never sent on the wire.</summary>
public class LoopbackTests
{
    /// <summary>pc1 (192.168.1.5/24) cabled to pc2, with every frame through pc1's port logged.</summary>
    private static (IpTestNetwork Net, Host Pc1, FrameLog Wire) Setup()
    {
        var net = new IpTestNetwork();
        var pc1 = new Host(net.Network, "pc1", "192.168.1.5/24");
        var pc2 = new Host(net.Network, "pc2", "192.168.1.6/24");
        net.Connect(pc1.Port, pc2.Port);
        return (net, pc1, IpTestNetwork.Tap(pc1.Port));
    }

    [Theory]
    [InlineData("192.168.1.5", "192.168.1.5")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("127.1.2.3", "127.1.2.3")]
    public void A_ping_to_yourself_is_answered_without_a_frame_on_the_wire(string destination, string from)
    {
        (IpTestNetwork net, Host pc1, FrameLog wire) = Setup();
        var ping = new Ping(pc1, Ipv4Address.Parse(destination)) { Count = 3 };
        ping.Start();
        net.Simulation.Run();

        ping.Results.Should().HaveCount(3).And.OnlyContain(r => r.Status == PingStatus.Reply && r.From == Ipv4Address.Parse(from));
        ping.Results.Should().OnlyContain(r => r.RoundTripTime == SimDuration.Zero, "the loopback delivers at once, in an event of its own");
        wire.Frames.Should().BeEmpty("no ARP for yourself and no frame on any port");
        pc1.Interfaces[0].Arp.Count.Should().Be(0);
        pc1.Counters.PacketsSent.Should().Be(6, "three requests and three replies");
        pc1.Counters.PacketsDelivered.Should().Be(6);
        pc1.Counters.PacketsDropped.Should().Be(0);
        net.Network.Frames.InUse.Should().Be(0, "the looped packets went back to the pool");
    }

    [Fact]
    public void A_node_with_no_cable_still_reaches_itself()
    {
        var net = new IpTestNetwork();
        var router = new Router(net.Network, "r1");
        router.AddInterface("10.0.1.1/24");
        router.AddInterface("10.0.2.1/24");
        var ping = new Ping(router, Ipv4Address.Parse("10.0.2.1")) { Count = 1 };
        var loopback = new Ping(router, Ipv4Address.Parse("127.0.0.1")) { Count = 1 };
        ping.Start();
        loopback.Start();
        net.Simulation.Run();

        ping.Results.Should().ContainSingle().Which.Status.Should().Be(PingStatus.Reply);
        loopback.Results.Should().ContainSingle().Which.Status.Should().Be(PingStatus.Reply);
        router.Interfaces.Should().OnlyContain(i => i.Port.Counters.FramesSent == 0);
    }

    [Fact]
    public void A_datagram_to_127_0_0_1_arrives_from_127_0_0_1_in_a_later_event()
    {
        (IpTestNetwork net, Host pc1, FrameLog wire) = Setup();
        var server = new UdpSocket(pc1);
        server.Bind(7);
        var received = new List<string>();
        server.Received += (_, from, port, data) => received.Add($"{from}:{port} {Encoding.ASCII.GetString(data)}");
        var client = new UdpSocket(pc1);

        client.SendTo("hello"u8, Ipv4Address.Parse("127.0.0.1"), 7).Should().Be(SendResult.Sent);
        received.Should().BeEmpty("the send call does not deliver: the arrival is an event of its own");
        net.Simulation.PendingEvents.Should().Be(1);
        net.Simulation.Run();

        received.Should().Equal($"127.0.0.1:{client.LocalPort} hello");
        net.Simulation.Now.Should().Be(SimTime.Zero, "a zero-delay event");
        wire.Frames.Should().BeEmpty();
    }

    [Fact]
    public void A_datagram_to_your_own_address_comes_from_that_address()
    {
        (IpTestNetwork net, Host pc1, FrameLog wire) = Setup();
        var server = new UdpSocket(pc1);
        server.Bind(7);
        var from = new List<Ipv4Address>();
        server.Received += (_, address, _, _) => from.Add(address);
        new UdpSocket(pc1).SendTo("hello"u8, pc1.Address, 7).Should().Be(SendResult.Sent);
        net.Simulation.Run();

        from.Should().Equal(pc1.Address);
        wire.Frames.Should().BeEmpty();
    }

    [Fact]
    public void Nothing_listening_on_127_0_0_1_is_reported_to_the_sender_as_port_unreachable()
    {
        (IpTestNetwork net, Host pc1, _) = Setup();
        var client = new UdpSocket(pc1);
        client.SendTo("anyone?"u8, Ipv4Address.Parse("127.0.0.1"), 9).Should().Be(SendResult.Sent);
        net.Simulation.Run();

        client.Errors.Should().ContainSingle().Which.Should().Be(
            new UdpError(IcmpType.DestinationUnreachable, (byte)UnreachableCode.Port, Ipv4Address.Parse("127.0.0.1"), Ipv4Address.Parse("127.0.0.1"), 9));
    }

    [Fact]
    public void A_datagram_larger_than_the_MTU_goes_through_the_loopback_in_fragments_and_arrives_whole()
    {
        (IpTestNetwork net, Host pc1, FrameLog wire) = Setup();
        var server = new UdpSocket(pc1);
        server.Bind(7);
        byte[]? received = null;
        server.Received += (_, _, _, data) => received = data.ToArray();
        byte[] sent = new byte[5000];
        new Random(5).NextBytes(sent);
        new UdpSocket(pc1).SendTo(sent, Ipv4Address.Parse("127.0.0.1"), 7).Should().Be(SendResult.Sent);
        net.Simulation.Run();

        received.Should().Equal(sent);
        pc1.Counters.DatagramsReassembled.Should().Be(1);
        wire.Frames.Should().BeEmpty();
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("192.168.1.5")]
    public void A_web_visit_to_yourself_connects_gets_200_and_closes(string address)
    {
        (IpTestNetwork net, Host pc1, FrameLog wire) = Setup();
        var server = new WebServer(pc1);
        server.AddPage("/", "<h1>home</h1>");
        server.Start();
        var browser = new WebBrowser(pc1, new DnsResolver(pc1, Ipv4Address.Parse("192.168.1.53")));
        WebVisit? visit = null;
        net.Simulation.Start(async () => visit = await browser.VisitAsync($"http://{address}/"));
        net.Simulation.Run();

        visit.Should().NotBeNull();
        visit!.Error.Should().BeNull();
        visit.Response!.StatusCode.Should().Be(200);
        Encoding.ASCII.GetString(visit.Response.Body.Span).Should().Be("<h1>home</h1>");
        visit.Steps.Select(s => s.Name).Should().Equal("DNS lookup", "TCP connect", "HTTP request and response", "TCP close");
        wire.Frames.Should().BeEmpty();
    }

    [Fact]
    public void A_tcp_connection_to_127_0_0_1_has_127_0_0_1_at_both_ends()
    {
        (IpTestNetwork net, Host pc1, _) = Setup();
        var listener = new TcpListener(pc1, 5000);
        listener.Start();
        TcpConnection? client = null;
        TcpConnection? accepted = null;
        net.Simulation.Start(async () => accepted = await listener.AcceptAsync());
        net.Simulation.Start(async () => client = await TcpConnection.ConnectAsync(pc1, Ipv4Address.Parse("127.0.0.1"), 5000));
        net.Simulation.RunFor(SimDuration.FromSeconds(1));

        client!.State.Should().Be(TcpState.Established);
        client.LocalAddress.Should().Be(Ipv4Address.Parse("127.0.0.1"));
        accepted!.RemoteAddress.Should().Be(Ipv4Address.Parse("127.0.0.1"));
        accepted.RemotePort.Should().Be(client.LocalPort);
    }

    [Fact]
    public void An_interface_address_in_127_0_0_0_8_is_refused()
    {
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc");
        Action add = () => pc.AddInterface("127.0.0.2/8");
        add.Should().Throw<ArgumentException>().WithMessage("*127.0.0.2*loopback*");
    }
}
