using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Tests.Topology;

/// <summary>
/// A topology built with Connect, an address plan and computed routes is the topology an
/// administrator would build by hand: the same pings, the same routing tables, the same bytes
/// on the wire at the same times.
/// </summary>
public sealed class TopologyBuilderEquivalenceTests
{
    //   pc1, pc2 -- sw1 -- r1 --(10 Mb/s, 2 ms)-- r2 --(10 Mb/s, 2 ms)-- r3 -- hub -- pc3
    private static readonly DataRate Wan = DataRate.FromMegabitsPerSecond(10);
    private static readonly SimDuration WanDelay = SimDuration.FromMilliseconds(2);

    [Fact]
    public void Built_with_the_helpers_it_pings_routes_and_captures_exactly_as_built_by_hand()
    {
        Outcome byHand = Run(BuildByHand);
        Outcome withHelpers = Run(BuildWithHelpers);

        withHelpers.Addresses.Should().Equal(byHand.Addresses);
        withHelpers.RoutingTables.Should().Be(byHand.RoutingTables);
        withHelpers.PingLines.Should().Equal(byHand.PingLines);
        withHelpers.Capture.Should().Equal(byHand.Capture, "the same frames cross the same links at the same times");
        byHand.PingLines.Should().Contain(l => l.Contains("3 packets transmitted, 3 received", StringComparison.Ordinal), "pc1 reaches pc3 across three routers");
        byHand.PingLines.Should().Contain(l => l.Contains("2 packets transmitted, 2 received", StringComparison.Ordinal), "pc3 reaches pc2");
        byHand.Capture.Length.Should().BeGreaterThan(1000);
    }

    private static Lab BuildWithHelpers(Network network)
    {
        (Host pc1, Host pc2, Host pc3, Router r1, Router r2, Router r3, Switch sw1, Hub hub) = Devices(network);
        var topology = new TopologyBuilder(network);
        topology.Connect(pc1, sw1);
        topology.Connect(pc2, sw1);
        topology.Connect(r1, sw1);
        topology.Connect(r1, r2, Wan, WanDelay);
        topology.Connect(r2, r3, Wan, WanDelay);
        topology.Connect(r3, hub);
        topology.Connect(pc3, hub);
        topology.AssignAddresses("10.0.0.0/16");
        topology.ComputeRoutes();
        return new Lab(pc1, pc2, pc3, [r1, r2, r3]);
    }

    // What the helpers are documented to do, written out: NICs made in the order connected (so
    // the same MAC addresses), a /24 per domain in that order with routers numbered first, routes
    // along the chain, each host's router as its gateway.
    private static Lab BuildByHand(Network network)
    {
        (Host pc1, Host pc2, Host pc3, Router r1, Router r2, Router r3, Switch sw1, Hub hub) = Devices(network);
        pc1.AddInterface("10.0.0.2/24");
        pc2.AddInterface("10.0.0.3/24");
        r1.AddInterface("10.0.0.1/24");
        r1.AddInterface("10.0.1.1/24");
        r2.AddInterface("10.0.1.2/24");
        r2.AddInterface("10.0.2.1/24");
        r3.AddInterface("10.0.2.2/24");
        r3.AddInterface("10.0.3.1/24");
        pc3.AddInterface("10.0.3.2/24");
        var lan = DataRate.FromMegabitsPerSecond(100);
        var lanDelay = SimDuration.FromMicroseconds(1);
        _ = new Cable(pc1.Port, sw1.Ports[0], lan, lanDelay);
        _ = new Cable(pc2.Port, sw1.Ports[1], lan, lanDelay);
        _ = new Cable(r1.Interfaces[0].Port, sw1.Ports[2], lan, lanDelay);
        _ = new Cable(r1.Interfaces[1].Port, r2.Interfaces[0].Port, Wan, WanDelay);
        _ = new Cable(r2.Interfaces[1].Port, r3.Interfaces[0].Port, Wan, WanDelay);
        _ = new Cable(r3.Interfaces[1].Port, hub.Ports[0], lan, lanDelay);
        _ = new Cable(pc3.Port, hub.Ports[1], lan, lanDelay);
        r1.AddRoute("10.0.2.0/24", "10.0.1.2");
        r1.AddRoute("10.0.3.0/24", "10.0.1.2");
        r2.AddRoute("10.0.0.0/24", "10.0.1.1");
        r2.AddRoute("10.0.3.0/24", "10.0.2.2");
        r3.AddRoute("10.0.0.0/24", "10.0.2.1");
        r3.AddRoute("10.0.1.0/24", "10.0.2.1");
        pc1.DefaultGateway = Ipv4Address.Parse("10.0.0.1");
        pc2.DefaultGateway = Ipv4Address.Parse("10.0.0.1");
        pc3.DefaultGateway = Ipv4Address.Parse("10.0.3.1");
        return new Lab(pc1, pc2, pc3, [r1, r2, r3]);
    }

    private static (Host, Host, Host, Router, Router, Router, Switch, Hub) Devices(Network network) =>
        (new Host(network, "pc1"), new Host(network, "pc2"), new Host(network, "pc3"),
         new Router(network, "r1"), new Router(network, "r2"), new Router(network, "r3"),
         new Switch(network, "sw1", 4), new Hub(network, "hub", 4));

    private static Outcome Run(Func<Network, Lab> build)
    {
        var sim = new Simulation(seed: 3);
        var network = new Network(sim);
        Lab lab = build(network);
        var stream = new MemoryStream();
        var lines = new List<string>();
        using (var pcap = new PcapWriter(stream, sim))
        {
            pcap.Capture(lab.Pc1.Interfaces[0].Nic);
            pcap.Capture(lab.Routers[1].Interfaces[1].Port.Cable!);
            pcap.Capture(lab.Pc3.Interfaces[0].Nic);
            var toPc3 = new Ping(lab.Pc1, lab.Pc3.Address) { Count = 3 };
            var toPc2 = new Ping(lab.Pc3, lab.Pc2.Address) { Count = 2 };
            toPc3.ResultReceived += (_, r) => lines.Add($"{sim.Now} pc1: {r}");
            toPc2.ResultReceived += (_, r) => lines.Add($"{sim.Now} pc3: {r}");
            toPc3.Start();
            toPc2.Start();
            sim.Run();
            lines.Add(toPc3.Summary.ToString());
            lines.Add(toPc2.Summary.ToString());
        }

        IpNode[] nodes = [lab.Pc1, lab.Pc2, lab.Pc3, .. lab.Routers];
        string[] addresses = [.. nodes.SelectMany(n => n.Interfaces.Select(i => $"{i} {i.Mac} gateway {n.DefaultGateway}"))];
        string tables = string.Concat(lab.Routers.Select(r => r.FormatRoutes()));
        return new Outcome(addresses, tables, lines, stream.ToArray());
    }

    private sealed record Lab(Host Pc1, Host Pc2, Host Pc3, Router[] Routers);

    private sealed record Outcome(string[] Addresses, string RoutingTables, List<string> PingLines, byte[] Capture);
}
