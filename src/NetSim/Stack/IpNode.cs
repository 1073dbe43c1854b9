using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using NetSim.Devices;
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
/// A node with IPv4 (RFC 791, RFC 1122): interfaces on link endpoints, a routing table,
/// receiving and checking packets, reassembly, the protocols above it by number (ICMP, UDP
/// and TCP, and any registered with <see cref="RegisterProtocol"/>), and sending packets
/// through the right interface, fragmented to its MTU. With <see cref="Forwarding"/> on, it
/// forwards packets that are not for it (RFC 1812): <see cref="Devices.Router"/> is a node
/// with forwarding on, <see cref="Devices.Host"/> one with it off.
/// </summary>
public class IpNode
{
    /// <summary>The TTL of the packets a node sends: 64, as Linux and macOS use.</summary>
    public const byte DefaultTimeToLive = 64;

    // Up to this many interfaces, a node finds an address by looking at each; above, through
    // an index (InterfaceIndex), so that a router with thousands of interfaces costs no more per packet.
    private const int IndexThreshold = 8;

    private readonly List<IpInterface> interfaces = [];
    private IIpProtocol[] protocols; // by registration: ICMP, UDP and TCP first
    private InterfaceIndex? index; // made when the node has more than IndexThreshold interfaces
    private RoutingTable? routes; // a host's is made when first asked for: until then its routes are its networks and defaultGateway
    private Ipv4Address? defaultGateway; // a host's default gateway while it has no table
    private LoopbackDevice? loopback;
    private Reassembly? reassembly;
    private ushort nextIdentification;
    private byte[] joined = []; // a transport header and data joined, for a datagram over the MTU

    /// <summary>Creates a node named <paramref name="name"/> with no interfaces yet, forwarding when <paramref name="forwarding"/> is true.</summary>
    /// <exception cref="ArgumentException">The name is empty or taken.</exception>
    public IpNode(Network network, string name, bool forwarding = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.RegisterDevice(name);
        Network = network;
        Name = name;
        Forwarding = forwarding;
        Icmp = new Icmp(this);
        Udp = new Udp(this);
        Tcp = new Tcp(this);
        protocols = [Icmp, Udp, Tcp];
        if (forwarding)
        {
            routes = new RoutingTable();
        }
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
    /// True when the node forwards packets addressed to others (a router, RFC 1812); false
    /// when it drops them (a host, RFC 1122, 3.3.4.2). Linux's net.ipv4.ip_forward.
    /// </summary>
    public bool Forwarding { get; set; }

    /// <summary>
    /// The routing table: a connected route per interface, static routes and the default
    /// route. Prefer <see cref="AddRoute(Ipv4Network, Ipv4Address)"/>, which checks the
    /// gateway; a route added here directly is not checked, and one naming no interface of
    /// this node is treated as no route.
    /// </summary>
    public RoutingTable Routes => routes ??= CreateRoutes();

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
    /// The default gateway: where packets go that no other route covers (the default
    /// route, 0.0.0.0/0), or null for none. It must be on one of the node's networks: a node
    /// reaches its gateway directly.
    /// </summary>
    /// <exception cref="ArgumentException">The gateway is on none of the node's networks, or is one of its own addresses.</exception>
    public Ipv4Address? DefaultGateway
    {
        get => routes is null ? defaultGateway : routes.TryGet(DefaultNetwork, out Route route) ? route.Gateway : null;
        set
        {
            if (value is not Ipv4Address gateway)
            {
                defaultGateway = null;
                routes?.Remove(DefaultNetwork);
                return;
            }

            IpInterface egress = FindOnLinkInterface(gateway) ?? throw new ArgumentException(
                $"{Name} cannot use {gateway} as its default gateway: it is on none of its networks ({string.Join(", ", Interfaces.Select(i => i.Subnet))}), and a node must reach its gateway directly.",
                nameof(value));
            if (IsLocalAddress(gateway))
            {
                throw new ArgumentException($"{Name} cannot use its own address {gateway} as its default gateway.", nameof(value));
            }

            defaultGateway = gateway;
            routes?.AddOrReplace(new Route(DefaultNetwork, gateway, egress.Index, RouteOrigin.Static));
        }
    }

    private static Ipv4Network DefaultNetwork => new(Ipv4Address.Any, 0);

    /// <summary>
    /// Adds an interface with <paramref name="address"/> on a network of
    /// <paramref name="prefixLength"/> bits, on a new NIC named like "pc1/eth0".
    /// </summary>
    /// <exception cref="ArgumentException">The address is the network's or broadcast address, is in 127.0.0.0/8 (loopback), or is already an address of this node's, or its network overlaps one of the node's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is not 0 to 32.</exception>
    public IpInterface AddInterface(Ipv4Address address, int prefixLength, MacAddress? mac = null)
    {
        CheckNewAddress(null, address, Ipv4Network.Containing(address, prefixLength));
        return AddInterface(new Nic(Network, string.Create(CultureInfo.InvariantCulture, $"{Name}/eth{interfaces.Count}"), mac), address, prefixLength);
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

    /// <summary>
    /// Adds an interface with <paramref name="address"/> on <paramref name="link"/>, a link
    /// endpoint of any kind (a NIC, a VLAN sub-interface, a point-to-point card).
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="AddInterface(Ipv4Address, int, MacAddress?)"/>.</exception>
    /// <exception cref="InvalidOperationException">The endpoint already carries another interface.</exception>
    public IpInterface AddInterface(ILinkEndpoint link, Ipv4Address address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(link);
        var subnet = Ipv4Network.Containing(address, prefixLength);
        CheckNewAddress(null, address, subnet);
        var added = new IpInterface(this, interfaces.Count, link, address, prefixLength);
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
        routes?.AddOrReplace(ConnectedRoute(added)); // replaces a static route to the same network
        return added;
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
    /// Adds a static route: packets for <paramref name="destination"/> go to
    /// <paramref name="gateway"/>, which must be on one of the node's networks.
    /// </summary>
    /// <exception cref="ArgumentException">The gateway is on none of the node's networks, or a route for that destination exists.</exception>
    public void AddRoute(Ipv4Network destination, Ipv4Address gateway)
    {
        IpInterface egress = FindGatewayInterface(gateway)
            ?? throw new ArgumentException(
                $"{Name} cannot reach gateway {gateway} for {destination}: it is on none of its networks ({string.Join(", ", Interfaces.Select(i => i.Subnet))}).",
                nameof(gateway));
        Routes.Add(new Route(destination, gateway, egress.Index, RouteOrigin.Static));
    }

    /// <summary>Adds a static route from text, such as <c>AddRoute("10.2.0.0/16", "10.0.0.2")</c>.</summary>
    /// <exception cref="FormatException">The destination or gateway is not written as one.</exception>
    /// <exception cref="ArgumentException">The gateway is on none of the node's networks, or a route for that destination exists.</exception>
    public void AddRoute(string destination, string gateway) =>
        AddRoute(Ipv4Network.Parse(destination), Ipv4Address.Parse(gateway));

    /// <summary>Sets the default route (0.0.0.0/0): everything no other route covers goes to <paramref name="gateway"/>.</summary>
    /// <exception cref="ArgumentException">The gateway is on none of the node's networks.</exception>
    public void SetDefaultRoute(Ipv4Address gateway)
    {
        IpInterface egress = FindGatewayInterface(gateway)
            ?? throw new ArgumentException(
                $"{Name} cannot reach default gateway {gateway}: it is on none of its networks ({string.Join(", ", Interfaces.Select(i => i.Subnet))}).",
                nameof(gateway));
        defaultGateway = gateway;
        Routes.AddOrReplace(new Route(DefaultNetwork, gateway, egress.Index, RouteOrigin.Static));
    }

    /// <summary>Sets the default route from text, such as "203.0.113.1".</summary>
    /// <exception cref="FormatException">The gateway is not an address.</exception>
    public void SetDefaultRoute(string gateway) => SetDefaultRoute(Ipv4Address.Parse(gateway));

    /// <summary>The routing table as a learner reads it: destination, gateway, interface by name, origin.</summary>
    public string FormatRoutes()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Routing table of {Name}").AppendLine();
        text.AppendLine("Destination         Gateway          Interface      Origin");
        foreach (Route route in Routes.GetRoutes())
        {
            string gateway = route.IsOnLink ? "on-link" : route.Gateway.ToString();
            string egress = (uint)route.InterfaceIndex < (uint)interfaces.Count ? interfaces[route.InterfaceIndex].Name : "(none)";
            text.Append(CultureInfo.InvariantCulture, $"{route.Destination,-19} {gateway,-16} {egress,-14} {route.Origin}").AppendLine();
        }

        return text.ToString();
    }

    /// <summary>
    /// Registers a protocol above IPv4 under its number: datagrams that carry the number are
    /// handed to it, and ICMP errors about datagrams it sent. ICMP, UDP and TCP are registered
    /// on every node.
    /// </summary>
    /// <exception cref="InvalidOperationException">A protocol is already registered under that number.</exception>
    public void RegisterProtocol(IIpProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (FindProtocol(protocol.Protocol) is { } existing)
        {
            throw new InvalidOperationException($"{Name} already has protocol {(byte)protocol.Protocol} ({existing}).");
        }

        protocols = [.. protocols, protocol];
    }

    /// <summary>The protocol registered under <paramref name="number"/>, or null.</summary>
    public IIpProtocol? FindProtocol(IpProtocol number)
    {
        foreach (IIpProtocol protocol in protocols)
        {
            if (protocol.Protocol == number)
            {
                return protocol;
            }
        }

        return null;
    }

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

    /// <summary>A sentence that says why <see cref="TryRoute"/> finds no route to <paramref name="destination"/>, for a learner.</summary>
    public string ExplainNoRoute(Ipv4Address destination)
    {
        if (interfaces.Count == 0)
        {
            return $"{Name} has no network interface.";
        }

        if (Forwarding || routes is { } table && table.Count > interfaces.Count)
        {
            return $"{Name} has no route to {destination}: no entry of its routing table covers it and it has no default route.";
        }

        string networks = string.Join(" or ", Interfaces.Select(i => $"{i.Subnet} (netmask {i.Netmask})"));
        return $"{destination} is not on {Name}'s network {networks}, and {Name} has no default gateway to send it to.";
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>The node's ICMP.</summary>
    internal Icmp Icmp { get; }

    /// <summary>The node's UDP.</summary>
    internal Udp Udp { get; }

    /// <summary>The node's TCP.</summary>
    internal Tcp Tcp { get; }

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

        return Send(egress, nextHop, destination, protocol, payload, [], timeToLive, dontFragment, source);
    }

    /// <summary>
    /// Sends, through a route already found (<see cref="TryRoute"/>: for a transport that
    /// needed the egress address first, for its checksum), a packet whose payload is
    /// <paramref name="first"/> then <paramref name="second"/> (a transport header and the
    /// data after it), copied into the packet once.
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
        else if (Forwarding)
        {
            Forward(frame, packet);
        }
        else
        {
            DropPacket(frame, IpDropReason.NotForMe); // RFC 1122, 3.3.4.2: a host does not forward
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

    /// <summary>Hands a whole datagram (arrived whole or reassembled) to the protocol registered under its number.</summary>
    internal void DeliverDatagram(IpInterface ingress, ReadOnlySpan<byte> headerBytes, in Ipv4Header header, ReadOnlySpan<byte> payload)
    {
        if (FindProtocol(header.Protocol) is { } protocol)
        {
            protocol.OnDatagram(ingress, header, headerBytes, payload);
            return;
        }

        Counters.CountDrop(IpDropReason.UnknownProtocol);
        if (IsLocalAddress(header.Destination))
        {
            Icmp.SendUnreachable(headerBytes, payload, UnreachableCode.Protocol); // RFC 1122, 3.2.2.1
        }
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
    /// False for addresses that cannot name one host (RFC 1122 3.2.1.3, RFC 1812 5.3.7):
    /// 0.0.0.0/8, loopback 127/8, multicast 224/4, reserved 240/4 and broadcast.
    /// </summary>
    internal static bool IsHostAddress(Ipv4Address address)
    {
        uint first = address.Value >> 24;
        return first is not (0 or 127) && first < 224;
    }

    /// <summary>Checks that <paramref name="address"/> on <paramref name="subnet"/> may be given to <paramref name="changing"/> (null: a new interface).</summary>
    internal void CheckNewAddress(IpInterface? changing, Ipv4Address address, Ipv4Network subnet)
    {
        if (FindInterface(address) is { } owner && owner != changing)
        {
            throw new ArgumentException($"{Name} already has the address {address}.", nameof(address));
        }

        foreach (IpInterface existing in interfaces)
        {
            if (existing != changing && (existing.Subnet.Contains(subnet.BaseAddress) || subnet.Contains(existing.Address)))
            {
                throw new ArgumentException($"{address}/{subnet.PrefixLength} overlaps {existing} on {Name}: each interface needs its own network.", nameof(address));
            }
        }
    }

    /// <summary>An interface's address changed (<see cref="IpInterface.SetAddress"/>): its connected route and the index follow.</summary>
    internal void OnAddressChanged(IpInterface changed, Ipv4Network old)
    {
        Network.OnTopologyChanged(); // the duplicate-address check runs again at the next run

        if (index is not null)
        {
            index = new InterfaceIndex(interfaces);
        }

        if (routes is not null)
        {
            if (routes.TryGet(old, out Route route) && route.Origin == RouteOrigin.Connected)
            {
                routes.Remove(old);
            }

            routes.AddOrReplace(ConnectedRoute(changed));
        }
    }

    private static Route ConnectedRoute(IpInterface added) => new(added.Subnet, Ipv4Address.Any, added.Index, RouteOrigin.Connected);

    private RoutingTable CreateRoutes()
    {
        var table = new RoutingTable();
        foreach (IpInterface existing in interfaces)
        {
            table.AddOrReplace(ConnectedRoute(existing));
        }

        if (defaultGateway is Ipv4Address gateway && FindOnLinkInterface(gateway) is { } egress)
        {
            table.AddOrReplace(new Route(DefaultNetwork, gateway, egress.Index, RouteOrigin.Static));
        }

        return table;
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
            if (routes.TryLookup(destination, out Route route) && (uint)route.InterfaceIndex < (uint)interfaces.Count)
            {
                egress = interfaces[route.InterfaceIndex];
                nextHop = route.IsOnLink ? destination : route.Gateway;
                return true;
            }
        }
        else if (FindOnLinkInterface(destination) is { } onLink)
        {
            // The lesson in one method: same network part under the netmask means on-link.
            egress = onLink;
            nextHop = destination;
            return true;
        }
        else if (defaultGateway is Ipv4Address gateway && FindOnLinkInterface(gateway) is { } toGateway)
        {
            egress = toGateway;
            nextHop = gateway;
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
        if (!TryRouteAway(packet.Destination, out IpInterface egress, out Ipv4Address nextHop)) // not ours: OnPacketArrived took those
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
            Fragmenter.Send(this, egress, nextHop, packet.ToHeader(), packet.Payload);
            Network.Frames.Return(frame);
            return;
        }

        packet.TryDecrementTimeToLive(); // RFC 1624 incremental checksum update
        Counters.PacketsForwarded++;
        egress.Send(frame, nextHop);
    }

    /// <summary>The interface whose network holds <paramref name="address"/>, or null.</summary>
    private IpInterface? FindOnLinkInterface(Ipv4Address address)
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

    private IpInterface? FindGatewayInterface(Ipv4Address gateway) =>
        FindOnLinkInterface(gateway) is { } candidate && candidate.Address != gateway ? candidate : null;

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
