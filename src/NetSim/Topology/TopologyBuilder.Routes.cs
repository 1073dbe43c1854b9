using NetSim.Ip;
using NetSim.Wire;

namespace NetSim.Topology;

public sealed partial class TopologyBuilder
{
    private readonly List<(IpNode Node, Route Route)> computedRoutes = []; // what ComputeRoutes added, to be recomputed next time

    /// <summary>
    /// Gives every router a static route to every network of the topology it is not on, along
    /// a shortest path, and every host without a default gateway its LAN's router as one: the
    /// routes an administrator would write by hand, as ns-3's
    /// <c>Ipv4GlobalRoutingHelper::PopulateRoutingTables</c> computes them.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The topology is the whole network: every interface of every node, each network (an
    /// interface's subnet) on its broadcast domain, and the routers (nodes with
    /// <see cref="IpNode.Forwarding"/> on) joining them. A path's length is the number of
    /// routers a packet crosses (hop count); hosts do not forward, so no path goes through
    /// one. Each route goes to the next router on a shortest path, at that router's address on
    /// the network the two share.
    /// </para>
    /// <para>
    /// The tie rule: when several next routers are equally close, the route goes to the one
    /// with the lowest gateway address (compared as numbers, 10.0.1.2 before 10.0.2.1), so
    /// the result depends on the addresses alone, not on the order things were built in.
    /// </para>
    /// <para>
    /// Routes are added with <see cref="IpNode.AddRoute(Ipv4Network, Ipv4Address)"/>, as
    /// static routes. A route already in a router's table for a network (set by hand) is kept,
    /// and no route is computed for it there; a default route does not stand in the way. The
    /// routes this builder computed before are taken out and computed again, so calling it
    /// again after the topology grew gives the routes of the new topology. A host's default
    /// gateway is chosen as by <see cref="AssignAddresses(Ipv4Network, int)"/>; one already set is kept.
    /// </para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">
    /// A NIC that <see cref="Connect"/> made has no address yet, or one network (subnet) is on
    /// two broadcast domains that are not joined, so a route to it could lead to either.
    /// </exception>
    public void ComputeRoutes()
    {
        foreach (MadeNic made in madeNics)
        {
            if (!made.HasInterface)
            {
                throw new InvalidOperationException($"{made.Nic.Name} has no address yet: give it one ({nameof(AssignAddresses)}, or {made.Node.Name}.AddInterface on it) before computing routes.");
            }
        }

        IReadOnlyList<IpInterface> all = DuplicateAddressCheck.Of(Network).Interfaces;
        var domains = new BroadcastDomains();

        // The networks, in the order of their first interface, each with the interfaces on it.
        var networks = new List<(Ipv4Network Subnet, int Domain, List<IpInterface> Members)>();
        var networkOf = new Dictionary<Ipv4Network, int>();
        foreach (IpInterface ipInterface in all)
        {
            int domain = domains.Of(ipInterface);
            if (!networkOf.TryGetValue(ipInterface.Subnet, out int network))
            {
                network = networks.Count;
                networks.Add((ipInterface.Subnet, domain, []));
                networkOf.Add(ipInterface.Subnet, network);
            }
            else if (networks[network].Domain != domain)
            {
                IpInterface first = networks[network].Members[0];
                throw new InvalidOperationException(
                    $"{ipInterface.Subnet} is on two broadcast domains that are not joined ({first.Name} on {domains.Describe(networks[network].Domain, first.Name)}, {ipInterface.Name} on {domains.Describe(domain, ipInterface.Name)}): a route to it could lead to either. Give one of them another network.");
            }

            networks[network].Members.Add(ipInterface);
        }

        RemoveComputedRoutes();
        var reached = new HashSet<IpNode>();
        var frontier = new List<IpNode>();
        var next = new List<IpNode>();
        var gateways = new Dictionary<IpNode, Ipv4Address>();
        foreach ((Ipv4Network subnet, _, List<IpInterface> members) in networks)
        {
            // Breadth first from the network, one router hop at a time: the routers on it need no route.
            reached.Clear();
            frontier.Clear();
            foreach (IpInterface member in members)
            {
                if (member.Node.Forwarding && reached.Add(member.Node))
                {
                    frontier.Add(member.Node);
                }
            }

            while (frontier.Count > 0)
            {
                next.Clear();
                gateways.Clear();
                foreach (IpNode router in frontier)
                {
                    foreach (IpInterface toward in router.Interfaces)
                    {
                        foreach (IpInterface neighbour in networks[networkOf[toward.Subnet]].Members)
                        {
                            IpNode candidate = neighbour.Node;
                            if (!candidate.Forwarding || reached.Contains(candidate))
                            {
                                continue;
                            }

                            if (!gateways.TryGetValue(candidate, out Ipv4Address best))
                            {
                                gateways.Add(candidate, toward.Address);
                                next.Add(candidate);
                            }
                            else if (toward.Address < best)
                            {
                                gateways[candidate] = toward.Address; // the tie rule: the lowest gateway address
                            }
                        }
                    }
                }

                foreach (IpNode router in next)
                {
                    reached.Add(router);
                    AddComputedRoute(router, subnet, gateways[router]);
                }

                (frontier, next) = (next, frontier);
            }
        }

        SetDefaultGateways(domains);
    }

    private void AddComputedRoute(IpNode router, Ipv4Network destination, Ipv4Address gateway)
    {
        if (router.Routes.TryGet(destination, out _))
        {
            return; // set by hand: it stays
        }

        router.AddRoute(destination, gateway);
        _ = router.Routes.TryGet(destination, out Route added);
        computedRoutes.Add((router, added));
    }

    // Takes out the routes computed last time that are still as computed (not replaced by hand or by a connected route).
    private void RemoveComputedRoutes()
    {
        foreach ((IpNode router, Route route) in computedRoutes)
        {
            if (router.Routes.TryGet(route.Destination, out Route now) && now == route)
            {
                _ = router.Routes.Remove(route.Destination);
            }
        }

        computedRoutes.Clear();
    }
}
