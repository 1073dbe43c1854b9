using NetSim.Links;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ethernet;

/// <summary>Called with each frame a <see cref="Nic"/> accepts; the span is valid during the call only.</summary>
/// <param name="nic">The NIC that accepted it.</param>
/// <param name="frame">The whole frame, Ethernet header first (no preamble, no FCS).</param>
public delegate void NicReceiveHandler(Nic nic, ReadOnlySpan<byte> frame);

/// <summary>
/// A network interface card: one port and one MAC address. It accepts frames addressed
/// to its address or to broadcast (and every frame in promiscuous mode), shows each to the
/// observers of <see cref="Received"/>, and hands it to the layer attached above it; it
/// pads short frames to the 60-byte minimum when sending and refuses frames longer than
/// the MTU allows. An IPv4 interface sits on it as on any <see cref="ILinkEndpoint"/>
/// (<see cref="ILinkEndpoint.Attach"/>); so can any other <see cref="ILinkReceiver"/> that
/// wants to own the frames.
/// </summary>
public sealed class Nic : IFrameReceiver, ILinkEndpoint, ICapturePoint
{
    private readonly Network network;
    private ILinkReceiver? upper; // the IPv4 interface on this NIC, if any

    /// <summary>Creates a NIC. Without <paramref name="mac"/>, it gets the network's next locally administered address.</summary>
    /// <exception cref="ArgumentException">The name or the address is already taken, or the address is not unicast.</exception>
    public Nic(Network network, string name, MacAddress? mac = null)
        : this(network, name, mac, NicNaming.Device)
    {
    }

    /// <summary>Creates a NIC whose name is registered as <paramref name="naming"/> says.</summary>
    internal Nic(Network network, string name, MacAddress? mac, NicNaming naming)
    {
        ArgumentNullException.ThrowIfNull(network);
        switch (naming)
        {
            case NicNaming.Device:
                network.RegisterDevice(name);
                break;
            case NicNaming.BuilderInterface:
                network.RegisterInterfaceName(name);
                break;
            default:
                network.CheckInterfaceName(name); // unique by construction ("node/ethN"), unless a builder took it: not kept
                break;
        }

        this.network = network;
        Name = name;
        Mac = network.RegisterMac(mac, name);
        Port = new Port(network, this, name, 0);
    }

    /// <summary>The NIC's name.</summary>
    public string Name { get; }

    /// <summary>Its MAC address.</summary>
    public MacAddress Mac { get; }

    /// <summary>Its port.</summary>
    public Port Port { get; }

    /// <summary>The network it belongs to.</summary>
    public Network Network => network;

    /// <summary>The largest payload of its frames: 1500 bytes, Ethernet's MTU.</summary>
    public int Mtu => EthernetFrame.Mtu;

    /// <inheritdoc/>
    bool ILinkEndpoint.NeedsArp => true;

    /// <inheritdoc/>
    FramePool ILinkEndpoint.Frames => network.Frames;

    /// <summary>When true, every frame is accepted, whatever its destination.</summary>
    public bool Promiscuous { get; set; }

    /// <summary>Frames accepted and handed up.</summary>
    public long FramesDelivered { get; private set; }

    /// <summary>Bytes of the frames accepted.</summary>
    public long BytesDelivered { get; private set; }

    /// <summary>
    /// Raised with the bytes of each accepted frame, before the layer attached above the NIC
    /// (an IPv4 interface) gets it, and whether or not one is attached: an observer sees
    /// the frame and never owns it. The NIC hands the frame up, or returns it to
    /// <see cref="Network.Frames"/> when nothing is attached.
    /// </summary>
    public event NicReceiveHandler? Received;

    /// <summary>Rents a frame from this NIC to <paramref name="destination"/>, with the header written and a zeroed payload.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload is negative or longer than the MTU.</exception>
    public FrameHandle CreateFrame(MacAddress destination, EtherType type, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadLength, EthernetFrame.Mtu);
        FrameHandle frame = network.Frames.Rent(EthernetFrame.HeaderLength + payloadLength);
        new EthernetHeader(destination, Mac, type).Emit(network.Frames.GetSpan(frame));
        return frame;
    }

    /// <summary>
    /// Sends a frame (the NIC takes ownership). Frames shorter than 60 bytes are padded
    /// with zeros; malformed or too long frames are dropped and counted as
    /// <see cref="DropReason.Malformed"/>. Returns false when the frame was dropped at once.
    /// </summary>
    public bool Send(FrameHandle frame)
    {
        FramePool pool = network.Frames;
        int length = pool.GetLength(frame);
        if (length < EthernetFrame.MinLength)
        {
            pool.SetLength(frame, EthernetFrame.MinLength);
        }

        if (EthernetFrame.Validate(pool.GetSpan(frame)) != WireError.None)
        {
            Port.Drop(frame, DropReason.Malformed);
            return false;
        }

        if (network.Tracer.IsOn)
        {
            FrameTrace.Raise(network, Name, -1, FrameEventKind.Sent, pool.GetSpan(frame));
        }

        return Port.Send(frame);
    }

    /// <summary>
    /// Sends <paramref name="packet"/> (the NIC takes ownership) in an Ethernet frame to
    /// <paramref name="destination"/> with <paramref name="type"/>: the header is written in
    /// the packet's headroom, then as <see cref="Send(FrameHandle)"/>.
    /// </summary>
    public bool Send(FrameHandle packet, MacAddress destination, EtherType type)
    {
        var frame = new EthernetFrame(network.Frames.Prepend(packet, EthernetFrame.HeaderLength));
        frame.Destination = destination;
        frame.Source = Mac;
        frame.EtherType = type;
        return Send(packet);
    }

    /// <inheritdoc/>
    void ILinkEndpoint.Attach(ILinkReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        if (upper is not null)
        {
            throw new InvalidOperationException($"{Name} already carries {upper}.");
        }

        upper = receiver;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Mac})";

    /// <summary>True when a valid frame to <paramref name="destination"/> would be dropped as not for this NIC.</summary>
    internal bool Ignores(MacAddress destination) => !Promiscuous && destination != Mac && !destination.IsBroadcast;

    /// <inheritdoc/>
    bool IFrameReceiver.Ignores(MacAddress destination) => Ignores(destination);

    /// <inheritdoc/>
    void IFrameReceiver.OnFrameArrived(Port port, FrameHandle frame)
    {
        FramePool pool = network.Frames;
        ReadOnlySpan<byte> bytes = pool.GetSpan(frame);
        WireError error = EthernetFrame.Validate(bytes);
        if (error != WireError.None)
        {
            port.Drop(frame, DropReason.Malformed);
            return;
        }

        MacAddress destination = MacAddress.Read(bytes);
        if (Ignores(destination))
        {
            port.Drop(frame, DropReason.NotForMe);
            return;
        }

        if (!Promiscuous && bytes[EthernetFrame.EtherTypeOffset] == 0x81 && bytes[EthernetFrame.EtherTypeOffset + 1] == 0x00)
        {
            port.Drop(frame, DropReason.VlanTagged);
            return;
        }

        FramesDelivered++;
        BytesDelivered += bytes.Length;
        if (network.Tracer.IsOn)
        {
            FrameTrace.Raise(network, Name, -1, FrameEventKind.Received, bytes);
        }

        Received?.Invoke(this, bytes); // before the layer above, which may edit the frame in place

        if (upper is not null)
        {
            EtherType type = (EtherType)(ushort)((bytes[EthernetFrame.EtherTypeOffset] << 8) | bytes[EthernetFrame.EtherTypeOffset + 1]);
            bool linkBroadcast = destination.IsBroadcast;
            pool.TrimFront(frame, EthernetFrame.HeaderLength);
            upper.OnReceived(this, frame, type, linkBroadcast);
        }
        else
        {
            pool.Return(frame);
        }
    }

    /// <summary>Shows <paramref name="capture"/> every frame the NIC sends or receives (before its address filter), until the returned subscription is disposed.</summary>
    public IDisposable AddCapture(IFrameCapture capture) => Port.AddCapture(capture);
}

/// <summary>How a <see cref="Nic"/>'s name is registered in its network.</summary>
internal enum NicNaming
{
    /// <summary>A device of its own: a unique name without '/'.</summary>
    Device,

    /// <summary>A NIC a topology builder made for a node ("pc1/eth2"): registered, so that an interface added later cannot take its name.</summary>
    BuilderInterface,

    /// <summary>The NIC of an interface added to a node ("pc1/eth0"): unique by construction, checked against the builder's, not registered.</summary>
    Interface,
}
