using System.Globalization;
using NetSim.Engine;
using NetSim.Links;

namespace NetSim.Partitioning;

/// <summary>
/// Which partition each device of a model goes to, found by cutting the model at its
/// slowest-propagating cables: the cut's smallest delay is a parallel run's lookahead, so the
/// slower the cables cut, the longer the windows and the fewer the barriers. Build the model
/// once in a plain <see cref="Network"/> (no traffic is needed), ask for a plan, then build it
/// in a <see cref="ParallelSimulation"/> with each device in <see cref="PartitionOf"/>'s partition.
/// </summary>
/// <remarks>
/// <para>
/// The plan joins every device to its neighbours over the fastest cables first (Kruskal's order),
/// and stops before the delay at which fewer than the asked number of groups would remain: the
/// groups it has then are joined to each other only by cables at least that slow. Cables that
/// cannot be cut are joined first whatever their delay: a hub's cables (a collision domain
/// cannot span partitions) and cables of no delay (no lookahead). The groups are then dealt out
/// to the partitions, largest first, each to the partition with the fewest devices so far, so
/// that the partitions' sizes come out even.
/// </para>
/// <para>
/// The plan is a function of the model alone (its devices and cables, in the order made): the
/// same model gives the same plan.
/// </para>
/// </remarks>
public sealed class PartitionPlan
{
    private readonly Dictionary<string, int> partitionOf;
    private readonly List<string>[] devices;

    private PartitionPlan(Dictionary<string, int> partitionOf, List<string>[] devices, SimDuration lookahead, int cutCables)
    {
        this.partitionOf = partitionOf;
        this.devices = devices;
        Lookahead = lookahead;
        CutCables = cutCables;
    }

    /// <summary>How many partitions the plan has.</summary>
    public int Partitions => devices.Length;

    /// <summary>The smallest delay of the cables the plan cuts: the lookahead of a run built by it; <see cref="SimDuration.MaxValue"/> when it cuts none.</summary>
    public SimDuration Lookahead { get; }

    /// <summary>How many cables join devices of different partitions.</summary>
    public int CutCables { get; }

    /// <summary>
    /// Cuts <paramref name="model"/>'s devices (its switches, hubs, hosts and routers) into
    /// <paramref name="partitions"/> partitions at its slowest cables.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The model cannot be cut into that many parts: it has fewer devices, or fewer groups that only cuttable cables join; the message says how many.</exception>
    public static PartitionPlan CutAtSlowestLinks(Network model, int partitions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (IDeviceTables device in model.Devices)
        {
            index.Add(device.Name, names.Count);
            names.Add(device.Name);
        }

        // The cables as (device, device, delay), the ones that cannot be cut joined at once.
        var groups = new UnionFind(names.Count);
        var cuttable = new List<(int A, int B, SimDuration Delay)>();
        foreach (Cable cable in model.Cables)
        {
            if (!index.TryGetValue(DeviceOf(cable.A), out int a) || !index.TryGetValue(DeviceOf(cable.B), out int b))
            {
                continue; // a bare NIC or port that is not a device of the model: it goes with nothing
            }

            if (cable.Delay == SimDuration.Zero || cable.A.Medium is not null || cable.B.Medium is not null)
            {
                groups.Join(a, b);
            }
            else
            {
                cuttable.Add((a, b, cable.Delay));
            }
        }

        if (groups.Count < partitions)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The model cannot be cut into {partitions} partitions: it has {names.Count} devices in {groups.Count} groups that only cables which can be cut join (hubs' cables and cables of no delay cannot be)."),
                nameof(partitions));
        }

        // Fastest first (stable: equal delays in the order the cables were made); before the first
        // cable of each new delay, stop if joining it could leave fewer groups than partitions.
        List<(int A, int B, SimDuration Delay)> ordered = [.. cuttable.OrderBy(c => c.Delay)];
        int next = 0;
        while (next < ordered.Count)
        {
            SimDuration delay = ordered[next].Delay;
            int end = next;
            var trial = groups.Copy();
            while (end < ordered.Count && ordered[end].Delay == delay)
            {
                trial.Join(ordered[end].A, ordered[end].B);
                end++;
            }

            if (trial.Count < partitions)
            {
                break; // cables of this delay and slower are where the model is cut
            }

            groups = trial;
            next = end;
        }

        // Deal the groups out, largest first, each to the partition with the fewest devices so far.
        var members = new Dictionary<int, List<int>>();
        for (int device = 0; device < names.Count; device++)
        {
            int root = groups.Find(device);
            if (!members.TryGetValue(root, out List<int>? list))
            {
                members.Add(root, list = []);
            }

            list.Add(device);
        }

        var sizes = new int[partitions];
        var partitionOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var devices = new List<string>[partitions];
        for (int p = 0; p < partitions; p++)
        {
            devices[p] = [];
        }

        foreach (List<int> group in members.Values.OrderByDescending(g => g.Count).ThenBy(g => g[0]))
        {
            int lightest = 0;
            for (int p = 1; p < partitions; p++)
            {
                if (sizes[p] < sizes[lightest])
                {
                    lightest = p;
                }
            }

            sizes[lightest] += group.Count;
            foreach (int device in group)
            {
                partitionOf.Add(names[device], lightest);
            }
        }

        for (int device = 0; device < names.Count; device++)
        {
            devices[partitionOf[names[device]]].Add(names[device]);
        }

        SimDuration lookahead = SimDuration.MaxValue;
        int cut = 0;
        foreach ((int a, int b, SimDuration delay) in cuttable)
        {
            if (partitionOf[names[a]] != partitionOf[names[b]])
            {
                cut++;
                lookahead = delay < lookahead ? delay : lookahead;
            }
        }

        return new PartitionPlan(partitionOf, devices, lookahead, cut);
    }

    /// <summary>The partition of the device named <paramref name="device"/> (a switch, hub, host or router of the model).</summary>
    /// <exception cref="ArgumentException">The model has no such device.</exception>
    public int PartitionOf(string device) =>
        partitionOf.TryGetValue(device, out int partition) ? partition : throw new ArgumentException($"The plan has no device named '{device}'.", nameof(device));

    /// <summary>The devices of partition <paramref name="partition"/>, in the order the model made them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such partition.</exception>
    public IReadOnlyList<string> DevicesOf(int partition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, devices.Length);
        return devices[partition];
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Partitions} partitions of {string.Join(", ", devices.Select(d => d.Count))} devices, {CutCables} cables cut, lookahead {Lookahead}");

    // A port's device: a NIC's port is named after its node and interface ("r1/eth0"): the node.
    private static string DeviceOf(Port port)
    {
        int slash = port.DeviceName.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? port.DeviceName : port.DeviceName[..slash];
    }

    private sealed class UnionFind
    {
        private readonly int[] parent;

        public UnionFind(int count)
        {
            parent = new int[count];
            for (int i = 0; i < count; i++)
            {
                parent[i] = i;
            }

            Count = count;
        }

        private UnionFind(int[] parent, int count)
        {
            this.parent = parent;
            Count = count;
        }

        /// <summary>Groups left.</summary>
        public int Count { get; private set; }

        public UnionFind Copy() => new((int[])parent.Clone(), Count);

        public int Find(int x)
        {
            while (parent[x] != x)
            {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }

            return x;
        }

        public void Join(int a, int b)
        {
            int ra = Find(a);
            int rb = Find(b);
            if (ra != rb)
            {
                // The lower index is the root: the groups' roots do not depend on the order of joins.
                parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
                Count--;
            }
        }
    }
}
