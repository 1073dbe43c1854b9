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
public sealed class IpInterface
{
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

        Nic = new Nic(node.Network, string.Create(CultureInfo.InvariantCulture, $"{node.Name}/eth{index}"), mac) { Received = OnFrame };
        Arp = new ArpCache(this);
    }

    /// <summary>The node the interface belongs to.</summary>
    public IpNode Node { get; }

    /// <summary>The interface's name: the node's name and "eth" with its index, like "pc1/eth0".</summary>
    public string Name => Nic.Name;

    /// <summary>Its position among the node's interfaces (the interface of a <see cref="Route"/>).</summary>
    public int Index { get; }

    /// <summary>The interface's IPv4 address.</summary>
    public Ipv4Address Address { get; }

    /// <summary>The network the interface is on: its address under its netmask ("192.168.1.0/24").</summary>
    public Ipv4Network Subnet { get; }

    /// <summary>The netmask, like 255.255.255.0.</summary>
    public Ipv4Address Netmask => Subnet.Netmask;

    /// <summary>The NIC underneath.</summary>
    public Nic Nic { get; }

    /// <summary>The NIC's port, where a cable plugs in.</summary>
    public Port Port => Nic.Port;

    /// <summary>The NIC's MAC address.</summary>
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
    public ArpCache Arp { get; }

    /// <summary>The simulation the interface runs on.</summary>
    public Simulation Simulation => Node.Network.Simulation;

    /// <summary>True when <paramref name="address"/> is on this interface's network (same network part under the netmask).</summary>
    public bool IsOnLink(Ipv4Address address) => Subnet.Contains(address);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {Address}/{Subnet.PrefixLength}");

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
        else if (Arp.TryGet(nextHop, out MacAddress mac))
        {
            SendResolved(packet, mac);
        }
        else
        {
            Arp.Enqueue(nextHop, packet);
        }
    }

    /// <summary>Puts the packet in an Ethernet frame to <paramref name="destination"/> and sends it.</summary>
    internal void SendResolved(FrameHandle packet, MacAddress destination)
    {
        Span<byte> header = Node.Network.Frames.Prepend(packet, EthernetFrame.HeaderLength);
        var frame = new EthernetFrame(header);
        frame.Destination = destination;
        frame.Source = Nic.Mac;
        frame.EtherType = EtherType.IPv4;
        Nic.Send(packet);
    }

    internal void SendArp(in ArpPacket packet, MacAddress destination)
    {
        FrameHandle frame = Nic.CreateFrame(destination, EtherType.Arp, ArpPacket.Length);
        packet.Emit(Node.Network.Frames.GetSpan(frame)[EthernetFrame.HeaderLength..]);
        Nic.Send(frame);
    }

    private void OnFrame(Nic nic, FrameHandle frame)
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
                    Arp.OnPacket(arp);
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
