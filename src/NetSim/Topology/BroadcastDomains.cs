using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;

namespace NetSim.Topology;

/// <summary>
/// The broadcast domains of a network as it is wired now, found as they are asked for: the
/// ports joined by cables (up or down) and through switches and hubs, with no router between.
/// Domains are numbered from 0 in the order they are first asked about, so whoever asks in a
/// fixed order gets fixed numbers. An interface on a link that is not a NIC (no port to
/// follow) is a domain of its own.
/// </summary>
internal sealed class BroadcastDomains
{
    private readonly Dictionary<Port, int> domainOf = [];
    private readonly Dictionary<IpInterface, int> portless = [];
    private readonly List<string?> firstRelay = []; // per domain: the first switch or hub found in it, for messages
    private readonly Stack<Port> pending = new();

    /// <summary>The domain of <paramref name="port"/>.</summary>
    public int Of(Port port)
    {
        if (domainOf.TryGetValue(port, out int domain))
        {
            return domain;
        }

        domain = firstRelay.Count;
        firstRelay.Add(null);
        Spread(port, domain);
        return domain;
    }

    /// <summary>The domain of <paramref name="ipInterface"/>: its NIC's port's, or one of its own for another kind of link.</summary>
    public int Of(IpInterface ipInterface)
    {
        if (ipInterface.Link is Nic nic)
        {
            return Of(nic.Port);
        }

        if (!portless.TryGetValue(ipInterface, out int domain))
        {
            domain = firstRelay.Count;
            firstRelay.Add(null);
            portless.Add(ipInterface, domain);
        }

        return domain;
    }

    /// <summary>The domain in words, for a message: "the LAN of sw1", or "the link of r1/eth1" for a domain without a switch or hub.</summary>
    public string Describe(int domain, string someMember) =>
        firstRelay[domain] is { } relay ? $"the LAN of {relay}" : $"the link of {someMember}";

    // Marks every port reachable from start (over cables, and from one port of a switch or hub to its others) with domain.
    private void Spread(Port start, int domain)
    {
        domainOf.Add(start, domain);
        pending.Push(start);
        while (pending.TryPop(out Port? port))
        {
            if (port.Cable is { } cable)
            {
                Visit(cable.A == port ? cable.B : cable.A, domain);
            }

            if (port.Owner is IFrameRelay relay)
            {
                firstRelay[domain] ??= relay.Name;
                foreach (Port other in relay.Ports)
                {
                    Visit(other, domain);
                }
            }
        }
    }

    private void Visit(Port port, int domain)
    {
        if (domainOf.TryAdd(port, domain))
        {
            pending.Push(port);
        }
    }
}
