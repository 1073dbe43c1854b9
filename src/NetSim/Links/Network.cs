using NetSim.Engine;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Links;

/// <summary>
/// What the devices of one simulated network share: the simulation, the frame buffers, the
/// register of names and MAC addresses (so that duplicates are caught when the topology is
/// built), the checks of the whole topology that run before a run starts, and the listeners
/// of trace events.
/// </summary>
public sealed class Network
{
    private const ulong FirstAssignedMac = 0x02_00_00_00_00_01; // locally administered, unicast

    private readonly Dictionary<MacAddress, string> givenMacs = []; // addresses given by the user
    private readonly List<string?> assignedMacOwners = []; // who got 02:00:00:00:00:01 + i (null: skipped, it was given)
    private readonly HashSet<string> deviceNames = new(StringComparer.Ordinal);
    private readonly List<ITopologyCheck> topologyChecks = [];
    private readonly List<IDeviceTables> devices = [];
    private readonly List<Cable> cables = [];
    private readonly ulong firstMac;
    private ulong nextMac;
    private bool topologyChanged;

    /// <summary>Creates an empty network on <paramref name="simulation"/>.</summary>
    public Network(Simulation simulation)
        : this(simulation, FirstAssignedMac)
    {
    }

    /// <summary>
    /// Creates an empty network whose assigned MAC addresses start at <paramref name="firstMac"/>:
    /// a partition of a parallel run numbers its NICs in a range of its own.
    /// </summary>
    internal Network(Simulation simulation, ulong firstMac)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        this.firstMac = firstMac;
        nextMac = firstMac;
        Simulation = simulation;
        Frames = new FramePool(simulation);
        Tracer = new Tracer(simulation);
        simulation.RunStarting += CheckTopology;
    }

    /// <summary>The simulation the network runs on.</summary>
    public Simulation Simulation { get; }

    /// <summary>The frame buffers every device of this network uses.</summary>
    public FramePool Frames { get; }

    /// <summary>
    /// The trace events of every device of the network, of every layer: subscribe a listener
    /// (<see cref="Tracer.Subscribe"/>, or a <see cref="TraceRecorder"/>, <see cref="TraceLogger"/>
    /// or <see cref="Fingerprint"/>) to see them.
    /// </summary>
    public Tracer Tracer { get; }

    /// <summary>
    /// The network's switches, hubs, hosts and routers (every device with tables, not the NICs
    /// inside hosts and routers), in the order they were made: what a topology diagram or a run
    /// report draws. Each one's <see cref="IDeviceTables.FormatTables"/> prints its tables.
    /// </summary>
    public IReadOnlyList<IDeviceTables> Devices => devices;

    /// <summary>The network's cables, in the order they were plugged in.</summary>
    public IReadOnlyList<Cable> Cables => cables;

    /// <summary>
    /// The topology check of type <typeparamref name="T"/> (one per network, made by
    /// <paramref name="create"/> when first asked for): a higher layer's check of the whole
    /// topology, such as duplicate IPv4 addresses, run before a run starts.
    /// </summary>
    internal T GetTopologyCheck<T>(Func<Network, T> create)
        where T : class, ITopologyCheck
    {
        foreach (ITopologyCheck check in topologyChecks)
        {
            if (check is T found)
            {
                return found;
            }
        }

        T made = create(this);
        topologyChecks.Add(made);
        return made;
    }

    /// <summary>Something the topology checks look at changed (a cable was plugged in, an address added): they run again before the next run.</summary>
    internal void OnTopologyChanged() => topologyChanged = true;

    // Before a run: the checks run once after each change, so a run of an unchanged network
    // costs nothing. A check that throws leaves the change pending, so the next run fails too.
    private void CheckTopology()
    {
        if (!topologyChanged)
        {
            return;
        }

        foreach (ITopologyCheck check in topologyChecks)
        {
            check.Check();
        }

        topologyChanged = false;
    }

    /// <summary>
    /// Takes a device name; names are unique in a network. A name with '/' is refused: the
    /// names of interfaces' NICs ("pc1/eth0") have it, and are not registered (a node's name
    /// is unique, so are they), which saves a network of ten million hosts ten million entries.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, has a '/', or is already taken.</exception>
    internal void RegisterDevice(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' cannot be a device name: '/' is kept for the names of interfaces, such as 'pc1/eth0'.", nameof(name));
        }

        RegisterName(name);
    }

    /// <summary>Takes the name of a NIC that a topology builder makes for a node ("pc1/eth2", '/' allowed).</summary>
    /// <exception cref="ArgumentException">The name is already taken.</exception>
    internal void RegisterInterfaceName(string name) => RegisterName(name);

    /// <summary>Refuses the name of an interface's NIC that a topology builder has already made.</summary>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    internal void CheckInterfaceName(string name)
    {
        if (deviceNames.Contains(name))
        {
            throw new ArgumentException($"The network already has a device named '{name}'.", nameof(name));
        }
    }

    private void RegisterName(string name)
    {
        if (!deviceNames.Add(name))
        {
            throw new ArgumentException($"The network already has a device named '{name}'.", nameof(name));
        }
    }

    /// <summary>
    /// Opt-in for building a network of millions of hosts: until the returned scope is
    /// disposed, the process runs in a no-GC region (<see cref="GC.TryStartNoGCRegion(long)"/>)
    /// sized for <paramref name="hosts"/> hosts of about 1,700 bytes each (a host with one
    /// interface, its cable and its share of a switch), so that the build makes one garbage
    /// collection, at the end, instead of one every few thousand hosts that marks objects which
    /// all survive. At 10 million hosts the build takes about a third less time (benchmarks/README.md,
    /// "A network of ten million hosts"), and the peak memory is about 5% higher.
    /// </summary>
    /// <remarks>
    /// The region is the whole process's: every thread allocates in it, and a build that
    /// allocates more than announced, or a <see cref="GC.Collect()"/>, ends it early (with a
    /// collection; nothing else happens). Disposing ends it if it is still on; the runtime
    /// then collects as usual. The library never starts one unless asked.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hosts"/> is below 1, or the runtime cannot reserve that much.</exception>
    /// <exception cref="InvalidOperationException">The process is already in a no-GC region.</exception>
    public static IDisposable BeginBulkBuild(int hosts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 1);
        _ = GC.TryStartNoGCRegion(checked(hosts * BulkBytesPerHost));
        return new BulkBuild();
    }

    private const long BulkBytesPerHost = 1_700;

    /// <summary>Ends the no-GC region of <see cref="BeginBulkBuild"/>, if it is still on.</summary>
    private sealed class BulkBuild : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
    }

    /// <summary>A switch, hub, host or router is made (the end of its constructor): it is listed in <see cref="Devices"/>.</summary>
    internal void AddDevice(IDeviceTables device) => devices.Add(device);

    /// <summary>A cable was plugged in: it is listed in <see cref="Cables"/>.</summary>
    internal void RegisterCable(Cable cable) => cables.Add(cable);

    /// <summary>
    /// Registers <paramref name="mac"/> for <paramref name="device"/>, or, when null, assigns
    /// the next free locally administered address (02:00:00:00:00:01, 02:00:00:00:00:02, ...).
    /// </summary>
    /// <exception cref="ArgumentException">The address is taken, or is not a unicast address.</exception>
    internal MacAddress RegisterMac(MacAddress? mac, string device)
    {
        if (mac is MacAddress given)
        {
            if (!given.IsUnicast || given == MacAddress.Zero)
            {
                throw new ArgumentException($"{device}: {given} cannot be a station's address (it is {(given.IsMulticast ? "a group address" : "all zeros")}).", nameof(mac));
            }

            if (givenMacs.TryGetValue(given, out string? owner))
            {
                throw new ArgumentException($"{device}: MAC address {given} is already used by {owner}.", nameof(mac));
            }

            if (given.ToUInt64() is var value && value >= firstMac && value < nextMac)
            {
                throw new ArgumentException($"{device}: MAC address {given} is already used by {assignedMacOwners[checked((int)(value - firstMac))]}.", nameof(mac));
            }

            givenMacs.Add(given, device);
            return given;
        }

        while (givenMacs.ContainsKey(MacAddress.FromUInt64(nextMac)))
        {
            assignedMacOwners.Add(null);
            nextMac++;
        }

        assignedMacOwners.Add(device);
        return MacAddress.FromUInt64(nextMac++);
    }
}
