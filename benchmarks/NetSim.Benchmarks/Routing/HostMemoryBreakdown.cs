using System.Globalization;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Wire;

namespace NetSim.Benchmarks.Routing;

/// <summary>
/// Where the bytes of <see cref="HostMemoryBenchmarks"/> go: not a BenchmarkDotNet
/// benchmark but a plain measurement (allocations are deterministic), run with
/// <c>dotnet run -c Release --project benchmarks/NetSim.Benchmarks -- host-memory [hosts]</c>.
/// Counts bytes with <see cref="GC.GetAllocatedBytesForCurrentThread"/> around each step,
/// and retained bytes with <see cref="GC.GetTotalMemory(bool)"/> after a full collection.
/// </summary>
internal static class HostMemoryBreakdown
{
    public static void Run(int hosts)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hosts:N0} hosts, 48-port switches (47 hosts each), 1 simulated second idle"));
        Whole(hosts);
        Steps(hosts);
        Components(hosts);
        ShallowSizes();
    }

    // The size of each object alone (header and fields), from the runtime's own count.
    private static void ShallowSizes()
    {
        var network = new Network(new Simulation(seed: 7));
        var host = new Host(network, "h");
        IpInterface iface = host.AddInterface(Ipv4Address.FromUInt32(0x0A00_0001u), 8);
        var sw = new Switch(network, "s", 48);
        var cable = new Cable(host.Port, sw.Ports[0], HostNetwork.Rate, HostNetwork.Delay);
        Console.WriteLine();
        Console.WriteLine("Objects alone (header and fields, not what they point to):");
        foreach (object o in (object[])[host, host.Counters, iface, iface.Nic, iface.Port, iface.Port.Counters, iface.Arp, cable, cable.FromA, sw, sw.MacTable, network])
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {o.GetType().Name,-78} {ObjectSize(o),10:N0} B"));
        }
    }

    private static long ObjectSize(object o)
    {
        // RuntimeHelpers.GetRawObjectDataSize is internal: the bytes after the method table pointer.
        var method = typeof(System.Runtime.CompilerServices.RuntimeHelpers).GetMethod("GetRawObjectDataSize", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic);
        return method is null ? -1 : Math.Max(24, (long)(nuint)method.Invoke(null, [o])! + (2 * IntPtr.Size));
    }

    // The benchmark's build, allocated and retained.
    private static void Whole(int hosts)
    {
        HostNetwork.Build(1000, 48); // JIT
        long retainedBefore = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Host[] network = HostNetwork.Build(hosts, 48);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long retained = GC.GetTotalMemory(forceFullCollection: true) - retainedBefore;
        GC.KeepAlive(network);
        Console.WriteLine();
        Print("allocated by the whole build, per host", allocated, hosts);
        Print("retained after it (live objects reachable from the hosts), per host", retained, hosts);
    }

    // The same build, one step at a time.
    private static void Steps(int hosts)
    {
        var steps = new Dictionary<string, long>();
        void Add(string step, long bytes) => steps[step] = steps.GetValueOrDefault(step) + bytes;
        long mark = Allocated();
        var network = new Network(new Simulation(seed: 1));
        Add("simulation and network (once)", Allocated() - mark);

        var all = new Host[hosts];
        var below = new Port[hosts];
        for (int i = 0; i < hosts; i++)
        {
            mark = Allocated();
            string name = $"h{i}";
            Add("host name string", Allocated() - mark);
            mark = Allocated();
            var host = new Host(network, name);
            Add("new Host (+ name registration)", Allocated() - mark);
            mark = Allocated();
            host.AddInterface(Ipv4Address.FromUInt32(0x0A00_0000u + (uint)i + 1), 8);
            Add("AddInterface", Allocated() - mark);
            below[i] = host.Port;
            all[i] = host;
        }

        int level = 0;
        while (below.Length > 1 || level == 0)
        {
            var uplinks = new Port[(below.Length + 46) / 47];
            for (int s = 0; s < uplinks.Length; s++)
            {
                mark = Allocated();
                var sw = new Switch(network, $"s{level}.{s}", 48);
                Add("switches (48 ports, name)", Allocated() - mark);
                for (int p = 0; p < 47 && (s * 47) + p < below.Length; p++)
                {
                    mark = Allocated();
                    _ = new Cable(below[(s * 47) + p], sw.Ports[p], HostNetwork.Rate, HostNetwork.Delay);
                    Add(level == 0 ? "cable host-switch" : "cables between switches", Allocated() - mark);
                }

                uplinks[s] = sw.Ports[47];
            }

            below = uplinks;
            level++;
        }

        mark = Allocated();
        network.Simulation.RunFor(SimDuration.FromSeconds(1));
        Add("run 1 s idle", Allocated() - mark);
        GC.KeepAlive(all);

        Console.WriteLine();
        Console.WriteLine("Steps of the build, bytes allocated per host:");
        foreach ((string step, long bytes) in steps)
        {
            Print("  " + step, bytes, hosts);
        }

        Print("  total", steps.Values.Sum(), hosts);
    }

    // Single objects, each made many times in isolation (so that growing tables are averaged).
    private static void Components(int count)
    {
        Console.WriteLine();
        Console.WriteLine("Components, bytes allocated each (averaged over many):");
        string[] names = [.. Enumerable.Range(0, count).Select(i => $"h{i}")];
        string[] nicNames = [.. names.Select(n => $"{n}/eth0")];
        var network = new Network(new Simulation(seed: 1));
        var owner = new Nic(network, "owner");

        Each("string \"h12345\"", count, i => Keep($"h{i}"));
        Each("string \"h12345/eth0\"", count, i => Keep($"{names[i]}/eth0"));
        Each("Network.RegisterInterfaceName (HashSet<string> entry)", count, i => network.RegisterInterfaceName(nicNames[i]));
        Each("Network.RegisterMac (Dictionary<MacAddress, string> entry)", count, i => network.RegisterMac(null, names[i]));
        Each("IpCounters", count, _ => Keep(new IpCounters()));
        Each("PortCounters", count, _ => Keep(new PortCounters()));
        Each("Port (+ PortCounters)", count, _ => Keep(new Port(network, owner, "x", 0)));
        Each("List<IpInterface> with one interface", count, _ => Keep(new List<IpInterface> { null! }));

        var network2 = new Network(new Simulation(seed: 2));
        Each("Nic (+ Port, PortCounters, both registrations)", count, i => Keep(new Nic(network2, names[i])));

        var network3 = new Network(new Simulation(seed: 3));
        Each("Host with no interface (+ List, IpCounters, registration)", count, i => Keep(new Host(network3, names[i])));

        var network4 = new Network(new Simulation(seed: 4));
        Host[] bare = [.. names.Select(n => new Host(network4, n))];
        Each("AddInterface (IpInterface, Nic, ArpCache, delegate, name, List growth)", count, i => bare[i].AddInterface(Ipv4Address.FromUInt32(0x0A00_0001u + (uint)i), 8));
        IpInterface iface = bare[0].Interfaces[0];
        Each("ArpCache (+ its empty Dictionary)", count, _ => Keep(new ArpCache(iface)));
        Each("empty Dictionary<Ipv4Address, long>", count, _ => Keep(new Dictionary<Ipv4Address, long>()));
        Each("delegate Action<Nic, FrameHandle> to an instance method", count, _ => Keep(new Action<Nic, FrameHandle>(Sink.Instance.Take)));

        var network5 = new Network(new Simulation(seed: 5));
        Port[] left = [.. Enumerable.Range(0, count).Select(_ => new Port(network5, owner, "l", 0))];
        Port[] right = [.. Enumerable.Range(0, count).Select(_ => new Port(network5, owner, "r", 0))];
        Each("Cable (+ 2 CableDirection, 4 queue arrays)", count, i => Keep(new Cable(left[i], right[i], HostNetwork.Rate, HostNetwork.Delay)));
        Each("FrameHandle[4] + int[4] (one direction's queue)", count, _ =>
        {
            Keep(new FrameHandle[4]);
            Keep(new int[4]);
        });

        var network6 = new Network(new Simulation(seed: 6));
        int switches = count / 47;
        Each("Switch, 48 ports (per switch)", switches, i => Keep(new Switch(network6, $"s{i}", 48)));
        Each("MacTable (+ its empty Dictionary)", count, _ => Keep(new MacTable()));
    }

    private static void Each(string what, int count, Action<int> make)
    {
        make(0); // JIT, first-use allocations
        long mark = Allocated();
        for (int i = 1; i < count; i++)
        {
            make(i);
        }

        Print("  " + what, Allocated() - mark, count - 1);
    }

    // Stores what was made, so that the JIT cannot prove it unused and skip or stack-allocate it.
    private static void Keep(object made) => Sink.Instance.Last = made;

    private static long Allocated() => GC.GetAllocatedBytesForCurrentThread();

    private static void Print(string what, long bytes, int per) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-80} {(double)bytes / per,10:N1} B"));

    private sealed class Sink
    {
        public static readonly Sink Instance = new();

        public object? Last { get; set; }

        public void Take(Nic nic, FrameHandle frame) => Last = nic;
    }
}
