using System.Text.RegularExpressions;
using System.Xml.Linq;
using NetSim.Applications;
using NetSim.Links;

namespace NetSim.Reporting.Tests;

public class SequenceDiagramTests
{
    // The web visit as a textbook draws it: the pc asks r1's MAC, the DNS query crosses both
    // routers (each asking its next hop's MAC first), the answer comes back, then the TCP
    // handshake, the GET and its 200, and the close (FIN, ACK each way).
    private const string WebVisitMermaid = """
        sequenceDiagram
            participant pc
            participant r1
            participant r2
            participant dns
            participant www
            pc->>r1: 0.000 ms ARP who-has 192.168.1.1
            r1->>pc: 0.003 ms ARP 192.168.1.1 is-at 02:00:00:00:00:04
            pc->>r1: 0.006 ms DNS query www.example.com A
            r1->>r2: 0.010 ms ARP who-has 203.0.113.2
            r2->>r1: 5.015 ms ARP 203.0.113.2 is-at 02:00:00:00:00:06
            r1->>r2: 10.021 ms DNS query www.example.com A
            r2->>dns: 15.028 ms ARP who-has 198.51.100.53
            dns->>r2: 17.034 ms ARP 198.51.100.53 is-at 02:00:00:00:00:02
            r2->>dns: 19.040 ms DNS query www.example.com A
            dns->>r2: 21.047 ms DNS answer www.example.com A: CNAME example.com, 93.184.216.34
            r2->>r1: 23.056 ms DNS answer www.example.com A: CNAME example.com, 93.184.216.34
            r1->>pc: 28.065 ms DNS answer www.example.com A: CNAME example.com, 93.184.216.34
            pc->>r1: 28.069 ms SYN
            r1->>r2: 28.073 ms SYN
            r2->>www: 33.080 ms ARP who-has 93.184.216.34
            www->>r2: 43.085 ms ARP 93.184.216.34 is-at 02:00:00:00:00:03
            r2->>www: 53.091 ms SYN
            www->>r2: 63.098 ms SYN, ACK
            r2->>r1: 73.105 ms SYN, ACK
            r1->>pc: 78.112 ms SYN, ACK
            pc->>r1: 78.115 ms ACK
            pc->>r1: 78.115 ms GET /
            r1->>r2: 78.118 ms ACK
            r1->>r2: 78.120 ms GET /
            r2->>www: 83.125 ms ACK
            r2->>www: 83.139 ms GET /
            www->>r2: 93.152 ms 200 OK
            r2->>r1: 103.173 ms 200 OK
            r1->>pc: 108.194 ms 200 OK
            pc->>r1: 108.200 ms FIN, ACK
            r1->>r2: 108.204 ms FIN, ACK
            r2->>www: 113.210 ms FIN, ACK
            www->>r2: 123.216 ms ACK
            www->>r2: 123.216 ms FIN, ACK
            r2->>r1: 133.222 ms ACK
            r2->>r1: 133.230 ms FIN, ACK
            r1->>pc: 138.229 ms ACK
            r1->>pc: 138.236 ms FIN, ACK
            pc->>r1: 138.239 ms ACK
            r1->>r2: 138.242 ms ACK
            r2->>www: 143.249 ms ACK

        """;

    [Fact]
    public void The_web_visit_is_drawn_between_hosts_and_routers_with_the_switch_passed_through()
    {
        var run = new WebVisitRun();
        run.Visit!.Succeeded.Should().BeTrue();

        SequenceDiagram diagram = SequenceDiagram.Build(run.Recorder);

        diagram.Lifelines.Should().Equal("pc", "r1", "r2", "dns", "www");
        diagram.ToMermaid().Should().Be(WebVisitMermaid);
        diagram.Arrows.Should().OnlyContain(a => !a.Lost && a.Count == 1 && a.Arrived > a.Sent);
    }

    [Fact]
    public void Only_tcp_between_the_hosts_is_one_arrow_per_segment_from_pc_to_www()
    {
        var run = new WebVisitRun();

        SequenceDiagram diagram = SequenceDiagram.Build(run.Recorder, new SequenceDiagramOptions { Lifelines = ["pc", "dns", "www"], Protocols = SequenceProtocols.Tcp });

        diagram.ToMermaid().Should().Be("""
            sequenceDiagram
                participant pc
                participant dns
                participant www
                pc->>www: 28.069 ms SYN
                www->>pc: 63.098 ms SYN, ACK
                pc->>www: 78.115 ms ACK
                pc->>www: 78.115 ms GET /
                www->>pc: 93.152 ms 200 OK
                pc->>www: 108.200 ms FIN, ACK
                www->>pc: 123.216 ms ACK
                www->>pc: 123.216 ms FIN, ACK
                pc->>www: 138.239 ms ACK

            """);
    }

    [Fact]
    public void Protocols_choose_dns_or_http_alone_and_a_switch_can_be_a_lifeline()
    {
        var run = new WebVisitRun();

        string dns = SequenceDiagram.Build(run.Recorder, new SequenceDiagramOptions { Lifelines = ["pc", "dns"], Protocols = SequenceProtocols.Dns }).ToMermaid();
        dns.Should().Be("""
            sequenceDiagram
                participant pc
                participant dns
                pc->>dns: 0.006 ms DNS query www.example.com A
                dns->>pc: 21.047 ms DNS answer www.example.com A: CNAME example.com, 93.184.216.34

            """);

        SequenceDiagram http = SequenceDiagram.Build(run.Recorder, new SequenceDiagramOptions { Lifelines = ["pc", "www"], Protocols = SequenceProtocols.Http });
        http.Arrows.Select(a => $"{a.From}>{a.To} {a.Label}").Should().Equal("pc>www GET /", "www>pc 200 OK");

        // With the switch as a lifeline, the pc's ARP request is two hops: to the switch, which floods it to r1.
        SequenceDiagram withSwitch = SequenceDiagram.Build(run.Recorder, new SequenceDiagramOptions { Lifelines = ["pc", "sw", "r1"], Protocols = SequenceProtocols.Arp });
        withSwitch.Arrows.Select(a => $"{a.From}>{a.To} {a.Label}").Should().Equal(
            "pc>sw ARP who-has 192.168.1.1",
            "sw>r1 ARP who-has 192.168.1.1",
            "r1>sw ARP 192.168.1.1 is-at 02:00:00:00:00:04",
            "sw>pc ARP 192.168.1.1 is-at 02:00:00:00:00:04");
    }

    [Fact]
    public void Messages_the_recorder_kept_only_the_start_of_are_still_named()
    {
        var run = new WebVisitRun(new RunRecorderOptions { SnapLength = 64 });

        SequenceDiagram diagram = SequenceDiagram.Build(run.Recorder, new SequenceDiagramOptions { Lifelines = ["pc", "dns", "www"] });

        diagram.Arrows.Select(a => a.Label).Should().Equal(
            ["DNS query (cut at the snap length)", "DNS answer (cut at the snap length)", "SYN", "SYN, ACK", "ACK", "data 86 bytes", "data 187 bytes", "FIN, ACK", "ACK", "FIN, ACK", "ACK"],
            "64 bytes hold the DNS header's first bytes but not the question, the TCP header's fixed part but not all its options, nor an HTTP start line");
    }

    [Fact]
    public void Lifelines_that_name_no_device_are_refused()
    {
        var run = new WebVisitRun();

        FluentActions.Invoking(() => SequenceDiagram.Build(run.Recorder, new SequenceDiagramOptions { Lifelines = ["pc", "nope"] }))
            .Should().Throw<ArgumentException>().WithMessage("*'nope'*");
        FluentActions.Invoking(() => new SequenceDiagramOptions { CollapseBulkData = 1 }).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_svg_parses_and_holds_the_lifelines_and_one_element_per_arrow_in_order()
    {
        var run = new WebVisitRun();
        SequenceDiagram diagram = SequenceDiagram.Build(run.Recorder);

        string svg = diagram.ToSvg();
        XDocument document = XDocument.Parse(svg);

        XNamespace ns = "http://www.w3.org/2000/svg";
        document.Root!.Name.Should().Be(ns + "svg");
        document.Descendants(ns + "text").Where(t => (string?)t.Attribute("class") == "participant").Select(t => t.Value).Distinct()
            .Should().Equal("pc", "r1", "r2", "dns", "www");
        XElement[] arrows = document.Descendants(ns + "g").Where(g => ((string?)g.Attribute("class"))?.StartsWith("arrow", StringComparison.Ordinal) == true).ToArray();
        arrows.Should().HaveCount(41);
        arrows.Select(a => (string?)a.Attribute("data-label")).Should().Equal(diagram.Arrows.Select(a => a.Label));
        arrows.Select(a => $"{a.Attribute("data-from")!.Value}>{a.Attribute("data-to")!.Value}").Take(3).Should().Equal("pc>r1", "r1>pc", "pc>r1");
        arrows.Select(a => a.Elements(ns + "text").Last().Value).Should().ContainInOrder("DNS query www.example.com A", "SYN", "SYN, ACK", "ACK", "GET /", "200 OK", "FIN, ACK");
        arrows[12].Elements(ns + "text").First().Value.Should().Be("28.069 ms", "the time it left is at the left");

        // The lifelines stand in order left to right, and each arrow runs between its two.
        int X(string name) => int.Parse(document.Descendants(ns + "g").Single(g => (string?)g.Attribute("data-name") == name).Element(ns + "line")!.Attribute("x1")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        diagram.Lifelines.Select(X).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        int firstLineEnd = int.Parse(arrows[0].Element(ns + "line")!.Attribute("x2")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        firstLineEnd.Should().BeCloseTo(X("r1"), 10);

        SequenceDiagram.Build(new WebVisitRun().Recorder).ToSvg().Should().Be(svg, "the same run gives the same bytes");
    }

    [Fact]
    public void A_syn_lost_on_the_cable_between_the_routers_ends_in_a_cross_and_is_sent_again()
    {
        // The third frame r1 sends to r2 (after the ARP request and the DNS query) is the SYN.
        var run = new WebVisitRun(beforeVisit: network =>
        {
            Cable wan = network.Cables.Single(c => c.A.DeviceName == "r1/eth1" && c.B.DeviceName == "r2/eth0");
            wan.FromA.ErrorModel = new ListErrorModel { FrameNumbers = { 3 } };
        });
        run.Visit!.Succeeded.Should().BeTrue("TCP sends the SYN again");

        SequenceDiagram diagram = SequenceDiagram.Build(run.Recorder);

        SequenceArrow lost = diagram.Arrows.Single(a => a.Lost);
        lost.Should().BeEquivalentTo(new { From = "r1", To = "r2", Label = "SYN" });
        string mermaid = diagram.ToMermaid();
        mermaid.Should().Contain("    r1-xr2: 28.073 ms SYN\n");
        Match again = Regex.Matches(mermaid, @"r1->>r2: [0-9.]+ ms SYN\n").Should().ContainSingle("the SYN sent again crosses").Subject;
        mermaid.IndexOf("r1-xr2", StringComparison.Ordinal).Should().BeLessThan(again.Index);

        XNamespace ns = "http://www.w3.org/2000/svg";
        XElement lostSvg = XDocument.Parse(diagram.ToSvg()).Descendants(ns + "g").Single(g => (string?)g.Attribute("class") == "arrow lost");
        lostSvg.Attribute("data-label")!.Value.Should().Be("SYN");
        lostSvg.Elements(ns + "path").Single().Attribute("d")!.Value.Should().Contain("M").And.NotContain("Z", "a cross, not an arrowhead");

        // Between the hosts only, the lost SYN is one arrow from pc toward www, crossed.
        SequenceDiagram hosts = SequenceDiagram.Build(run.Recorder, new SequenceDiagramOptions { Lifelines = ["pc", "www"], Protocols = SequenceProtocols.Tcp });
        hosts.ToMermaid().Should().StartWith("""
            sequenceDiagram
                participant pc
                participant www
                pc-xwww: 28.069 ms SYN
                pc->>www: 
            """);
    }

    [Fact]
    public void A_packet_a_router_has_no_route_for_ends_in_a_cross_at_that_router()
    {
        // r2 forgets its way back to the pc's LAN: the DNS answer dies at r2, which tells dns so.
        var run = new WebVisitRun(beforeVisit: network =>
            ((Ip.IpNode)network.Devices.Single(d => d.Name == "r2")).Routes.Remove(Wire.Ipv4Network.Parse("192.168.1.0/24")).Should().BeTrue());
        run.Visit!.Succeeded.Should().BeFalse();

        SequenceDiagram diagram = SequenceDiagram.Build(run.Recorder, new SequenceDiagramOptions { Protocols = SequenceProtocols.Dns | SequenceProtocols.Icmp });

        string[] lines = diagram.ToMermaid().Split('\n');
        lines.Should().ContainInOrder(
            "    r2->>dns: 19.040 ms DNS query www.example.com A",
            "    dns-xr2: 21.047 ms DNS answer www.example.com A: CNAME example.com, 93.184.216.34");
        lines.Should().Contain(l => l.StartsWith("    r2->>dns: ", StringComparison.Ordinal) && l.Contains("ICMP destination unreachable", StringComparison.Ordinal));
        diagram.Arrows.Where(a => a.Lost).Should().OnlyContain(a => a.From == "dns" && a.To == "r2").And.NotBeEmpty();
        diagram.Arrows.Should().NotContain(a => a.From == "r2" && a.To == "r1" && a.Label.StartsWith("DNS answer", StringComparison.Ordinal));
    }

    [Fact]
    public void A_ping_is_echo_request_and_reply_and_one_whose_ttl_runs_out_dies_at_r2_which_says_time_exceeded()
    {
        PingSummary? summary = null;
        var run = new WebVisitRun(beforeVisit: network => StartPing(network, 64, s => summary = s));
        summary!.Value.Received.Should().Be(1);
        SequenceDiagram hosts = SequenceDiagram.Build(run.Recorder, new SequenceDiagramOptions { Lifelines = ["pc", "www"], Protocols = SequenceProtocols.Icmp });
        hosts.Arrows.Select(a => $"{a.From}>{a.To} {a.Label}").Should().Equal("pc>www ICMP echo request", "www>pc ICMP echo reply");

        // TTL 2: r1 forwards it with TTL 1, and r2 may not forward it further (RFC 1812 section 5.3.1).
        var expired = new WebVisitRun(beforeVisit: network => StartPing(network, 2, _ => { }));
        SequenceDiagram diagram = SequenceDiagram.Build(expired.Recorder, new SequenceDiagramOptions { Protocols = SequenceProtocols.Icmp });
        diagram.Arrows.Select(a => $"{a.From}{(a.Lost ? "-x" : ">")}{a.To} {a.Label}").Should().Equal(
            "pc>r1 ICMP echo request",
            "r1-xr2 ICMP echo request",
            "r2>r1 ICMP time exceeded",
            "r1>pc ICMP time exceeded");
    }

    [Fact]
    public void Names_mermaid_cannot_take_as_they_are_get_an_alias()
    {
        var simulation = new Engine.Simulation(seed: 1);
        var network = new Network(simulation);
        var a = new Topology.Host(network, "pc-1", "10.0.0.1/24");
        var b = new Topology.Host(network, "end", "10.0.0.2/24");
        new Topology.TopologyBuilder(network).Connect(a, b);
        using var recorder = new RunRecorder(network);
        var ping = new Ping(a, b.Address) { Count = 1 };
        _ = simulation.Start(ping.RunAsync);
        simulation.Run();

        SequenceDiagram.Build(recorder, new SequenceDiagramOptions { Protocols = SequenceProtocols.Icmp }).ToMermaid().Should().Be("""
            sequenceDiagram
                participant p0 as pc-1
                participant p1 as end
                p0->>p1: 0.014 ms ICMP echo request
                p1->>p0: 0.023 ms ICMP echo reply

            """);
    }

    [Fact]
    public void A_bulk_transfer_is_collapsed_into_one_arrow_per_hop_with_its_segments_and_bytes()
    {
        string page = new string('x', 60_000);
        var run = new WebVisitRun(page: page);
        run.Visit!.Succeeded.Should().BeTrue();
        var hosts = new SequenceDiagramOptions { Lifelines = ["pc", "www"], Protocols = SequenceProtocols.Tcp };

        SequenceDiagram every = SequenceDiagram.Build(run.Recorder, hosts with { CollapseBulkData = 0 });
        SequenceDiagram collapsed = SequenceDiagram.Build(run.Recorder, hosts);

        SequenceArrow[] data = every.Arrows.Where(a => a.From == "www" && a.Label.StartsWith("data ", StringComparison.Ordinal)).ToArray();
        data.Length.Should().BeGreaterThan(30, "60,000 bytes take some 40 segments");
        long bytes = data.Sum(a => long.Parse(a.Label[5..^6], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));
        bytes.Should().BeInRange(page.Length - 1_500, page.Length);

        SequenceArrow bulk = collapsed.Arrows.Single(a => a.From == "www" && a.Count > 1);
        bulk.Count.Should().Be(data.Length);
        bulk.Label.Should().Be(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"... {data.Length} segments, {bytes:N0} bytes ..."));
        collapsed.Arrows.Should().Contain(a => a.From == "pc" && a.Count > 1 && Regex.IsMatch(a.Label, @"^\.\.\. \d+ ACKs \.\.\.$"), "the pc's ACKs of the data collapse too");
        collapsed.Arrows.Select(a => a.Label).Should().ContainInOrder("SYN", "SYN, ACK", "GET /", "200 OK", bulk.Label, "FIN, ACK");
        collapsed.Arrows.Count.Should().BeLessThan(20);
        collapsed.ToMermaid().Should().Contain("    www-->>pc: ").And.Contain(bulk.Label);

        // Between every lifeline, each hop of the response is one run: www to r2, r2 to r1, r1 to pc.
        SequenceDiagram hops = SequenceDiagram.Build(run.Recorder, new SequenceDiagramOptions { Protocols = SequenceProtocols.Tcp });
        hops.Arrows.Where(a => a.Label.EndsWith(" bytes ...", StringComparison.Ordinal)).Select(a => $"{a.From}>{a.To} {a.Label}")
            .Should().Equal($"www>r2 {bulk.Label}", $"r2>r1 {bulk.Label}", $"r1>pc {bulk.Label}");
        hops.Arrows.Where(a => a.Label.EndsWith(" ACKs ...", StringComparison.Ordinal)).Select(a => $"{a.From}>{a.To}")
            .Should().Equal("pc>r1", "r1>r2", "r2>www");
    }

    private static void StartPing(Network network, byte timeToLive, Action<PingSummary> done)
    {
        var pc = (Ip.IpNode)network.Devices.Single(d => d.Name == "pc");
        var ping = new Ping(pc, Wire.Ipv4Address.Parse("93.184.216.34")) { Count = 1, TimeToLive = timeToLive };
        _ = network.Simulation.Start(async () => done(await ping.RunAsync()));
    }
}
