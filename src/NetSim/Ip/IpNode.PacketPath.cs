using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>
/// The packet path of a node: sending (route, header, fragments, loopback), arrival and its
/// checks, forwarding, and delivery to the protocol registered for the datagram.
/// </summary>
public partial class IpNode
{
    /// <summary>
    /// Finds where a packet to <paramref name="destination"/> goes: the interface, and the
    /// next hop on its link (the destination itself when on-link, else a gateway). A
    /// destination in 127.0.0.0/8 goes to the loopback interface (127.0.0.1, see
    /// <see cref="IpInterface.IsLoopback"/>), and one of the node's own addresses to the
    /// interface that has it, with itself as the next hop: both are delivered to the node
    /// itself, never sent on a link (RFC 1122, 3.2.1.3). The limited broadcast goes out of
    /// the first interface (RFC 1122, 3.3.6); anything else by the routing table.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // a call, as the virtual TryRoute was: inlined, it crowded Ipv4Header.Emit and Transmit out of the sending path (S3 5-10% slower)
    public bool TryRoute(Ipv4Address destination, out IpInterface egress, out Ipv4Address nextHop)
    {
        nextHop = destination;
        if (destination.IsLoopback)
        {
            egress = Loopback.Interface;
            return true;
        }

        if (FindInterface(destination) is { } own)
        {
            egress = own;
            return true;
        }

        if (destination.IsBroadcast && interfaces.Count > 0)
        {
            egress = interfaces[0];
            return true;
        }

        return TryRouteAway(destination, out egress, out nextHop);
    }

    /// <summary>Sends a packet this node originates from <paramref name="source"/> (<see cref="Ipv4Address.Any"/>: the egress interface's address), with <paramref name="typeOfService"/> as its DSCP and ECN byte (a transport's ECT codepoint, RFC 3168 5).</summary>
    internal SendResult Send(Ipv4Address destination, IpProtocol protocol, ReadOnlySpan<byte> payload, byte timeToLive, bool dontFragment, Ipv4Address source, byte typeOfService = 0)
    {
        ArgumentOutOfRangeException.ThrowIfZero(timeToLive);
        int totalLength = Ipv4Header.MinLength + payload.Length;
        if (totalLength > ushort.MaxValue)
        {
            throw new ArgumentException($"An IPv4 packet holds at most {ushort.MaxValue - Ipv4Header.MinLength} bytes of payload; this one has {payload.Length}.", nameof(payload));
        }

        if (!TryRoute(destination, out IpInterface egress, out Ipv4Address nextHop))
        {
            Counters.CountDrop(IpDropReason.NoRoute);
            if (Network.Tracer.IsOn)
            {
                Network.Tracer.Raise(new IpEvent(Simulation.Now, Name, IpEventKind.Dropped, source, destination, protocol, totalLength) { TimeToLive = timeToLive, Reason = IpDropReason.NoRoute });
            }

            return SendResult.NoRoute;
        }

        return Send(egress, nextHop, destination, protocol, payload, [], timeToLive, dontFragment, source, typeOfService);
    }

    /// <summary>
    /// Sends, through a route already found (<see cref="TryRoute"/>: for a transport that
    /// needed the egress address first, for its checksum), a packet whose payload is
    /// <paramref name="first"/> then <paramref name="second"/> (a transport header and the
    /// data after it), copied into the packet once.
    /// </summary>
    internal SendResult Send(IpInterface egress, Ipv4Address nextHop, Ipv4Address destination, IpProtocol protocol, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, byte timeToLive, bool dontFragment, Ipv4Address source, byte typeOfService = 0)
    {
        int payloadLength = first.Length + second.Length;
        int totalLength = Ipv4Header.MinLength + payloadLength;
        if (dontFragment && totalLength > egress.Mtu)
        {
            Counters.CountDrop(IpDropReason.FragmentationNeeded);
            if (Network.Tracer.IsOn)
            {
                Network.Tracer.Raise(new IpEvent(Simulation.Now, Name, IpEventKind.Dropped, source == Ipv4Address.Any ? egress.Address : source, destination, protocol, totalLength)
                {
                    Interface = egress.Name,
                    TimeToLive = timeToLive,
                    Reason = IpDropReason.FragmentationNeeded,
                });
            }

            return SendResult.MessageTooLong;
        }

        var header = new Ipv4Header(
            source == Ipv4Address.Any ? egress.Address : source,
            destination,
            protocol,
            timeToLive,
            totalLength,
            unchecked(nextIdentification++), // RFC 6864: unique per source, destination and protocol while in flight
            dontFragment,
            TypeOfService: typeOfService);
        Counters.PacketsSent++;
        if (totalLength <= egress.Mtu)
        {
            FramePool pool = Network.Frames;
            FrameHandle packet = pool.RentForOverwrite(totalLength); // every byte is written just below
            Span<byte> bytes = pool.GetSpan(packet);
            header.Emit(bytes);
            first.CopyTo(bytes[Ipv4Header.MinLength..]);
            second.CopyTo(bytes[(Ipv4Header.MinLength + first.Length)..]);
            if (Network.Tracer.IsOn)
            {
                TraceRouted(IpEventKind.Sent, bytes, egress, nextHop);
            }

            Transmit(egress, packet, nextHop);
        }
        else if (second.IsEmpty)
        {
            if (Network.Tracer.IsOn)
            {
                TraceRouted(IpEventKind.Sent, header, first, egress, nextHop);
            }

            Fragmenter.Send(this, egress, nextHop, header, first);
        }
        else
        {
            // Fragments cut across the two pieces: join them first, in a buffer kept for it.
            // It is taken while the fragments go out, so that a send from code called on the
            // way (a tap, a trace listener) gets a buffer of its own.
            byte[] buffer = joined.Length >= payloadLength ? joined : new byte[payloadLength];
            joined = [];
            first.CopyTo(buffer);
            second.CopyTo(buffer.AsSpan(first.Length));
            if (Network.Tracer.IsOn)
            {
                TraceRouted(IpEventKind.Sent, header, buffer.AsSpan(0, payloadLength), egress, nextHop);
            }

            Fragmenter.Send(this, egress, nextHop, header, buffer.AsSpan(0, payloadLength));
            joined = buffer;
        }

        return SendResult.Sent;
    }

    /// <summary>
    /// Hands a packet this node built to <paramref name="egress"/>, or, when the next hop is
    /// the node itself (its own address or 127/8, as <see cref="TryRoute"/> gives them), to
    /// the loopback: the packet arrives in an event of its own at the current time, so the
    /// sender's call returns first (RFC 1122, 3.2.1.3; Linux's lo does the same).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the sending path, as egress.Send was called before the loopback
    internal void Transmit(IpInterface egress, FrameHandle packet, Ipv4Address nextHop)
    {
        if (nextHop == egress.Address || nextHop.IsLoopback)
        {
            SendToSelf(packet);
            return;
        }

        egress.Send(packet, nextHop);
    }

    /// <summary>
    /// An IPv4 packet arrived at <paramref name="ingress"/> (the link header already taken
    /// off; <paramref name="linkBroadcast"/> says whether it came in a broadcast frame); the
    /// node owns it.
    /// </summary>
    internal void OnPacketArrived(IpInterface ingress, FrameHandle frame, bool linkBroadcast)
    {
        Counters.PacketsReceived++;
        FramePool pool = Network.Frames;
        WireError error = Ipv4Packet.TryCreate(pool.GetSpan(frame), out Ipv4Packet packet);
        if (error != WireError.None)
        {
            DropMalformed(frame, error);
            return;
        }

        if (packet.TotalLength != pool.GetLength(frame))
        {
            pool.SetLength(frame, packet.TotalLength); // Ethernet padding is not part of the packet
        }

        Ipv4Address destination = packet.Destination;
        Ipv4Address source = packet.Source;
        AddressRole destinationRole = RolesOf(destination, source, out bool sourceIsSubnetBroadcast);
        bool broadcast = destination.IsBroadcast || destinationRole == AddressRole.SubnetBroadcast;
        if (!IsHostAddress(source) || sourceIsSubnetBroadcast || (linkBroadcast && !broadcast)
            || destination.IsMulticast || (!broadcast && !IsHostAddress(destination)))
        {
            // RFC 1122 3.2.1.3 and 3.3.6, RFC 1812 5.3.7: impossible addresses (127/8 among them) are dropped silently.
            DropPacket(frame, IpDropReason.BadAddress, ingress);
        }
        else if (broadcast || destinationRole == AddressRole.Interface)
        {
            Deliver(ingress, frame, packet); // a router takes directed broadcasts for its networks and does not forward them (RFC 2644)
        }
        else if (Forwarding)
        {
            Forward(frame, packet);
        }
        else
        {
            DropPacket(frame, IpDropReason.NotForMe, ingress); // RFC 1122, 3.3.4.2: a host does not forward
        }
    }

    /// <summary>ARP gave up on the next hop of <paramref name="packet"/>: a packet forwarded is reported to its source, one of the node's own to its sender.</summary>
    internal void OnHostUnreachable(IpInterface egress, FrameHandle packet)
    {
        ReadOnlySpan<byte> bytes = Network.Frames.GetSpan(packet);
        if (Icmp.TryReadQuoted(bytes, out Ipv4Header header, out ReadOnlySpan<byte> start))
        {
            if (IsLocalAddress(header.Source))
            {
                // RFC 1122, 3.2.2.1: tell the transport layer, as a received "host unreachable" would.
                _ = Icmp.ReportError(new IcmpHeader(IcmpType.DestinationUnreachable, (byte)UnreachableCode.Host), egress.Address, header, start);
            }
            else
            {
                Icmp.SendError(bytes, IcmpType.DestinationUnreachable, (byte)UnreachableCode.Host);
            }
        }

        DropPacket(packet, IpDropReason.HostUnreachable);
    }

    internal void DropPacket(FrameHandle frame, IpDropReason reason, IpInterface? at = null)
    {
        Counters.CountDrop(reason);
        if (Network.Tracer.IsOn)
        {
            IpEventKind kind = reason == IpDropReason.TimeToLiveExceeded ? IpEventKind.TimeToLiveExpired : IpEventKind.Dropped;
            Network.Tracer.Raise(IpTrace.Make(this, kind, Network.Frames.GetSpan(frame), at) with { Reason = reason });
        }

        Network.Frames.Return(frame);
    }

    /// <summary>Raises a trace event of a packet sent or forwarded (<paramref name="packet"/>, header first): the route that matched and the next hop with it.</summary>
    private void TraceRouted(IpEventKind kind, ReadOnlySpan<byte> packet, IpInterface egress, Ipv4Address nextHop)
    {
        IpEvent routed = IpTrace.Make(this, kind, packet, egress);
        Network.Tracer.Raise(routed with { Route = MatchedRoute(routed.Destination, egress), NextHop = nextHop, InterfaceSubnet = egress.Subnet });
    }

    private void TraceRouted(IpEventKind kind, in Ipv4Header header, ReadOnlySpan<byte> payload, IpInterface egress, Ipv4Address nextHop) =>
        Network.Tracer.Raise(IpTrace.Make(this, kind, header, payload, egress) with { Route = MatchedRoute(header.Destination, egress), NextHop = nextHop, InterfaceSubnet = egress.Subnet });

    /// <summary>The route a packet to <paramref name="destination"/> took out of <paramref name="egress"/>, for trace events: the table's match, the connected network, or the default route.</summary>
    private Ipv4Network? MatchedRoute(Ipv4Address destination, IpInterface egress)
    {
        if (egress.IsLoopback || destination == egress.Address)
        {
            return egress.Subnet;
        }

        if (routes is not null)
        {
            return routes.TryLookup(destination, out Route route) ? route.Destination : null;
        }

        return egress.IsOnLink(destination) ? egress.Subnet : new Ipv4Network(Ipv4Address.Any, 0);
    }

    internal void DropMalformed(FrameHandle frame, WireError error)
    {
        Counters.CountMalformed(error);
        Network.Frames.Return(frame);
    }

    /// <summary>Hands a whole datagram (arrived whole or reassembled) to the protocol registered under its number.</summary>
    internal void DeliverDatagram(IpInterface ingress, ReadOnlySpan<byte> headerBytes, in Ipv4Header header, ReadOnlySpan<byte> payload)
    {
        if (FindProtocol(header.Protocol) is { } protocol)
        {
            protocol.OnDatagram(ingress, header, headerBytes, payload);
            return;
        }

        Counters.CountDrop(IpDropReason.UnknownProtocol);
        if (Network.Tracer.IsOn)
        {
            Network.Tracer.Raise(IpTrace.Make(this, IpEventKind.Dropped, header, payload, ingress) with { Reason = IpDropReason.UnknownProtocol });
        }

        if (IsLocalAddress(header.Destination))
        {
            Icmp.SendUnreachable(headerBytes, payload, UnreachableCode.Protocol); // RFC 1122, 3.2.2.1
        }
    }

    /// <summary>
    /// What <paramref name="destination"/> is to this node, and whether <paramref name="source"/>
    /// is the directed broadcast address of one of its networks: the arrival path's questions
    /// about both addresses, answered in one look at the interfaces.
    /// </summary>
    private AddressRole RolesOf(Ipv4Address destination, Ipv4Address source, out bool sourceIsSubnetBroadcast)
    {
        if (index is not null)
        {
            sourceIsSubnetBroadcast = index.RoleOf(source) == AddressRole.SubnetBroadcast;
            return index.RoleOf(destination);
        }

        AddressRole role = AddressRole.None;
        sourceIsSubnetBroadcast = false;
        foreach (IpInterface candidate in CollectionsMarshal.AsSpan(interfaces))
        {
            if (candidate.Address == destination)
            {
                role = AddressRole.Interface;
            }
            else if (candidate.IsSubnetBroadcast(destination))
            {
                role = AddressRole.SubnetBroadcast;
            }

            sourceIsSubnetBroadcast |= candidate.IsSubnetBroadcast(source);
        }

        return role;
    }

    /// <summary>True when <paramref name="address"/> is the directed broadcast address of one of this node's networks.</summary>
    // Per packet: a loop over a few interfaces, inlined into the arrival path, or the index of a node with many.
    internal bool IsSubnetBroadcast(Ipv4Address address)
    {
        if (index is not null)
        {
            return index.RoleOf(address) == AddressRole.SubnetBroadcast;
        }

        foreach (IpInterface candidate in interfaces)
        {
            if (candidate.IsSubnetBroadcast(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Finds the interface and next hop toward <paramref name="destination"/>, which is not
    /// one of the node's own addresses, by the routing table (or, for a host that has not
    /// made one, its networks and then its default gateway: the same answer).
    /// </summary>
    private bool TryRouteAway(Ipv4Address destination, out IpInterface egress, out Ipv4Address nextHop)
    {
        if (routes is not null)
        {
            return TryRouteByTable(routes, destination, out egress, out nextHop);
        }

        if (FindOnLinkInterface(destination) is { } onLink)
        {
            // The lesson in one method: same network part under the netmask means on-link.
            egress = onLink;
            nextHop = destination;
            return true;
        }

        if (defaultGateway is Ipv4Address gateway && FindOnLinkInterface(gateway) is { } toGateway)
        {
            egress = toGateway;
            nextHop = gateway;
            return true;
        }

        egress = null!;
        nextHop = default;
        return false;
    }

    /// <summary>The route by longest prefix match in <paramref name="table"/>. Small, so that the lookup inlines into the forwarding path.</summary>
    private bool TryRouteByTable(RoutingTable table, Ipv4Address destination, out IpInterface egress, out Ipv4Address nextHop)
    {
        if (table.TryLookup(destination, out Route route) && (uint)route.InterfaceIndex < (uint)interfaces.Count)
        {
            egress = interfaces[route.InterfaceIndex];
            nextHop = route.IsOnLink ? destination : route.Gateway;
            return true;
        }

        egress = null!;
        nextHop = default;
        return false;
    }

    /// <summary>The forwarding path: RFC 1812, 5.2.1 and 5.3.1. Allocates nothing.</summary>
    private void Forward(FrameHandle frame, Ipv4Packet packet)
    {
        // RFC 1812, 5.2.1.2: the next hop is found (step 5) before the TTL is checked (step 7),
        // so a packet with nowhere to go gets net unreachable whatever its TTL, as on Linux.
        if (!TryRouteByTable(routes ?? Routes, packet.Destination, out IpInterface egress, out Ipv4Address nextHop)) // not ours: OnPacketArrived took those
        {
            Icmp.SendError(packet.Bytes, IcmpType.DestinationUnreachable, (byte)UnreachableCode.Network);
            DropPacket(frame, IpDropReason.NoRoute);
            return;
        }

        if (packet.TimeToLive <= 1)
        {
            Icmp.SendError(packet.Bytes, IcmpType.TimeExceeded, 0);
            DropPacket(frame, IpDropReason.TimeToLiveExceeded);
            return;
        }

        if (packet.TotalLength > egress.Mtu)
        {
            if (packet.DontFragment)
            {
                Icmp.SendError(packet.Bytes, IcmpType.DestinationUnreachable, (byte)UnreachableCode.FragmentationNeeded, egress.Mtu);
                DropPacket(frame, IpDropReason.FragmentationNeeded);
                return;
            }

            packet.TryDecrementTimeToLive();
            Counters.PacketsForwarded++;
            if (Network.Tracer.IsOn)
            {
                TraceRouted(IpEventKind.Forwarded, packet.Bytes, egress, nextHop);
            }

            Fragmenter.Send(this, egress, nextHop, packet.ToHeader(), packet.Payload);
            Network.Frames.Return(frame);
            return;
        }

        packet.TryDecrementTimeToLive(); // RFC 1624 incremental checksum update
        Counters.PacketsForwarded++;
        if (Network.Tracer.IsOn)
        {
            TraceRouted(IpEventKind.Forwarded, packet.Bytes, egress, nextHop);
        }

        egress.Send(frame, nextHop);
    }

    private void Deliver(IpInterface ingress, FrameHandle frame, Ipv4Packet packet)
    {
        if (packet.MoreFragments || packet.FragmentOffset != 0)
        {
            reassembly ??= new Reassembly(this);
            reassembly.Add(ingress, packet); // copies what it keeps
            Network.Frames.Return(frame);
            return;
        }

        if (Network.Tracer.IsOn)
        {
            Network.Tracer.Raise(IpTrace.Make(this, IpEventKind.Received, packet.Bytes, ingress));
        }

        DeliverDatagram(ingress, packet.Header, packet.ToHeader(), packet.Payload);
        Network.Frames.Return(frame);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // rare: keeps Transmit small enough to inline into the sending path
    private void SendToSelf(FrameHandle packet) => Simulation.Schedule(SimDuration.Zero, Loopback, 0, packet.ToEventArgument());

    /// <summary>A packet this node sent to itself comes out of the loopback (see <see cref="Transmit"/>).</summary>
    private void OnLooped(FrameHandle frame)
    {
        Counters.PacketsReceived++;
        WireError error = Ipv4Packet.TryCreate(Network.Frames.GetSpan(frame), out Ipv4Packet packet);
        if (error != WireError.None)
        {
            DropMalformed(frame, error); // not expected: the node built the packet
            return;
        }

        Deliver(Loopback.Interface, frame, packet);
    }

    /// <summary>The node's loopback, made when first used.</summary>
    private LoopbackDevice Loopback => loopback ??= new LoopbackDevice(this);

    /// <summary>
    /// The node's loopback (lo): its interface, 127.0.0.1/8, and the event that delivers a
    /// looped packet (the argument is the packet's frame handle).
    /// </summary>
    private sealed class LoopbackDevice(IpNode node) : IEventTarget
    {
        public IpInterface Interface { get; } = IpInterface.CreateLoopback(node);
        public void OnEvent(int kind, long argument) => node.OnLooped(FrameHandle.FromEventArgument(argument));

        public override string ToString() => Interface.Name;
    }
}
