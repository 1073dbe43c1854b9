using System.Globalization;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>
/// Refuses to run a network in which two interfaces have one IPv4 address on one broadcast
/// domain (ports joined by cables and through switches and hubs, with no router between):
/// both would answer ARP for it and take each other's traffic. Real hosts probe for this
/// (RFC 5227); a simulated topology is known whole, so it is checked before the run.
/// </summary>
/// <remarks>
/// One per <see cref="Network"/>, run by it before a run when cables or interfaces were
/// added since the last check. A cable counts whether it is up or down: one down now may
/// come up during the run. The same address on domains that are not joined is allowed (two
/// private networks behind their own routers).
/// </remarks>
internal sealed class DuplicateAddressCheck(Network network) : ITopologyCheck
{
    private readonly List<IpInterface> interfaces = [];

    /// <summary>Every interface of every node of the network, in the order they were added (the topology helpers walk them).</summary>
    public IReadOnlyList<IpInterface> Interfaces => interfaces;

    /// <summary>The check of <paramref name="network"/>, made when first asked for.</summary>
    public static DuplicateAddressCheck Of(Network network) => network.GetTopologyCheck(static n => new DuplicateAddressCheck(n));

    /// <summary>Includes <paramref name="added"/> in the next check.</summary>
    public void Add(IpInterface added)
    {
        interfaces.Add(added);
        network.OnTopologyChanged();
    }

    /// <inheritdoc/>
    public void Check()
    {
        var domainOf = new Dictionary<Port, int>(); // the broadcast domain of each port reached, numbered from 0
        var owners = new Dictionary<(int Domain, Ipv4Address Address), IpInterface>();
        var pending = new Stack<Port>();
        int domains = 0;
        foreach (IpInterface candidate in interfaces)
        {
            if (candidate.Link is not Nic nic)
            {
                continue; // another kind of link: it has no ports and cables to follow
            }

            if (!domainOf.TryGetValue(nic.Port, out int domain))
            {
                domain = domains++;
                Spread(nic.Port, domain, domainOf, pending);
            }

            if (!owners.TryAdd((domain, candidate.Address), candidate))
            {
                IpInterface first = owners[(domain, candidate.Address)];
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{first.Name} and {candidate.Name} both have {candidate.Address} on one broadcast domain ({DescribePath(first.Port, candidate.Port)}). Give one of them another address, or put a router between them."));
            }
        }
    }

    /// <summary>The ports a frame sent at <paramref name="port"/> can reach next: the other end of its cable, and the other ports of a switch or hub it belongs to.</summary>
    private static IEnumerable<Port> Neighbours(Port port)
    {
        if (port.Cable is { } cable)
        {
            yield return cable.A == port ? cable.B : cable.A;
        }

        if (port.Owner is IFrameRelay relay)
        {
            foreach (Port other in relay.Ports)
            {
                if (other != port)
                {
                    yield return other;
                }
            }
        }
    }

    // Marks every port of start's broadcast domain with domain.
    private static void Spread(Port start, int domain, Dictionary<Port, int> domainOf, Stack<Port> pending)
    {
        domainOf.Add(start, domain);
        pending.Push(start);
        while (pending.TryPop(out Port? port))
        {
            foreach (Port next in Neighbours(port))
            {
                if (domainOf.TryAdd(next, domain))
                {
                    pending.Push(next);
                }
            }
        }
    }

    // "joined through sw1, sw2" (the switches and hubs on a shortest path from one port to the other) or "joined by a cable".
    private static string DescribePath(Port from, Port to)
    {
        var cameFrom = new Dictionary<Port, Port> { [from] = from };
        var queue = new Queue<Port>();
        queue.Enqueue(from);
        while (queue.TryDequeue(out Port? port) && port != to)
        {
            foreach (Port next in Neighbours(port))
            {
                if (cameFrom.TryAdd(next, port))
                {
                    queue.Enqueue(next);
                }
            }
        }

        var relays = new List<string>();
        for (Port port = to; port != from; port = cameFrom[port])
        {
            Port previous = cameFrom[port];
            if (previous.Owner == port.Owner && port.Owner is IFrameRelay relay)
            {
                relays.Add(relay.Name); // crossed a switch or hub from one of its ports to another
            }
        }

        relays.Reverse();
        return relays.Count == 0 ? "joined by a cable" : $"joined through {string.Join(", ", relays)}";
    }
}
