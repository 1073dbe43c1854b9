using System.CommandLine;
using System.Globalization;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Mpi;
using NetSim.Partitioning;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

// One large network, cut into partitions that run side by side: sites of hosts behind a
// router each, the routers in a ring of WAN links. Each site is a partition (or sites share
// partitions, --partitions); the WAN links between partitions are the cut, and their 5 ms
// delay is how far one partition may run ahead of another. The same run three ways, with
// the same results: sequentially (--threads 1), on threads (--threads 2), and as MPI ranks:
//   mpirun -np 2 dotnet samples/Distributed/bin/Release/net10.0/Distributed.dll --mpi
var sitesOption = new Option<int>("--sites") { HelpName = "N", Description = "How many sites (2 to 250), each a router, a switch and its hosts.", DefaultValueFactory = _ => 16 };
sitesOption.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 2 or > 250) { r.AddError($"--sites takes 2 to 250 sites, not {r.GetValueOrDefault<int>()}."); } });
var hostsOption = new Option<int>("--hosts") { HelpName = "N", Description = "Hosts per site (1 to 200).", DefaultValueFactory = _ => 64 };
hostsOption.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 200) { r.AddError($"--hosts takes 1 to 200 hosts per site, not {r.GetValueOrDefault<int>()}."); } });
var partitionsOption = new Option<int?>("--partitions") { HelpName = "N", Description = "How many partitions the sites are dealt out to (site s in partition s mod N); one per site by default." };
var threadsOption = new Option<int>("--threads") { HelpName = "N", Description = "Threads that run this process's partitions; 1 runs them one after the other (sequentially).", DefaultValueFactory = _ => 1 };
threadsOption.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--threads takes 1 or more threads."); } });
var secondsOption = new Option<double>("--seconds") { HelpName = "S", Description = "Simulated seconds of traffic.", DefaultValueFactory = _ => 1.0 };
secondsOption.Validators.Add(r => { if (r.GetValueOrDefault<double>() is <= 0 or > 3600) { r.AddError("--seconds takes a duration above 0 and up to 3600."); } });
var mpiOption = new Option<bool>("--mpi") { Description = "Run as one rank of an MPI job (start it with mpirun -np N): each rank builds and runs only its partitions." };
var fingerprintOption = new Option<bool>("--fingerprint") { Description = "Also hash every trace event and frame of every partition (slower): the strongest check that two runs are the same." };
var command = new RootCommand("A network of sites joined by 5 ms WAN links, run in partitions: sequentially, on threads, or over MPI, with the same results.")
{
    sitesOption, hostsOption, partitionsOption, threadsOption, secondsOption, mpiOption, fingerprintOption,
};
ParseResult options = command.Parse(args);
if (options.PrintHelpOrError() is int exitCode)
{
    return exitCode;
}

int sites = options.GetValue(sitesOption);
int hostsPerSite = options.GetValue(hostsOption);
int partitions = options.GetValue(partitionsOption) ?? sites;
int threads = options.GetValue(threadsOption);
if (partitions < 1 || partitions > sites)
{
    Console.Error.WriteLine($"--partitions takes 1 to {sites} (the number of sites), not {partitions}.");
    return 2;
}

using MpiWorld? mpi = options.GetValue(mpiOption) ? MpiWorld.Initialize() : null;
var parallel = new ParallelSimulation(partitions, seed: 7, ranks: mpi);
int localPartitions = parallel.LocalPartitions.Count;
if (threads > Math.Max(1, localPartitions))
{
    Console.Error.WriteLine($"--threads {threads}: this process runs {localPartitions} partitions, so at most {localPartitions} threads.");
    return 2;
}

var stopwatch = System.Diagnostics.Stopwatch.StartNew();
SimTime end = SimTime.Zero + SimDuration.FromMicroseconds((long)Math.Round(options.GetValue(secondsOption) * 1e6));
DataRate wanRate = DataRate.FromGigabitsPerSecond(1);
SimDuration wanDelay = SimDuration.FromMilliseconds(5);
int PartitionOf(int site) => site % partitions;

// Each site: router r{s} (LAN 10.s.0.1/24, an east and a west WAN interface), switch sw{s}, hosts h{s}-{i}.
var sinks = new List<UdpSocket>();
var sources = new List<UdpTrafficSource>();
TransferResult transfer = new();
for (int s = 0; s < sites; s++)
{
    if (!parallel.IsLocal(PartitionOf(s)))
    {
        continue; // another process builds it
    }

    Network network = parallel.GetNetwork(PartitionOf(s));
    TopologyBuilder topology = parallel.GetTopology(PartitionOf(s));
    var router = new Router(network, $"r{s}");
    IpInterface lan = router.AddInterface($"10.{s}.0.1/24");
    router.AddInterface($"172.16.{s}.1/30"); // east, towards site s + 1
    router.AddInterface($"172.16.{(s + sites - 1) % sites}.2/30"); // west, towards site s - 1
    for (int d = 0; d < sites; d++)
    {
        int ahead = (d - s + sites) % sites;
        if (ahead != 0)
        {
            // Round the ring the short way: east when the site is at most half way round.
            router.AddRoute($"10.{d}.0.0/24", ahead <= sites / 2 ? $"172.16.{s}.2" : $"172.16.{(s + sites - 1) % sites}.1");
        }
    }

    var sw = new Switch(network, $"sw{s}", hostsPerSite + 1);
    topology.Connect(lan, sw, DataRate.FromGigabitsPerSecond(1));
    for (int h = 0; h < hostsPerSite; h++)
    {
        var host = new Host(network, $"h{s}-{h}", $"10.{s}.0.{10 + h}/24", $"10.{s}.0.1");
        topology.Connect(host, sw);
        var sink = new UdpSocket(host);
        sink.Received += static (_, _, _, _) => { }; // counted (DatagramsReceived), not queued: nothing reads them
        sink.Bind(9);
        sinks.Add(sink);

        // Every host sends 1,000-byte datagrams every 10 ms to a host of another site, starting at its own offset.
        int toSite = (s + 1 + h % (sites - 1)) % sites;
        var source = new UdpTrafficSource(host, Ipv4Address.Parse($"10.{toSite}.0.{10 + (h * 7) % hostsPerSite}"), 9)
        {
            PayloadSize = 1000,
            Interval = SimDuration.FromMilliseconds(10),
            StartTime = SimTime.FromMicroseconds(97 * h + 13 * s),
            StopTime = end,
        };
        source.Start();
        sources.Add(source);
    }
}

// A TCP transfer of 1 MB across half the ring: h0-0 to a host of the opposite site.
int farSite = sites / 2;
StartTransfer(parallel, PartitionOf(0), PartitionOf(farSite), farSite, transfer);

// The WAN ring: site s's east interface to site s+1's west one. Between two partitions it is a cut.
for (int s = 0; s < sites; s++)
{
    int next = (s + 1) % sites;
    string east = $"r{s}/eth1";
    string west = $"r{next}/eth2";
    if (PartitionOf(s) != PartitionOf(next))
    {
        parallel.Connect(PartitionOf(s), east, PartitionOf(next), west, wanRate, wanDelay);
    }
    else if (parallel.IsLocal(PartitionOf(s)))
    {
        Network network = parallel.GetNetwork(PartitionOf(s));
        parallel.GetTopology(PartitionOf(s)).Connect(FindInterface(network, east), FindInterface(network, west), wanRate, wanDelay);
    }
}

var fingerprints = new Dictionary<int, Fingerprint>();
if (options.GetValue(fingerprintOption))
{
    foreach (int partition in parallel.LocalPartitions)
    {
        fingerprints[partition] = new Fingerprint(parallel.GetNetwork(partition).Tracer);
    }
}

TimeSpan buildTime = stopwatch.Elapsed;
stopwatch.Restart();
parallel.RunUntil(end, threads);
TimeSpan runTime = stopwatch.Elapsed;

// The results of every process, summed (a process knows only its own partitions).
long sent = Sum(sources.Sum(s => s.DatagramsSent));
long delivered = Sum(sinks.Sum(s => s.DatagramsReceived));
long transferred = Sum(transfer.BytesReceived);
long transferEnd = Min(transfer.ReceivedAt?.Picoseconds ?? long.MaxValue);
long events = Sum(parallel.EventsExecuted);
long across = Sum(parallel.FramesAcross);
long digest = Sum(parallel.LocalPartitions.Sum(p => (long)PartitionDigest(parallel.GetNetwork(p), p, fingerprints.GetValueOrDefault(p))));
if (parallel.Rank != 0)
{
    return 0;
}

CultureInfo invariant = CultureInfo.InvariantCulture;
string how = mpi is not null ? $"{parallel.RankCount} MPI ranks, {threads} thread each" : threads == 1 ? "sequentially, on 1 thread" : $"on {threads} threads";
Console.WriteLine(string.Create(invariant, $"{sites} sites x {hostsPerSite} hosts, a ring of {wanDelay} WAN links; {partitions} partitions, run {how}."));
Console.WriteLine(string.Create(invariant, $"datagrams: {sent:N0} sent, {delivered:N0} delivered ({100.0 * delivered / Math.Max(1, sent):F2}%)"));
Console.WriteLine(transferEnd == long.MaxValue
    ? string.Create(invariant, $"TCP h0-0 -> site {farSite}: {transferred:N0} of 1,000,000 bytes by {end}")
    : string.Create(invariant, $"TCP h0-0 -> site {farSite}: {transferred:N0} bytes, done at {SimTime.FromPicoseconds(transferEnd)}"));
Console.WriteLine(string.Create(invariant, $"frames across partitions: {across:N0}; windows: {parallel.Windows:N0} (lookahead {parallel.Lookahead})"));
Console.WriteLine(string.Create(invariant, $"run digest: {(ulong)digest:x16}{(fingerprints.Count > 0 ? " (with fingerprints)" : "")}"));
Console.WriteLine(string.Create(invariant, $"events: {events:N0}; build {buildTime.TotalSeconds:F2} s, run {runTime.TotalSeconds:F2} s wall clock ({events / Math.Max(1e-9, runTime.TotalSeconds) / 1e6:F2} M events/s)"));
return 0;

long Sum(long value) => mpi?.SumAcrossRanks(value) ?? value;

long Min(long value) => mpi?.MinAcrossRanks(value) ?? value;

static IpInterface FindInterface(Network network, string name) =>
    network.Devices.OfType<IpNode>().SelectMany(n => n.Interfaces).Single(i => i.Name == name);

// A 32-bit hash of what a partition did: every port's counters, in device order, and its fingerprint when kept.
static uint PartitionDigest(Network network, int partition, Fingerprint? fingerprint)
{
    uint hash = 2166136261;
    void Add(string text)
    {
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }
    }

    Add(partition.ToString(CultureInfo.InvariantCulture));
    foreach (IDeviceTables device in network.Devices)
    {
        IEnumerable<Port> ports = device switch
        {
            Switch sw => sw.Ports,
            IpNode node => node.Interfaces.Where(i => i.Link is Nic).Select(i => i.Port),
            _ => [],
        };
        foreach (Port port in ports)
        {
            PortCounters c = port.Counters;
            Add(string.Create(CultureInfo.InvariantCulture, $"{port}:{c.FramesSent},{c.BytesSent},{c.FramesReceived},{c.BytesReceived},{c.FramesDropped};"));
        }
    }

    if (fingerprint is not null)
    {
        Add(fingerprint.Value);
    }

    return hash;
}

static void StartTransfer(ParallelSimulation parallel, int clientPartition, int serverPartition, int farSite, TransferResult result)
{
    Ipv4Address serverAddress = Ipv4Address.Parse($"10.{farSite}.0.10");
    if (parallel.IsLocal(serverPartition))
    {
        IpNode server = parallel.GetNetwork(serverPartition).Devices.OfType<IpNode>().Single(n => n.Name == $"h{farSite}-0");
        var listener = new TcpListener(server, 5001);
        listener.Start();
        _ = server.Simulation.Start(async () =>
        {
            TcpConnection connection = await listener.AcceptAsync();
            byte[] buffer = new byte[16384];
            int read;
            while ((read = await connection.ReadAsync(buffer)) > 0)
            {
                result.BytesReceived += read;
            }

            await connection.CloseAsync();
            result.ReceivedAt = server.Simulation.Now;
        });
    }

    if (parallel.IsLocal(clientPartition))
    {
        IpNode client = parallel.GetNetwork(clientPartition).Devices.OfType<IpNode>().Single(n => n.Name == "h0-0");
        _ = client.Simulation.Start(async () =>
        {
            await client.Simulation.Delay(SimDuration.FromMilliseconds(50));
            TcpConnection connection = await TcpConnection.ConnectAsync(client, serverAddress, 5001);
            await connection.WriteAsync(new byte[1_000_000]);
            await connection.CloseAsync();
        });
    }
}

/// <summary>What the TCP transfer's receiver saw.</summary>
internal sealed class TransferResult
{
    /// <summary>Bytes read.</summary>
    public long BytesReceived { get; set; }

    /// <summary>When the sender closed and the receiver had read everything.</summary>
    public SimTime? ReceivedAt { get; set; }
}
