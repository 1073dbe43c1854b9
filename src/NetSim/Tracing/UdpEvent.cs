using System.Globalization;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>What a node's UDP did with a datagram (RFC 768, RFC 1122 4.1).</summary>
public enum UdpEventKind
{
    /// <summary>A socket sent a datagram.</summary>
    Sent,

    /// <summary>A datagram reached the socket bound to its port.</summary>
    Delivered,

    /// <summary>No socket is bound to the datagram's port: it is dropped and an ICMP port unreachable goes back (RFC 1122, 4.1.3.1).</summary>
    PortUnreachable,
}

/// <summary>A UDP trace event: a datagram sent, delivered or refused, with its addresses and ports.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Device">The node's name.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Source">The datagram's source address.</param>
/// <param name="SourcePort">Its source port.</param>
/// <param name="Destination">Its destination address.</param>
/// <param name="DestinationPort">Its destination port.</param>
/// <param name="Length">The data's length in bytes (the UDP header not counted).</param>
public readonly record struct UdpEvent(SimTime Time, string Device, UdpEventKind Kind, Ipv4Address Source, ushort SourcePort, Ipv4Address Destination, ushort DestinationPort, int Length) : ITraceEvent
{
    /// <summary>One line a learner reads: "1 ms pc2: UDP port unreachable 10.0.0.1:5000 -> 10.0.0.2:9 (100 bytes)".</summary>
    public override string ToString()
    {
        string what = Kind switch
        {
            UdpEventKind.Sent => "UDP sent",
            UdpEventKind.Delivered => "UDP delivered",
            _ => "UDP port unreachable",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{Time} {Device}: {what} {Source}:{SourcePort} -> {Destination}:{DestinationPort} ({Length} bytes)");
    }
}
