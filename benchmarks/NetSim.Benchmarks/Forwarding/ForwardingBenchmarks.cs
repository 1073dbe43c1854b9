using BenchmarkDotNet.Attributes;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Benchmarks.Forwarding;

/// <summary>
/// Frames forwarded per second of wall time through one switch. One operation is one
/// frame forwarded: its arrival event at the switch, learning its source, looking up its
/// destination, the enqueue on the egress port, its serialization, and its arrival at the
/// far NIC (which returns it to the pool). Frames are injected at the switch's ingress
/// ports round-robin, each to the station on the next port, so no queue overflows.
/// Frame lengths count the FCS, as "64-byte frame" and "1,518-byte frame" usually do; the
/// buffers hold 60 and 1,514 bytes.
/// </summary>
[MemoryDiagnoser]
public class ForwardingSwitchBenchmarks
{
    public const int Frames = 200_000;

    private Simulation? simulation;
    private Injector? injector;

    [Params(64, 1518)]
    public int FrameLength { get; set; }

    [Params(16, 48)]
    public int Ports { get; set; }

    [Params(1_000, 100_000)]
    public int LearnedAddresses { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        simulation = new Simulation(seed: 1);
        var network = new Network(simulation);
        var sw = new Switch(network, "s1", Ports, macTableCapacity: LearnedAddresses + Ports);
        var nics = new Nic[Ports];
        for (int i = 0; i < Ports; i++)
        {
            nics[i] = new Nic(network, $"pc{i}");
            var cable = new Cable(nics[i].Port, sw.Ports[i], DataRate.FromGigabitsPerSecond(100), SimDuration.FromNanoseconds(100));
            cable.FromB.QueueLimitFrames = 10_000;
        }

        // Fill the MAC table with stations elsewhere, so lookups search a table of this size.
        var random = new RandomSource(7);
        for (int i = 0; i < LearnedAddresses - Ports; i++)
        {
            sw.MacTable.Learn(MacAddress.FromUInt64(0x06_00_00_00_00_00UL | (uint)i), (int)random.NextInt64(Ports), simulation.Now);
        }

        injector = new Injector(network, sw, nics, FrameLength - EthernetFrame.FcsLength);
        injector.Run(Frames); // warm up: pool, queues, table entries, JIT
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long SwitchHop() => injector!.Run(Frames);

    /// <summary>Puts frames on the switch's ingress ports as if their last bit had just arrived.</summary>
    internal sealed class Injector : IEventTarget
    {
        private readonly Network network;
        private readonly Switch sw;
        private readonly byte[][] templates;
        private readonly Nic[] nics;
        private int remaining;
        private int next;

        public Injector(Network network, Switch sw, Nic[] nics, int frameLength)
        {
            this.network = network;
            this.sw = sw;
            this.nics = nics;
            templates = new byte[nics.Length][];
            for (int i = 0; i < nics.Length; i++)
            {
                templates[i] = new byte[frameLength];
                new EthernetHeader(nics[(i + 1) % nics.Length].Mac, nics[i].Mac, (EtherType)0x88b5).Emit(templates[i]);
            }
        }

        public long Run(int frames)
        {
            long before = nics.Sum(n => n.FramesDelivered);
            remaining = frames;
            network.Simulation.Schedule(SimDuration.Zero, this);
            network.Simulation.Run();
            return nics.Sum(n => n.FramesDelivered) - before;
        }

        public void OnEvent(int kind, long argument)
        {
            FrameHandle frame = network.Frames.Rent(templates[next].Length);
            templates[next].CopyTo(network.Frames.GetSpan(frame));
            sw.Ports[next].Arrive(frame, fcsGood: true);
            next = (next + 1) % templates.Length;
            if (--remaining > 0)
            {
                network.Simulation.Schedule(SimDuration.FromNanoseconds(10), this);
            }
        }
    }
}

/// <summary>Frames repeated per second of wall time through a hub with eight stations (each frame goes out of seven ports). Lengths count the FCS.</summary>
[MemoryDiagnoser]
public class ForwardingHubBenchmarks
{
    public const int Frames = 50_000;

    private Network? network;
    private Nic[]? nics;
    private Hub? hub;

    [Params(64, 1518)]
    public int FrameLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        network = new Network(new Simulation(seed: 1));
        hub = new Hub(network, "h1", 8);
        nics = new Nic[8];
        for (int i = 0; i < nics.Length; i++)
        {
            nics[i] = new Nic(network, $"pc{i}");
            _ = new Cable(nics[i].Port, hub.Ports[i], DataRate.FromGigabitsPerSecond(1), SimDuration.FromNanoseconds(100));
        }

        HubRepeat();
    }

    /// <summary>One station sends, saturating; the hub repeats each frame to the seven others.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public long HubRepeat()
    {
        long before = hub!.FramesRepeated;
        new FrameSource(nics![0], nics[1].Mac, FrameLength - EthernetFrame.FcsLength, count: Frames).Start();
        network!.Simulation.Run();
        return hub.FramesRepeated - before;
    }
}
