using System.Globalization;
using NetSim.Ethernet;
using NetSim.Links;

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
    private int nextDomain = 1; // the number of the next broadcast domain found, over all checks (0: a port never reached)

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
    /// <remarks>
    /// Linear in the network and light on memory, as it runs once before the first run of
    /// networks of millions of hosts: each port is stamped with its domain's number (numbers
    /// only grow from check to check, so a stamp below this check's first number is an old
    /// one), and the (domain, address) pairs are sorted in one array of longs, where a
    /// duplicate is a neighbour.
    /// </remarks>
    public void Check()
    {
        int first = nextDomain;
        var pending = new Stack<Port>();
        var keys = new long[interfaces.Count];
        var which = new int[interfaces.Count];
        int count = 0;
        for (int i = 0; i < interfaces.Count; i++)
        {
            if (interfaces[i].Link is not Nic nic)
            {
                continue; // another kind of link: it has no ports and cables to follow
            }

            Port port = nic.Port;
            if (port.DomainStamp < first)
            {
                Spread(port, nextDomain++, first, pending);
            }

            keys[count] = ((long)(port.DomainStamp - first) << 32) | interfaces[i].Address.Value;
            which[count++] = i;
        }

        Array.Sort(keys, which, 0, count);

        // Of the duplicated pairs, the one whose second interface was added first: the pair the
        // check reported when it went through the interfaces in order with a dictionary.
        int bestFirst = -1;
        int bestSecond = int.MaxValue;
        for (int start = 0, end; start < count; start = end)
        {
            int lowest = which[start];
            int second = int.MaxValue;
            for (end = start + 1; end < count && keys[end] == keys[start]; end++)
            {
                if (which[end] < lowest)
                {
                    second = lowest;
                    lowest = which[end];
                }
                else if (which[end] < second)
                {
                    second = which[end];
                }
            }

            if (second < bestSecond)
            {
                bestFirst = lowest;
                bestSecond = second;
            }
        }

        if (bestFirst >= 0)
        {
            IpInterface one = interfaces[bestFirst];
            IpInterface other = interfaces[bestSecond];
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"{one.Name} and {other.Name} both have {other.Address} on one broadcast domain ({DescribePath(one.Port, other.Port)}). Give one of them another address, or put a router between them."));
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

    // Stamps every port of start's broadcast domain with domain (ports stamped at or above first are this check's).
    private static void Spread(Port start, int domain, int first, Stack<Port> pending)
    {
        start.DomainStamp = domain;
        pending.Push(start);
        while (pending.TryPop(out Port? port))
        {
            if (port.Cable is { } cable)
            {
                Visit(cable.A == port ? cable.B : cable.A);
            }

            if (port.Owner is IFrameRelay relay)
            {
                IReadOnlyList<Port> ports = relay.Ports;
                for (int i = 0; i < ports.Count; i++)
                {
                    Visit(ports[i]);
                }
            }
        }

        void Visit(Port next)
        {
            if (next.DomainStamp < first)
            {
                next.DomainStamp = domain;
                pending.Push(next);
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
