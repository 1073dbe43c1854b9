using System.CommandLine;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Reporting;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Wire;

Option<string> pcapOption = SampleCommandLine.PcapOption("pc1's link");
Option<string> reportOption = SampleReport.ReportOption();
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
Option<bool> explainOption = SampleCommandLine.ExplainOption();
ParseResult options = new RootCommand("traceroute across three routers: each router names itself with ICMP time exceeded.") { pcapOption, reportOption, fingerprintOption, explainOption }.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

string? pcapPath = options.GetValue(pcapOption);

// traceroute across a chain of three routers: probes with TTL 1, 2, 3, ... Each router
// where a probe's TTL runs out answers with ICMP time exceeded and so names itself; the
// destination answers the last probe with an echo reply. Then a trace to a host that is not
// there: the last router asks ARP three times, one second apart, then answers "host
// unreachable", which traceroute marks !H, and the trace stops.
//
//   pc1 10.0.1.10 -- r1 -- 10.0.2.0/24 -- r2 -- 10.0.3.0/24 -- r3 -- pc2 10.0.4.10
var sim = new Simulation(seed: 1);
var network = new Network(sim);
using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(options.GetValue(fingerprintOption), network);
using SampleReport.Recording? report = SampleReport.Start(options.GetValue(reportOption), network, "traceroute across three routers: each router names itself with ICMP time exceeded.", new RunRecorderOptions { SnapLength = 1514 });
using TraceNarrator? narrator = SampleCommandLine.StartNarrator(options.GetValue(explainOption), network);

var pc1 = new Host(network, "pc1", "10.0.1.10/24", defaultGateway: "10.0.1.1");
var pc2 = new Host(network, "pc2", "10.0.4.10/24", defaultGateway: "10.0.4.1");
var r1 = new Router(network, "r1");
var r2 = new Router(network, "r2");
var r3 = new Router(network, "r3");
r1.AddInterface("10.0.1.1/24");
r1.AddInterface("10.0.2.1/24");
r2.AddInterface("10.0.2.2/24");
r2.AddInterface("10.0.3.1/24");
r3.AddInterface("10.0.3.2/24");
r3.AddInterface("10.0.4.1/24");
r1.AddRoute("10.0.3.0/24", "10.0.2.2");
r1.AddRoute("10.0.4.0/24", "10.0.2.2");
r2.AddRoute("10.0.1.0/24", "10.0.2.1");
r2.AddRoute("10.0.4.0/24", "10.0.3.2");
r3.SetDefaultRoute("10.0.3.1");

// 1 Gb/s links of 50 us, a few kilometres of fibre each; every cable goes into the next
// interface without one: r1's first (10.0.1.1) to pc1, its second (10.0.2.1) to r2, and so on.
var topology = new TopologyBuilder(network) { DefaultRate = DataRate.Parse("1Gbps"), DefaultDelay = SimDuration.FromMicroseconds(50) };
topology.Connect(pc1, r1);
topology.Connect(r1, r2);
topology.Connect(r2, r3);
topology.Connect(r3, pc2);

using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
pcap?.Capture(pc1.Interfaces[0].Nic);

Console.WriteLine("1. traceroute to pc2:");
Trace(pc2.Address);
Console.WriteLine("2. traceroute to 10.0.4.99, where no one is:");
Trace(Ipv4Address.Parse("10.0.4.99"));
foreach (Router router in new[] { r1, r2, r3 })
{
    Console.Write(router.FormatRoutes());
}

if (pcapPath is not null)
{
    Console.WriteLine($"Capture of pc1's link written to {pcapPath}.");
}

report?.Write();
fingerprint.Print();
return 0;

void Trace(Ipv4Address destination)
{
    var trace = new Traceroute(pc1, destination);
    Console.WriteLine(trace.Banner);
    trace.HopCompleted += (_, hop) => Console.WriteLine(hop);
    trace.Start();
    sim.Run();
    Console.WriteLine(trace.ReachedDestination ? $"Reached {destination} in {trace.Hops.Count} hops." : $"Did not reach {destination}.");
    Console.WriteLine();
}
