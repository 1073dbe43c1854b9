using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NetSim.Engine;
using NetSim.Ethernet;
using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>
/// One IPv4 interface of a node: an address and a prefix on a link endpoint (a
/// <see cref="Ethernet.Nic"/>, or any <see cref="ILinkEndpoint"/>), an MTU and an ARP cache.
/// It sorts what arrives (ARP to the cache, IPv4 to the node, anything else dropped) and
/// hands packets to the endpoint for the next hop's link address.
/// </summary>
/// <remarks>
/// Each node also has a loopback interface, "lo" (127.0.0.1/8), which has no link and is
/// not among <see cref="IpNode.Interfaces"/>: <see cref="IpNode.TryRoute"/> names it for
/// destinations in 127/8, and packets sent through it are delivered to the node itself.
/// </remarks>
public sealed class IpInterface : ILinkReceiver
{
    private readonly ILinkEndpoint? link; // null for the loopback interface
    private readonly bool needsArp; // false for the loopback interface and links without ARP
    private ArpCache? arp; // made at first use: most interfaces of a large network never resolve an address

    internal IpInterface(IpNode node, int index, ILinkEndpoint link, Ipv4Address address, int prefixLength)
    {
        CheckAddress(address, prefixLength);
        Node = node;
        Index = index;
        Address = address;
        Subnet = Ipv4Network.Containing(address, prefixLength);
        Mtu = link.Mtu;
        this.link = link;
        needsArp = link.NeedsArp;
        link.Attach(this);
    }

    // The loopback interface: 127.0.0.1/8, no link, no ARP.
    private IpInterface(IpNode node)
    {
        Node = node;
        Index = -1;
        Address = Ipv4Address.Loopback;
        Subnet = Ipv4Network.Containing(Ipv4Address.Loopback, 8);
        Mtu = EthernetFrame.Mtu;
    }

    /// <summary>The node the interface belongs to.</summary>
    public IpNode Node { get; }

    /// <summary>The interface's name: its link's, like "pc1/eth0" (or "pc1/lo").</summary>
    public string Name => link?.Name ?? $"{Node.Name}/lo";

    /// <summary>Its position among the node's interfaces (the interface of a <see cref="Route"/>); -1 for the loopback interface.</summary>
    public int Index { get; }

    /// <summary>True for the node's loopback interface (lo, 127.0.0.1/8), which has no link.</summary>
    public bool IsLoopback => link is null;

    /// <summary>The interface's IPv4 address (see <see cref="SetAddress"/> to change it).</summary>
    public Ipv4Address Address { get; private set; }

    /// <summary>The network the interface is on: its address under its netmask ("192.168.1.0/24").</summary>
    public Ipv4Network Subnet { get; private set; }

    /// <summary>The netmask, like 255.255.255.0.</summary>
    public Ipv4Address Netmask => Subnet.Netmask;

    /// <summary>The link endpoint underneath (a NIC, or another card).</summary>
    /// <exception cref="InvalidOperationException">The interface is the loopback interface, which has none.</exception>
    public ILinkEndpoint Link => link ?? ThrowNoLink<ILinkEndpoint>();

    /// <summary>The NIC underneath.</summary>
    /// <exception cref="InvalidOperationException">The interface is the loopback interface, or its link is not a NIC.</exception>
    public Nic Nic => link as Nic ?? ThrowNoLink<Nic>();

    /// <summary>The NIC's port, where a cable plugs in.</summary>
    /// <exception cref="InvalidOperationException">The interface is the loopback interface, or its link is not a NIC.</exception>
    public Port Port => Nic.Port;

    /// <summary>The link's MAC address.</summary>
    /// <exception cref="InvalidOperationException">The interface is the loopback interface, which has no link.</exception>
    public MacAddress Mac => Link.Mac;

    /// <summary>The largest IPv4 packet the interface sends unfragmented (default and most its link's MTU, 1500 on Ethernet; at least 68, RFC 791).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 68 or above the link's MTU.</exception>
    public int Mtu
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 68);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, link?.Mtu ?? EthernetFrame.Mtu);
            field = value;
        }
    }

    /// <summary>The interface's ARP cache.</summary>
    /// <exception cref="InvalidOperationException">The interface is the loopback interface, or its link needs no ARP.</exception>
    public ArpCache Arp => needsArp ? arp ??= new ArpCache(this) : ThrowNoLink<ArpCache>();

    /// <summary>True when the interface has an ARP cache (not the loopback interface, and its link needs ARP).</summary>
    internal bool HasArp => needsArp;

    /// <summary>The simulation the interface runs on.</summary>
    public Simulation Simulation => Node.Network.Simulation;

    /// <summary>True when <paramref name="address"/> is on this interface's network (same network part under the netmask).</summary>
    public bool IsOnLink(Ipv4Address address) => Subnet.Contains(address);

    /// <summary>
    /// Gives the interface a new address and prefix, as a DHCP lease or an administrator
    /// does at run time. The connected route moves to the new network; the ARP cache is
    /// emptied (its entries were for the old network, and their waiting packets are dropped).
    /// Static routes through the interface stay as they are.
    /// </summary>
    /// <exception cref="ArgumentException">The address is the network's or broadcast address, in 127/8, another interface's, or its network overlaps another interface's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is not 0 to 32.</exception>
    /// <exception cref="InvalidOperationException">The interface is the loopback interface.</exception>
    public void SetAddress(Ipv4Address address, int prefixLength)
    {
        if (link is null)
        {
            ThrowNoLink<bool>();
        }

        CheckAddress(address, prefixLength);
        Ipv4Network subnet = Ipv4Network.Containing(address, prefixLength);
        Node.CheckNewAddress(this, address, subnet);
        Ipv4Network old = Subnet;
        Address = address;
        Subnet = subnet;
        arp?.Flush();
        Node.OnAddressChanged(this, old);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {Address}/{Subnet.PrefixLength}");

    /// <summary>Makes <paramref name="node"/>'s loopback interface.</summary>
    internal static IpInterface CreateLoopback(IpNode node) => new(node);

    /// <summary>
    /// True when <paramref name="address"/> is this network's directed broadcast address. A
    /// /31 (RFC 3021) or /32 has none: its all-ones address is a host.
    /// </summary>
    internal bool IsSubnetBroadcast(Ipv4Address address) => Subnet.PrefixLength < 31 && address == Subnet.BroadcastAddress;

    /// <summary>
    /// Sends the IPv4 packet <paramref name="packet"/> (owned by the interface from now on)
    /// to <paramref name="nextHop"/> on this link: at once when its MAC address is known, the
    /// packet is a broadcast or the link needs no ARP; after ARP otherwise.
    /// </summary>
    internal void Send(FrameHandle packet, Ipv4Address nextHop)
    {
        if (!needsArp || nextHop.IsBroadcast || IsSubnetBroadcast(nextHop))
        {
            SendResolved(packet, MacAddress.Broadcast);
        }
        else if (Arp.TryGet(nextHop, out MacAddress mac))
        {
            SendResolved(packet, mac);
        }
        else
        {
            Arp.Enqueue(nextHop, packet);
        }
    }

    /// <summary>Hands the packet to the link for <paramref name="destination"/> (lo never sends: IpNode.Transmit keeps its packets).</summary>
    internal void SendResolved(FrameHandle packet, MacAddress destination) => link!.Send(packet, destination, EtherType.IPv4);

    internal void SendArp(in ArpHeader packet, MacAddress destination)
    {
        FrameHandle frame = Node.Network.Frames.Rent(ArpHeader.Length);
        packet.Emit(Node.Network.Frames.GetSpan(frame));
        link!.Send(frame, destination, EtherType.Arp);
    }

    [DoesNotReturn]
    private T ThrowNoLink<T>() => throw new InvalidOperationException(
        link is null
            ? $"{Name} is the loopback interface: it has no link, NIC, port, MAC address or ARP cache."
            : $"{Name} is on a {link.GetType().Name}, not a NIC{(!needsArp ? ", and its link needs no ARP" : "")}.");

    private static void CheckAddress(Ipv4Address address, int prefixLength)
    {
        var subnet = Ipv4Network.Containing(address, prefixLength);
        if (prefixLength < 31 && (address == subnet.BaseAddress || address == subnet.BroadcastAddress))
        {
            // RFC 1122, 3.2.1.3: the all-zeros and all-ones host parts are not host addresses (RFC 3021 allows them on a /31).
            throw new ArgumentException($"{address}/{prefixLength} cannot be an interface address: it is the {(address == subnet.BaseAddress ? "network" : "broadcast")} address of {subnet}.", nameof(address));
        }

        if (address.IsLoopback)
        {
            // RFC 1122, 3.2.1.3: 127/8 is the host's own loopback and must not appear outside it.
            throw new ArgumentException($"{address}/{prefixLength} cannot be an interface address: 127.0.0.0/8 is loopback, which every node has on its own (lo).", nameof(address));
        }
    }

    /// <inheritdoc/>
    void ILinkReceiver.OnReceived(ILinkEndpoint endpoint, FrameHandle packet, EtherType type, bool linkBroadcast)
    {
        switch (type)
        {
            case EtherType.IPv4:
                Node.OnPacketArrived(this, packet, linkBroadcast);
                break;
            case EtherType.Arp when needsArp:
                WireError error = ArpHeader.TryParse(Node.Network.Frames.GetSpan(packet), out ArpHeader message);
                if (error == WireError.None)
                {
                    Arp.OnPacket(message);
                    Node.Network.Frames.Return(packet);
                }
                else
                {
                    Node.DropMalformed(packet, error);
                }

                break;
            default:
                Node.DropPacket(packet, IpDropReason.UnknownEtherType, this);
                break;
        }
    }
}
