using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Tests.Partitioning;

/// <summary>
/// The WebVisit sample's network (pc, switch and r1 on the LAN; r2 across a 5 ms WAN link, with
/// the DNS server 2 ms and the web server 10 ms behind it) and its visit: DNS, the handshake,
/// HTTP, the close. Built in one simulation and cut at its WAN links into 2 and 3 partitions,
/// every device does the same things at the same picoseconds, and the visit takes as long.
/// </summary>
[Collection(PartitionedRuns.Name)]
public sealed class WebVisitPartitionTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void The_whole_lesson_runs_across_partitions_as_in_one_simulation(int partitions)
    {
        (string[] devices, string visit) sequential = Visit(null);
        (string[] devices, string visit) partitioned = Visit(partitions);

        sequential.visit.Should().StartWith("done in ");
        partitioned.devices.Should().Equal(sequential.devices);
        partitioned.visit.Should().Be(sequential.visit);
    }

    // 2: the LAN and r1 | r2, dns and www. 3: the LAN and r1 | r2 and dns | www.
    private static int PartitionOf(string device, int partitions) => device switch
    {
        "pc" or "sw" or "r1" => 0,
        "www" when partitions == 3 => 2,
        _ => 1,
    };

    private static (string[] Devices, string Visit) Visit(int? partitions)
    {
        var model = new PlacedModel(partitions, seed: 1, device => PartitionOf(device, partitions ?? 1));
        DataRate lan = DataRate.Parse("1Gbps");
        DataRate wan = DataRate.Parse("100Mbps");
        Host pc = model.NewHost("pc", "192.168.1.10", "192.168.1.1", Mac(1));
        var sw = new Switch(model.NetworkOf("sw"), "sw", 8);
        var r1 = new Router(model.NetworkOf("r1"), "r1");
        var r2 = new Router(model.NetworkOf("r2"), "r2");
        Host dnsHost = model.NewHost("dns", "198.51.100.53", "198.51.100.1", Mac(2));
        Host webHost = model.NewHost("www", "93.184.216.34", "93.184.216.1", Mac(3));
        IpInterface r1Lan = r1.AddInterface("192.168.1.1/24", Mac(4));
        IpInterface r1Wan = r1.AddInterface("203.0.113.1/24", Mac(5));
        r1.SetDefaultRoute("203.0.113.2");
        IpInterface r2Wan = r2.AddInterface("203.0.113.2/24", Mac(6));
        IpInterface r2Dns = r2.AddInterface("198.51.100.1/24", Mac(7));
        IpInterface r2Web = r2.AddInterface("93.184.216.1/24", Mac(8));
        r2.AddRoute("192.168.1.0/24", "203.0.113.1");
        _ = model.TopologyOf("sw").Connect(pc.Interfaces[0], sw, lan);
        _ = model.TopologyOf("sw").Connect(r1Lan, sw, lan);
        model.Link(r1Wan, r2Wan, wan, SimDuration.FromMilliseconds(5));
        model.Link(r2Dns, dnsHost.Interfaces[0], wan, SimDuration.FromMilliseconds(2));
        model.Link(r2Web, webHost.Interfaces[0], wan, SimDuration.FromMilliseconds(10));

        var dns = new DnsServer(dnsHost);
        dns.AddCname("www.example.com", "example.com", 300);
        dns.AddA("example.com", webHost.Address, 3600);
        dns.Start();
        var web = new WebServer(webHost);
        web.AddPage("/", "<!doctype html><html><head><title>Example Domain</title></head><body><h1>Example Domain</h1></body></html>\n");
        web.Start();

        SiteModel.DeviceHashes hashes = model.WatchDevices();

        var browser = new WebBrowser(pc, new DnsResolver(pc, dnsHost.Address));
        WebVisit? visit = null;
        _ = pc.Simulation.Start(async () => visit = await browser.VisitAsync("http://www.example.com/"));
        model.Run(null);

        string summary = $"{(visit!.Succeeded ? "done" : visit.Error)} in {visit.Duration.Picoseconds} ps: {string.Join("; ", visit.Steps)}; {visit.Response?.Body.Length} bytes";
        return ([.. hashes.Values().Select(pair => $"{pair.Key}: {pair.Value}")], summary);

    }

    private static MacAddress Mac(int index) => MacAddress.FromUInt64(0x0A_00_00_00_01_00UL | (uint)index);
}
