using System.Globalization;
using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>
/// An IPv4 routing table: at most one <see cref="Route"/> per destination network, and a
/// longest-prefix-match lookup (RFC 1812, 5.2.4.3) that allocates nothing.
/// </summary>
/// <remarks>
/// The routes live in a dictionary; lookups use flat arrays built from it on the first
/// lookup after a change. Every prefix is an interval of addresses and nested prefixes cut
/// the 32-bit space into elementary intervals, each with its most specific route, so a
/// lookup is a binary search over a sorted <see cref="uint"/> array: O(log N), about 18
/// comparisons for 100,000 routes, no pointer chasing. The O(N log N) rebuild is paid once
/// after a batch of changes, so adding routes one by one is not quadratic. Large tables
/// (over 4,096 intervals) also get an index by the top 16 address bits, which narrows the
/// search to the few intervals of one /16 block: a lookup then touches a few cache lines
/// instead of missing the cache at most of 18 steps. Not thread-safe: a lookup may rebuild.
/// </remarks>
public sealed class RoutingTable
{
    private const int NoRoute = -1;
    private const int MaxNesting = 33; // nested prefixes have distinct lengths, 0 to 32

    private readonly Dictionary<Ipv4Network, Route> routes = [];
    private bool stale = true;
    private Route[] sortedRoutes = [];
    private uint[] intervalStarts = [];
    private int[] intervalRoutes = [];
    private int[]? blockIndex; // for large tables: per /16 block, the first interval to search

    // Above this many intervals a lookup first narrows the search by the top 16 address
    // bits (a 256 KiB index), so that it touches a few cache lines instead of about 18.
    private const int BlockIndexThreshold = 4096;

    /// <summary>How many routes the table holds.</summary>
    public int Count => routes.Count;

    /// <summary>Adds a route to a destination that has none yet.</summary>
    /// <exception cref="ArgumentException">
    /// The table already has a route to exactly that destination network (use
    /// <see cref="AddOrReplace"/> to replace it), or the interface index is negative.
    /// </exception>
    public void Add(Route route)
    {
        CheckInterfaceIndex(route);
        if (routes.TryGetValue(route.Destination, out Route existing))
        {
            throw new ArgumentException(
                $"The table already has a route to {route.Destination}: {existing}. Remove it first or use {nameof(AddOrReplace)}.",
                nameof(route));
        }

        routes.Add(route.Destination, route);
        stale = true;
    }

    /// <summary>Adds a route, replacing the route to the same destination network if there is one.</summary>
    /// <exception cref="ArgumentException">The interface index is negative.</exception>
    public void AddOrReplace(Route route)
    {
        CheckInterfaceIndex(route);
        if (routes.TryGetValue(route.Destination, out Route existing) && existing == route)
        {
            return;
        }

        routes[route.Destination] = route;
        stale = true;
    }

    /// <summary>Removes the route to exactly <paramref name="destination"/>; false when there was none.</summary>
    public bool Remove(Ipv4Network destination)
    {
        if (!routes.Remove(destination))
        {
            return false;
        }

        stale = true;
        return true;
    }

    /// <summary>The route to exactly <paramref name="destination"/> (not a lookup: see <see cref="TryLookup"/>).</summary>
    public bool TryGet(Ipv4Network destination, out Route route) => routes.TryGetValue(destination, out route);

    /// <summary>
    /// Finds the route for <paramref name="destination"/>: the one whose network contains it
    /// with the longest prefix. False when no route contains it (and there is no default
    /// route). Allocates nothing, except that the first lookup after a change rebuilds the
    /// lookup arrays.
    /// </summary>
    public bool TryLookup(Ipv4Address destination, out Route route)
    {
        if (stale)
        {
            Rebuild();
        }

        // The last interval whose start is at or below the address; the first starts at 0.
        uint address = destination.Value;
        uint[] starts = intervalStarts;
        int low = 0;
        int high = starts.Length - 1;
        if (blockIndex is { } blocks)
        {
            int block = (int)(address >> 16);
            low = blocks[block];
            high = blocks[block + 1];
        }

        while (low < high)
        {
            int middle = (low + high + 1) >> 1;
            if (starts[middle] <= address)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        int index = intervalRoutes[low];
        if (index == NoRoute)
        {
            route = default;
            return false;
        }

        route = sortedRoutes[index];
        return true;
    }

    /// <summary>
    /// The routes, most specific first: by prefix length descending, then by address
    /// ascending (the order a reader scans for the route that applies). A snapshot.
    /// </summary>
    public IReadOnlyList<Route> GetRoutes()
    {
        Route[] result = [.. routes.Values];
        Array.Sort(result, static (a, b) =>
        {
            int byLength = b.Destination.PrefixLength.CompareTo(a.Destination.PrefixLength);
            return byLength != 0 ? byLength : a.Destination.BaseAddress.CompareTo(b.Destination.BaseAddress);
        });
        return result;
    }

    /// <summary>
    /// The table as text, in the layout of <see cref="IpNode.FormatRoutes"/> (which names
    /// the interfaces; a bare table knows only their indexes): a title, a header line, then
    /// one line per route in the order of <see cref="GetRoutes"/>.
    /// </summary>
    public override string ToString()
    {
        var table = new TextTable(string.Create(CultureInfo.InvariantCulture, $"Routing table ({routes.Count} routes)"), "Destination", "Gateway", "Interface", "Origin");
        foreach (Route route in GetRoutes())
        {
            table.Add(
                route.Destination.ToString(),
                route.IsOnLink ? "on-link" : route.Gateway.ToString(),
                route.InterfaceIndex.ToString(CultureInfo.InvariantCulture),
                Route.OriginText(route.Origin));
        }

        return table.ToString();
    }

    private static void CheckInterfaceIndex(Route route)
    {
        if (route.InterfaceIndex < 0)
        {
            throw new ArgumentException(
                $"The interface index of {route} is {route.InterfaceIndex}: it must be 0 or more.", nameof(route));
        }
    }

    // Sweeps the prefixes in order of first address, shorter first on a tie, keeping a stack
    // of the open ones (each nested in the one below it). An interval starts where a prefix
    // starts (its route) and just after one ends (the route of the prefix below it, or none).
    private void Rebuild()
    {
        Route[] sorted = [.. routes.Values];
        Array.Sort(sorted, static (a, b) =>
        {
            int byAddress = a.Destination.BaseAddress.CompareTo(b.Destination.BaseAddress);
            return byAddress != 0 ? byAddress : a.Destination.PrefixLength.CompareTo(b.Destination.PrefixLength);
        });

        var builder = new IntervalBuilder(sorted);
        for (int i = 0; i < sorted.Length; i++)
        {
            uint first = sorted[i].Destination.BaseAddress.Value;
            builder.CloseBefore(first);
            builder.Open(i, first);
        }

        builder.CloseBefore(1UL << 32);
        (intervalStarts, intervalRoutes) = builder.ToArrays();
        sortedRoutes = sorted;
        blockIndex = intervalStarts.Length > BlockIndexThreshold ? BuildBlockIndex(intervalStarts) : null;
        stale = false;
    }

    // blocks[b] is the interval holding address b << 16 (the last one starting at or before
    // it); the intervals holding block b's addresses are blocks[b] to blocks[b + 1].
    private static int[] BuildBlockIndex(uint[] starts)
    {
        var blocks = new int[(1 << 16) + 1];
        int interval = 0;
        for (int block = 0; block < 1 << 16; block++)
        {
            uint first = (uint)block << 16;
            while (interval + 1 < starts.Length && starts[interval + 1] <= first)
            {
                interval++;
            }

            blocks[block] = interval;
        }

        blocks[1 << 16] = starts.Length - 1;
        return blocks;
    }

    private sealed class IntervalBuilder
    {
        private readonly Route[] sorted;
        private readonly uint[] starts;
        private readonly int[] indexes;
        private readonly int[] open = new int[MaxNesting];
        private int depth;
        private int count;

        public IntervalBuilder(Route[] sorted)
        {
            this.sorted = sorted;
            int capacity = (2 * sorted.Length) + 1; // one interval from 0, at most two per prefix
            starts = new uint[capacity];
            indexes = new int[capacity];
            Append(0, NoRoute);
        }

        public void Open(int index, uint first)
        {
            Append(first, index);
            open[depth] = index;
            depth++;
        }

        // Closes the open prefixes whose last address is below limit; 2^32 closes them all.
        public void CloseBefore(ulong limit)
        {
            while (depth > 0)
            {
                uint last = sorted[open[depth - 1]].Destination.BroadcastAddress.Value;
                if (last >= limit)
                {
                    return;
                }

                depth--;
                if (last != uint.MaxValue)
                {
                    Append(last + 1, depth > 0 ? open[depth - 1] : NoRoute);
                }
            }
        }

        public (uint[] Starts, int[] Indexes) ToArrays() => (starts[..count], indexes[..count]);

        // A later interval at the same start is more specific and replaces the earlier one;
        // an interval with the same route as the one before it only extends it.
        private void Append(uint start, int index)
        {
            if (count > 0 && starts[count - 1] == start)
            {
                count--;
            }

            if (count > 0 && indexes[count - 1] == index)
            {
                return;
            }

            starts[count] = start;
            indexes[count] = index;
            count++;
        }
    }
}
