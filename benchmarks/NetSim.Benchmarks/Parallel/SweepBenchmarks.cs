using BenchmarkDotNet.Attributes;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Experiments;
using NetSim.Links;
using NetSim.Topology;

namespace NetSim.Benchmarks.Parallel;

/// <summary>
/// A sweep of independent runs on one thread and on two (this machine's cores). One operation is a whole sweep of 8
/// runs, so the ratio of the two means is the speedup of <see cref="Sweep"/> on 2 cores. Two kinds of run: UDP at
/// 500 Mb/s across a switch for 200 ms (12,160 datagrams) (the forwarding path, which allocates nothing), and a host pinging another
/// 20,000 times over a lossy cable (the ping keeps every reply, its message included: megabytes per run).
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    private const int Runs = 8;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Benchmark]
    public double UdpRuns() => EightRuns(UdpRun);

    [Benchmark]
    public double PingRuns() => EightRuns(PingRun);

    private double EightRuns(Func<SweepRun, IReadOnlyDictionary<string, double>> run) =>
        Sweep.Run(new SweepOptions { Replications = Runs, Seed = 1, MaxDegreeOfParallelism = Threads }, run).Points[0].Statistics["received"].Mean;

    private static Dictionary<string, double> UdpRun(SweepRun run)
    {
        (Simulation sim, Host a, Host b, _) = TwoHostsOnASwitch(run.Seed);
        var sink = new NetSim.Transport.UdpSocket(b);
        long received = 0;
        sink.Received += (_, _, _, _) => received++;
        sink.Bind(9000);
        new UdpTrafficSource(a, b.Address, 9000)
        {
            PayloadSize = 1000,
            Interval = DataRate.Parse("500Mbps").TransmissionTime(1028),
            StopTime = SimTime.FromDuration(SimDuration.FromMilliseconds(200)),
        }.Start();
        sim.Run();
        return new Dictionary<string, double> { ["received"] = received };
    }

    private static Dictionary<string, double> PingRun(SweepRun run)
    {
        (Simulation sim, Host a, Host b, Cable toB) = TwoHostsOnASwitch(run.Seed);
        toB.FromA.Impairments.LossProbability = 0.01;
        var ping = new Ping(a, b.Address) { Count = 20_000, Interval = SimDuration.FromMicroseconds(100) };
        ping.Start();
        sim.Run();
        return new Dictionary<string, double> { ["received"] = ping.Summary.Received };
    }

    /// <summary>Hosts a and b on a switch, 1 Gb/s cables; the cable to b is returned too.</summary>
    private static (Simulation Simulation, Host A, Host B, Cable ToB) TwoHostsOnASwitch(ulong seed)
    {
        var sim = new Simulation(seed);
        var network = new Network(sim);
        var a = new Host(network, "a", "10.0.0.1/24");
        var b = new Host(network, "b", "10.0.0.2/24");
        var sw = new NetSim.Ethernet.Switch(network, "sw", 4);
        var topology = new TopologyBuilder(network) { DefaultRate = DataRate.Parse("1Gbps") };
        topology.Connect(a, sw);
        return (sim, a, b, topology.Connect(b, sw));
    }
}
