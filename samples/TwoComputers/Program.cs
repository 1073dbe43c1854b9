using System.CommandLine;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Reporting;
using NetSim.Topology;
using NetSim.Tracing;

Option<string> pcapOption = SampleCommandLine.PcapOption("alice's link (the first ping)");
Option<string> reportOption = SampleReport.ReportOption("each ping's run, one file each (report.html: report-same-subnet.html, report-different-subnets.html)");
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
Option<bool> explainOption = SampleCommandLine.ExplainOption();
ParseResult options = new RootCommand("Two computers on one cable ping each other in one subnet, then fail to across two.") { pcapOption, reportOption, fingerprintOption, explainOption }.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

string? pcapPath = options.GetValue(pcapOption);
bool printFingerprint = options.GetValue(fingerprintOption);
bool explain = options.GetValue(explainOption);
string? reportPath = options.GetValue(reportOption);

// Two computers on one cable talk when their addresses share a subnet: the same network
// part under the netmask. Move one into another subnet and the ping fails, and the
// sender says why.
Console.WriteLine("1. alice 192.168.1.1/24 and bob 192.168.1.2/24: both in 192.168.1.0/24.");
RunPing("192.168.1.2/24", pcapPath, printFingerprint, explain, SampleReport.PathFor(reportPath, "same-subnet"));
Console.WriteLine();
Console.WriteLine("2. bob moves to 192.168.2.2/24: his network part is now 192.168.2, not alice's 192.168.1.");
RunPing("192.168.2.2/24", pcapPath: null, printFingerprint, explain, SampleReport.PathFor(reportPath, "different-subnets"));
return 0;

static void RunPing(string bobAddress, string? pcapPath, bool printFingerprint, bool explain, string? reportPath)
{
    var sim = new Simulation(seed: 1);
    var network = new Network(sim);
    using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(printFingerprint, network);
    using SampleReport.Recording? report = SampleReport.Start(reportPath, network, $"alice 192.168.1.1/24 pings bob {bobAddress}", new RunRecorderOptions { SnapLength = 1514 });
    using TraceNarrator? narrator = SampleCommandLine.StartNarrator(explain, network);
    var alice = new Host(network, "alice", "192.168.1.1/24");
    var bob = new Host(network, "bob", bobAddress);
    _ = new Cable(alice.Port, bob.Port, DataRate.Parse("100Mbps"), SimDuration.FromMicroseconds(5));
    using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
    pcap?.Capture(alice.Interfaces[0].Nic);
    alice.Port.AddTap(new Printer(sim));

    var ping = new Ping(alice, bob.Address) { Count = 3 };
    Console.WriteLine($"alice: {ping.Banner}");
    ping.ResultReceived += (_, result) => Console.WriteLine($"{sim.Now,12}  alice: {result}");
    ping.Start();
    sim.Run();
    Console.WriteLine(); // ping leaves an empty line before its statistics
    Console.WriteLine(ping.Summary);
    Console.Write(alice.Interfaces[0].Arp);
    if (pcapPath is not null)
    {
        Console.WriteLine($"Capture of alice's link written to {pcapPath}.");
    }

    report?.Write();
    fingerprint.Print();
}

/// <summary>Prints each frame that leaves alice, with its addresses.</summary>
internal sealed class Printer(Simulation sim) : IFrameTap
{
    public void OnFrame(Port port, ReadOnlySpan<byte> frame, bool outgoing)
    {
        Console.WriteLine($"{sim.Now,12}  {(outgoing ? "alice sends   " : "alice receives")}  {FrameSummary.Describe(frame)}");
    }
}
