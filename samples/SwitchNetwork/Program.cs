using System.CommandLine;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Reporting;
using NetSim.Tracing;

Option<string> pcapOption = SampleCommandLine.PcapOption("A's link");
Option<string> reportOption = SampleReport.ReportOption();
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
ParseResult options = new RootCommand("Four computers on a switch: it floods, learns, then sends out of one port only.") { pcapOption, reportOption, fingerprintOption }.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

string? pcapPath = options.GetValue(pcapOption);

// Four computers on a switch. The first frame from A to B is flooded (the switch does
// not know B yet) but teaches it where A is; B's reply goes out of A's port only, and
// from then on frames between them go out of one port only.
var sim = new Simulation(seed: 1);
var network = new Network(sim);
using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(options.GetValue(fingerprintOption), network);
using SampleReport.Recording? report = SampleReport.Start(options.GetValue(reportOption), network, "Four computers on a switch: it floods, learns, then sends out of one port only.", new RunRecorderOptions { SnapLength = 1514 });
var sw = new Switch(network, "switch", 4);
Nic[] pcs = [.. "ABCD".Select(name => new Nic(network, name.ToString()))];
for (int i = 0; i < pcs.Length; i++)
{
    _ = new Cable(pcs[i].Port, sw.Ports[i], DataRate.Parse("100Mbps"), SimDuration.FromMicroseconds(1));
}

using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
pcap?.Capture(pcs[0]);
using var trace = new TraceRecorder(network.Tracer);

void Step(string what, Nic from, Nic to)
{
    Console.WriteLine(what);
    trace.Clear();
    long[] before = [.. pcs.Select(p => p.Port.Counters.FramesReceived)];
    from.Send(from.CreateFrame(to.Mac, FrameSource.TestEtherType, 46));
    sim.Run();
    foreach (FrameEvent e in trace.Events.OfType<FrameEvent>().Where(e => e.Device == "switch" || e.Kind == FrameEventKind.Received))
    {
        Console.WriteLine($"  {e.Time,10}  {TraceNarrator.Explain(e)}");
    }

    IEnumerable<string> heard = pcs.Where((p, i) => p.Port.Counters.FramesReceived > before[i]).Select(p => p.Name);
    Console.WriteLine($"  the frame reached: {string.Join(", ", heard)}");
}

Step("1. A sends to B: the switch does not know B yet, so it floods.", pcs[0], pcs[1]);
Step("2. B replies: the switch learned A on port 0, so only A gets it.", pcs[1], pcs[0]);
Step("3. A sends to B again: now one port only.", pcs[0], pcs[1]);

Console.WriteLine();
Console.Write(sw.FormatTables());

report?.Write();
fingerprint.Print();
return 0;
