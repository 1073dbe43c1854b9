using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>
/// A protocol above IPv4 on a node (ICMP, UDP, TCP, or one of a user's), registered with
/// <see cref="IpNode.RegisterProtocol"/> under its protocol number: IPv4 hands it the
/// datagrams that carry that number, and the ICMP errors about datagrams it sent.
/// </summary>
public interface IIpProtocol
{
    /// <summary>The protocol number it is registered under (the IPv4 header's protocol field).</summary>
    IpProtocol Protocol { get; }

    /// <summary>
    /// A whole datagram for this node (arrived whole or reassembled) arrived at
    /// <paramref name="ingress"/>: its header, parsed and as bytes (options included), and
    /// its payload. The spans are valid during the call only.
    /// </summary>
    void OnDatagram(IpInterface ingress, in Ipv4Header header, ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> payload);

    /// <summary>
    /// An ICMP error (or a local "host unreachable" from ARP) came back about a datagram of
    /// this protocol that the node sent: <paramref name="quoted"/> is its header and
    /// <paramref name="start"/> up to 8 bytes of its payload (RFC 792). Returns false when
    /// nothing on the node waits for it (the node counts it as unwanted).
    /// </summary>
    bool OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ReadOnlySpan<byte> start);
}
