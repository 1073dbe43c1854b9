using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using NetSim.Engine;
using NetSim.Benchmarks.Scheduler;
using NetSim.Links;
using NetSim.Tracing;

namespace NetSim.Benchmarks.Scenarios;

/// <summary>
/// The scenarios ns-3 was timed on, one whole run per operation: build the network, run
/// it to 11.1 s of simulated time, check what was delivered (see <see cref="Scenario"/>).
/// Each run takes about a second or more, so a few iterations are enough.
/// <c>dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- scenarios</c> runs
/// each once and prints the counters (delivered, events, collisions).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 7)]
public class ScenarioBenchmarks
{
    private ScenarioResult last;

    /// <summary>S2: 16 hosts on a learning switch, 800,000 datagrams.</summary>
    [Benchmark]
    public long S2SwitchStar() => Keep(Scenario.SwitchStar().Run());

    /// <summary>S3: one flow through four routers, 625,000 datagrams, 2.5 million router hops.</summary>
    [Benchmark]
    public long S3RouterChain() => Keep(Scenario.RouterChain().Run());

    /// <summary>S2 with one trace listener that counts events: what tracing every layer costs when someone listens.</summary>
    [Benchmark]
    public long S2SwitchStarTraced() => Keep(Scenario.SwitchStar(new CountingListener()).Run());

    /// <summary>S3 with one trace listener that counts events.</summary>
    [Benchmark]
    public long S3RouterChainTraced() => Keep(Scenario.RouterChain(new CountingListener()).Run());

    /// <summary>S2 with a flow monitor on every host: statistics per flow from the trace events.</summary>
    [Benchmark]
    public long S2SwitchStarFlowMonitor() => Monitored(Scenario.SwitchStar());

    /// <summary>S3 with a flow monitor on every node.</summary>
    [Benchmark]
    public long S3RouterChainFlowMonitor() => Monitored(Scenario.RouterChain());

    /// <summary>S2 reporting its progress every second of wall time (as a progress bar would): what <c>RunUntil</c> with an <see cref="IProgress{T}"/> costs.</summary>
    [Benchmark]
    public long S2SwitchStarProgress() => Keep(Scenario.SwitchStar().Run(IgnoredProgress.Instance));

    /// <summary>S3 reporting its progress every second of wall time.</summary>
    [Benchmark]
    public long S3RouterChainProgress() => Keep(Scenario.RouterChain().Run(IgnoredProgress.Instance));

    /// <summary>S2 with probes on every switch port: the queue length on change, and the utilisation sampled every millisecond.</summary>
    [Benchmark]
    public long S2SwitchStarProbes()
    {
        Scenario scenario = Scenario.SwitchStar();
        var sampler = new PeriodicSampler(scenario.Simulation, SimDuration.FromMilliseconds(1));
        var series = new List<TimeSeries>();
        foreach (Port port in scenario.SwitchPorts)
        {
            series.Add(port.ProbeQueue());
            series.Add(port.ProbeUtilization(sampler));
        }

        return Keep(scenario.Run()) + series.Sum(s => s.Points.Count);
    }

    /// <summary>S4: 16 hosts on a hub (CSMA/CD), 100,000 datagrams offered.</summary>
    [Benchmark]
    public long S4Hub() => Keep(Scenario.HubShared().Run());

    /// <summary>Prints the counters of the last run into the log.</summary>
    [GlobalCleanup]
    public void Cleanup() => Console.WriteLine($"// {last}");

    private long Monitored(Scenario scenario)
    {
        using var monitor = new FlowMonitor(scenario.Network.Tracer);
        return Keep(scenario.Run());
    }

    private long Keep(ScenarioResult result)
    {
        last = result;
        return result.Delivered;
    }

    /// <summary>A listener of every layer that only counts: the cost measured is building and raising the events.</summary>
    private sealed class CountingListener : ITraceListener
    {
        public long Events { get; private set; }

        public void OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame) => Events++;

        public void OnArp(in ArpEvent traceEvent) => Events++;

        public void OnIp(in IpEvent traceEvent) => Events++;

        public void OnUdp(in UdpEvent traceEvent) => Events++;

        public void OnTcp(in TcpEvent traceEvent) => Events++;

        public void OnApplication(in ApplicationEvent traceEvent) => Events++;
    }
}
