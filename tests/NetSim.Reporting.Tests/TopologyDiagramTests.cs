using System.Globalization;
using System.Xml.Linq;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Topology;

namespace NetSim.Reporting.Tests;

/// <summary>Marks a test that needs Graphviz's dot; without it the test is reported as skipped.</summary>
public sealed class RequiresGraphvizFactAttribute : FactAttribute
{
    public RequiresGraphvizFactAttribute()
    {
        if (Graphviz.Path is null)
        {
            Skip = "Graphviz's dot is not installed (.ci/run installs it: apt-get install graphviz)";
        }
    }
}

/// <summary>Debian's Graphviz dot, the reference reader of DOT text.</summary>
internal static class Graphviz
{
    public static readonly string? Path = new[] { "/usr/bin/dot", "/usr/local/bin/dot" }.FirstOrDefault(File.Exists);
}

/// <summary>The topology diagrams of the samples' networks, as a user reads them.</summary>
public class TopologyDiagramTests
{
    private const string Header = """
        graph "network" {
          rankdir=LR;
          fontname="monospace";
          node [fontname="monospace", fontsize=10];
          edge [fontname="monospace", fontsize=9];

        """;

    [Fact]
    public void Two_computers_on_one_cable_are_one_subnet_with_the_cable_between_their_interfaces()
    {
        var diagram = new TopologyDiagram(TwoComputers());

        diagram.ToDot().Should().Be(Header + """
              subgraph "cluster_0" {
                label="192.168.1.0/24";
                style=dashed;
                "alice" [shape=box, label="alice (host)\neth0 192.168.1.1/24\n02:00:00:00:00:01"];
                "bob" [shape=box, label="bob (host)\neth0 192.168.1.2/24\n02:00:00:00:00:02"];
              }
              "alice" -- "bob" [label="100 Mbps, 5 us", taillabel="eth0", headlabel="eth0"];
            }

            """);
        diagram.ToMermaid().Should().Be("""
            flowchart LR
              subgraph g0 ["192.168.1.0/24"]
                n_alice["alice (host)<br/>eth0 192.168.1.1/24<br/>02:00:00:00:00:01"]
                n_bob["bob (host)<br/>eth0 192.168.1.2/24<br/>02:00:00:00:00:02"]
              end
              n_alice ---|"eth0 - eth0<br/>100 Mbps, 5 us"| n_bob

            """);
    }

    [Fact]
    public void A_broadcast_domain_with_two_subnets_is_titled_with_both()
    {
        // The sample's second ping: bob moved to 192.168.2.2/24 on the same cable.
        string dot = new TopologyDiagram(TwoComputers("192.168.2.2/24")).ToDot();

        dot.Should().Contain("""
              subgraph "cluster_0" {
                label="192.168.1.0/24, 192.168.2.0/24";
            """);
        dot.Should().NotContain("cluster_1");
    }

    [Fact]
    public void Bare_nics_on_a_switch_are_drawn_from_their_cables_without_a_subnet()
    {
        var diagram = new TopologyDiagram(SwitchNetwork());

        diagram.ToDot().Should().Be(Header + """
              "switch" [shape=box3d, label="switch (switch)"];
              "A" [shape=box, style=dashed, label="A (nic)"];
              "B" [shape=box, style=dashed, label="B (nic)"];
              "C" [shape=box, style=dashed, label="C (nic)"];
              "D" [shape=box, style=dashed, label="D (nic)"];
              "A" -- "switch" [label="100 Mbps, 1 us", headlabel="port 0"];
              "B" -- "switch" [label="100 Mbps, 1 us", headlabel="port 1"];
              "C" -- "switch" [label="100 Mbps, 1 us", headlabel="port 2"];
              "D" -- "switch" [label="100 Mbps, 1 us", headlabel="port 3"];
            }

            """);
        diagram.ToMermaid().Should().Be("""
            flowchart LR
              n_switch[["switch (switch)"]]
              n_A["A (nic)"]
              n_B["B (nic)"]
              n_C["C (nic)"]
              n_D["D (nic)"]
              n_A ---|"port 0<br/>100 Mbps, 1 us"| n_switch
              n_B ---|"port 1<br/>100 Mbps, 1 us"| n_switch
              n_C ---|"port 2<br/>100 Mbps, 1 us"| n_switch
              n_D ---|"port 3<br/>100 Mbps, 1 us"| n_switch

            """);
    }

    [Fact]
    public void A_router_stands_between_its_lans_with_each_interface_in_its_own_subnet()
    {
        var diagram = new TopologyDiagram(RouterNetwork());

        diagram.ToDot().Should().Be(Header + """
              subgraph "cluster_0" {
                label="192.168.1.0/24";
                style=dashed;
                "sw1" [shape=box3d, label="sw1 (switch)"];
                "r1/eth0" [shape=box, style=rounded, label="eth0 192.168.1.1/24\n02:00:00:00:00:01"];
                "pc1" [shape=box, label="pc1 (host)\neth0 192.168.1.10/24\n02:00:00:00:00:03"];
              }
              subgraph "cluster_1" {
                label="192.168.2.0/24";
                style=dashed;
                "sw2" [shape=box3d, label="sw2 (switch)"];
                "r1/eth1" [shape=box, style=rounded, label="eth1 192.168.2.1/24\n02:00:00:00:00:02"];
                "pc2" [shape=box, label="pc2 (host)\neth0 192.168.2.20/24\n02:00:00:00:00:04"];
              }
              "r1" [shape=ellipse, label="r1 (router)"];
              "r1" -- "r1/eth0" [style=bold];
              "r1" -- "r1/eth1" [style=bold];
              "pc1" -- "sw1" [label="100 Mbps, 1 us", taillabel="eth0", headlabel="port 0"];
              "r1/eth0" -- "sw1" [label="100 Mbps, 1 us", taillabel="eth0", headlabel="port 1"];
              "r1/eth1" -- "sw2" [label="100 Mbps, 1 us", taillabel="eth1", headlabel="port 0"];
              "pc2" -- "sw2" [label="100 Mbps, 1 us", taillabel="eth0", headlabel="port 1"];
            }

            """);
        diagram.ToMermaid().Should().Be("""
            flowchart LR
              subgraph g0 ["192.168.1.0/24"]
                n_sw1[["sw1 (switch)"]]
                n_r1_eth0("eth0 192.168.1.1/24<br/>02:00:00:00:00:01")
                n_pc1["pc1 (host)<br/>eth0 192.168.1.10/24<br/>02:00:00:00:00:03"]
              end
              subgraph g1 ["192.168.2.0/24"]
                n_sw2[["sw2 (switch)"]]
                n_r1_eth1("eth1 192.168.2.1/24<br/>02:00:00:00:00:02")
                n_pc2["pc2 (host)<br/>eth0 192.168.2.20/24<br/>02:00:00:00:00:04"]
              end
              n_r1(["r1 (router)"])
              n_r1 === n_r1_eth0
              n_r1 === n_r1_eth1
              n_pc1 ---|"eth0 - port 0<br/>100 Mbps, 1 us"| n_sw1
              n_r1_eth0 ---|"eth0 - port 1<br/>100 Mbps, 1 us"| n_sw1
              n_r1_eth1 ---|"eth1 - port 0<br/>100 Mbps, 1 us"| n_sw2
              n_pc2 ---|"eth0 - port 1<br/>100 Mbps, 1 us"| n_sw2

            """);
    }

    [Fact]
    public void The_web_visit_shows_four_subnets_two_routers_and_each_cables_rate_and_delay()
    {
        var diagram = new TopologyDiagram(WebVisit());

        diagram.ToDot().Should().Be(Header + """
              subgraph "cluster_0" {
                label="192.168.1.0/24";
                style=dashed;
                "pc" [shape=box, label="pc (host)\neth0 192.168.1.10/24\n02:00:00:00:00:01"];
                "sw" [shape=box3d, label="sw (switch)"];
                "r1/eth0" [shape=box, style=rounded, label="eth0 192.168.1.1/24\n02:00:00:00:00:04"];
              }
              subgraph "cluster_1" {
                label="203.0.113.0/24";
                style=dashed;
                "r1/eth1" [shape=box, style=rounded, label="eth1 203.0.113.1/24\n02:00:00:00:00:05"];
                "r2/eth0" [shape=box, style=rounded, label="eth0 203.0.113.2/24\n02:00:00:00:00:06"];
              }
              subgraph "cluster_2" {
                label="198.51.100.0/24";
                style=dashed;
                "r2/eth1" [shape=box, style=rounded, label="eth1 198.51.100.1/24\n02:00:00:00:00:07"];
                "dns" [shape=box, label="dns (host)\neth0 198.51.100.53/24\n02:00:00:00:00:02"];
              }
              subgraph "cluster_3" {
                label="93.184.216.0/24";
                style=dashed;
                "r2/eth2" [shape=box, style=rounded, label="eth2 93.184.216.1/24\n02:00:00:00:00:08"];
                "www" [shape=box, label="www (host)\neth0 93.184.216.34/24\n02:00:00:00:00:03"];
              }
              "r1" [shape=ellipse, label="r1 (router)"];
              "r2" [shape=ellipse, label="r2 (router)"];
              "r1" -- "r1/eth0" [style=bold];
              "r1" -- "r1/eth1" [style=bold];
              "r2" -- "r2/eth0" [style=bold];
              "r2" -- "r2/eth1" [style=bold];
              "r2" -- "r2/eth2" [style=bold];
              "pc" -- "sw" [label="1 Gbps, 1 us", taillabel="eth0", headlabel="port 0"];
              "r1/eth0" -- "sw" [label="1 Gbps, 1 us", taillabel="eth0", headlabel="port 1"];
              "r1/eth1" -- "r2/eth0" [label="100 Mbps, 5 ms", taillabel="eth1", headlabel="eth0"];
              "r2/eth1" -- "dns" [label="100 Mbps, 2 ms", taillabel="eth1", headlabel="eth0"];
              "r2/eth2" -- "www" [label="100 Mbps, 10 ms", taillabel="eth2", headlabel="eth0"];
            }

            """);
        diagram.ToMermaid().Should().Be("""
            flowchart LR
              subgraph g0 ["192.168.1.0/24"]
                n_pc["pc (host)<br/>eth0 192.168.1.10/24<br/>02:00:00:00:00:01"]
                n_sw[["sw (switch)"]]
                n_r1_eth0("eth0 192.168.1.1/24<br/>02:00:00:00:00:04")
              end
              subgraph g1 ["203.0.113.0/24"]
                n_r1_eth1("eth1 203.0.113.1/24<br/>02:00:00:00:00:05")
                n_r2_eth0("eth0 203.0.113.2/24<br/>02:00:00:00:00:06")
              end
              subgraph g2 ["198.51.100.0/24"]
                n_r2_eth1("eth1 198.51.100.1/24<br/>02:00:00:00:00:07")
                n_dns["dns (host)<br/>eth0 198.51.100.53/24<br/>02:00:00:00:00:02"]
              end
              subgraph g3 ["93.184.216.0/24"]
                n_r2_eth2("eth2 93.184.216.1/24<br/>02:00:00:00:00:08")
                n_www["www (host)<br/>eth0 93.184.216.34/24<br/>02:00:00:00:00:03"]
              end
              n_r1(["r1 (router)"])
              n_r2(["r2 (router)"])
              n_r1 === n_r1_eth0
              n_r1 === n_r1_eth1
              n_r2 === n_r2_eth0
              n_r2 === n_r2_eth1
              n_r2 === n_r2_eth2
              n_pc ---|"eth0 - port 0<br/>1 Gbps, 1 us"| n_sw
              n_r1_eth0 ---|"eth0 - port 1<br/>1 Gbps, 1 us"| n_sw
              n_r1_eth1 ---|"eth1 - eth0<br/>100 Mbps, 5 ms"| n_r2_eth0
              n_r2_eth1 ---|"eth1 - eth0<br/>100 Mbps, 2 ms"| n_dns
              n_r2_eth2 ---|"eth2 - eth0<br/>100 Mbps, 10 ms"| n_www

            """);
    }

    [Fact]
    public void A_cable_taken_down_is_dashed_and_says_down()
    {
        Network network = TwoComputers();
        network.Cables[0].IsUp = false;
        var diagram = new TopologyDiagram(network);

        diagram.ToDot().Should().Contain("""
              "alice" -- "bob" [label="100 Mbps, 5 us, down", style=dashed, taillabel="eth0", headlabel="eth0"];
            """);
        diagram.ToMermaid().Should().Contain("""
              n_alice -.-|"eth0 - eth0<br/>100 Mbps, 5 us, down"| n_bob
            """);
        XNamespace ns = "http://www.w3.org/2000/svg";
        XElement cable = XDocument.Parse(diagram.ToSvg()).Descendants(ns + "path").Single(p => p.Attribute("data-cable") is not null);
        cable.Attribute("stroke-dasharray").Should().NotBeNull();
        cable.Parent!.Attribute("class")!.Value.Should().Be("cable down");
        cable.Parent!.Element(ns + "text")!.Value.Should().Contain("100 Mbps, 5 us, down");
    }

    [Fact]
    public void Macs_are_left_out_when_the_options_say_so()
    {
        var diagram = new TopologyDiagram(RouterNetwork(), new TopologyDiagramOptions { ShowMacs = false });

        diagram.ToDot().Should().Contain("\"pc1\" [shape=box, label=\"pc1 (host)\\neth0 192.168.1.10/24\"];").And.NotContain("02:00:00");
        diagram.ToMermaid().Should().Contain("n_r1_eth0(\"eth0 192.168.1.1/24\")").And.NotContain("02:00:00");
        diagram.ToSvg().Should().Contain("192.168.2.20/24").And.NotContain("02:00:00");
    }

    [Fact]
    public void Names_that_are_not_words_are_escaped_for_dot_and_mermaid()
    {
        var network = new Network(new Simulation(seed: 1));
        var a = new Host(network, "end", "10.0.0.1/8");
        var b = new Host(network, "say \"hi\"", "10.0.0.2/8");
        _ = new Cable(a.Port, b.Port, DataRate.Parse("10Mbps"), SimDuration.FromMicroseconds(1));
        var diagram = new TopologyDiagram(network, new TopologyDiagramOptions { ShowMacs = false });

        diagram.ToDot().Should().Contain("\"say \\\"hi\\\"\" [shape=box, label=\"say \\\"hi\\\" (host)\\neth0 10.0.0.2/8\"];");
        diagram.ToMermaid().Should().Contain("n_end[\"end (host)").And.Contain("n_say__hi_[\"say #quot;hi#quot; (host)");
        XDocument.Parse(diagram.ToSvg()).Descendants().Where(e => e.Attribute("data-device") is not null)
            .Select(e => e.Attribute("data-device")!.Value).Should().Equal("end", "say \"hi\"");
    }

    public static TheoryData<string> Samples() => ["TwoComputers", "SwitchNetwork", "RouterNetwork", "WebVisit", "HubLan"];

    [Fact]
    public void A_hub_lan_is_one_subnet_round_a_hexagon()
    {
        var diagram = new TopologyDiagram(HubLan(), new TopologyDiagramOptions { ShowMacs = false });

        diagram.ToMermaid().Should().Be("""
            flowchart LR
              subgraph g0 ["10.0.0.0/24"]
                n_h1["h1 (host)<br/>eth0 10.0.0.1/24"]
                n_h2["h2 (host)<br/>eth0 10.0.0.2/24"]
                n_h3["h3 (host)<br/>eth0 10.0.0.3/24"]
                n_hub{{"hub (hub)"}}
              end
              n_h1 ---|"eth0 - port 0<br/>10 Mbps, 1 us"| n_hub
              n_h2 ---|"eth0 - port 1<br/>10 Mbps, 1 us"| n_hub
              n_h3 ---|"eth0 - port 2<br/>10 Mbps, 1 us"| n_hub

            """);
        XNamespace ns = "http://www.w3.org/2000/svg";
        XDocument.Parse(diagram.ToSvg()).Descendants(ns + "g").Single(g => g.Attribute("data-device")?.Value == "hub")
            .Element(ns + "polygon")!.Attribute("points")!.Value.Split(' ').Should().HaveCount(6);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_svg_has_a_group_per_device_a_path_per_cable_and_the_addresses_as_text(string sample)
    {
        Network network = Build(sample);

        XDocument svg = XDocument.Parse(new TopologyDiagram(network).ToSvg());

        XNamespace ns = "http://www.w3.org/2000/svg";
        svg.Root!.Name.Should().Be(ns + "svg");
        XElement[] devices = [.. svg.Descendants().Where(e => e.Attribute("data-device") is not null)];
        string[] expectedDevices = [.. network.Devices.Select(d => d.Name), .. sample == "SwitchNetwork" ? new[] { "A", "B", "C", "D" } : []];
        devices.Select(d => d.Attribute("data-device")!.Value).Should().Equal(expectedDevices);
        devices.Should().AllSatisfy(d =>
        {
            d.Name.Should().Be(ns + "g");
            d.Elements().Should().Contain(e => e.Name == ns + "rect" || e.Name == ns + "ellipse" || e.Name == ns + "polygon" || e.Name == ns + "path");
            d.Element(ns + "text")!.Value.Should().StartWith(d.Attribute("data-device")!.Value + " (");
        });

        XElement[] cables = [.. svg.Descendants().Where(e => e.Attribute("data-cable") is not null)];
        cables.Should().HaveCount(network.Cables.Count);
        cables.Should().AllSatisfy(c => c.Attribute("d")!.Value.Should().MatchRegex(@"^M[\d.]+,[\d.]+ [LC]"));
        foreach (Cable cable in network.Cables)
        {
            XElement label = cables.Single(c => c.Attribute("data-cable")!.Value.StartsWith(cable.A.DeviceName, StringComparison.Ordinal)
                && c.Attribute("data-cable")!.Value.Contains(" - " + cable.B.DeviceName, StringComparison.Ordinal)).Parent!.Element(ns + "text")!;
            label.Value.Should().Contain($"{cable.Rate}, {cable.Delay}");
        }

        string text = string.Concat(svg.Descendants(ns + "text").Select(t => t.Value + "\n"));
        foreach (IDeviceTables device in network.Devices)
        {
            if (device is Ip.IpNode node)
            {
                node.Interfaces.Should().AllSatisfy(i => text.Should().Contain($"{i.Address}/{i.Subnet.PrefixLength}").And.Contain(i.Mac.ToString()));
            }
        }
    }

    [Fact]
    public void The_web_visit_svg_names_each_cable_by_its_ends_and_groups_the_subnets()
    {
        XDocument svg = XDocument.Parse(new TopologyDiagram(WebVisit()).ToSvg());

        svg.Descendants().Select(e => e.Attribute("data-cable")?.Value).OfType<string>().Should().Equal(
            "pc/eth0 - sw port 0", "r1/eth0 - sw port 1", "r1/eth1 - r2/eth0", "r2/eth1 - dns/eth0", "r2/eth2 - www/eth0");
        svg.Descendants().Select(e => e.Attribute("data-subnet")?.Value).OfType<string>().Should().Equal(
            "192.168.1.0/24", "203.0.113.0/24", "198.51.100.0/24", "93.184.216.0/24");
        svg.Descendants().Select(e => e.Attribute("data-interface")?.Value).OfType<string>().Should().Equal(
            "r1/eth0", "r1/eth1", "r2/eth0", "r2/eth1", "r2/eth2");
    }

    [Fact]
    public void The_svg_boxes_lie_inside_the_picture_and_do_not_overlap()
    {
        XDocument svg = XDocument.Parse(new TopologyDiagram(WebVisit()).ToSvg());
        XNamespace ns = "http://www.w3.org/2000/svg";
        double width = Num(svg.Root!.Attribute("width")!.Value);
        double height = Num(svg.Root!.Attribute("height")!.Value);

        var boxes = svg.Descendants(ns + "rect").Where(r => r.Parent!.Attribute("class")!.Value != "subnet")
            .Select(r => (X: Num(r.Attribute("x")!.Value), Y: Num(r.Attribute("y")!.Value), W: Num(r.Attribute("width")!.Value), H: Num(r.Attribute("height")!.Value)))
            .ToArray();

        boxes.Should().HaveCount(9); // pc, sw, dns, www and the five router interfaces
        boxes.Should().AllSatisfy(b => (b.X >= 0 && b.Y >= 0 && b.X + b.W <= width && b.Y + b.H <= height).Should().BeTrue());
        for (int i = 0; i < boxes.Length; i++)
        {
            for (int j = i + 1; j < boxes.Length; j++)
            {
                var (a, b) = (boxes[i], boxes[j]);
                bool overlap = a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H;
                overlap.Should().BeFalse($"box {i} and box {j} are apart");
            }
        }

        static double Num(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void The_same_network_gives_the_same_svg_bytes()
    {
        string first = new TopologyDiagram(WebVisit()).ToSvg();
        string again = new TopologyDiagram(WebVisit()).ToSvg();

        again.Should().Be(first);
        first.Should().NotContain("\r").And.NotStartWith("<?xml");
    }

    [Fact]
    public void The_text_and_svg_are_the_same_under_a_culture_with_a_decimal_comma()
    {
        (string Dot, string Mermaid, string Svg) Draw()
        {
            var diagram = new TopologyDiagram(WebVisit());
            return (diagram.ToDot(), diagram.ToMermaid(), diagram.ToSvg());
        }

        CultureInfo saved = CultureInfo.CurrentCulture;
        (string Dot, string Mermaid, string Svg) invariant, german;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            invariant = Draw();
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            german = Draw();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        german.Should().Be(invariant);
        invariant.Svg.Should().MatchRegex(@"viewBox=""0 0 \d+(\.\d)? \d+(\.\d)?""");
    }

    [RequiresGraphvizFact]
    public void Graphviz_reads_the_dot_text_of_every_sample()
    {
        // What Graphviz drew: a node per box (device, bare NIC, router interface), a cluster per subnet group.
        foreach (var (sample, nodes, clusters) in new[] { ("TwoComputers", 2, 1), ("SwitchNetwork", 5, 0), ("RouterNetwork", 7, 2), ("WebVisit", 11, 4) })
        {
            string dot = new TopologyDiagram(Build(sample)).ToDot();
            var start = new System.Diagnostics.ProcessStartInfo(Graphviz.Path!, "-Tsvg")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = System.Diagnostics.Process.Start(start)!;
            process.StandardInput.Write(dot);
            process.StandardInput.Close();
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit(60_000).Should().BeTrue();

            process.ExitCode.Should().Be(0, $"dot reads the {sample} diagram ({errors})");
            errors.Should().BeEmpty($"dot has nothing to say about the {sample} diagram");
            XDocument drawn = XDocument.Parse(output.Result);
            XNamespace ns = "http://www.w3.org/2000/svg";
            drawn.Descendants(ns + "g").Count(g => g.Attribute("class")?.Value == "node").Should().Be(nodes);
            drawn.Descendants(ns + "g").Count(g => g.Attribute("class")?.Value == "cluster").Should().Be(clusters);
        }
    }

    private static Network Build(string sample) => sample switch
    {
        "TwoComputers" => TwoComputers(),
        "SwitchNetwork" => SwitchNetwork(),
        "RouterNetwork" => RouterNetwork(),
        "WebVisit" => WebVisit(),
        "HubLan" => HubLan(),
        _ => throw new ArgumentOutOfRangeException(nameof(sample), sample, null),
    };

    // samples/TwoComputers: alice and bob on one cable, 100 Mbps and 5 us.
    private static Network TwoComputers(string bobAddress = "192.168.1.2/24")
    {
        var network = new Network(new Simulation(seed: 1));
        var alice = new Host(network, "alice", "192.168.1.1/24");
        var bob = new Host(network, "bob", bobAddress);
        _ = new Cable(alice.Port, bob.Port, DataRate.Parse("100Mbps"), SimDuration.FromMicroseconds(5));
        return network;
    }

    // samples/SwitchNetwork: four bare NICs A to D on a 4-port switch, 100 Mbps and 1 us.
    private static Network SwitchNetwork()
    {
        var network = new Network(new Simulation(seed: 1));
        var sw = new Switch(network, "switch", 4);
        Nic[] pcs = [.. "ABCD".Select(name => new Nic(network, name.ToString()))];
        for (int i = 0; i < pcs.Length; i++)
        {
            _ = new Cable(pcs[i].Port, sw.Ports[i], DataRate.Parse("100Mbps"), SimDuration.FromMicroseconds(1));
        }

        return network;
    }

    // samples/RouterNetwork: pc1 - sw1 - r1 - sw2 - pc2, the topology builder's defaults (100 Mbps, 1 us).
    private static Network RouterNetwork()
    {
        var network = new Network(new Simulation(seed: 1));
        var lan1 = new Switch(network, "sw1", 4);
        var lan2 = new Switch(network, "sw2", 4);
        var router = new Router(network, "r1");
        router.AddInterface("192.168.1.1/24");
        router.AddInterface("192.168.2.1/24");
        var pc1 = new Host(network, "pc1", "192.168.1.10/24", defaultGateway: "192.168.1.1");
        var pc2 = new Host(network, "pc2", "192.168.2.20/24", defaultGateway: "192.168.2.1");
        var topology = new TopologyBuilder(network);
        topology.Connect(pc1, lan1);
        topology.Connect(router, lan1);
        topology.Connect(router, lan2);
        topology.Connect(pc2, lan2);
        return network;
    }

    // A LAN on a hub as in samples/HubCongestion: hosts h1 to h3 in 10.0.0.0/24, 10 Mbps cables.
    private static Network HubLan()
    {
        var network = new Network(new Simulation(seed: 1));
        Host[] hosts = [.. Enumerable.Range(1, 3).Select(i => new Host(network, $"h{i}", $"10.0.0.{i}/24"))];
        var hub = new Hub(network, "hub", 3);
        var topology = new TopologyBuilder(network) { DefaultRate = DataRate.Parse("10Mbps") };
        foreach (Host host in hosts)
        {
            topology.Connect(host, hub);
        }

        return network;
    }

    // samples/WebVisit's network, as WebVisitRun builds it (after its visit: the diagram draws what is wired, not what ran).
    private static Network WebVisit() => new WebVisitRun().Network;
}
