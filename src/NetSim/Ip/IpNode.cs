using System.Globalization;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Ip;

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
/// forwards packets that are not for it (RFC 1812): <c>Router</c> (in Topology) is a node
/// with forwarding on, <c>Host</c> one with it off.
/// </summary>
public partial class IpNode : IDeviceTables
{
    /// <summary>The TTL of the packets a node sends: 64, as Linux and macOS use.</summary>
    public const byte DefaultTimeToLive = 64;

    // Up to this many interfaces, a node finds an address by looking at each; above, through
    // an index (InterfaceIndex), so that a router with thousands of interfaces costs no more per packet.
    private const int IndexThreshold = 8;

    private readonly List<IpInterface> interfaces = new(1); // sized for the one interface of most hosts: an array of 1, not the 4 of a first Add
    private ProtocolEntry[] protocols; // in the order registered, ICMP first; each with its number, so a lookup makes no interface calls
    private InterfaceIndex? index; // made when the node has more than IndexThreshold interfaces
    private RoutingTable? routes; // a host's is made when first asked for: until then its routes are its networks and defaultGateway
    private Ipv4Address? defaultGateway; // a host's default gateway while it has no table (the table holds it after)
    private LoopbackDevice? loopback;
    private IpCounters? counters;
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
        protocols = [new(IpProtocol.Icmp, Icmp)];
        if (forwarding)
        {
            routes = new RoutingTable();
        }

        network.AddDevice(this);
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
    public IpCounters Counters => counters ??= new(); // made when first asked or counted: most nodes of a large network never see a packet

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
                _ = routes?.Remove(DefaultNetwork);
                return;
            }

            IpInterface egress = FindOnLinkInterface(gateway) ?? throw new ArgumentException(
                $"{Name} cannot use {gateway} as its default gateway: it is on none of its networks ({string.Join(", ", Interfaces.Select(i => i.Subnet))}), and a node must reach its gateway directly.",
                nameof(value));
            if (IsLocalAddress(gateway))
            {
                throw new ArgumentException($"{Name} cannot use its own address {gateway} as its default gateway.", nameof(value));
            }

            if (routes is null)
            {
                defaultGateway = gateway;
            }
            else
            {
                routes.AddOrReplace(new Route(DefaultNetwork, gateway, egress.Index, RouteOrigin.Static));
            }
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
        return AddInterface(new Nic(Network, string.Create(CultureInfo.InvariantCulture, $"{Name}/eth{interfaces.Count}"), mac, NicNaming.Interface), address, prefixLength);
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
        Routes.AddOrReplace(new Route(DefaultNetwork, gateway, egress.Index, RouteOrigin.Static));
    }

    /// <summary>Sets the default route from text, such as "203.0.113.1".</summary>
    /// <exception cref="FormatException">The gateway is not an address.</exception>
    public void SetDefaultRoute(string gateway) => SetDefaultRoute(Ipv4Address.Parse(gateway));

    /// <summary>
    /// The routing table now, like <c>ip route</c>: destination, gateway ("on-link" for a
    /// connected network), interface by name and origin ("connected" or "static"), most
    /// specific first. The data is <see cref="Routes"/>' <see cref="RoutingTable.GetRoutes"/>.
    /// </summary>
    public string FormatRoutes()
    {
        var table = new TextTable($"Routing table of {Name}", "Destination", "Gateway", "Interface", "Origin");
        foreach (Route route in Routes.GetRoutes())
        {
            string egress = (uint)route.InterfaceIndex < (uint)interfaces.Count ? interfaces[route.InterfaceIndex].Name : "(none)";
            table.Add(route.Destination.ToString(), route.IsOnLink ? "on-link" : route.Gateway.ToString(), egress, Route.OriginText(route.Origin));
        }

        return table.ToString();
    }

    /// <summary>
    /// The ARP caches of all the node's interfaces now, in one table, like <c>ip neigh</c>:
    /// address, MAC address, interface, state and time left of each entry, interface by
    /// interface. Expired entries are gone (a learned entry lives 60 s by default). The data
    /// is each interface's <see cref="IpInterface.Arp"/> <see cref="ArpCache.GetEntries"/>.
    /// </summary>
    public string FormatArp()
    {
        var table = new TextTable($"ARP cache of {Name}", "Address", "MAC address", "Interface", "State", "Expires in");
        foreach (IpInterface ipInterface in interfaces)
        {
            if (!ipInterface.HasArp)
            {
                continue;
            }

            foreach (ArpEntry entry in ipInterface.Arp.GetEntries())
            {
                string[] cells = ArpCache.Cells(entry);
                table.Add(cells[0], cells[1], ipInterface.Name, cells[2], cells[3]);
            }
        }

        return table.ToString();
    }

    /// <summary>
    /// The counters of every interface's port now, one interface a line, like
    /// <c>ip -s link</c>: frames and bytes received and sent, frames dropped, the queue's
    /// peak. Interfaces whose link is not a NIC are left out. The data is each interface's
    /// <see cref="IpInterface.Port"/> <see cref="Port.Counters"/>; what IPv4 did with the
    /// packets is in <see cref="Counters"/>.
    /// </summary>
    public string FormatInterfaces() =>
        PortCounters.Format($"Interfaces of {Name}", "Interface", interfaces.Where(i => !i.IsLoopback && i.Link is Nic).Select(i => (i.Name, i.Port.Counters)));

    /// <summary>
    /// The interface counters, the ARP cache and the routes, in that order
    /// (<see cref="FormatInterfaces"/>, <see cref="FormatArp"/>, <see cref="FormatRoutes"/>).
    /// </summary>
    public string FormatTables() => FormatInterfaces() + "\n" + FormatArp() + "\n" + FormatRoutes();

    /// <summary>
    /// Registers a protocol above IPv4 under its number: datagrams that carry the number are
    /// handed to it, and ICMP errors about datagrams it sent. ICMP is on every node; UDP and
    /// TCP on hosts and routers from the start, and on a bare node when a socket first needs them.
    /// </summary>
    /// <exception cref="InvalidOperationException">A protocol is already registered under that number.</exception>
    public void RegisterProtocol(IIpProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (FindProtocol(protocol.Protocol) is { } existing)
        {
            throw new InvalidOperationException($"{Name} already has protocol {(byte)protocol.Protocol} ({existing}).");
        }

        protocols = [.. protocols, new(protocol.Protocol, protocol)];
    }

    /// <summary>Registers several protocols at once (a preset's), in one array.</summary>
    internal void RegisterProtocols(IIpProtocol first, IIpProtocol second)
    {
        if (FindProtocol(first.Protocol) is not null || FindProtocol(second.Protocol) is not null || first.Protocol == second.Protocol)
        {
            throw new InvalidOperationException($"{Name} already has protocol {(byte)first.Protocol} or {(byte)second.Protocol}.");
        }

        protocols = [.. protocols, new(first.Protocol, first), new(second.Protocol, second)];
    }

    /// <summary>The protocol of type <typeparamref name="T"/> under <paramref name="number"/>, made by <paramref name="make"/> and registered (in the place of a stand-in) when the node has none yet.</summary>
    internal T GetOrAddProtocol<T>(IpProtocol number, Func<IpNode, T> make)
        where T : class, IIpProtocol
    {
        if (FindProtocol(number) is T existing)
        {
            return existing;
        }

        T made = make(this);
        ReplaceProtocol(made);
        return made;
    }

    /// <summary>Puts <paramref name="protocol"/> in the place of the one registered under its number (one made on demand replacing its stand-in).</summary>
    internal void ReplaceProtocol(IIpProtocol protocol)
    {
        for (int i = 0; i < protocols.Length; i++)
        {
            if (protocols[i].Number == protocol.Protocol)
            {
                protocols[i] = new(protocol.Protocol, protocol);
                return;
            }
        }

        RegisterProtocol(protocol);
    }

    /// <summary>The protocol registered under <paramref name="number"/>, or null.</summary>
    public IIpProtocol? FindProtocol(IpProtocol number)
    {
        foreach (ProtocolEntry entry in protocols)
        {
            if (entry.Number == number)
            {
                return entry.Protocol;
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

        defaultGateway = null; // from now on the table holds it
        return table;
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

    /// <summary>A registered protocol and its number.</summary>
    private readonly record struct ProtocolEntry(IpProtocol Number, IIpProtocol Protocol);
}
