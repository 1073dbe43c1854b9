using NetSim.Ip;
using NetSim.Wire;

namespace NetSim.Topology;

public sealed partial class TopologyBuilder
{
    /// <summary>
    /// Gives every NIC that <see cref="Connect"/> made and that has no address yet an
    /// interface, numbered from the address plan <paramref name="pool"/>: one network of
    /// <paramref name="subnetPrefixLength"/> bits (a /24 unless told) per broadcast domain.
    /// Then every host without a default gateway gets its LAN's router as one. Returns the
    /// interfaces added, in the order their NICs were made.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A broadcast domain is what frames cross without a router: a cable between two nodes,
    /// or a LAN of switches and hubs. The domains are numbered in the order their first new
    /// NIC was made, that is the order of the <see cref="Connect"/> calls: the first gets the
    /// pool's first network (10.0.0.0/24 of 10.0.0.0/16), the next the next free one.
    /// </para>
    /// <para>
    /// Nothing set by hand is moved or reused. A network already on an interface anywhere in
    /// the network is skipped. A domain that already has an address (a router given
    /// 192.168.1.1/24 by hand, say) keeps that interface's network, and its new interfaces get
    /// the free addresses in it. In each domain routers (nodes with
    /// <see cref="IpNode.Forwarding"/> on) are numbered first, then hosts, each in the order
    /// their NICs were made, from the lowest free address up: on a new LAN the router is .1.
    /// </para>
    /// <para>
    /// A host's default gateway, when it has none, is the router with the lowest address on
    /// the network of its first interface (in <see cref="IpNode.Interfaces"/> order) that has
    /// a router on it. The plan is checked whole before anything changes: when it fails,
    /// nothing was added.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">The pool is not unicast address space (it reaches into 0/8, 127/8, or 224/4 and above).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="subnetPrefixLength"/> is shorter than the pool's or longer than 31.</exception>
    /// <exception cref="InvalidOperationException">
    /// The pool has no free network left for a domain, a network has no free address left for
    /// a NIC, or a node has two new NICs on one domain (a node needs a network per interface).
    /// </exception>
    public IReadOnlyList<IpInterface> AssignAddresses(Ipv4Network pool, int subnetPrefixLength = 24)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subnetPrefixLength, pool.PrefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subnetPrefixLength, 31);
        uint lowest = pool.BaseAddress.Value >> 24, highest = pool.BroadcastAddress.Value >> 24; // first bytes, RFC 1122 3.2.1.3
        if (lowest == 0 || highest >= 224 || (lowest <= 127 && highest >= 127))
        {
            throw new ArgumentException($"{pool} is not an address plan: it reaches outside unicast host addresses (0.0.0.0/8, 127.0.0.0/8 and 224.0.0.0 and above are not).", nameof(pool));
        }

        List<MadeNic> unaddressed = Unaddressed();
        if (unaddressed.Count == 0)
        {
            return [];
        }

        // The domains with new NICs are numbered first (0, 1, ...), in the order of their first new NIC.
        var domains = new BroadcastDomains();
        var newNicsIn = new List<List<int>>(); // per domain, indexes into unaddressed
        for (int i = 0; i < unaddressed.Count; i++)
        {
            int domain = domains.Of(unaddressed[i].Nic.Port);
            if (domain == newNicsIn.Count)
            {
                newNicsIn.Add([]);
            }

            newNicsIn[domain].Add(i);
        }

        IReadOnlyList<IpInterface> existing = DuplicateAddressCheck.Of(Network).Interfaces;
        var existingIn = new List<IpInterface>[newNicsIn.Count];
        var taken = new List<Ipv4Network>();
        foreach (IpInterface ipInterface in existing)
        {
            taken.Add(ipInterface.Subnet);
            int domain = domains.Of(ipInterface);
            if (domain < existingIn.Length)
            {
                (existingIn[domain] ??= []).Add(ipInterface);
            }
        }

        var planned = new Planned?[unaddressed.Count];
        long nextCandidate = 0;
        for (int domain = 0; domain < newNicsIn.Count; domain++)
        {
            List<int> members = newNicsIn[domain];
            string where = domains.Describe(domain, unaddressed[members[0]].Nic.Name);
            Ipv4Network subnet;
            if (existingIn[domain] is [IpInterface first, ..])
            {
                subnet = first.Subnet;
            }
            else
            {
                subnet = NextFreeSubnet(pool, subnetPrefixLength, taken, ref nextCandidate)
                    ?? throw new InvalidOperationException($"{pool} has no free /{subnetPrefixLength} left for {where}: give a larger address plan, or a longer prefix.");
                taken.Add(subnet);
            }

            var used = new HashSet<Ipv4Address>(existingIn[domain]?.Select(i => i.Address) ?? []);
            bool lastBitsAreHosts = subnet.PrefixLength >= 31; // RFC 3021: a /31 (and a /32) has no network or broadcast address
            long cursor = subnet.BaseAddress.Value + (lastBitsAreHosts ? 0L : 1L);
            long last = subnet.BroadcastAddress.Value - (lastBitsAreHosts ? 0L : 1L);
            foreach (int index in members.Where(m => unaddressed[m].Node.Forwarding).Concat(members.Where(m => !unaddressed[m].Node.Forwarding)))
            {
                MadeNic made = unaddressed[index];
                CheckOneInterfacePerNetwork(made, subnet, where, unaddressed, planned);
                while (cursor <= last && used.Contains(Ipv4Address.FromUInt32((uint)cursor)))
                {
                    cursor++;
                }

                if (cursor > last)
                {
                    throw new InvalidOperationException($"{subnet} has no free address left for {made.Nic.Name} on {where}: give a shorter prefix.");
                }

                planned[index] = new Planned(Ipv4Address.FromUInt32((uint)cursor), subnet);
                cursor++;
            }
        }

        // Added in the order the NICs were made, so that a node's interfaces are numbered as its NICs are named.
        var added = new List<IpInterface>(unaddressed.Count);
        for (int i = 0; i < unaddressed.Count; i++)
        {
            Planned plan = planned[i]!.Value;
            added.Add(unaddressed[i].Node.AddInterface(unaddressed[i].Nic, plan.Address, plan.Subnet.PrefixLength));
        }

        SetDefaultGateways(domains);
        return added;
    }

    /// <summary>As <see cref="AssignAddresses(Ipv4Network, int)"/>, with the plan written as text: <c>AssignAddresses("10.0.0.0/16")</c>.</summary>
    /// <exception cref="FormatException">The plan is not written as a network.</exception>
    /// <inheritdoc cref="AssignAddresses(Ipv4Network, int)"/>
    public IReadOnlyList<IpInterface> AssignAddresses(string pool, int subnetPrefixLength = 24) =>
        AssignAddresses(Ipv4Network.Parse(pool), subnetPrefixLength);

    /// <summary>
    /// Gives each host (forwarding off) without a default gateway the router with the lowest
    /// address on the network of its first interface that has a router on it.
    /// </summary>
    private void SetDefaultGateways(BroadcastDomains domains)
    {
        IReadOnlyList<IpInterface> all = DuplicateAddressCheck.Of(Network).Interfaces;
        var routersOn = new Dictionary<int, List<IpInterface>>();
        foreach (IpInterface ipInterface in all)
        {
            if (ipInterface.Node.Forwarding)
            {
                int domain = domains.Of(ipInterface);
                if (!routersOn.TryGetValue(domain, out List<IpInterface>? list))
                {
                    routersOn.Add(domain, list = []);
                }

                list.Add(ipInterface);
            }
        }

        foreach (IpInterface hostInterface in all)
        {
            IpNode host = hostInterface.Node;
            if (host.Forwarding || host.DefaultGateway is not null || !routersOn.TryGetValue(domains.Of(hostInterface), out List<IpInterface>? routers))
            {
                continue;
            }

            Ipv4Address? gateway = null;
            foreach (IpInterface router in routers)
            {
                if (router.Node != host && hostInterface.IsOnLink(router.Address) && (gateway is not Ipv4Address best || router.Address < best))
                {
                    gateway = router.Address;
                }
            }

            if (gateway is not null)
            {
                host.DefaultGateway = gateway;
            }
        }
    }

    private static bool Overlaps(Ipv4Network one, Ipv4Network other) => one.Contains(other.BaseAddress) || other.Contains(one.BaseAddress);

    // The pool's next network of the given length, from candidate `next` on, that overlaps none taken.
    private static Ipv4Network? NextFreeSubnet(Ipv4Network pool, int prefixLength, List<Ipv4Network> taken, ref long next)
    {
        long size = 1L << (32 - prefixLength);
        long count = 1L << (prefixLength - pool.PrefixLength);
        for (; next < count; next++)
        {
            var candidate = new Ipv4Network(Ipv4Address.FromUInt32((uint)(pool.BaseAddress.Value + (next * size))), prefixLength);
            if (!taken.Exists(t => Overlaps(t, candidate)))
            {
                next++;
                return candidate;
            }
        }

        return null;
    }

    // A node has one interface per network: a new NIC may not land on a network the node is already on, or will be.
    private static void CheckOneInterfacePerNetwork(MadeNic made, Ipv4Network subnet, string where, List<MadeNic> unaddressed, Planned?[] planned)
    {
        string? other = made.Node.Interfaces.FirstOrDefault(i => Overlaps(i.Subnet, subnet))?.Name;
        for (int i = 0; other is null && i < unaddressed.Count; i++)
        {
            if (unaddressed[i].Node == made.Node && planned[i] is { } plan && Overlaps(plan.Subnet, subnet))
            {
                other = unaddressed[i].Nic.Name;
            }
        }

        if (other is not null)
        {
            throw new InvalidOperationException($"{made.Nic.Name} and {other} would both be on {subnet} ({where}): a node needs one interface per network. Connect {made.Node.Name} to it once.");
        }
    }

    /// <summary>The address a new NIC is to get, on its network.</summary>
    private readonly record struct Planned(Ipv4Address Address, Ipv4Network Subnet);
}
