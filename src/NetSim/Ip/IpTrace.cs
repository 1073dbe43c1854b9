using System.Buffers.Binary;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>Builds IPv4 trace events, for a node that found its network's <see cref="Tracer.IsOn"/> true.</summary>
internal static class IpTrace
{
    /// <summary>An event about the packet <paramref name="packet"/> (header first; a malformed one gives what can be read).</summary>
    public static IpEvent Make(IpNode node, IpEventKind kind, ReadOnlySpan<byte> packet, IpInterface? at = null) =>
        Icmp.TryReadQuoted(packet, out Ipv4Header header, out ReadOnlySpan<byte> start)
            ? Make(node, kind, header, start, at)
            : new IpEvent(node.Simulation.Now, node.Name, kind, default, default, default, packet.Length) { Interface = at?.Name };

    /// <summary>An event about the packet with <paramref name="header"/>, whose payload starts with <paramref name="start"/> (its transport header, or less).</summary>
    public static IpEvent Make(IpNode node, IpEventKind kind, in Ipv4Header header, ReadOnlySpan<byte> start, IpInterface? at = null)
    {
        ushort sourcePort = 0;
        ushort destinationPort = 0;
        IcmpType? icmpType = null;
        byte icmpCode = 0;
        ushort icmpIdentifier = 0;
        if (header.FragmentOffset == 0)
        {
            if (header.Protocol is IpProtocol.Udp or IpProtocol.Tcp && start.Length >= 4)
            {
                sourcePort = BinaryPrimitives.ReadUInt16BigEndian(start);
                destinationPort = BinaryPrimitives.ReadUInt16BigEndian(start[2..]);
            }
            else if (header.Protocol == IpProtocol.Icmp && start.Length >= 2)
            {
                icmpType = (IcmpType)start[0];
                icmpCode = start[1];
                if (icmpType is IcmpType.EchoRequest or IcmpType.EchoReply && start.Length >= 6)
                {
                    icmpIdentifier = BinaryPrimitives.ReadUInt16BigEndian(start[4..]);
                }
            }
        }

        return new IpEvent(node.Simulation.Now, node.Name, kind, header.Source, header.Destination, header.Protocol, header.TotalLength)
        {
            Interface = at?.Name,
            Identification = header.Identification,
            TimeToLive = header.TimeToLive,
            SourcePort = sourcePort,
            DestinationPort = destinationPort,
            IcmpType = icmpType,
            IcmpCode = icmpCode,
            IcmpIdentifier = icmpIdentifier,
        };
    }
}
