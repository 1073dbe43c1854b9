using NetSim.Devices;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

// Two computers on one cable: each frame takes its serialization time plus the cable's
// delay, and arrives byte for byte as it was sent.
string? pcapPath = args.SkipWhile(a => a != "--pcap").Skip(1).FirstOrDefault();

var sim = new Simulation(seed: 1);
var network = new Network(sim);
var alice = new Nic(network, "alice");
var bob = new Nic(network, "bob");
var cable = new Cable(alice.Port, bob.Port, DataRate.Parse("100Mbps"), SimDuration.FromMicroseconds(5));
using PcapWriter? pcap = pcapPath is null ? null : PcapWriter.Create(pcapPath, sim);
pcap?.Capture(alice);

Console.WriteLine($"alice is {alice.Mac}, bob is {bob.Mac}; the cable runs at {cable.Rate} with {cable.Delay} of delay.");
bob.Received = (nic, frame) =>
{
    ReadOnlySpan<byte> bytes = network.Frames.GetSpan(frame);
    EthernetHeader.TryParse(bytes, out EthernetHeader header);
    Console.WriteLine($"{sim.Now,12}  bob receives {bytes.Length} bytes from {header.Source}");
    network.Frames.Return(frame);
    FrameHandle reply = bob.CreateFrame(header.Source, FrameSource.TestEtherType, 100);
    Console.WriteLine($"{sim.Now,12}  bob replies with 114 bytes");
    bob.Send(reply);
};
alice.Received = (nic, frame) =>
{
    Console.WriteLine($"{sim.Now,12}  alice receives bob's reply ({network.Frames.GetLength(frame)} bytes)");
    network.Frames.Return(frame);
};

foreach (int size in new[] { 60, 1514 })
{
    Console.WriteLine($"{sim.Now,12}  alice sends {size} bytes: {DataRate.Parse("100Mbps").TransmissionTime(8 + size + 4)} on the wire (preamble and FCS included)");
    alice.Send(alice.CreateFrame(bob.Mac, FrameSource.TestEtherType, size - EthernetFrame.HeaderLength));
}

sim.Run();
Console.WriteLine($"{sim.EventsExecuted} events; alice sent {alice.Port.Counters.FramesSent} frames, bob {bob.Port.Counters.FramesSent}.");
if (pcapPath is not null)
{
    Console.WriteLine($"Capture of alice's link written to {pcapPath}.");
}
