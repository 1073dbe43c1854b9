using NetSim.Ip;
using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>The transport protocols a ready-made node has from the start.</summary>
internal static class TransportProtocols
{
    /// <summary>
    /// Registers UDP and TCP on <paramref name="node"/>, as every host and router has them:
    /// each as a stand-in shared by all nodes until the node first needs its own (a socket,
    /// or a datagram that arrives), so that a node that never uses them costs no memory for
    /// them (hosts are counted in bytes: benchmarks/README.md).
    /// </summary>
    public static void AddTo(IpNode node) => node.RegisterProtocols(ProtocolOnDemand.Udp, ProtocolOnDemand.Tcp);

    /// <summary>A node's UDP or TCP before it is made: the first datagram makes it and goes to it.</summary>
    private sealed class ProtocolOnDemand(IpProtocol protocol, Func<IpNode, IIpProtocol> make) : IIpProtocol
    {
        public static readonly ProtocolOnDemand Udp = new(IpProtocol.Udp, Transport.Udp.On);

        public static readonly ProtocolOnDemand Tcp = new(IpProtocol.Tcp, Transport.Tcp.On);

        public IpProtocol Protocol => protocol;

        public void OnDatagram(IpInterface ingress, in Ipv4Header header, ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> payload) =>
            make(ingress.Node).OnDatagram(ingress, header, headerBytes, payload);

        public bool OnError(in IcmpHeader icmp, Ipv4Address reporter, in Ipv4Header quoted, ReadOnlySpan<byte> start) => false; // the node never sent any: sending makes the protocol

        public override string ToString() => $"{protocol} (made when first used)";
    }
}
