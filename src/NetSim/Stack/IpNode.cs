using System.Buffers.Binary;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Stack;

/// <summary>What became of a packet an application asked a node to send.</summary>
public enum SendResult
{
    /// <summary>Handed to the interface toward the destination (it may still wait for ARP).</summary>
    Sent,

    /// <summary>
    /// The node has no route: the destination is on none of its networks and it has no
    /// default gateway (or, for a router, no route covers it).
    /// </summary>
    NoRoute,

    /// <summary>The packet is larger than the interface's MTU and must not be fragmented (DF set).</summary>
    MessageTooLong,
}

/// <summary>
/// What hosts and routers share: IPv4 interfaces, receiving and checking packets,
/// reassembling fragments, ICMP (echo answers, errors to the sender of a bad packet),
/// and sending packets through the right interface, fragmented to its MTU. A host is an
/// IPv4 node that does not forward (RFC 1122); a router is one that does (RFC 1812).
/// </summary>
public abstract class IpNode
{
    /// <summary>The TTL of the packets a node sends: 64, as Linux and macOS use.</summary>
    public const byte DefaultTimeToLive = 64;

    // Up to this many interfaces, a node finds an address by looking at each; above, through
    // an index (InterfaceIndex), so that a router with thousands of interfaces costs no more per packet.
    private const int IndexThreshold = 8;

    private readonly List<IpInterface> interfaces = [];
    private InterfaceIndex? index; // made when the node has more than IndexThreshold interfaces
    private LoopbackDevice? loopback;
    private EchoListeners? echoListeners;
    private Udp? udp;
    private Tcp? tcp;
    private Reassembly? reassembly;
    private ushort nextIdentification;
    private byte[] joined = []; // a transport header and data joined, for a datagram over the MTU

    /// <summary>Creates a node named <paramref name="name"/> with no interfaces yet.</summary>
    /// <exception cref="ArgumentException">The name is empty or taken.</exception>
    protected IpNode(Network network, string name)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.RegisterDevice(name);
        Network = network;
        Name = name;
    }

    /// <summary>The node's name.</summary>
    public string Name { get; }

    /// <summary>The network it belongs to.</summary>
    public Network Network { get; }

    /// <summary>The simulation it runs on.</summary>
    public Simulation Simulation => Network.Simulation;

    /// <summary>Its interfaces, in the order they were added.</summary>
    public IReadOnlyList<IpInterface> Interfaces => interfaces;

    /// <summary>What the node did with packets.</summary>
    public IpCounters Counters { get; } = new();

    /// <summary>
    /// How long fragments of a datagram are kept waiting for the rest (default 30 s, as
    /// Linux's ipfrag_time; RFC 1122, 3.3.2, recommends 60 to 120 s).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public SimDuration ReassemblyTimeout
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, SimDuration.Zero);
            field = value;
        }
    } = SimDuration.FromSeconds(30);

    /// <summary>How many datagrams may be in reassembly at once (default 64); fragments of more are dropped.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxReassemblies
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 64;

    /// <summary>
    /// Adds an interface with <paramref name="address"/> on a network of
    /// <paramref name="prefixLength"/> bits (a new NIC, named like "pc1/eth0").
    /// </summary>
    /// <exception cref="ArgumentException">The address is the network's or broadcast address, is in 127.0.0.0/8 (loopback), or is already an address of this node's, or its network overlaps one of the node's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is not 0 to 32.</exception>
    public IpInterface AddInterface(Ipv4Address address, int prefixLength, MacAddress? mac = null)
    {
        if (FindInterface(address) is not null)
        {
            throw new ArgumentException($"{Name} already has the address {address}.", nameof(address));
        }

        var subnet = Ipv4Network.Containing(address, prefixLength);
        if (FindOverlapping(subnet) is { } existing)
        {
            throw new ArgumentException($"{address}/{prefixLength} overlaps {existing} on {Name}: each interface needs its own network.", nameof(address));
        }

        var added = new IpInterface(this, interfaces.Count, address, prefixLength, mac);
        interfaces.Add(added);
        if (index is not null)
        {
            index.Add(added);
        }
        else if (interfaces.Count > IndexThreshold)
        {
            index = new InterfaceIndex(interfaces);
        }

        Network.GetTopologyCheck(static network => new DuplicateAddressCheck(network)).Add(added);
        OnInterfaceAdded(added);
        return added;
    }

    /// <summary>Adds an interface from text: "192.168.1.10/24" or "192.168.1.10/255.255.255.0".</summary>
    /// <exception cref="FormatException">The text is not an address and a prefix length or netmask; the message says what is wrong.</exception>
    public IpInterface AddInterface(string addressAndPrefix, MacAddress? mac = null)
    {
        ArgumentNullException.ThrowIfNull(addressAndPrefix);
        return Ipv4Network.TryParseAddressAndPrefix(addressAndPrefix, out Ipv4Address address, out int prefixLength, out string? problem)
            ? AddInterface(address, prefixLength, mac)
            : throw new FormatException($"'{addressAndPrefix}' is not an interface address: {problem}");
    }

    /// <summary>The interface (of <see cref="Interfaces"/>) with <paramref name="address"/>, or null.</summary>
    public IpInterface? FindInterface(Ipv4Address address)
    {
        if (index is not null)
        {
            return index.FindByAddress(address);
        }

        foreach (IpInterface candidate in interfaces)
        {
            if (candidate.Address == address)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// True when <paramref name="address"/> is one of the node's interface addresses or a
    /// loopback address (127.0.0.0/8): an address whose packets the node delivers to itself.
    /// </summary>
    public bool IsLocalAddress(Ipv4Address address) => address.IsLoopback || FindInterface(address) is not null;

    /// <summary>
    /// Sends an IPv4 packet that this node originates: finds the interface and next hop
    /// (<see cref="TryRoute"/>), writes the header, fragments to the interface's MTU when
    /// needed and allowed, and hands the packet to the interface.
    /// </summary>
    /// <param name="destination">Where the packet goes.</param>
    /// <param name="protocol">What the payload is.</param>
    /// <param name="payload">The bytes after the IPv4 header.</param>
    /// <param name="timeToLive">The TTL (traceroute sends small ones).</param>
    /// <param name="dontFragment">Sets DF: the packet must not be fragmented on the way.</param>
    /// <exception cref="ArgumentException">The packet would exceed 65,535 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The TTL is 0 (RFC 1122, 3.2.1.7: a host must not send it).</exception>
    public SendResult Send(Ipv4Address destination, IpProtocol protocol, ReadOnlySpan<byte> payload, byte timeToLive = DefaultTimeToLive, bool dontFragment = false) =>
        Send(destination, protocol, payload, timeToLive, dontFragment, Ipv4Address.Any);

    /// <summary>
    /// Finds where a packet to <paramref name="destination"/> goes: the interface, and the
    /// next hop on its link (the destination itself when on-link, else a gateway). A
    /// destination in 127.0.0.0/8 goes to the loopback interface (127.0.0.1, see
    /// <see cref="IpInterface.IsLoopback"/>), and one of the node's own addresses to the
    /// interface that has it, with itself as the next hop: both are delivered to the node
    /// itself, never sent on a link (RFC 1122, 3.2.1.3).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] // a call, as the virtual TryRoute was: inlined, it crowded Ipv4Header.Emit and Transmit out of the sending path (S3 5-10% slower)
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

        return TryRouteAway(destination, out egress, out nextHop);
    }

    /// <summary>A sentence that says why <see cref="TryRoute"/> finds no route to <paramref name="destination"/>, for a learner.</summary>
    public abstract string ExplainNoRoute(Ipv4Address destination);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>
    /// Finds the interface and next hop toward <paramref name="destination"/>, which is not
    /// one of the node's own addresses (<see cref="TryRoute"/> has taken those).
    /// </summary>
    private protected abstract bool TryRouteAway(Ipv4Address destination, out IpInterface egress, out Ipv4Address nextHop);

    /// <summary>The interface whose network holds <paramref name="address"/>, or null.</summary>
    private protected IpInterface? FindOnLinkInterface(Ipv4Address address)
    {
        if (index is not null)
        {
            return index.FindOnLink(address);
        }

        foreach (IpInterface candidate in interfaces)
        {
            if (candidate.IsOnLink(address))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Called after an interface is added (a router adds its connected route).</summary>
    private protected virtual void OnInterfaceAdded(IpInterface added)
    {
    }

    /// <summary>
    /// A valid packet that is not for this node arrived: a host drops it, a router forwards
    /// it. The method owns <paramref name="frame"/>.
    /// </summary>
    private protected virtual void OnTransitPacket(IpInterface ingress, FrameHandle frame, Ipv4Packet packet) =>
        DropPacket(frame, IpDropReason.NotForMe);

    internal SendResult Send(Ipv4Address destination, IpProtocol protocol, ReadOnlySpan<byte> payload, byte timeToLive, bool dontFragment, Ipv4Address source)
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
            return SendResult.NoRoute;
        }

        return Send(egress, nextHop, destination, protocol, payload, timeToLive, dontFragment, source);
    }

    /// <summary>Sends through a route already found (<see cref="TryRoute"/>): for a transport that needed the egress address first, for its checksum.</summary>
    internal SendResult Send(IpInterface egress, Ipv4Address nextHop, Ipv4Address destination, IpProtocol protocol, ReadOnlySpan<byte> payload, byte timeToLive, bool dontFragment, Ipv4Address source) =>
        Send(egress, nextHop, destination, protocol, payload, [], timeToLive, dontFragment, source);

    /// <summary>
    /// Sends a packet whose payload is <paramref name="first"/> then <paramref name="second"/>
    /// (a transport header and the data after it), copied into the packet once.
    /// </summary>
    internal SendResult Send(IpInterface egress, Ipv4Address nextHop, Ipv4Address destination, IpProtocol protocol, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, byte timeToLive, bool dontFragment, Ipv4Address source)
    {
        int payloadLength = first.Length + second.Length;
        int totalLength = Ipv4Header.MinLength + payloadLength;
        if (dontFragment && totalLength > egress.Mtu)
        {
            Counters.CountDrop(IpDropReason.FragmentationNeeded);
            return SendResult.MessageTooLong;
        }

        var header = new Ipv4Header(
            source == Ipv4Address.Any ? egress.Address : source,
            destination,
            protocol,
            timeToLive,
            totalLength,
            unchecked(nextIdentification++), // RFC 6864: unique per source, destination and protocol while in flight
            dontFragment);
        Counters.PacketsSent++;
        if (totalLength <= egress.Mtu)
        {
            FramePool pool = Network.Frames;
            FrameHandle packet = pool.RentForOverwrite(totalLength); // every byte is written just below
            Span<byte> bytes = pool.GetSpan(packet);
            header.Emit(bytes);
            first.CopyTo(bytes[Ipv4Header.MinLength..]);
            second.CopyTo(bytes[(Ipv4Header.MinLength + first.Length)..]);
            Transmit(egress, packet, nextHop);
        }
        else if (second.IsEmpty)
        {
            SendFragments(egress, nextHop, header, first);
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
            SendFragments(egress, nextHop, header, buffer.AsSpan(0, payloadLength));
            joined = buffer;
        }

        return SendResult.Sent;
    }

    /// <summary>
    /// Sends a datagram with <paramref name="header"/> and <paramref name="payload"/> through
    /// <paramref name="egress"/>, in as many fragments as its MTU asks (RFC 791, 3.2,
    /// "Fragmentation"): each but the last carries a multiple of 8 bytes and has MF set.
    /// </summary>
    private protected void SendFragments(IpInterface egress, Ipv4Address nextHop, in Ipv4Header header, ReadOnlySpan<byte> payload)
    {
        FramePool pool = Network.Frames;
        int maxData = (egress.Mtu - Ipv4Header.MinLength) & ~7;
        int offset = 0;
        do
        {
            int length = Math.Min(payload.Length - offset, maxData);
            bool last = offset + length == payload.Length;
            Ipv4Header fragmentHeader = header with
            {
                TotalLength = Ipv4Header.MinLength + length,
                FragmentOffset = header.FragmentOffset + offset,
                MoreFragments = header.MoreFragments || !last,
                HeaderLength = Ipv4Header.MinLength, // options are not copied (see docs/architecture.md)
            };
            FrameHandle fragment = pool.RentForOverwrite(fragmentHeader.TotalLength); // every byte is written just below
            Span<byte> bytes = pool.GetSpan(fragment);
            fragmentHeader.Emit(bytes);
            payload.Slice(offset, length).CopyTo(bytes[Ipv4Header.MinLength..]);
            if (!last || offset > 0)
            {
                Counters.FragmentsCreated++;
            }

            Transmit(egress, fragment, nextHop);
            offset += length;
        }
        while (offset < payload.Length);
    }

    /// <summary>
    /// Hands a packet this node built to <paramref name="egress"/>, or, when the next hop is
    /// the node itself (its own address or 127/8, as <see cref="TryRoute"/> gives them), to
    /// the loopback: the packet arrives in an event of its own at the current time, so the
    /// sender's call returns first (RFC 1122, 3.2.1.3; Linux's lo does the same).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // the sending path, as egress.Send was called before the loopback
    private void Transmit(IpInterface egress, FrameHandle packet, Ipv4Address nextHop)
    {
        if (nextHop == egress.Address || nextHop.IsLoopback)
        {
            SendToSelf(packet);
            return;
        }

        egress.Send(packet, nextHop);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] // rare: keeps Transmit small enough to inline into the sending path
    private void SendToSelf(FrameHandle packet) => Simulation.Schedule(SimDuration.Zero, Loopback, 0, packet.ToEventArgument());

    /// <summary>
    /// Sends an ICMP error about <paramref name="offending"/> (an IPv4 packet, header first)
    /// to its source, quoting its header and the first 8 bytes of its payload (RFC 792).
    /// Sends nothing where RFC 1122 (3.2.2) and RFC 1812 (4.3.2.7) forbid it: about an ICMP
    /// error, a fragment other than the first, a broadcast or multicast, or a source that
    /// names no single host. (Packets that came in a link-layer broadcast never get here:
    /// they are delivered or dropped on arrival.)
    /// </summary>
    private protected void SendIcmpError(ReadOnlySpan<byte> offending, IcmpType type, byte code, int nextHopMtu = 0)
    {
        if (!TryReadQuoted(offending, out Ipv4Header header, out ReadOnlySpan<byte> start)
            || header.FragmentOffset != 0
            || header.Destination.IsBroadcast || header.Destination.IsMulticast || IsSubnetBroadcast(header.Destination)
            || !(IsHostAddress(header.Source) || header.Source.IsLoopback) || IsSubnetBroadcast(header.Source) // 127/8 sources only come from the loopback
            || (header.Protocol == IpProtocol.Icmp && (start.IsEmpty || IsIcmpError((IcmpType)start[0]))))
        {
            return;
        }

        int quoted = header.HeaderLength + start.Length;
        Span<byte> message = stackalloc byte[IcmpHeader.Length + 60 + IcmpHeader.ErrorDataLength];
        message = message[..(IcmpHeader.Length + quoted)];
        offending[..quoted].CopyTo(message[IcmpHeader.Length..]);
        new IcmpHeader(type, code, NextHopMtu: checked((ushort)nextHopMtu)).Emit(message);
        if (Send(header.Source, IpProtocol.Icmp, message, DefaultTimeToLive, dontFragment: false, Ipv4Address.Any) == SendResult.Sent)
        {
            Counters.IcmpErrorsSent++;
        }
    }

    /// <summary>
    /// An IPv4 packet arrived at <paramref name="ingress"/> (the Ethernet header already
    /// taken off; <paramref name="linkBroadcast"/> says whether it came in a broadcast
    /// frame); the node owns it.
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
        bool broadcast = destination.IsBroadcast || IsSubnetBroadcast(destination);
        if (!IsHostAddress(packet.Source) || IsSubnetBroadcast(packet.Source) || (linkBroadcast && !broadcast)
            || destination.IsMulticast || (!broadcast && !IsHostAddress(destination)))
        {
            // RFC 1122 3.2.1.3 and 3.3.6, RFC 1812 5.3.7: impossible addresses (127/8 among them) are dropped silently.
            DropPacket(frame, IpDropReason.BadAddress);
        }
        else if (broadcast || FindInterface(destination) is not null)
        {
            Deliver(ingress, frame, packet); // a router takes directed broadcasts for its networks and does not forward them (RFC 2644)
        }
        else
        {
            OnTransitPacket(ingress, frame, packet);
        }
    }

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

    /// <summary>ARP gave up on the next hop of <paramref name="packet"/>: a router reports it to the source, a host to its own sender.</summary>
    internal void OnHostUnreachable(IpInterface egress, FrameHandle packet)
    {
        ReadOnlySpan<byte> bytes = Network.Frames.GetSpan(packet);
        if (TryReadQuoted(bytes, out Ipv4Header header, out ReadOnlySpan<byte> start))
        {
            if (IsLocalAddress(header.Source))
            {
                // RFC 1122, 3.2.2.1: tell the transport layer, as a received "host unreachable" would.
                _ = ReportError(new IcmpHeader(IcmpType.DestinationUnreachable, (byte)UnreachableCode.Host), egress.Address, header, start);
            }
            else
            {
                SendIcmpError(bytes, IcmpType.DestinationUnreachable, (byte)UnreachableCode.Host);
            }
        }

        DropPacket(packet, IpDropReason.HostUnreachable);
    }

    internal void DropPacket(FrameHandle frame, IpDropReason reason)
    {
        Counters.CountDrop(reason);
        Network.Frames.Return(frame);
    }

    internal void DropMalformed(FrameHandle frame, WireError error)
    {
        Counters.CountMalformed(error);
        Network.Frames.Return(frame);
    }

    /// <summary>The node's UDP, made when first used.</summary>
    internal Udp Udp => udp ??= new Udp(this);

    /// <summary>The node's TCP, made when first used.</summary>
    internal Tcp Tcp => tcp ??= new Tcp(this);

    /// <summary>Registers <paramref name="listener"/> for echo replies and errors about its echo requests; returns its echo identifier.</summary>
    internal ushort AddEchoListener(IEchoListener listener) => (echoListeners ??= new EchoListeners()).Add(listener);

    internal void RemoveEchoListener(ushort identifier) => echoListeners?.Remove(identifier);

    private static bool IsIcmpError(IcmpType type) => type is IcmpType.DestinationUnreachable or IcmpType.TimeExceeded
        or (IcmpType)4 /* source quench */ or (IcmpType)5 /* redirect */ or (IcmpType)12 /* parameter problem */;

    /// <summary>
    /// Reads the start of a packet as quoted in an ICMP error: the header (its total length
    /// and checksum are not checked: only the start is there) and up to 8 bytes after it.
    /// </summary>
    private static bool TryReadQuoted(ReadOnlySpan<byte> bytes, out Ipv4Header header, out ReadOnlySpan<byte> start)
    {
        header = default;
        start = default;
        if (bytes.Length < Ipv4Header.MinLength || bytes[0] >> 4 != 4)
        {
            return false;
        }

        int headerLength = (bytes[0] & 0xf) * 4;
        if (headerLength < Ipv4Header.MinLength || bytes.Length < headerLength)
        {
            return false;
        }

        header = Ipv4Header.Read(bytes); // the structure is checked above; length and checksum are not: only the start is quoted
        start = bytes[headerLength..Math.Min(bytes.Length, headerLength + IcmpHeader.ErrorDataLength)];
        return true;
    }

    /// <summary>True when <paramref name="address"/> is the directed broadcast address of one of this node's networks.</summary>
    // Per packet: a loop over a few interfaces, inlined into the arrival path, or the index of a node with many.
    private protected bool IsSubnetBroadcast(Ipv4Address address)
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

    /// <summary>An interface whose network overlaps <paramref name="subnet"/> (one holds the other), or null.</summary>
    private IpInterface? FindOverlapping(Ipv4Network subnet)
    {
        if (index is not null)
        {
            return index.FindOverlapping(subnet);
        }

        foreach (IpInterface existing in interfaces)
        {
            if (existing.Subnet.Contains(subnet.BaseAddress) || subnet.Contains(existing.Address))
            {
                return existing;
            }
        }

        return null;
    }

    /// <summary>
    /// False for addresses that cannot name one host (RFC 1122 3.2.1.3, RFC 1812 5.3.7):
    /// 0.0.0.0/8, loopback 127/8, multicast 224/4, reserved 240/4 and broadcast.
    /// </summary>
    private static bool IsHostAddress(Ipv4Address address)
    {
        uint first = address.Value >> 24;
        return first is not (0 or 127) && first < 224;
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

        DeliverDatagram(ingress, packet.Header, packet.ToHeader(), packet.Payload);
        Network.Frames.Return(frame);
    }

    /// <summary>Hands a whole datagram (arrived whole or reassembled) to its protocol.</summary>
    internal void DeliverDatagram(IpInterface ingress, ReadOnlySpan<byte> headerBytes, in Ipv4Header header, ReadOnlySpan<byte> payload)
    {
        switch (header.Protocol)
        {
            case IpProtocol.Icmp:
                OnIcmp(ingress, header, payload);
                break;
            case IpProtocol.Udp:
                Udp.OnDatagram(header, headerBytes, payload);
                break;
            case IpProtocol.Tcp:
                Tcp.OnSegment(header, payload);
                break;
            default:
                Counters.CountDrop(IpDropReason.UnknownProtocol);
                if (IsLocalAddress(header.Destination))
                {
                    SendUnreachable(headerBytes, payload, UnreachableCode.Protocol); // RFC 1122, 3.2.2.1
                }

                return;
        }
    }

    /// <summary>ICMP port unreachable about a datagram that no socket took (RFC 1122, 4.1.3.1).</summary>
    internal void SendPortUnreachable(ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> payload) =>
        SendUnreachable(headerBytes, payload, UnreachableCode.Port);

    // Destination unreachable, quoting the header and the first 8 bytes of the payload.
    private void SendUnreachable(ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> payload, UnreachableCode code)
    {
        Span<byte> offending = stackalloc byte[60 + IcmpHeader.ErrorDataLength];
        headerBytes.CopyTo(offending);
        int start = Math.Min(payload.Length, IcmpHeader.ErrorDataLength);
        payload[..start].CopyTo(offending[headerBytes.Length..]);
        SendIcmpError(offending[..(headerBytes.Length + start)], IcmpType.DestinationUnreachable, (byte)code);
    }

    internal void SendTimeExceededForReassembly(ReadOnlySpan<byte> firstFragmentStart) =>
        SendIcmpError(firstFragmentStart, IcmpType.TimeExceeded, 1); // RFC 792: code 1, fragment reassembly time exceeded

    private void OnIcmp(IpInterface ingress, in Ipv4Header header, ReadOnlySpan<byte> message)
    {
        WireError error = IcmpHeader.TryParse(message, out IcmpHeader icmp);
        if (error != WireError.None)
        {
            Counters.CountMalformed(error);
            return;
        }

        Counters.PacketsDelivered++;
        switch (icmp.Type)
        {
            case IcmpType.EchoRequest:
                if (!IsLocalAddress(header.Destination))
                {
                    return; // a broadcast ping: ignored, as Linux does by default
                }

                // RFC 792: the reply swaps the addresses and keeps identifier, sequence number and data.
                Span<byte> reply = message.Length <= 1500 ? stackalloc byte[message.Length] : new byte[message.Length];
                message.CopyTo(reply);
                (icmp with { Type = IcmpType.EchoReply }).Emit(reply);
                Send(header.Source, IpProtocol.Icmp, reply, DefaultTimeToLive, dontFragment: false, header.Destination);
                return;
            case IcmpType.EchoReply:
                if (echoListeners?.Find(icmp.Identifier) is { } listener)
                {
                    listener.OnEchoReply(header, icmp, message[IcmpHeader.Length..]);
                }
                else
                {
                    Counters.CountDrop(IpDropReason.Unwanted);
                }

                return;
            case IcmpType.DestinationUnreachable or IcmpType.TimeExceeded:
                if (!TryReadQuoted(message[IcmpHeader.Length..], out Ipv4Header quoted, out ReadOnlySpan<byte> start)
                    || !IsLocalAddress(quoted.Source)
                    || !ReportError(icmp, header.Source, quoted, start))
                {
                    Counters.CountDrop(IpDropReason.Unwanted);
                }

                return;
            default:
                Counters.CountDrop(IpDropReason.Unwanted);
                return;
        }
    }

    /// <summary>
    /// Delivers an ICMP error (received, or made up locally) to whoever sent the packet it
    /// is about; false when no one waits for it. Only a first fragment says whose it is.
    /// </summary>
    private bool ReportError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ReadOnlySpan<byte> start)
    {
        if (quoted.FragmentOffset != 0)
        {
            return false;
        }

        if (quoted.Protocol == IpProtocol.Udp)
        {
            return udp?.OnError(icmp, reporter, quoted, start) ?? false;
        }

        if (quoted.Protocol == IpProtocol.Tcp)
        {
            return tcp?.OnError(icmp, reporter, quoted, start) ?? false;
        }

        if (quoted.Protocol == IpProtocol.Icmp && start.Length >= IcmpHeader.Length && (IcmpType)start[0] == IcmpType.EchoRequest)
        {
            ushort identifier = BinaryPrimitives.ReadUInt16BigEndian(start[4..]);
            ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(start[6..]);
            if (echoListeners?.Find(identifier) is { } listener)
            {
                listener.OnEchoError(icmp, reporter, quoted, sequence);
                return true;
            }
        }

        return false;
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

    /// <summary>The echo identifiers in use on a node and who uses them.</summary>
    private sealed class EchoListeners
    {
        private readonly Dictionary<ushort, IEchoListener> listeners = [];
        private ushort next = 1;

        public ushort Add(IEchoListener listener)
        {
            if (listeners.Count == ushort.MaxValue)
            {
                throw new InvalidOperationException("All 65,535 echo identifiers of this node are in use.");
            }

            while (listeners.ContainsKey(next) || next == 0)
            {
                next = unchecked((ushort)(next + 1));
            }

            listeners.Add(next, listener);
            return unchecked(next++);
        }

        public void Remove(ushort identifier) => listeners.Remove(identifier);

        public IEchoListener? Find(ushort identifier) => listeners.GetValueOrDefault(identifier);
    }
}

/// <summary>Who waits for echo replies on a node: ping and traceroute.</summary>
internal interface IEchoListener
{
    /// <summary>An echo reply with this listener's identifier arrived.</summary>
    void OnEchoReply(in Ipv4Header header, in IcmpHeader icmp, ReadOnlySpan<byte> data);

    /// <summary>An ICMP error (or a local "host unreachable") came back about the echo request with <paramref name="sequence"/>.</summary>
    void OnEchoError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ushort sequence);
}
