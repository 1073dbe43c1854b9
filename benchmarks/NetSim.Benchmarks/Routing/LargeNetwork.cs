using Process = System.Diagnostics.Process;
using Stopwatch = System.Diagnostics.Stopwatch;
using System.Globalization;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Benchmarks.Routing;

/// <summary>
/// Builds a network of N hosts with the public API and runs traffic across it: a plain
/// measurement (not BenchmarkDotNet) of time, memory and garbage collection, run with
/// <c>dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- large-network N [seconds] [bulk]</c>.
/// </summary>
/// <remarks>
/// 47 hosts per 48-port switch (its last port to the edge router), 16 switches per edge
/// router, every edge router on its own cable to one core router. Addressing: switch LAN L
/// is the /26 at 10.0.0.0 + 64 L (the router .1, the hosts .2 to .48; past 10.255.255.255 it
/// runs on into 11/8, 12/8), so an edge router's 16 LANs are one /22; edge router e's uplink
/// is the /30 at 172.16.0.0 + 4 e (the core .1, the edge .2). Static routes: each edge router
/// a default route to the core, the core one /22 per edge router. Traffic: 1,000 host pairs
/// drawn with a seeded generator, each pinging 10 times a second for the run.
/// </remarks>
internal static class LargeNetwork
{
    private const int HostsPerSwitch = 47;
    private const int SwitchesPerRouter = 16;
    private const int Pairs = 1000;
    private static readonly DataRate Rate = DataRate.FromGigabitsPerSecond(1);
    private static readonly SimDuration Delay = SimDuration.FromMicroseconds(1);
    private static readonly DataRate UplinkRate = DataRate.FromGigabitsPerSecond(10);

    public static void Run(int hosts, double seconds, bool bulk)
    {
        Console.WriteLine(Invariant($"large-network {hosts:N0} hosts, {seconds} simulated s, {(bulk ? "bulk build" : "plain build")}, server GC {System.Runtime.GCSettings.IsServerGC}, load average {LoadAverage()}"));

        // The hosts that will ping, drawn before the build so that the program keeps no array of all hosts.
        var random = new Random(19);
        var ends = new (int From, int To)[Pairs];
        var wanted = new Dictionary<int, Host?>();
        for (int p = 0; p < Pairs; p++)
        {
            ends[p] = (random.Next(hosts), random.Next(hosts));
            wanted[ends[p].From] = null;
            wanted[ends[p].To] = null;
        }

        long retainedBefore = GC.GetTotalMemory(forceFullCollection: true);
        int[] collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        TimeSpan pauseBefore = GC.GetTotalPauseDuration();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var watch = Stopwatch.StartNew();

        var network = new Network(new Simulation(seed: 19));
        Build(network, hosts, wanted, bulk);

        TimeSpan build = watch.Elapsed;
        TimeSpan pause = GC.GetTotalPauseDuration() - pauseBefore;
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        int[] collections = [GC.CollectionCount(0) - collectionsBefore[0], GC.CollectionCount(1) - collectionsBefore[1], GC.CollectionCount(2) - collectionsBefore[2]];
        long retained = GC.GetTotalMemory(forceFullCollection: true) - retainedBefore;
        Console.WriteLine(Invariant($"  build: {build.TotalSeconds:F2} s wall, {build.TotalMicroseconds / hosts:F2} us per host (load average {LoadAverage()})"));
        Console.WriteLine(Invariant($"  GC during build: gen0 {collections[0]}, gen1 {collections[1]}, gen2 {collections[2]}; pauses {pause.TotalSeconds:F2} s = {100 * pause / build:F1}% of the build"));
        Console.WriteLine(Invariant($"  allocated {allocated / (double)hosts:N0} B per host; retained after a full GC {retained / (double)hosts:N0} B per host ({retained / 1e9:F2} GB)"));
        Console.WriteLine(Invariant($"  peak working set so far {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F2} GB"));

        var pings = new List<Ping>(Pairs);
        foreach ((int from, int to) in ends)
        {
            if (from == to)
            {
                continue;
            }

            var ping = new Ping(wanted[from]!, wanted[to]!.Address) { Count = (int)Math.Ceiling(seconds * 10), Interval = SimDuration.FromMilliseconds(100) };
            ping.Start();
            pings.Add(ping);
        }

        wanted.Clear();
        pauseBefore = GC.GetTotalPauseDuration();
        watch.Restart();
        network.Simulation.RunFor(SimDuration.FromMilliseconds((long)(seconds * 1000)));
        TimeSpan run = watch.Elapsed;
        int sent = pings.Sum(p => p.Summary.Sent);
        int received = pings.Sum(p => p.Summary.Received);
        Console.WriteLine(Invariant($"  run: {run.TotalSeconds:F2} s wall for {seconds} simulated s, {network.Simulation.EventsExecuted:N0} events, pings {sent:N0} sent {received:N0} answered, GC pauses {(GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds:F2} s (load average {LoadAverage()})"));
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.Any);
        Console.WriteLine(Invariant($"  peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F2} GB; GC heap {info.HeapSizeBytes / 1e9:F2} GB, committed {info.TotalCommittedBytes / 1e9:F2} GB; total GC pause {GC.GetTotalPauseDuration().TotalSeconds:F2} s"));
        GC.KeepAlive(network);
    }

    private static void Build(Network network, int hosts, Dictionary<int, Host?> wanted, bool bulk)
    {
        using IDisposable? scope = bulk ? BulkBuild(hosts) : null;
        int lans = (hosts + HostsPerSwitch - 1) / HostsPerSwitch;
        int edges = (lans + SwitchesPerRouter - 1) / SwitchesPerRouter;
        var core = new Router(network, "core");
        int host = 0;
        for (int e = 0; e < edges; e++)
        {
            var edge = new Router(network, Invariant($"r{e}"));
            uint uplink = 0xAC10_0000u + (4u * (uint)e); // 172.16.0.0 + 4e, a /30
            IpInterface up = edge.AddInterface(Ipv4Address.FromUInt32(uplink + 2), 30);
            IpInterface down = core.AddInterface(Ipv4Address.FromUInt32(uplink + 1), 30);
            _ = new Cable(up.Port, down.Port, UplinkRate, Delay);
            edge.DefaultGateway = Ipv4Address.FromUInt32(uplink + 1);
            core.AddRoute(new Ipv4Network(Ipv4Address.FromUInt32(0x0A00_0000u + (1024u * (uint)e)), 22), Ipv4Address.FromUInt32(uplink + 2));
            for (int s = 0; s < SwitchesPerRouter && host < hosts; s++)
            {
                int lan = (e * SwitchesPerRouter) + s;
                uint lanBase = 0x0A00_0000u + (64u * (uint)lan);
                var gateway = Ipv4Address.FromUInt32(lanBase + 1);
                var sw = new Switch(network, Invariant($"s{lan}"), HostsPerSwitch + 1);
                IpInterface routerSide = edge.AddInterface(gateway, 26);
                _ = new Cable(routerSide.Port, sw.Ports[HostsPerSwitch], Rate, Delay);
                for (int h = 0; h < HostsPerSwitch && host < hosts; h++, host++)
                {
                    var made = new Host(network, Invariant($"h{host}"));
                    made.AddInterface(Ipv4Address.FromUInt32(lanBase + 2 + (uint)h), 26);
                    made.DefaultGateway = gateway;
                    _ = new Cable(made.Port, sw.Ports[h], Rate, Delay);
                    if (wanted.ContainsKey(host))
                    {
                        wanted[host] = made;
                    }
                }
            }
        }
    }

    // The build in a no-GC region as large as it allocates (Network.BeginBulkBuild: see benchmarks/README.md).
    private static IDisposable BulkBuild(int hosts)
    {
        IDisposable scope = Network.BeginBulkBuild(hosts);
        Console.WriteLine(Invariant($"  no-GC region for {hosts:N0} hosts: {(System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion ? "started" : "not started")}"));
        return scope;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
