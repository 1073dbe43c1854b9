using Microsoft.Extensions.Logging;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Tracing;

/// <summary>
/// The narrator's sentences: every kind of every event gets its own, and the lesson
/// topologies are told exactly, in order.
/// </summary>
public sealed class TraceNarratorTests
{
    private static readonly SimTime At = SimTime.FromMicroseconds(5);
    private static readonly MacAddress Mac1 = MacAddress.Parse("02:00:00:00:00:01");
    private static readonly MacAddress Mac2 = MacAddress.Parse("02:00:00:00:00:02");
    private static readonly Ipv4Address Ip1 = Ipv4Address.Parse("10.0.0.1");
    private static readonly Ipv4Address Ip2 = Ipv4Address.Parse("10.0.0.2");

    private static T[] Values<T>()
        where T : struct, Enum => Enum.GetValues<T>();

    /// <summary>One event of every kind (and every drop reason, retransmission cause, state entered) of every layer.</summary>
    public static IEnumerable<ITraceEvent> EveryKind()
    {
        foreach (FrameEventKind kind in Values<FrameEventKind>().Where(k => k != FrameEventKind.Dropped))
        {
            yield return new FrameEvent(At, "sw", 1, kind, Mac1, Mac2, 64) { OutPorts = kind is FrameEventKind.Flooded or FrameEventKind.Repeated ? [0, 2, 3] : null };
        }

        foreach (DropReason reason in Values<DropReason>())
        {
            yield return new FrameEvent(At, "sw", 1, FrameEventKind.Dropped, Mac1, Mac2, 64, reason);
        }

        foreach (ArpEventKind kind in Values<ArpEventKind>())
        {
            yield return new ArpEvent(At, "pc1/eth0", kind, Ip2, Mac2) { Attempt = 1, Waiting = 1 };
        }

        foreach (IpEventKind kind in Values<IpEventKind>().Where(k => k != IpEventKind.Dropped))
        {
            yield return new IpEvent(At, "r1", kind, Ip1, Ip2, IpProtocol.Udp, 100) { SourcePort = 5000, DestinationPort = 9, TimeToLive = 63, Interface = "r1/eth1", Route = Ipv4Network.Parse("10.0.0.0/24"), NextHop = Ip2, Fragments = 2, IcmpType = kind == IpEventKind.IcmpSent ? IcmpType.TimeExceeded : null };
        }

        foreach (IpDropReason reason in Values<IpDropReason>())
        {
            yield return new IpEvent(At, "r1", IpEventKind.Dropped, Ip1, Ip2, IpProtocol.Udp, 100) { Reason = reason, DestinationPort = 9 };
        }

        foreach (UdpEventKind kind in Values<UdpEventKind>())
        {
            yield return new UdpEvent(At, "pc2", kind, Ip1, 5000, Ip2, 9, 10);
        }

        foreach (TcpEventKind kind in Values<TcpEventKind>().Where(k => k is not TcpEventKind.StateChanged and not TcpEventKind.Retransmitted))
        {
            yield return new TcpEvent(At, "pc1", kind, Ip1, 49152, Ip2, 80) { Flags = TcpFlags.Ack, Length = 100, CongestionWindow = 2920, SlowStartThreshold = 65535, RetransmissionTimeout = SimDuration.FromSeconds(2) };
        }

        foreach (TcpRetransmitCause cause in Values<TcpRetransmitCause>())
        {
            yield return new TcpEvent(At, "pc1", TcpEventKind.Retransmitted, Ip1, 49152, Ip2, 80) { Flags = TcpFlags.Ack, Length = 100, Cause = cause };
        }

        foreach (TcpState state in Values<TcpState>())
        {
            yield return new TcpEvent(At, "pc1", TcpEventKind.StateChanged, Ip1, 49152, Ip2, 80) { PreviousState = state == TcpState.Closed ? TcpState.TimeWait : TcpState.Closed, State = state };
        }

        foreach (ApplicationEventKind kind in Values<ApplicationEventKind>())
        {
            yield return new ApplicationEvent(At, "pc", kind, Ip2, "www.example.com") { ResponseCode = DnsResponseCode.NoError, AnswerCount = 1, Address = Ip2, Method = "GET", StatusCode = 200 };
        }
    }

    [Fact]
    public void Every_kind_of_every_event_gets_a_sentence_of_its_own()
    {
        List<ITraceEvent> events = [.. EveryKind()];
        // 11 frame kinds - 1 + 10 drop reasons, 6 ARP, 8 IP - 1 + 17 drop reasons, 3 UDP, 7 TCP - 2 + 4 causes + 11 states, 8 application
        events.Should().HaveCount(Values<FrameEventKind>().Length - 1 + Values<DropReason>().Length + Values<ArpEventKind>().Length
            + Values<IpEventKind>().Length - 1 + Values<IpDropReason>().Length + Values<UdpEventKind>().Length
            + Values<TcpEventKind>().Length - 2 + Values<TcpRetransmitCause>().Length + Values<TcpState>().Length + Values<ApplicationEventKind>().Length);
        List<string> sentences = [.. events.Select(TraceNarrator.Explain)];
        for (int i = 0; i < events.Count; i++)
        {
            string sentence = sentences[i];
            sentence.Should().MatchRegex("^" + System.Text.RegularExpressions.Regex.Escape(events[i].Device) + "('s)? ", "a sentence names the device first ({0})", events[i]);
            sentence.Should().NotBe(Fallback(events[i]), "{0} has a sentence", events[i]);
            sentence.Should().Contain(": ", "a sentence says why ({0})", events[i]);
            sentence.Should().NotContainAny(["NetSim.", "`", "{", "  "]);
        }

        sentences.Should().OnlyHaveUniqueItems("each kind, reason, cause and state is told its own way");
    }

    private static string Fallback(ITraceEvent e) => e switch
    {
        FrameEvent f => TraceNarrator.Fallback(f.Device, f.Kind),
        ArpEvent a => TraceNarrator.Fallback(a.Device, a.Kind),
        IpEvent i => TraceNarrator.Fallback(i.Device, i.Kind),
        UdpEvent u => TraceNarrator.Fallback(u.Device, u.Kind),
        TcpEvent t => TraceNarrator.Fallback(t.Device, t.Kind),
        ApplicationEvent a => TraceNarrator.Fallback(a.Device, a.Kind),
        _ => "",
    };

    private static string Narrate(Network network, Action run, TraceNarratorOptions? options = null)
    {
        var text = new StringWriter();
        using (new TraceNarrator(network.Tracer, text, options))
        {
            run();
        }

        return text.ToString();
    }

    private static Ping PingOnce(Host from, Host to) => new(from, to.Address) { Count = 1 };

    private static string[] Run(IpTestNetwork net, Action start, TraceNarratorOptions? options = null) =>
        Narrate(net.Network, () =>
        {
            start();
            net.Simulation.Run();
        }, options).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    private static Host[] Hosts(IpTestNetwork net, int count) =>
        [.. Enumerable.Range(1, count).Select(i => new Host(net.Network, $"pc{i}", $"10.0.0.{i}/24"))];

    [Fact]
    public void Two_computers_on_one_cable_arp_then_ping()
    {
        var net = new IpTestNetwork();
        Host[] pcs = Hosts(net, 2);
        net.Connect(pcs[0].Port, pcs[1].Port);

        Run(net, PingOnce(pcs[0], pcs[1]).Start).Should().Equal(
            "         0 s pc1 sent the packet straight to 10.0.0.2: it is in 10.0.0.0/24, on the link of eth0 (ICMP echo request, 84 bytes)",
            "         0 s pc1/eth0 broadcast an ARP request: who has 10.0.0.2? It needs that MAC address to send to it",
            "         0 s pc1/eth0 sent a 60-byte frame to ff:ff:ff:ff:ff:ff: the broadcast address, so every station on the LAN gets it",
            "         0 s pc1/eth0 holds a packet for 10.0.0.2 (1 waiting): it does not know its MAC address yet",
            "    6.760 us pc2/eth0 accepted the frame from 02:00:00:00:00:01: it is a broadcast (ff:ff:ff:ff:ff:ff), which every station takes in",
            "    6.760 us pc2/eth0 learned that 10.0.0.1 is at 02:00:00:00:00:01: the packets waiting for it can go",
            "    6.760 us pc2/eth0 answered the ARP request of 10.0.0.1 (02:00:00:00:00:01): it asked for this interface's address",
            "    6.760 us pc2/eth0 sent a 60-byte frame to 02:00:00:00:00:01: the MAC address of the next hop",
            "   13.520 us pc1/eth0 accepted the frame from 02:00:00:00:00:02: it is addressed to 02:00:00:00:00:01, which it takes in (its own MAC, or any MAC in promiscuous mode)",
            "   13.520 us pc1/eth0 learned that 10.0.0.2 is at 02:00:00:00:00:02: the packets waiting for it can go",
            "   13.520 us pc1/eth0 sent a 98-byte frame to 02:00:00:00:00:02: the MAC address of the next hop",
            "   23.320 us pc2/eth0 accepted the frame from 02:00:00:00:00:01: it is addressed to 02:00:00:00:00:02, which it takes in (its own MAC, or any MAC in promiscuous mode)",
            "   23.320 us pc2 took in the packet from 10.0.0.1: 10.0.0.2 is its own address (ICMP echo request, 84 bytes)",
            "   23.320 us pc2 sent the packet straight to 10.0.0.1: it is in 10.0.0.0/24, on the link of eth0 (ICMP echo reply, 84 bytes)",
            "   23.320 us pc2/eth0 sent a 98-byte frame to 02:00:00:00:00:01: the MAC address of the next hop",
            "   33.120 us pc1/eth0 accepted the frame from 02:00:00:00:00:02: it is addressed to 02:00:00:00:00:01, which it takes in (its own MAC, or any MAC in promiscuous mode)",
            "   33.120 us pc1 took in the packet from 10.0.0.2: 10.0.0.1 is its own address (ICMP echo reply, 84 bytes)");
    }

    [Fact]
    public void A_hub_repeats_every_frame_to_every_other_port_and_the_others_drop_what_is_not_theirs()
    {
        var net = new IpTestNetwork();
        var hub = new Hub(net.Network, "hub", 4);
        Host[] pcs = Hosts(net, 3);
        for (int i = 0; i < pcs.Length; i++)
        {
            net.Connect(pcs[i].Port, hub.Ports[i]);
        }

        Run(net, PingOnce(pcs[0], pcs[1]).Start, new TraceNarratorOptions { Layers = TraceLayers.Frame, Devices = ["hub", "pc3"] }).Should().Equal(
            "    6.760 us hub repeated the frame from port 0 out of ports 1-2: a hub copies every bit to every other port, whatever the address",
            "    7.760 us pc3/eth0 accepted the frame from 02:00:00:00:00:01: it is a broadcast (ff:ff:ff:ff:ff:ff), which every station takes in",
            "   14.520 us hub repeated the frame from port 1 out of ports 0 and 2: a hub copies every bit to every other port, whatever the address",
            "   15.520 us pc3/eth0 dropped the frame from 02:00:00:00:00:02 to 02:00:00:00:00:01: it is addressed to 02:00:00:00:00:01, another station, and promiscuous mode is off",
            "   25.320 us hub repeated the frame from port 0 out of ports 1-2: a hub copies every bit to every other port, whatever the address",
            "   26.320 us pc3/eth0 dropped the frame from 02:00:00:00:00:01 to 02:00:00:00:00:02: it is addressed to 02:00:00:00:00:02, another station, and promiscuous mode is off",
            "   36.120 us hub repeated the frame from port 1 out of ports 0 and 2: a hub copies every bit to every other port, whatever the address",
            "   37.120 us pc3/eth0 dropped the frame from 02:00:00:00:00:02 to 02:00:00:00:00:01: it is addressed to 02:00:00:00:00:01, another station, and promiscuous mode is off");
    }

    [Fact]
    public void A_switch_learns_floods_the_unknown_then_forwards_out_of_one_port()
    {
        var net = new IpTestNetwork();
        var sw = new Switch(net.Network, "sw", 4, agingTime: SimDuration.FromMilliseconds(1));
        Host[] pcs = Hosts(net, 3);
        for (int i = 0; i < pcs.Length; i++)
        {
            net.Connect(pcs[i].Port, sw.Ports[i]);
        }

        // A second ping after the switch's entries aged out (its hosts still know each other's
        // MACs): the first frame to pc2 is flooded as an unknown unicast, not as a broadcast.
        string[] lines = Run(net, () =>
        {
            PingOnce(pcs[1], pcs[0]).Start();
            net.Simulation.Schedule(SimDuration.FromMilliseconds(2), () => PingOnce(pcs[0], pcs[1]).Start());
        }, new TraceNarratorOptions { Devices = ["sw"] });

        lines.Should().Equal(
            "    6.760 us sw learned that 02:00:00:00:00:02 is on port 1: a frame from it came in there",
            "    6.760 us sw flooded the frame out of ports 0 and 2: ff:ff:ff:ff:ff:ff is the broadcast address, for every station",
            "   20.280 us sw learned that 02:00:00:00:00:01 is on port 0: a frame from it came in there",
            "   20.280 us sw forwarded the frame out of port 1 only: its MAC table says 02:00:00:00:00:02 is there",
            "   36.840 us sw forwarded the frame out of port 0 only: its MAC table says 02:00:00:00:00:01 is there",
            "   56.440 us sw forwarded the frame out of port 1 only: its MAC table says 02:00:00:00:00:02 is there",
            "    2.010 ms sw learned that 02:00:00:00:00:01 is on port 0: a frame from it came in there",
            "    2.010 ms sw forgot 02:00:00:00:00:02: its MAC table entry was too old (aged out), so frames for it are flooded until it is heard again",
            "    2.010 ms sw flooded the frame out of ports 1-2: 02:00:00:00:00:02 is not in its MAC table yet",
            "    2.029 ms sw learned that 02:00:00:00:00:02 is on port 1: a frame from it came in there",
            "    2.029 ms sw forwarded the frame out of port 0 only: its MAC table says 02:00:00:00:00:01 is there");
    }

    [Fact]
    public void A_host_sends_off_subnet_to_its_gateway_and_the_router_rewrites_the_macs_keeps_the_ips_and_decrements_the_ttl()
    {
        var net = new IpTestNetwork();
        (Host pc1, _, Host pc2) = net.Chain(1);

        Run(net, PingOnce(pc1, pc2).Start, new TraceNarratorOptions { Layers = TraceLayers.Ip }).Should().Equal(
            "         0 s pc1 sent to its default gateway 10.0.1.1: 10.0.2.10 is not in 10.0.1.0/24 (ICMP echo request, 84 bytes)",
            "   23.320 us r1 rewrote the MACs and kept the IPs: next hop 10.0.2.10 via eth1, TTL 64 -> 63; 10.0.2.10 is in 10.0.2.0/24, on the link of eth1 (ICMP echo request, 84 bytes)",
            "   46.640 us pc2 took in the packet from 10.0.1.10: 10.0.2.10 is its own address (ICMP echo request, 84 bytes)",
            "   46.640 us pc2 sent to its default gateway 10.0.2.1: 10.0.1.10 is not in 10.0.2.0/24 (ICMP echo reply, 84 bytes)",
            "   56.440 us r1 rewrote the MACs and kept the IPs: next hop 10.0.1.10 via eth0, TTL 64 -> 63; 10.0.1.10 is in 10.0.1.0/24, on the link of eth0 (ICMP echo reply, 84 bytes)",
            "   66.240 us pc1 took in the packet from 10.0.2.10: 10.0.1.10 is its own address (ICMP echo reply, 84 bytes)");
    }

    // pc -- r1 -- www, www also the DNS server.
    private static (IpTestNetwork Net, WebBrowser Browser) Web()
    {
        var net = new IpTestNetwork();
        var pc = new Host(net.Network, "pc", "192.168.1.10/24", "192.168.1.1");
        var r1 = new Router(net.Network, "r1");
        r1.AddInterface("192.168.1.1/24");
        r1.AddInterface("93.184.216.1/24");
        var www = new Host(net.Network, "www", "93.184.216.34/24", "93.184.216.1");
        net.Connect(pc.Port, r1.Interfaces[0].Port);
        net.Connect(r1.Interfaces[1].Port, www.Port);
        var dns = new DnsServer(www);
        dns.AddA("www.example.com", www.Address, 3600);
        dns.Start();
        var web = new WebServer(www);
        web.AddPage("/", "hello\n");
        web.Start();
        return (net, new WebBrowser(pc, new DnsResolver(pc, www.Address)));
    }

    [Fact]
    public void A_web_visit_is_a_dns_query_and_answer_then_get_and_200()
    {
        (IpTestNetwork net, WebBrowser browser) = Web();

        Run(net, () => net.Simulation.Start(async () => await browser.VisitAsync("http://www.example.com/")), new TraceNarratorOptions { Layers = TraceLayers.Application }).Should().Equal(
            "         0 s pc asked the DNS server 93.184.216.34 for the address of www.example.com (query 24471): it knows the name, not the address",
            "   42.960 us www got a DNS query from 192.168.1.10: what is the address of www.example.com? (query 24471)",
            "   42.960 us www answered 192.168.1.10: www.example.com is 93.184.216.34 (1 record, query 24471)",
            "   61.440 us pc got its DNS answer from 93.184.216.34: www.example.com is 93.184.216.34 (1 record, query 24471)",
            "   92.960 us pc sent GET / to the web server 93.184.216.34: it asks for the page over the TCP connection",
            "  128.400 us www got a whole HTTP request from 192.168.1.10: GET /",
            "  128.400 us www answered 192.168.1.10: 200 OK for / (6 bytes of body)",
            "  156.320 us pc got the whole response from 93.184.216.34: 200 OK for / (6 bytes of body)");
    }

    [Fact]
    public void A_web_visit_opens_with_the_three_way_handshake_and_ends_with_the_four_way_close()
    {
        (IpTestNetwork net, WebBrowser browser) = Web();

        string[] lines = Run(net, () => net.Simulation.Start(async () => await browser.VisitAsync("http://www.example.com/")), new TraceNarratorOptions { Layers = TraceLayers.Tcp });

        lines.Where(line => line.Contains(" went from ", StringComparison.Ordinal)).Should().Equal(
            "   61.440 us pc's connection with 93.184.216.34:80 went from CLOSED to SYN-SENT: it sent a SYN and waits for the SYN-ACK (step 1 of the three-way handshake)",
            "   77.200 us www's connection with 192.168.1.10:49152 went from CLOSED to SYN-RECEIVED: a SYN came in and it answered with a SYN-ACK; it waits for the ACK (step 2 of the three-way handshake)",
            "   92.960 us pc's connection with 93.184.216.34:80 went from SYN-SENT to ESTABLISHED: the three-way handshake is complete, and data can flow both ways",
            "  107.440 us www's connection with 192.168.1.10:49152 went from SYN-RECEIVED to ESTABLISHED: the three-way handshake is complete, and data can flow both ways",
            "  156.320 us pc's connection with 93.184.216.34:80 went from ESTABLISHED to FIN-WAIT-1: its application closed, so it sent a FIN (the four-way close begins)",
            "  170.800 us www's connection with 192.168.1.10:49152 went from ESTABLISHED to CLOSE-WAIT: the peer's FIN came in: the peer has no more to send, and this side closes when its application does",
            "  170.800 us www's connection with 192.168.1.10:49152 went from CLOSE-WAIT to LAST-ACK: its application closed after the peer's, so it sent its FIN and waits for the last ACK",
            "  185.280 us pc's connection with 93.184.216.34:80 went from FIN-WAIT-1 to FIN-WAIT-2: its FIN is acknowledged; it waits for the peer's FIN",
            "  192.480 us pc's connection with 93.184.216.34:80 went from FIN-WAIT-2 to TIME-WAIT: the four-way close is complete on this side; it waits 2 MSL so that a lost last ACK can be sent again",
            "  206.960 us www's connection with 192.168.1.10:49152 went from LAST-ACK to CLOSED: its FIN is acknowledged: the four-way close is complete",
            "    60.000 s pc's connection with 93.184.216.34:80 went from TIME-WAIT to CLOSED: TIME-WAIT is over and the connection is gone");
        lines.Should().Contain("   61.440 us pc sent [SYN] seq 1906096967 to 93.184.216.34:80: it asks to open a connection (step 1 of the three-way handshake)");
    }

    private static TcpEvent Tcp(TcpEventKind kind, TcpState state, long cwnd, long ssthresh, long rtoSeconds = 0) =>
        new(At, "pc1", kind, Ip1, 49152, Ip2, 80) { State = state, CongestionWindow = cwnd, SlowStartThreshold = ssthresh, RetransmissionTimeout = SimDuration.FromSeconds(rtoSeconds) };

    [Fact]
    public void A_handshake_timeout_sends_the_syn_or_syn_ack_again_and_says_nothing_of_a_congestion_window()
    {
        // As the sender raises it before the handshake: no window yet (0) and ssthresh still "arbitrarily high".
        TraceNarrator.Explain(Tcp(TcpEventKind.RetransmissionTimeoutFired, TcpState.SynSent, 0, int.MaxValue, 2)).Should().Be(
            "pc1's retransmission timer for 10.0.0.2:80 fired: its SYN was not answered in time, so it sends the SYN again and the timeout backs off to 2 s (doubling, up to the maximum)");
        TraceNarrator.Explain(Tcp(TcpEventKind.RetransmissionTimeoutFired, TcpState.SynReceived, 0, int.MaxValue, 2)).Should().Be(
            "pc1's retransmission timer for 10.0.0.2:80 fired: its SYN-ACK was not acknowledged in time, so it sends the SYN-ACK again and the timeout backs off to 2 s (doubling, up to the maximum)");
    }

    [Fact]
    public void A_data_timeout_does_not_claim_the_timeout_doubled_when_it_may_be_at_its_maximum()
    {
        // 120 s is TcpSettings' default maximum: a timeout already there stays there.
        TraceNarrator.Explain(Tcp(TcpEventKind.RetransmissionTimeoutFired, TcpState.Established, 1460, 2920, 120)).Should().Be(
            "pc1's retransmission timer for 10.0.0.2:80 fired: nothing was acknowledged in time, so the timeout backs off to 120 s (doubling, up to the maximum) and the congestion window falls to 1460 bytes (ssthresh 2920): slow start again");
    }

    [Fact]
    public void A_window_at_or_above_ssthresh_is_not_claimed_to_be_in_congestion_avoidance_and_no_threshold_is_not_a_number()
    {
        // Fast recovery: cwnd = ssthresh + 3 MSS, inflated per duplicate ACK, not growing per round trip.
        TraceNarrator.Explain(Tcp(TcpEventKind.WindowChanged, TcpState.Established, 2920 + (3 * 1460), 2920)).Should().Be(
            "pc1's congestion window toward 10.0.0.2:80 is now 7300 bytes (ssthresh 2920): at or above ssthresh: the window grows by about a segment per round trip (congestion avoidance), or is held during loss recovery");
        TraceNarrator.Explain(Tcp(TcpEventKind.WindowChanged, TcpState.Established, 4380, int.MaxValue)).Should().Be(
            "pc1's congestion window toward 10.0.0.2:80 is now 4380 bytes (no threshold yet): below ssthresh, so slow start: the window grows by a segment per ACK");
    }

    [Fact]
    public void Time_exceeded_code_1_is_a_reassembly_timeout_not_a_ttl()
    {
        IpEvent Sent(byte code) => new(At, "pc2", IpEventKind.IcmpSent, Ip1, Ip2, IpProtocol.Icmp, 56) { IcmpType = IcmpType.TimeExceeded, IcmpCode = code };

        TraceNarrator.Explain(Sent(1)).Should().Be(
            "pc2 sent ICMP time exceeded to 10.0.0.1 about its packet to 10.0.0.2: the fragments of the datagram did not all arrive in time to be reassembled");
        TraceNarrator.Explain(Sent(0)).Should().Be(
            "pc2 sent ICMP time exceeded to 10.0.0.1 about its packet to 10.0.0.2: its TTL ran out here (this is how traceroute finds each router)");
    }

    [Fact]
    public void A_promiscuous_nic_takes_in_a_frame_for_another_station_without_calling_that_mac_its_own()
    {
        var net = new IpTestNetwork();
        var hub = new Hub(net.Network, "hub", 4);
        Host[] pcs = Hosts(net, 3);
        for (int i = 0; i < pcs.Length; i++)
        {
            net.Connect(pcs[i].Port, hub.Ports[i]);
        }

        pcs[2].Interfaces[0].Nic.Promiscuous = true;

        Run(net, PingOnce(pcs[0], pcs[1]).Start, new TraceNarratorOptions { Layers = TraceLayers.Frame, Devices = ["pc3"] }).Should().Contain(
            "   15.520 us pc3/eth0 accepted the frame from 02:00:00:00:00:02: it is addressed to 02:00:00:00:00:01, which it takes in (its own MAC, or any MAC in promiscuous mode)");
    }

    [Fact]
    public void Sentences_claim_only_what_is_always_true_of_ttl_expiry_full_queues_and_probes()
    {
        using var scope = new FluentAssertions.Execution.AssertionScope(); // each of the three is checked
        TraceNarrator.Explain(new IpEvent(At, "r1", IpEventKind.TimeToLiveExpired, Ip1, Ip2, IpProtocol.Icmp, 84) { TimeToLive = 1, IcmpType = IcmpType.DestinationUnreachable }).Should().Be(
            "r1 dropped the packet from 10.0.0.1 to 10.0.0.2: its TTL ran out (TTL 1 on arrival), so a router may not pass it on; a router answers with ICMP time exceeded unless the packet was itself an ICMP error (ICMP destination unreachable, 84 bytes)");
        TraceNarrator.Explain(new FrameEvent(At, "sw", 2, FrameEventKind.Dropped, Mac1, Mac2, 64, DropReason.QueueFull)).Should().Be(
            "sw port 2 dropped the frame from 02:00:00:00:00:01 to 02:00:00:00:00:02: the egress queue of port 2 is full: frames arrive faster than the link sends them");
        TraceNarrator.Explain(new TcpEvent(At, "pc1", TcpEventKind.Retransmitted, Ip1, 49152, Ip2, 80) { Flags = TcpFlags.Ack, Sequence = 1000, Acknowledgment = 1, Length = 1, Cause = TcpRetransmitCause.Probe }).Should().Be(
            "pc1 sent [ACK] seq 1000 ack 1 with 1 bytes to 10.0.0.2:80 again: a probe of the peer's closed (zero) window (RFC 9293, 3.8.6.1)");
    }

    [Fact]
    public void Through_logging_each_sentence_is_one_information_message_with_its_fields()
    {
        var net = new IpTestNetwork();
        Host[] pcs = Hosts(net, 2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        using var provider = new RecordingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(provider).SetMinimumLevel(LogLevel.Information));
        using var narrator = new TraceNarrator(net.Network.Tracer, factory, new TraceNarratorOptions { Layers = TraceLayers.Arp, Devices = ["pc1"] });
        PingOnce(pcs[0], pcs[1]).Start();
        net.Simulation.Run();

        narrator.IsListening.Should().BeTrue();
        provider.Messages.Select(m => (m.Category, m.Level, m.Message)).Should().Equal(
            (TraceNarrator.Category, LogLevel.Information, "0 s pc1/eth0 broadcast an ARP request: who has 10.0.0.2? It needs that MAC address to send to it"),
            (TraceNarrator.Category, LogLevel.Information, "0 s pc1/eth0 holds a packet for 10.0.0.2 (1 waiting): it does not know its MAC address yet"),
            (TraceNarrator.Category, LogLevel.Information, "13.520 us pc1/eth0 learned that 10.0.0.2 is at 02:00:00:00:00:02: the packets waiting for it can go"));
        IReadOnlyDictionary<string, object?> fields = provider.Fields.First().Fields;
        fields["Device"].Should().Be("pc1/eth0");
        fields["Layer"].Should().Be("Arp");
        fields["Kind"].Should().Be("RequestSent");
        fields["Time"].Should().Be(SimTime.Zero);
    }

    [Fact]
    public void Through_logging_that_is_off_it_does_not_listen()
    {
        var net = new IpTestNetwork();
        using var factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Warning));
        using var narrator = new TraceNarrator(net.Network.Tracer, factory);

        narrator.IsListening.Should().BeFalse();
        net.Network.Tracer.IsOn.Should().BeFalse();
    }

    [Fact]
    public void Disposed_it_stops_telling()
    {
        var net = new IpTestNetwork();
        Host[] pcs = Hosts(net, 2);
        net.Connect(pcs[0].Port, pcs[1].Port);
        var text = new StringWriter();
        new TraceNarrator(net.Network.Tracer, text).Dispose();
        PingOnce(pcs[0], pcs[1]).Start();
        net.Simulation.Run();

        text.ToString().Should().BeEmpty();
        net.Network.Tracer.IsOn.Should().BeFalse();
    }
}
