using NetSim.Links;
using NetSim.Wire;

namespace NetSim.Ethernet;

/// <summary>
/// A card that carries the packets of a layer above it (IPv4 and ARP) over a link: a
/// <see cref="Nic"/> on Ethernet, or another kind (a VLAN sub-interface, a point-to-point
/// link). The layer above gives it a packet, the link address of the next hop and the
/// packet's type; the endpoint adds its own framing, and strips it from what arrives
/// (ns-3's NetDevice plays this part).
/// </summary>
public interface ILinkEndpoint
{
    /// <summary>The endpoint's name, like "pc1/eth0".</summary>
    string Name { get; }

    /// <summary>Its link-layer address (the "hardware address" ARP resolves to).</summary>
    MacAddress Mac { get; }

    /// <summary>The largest packet it carries in one frame (1500 on Ethernet).</summary>
    int Mtu { get; }

    /// <summary>
    /// True when the next hop's link address must be found with ARP; false on a link with
    /// one peer (point to point), where <see cref="Send"/> ignores the destination.
    /// </summary>
    bool NeedsArp { get; }

    /// <summary>The frame pool the packets it is given and gives up belong to.</summary>
    FramePool Frames { get; }

    /// <summary>
    /// Makes <paramref name="receiver"/> the layer above: every packet that arrives is handed
    /// to it from now on. An endpoint carries one layer above it.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another layer is already attached.</exception>
    void Attach(ILinkReceiver receiver);

    /// <summary>
    /// Sends <paramref name="packet"/> (owned by the endpoint from now on) to
    /// <paramref name="destination"/> as a packet of <paramref name="type"/>. Returns false
    /// when the endpoint dropped it at once (counted where the endpoint counts drops).
    /// </summary>
    bool Send(FrameHandle packet, MacAddress destination, EtherType type);
}

/// <summary>The layer above a <see cref="ILinkEndpoint"/>: an IPv4 interface.</summary>
public interface ILinkReceiver
{
    /// <summary>
    /// A packet of <paramref name="type"/> arrived at <paramref name="endpoint"/>, its link
    /// header taken off; <paramref name="linkBroadcast"/> says it came in a broadcast frame.
    /// The receiver owns <paramref name="packet"/>.
    /// </summary>
    void OnReceived(ILinkEndpoint endpoint, FrameHandle packet, EtherType type, bool linkBroadcast);
}
