using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NetSim.Devices;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Stack;

/// <summary>
/// One IPv4 interface of a host or router: a NIC with an address and a prefix, an MTU and
/// an ARP cache. It sorts what arrives (ARP to the cache, IPv4 to the node, anything else
/// dropped) and puts packets into Ethernet frames for the next hop.
/// </summary>
/// <remarks>
/// Each node also has a loopback interface, "lo" (127.0.0.1/8), which has no NIC and is
/// not among <see cref="IpNode.Interfaces"/>: <see cref="IpNode.TryRoute"/> names it for
/// destinations in 127/8, and packets sent through it are delivered to the node itself.
/// </remarks>
public sealed class IpInterface
{
    private readonly Nic? nic; // null for the loopback interface
    private readonly ArpCache? arp;

    internal IpInterface(IpNode node, int index, Ipv4Address address, int prefixLength, MacAddress? mac)
    {
        Node = node;
        Index = index;
        Address = address;
        Subnet = Ipv4Network.Containing(address, prefixLength);
        if (prefixLength < 31 && (address == Subnet.BaseAddress || address == Subnet.BroadcastAddress))
        {
            // RFC 1122, 3.2.1.3: the all-zeros and all-ones host parts are not host addresses (RFC 3021 allows them on a /31).
            throw new ArgumentException($"{address}/{prefixLength} cannot be an interface address: it is the {(address == Subnet.BaseAddress ? "network" : "broadcast")} address of {Subnet}.", nameof(address));
        }

        if (address.IsLoopback)
        {
            // RFC 1122, 3.2.1.3: 127/8 is the host's own loopback and must not appear outside it.
            throw new ArgumentException($"{address}/{prefixLength} cannot be an interface address: 127.0.0.0/8 is loopback, which every node has on its own (lo).", nameof(address));
        }

        nic = new Nic(node.Network, string.Create(CultureInfo.InvariantCulture, $"{node.Name}/eth{index}"), mac) { Received = OnFrame };
        arp = new ArpCache(this);
    }

    // The loopback interface: 127.0.0.1/8, no NIC, no ARP.
    private IpInterface(IpNode node)
    {
        Node = node;
        Index = -1;
        Address = Ipv4Address.Loopback;
        Subnet = Ipv4Network.Containing(Ipv4Address.Loopback, 8);
    }

    /// <summary>The node the interface belongs to.</summary>
    public IpNode Node { get; }

    /// <summary>The interface's name: the node's name and "eth" with its index, like "pc1/eth0" (or "pc1/lo").</summary>
    public string Name => nic?.Name ?? $"{Node.Name}/lo";

    /// <summary>Its position among the node's interfaces (the interface of a <see cref="Route"/>); -1 for the loopback interface.</summary>
    public int Index { get; }

    /// <summary>True for the node's loopback interface (lo, 127.0.0.1/8), which has no NIC.</summary>
    public bool IsLoopback => nic is null;

    /// <summary>The interface's IPv4 address.</summary>
    public Ipv4Address Address { get; }

    /// <summary>The network the interface is on: its address under its netmask ("192.168.1.0/24").</summary>
    public Ipv4Network Subnet { get; }

    /// <summary>The netmask, like 255.255.255.0.</summary>
    public Ipv4Address Netmask => Subnet.Netmask;

    /// <summary>The NIC underneath.</summary>
    /// <exception cref="InvalidOperationException">The interface is the loopback interface, which has none.</exception>
    public Nic Nic => nic ?? ThrowNoNic<Nic>();

    /// <summary>The NIC's port, where a cable plugs in.</summary>
    /// <exception cref="InvalidOperationException">The interface is the loopback interface, which has no NIC.</exception>
    public Port Port => Nic.Port;

    /// <summary>The NIC's MAC address.</summary>
    /// <exception cref="InvalidOperationException">The interface is the loopback interface, which has no NIC.</exception>
    public MacAddress Mac => Nic.Mac;

    /// <summary>The largest IPv4 packet the interface sends unfragmented (default and most 1500, the Ethernet MTU; at least 68, RFC 791).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 68 or above 1500.</exception>
    public int Mtu
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 68);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, EthernetFrame.Mtu);
            field = value;
        }
    } = EthernetFrame.Mtu;

    /// <summary>The interface's ARP cache.</summary>
    /// <exception cref="InvalidOperationException">The interface is the loopback interface, which has no ARP.</exception>
    public ArpCache Arp => arp ?? ThrowNoNic<ArpCache>();

    /// <summary>The simulation the interface runs on.</summary>
    public Simulation Simulation => Node.Network.Simulation;

    /// <summary>True when <paramref name="address"/> is on this interface's network (same network part under the netmask).</summary>
    public bool IsOnLink(Ipv4Address address) => Subnet.Contains(address);

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
    /// to <paramref name="nextHop"/> on this link: at once when its MAC address is known or
    /// the packet is a broadcast, after ARP otherwise.
    /// </summary>
    internal void Send(FrameHandle packet, Ipv4Address nextHop)
    {
        if (nextHop.IsBroadcast || IsSubnetBroadcast(nextHop))
        {
            SendResolved(packet, MacAddress.Broadcast);
        }
        else if (arp!.TryGet(nextHop, out MacAddress mac)) // the fields, not the checked properties: lo never sends (IpNode.Transmit keeps its packets)
        {
            SendResolved(packet, mac);
        }
        else
        {
            arp.Enqueue(nextHop, packet);
        }
    }

    /// <summary>Puts the packet in an Ethernet frame to <paramref name="destination"/> and sends it.</summary>
    internal void SendResolved(FrameHandle packet, MacAddress destination)
    {
        Span<byte> header = Node.Network.Frames.Prepend(packet, EthernetFrame.HeaderLength);
        var frame = new EthernetFrame(header);
        frame.Destination = destination;
        Nic card = nic!;
        frame.Source = card.Mac;
        frame.EtherType = EtherType.IPv4;
        card.Send(packet);
    }

    internal void SendArp(in ArpPacket packet, MacAddress destination)
    {
        FrameHandle frame = Nic.CreateFrame(destination, EtherType.Arp, ArpPacket.Length);
        packet.Emit(Node.Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength..]);
        Nic.Send(frame);
    }

    [DoesNotReturn]
    private T ThrowNoNic<T>() => throw new InvalidOperationException($"{Name} is the loopback interface: it has no NIC, port, MAC address or ARP cache.");

    private void OnFrame(Nic receiver, FrameHandle frame)
    {
        FramePool pool = Node.Network.Frames;
        Span<byte> bytes = pool.GetSpan(frame);
        var ethernet = new EthernetFrame(bytes); // the NIC checked the header and refused tagged frames
        switch (ethernet.EtherType)
        {
            case EtherType.IPv4:
                bool linkBroadcast = ethernet.Destination.IsBroadcast;
                pool.TrimFront(frame, EthernetFrame.HeaderLength);
                Node.OnPacketArrived(this, frame, linkBroadcast);
                break;
            case EtherType.Arp:
                WireError error = ArpPacket.TryParse(ethernet.Payload, out ArpPacket arp);
                if (error == WireError.None)
                {
                    this.arp!.OnPacket(arp);
                    pool.Return(frame);
                }
                else
                {
                    Node.DropMalformed(frame, error);
                }

                break;
            default:
                Node.DropPacket(frame, IpDropReason.UnknownEtherType);
                break;
        }
    }
}
