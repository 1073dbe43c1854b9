using System.Text;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Tracing;

/// <summary>
/// Every kind of trace event of every layer above Ethernet, raised by a small topology with
/// the fields a reader needs (the layer-2 kinds are in the hub, switch and link tests).
/// </summary>
public sealed class TraceEventTests
{
    private static readonly Ipv4Address Pc1 = Ipv4Address.Parse("10.0.1.10");
    private static readonly Ipv4Address Pc2 = Ipv4Address.Parse("10.0.3.10");

    // pc1 -- r1 -- r2 -- pc2, 10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24, recorded from the start.
    private static (IpTestNetwork Net, Host Pc1, Router[] Routers, Host Pc2, TraceRecorder Trace) Chain()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(2);
        return (net, pc1, routers, pc2, new TraceRecorder(net.Network.Tracer));
    }

    private static List<T> Of<T>(TraceRecorder trace) => [.. trace.Events.OfType<T>()];

    // pc1 -- pc2 on one cable, pc2 listening on port 80; pc1 connects and writes, and the
    // cable from pc1 loses the frame numbered lostFrame.
    private static (IpTestNetwork Net, TraceRecorder Trace, TcpListener Listener) SendOverLossyCable(long lostFrame, int bytes)
    {
        var net = new IpTestNetwork();
        var pc1 = new Host(net.Network, "pc1", "10.0.1.10/24");
        var pc2 = new Host(net.Network, "pc2", "10.0.1.20/24");
        Cable cable = net.Connect(pc1.Port, pc2.Port);
        var trace = new TraceRecorder(net.Network.Tracer);
        var listener = new TcpListener(pc2, 80);
        listener.Start();
        cable.FromA.ErrorModel = new ListErrorModel { FrameNumbers = { lostFrame } };
        net.Simulation.Start(async () =>
        {
            TcpConnection connection = await TcpConnection.ConnectAsync(pc1, pc2.Address, 80);
            await connection.WriteAsync(new byte[bytes]);
        });
        return (net, trace, listener);
    }

    private static void SendUdp(Host from, ushort port, Ipv4Address to, ushort toPort, int length)
    {
        using var socket = new UdpSocket(from);
        socket.Bind(port);
        _ = socket.SendTo(new byte[length], to, toPort);
    }

    [Fact]
    public void Arp_request_reply_resolution_and_queued_packet_name_the_interface_and_addresses()
    {
        (IpTestNetwork net, Host pc1, Router[] routers, _, TraceRecorder trace) = Chain();
        SendUdp(pc1, 5000, Pc2, 9, 10);
        net.Simulation.Run();

        List<ArpEvent> arp = Of<ArpEvent>(trace);
        Ipv4Address gateway = Ipv4Address.Parse("10.0.1.1");
        arp.Should().ContainEquivalentOf(new { Device = "pc1/eth0", Kind = ArpEventKind.RequestSent, Address = gateway, Attempt = 1 });
        arp.Should().ContainEquivalentOf(new { Device = "pc1/eth0", Kind = ArpEventKind.PacketQueued, Address = gateway, Waiting = 1 });
        arp.Should().ContainEquivalentOf(new { Device = routers[0].Interfaces[0].Name, Kind = ArpEventKind.ReplySent, Address = Pc1, Mac = pc1.Interfaces[0].Mac });
        arp.Should().ContainEquivalentOf(new { Device = "pc1/eth0", Kind = ArpEventKind.Resolved, Address = gateway, Mac = routers[0].Interfaces[0].Mac });
        arp.Select(e => e.Kind).Should().ContainInOrder(ArpEventKind.RequestSent, ArpEventKind.PacketQueued, ArpEventKind.ReplySent, ArpEventKind.Resolved);
    }

    [Fact]
    public void Arp_failure_counts_the_packets_that_waited_and_an_entry_expires()
    {
        var net = new IpTestNetwork();
        var pc1 = new Host(net.Network, "pc1", "10.0.1.10/24");
        var pc2 = new Host(net.Network, "pc2", "10.0.1.20/24");
        net.Connect(pc1.Port, pc2.Port);
        using var trace = new TraceRecorder(net.Network.Tracer);
        SendUdp(pc1, 5000, Ipv4Address.Parse("10.0.1.99"), 9, 10);
        SendUdp(pc1, 5000, Ipv4Address.Parse("10.0.1.99"), 9, 10);
        SendUdp(pc1, 5000, pc2.Address, 9, 10);
        net.Simulation.RunFor(SimDuration.FromSeconds(3600));

        List<ArpEvent> arp = Of<ArpEvent>(trace);
        arp.Where(e => e.Kind == ArpEventKind.RequestSent && e.Address == Ipv4Address.Parse("10.0.1.99")).Select(e => e.Attempt).Should().Equal(1, 2, 3);
        arp.Should().ContainEquivalentOf(new { Kind = ArpEventKind.Failed, Address = Ipv4Address.Parse("10.0.1.99"), Waiting = 2 });
        arp.Should().ContainEquivalentOf(new { Device = "pc1/eth0", Kind = ArpEventKind.Expired, Address = pc2.Address, Mac = pc2.Interfaces[0].Mac });
    }

    [Fact]
    public void Ip_sent_forwarded_and_received_name_the_route_next_hop_interface_and_ports()
    {
        (IpTestNetwork net, Host pc1, Router[] routers, Host pc2, TraceRecorder trace) = Chain();
        SendUdp(pc1, 5000, Pc2, 9, 10);
        net.Simulation.Run();

        List<IpEvent> ip = Of<IpEvent>(trace);
        ip.Should().ContainEquivalentOf(new
        {
            Device = "pc1",
            Kind = IpEventKind.Sent,
            Source = Pc1,
            Destination = Pc2,
            Protocol = IpProtocol.Udp,
            Length = 38,
            SourcePort = (ushort)5000,
            DestinationPort = (ushort)9,
            Route = (Ipv4Network?)Ipv4Network.Parse("0.0.0.0/0"),
            NextHop = Ipv4Address.Parse("10.0.1.1"),
            Interface = "pc1/eth0",
            TimeToLive = (byte)64,
        });
        ip.Should().ContainEquivalentOf(new
        {
            Device = "r1",
            Kind = IpEventKind.Forwarded,
            Route = (Ipv4Network?)Ipv4Network.Parse("10.0.3.0/24"),
            NextHop = Ipv4Address.Parse("10.0.2.1"),
            Interface = routers[0].Interfaces[1].Name,
            TimeToLive = (byte)63,
        });
        ip.Should().ContainEquivalentOf(new
        {
            Device = "r2",
            Kind = IpEventKind.Forwarded,
            Route = (Ipv4Network?)Ipv4Network.Parse("10.0.3.0/24"),
            NextHop = Pc2,
            Interface = routers[1].Interfaces[1].Name,
        });
        ip.Should().ContainEquivalentOf(new { Device = "pc2", Kind = IpEventKind.Received, Source = Pc1, DestinationPort = (ushort)9, Interface = pc2.Interfaces[0].Name, TimeToLive = (byte)62 });
    }

    [Fact]
    public void Ttl_expiry_and_the_icmp_error_it_causes_are_traced_with_why()
    {
        (IpTestNetwork net, Host pc1, _, _, TraceRecorder trace) = Chain();
        var ping = new Ping(pc1, Pc2) { Count = 1, TimeToLive = 1 };
        ping.Start();
        net.Simulation.Run();

        List<IpEvent> ip = Of<IpEvent>(trace);
        ip.Should().ContainEquivalentOf(new { Device = "r1", Kind = IpEventKind.TimeToLiveExpired, Source = Pc1, Destination = Pc2, Reason = (IpDropReason?)IpDropReason.TimeToLiveExceeded, IcmpType = (IcmpType?)IcmpType.EchoRequest });
        ip.Should().ContainEquivalentOf(new { Device = "r1", Kind = IpEventKind.IcmpSent, Source = Pc1, Destination = Pc2, IcmpType = (IcmpType?)IcmpType.TimeExceeded, IcmpCode = (byte)0 });
    }

    [Fact]
    public void A_drop_names_its_reason_and_a_udp_port_unreachable_is_traced_at_both_layers()
    {
        (IpTestNetwork net, Host pc1, _, Host pc2, TraceRecorder trace) = Chain();
        SendUdp(pc1, 5000, Ipv4Address.Parse("10.0.9.9"), 9, 10); // r1 has no route to 10.0.9.0/24
        SendUdp(pc1, 5001, Pc2, 7777, 10); // nothing listens on pc2:7777
        net.Simulation.Run();

        Of<IpEvent>(trace).Should().ContainEquivalentOf(new { Device = "r1", Kind = IpEventKind.Dropped, Reason = (IpDropReason?)IpDropReason.NoRoute, Destination = Ipv4Address.Parse("10.0.9.9") });
        Of<IpEvent>(trace).Should().ContainEquivalentOf(new { Device = "r1", Kind = IpEventKind.IcmpSent, IcmpType = (IcmpType?)IcmpType.DestinationUnreachable, IcmpCode = (byte)UnreachableCode.Network });
        Of<UdpEvent>(trace).Should().ContainEquivalentOf(new UdpEvent(default, "pc2", UdpEventKind.PortUnreachable, Pc1, 5001, Pc2, 7777, 10), o => o.Excluding(e => e.Time));
        Of<IpEvent>(trace).Should().ContainEquivalentOf(new { Device = "pc2", Kind = IpEventKind.IcmpSent, IcmpType = (IcmpType?)IcmpType.DestinationUnreachable, IcmpCode = (byte)UnreachableCode.Port, DestinationPort = (ushort)7777 });
    }

    [Fact]
    public void Udp_sent_and_delivered_carry_addresses_ports_and_length()
    {
        (IpTestNetwork net, Host pc1, _, Host pc2, TraceRecorder trace) = Chain();
        using var socket = new UdpSocket(pc2);
        socket.Bind(9);
        SendUdp(pc1, 5000, Pc2, 9, 10);
        net.Simulation.Run();

        Of<UdpEvent>(trace).Should().BeEquivalentTo(
            [
                new UdpEvent(default, "pc1", UdpEventKind.Sent, Pc1, 5000, Pc2, 9, 10),
                new UdpEvent(default, "pc2", UdpEventKind.Delivered, Pc1, 5000, Pc2, 9, 10),
            ],
            o => o.Excluding(e => e.Time).WithStrictOrdering());
    }

    [Fact]
    public void A_datagram_larger_than_the_mtu_is_fragmented_and_reassembled()
    {
        (IpTestNetwork net, Host pc1, _, Host pc2, TraceRecorder trace) = Chain();
        using var socket = new UdpSocket(pc2);
        socket.Bind(9);
        SendUdp(pc1, 5000, Pc2, 9, 4000);
        net.Simulation.Run();

        List<IpEvent> ip = Of<IpEvent>(trace);
        ip.Should().ContainEquivalentOf(new { Device = "pc1", Kind = IpEventKind.Fragmented, Fragments = 3, Length = 4028, Interface = "pc1/eth0" });
        ip.Should().ContainEquivalentOf(new { Device = "pc2", Kind = IpEventKind.Reassembled, Fragments = 3, Length = 4028, SourcePort = (ushort)5000 });
        ip.Should().ContainEquivalentOf(new { Device = "pc2", Kind = IpEventKind.Received, Length = 4028, DestinationPort = (ushort)9 });
        Of<UdpEvent>(trace).Should().ContainEquivalentOf(new { Device = "pc2", Kind = UdpEventKind.Delivered, Length = 4000 });
    }

    [Fact]
    public void Tcp_states_segments_and_window_changes_are_traced_with_flags_and_numbers()
    {
        (IpTestNetwork net, Host pc1, _, Host pc2, TraceRecorder trace) = Chain();
        var listener = new TcpListener(pc2, 80);
        listener.Start();
        net.Simulation.Start(async () =>
        {
            TcpConnection connection = await TcpConnection.ConnectAsync(pc1, Pc2, 80);
            await connection.WriteAsync(Encoding.ASCII.GetBytes("hello"));
            await connection.CloseAsync();
        });
        net.Simulation.Run();

        List<TcpEvent> tcp = Of<TcpEvent>(trace);
        tcp.Where(e => e.Device == "pc1" && e.Kind == TcpEventKind.StateChanged).Select(e => (e.PreviousState, e.State)).Should().StartWith(
            [(TcpState.Closed, TcpState.SynSent), (TcpState.SynSent, TcpState.Established)]);
        TcpEvent syn = tcp.First(e => e.Device == "pc1" && e.Kind == TcpEventKind.SegmentSent);
        syn.Flags.Should().Be(TcpFlags.Syn);
        syn.RemotePort.Should().Be(80);
        TcpEvent synAck = tcp.First(e => e.Device == "pc1" && e.Kind == TcpEventKind.SegmentReceived);
        synAck.Flags.Should().Be(TcpFlags.Syn | TcpFlags.Ack);
        synAck.Acknowledgment.Should().Be(syn.Sequence + 1, "the SYN-ACK acknowledges the SYN");
        tcp.Should().Contain(e => e.Device == "pc1" && e.Kind == TcpEventKind.SegmentSent && e.Length == 5 && (e.Flags & TcpFlags.Psh) != 0);
        tcp.Should().Contain(e => e.Device == "pc1" && e.Kind == TcpEventKind.WindowChanged && e.CongestionWindow > 0);
    }

    [Fact]
    public void A_lost_segment_is_retransmitted_after_the_rto_with_the_sequence_number_and_why()
    {
        // pc1 sends its ARP request, the SYN, then the data with the handshake's ACK: that one is lost.
        (IpTestNetwork net, TraceRecorder trace, _) = SendOverLossyCable(lostFrame: 2, bytes: 100);
        net.Simulation.RunFor(SimDuration.FromSeconds(5));

        List<TcpEvent> tcp = Of<TcpEvent>(trace).Where(e => e.Device == "pc1").ToList();
        TcpEvent fired = tcp.Should().ContainSingle(e => e.Kind == TcpEventKind.RetransmissionTimeoutFired).Subject;
        fired.RetransmissionTimeout.Should().BeGreaterThan(SimDuration.FromSeconds(1), "the timeout doubles when it fires (RFC 6298, 5.5)");
        TcpEvent again = tcp.Should().ContainSingle(e => e.Kind == TcpEventKind.Retransmitted).Subject;
        again.Cause.Should().Be(TcpRetransmitCause.Timeout);
        tcp.Should().Contain(e => e.Kind == TcpEventKind.SegmentSent && e.Sequence == again.Sequence && e.Length == again.Length, "the retransmission repeats a segment sent before");
    }

    [Fact]
    public void Three_duplicate_acks_trigger_a_traced_fast_retransmit()
    {
        // A data segment once the window is open: three more follow it.
        (IpTestNetwork net, TraceRecorder trace, TcpListener listener) = SendOverLossyCable(lostFrame: 40, bytes: 200_000);
        net.Simulation.Start(async () =>
        {
            TcpConnection accepted = await listener.AcceptAsync();
            byte[] buffer = new byte[65536];
            while (await accepted.ReadAsync(buffer) > 0)
            {
            }
        });
        net.Simulation.RunFor(SimDuration.FromSeconds(5));

        List<TcpEvent> tcp = Of<TcpEvent>(trace).Where(e => e.Device == "pc1").ToList();
        TcpEvent fast = tcp.Should().ContainSingle(e => e.Kind == TcpEventKind.FastRetransmit).Subject;
        fast.SlowStartThreshold.Should().BeLessThan(int.MaxValue, "fast recovery sets the threshold");
        tcp.Should().Contain(e => e.Kind == TcpEventKind.Retransmitted && e.Cause == TcpRetransmitCause.FastRetransmit);
    }

    [Fact]
    public void A_web_visit_traces_the_dns_query_and_answer_and_the_http_request_and_response()
    {
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc", "10.0.1.10/24");
        var server = new Host(net.Network, "server", "10.0.1.80/24");
        net.Connect(pc.Port, server.Port);
        var dns = new DnsServer(server);
        dns.AddA("www.example.com", server.Address, 300);
        dns.Start();
        var web = new WebServer(server);
        web.AddPage("/", "hello\n");
        web.Start();
        using var trace = new TraceRecorder(net.Network.Tracer);
        var browser = new WebBrowser(pc, new DnsResolver(pc, server.Address));
        net.Simulation.Start(async () => await browser.VisitAsync("http://www.example.com/"));
        net.Simulation.Run();

        Of<ApplicationEvent>(trace).Select(e => (e.Device, e.Kind, e.Peer, e.Name)).Should().Equal(
            ("pc", ApplicationEventKind.DnsQuerySent, server.Address, "www.example.com"),
            ("server", ApplicationEventKind.DnsQueryReceived, pc.Address, "www.example.com"),
            ("server", ApplicationEventKind.DnsAnswerSent, pc.Address, "www.example.com"),
            ("pc", ApplicationEventKind.DnsAnswerReceived, server.Address, "www.example.com"),
            ("pc", ApplicationEventKind.HttpRequestSent, server.Address, "/"),
            ("server", ApplicationEventKind.HttpRequestReceived, pc.Address, "/"),
            ("server", ApplicationEventKind.HttpResponseSent, pc.Address, "/"),
            ("pc", ApplicationEventKind.HttpResponseReceived, server.Address, "/"));
        ApplicationEvent answer = Of<ApplicationEvent>(trace).Single(e => e.Kind == ApplicationEventKind.DnsAnswerReceived);
        answer.Address.Should().Be(server.Address);
        answer.ResponseCode.Should().Be(DnsResponseCode.NoError);
        answer.QueryId.Should().Be(Of<ApplicationEvent>(trace)[0].QueryId);
        ApplicationEvent response = Of<ApplicationEvent>(trace).Single(e => e.Kind == ApplicationEventKind.HttpResponseReceived);
        (response.Method, response.StatusCode, response.ContentLength).Should().Be(("GET", 200, 6L));
    }
}
