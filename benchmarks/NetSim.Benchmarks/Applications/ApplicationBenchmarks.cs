using BenchmarkDotNet.Attributes;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Benchmarks.Applications;

/// <summary>
/// Web visits end to end, as in samples/WebVisit: a browser on a LAN behind a router, a
/// second router for the internet, a DNS server and a web server. One operation is one
/// whole visit: a DNS query and answer (the resolver's cache is cleared first), the TCP
/// handshake, GET and 200, the four-way close; visits follow one another in one
/// simulation. Events per visit are printed by the setup.
/// </summary>
[MemoryDiagnoser]
public class WebVisitBenchmarks
{
    public const int Visits = 200;

    private Simulation? simulation;
    private WebBrowser? browser;
    private DnsResolver? resolver;

    [GlobalSetup]
    public void Setup()
    {
        simulation = new Simulation(seed: 1);
        var network = new Network(simulation);
        var rate = DataRate.Parse("1Gbps");
        var delay = SimDuration.FromMicroseconds(100);
        var pc = new Host(network, "pc", "192.168.1.10/24", "192.168.1.1");
        var sw = new NetSim.Ethernet.Switch(network, "sw", 4);
        var r1 = new Router(network, "r1");
        var r2 = new Router(network, "r2");
        var dnsHost = new Host(network, "dns", "198.51.100.53/24", "198.51.100.1");
        var webHost = new Host(network, "www", "93.184.216.34/24", "93.184.216.1");
        r1.AddInterface("192.168.1.1/24");
        r1.AddInterface("203.0.113.1/24");
        r1.SetDefaultRoute("203.0.113.2");
        r2.AddInterface("203.0.113.2/24");
        r2.AddInterface("198.51.100.1/24");
        r2.AddInterface("93.184.216.1/24");
        r2.AddRoute("192.168.1.0/24", "203.0.113.1");
        _ = new Cable(pc.Port, sw.Ports[0], rate, delay);
        _ = new Cable(r1.Interfaces[0].Port, sw.Ports[1], rate, delay);
        _ = new Cable(r1.Interfaces[1].Port, r2.Interfaces[0].Port, rate, delay);
        _ = new Cable(r2.Interfaces[1].Port, dnsHost.Port, rate, delay);
        _ = new Cable(r2.Interfaces[2].Port, webHost.Port, rate, delay);
        var dns = new DnsServer(dnsHost);
        dns.AddCname("www.example.com", "example.com", 300);
        dns.AddA("example.com", webHost.Address, 3600);
        dns.Start();
        var web = new WebServer(webHost);
        web.AddPage("/", "<!doctype html><html><head><title>Example Domain</title></head><body><h1>Example Domain</h1></body></html>\n");
        web.Start();
        resolver = new DnsResolver(pc, dnsHost.Address);
        browser = new WebBrowser(pc, resolver);

        long before = simulation.EventsExecuted;
        int done = VisitAll();
        if (done != Visits)
        {
            throw new InvalidOperationException($"Only {done} of {Visits} visits succeeded.");
        }

        Console.WriteLine($"// web visit: {(simulation.EventsExecuted - before) / (double)Visits:F1} events per visit");
    }

    [Benchmark(OperationsPerInvoke = Visits)]
    public int Visit() => VisitAll();

    private int VisitAll()
    {
        int succeeded = 0;
        simulation!.Start(async () =>
        {
            for (int i = 0; i < Visits; i++)
            {
                resolver!.ClearCache();
                WebVisit visit = await browser!.VisitAsync("http://www.example.com/");
                succeeded += visit.Succeeded ? 1 : 0;
            }
        });
        simulation.Run();
        return succeeded;
    }
}

/// <summary>
/// A DNS server under load: a client sends queries for a name with a CNAME chain, one
/// every microsecond of simulated time, over a 10 Gb/s link; the server parses each,
/// answers from its zone and sends the compressed response. One operation is one query
/// answered and received.
/// </summary>
[MemoryDiagnoser]
public class DnsServerBenchmarks
{
    public const int Queries = 20_000;

    private Simulation? simulation;
    private QuerySender? sender;
    private long answers;

    [GlobalSetup]
    public void Setup()
    {
        simulation = new Simulation(seed: 1);
        var network = new Network(simulation);
        var clientHost = new Host(network, "client", "10.0.0.1/24");
        var serverHost = new Host(network, "dns", "10.0.0.53/24");
        _ = new Cable(clientHost.Port, serverHost.Port, DataRate.Parse("10Gbps"), SimDuration.FromMicroseconds(1));
        clientHost.Interfaces[0].Arp.AddStatic(serverHost.Address, serverHost.Interfaces[0].Mac);
        serverHost.Interfaces[0].Arp.AddStatic(clientHost.Address, clientHost.Interfaces[0].Mac);
        var server = new DnsServer(serverHost);
        server.AddCname("www.example.com", "example.com", 300);
        server.AddA("example.com", Ipv4Address.Parse("93.184.216.34"), 3600);
        server.Start();
        var client = new UdpSocket(clientHost);
        client.Bind(5353);
        client.Received += (_, _, _, data) => answers += data.Length > 0 ? 1 : 0;
        sender = new QuerySender(client, DnsMessage.Query(0x1234, "www.example.com", DnsType.A).ToArray(), serverHost.Address, Queries);
        if (Ask() != Queries)
        {
            throw new InvalidOperationException("Not every query was answered.");
        }
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public long Query() => Ask();

    private long Ask()
    {
        long before = answers;
        sender!.Restart();
        simulation!.Schedule(SimDuration.Zero, sender);
        simulation.Run();
        return answers - before;
    }

    private sealed class QuerySender(UdpSocket socket, byte[] query, Ipv4Address server, int count) : IEventTarget
    {
        private int sent;

        public void Restart() => sent = 0;

        public void OnEvent(int kind, long argument)
        {
            socket.SendTo(query, server, 53);
            if (++sent < count)
            {
                socket.Node.Simulation.Schedule(SimDuration.FromMicroseconds(1), this);
            }
        }
    }
}
