namespace NetSim.Tracing;

/// <summary>Why an IPv4 node dropped a packet. Every drop is counted under its reason.</summary>
public enum IpDropReason
{
    /// <summary>The packet (or ARP message) is malformed; <c>IpCounters.Malformed</c> says how.</summary>
    Malformed,

    /// <summary>The frame carried neither IPv4 nor ARP.</summary>
    UnknownEtherType,

    /// <summary>A host received a packet for another address (hosts do not forward).</summary>
    NotForMe,

    /// <summary>
    /// The packet's addresses are impossible (RFC 1122 3.2.1.3, RFC 1812 5.3.7): a source
    /// that is broadcast, multicast, loopback, in 0/8 or 240/4; a destination that is
    /// multicast, loopback, in 0/8 or 240/4; or a unicast packet that came in a link-layer
    /// broadcast (RFC 1122 3.3.6).
    /// </summary>
    BadAddress,

    /// <summary>The TTL ran out at a router (ICMP time exceeded sent).</summary>
    TimeToLiveExceeded,

    /// <summary>No route to the destination (ICMP destination unreachable sent, or the send failed).</summary>
    NoRoute,

    /// <summary>ARP found no one at the next hop (ICMP host unreachable sent, or the sender told).</summary>
    HostUnreachable,

    /// <summary>Too many packets were already waiting for ARP to resolve the next hop; the oldest went.</summary>
    ArpQueueFull,

    /// <summary>The packet was larger than the next hop's MTU with DF set (ICMP fragmentation needed sent).</summary>
    FragmentationNeeded,

    /// <summary>Nothing on this node speaks the packet's protocol (ICMP protocol unreachable sent).</summary>
    UnknownProtocol,

    /// <summary>A UDP datagram or TCP segment for a port nothing listens on (ICMP port unreachable or a TCP reset sent).</summary>
    NoListener,

    /// <summary>The other fragments of a datagram did not arrive in time.</summary>
    ReassemblyTimeout,

    /// <summary>Too many datagrams were being reassembled at once, or a datagram would exceed 65,535 bytes.</summary>
    ReassemblyOverflow,

    /// <summary>Fragments that break RFC 791's rules or contradict each other (data not in 8-byte units before the last, data past the end, two ends); the datagram is dropped.</summary>
    BadFragments,

    /// <summary>The packet reached a node that has no use for it (an ICMP message no one waits for, an unknown ICMP type).</summary>
    Unwanted,

    /// <summary>The ARP cache was full and the entry these packets waited on was evicted for a newer one.</summary>
    ArpCacheFull,
}
