using System.CommandLine;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Reporting;
using NetSim.Topology;
using NetSim.Tracing;

Option<string> pcapOption = SampleCommandLine.PcapOption("the pc's link");
Option<string> reportOption = SampleReport.ReportOption();
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
Option<bool> explainOption = SampleCommandLine.ExplainOption();
ParseResult options = new RootCommand("A browser visits www.example.com: DNS, the TCP handshake, HTTP GET and 200, the close.") { pcapOption, reportOption, fingerprintOption, explainOption }.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

string? pcapPath = options.GetValue(pcapOption);

// A browser visits www.example.com. Four steps, and every frame on the way:
//   1. DNS turns the name into an address (like a phone book);
//   2. TCP opens with the three-way handshake (SYN, SYN-ACK, ACK);
//   3. HTTP: the GET goes out, the page comes back;
//   4. TCP closes with the four-way wave (FIN, ACK, FIN, ACK).
// The PC's frames cross two routers: watch the MAC addresses change at each hop while the
// IP addresses stay the same.
//
//   pc 192.168.1.10 -- sw -- r1 (gateway) -- 203.0.113.0/24 -- r2 ("the internet")
//                                                   r2 -- 198.51.100.0/24 -- dns 198.51.100.53
//                                                   r2 -- 93.184.216.0/24 -- www 93.184.216.34
var sim = new Simulation(seed: 1);
var network = new Network(sim);
using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(options.GetValue(fingerprintOption), network);
using SampleReport.Recording? report = SampleReport.Start(options.GetValue(reportOption), network, "A browser visits www.example.com: DNS, the TCP handshake, HTTP GET and 200, the close.", new RunRecorderOptions { SnapLength = 1514 });
using TraceNarrator? narrator = SampleCommandLine.StartNarrator(options.GetValue(explainOption), network);
var lan = DataRate.Parse("1Gbps");
var wan = DataRate.Parse("100Mbps");

var pc = new Host(network, "pc", "192.168.1.10/24", defaultGateway: "192.168.1.1");
var sw = new Switch(network, "sw", 8);
var r1 = new Router(network, "r1");
var r2 = new Router(network, "r2");
var dnsHost = new Host(network, "dns", "198.51.100.53/24", defaultGateway: "198.51.100.1");
var webHost = new Host(network, "www", "93.184.216.34/24", defaultGateway: "93.184.216.1");
r1.AddInterface("192.168.1.1/24");
r1.AddInterface("203.0.113.1/24");
r1.SetDefaultRoute("203.0.113.2");
r2.AddInterface("203.0.113.2/24");
r2.AddInterface("198.51.100.1/24");
r2.AddInterface("93.184.216.1/24");
r2.AddRoute("192.168.1.0/24", "203.0.113.1");
var topology = new TopologyBuilder(network) { DefaultRate = lan }; // and 1 us of delay
topology.Connect(pc, sw);
topology.Connect(r1, sw);
topology.Connect(r1, r2, wan, SimDuration.FromMilliseconds(5));
topology.Connect(r2, dnsHost, wan, SimDuration.FromMilliseconds(2));
topology.Connect(r2, webHost, wan, SimDuration.FromMilliseconds(10));

var dns = new DnsServer(dnsHost);
dns.AddCname("www.example.com", "example.com", 300);
dns.AddA("example.com", webHost.Address, 3600);
dns.Start();
var web = new WebServer(webHost);
web.AddPage("/", "<!doctype html><html><head><title>Example Domain</title></head><body><h1>Example Domain</h1></body></html>\n");
web.Start();

using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
pcap?.Capture(pc.Interfaces[0].Nic);
pc.Port.AddTap(new Printer(sim, "pc "));
webHost.Port.AddTap(new Printer(sim, "www"));

Console.WriteLine("Frames at the pc's link (pc) and at the web server's link (www), MACs first, then IPs:");
var browser = new WebBrowser(pc, new DnsResolver(pc, dnsHost.Address));
WebVisit? visit = null;
_ = sim.Start(async () => visit = await browser.VisitAsync("http://www.example.com/"));
sim.Run();

Console.WriteLine();
Console.WriteLine($"Visit of {visit!.Url}: {(visit.Succeeded ? "done" : visit.Error)} in {visit.Duration} of simulated time.");
Console.WriteLine($"{"step",-26} {"took",12}  what happened");
foreach (WebVisitStep step in visit.Steps)
{
    Console.WriteLine(step);
}

Console.WriteLine();
Console.WriteLine($"pc {pc.Interfaces[0].Mac}, r1 {r1.Interfaces[0].Mac} (LAN side) and {r1.Interfaces[1].Mac}, r2 {r2.Interfaces[2].Mac} (web side), www {webHost.Interfaces[0].Mac}.");
Console.WriteLine($"The page: {visit.Response?.Body.Length ?? 0} bytes; {sim.EventsExecuted} events.");
if (pcapPath is not null)
{
    Console.WriteLine($"Capture of the pc's link written to {pcapPath}.");
}

if (report is null)
{
    Console.WriteLine("To step through every frame of the visit in a browser (its layers, its bytes, what each router changed), run again with --report visit.html.");
}

report?.Write();
fingerprint.Print();
return 0;

/// <summary>Prints each frame that crosses a port, with its addresses.</summary>
internal sealed class Printer(Simulation sim, string where) : IFrameTap
{
    public void OnFrame(Port port, ReadOnlySpan<byte> frame, bool outgoing) =>
        Console.WriteLine($"{sim.Now,12} {where} {(outgoing ? "->" : "<-")} {FrameSummary.Describe(frame)}");
}
