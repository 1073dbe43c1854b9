using System.CommandLine;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Reporting;
using NetSim.Tracing;

Option<string> pcapOption = SampleCommandLine.PcapOption("A's link");
Option<string> reportOption = SampleReport.ReportOption();
Option<bool> fingerprintOption = SampleCommandLine.FingerprintOption();
Option<bool> explainOption = SampleCommandLine.ExplainOption();
ParseResult options = new RootCommand("Four computers on a hub: everyone hears every frame, and senders collide.") { pcapOption, reportOption, fingerprintOption, explainOption }.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

string? pcapPath = options.GetValue(pcapOption);

// Four computers on a hub: A sends to B, and C and D receive it too, because a hub
// repeats every frame out of every other port. C and D throw it away: it is not for them.
var sim = new Simulation(seed: 1);
var network = new Network(sim);
using Fingerprint? fingerprint = SampleCommandLine.StartFingerprint(options.GetValue(fingerprintOption), network);
using SampleReport.Recording? report = SampleReport.Start(options.GetValue(reportOption), network, "Four computers on a hub: everyone hears every frame, and senders collide.", new RunRecorderOptions { SnapLength = 1514 });
using TraceNarrator? narrator = SampleCommandLine.StartNarrator(options.GetValue(explainOption), network);
var hub = new Hub(network, "hub", 4);
Nic[] pcs = [.. "ABCD".Select(name => new Nic(network, name.ToString()))];
for (int i = 0; i < pcs.Length; i++)
{
    _ = new Cable(pcs[i].Port, hub.Ports[i], DataRate.Parse("10Mbps"), SimDuration.FromMicroseconds(1));
}

using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
pcap?.Capture(pcs[0]);
using var trace = new TraceRecorder(network.Tracer);

Console.WriteLine($"A ({pcs[0].Mac}) sends one frame to B ({pcs[1].Mac}).");
pcs[0].Send(pcs[0].CreateFrame(pcs[1].Mac, FrameSource.TestEtherType, 46));
sim.Run();

foreach (FrameEvent e in trace.Events.OfType<FrameEvent>())
{
    Console.WriteLine($"  {e}");
}

foreach (Nic pc in pcs.Skip(1))
{
    Console.WriteLine($"{pc.Name} heard {pc.Port.Counters.FramesReceived} frame(s), kept {pc.FramesDelivered}, ignored {pc.Port.Counters.Dropped(DropReason.NotForMe)} (not for it).");
}

// Now everyone talks at once: the stations share one 10 Mb/s medium and collide.
trace.Clear();
foreach (Nic pc in pcs)
{
    new FrameSource(pc, pcs[(Array.IndexOf(pcs, pc) + 1) % pcs.Length].Mac, 1000, count: 20).Start();
}

sim.Run();
long collisions = trace.Events.OfType<FrameEvent>().Count(e => e.Kind == FrameEventKind.Collided);
long delivered = pcs.Sum(p => p.FramesDelivered) - 1;
Console.WriteLine($"With all four sending 20 frames each: {collisions} collisions, {delivered} frames delivered, done at {sim.Now}.");
Console.WriteLine("For the curve as hosts are added, with a switch beside it, run samples/HubCongestion.");
report?.Write();
fingerprint.Print();
return 0;
