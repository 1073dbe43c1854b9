using System.Globalization;
using System.Text;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>What an IPv4 node did with a packet (RFC 791, RFC 1122, RFC 1812).</summary>
public enum IpEventKind
{
    /// <summary>The node sent a packet of its own (<see cref="IpEvent.Interface"/> and <see cref="IpEvent.NextHop"/> say where to).</summary>
    Sent,

    /// <summary>A packet for the node (or a broadcast it takes) was delivered to its protocol.</summary>
    Received,

    /// <summary>A router sent a packet on: <see cref="IpEvent.Route"/> matched, toward <see cref="IpEvent.NextHop"/> through <see cref="IpEvent.Interface"/>.</summary>
    Forwarded,

    /// <summary>The node dropped a packet; <see cref="IpEvent.Reason"/> says why.</summary>
    Dropped,

    /// <summary>A packet larger than the interface's MTU left in <see cref="IpEvent.Fragments"/> fragments.</summary>
    Fragmented,

    /// <summary>The fragments of a datagram (<see cref="IpEvent.Fragments"/> of them) were joined whole.</summary>
    Reassembled,

    /// <summary>A router dropped a packet whose TTL ran out (RFC 1812, 5.3.1); an ICMP time exceeded follows.</summary>
    TimeToLiveExpired,

    /// <summary>
    /// The node sent an ICMP error about a packet (RFC 792): <see cref="IpEvent.Source"/> and
    /// <see cref="IpEvent.Destination"/> are the offending packet's, <see cref="IpEvent.IcmpType"/>
    /// and <see cref="IpEvent.IcmpCode"/> say what went wrong.
    /// </summary>
    IcmpSent,
}

/// <summary>
/// An IPv4 trace event: what a node did with a packet, with the packet's addresses, protocol
/// and, for UDP and TCP, ports (ICMP: type, code and identifier), which a flow monitor needs.
/// </summary>
/// <param name="Time">When it happened.</param>
/// <param name="Device">The node's name.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Source">The packet's source address.</param>
/// <param name="Destination">The packet's destination address.</param>
/// <param name="Protocol">What the packet carries.</param>
/// <param name="Length">The packet's total length in bytes (header included).</param>
public readonly record struct IpEvent(SimTime Time, string Device, IpEventKind Kind, Ipv4Address Source, Ipv4Address Destination, IpProtocol Protocol, int Length) : ITraceEvent
{
    /// <summary>The interface concerned ("r1/eth1"): the one a packet leaves by (sent, forwarded, fragmented), or came in on (received, dropped on arrival); null when none.</summary>
    public string? Interface { get; init; }

    /// <summary>The IPv4 identification of the packet (RFC 791, RFC 6864).</summary>
    public ushort Identification { get; init; }

    /// <summary>The packet's TTL as it arrived or left.</summary>
    public byte TimeToLive { get; init; }

    /// <summary>For UDP and TCP: the source port (0 for a fragment after the first, or another protocol).</summary>
    public ushort SourcePort { get; init; }

    /// <summary>For UDP and TCP: the destination port (0 for a fragment after the first, or another protocol).</summary>
    public ushort DestinationPort { get; init; }

    /// <summary>For ICMP (and <see cref="IpEventKind.IcmpSent"/>): the message type; null otherwise.</summary>
    public IcmpType? IcmpType { get; init; }

    /// <summary>For ICMP: the message code.</summary>
    public byte IcmpCode { get; init; }

    /// <summary>For ICMP echo requests and replies: the identifier (ping's session).</summary>
    public ushort IcmpIdentifier { get; init; }

    /// <summary>For a packet sent or forwarded: the route that matched (the connected network, a static route, or 0.0.0.0/0); null otherwise.</summary>
    public Ipv4Network? Route { get; init; }

    /// <summary>For a packet sent or forwarded: the next hop (the destination itself when it is on the link).</summary>
    public Ipv4Address NextHop { get; init; }

    /// <summary>For a packet sent or forwarded: the network of the interface it leaves by (<see cref="Interface"/>), which says whether the destination is on the link.</summary>
    public Ipv4Network? InterfaceSubnet { get; init; }

    /// <summary>For <see cref="IpEventKind.Dropped"/> and <see cref="IpEventKind.TimeToLiveExpired"/>: why.</summary>
    public IpDropReason? Reason { get; init; }

    /// <summary>For <see cref="IpEventKind.Fragmented"/> and <see cref="IpEventKind.Reassembled"/>: how many fragments.</summary>
    public int Fragments { get; init; }

    /// <summary>One line a learner reads: "2.5 ms r1: forwarded 10.0.1.2 -> 10.0.2.2 udp 5000 > 9 via 10.0.2.0/24 to 10.0.2.2 on r1/eth1".</summary>
    public override string ToString()
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{Time} {Device}: ");
        line.Append(Kind switch
        {
            IpEventKind.Sent => "sent",
            IpEventKind.Received => "received",
            IpEventKind.Forwarded => "forwarded",
            IpEventKind.Dropped => "dropped",
            IpEventKind.Fragmented => "fragmented",
            IpEventKind.Reassembled => "reassembled",
            IpEventKind.TimeToLiveExpired => "TTL expired for",
            _ => $"ICMP {IcmpType} code {IcmpCode} about",
        });
        line.Append(CultureInfo.InvariantCulture, $" {Source} -> {Destination} {Protocol.ToString().ToLowerInvariant()}");
        if (Kind != IpEventKind.IcmpSent && (SourcePort != 0 || DestinationPort != 0))
        {
            line.Append(CultureInfo.InvariantCulture, $" {SourcePort} > {DestinationPort}");
        }
        else if (Kind != IpEventKind.IcmpSent && IcmpType is { } type)
        {
            line.Append(CultureInfo.InvariantCulture, $" {type}");
        }

        line.Append(CultureInfo.InvariantCulture, $" ({Length} bytes)");
        if (Route is { } route)
        {
            line.Append(CultureInfo.InvariantCulture, $" via {route} to {NextHop}");
        }

        if (Fragments > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $", {Fragments} fragments");
        }

        if (Interface is not null)
        {
            line.Append(CultureInfo.InvariantCulture, $" on {Interface}");
        }

        if (Reason is { } reason)
        {
            line.Append(CultureInfo.InvariantCulture, $" ({reason})");
        }

        return line.ToString();
    }
}
