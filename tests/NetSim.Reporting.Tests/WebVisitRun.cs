using NetSim.Applications;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;

namespace NetSim.Reporting.Tests;

/// <summary>
/// The WebVisit sample's network (samples/WebVisit), built the same way, and its visit run
/// with a <see cref="RunRecorder"/>: pc 192.168.1.10 - sw - r1 - r2, with dns 198.51.100.53
/// and www 93.184.216.34 behind r2.
/// </summary>
internal sealed class WebVisitRun
{
    /// <param name="options">The recorder's bounds.</param>
    /// <param name="page">The page www serves at "/" (default: the small example page).</param>
    /// <param name="beforeVisit">Called once the network is built, before the visit runs (to set an error model on a cable).</param>
    public WebVisitRun(RunRecorderOptions? options = null, string? page = null, Action<Network>? beforeVisit = null)
    {
        Simulation = new Simulation(seed: 1);
        Network = new Network(Simulation);
        Pc = new Host(Network, "pc", "192.168.1.10/24", defaultGateway: "192.168.1.1");
        var sw = new Ethernet.Switch(Network, "sw", 8);
        R1 = new Router(Network, "r1");
        R2 = new Router(Network, "r2");
        var dnsHost = new Host(Network, "dns", "198.51.100.53/24", defaultGateway: "198.51.100.1");
        Www = new Host(Network, "www", "93.184.216.34/24", defaultGateway: "93.184.216.1");
        R1.AddInterface("192.168.1.1/24");
        R1.AddInterface("203.0.113.1/24");
        R1.SetDefaultRoute("203.0.113.2");
        R2.AddInterface("203.0.113.2/24");
        R2.AddInterface("198.51.100.1/24");
        R2.AddInterface("93.184.216.1/24");
        R2.AddRoute("192.168.1.0/24", "203.0.113.1");
        var wan = DataRate.Parse("100Mbps");
        var topology = new TopologyBuilder(Network) { DefaultRate = DataRate.Parse("1Gbps") };
        topology.Connect(Pc, sw);
        topology.Connect(R1, sw);
        topology.Connect(R1, R2, wan, SimDuration.FromMilliseconds(5));
        topology.Connect(R2, dnsHost, wan, SimDuration.FromMilliseconds(2));
        topology.Connect(R2, Www, wan, SimDuration.FromMilliseconds(10));

        var dns = new DnsServer(dnsHost);
        dns.AddCname("www.example.com", "example.com", 300);
        dns.AddA("example.com", Www.Address, 3600);
        dns.Start();
        var web = new WebServer(Www);
        web.AddPage("/", page ?? "<!doctype html><html><head><title>Example Domain</title></head><body><h1>Example Domain</h1></body></html>\n");
        web.Start();

        beforeVisit?.Invoke(Network);
        Recorder = new RunRecorder(Network, options);
        var browser = new WebBrowser(Pc, new DnsResolver(Pc, dnsHost.Address));
        _ = Simulation.Start(async () => Visit = await browser.VisitAsync("http://www.example.com/"));
        Simulation.Run();
    }

    public Simulation Simulation { get; }

    public Network Network { get; }

    public Host Pc { get; }

    public Router R1 { get; }

    public Router R2 { get; }

    public Host Www { get; }

    public RunRecorder Recorder { get; }

    public WebVisit? Visit { get; private set; }
}
