using NetSim.Ip;
namespace NetSim.Transport;

/// <summary>The transport protocols a ready-made node has from the start.</summary>
internal static class TransportProtocols
{
    /// <summary>Registers UDP and TCP on <paramref name="node"/>, as every host and router has them.</summary>
    public static void AddTo(IpNode node)
    {
        _ = Udp.On(node);
        _ = Tcp.On(node);
    }
}
