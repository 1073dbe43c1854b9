using NetSim.Ip;
using NetSim.Links;
using NetSim.Transport;

namespace NetSim.Topology;

/// <summary>
/// A router (RFC 1812): an IPv4 node with forwarding on, interfaces on several networks and
/// a routing table (a connected route per interface). A packet for another node keeps its IP
/// addresses; the router takes one from its TTL (ICMP time exceeded when none is left),
/// picks the route with the longest matching prefix (ICMP destination unreachable when none
/// does), resolves the next hop with ARP, and sends the packet on in a new Ethernet header:
/// its own MAC address as the source, the next hop's as the destination. Packets larger than
/// the next link's MTU are fragmented, or, with DF set, answered with ICMP "fragmentation
/// needed" and the MTU.
/// </summary>
public sealed class Router : IpNode
{
    /// <summary>Creates a router with no interfaces; each one added brings its connected route.</summary>
    /// <exception cref="ArgumentException">The name is empty or taken.</exception>
    public Router(Network network, string name)
        : base(network, name, forwarding: true)
    {
        TransportProtocols.AddTo(this);
    }
}
