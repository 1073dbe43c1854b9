using System.Security.Cryptography;
using System.Text;
using NetSim.Applications;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Partitioning;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Partitioning;

/// <summary>
/// A network of sites, built the same way in one <see cref="Simulation"/> (no partitions) or
/// in a <see cref="ParallelSimulation"/> with the sites dealt out to partitions (site s in
/// partition s % partitions): each site a router, a switch and hosts; sites joined by WAN
/// links in a tree; UDP flows and TCP transfers between hosts of different sites. Every MAC
/// address is given, so that every way of building it has the same frames.
/// </summary>
internal sealed class SiteModel
{
    private readonly List<Site> sites = [];
    private readonly List<Wan> wans = [];
    private readonly List<UdpFlow> udpFlows = [];
    private readonly List<TcpTransfer> tcpTransfers = [];

    public int SiteCount => sites.Count;

    /// <summary>A random model: 3 to <paramref name="maxSites"/> sites of 1 to 4 hosts, random link delays to the picosecond, random flows.</summary>
    public static SiteModel Random(int seed, int maxSites = 6)
    {
        var random = new Random(seed);
        var model = new SiteModel();
        int siteCount = random.Next(3, maxSites + 1);
        for (int s = 0; s < siteCount; s++)
        {
            model.sites.Add(new Site(random.Next(1, 5), SimDuration.FromPicoseconds(random.Next(1_000_000, 20_000_000))));
        }

        for (int s = 1; s < siteCount; s++)
        {
            // A tree: each site joins an earlier one; delays of 1 to 10 ms with picoseconds, rates 10 or 100 Mb/s.
            model.wans.Add(new Wan(random.Next(0, s), s, DataRate.FromMegabitsPerSecond(random.Next(2) == 0 ? 10 : 100), SimDuration.FromPicoseconds(random.NextInt64(1_000_000_000, 10_000_000_000))));
        }

        int flows = random.Next(3, 8);
        for (int f = 0; f < flows; f++)
        {
            (int fromSite, int toSite) = TwoSites(random, siteCount);
            model.udpFlows.Add(new UdpFlow(
                fromSite, random.Next(model.sites[fromSite].Hosts), toSite, random.Next(model.sites[toSite].Hosts),
                SimTime.FromPicoseconds(random.NextInt64(0, 50_000_000_000)),
                SimDuration.FromPicoseconds(random.NextInt64(200_000_000, 3_000_000_000)),
                random.Next(64, 1400),
                random.Next(20, 120)));
        }

        int transfers = random.Next(1, 3);
        for (int t = 0; t < transfers; t++)
        {
            (int fromSite, int toSite) = TwoSites(random, siteCount);
            model.tcpTransfers.Add(new TcpTransfer(
                fromSite, random.Next(model.sites[fromSite].Hosts), toSite, random.Next(model.sites[toSite].Hosts),
                SimTime.FromPicoseconds(random.NextInt64(0, 100_000_000_000)),
                random.Next(20_000, 200_000)));
        }

        return model;
    }

    /// <summary>Two sites joined in a line, hosts on both, with round link delays: the kind of model where events tie to the picosecond.</summary>
    public static SiteModel Line(int siteCount, int hostsPerSite)
    {
        var model = new SiteModel();
        for (int s = 0; s < siteCount; s++)
        {
            model.sites.Add(new Site(hostsPerSite, SimDuration.FromMicroseconds(10)));
        }

        for (int s = 1; s < siteCount; s++)
        {
            model.wans.Add(new Wan(s - 1, s, DataRate.FromMegabitsPerSecond(10), SimDuration.FromMilliseconds(5)));
        }

        model.udpFlows.Add(new UdpFlow(0, 0, siteCount - 1, 0, SimTime.Zero, SimDuration.FromMilliseconds(1), 1000, 100));
        model.tcpTransfers.Add(new TcpTransfer(siteCount - 1, hostsPerSite - 1, 0, hostsPerSite - 1, SimTime.FromMilliseconds(3), 100_000));
        return model;
    }

    /// <summary>Sites in a line, one host each, a UDP stream from the first to the last: no TCP, no application code.</summary>
    public static SiteModel UdpStream(int siteCount, SimDuration interval, int count)
    {
        var model = new SiteModel();
        for (int s = 0; s < siteCount; s++)
        {
            model.sites.Add(new Site(1, SimDuration.FromMicroseconds(10)));
        }

        for (int s = 1; s < siteCount; s++)
        {
            model.wans.Add(new Wan(s - 1, s, DataRate.FromMegabitsPerSecond(100), SimDuration.FromMilliseconds(5)));
        }

        model.udpFlows.Add(new UdpFlow(0, 0, siteCount - 1, 0, SimTime.Zero, interval, 1000, count));
        return model;
    }

    private static (int From, int To) TwoSites(Random random, int siteCount)
    {
        int from = random.Next(siteCount);
        int to = (from + random.Next(1, siteCount)) % siteCount;
        return (from, to);
    }

    /// <summary>Builds the model in one simulation.</summary>
    public Built BuildSequential(ulong seed)
    {
        var simulation = new Simulation(seed);
        var network = new Network(simulation);
        var topology = new TopologyBuilder(network);
        return Build(_ => network, _ => topology, (wan, a, b) => topology.Connect(Find(network, a), Find(network, b), wan.Rate, wan.Delay), null);
    }

    /// <summary>Builds the model in <paramref name="partitions"/> partitions (site s in partition s % partitions, unless <paramref name="partitionOfSite"/> says).</summary>
    public Built BuildPartitioned(ulong seed, int partitions, Func<int, int>? partitionOfSite = null)
    {
        var parallel = new ParallelSimulation(partitions, seed);
        int PartitionOf(int site) => partitionOfSite?.Invoke(site) ?? site % partitions;
        return Build(
            site => parallel.GetNetwork(PartitionOf(site)),
            site => parallel.GetTopology(PartitionOf(site)),
            (wan, a, b) =>
            {
                int pa = PartitionOf(wan.SiteA);
                int pb = PartitionOf(wan.SiteB);
                if (pa == pb)
                {
                    Network network = parallel.GetNetwork(pa);
                    _ = parallel.GetTopology(pa).Connect(Find(network, a), Find(network, b), wan.Rate, wan.Delay);
                }
                else
                {
                    _ = parallel.Connect(pa, a, pb, b, wan.Rate, wan.Delay);
                }
            },
            parallel);
    }

    private static IpInterface Find(Network network, string name)
    {
        string node = name[..name.IndexOf('/', StringComparison.Ordinal)];
        return network.Devices.OfType<IpNode>().Single(d => d.Name == node).Interfaces.Single(i => i.Name == name);
    }

    private Built Build(Func<int, Network> networkOf, Func<int, TopologyBuilder> topologyOf, Action<Wan, string, string> connectWan, ParallelSimulation? parallel)
    {
        var built = new Built(parallel, networkOf(0).Simulation);
        var routers = new Router[sites.Count];
        var hosts = new Host[sites.Count][];
        for (int s = 0; s < sites.Count; s++)
        {
            Network network = networkOf(s);
            TopologyBuilder topology = topologyOf(s);
            var router = new Router(network, $"r{s}");
            IpInterface lan = router.AddInterface(Ipv4Address.Parse($"10.{s}.0.1"), 24, Mac(s, 0xff));
            var sw = new Switch(network, $"sw{s}", sites[s].Hosts + 1);
            _ = topology.Connect(lan, sw, DataRate.FromMegabitsPerSecond(100), sites[s].LanDelay);
            hosts[s] = new Host[sites[s].Hosts];
            for (int h = 0; h < sites[s].Hosts; h++)
            {
                var host = new Host(network, $"h{s}-{h}");
                IpInterface address = host.AddInterface(Ipv4Address.Parse($"10.{s}.0.{10 + h}"), 24, Mac(s, h));
                host.DefaultGateway = lan.Address;
                _ = topology.Connect(address, sw, DataRate.FromMegabitsPerSecond(100), sites[s].LanDelay + SimDuration.FromPicoseconds(h * 7919));
                hosts[s][h] = host;
                built.Hosts.Add(host);
            }

            routers[s] = router;
            built.Routers.Add(router);
        }

        // WAN links: a /30 each from 172.16.0.0, the lower address on the lower site.
        var neighbours = new List<(int Site, Ipv4Address Via)>[sites.Count];
        for (int s = 0; s < sites.Count; s++)
        {
            neighbours[s] = [];
        }

        for (int w = 0; w < wans.Count; w++)
        {
            Wan wan = wans[w];
            IpInterface a = routers[wan.SiteA].AddInterface(Ipv4Address.Parse($"172.16.{w}.1"), 30, Mac(wan.SiteA, 0x80 + w));
            IpInterface b = routers[wan.SiteB].AddInterface(Ipv4Address.Parse($"172.16.{w}.2"), 30, Mac(wan.SiteB, 0x80 + w));
            connectWan(wan, a.Name, b.Name);
            neighbours[wan.SiteA].Add((wan.SiteB, b.Address));
            neighbours[wan.SiteB].Add((wan.SiteA, a.Address));
        }

        // Static routes along the tree: each router reaches each other site's LAN through the neighbour towards it.
        for (int s = 0; s < sites.Count; s++)
        {
            foreach ((int first, Ipv4Address via) in neighbours[s])
            {
                foreach (int reached in Subtree(neighbours, first, s))
                {
                    routers[s].AddRoute(new Ipv4Network(Ipv4Address.Parse($"10.{reached}.0.0"), 24), via);
                }
            }
        }

        foreach (UdpFlow flow in udpFlows)
        {
            Host from = hosts[flow.FromSite][flow.FromHost];
            Host to = hosts[flow.ToSite][flow.ToHost];
            var source = new UdpTrafficSource(from, to.Address, 9)
            {
                PayloadSize = flow.PayloadSize,
                Interval = flow.Interval,
                StartTime = flow.Start,
                StopTime = flow.Start + flow.Interval * flow.Count,
            };
            source.Start();
        }

        foreach (Host host in built.Hosts)
        {
            var sink = new UdpSocket(host);
            sink.Received += static (_, _, _, _) => { }; // counted, not queued (nothing reads them)
            sink.Bind(9);
            built.Sinks.Add(sink);
        }

        for (int t = 0; t < tcpTransfers.Count; t++)
        {
            TcpTransfer transfer = tcpTransfers[t];
            Host client = hosts[transfer.FromSite][transfer.FromHost];
            Host server = hosts[transfer.ToSite][transfer.ToHost];
            ushort port = (ushort)(5000 + t);
            var listener = new TcpListener(server, port);
            listener.Start();
            var result = new TransferResult();
            built.Transfers.Add(result);
            _ = server.Simulation.Start(async () =>
            {
                TcpConnection connection = await listener.AcceptAsync();
                byte[] buffer = new byte[8192];
                int read;
                while ((read = await connection.ReadAsync(buffer)) > 0)
                {
                    result.BytesReceived += read;
                }

                await connection.CloseAsync();
                result.ReceivedAt = server.Simulation.Now;
            });
            _ = client.Simulation.Start(async () =>
            {
                await client.Simulation.Delay(transfer.Start.SinceStart);
                TcpConnection connection = await TcpConnection.ConnectAsync(client, server.Address, port);
                byte[] data = new byte[transfer.Bytes];
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = unchecked((byte)(i * 31 + t));
                }

                await connection.WriteAsync(data);
                await connection.CloseAsync();
            });
        }

        return built;
    }

    // The sites reached through `first` from `from` (the tree has no cycle).
    private static List<int> Subtree(List<(int Site, Ipv4Address Via)>[] neighbours, int first, int from)
    {
        var reached = new List<int>();
        var stack = new Stack<(int Site, int Parent)>();
        stack.Push((first, from));
        while (stack.Count > 0)
        {
            (int site, int parent) = stack.Pop();
            reached.Add(site);
            foreach ((int next, _) in neighbours[site])
            {
                if (next != parent)
                {
                    stack.Push((next, site));
                }
            }
        }

        return reached;
    }

    private static MacAddress Mac(int site, int index) => MacAddress.FromUInt64(0x0A_00_00_00_00_00UL | ((ulong)site << 16) | (uint)index);

    private sealed record Site(int Hosts, SimDuration LanDelay);

    private sealed record Wan(int SiteA, int SiteB, DataRate Rate, SimDuration Delay);

    private sealed record UdpFlow(int FromSite, int FromHost, int ToSite, int ToHost, SimTime Start, SimDuration Interval, int PayloadSize, int Count);

    private sealed record TcpTransfer(int FromSite, int FromHost, int ToSite, int ToHost, SimTime Start, int Bytes);

    internal sealed class TransferResult
    {
        public long BytesReceived { get; set; }

        public SimTime? ReceivedAt { get; set; }
    }

    /// <summary>A built model: its devices, and the one simulation or the parallel one.</summary>
    internal sealed class Built(ParallelSimulation? parallel, Simulation first)
    {
        public ParallelSimulation? Parallel { get; } = parallel;

        public Simulation Sequential { get; } = first;

        public List<Host> Hosts { get; } = [];

        public List<Router> Routers { get; } = [];

        public List<UdpSocket> Sinks { get; } = [];

        public List<TransferResult> Transfers { get; } = [];

        /// <summary>Every device's trace events (with frame bytes), hashed per device: the same for two runs when every device did the same things at the same times.</summary>
        public DeviceHashes WatchDevices()
        {
            var hashes = new DeviceHashes();
            if (Parallel is null)
            {
                _ = Hosts[0].Network.Tracer.Subscribe(hashes);
            }
            else
            {
                foreach (int partition in Parallel.LocalPartitions)
                {
                    _ = Parallel.GetNetwork(partition).Tracer.Subscribe(hashes.ForPartition());
                }
            }

            return hashes;
        }

        public Tracer Tracer => Parallel?.Tracer ?? Hosts[0].Network.Tracer;

        public void Run(SimTime until, int threads = 1)
        {
            if (Parallel is null)
            {
                Sequential.RunUntil(until);
            }
            else
            {
                Parallel.RunUntil(until, threads);
            }
        }
    }

    /// <summary>A hash of each device's trace events. Partitions on different threads write to their own listeners, merged when read.</summary>
    internal sealed class DeviceHashes : ITraceListener
    {
        private readonly Dictionary<string, IncrementalHash> hashes = [];
        private readonly Dictionary<string, long> counts = [];
        private readonly List<DeviceHashes> parts = [];

        public DeviceHashes ForPartition()
        {
            var part = new DeviceHashes();
            parts.Add(part);
            return part;
        }

        public SortedDictionary<string, string> Values()
        {
            var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (DeviceHashes source in parts.Count == 0 ? [this] : parts)
            {
                foreach ((string device, IncrementalHash hash) in source.hashes)
                {
                    all.Add(device, $"{Convert.ToHexString(hash.GetCurrentHash())[..16]} ({source.counts[device]} events)");
                }
            }

            return all;
        }

        public void OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
        {
            IncrementalHash hash = Add(traceEvent.Device, traceEvent.Time, (traceEvent with { OutPorts = null }).ToString() + string.Join(",", traceEvent.OutPorts ?? []));
            hash.AppendData(frame);
        }

        public void OnArp(in ArpEvent traceEvent) => Add(traceEvent.Device, traceEvent.Time, traceEvent.ToString());

        public void OnIp(in IpEvent traceEvent) => Add(traceEvent.Device, traceEvent.Time, traceEvent.ToString());

        public void OnUdp(in UdpEvent traceEvent) => Add(traceEvent.Device, traceEvent.Time, traceEvent.ToString());

        public void OnTcp(in TcpEvent traceEvent) => Add(traceEvent.Device, traceEvent.Time, traceEvent.ToString());

        public void OnApplication(in ApplicationEvent traceEvent) => Add(traceEvent.Device, traceEvent.Time, traceEvent.ToString());

        // The time to the picosecond: an event's text shows it rounded.
        private IncrementalHash Add(string device, SimTime time, string text)
        {
            if (!hashes.TryGetValue(device, out IncrementalHash? hash))
            {
                hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                hashes.Add(device, hash);
                counts.Add(device, 0);
            }

            counts[device]++;
            hash.AppendData(Encoding.UTF8.GetBytes($"{time.Picoseconds} {text}"));
            return hash;
        }
    }
}
