using System.CommandLine;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Reporting;
using NetSim.Topology;
using NetSim.Tracing;

Option<string> pcapOption = SampleCommandLine.PcapOption("pc1's link");
Option<string> reportOption = SampleReport.ReportOption();
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
Option<bool> explainOption = SampleCommandLine.ExplainOption();
ParseResult options = new RootCommand("Two LANs joined by a router: a ping crosses it, and each frame is shown on both sides.") { pcapOption, reportOption, fingerprintOption, explainOption }.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

string? pcapPath = options.GetValue(pcapOption);

// Two LANs joined by a router. pc1 sends what is not on its own network to its default
// gateway; the router keeps the IP addresses of each packet and rewrites the MAC
// addresses: the frame on the left has pc1's and the router's MACs, the same packet on
// the right has the router's and pc2's.
var sim = new Simulation(seed: 1);
var network = new Network(sim);
using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(options.GetValue(fingerprintOption), network);
using SampleReport.Recording? report = SampleReport.Start(options.GetValue(reportOption), network, "Two LANs joined by a router: a ping crosses it, and each frame is shown on both sides.", new RunRecorderOptions { SnapLength = 1514 });
using TraceNarrator? narrator = SampleCommandLine.StartNarrator(options.GetValue(explainOption), network);

var lan1 = new Switch(network, "sw1", 4);
var lan2 = new Switch(network, "sw2", 4);
var router = new Router(network, "r1");
router.AddInterface("192.168.1.1/24");
router.AddInterface("192.168.2.1/24");
var pc1 = new Host(network, "pc1", "192.168.1.10/24", defaultGateway: "192.168.1.1");
var pc2 = new Host(network, "pc2", "192.168.2.20/24", defaultGateway: "192.168.2.1");

// Each cable goes into the next free port at both ends: 100 Mb/s and 1 us of delay, the defaults.
var topology = new TopologyBuilder(network);
topology.Connect(pc1, lan1);
topology.Connect(router, lan1); // r1's first interface without a cable, 192.168.1.1
topology.Connect(router, lan2); // then its second, 192.168.2.1
topology.Connect(pc2, lan2);

using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
pcap?.Capture(pc1.Interfaces[0].Nic);
router.Interfaces[0].Port.AddTap(new Printer(sim, "LAN 1"));
router.Interfaces[1].Port.AddTap(new Printer(sim, "LAN 2"));

Console.WriteLine($"pc1 {pc1.Address} ({pc1.Interfaces[0].Mac}), gateway {pc1.DefaultGateway}");
Console.WriteLine($"r1  {router.Interfaces[0].Address} ({router.Interfaces[0].Mac}) on LAN 1, {router.Interfaces[1].Address} ({router.Interfaces[1].Mac}) on LAN 2");
Console.WriteLine($"pc2 {pc2.Address} ({pc2.Interfaces[0].Mac}), gateway {pc2.DefaultGateway}");
Console.WriteLine();

var ping = new Ping(pc1, pc2.Address) { Count = 2 };
Console.WriteLine($"pc1: {ping.Banner}");
ping.ResultReceived += (_, result) => Console.WriteLine($"{sim.Now,12}  pc1: {result}");
ping.Start();
sim.Run();

Console.WriteLine(); // ping leaves an empty line before its statistics
Console.WriteLine(ping.Summary);
Console.WriteLine();
Console.Write(router.FormatTables());
Console.WriteLine($"r1 forwarded {router.Counters.PacketsForwarded} packets.");
if (pcapPath is not null)
{
    Console.WriteLine($"Capture of pc1's link written to {pcapPath}.");
}

report?.Write();
fingerprint.Print();
return 0;

/// <summary>Prints each frame as it enters or leaves the router on one LAN.</summary>
internal sealed class Printer(Simulation sim, string lan) : IFrameTap
{
    public void OnFrame(Port port, ReadOnlySpan<byte> frame, bool outgoing)
    {
        Console.WriteLine($"{sim.Now,12}  {lan} {(outgoing ? "<- r1" : "-> r1")}  {FrameSummary.Describe(frame)}");
    }
}
