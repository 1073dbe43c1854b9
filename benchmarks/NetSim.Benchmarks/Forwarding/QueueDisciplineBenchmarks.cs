using BenchmarkDotNet.Attributes;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Benchmarks.Forwarding;

/// <summary>
/// The per-packet cost of each queue discipline at a congested egress. Sixteen UDP flows of
/// 1,514-byte IPv4 frames arrive at a switch 20 % faster than its 1 Gb/s egress port sends,
/// so the queue is always full or managed: drop-tail drops at the tail, RED early, CoDel and
/// FQ-CoDel at dequeue (FQ-CoDel also hashes each frame to its flow). One operation is one
/// frame offered: its arrival at the switch, the discipline's enqueue and dequeue (or drop),
/// serialization and arrival at the far NIC. The difference from drop-tail is the
/// discipline's own cost.
/// </summary>
[MemoryDiagnoser]
public class QueueDisciplineBenchmarks
{
    public const int Frames = 50_000;
    private const int Flows = 16;

    private Simulation? simulation;
    private Injector? injector;

    [Params("DropTail", "Red", "CoDel", "FqCoDel")]
    public string Discipline { get; set; } = "DropTail";

    [GlobalSetup]
    public void Setup()
    {
        simulation = new Simulation(seed: 1);
        var network = new Network(simulation);
        var sw = new Switch(network, "s1", 2);
        var sender = new Nic(network, "sender");
        var receiver = new Nic(network, "receiver");
        _ = new Cable(sender.Port, sw.Ports[0], DataRate.FromGigabitsPerSecond(10), SimDuration.FromNanoseconds(100));
        _ = new Cable(sw.Ports[1], receiver.Port, DataRate.FromGigabitsPerSecond(1), SimDuration.FromNanoseconds(100));
        sw.Ports[1].QueueDiscipline = Discipline switch
        {
            "DropTail" => new DropTailDiscipline(),
            "Red" => new RedDiscipline(),
            "CoDel" => new CoDelDiscipline(),
            "FqCoDel" => new FqCoDelDiscipline(),
            _ => throw new ArgumentException($"unknown discipline {Discipline}"),
        };
        sw.MacTable.Learn(receiver.Mac, 1, simulation.Now);

        // 1,514 bytes at 1 Gb/s take 12.112 us on the wire (plus preamble and gap); a frame every 10 us offers 1.2 times that.
        injector = new Injector(network, sw, sender.Mac, receiver.Mac, SimDuration.FromNanoseconds(10_000));
        injector.Run(Frames); // warm up: pool, queues, JIT, and the discipline into its steady state
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long Offer() => injector!.Run(Frames);

    /// <summary>Puts IPv4/UDP frames of sixteen flows on the switch's ingress port as if their last bit had just arrived.</summary>
    private sealed class Injector : IEventTarget
    {
        private readonly Network network;
        private readonly Switch sw;
        private readonly byte[][] templates = new byte[Flows][];
        private readonly SimDuration spacing;
        private int remaining;
        private int next;

        public Injector(Network network, Switch sw, MacAddress source, MacAddress destination, SimDuration spacing)
        {
            this.network = network;
            this.sw = sw;
            this.spacing = spacing;
            var from = Ipv4Address.Parse("10.0.0.1");
            var to = Ipv4Address.Parse("10.0.0.2");
            for (int i = 0; i < Flows; i++)
            {
                byte[] frame = templates[i] = new byte[1514];
                new EthernetHeader(destination, source, EtherType.IPv4).Emit(frame);
                Span<byte> packet = frame.AsSpan(EthernetFrame.HeaderLength);
                new Ipv4Header(from, to, IpProtocol.Udp, TimeToLive: 64, TotalLength: packet.Length).Emit(packet);
                Span<byte> datagram = packet[Ipv4Header.MinLength..];
                new UdpHeader((ushort)(40_000 + i), 9, datagram.Length).Emit(datagram, from, to);
            }
        }

        public long Run(int frames)
        {
            remaining = frames;
            network.Simulation.Schedule(SimDuration.Zero, this);
            network.Simulation.Run();
            return frames;
        }

        public void OnEvent(int kind, long argument)
        {
            FrameHandle frame = network.Frames.Rent(templates[next].Length);
            templates[next].CopyTo(network.Frames.GetSpan(frame));
            sw.Ports[0].Arrive(frame, fcsGood: true);
            next = (next + 1) % templates.Length;
            if (--remaining > 0)
            {
                network.Simulation.Schedule(spacing, this);
            }
        }
    }
}
