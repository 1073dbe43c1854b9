using System.Buffers.Binary;
using NetSim.Ip;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// A node's UDP (RFC 768): the table of bound ports, sending (header and checksum written
/// in place), and receiving (checksum verified, handed to the socket on the destination
/// port, or ICMP port unreachable when there is none, RFC 1122 4.1.3.1).
/// </summary>
internal sealed class Udp(IpNode node) : IIpProtocol
{
    /// <summary>The UDP of <paramref name="node"/>, registered with it when first needed.</summary>
    public static Udp On(IpNode node) => node.GetOrAddProtocol(IpProtocol.Udp, static n => new Udp(n));

    private const ushort FirstEphemeralPort = 49152; // RFC 6335, 6

    private Dictionary<ushort, UdpSocket>? sockets; // made at the first bind: most nodes never use UDP
    private ushort nextEphemeral = FirstEphemeralPort;

    public ushort Bind(UdpSocket socket, ushort port)
    {
        sockets ??= [];
        if (port == 0)
        {
            port = NextFreePort();
        }
        else if (sockets.TryGetValue(port, out UdpSocket? owner))
        {
            throw new InvalidOperationException($"UDP port {port} on {node.Name} is already taken by {owner}.");
        }

        sockets.Add(port, socket);
        return port;
    }

    public void Unbind(ushort port) => sockets?.Remove(port);

    public SendResult Send(ushort sourcePort, Ipv4Address destination, ushort destinationPort, ReadOnlySpan<byte> data)
    {
        if (!node.TryRoute(destination, out IpInterface egress, out Ipv4Address nextHop))
        {
            node.Counters.CountDrop(IpDropReason.NoRoute);
            return SendResult.NoRoute;
        }

        // The header is made beside the data, and IP copies the two into the packet once.
        Span<byte> header = stackalloc byte[UdpHeader.HeaderLength];
        new UdpHeader(sourcePort, destinationPort, UdpHeader.HeaderLength + data.Length).EmitHeader(header, data, egress.Address, destination);
        if (node.Network.Tracer.IsOn)
        {
            Trace(UdpEventKind.Sent, egress.Address, sourcePort, destination, destinationPort, data.Length);
        }

        return node.Send(egress, nextHop, destination, IpProtocol.Udp, header, data, IpNode.DefaultTimeToLive, dontFragment: false, egress.Address);
    }

    /// <inheritdoc/>
    public IpProtocol Protocol => IpProtocol.Udp;

    /// <inheritdoc/>
    public void OnDatagram(IpInterface ingress, in Ipv4Header ip, ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> payload)
    {
        WireError error = UdpHeader.TryParse(payload, out UdpHeader udp);
        if (error == WireError.None && !UdpHeader.VerifyChecksum(payload, ip.Source, ip.Destination))
        {
            error = WireError.BadChecksum;
        }

        if (error != WireError.None)
        {
            node.Counters.CountMalformed(error);
            return;
        }

        node.Counters.PacketsDelivered++;
        bool tracing = node.Network.Tracer.IsOn;
        if (sockets is not null && sockets.TryGetValue(udp.DestinationPort, out UdpSocket? socket))
        {
            if (tracing)
            {
                Trace(UdpEventKind.Delivered, ip.Source, udp.SourcePort, ip.Destination, udp.DestinationPort, udp.Length - UdpHeader.HeaderLength);
            }

            socket.Deliver(ip.Source, udp.SourcePort, payload[UdpHeader.HeaderLength..udp.Length]);
            return;
        }

        node.Counters.CountDrop(IpDropReason.NoListener);
        if (tracing)
        {
            Trace(UdpEventKind.PortUnreachable, ip.Source, udp.SourcePort, ip.Destination, udp.DestinationPort, udp.Length - UdpHeader.HeaderLength);
        }

        if (node.IsLocalAddress(ip.Destination))
        {
            node.Icmp.SendUnreachable(headerBytes, payload, UnreachableCode.Port); // RFC 1122, 4.1.3.1
        }
    }

    private void Trace(UdpEventKind kind, Ipv4Address source, ushort sourcePort, Ipv4Address destination, ushort destinationPort, int length) =>
        node.Network.Tracer.Raise(new UdpEvent(node.Simulation.Now, node.Name, kind, source, sourcePort, destination, destinationPort, length));

    /// <summary>An ICMP error about a datagram this node sent: to the socket on its source port.</summary>
    public bool OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ReadOnlySpan<byte> start)
    {
        if (start.Length < 4 || sockets is null || !sockets.TryGetValue(BinaryPrimitives.ReadUInt16BigEndian(start), out UdpSocket? socket))
        {
            return false;
        }

        socket.ReportError(new UdpError(icmp.Type, icmp.Code, reporter, quoted.Destination, BinaryPrimitives.ReadUInt16BigEndian(start[2..])));
        return true;
    }

    private ushort NextFreePort()
    {
        for (int tries = 0; tries <= ushort.MaxValue - FirstEphemeralPort; tries++)
        {
            ushort candidate = nextEphemeral;
            nextEphemeral = candidate == ushort.MaxValue ? FirstEphemeralPort : (ushort)(candidate + 1);
            if (!sockets!.ContainsKey(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"Every ephemeral UDP port of {node.Name} is taken.");
    }
}
