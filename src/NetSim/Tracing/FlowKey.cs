using System.Globalization;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>
/// What a flow is: the IPv4 5-tuple (protocol, addresses, ports), and for ICMP the message
/// type and the echo identifier instead of ports (so each ping session, each direction, is a
/// flow of its own), as <see cref="FlowMonitor"/> classifies packets.
/// </summary>
/// <param name="Protocol">The protocol the packets carry.</param>
/// <param name="Source">The source address.</param>
/// <param name="SourcePort">For UDP and TCP: the source port; 0 otherwise.</param>
/// <param name="Destination">The destination address.</param>
/// <param name="DestinationPort">For UDP and TCP: the destination port; 0 otherwise.</param>
public readonly record struct FlowKey(IpProtocol Protocol, Ipv4Address Source, ushort SourcePort, Ipv4Address Destination, ushort DestinationPort)
{
    /// <summary>For ICMP: the message type; null otherwise.</summary>
    public IcmpType? IcmpType { get; init; }

    /// <summary>For ICMP echo requests and replies: the identifier; 0 otherwise.</summary>
    public ushort IcmpIdentifier { get; init; }

    /// <summary>The flow of what <paramref name="traceEvent"/> is about.</summary>
    public static FlowKey Of(in IpEvent traceEvent) =>
        new(traceEvent.Protocol, traceEvent.Source, traceEvent.SourcePort, traceEvent.Destination, traceEvent.DestinationPort)
        {
            IcmpType = traceEvent.Protocol == IpProtocol.Icmp ? traceEvent.IcmpType : null,
            IcmpIdentifier = traceEvent.Protocol == IpProtocol.Icmp ? traceEvent.IcmpIdentifier : (ushort)0,
        };

    /// <summary>One line: "udp 10.0.1.10:49152 > 10.0.2.10:9", "icmp 10.0.1.10 > 10.0.2.10 EchoRequest id 1".</summary>
    public override string ToString()
    {
        string protocol = Protocol.ToString().ToLowerInvariant();
        if (Protocol is IpProtocol.Udp or IpProtocol.Tcp)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{protocol} {Source}:{SourcePort} > {Destination}:{DestinationPort}");
        }

        if (IcmpType is { } type)
        {
            string id = IcmpIdentifier != 0 ? string.Create(CultureInfo.InvariantCulture, $" id {IcmpIdentifier}") : "";
            return string.Create(CultureInfo.InvariantCulture, $"{protocol} {Source} > {Destination} {type}{id}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{protocol} {Source} > {Destination}");
    }
}
