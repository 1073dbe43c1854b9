using System.Globalization;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Ip;

/// <summary>What an IPv4 node (host or router) did with packets: received, delivered, forwarded, sent, and dropped by reason.</summary>
public sealed class IpCounters
{
    private long[]? drops;
    private long[]? malformed;

    /// <summary>IPv4 packets that arrived at the node's interfaces.</summary>
    public long PacketsReceived { get; internal set; }

    /// <summary>Packets (or reassembled datagrams) handed to a protocol on this node.</summary>
    public long PacketsDelivered { get; internal set; }

    /// <summary>Packets a router passed on toward their destination.</summary>
    public long PacketsForwarded { get; internal set; }

    /// <summary>Packets this node originated (ICMP errors and replies included).</summary>
    public long PacketsSent { get; internal set; }

    /// <summary>Fragments made from packets too large for the next hop.</summary>
    public long FragmentsCreated { get; internal set; }

    /// <summary>Datagrams put back together from fragments.</summary>
    public long DatagramsReassembled { get; internal set; }

    /// <summary>ICMP error messages this node sent.</summary>
    public long IcmpErrorsSent { get; internal set; }

    /// <summary>All packets dropped, whatever the reason.</summary>
    public long PacketsDropped => drops?.Sum() ?? 0;

    /// <summary>Packets dropped for <paramref name="reason"/>.</summary>
    public long Dropped(IpDropReason reason) => drops?[(int)reason] ?? 0;

    /// <summary>Malformed packets dropped with the parse error <paramref name="error"/>.</summary>
    public long Malformed(WireError error) => malformed?[(int)error] ?? 0;

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"received {PacketsReceived}, delivered {PacketsDelivered}, forwarded {PacketsForwarded}, sent {PacketsSent}, dropped {PacketsDropped}");

    internal void CountDrop(IpDropReason reason)
    {
        drops ??= new long[Enum.GetValues<IpDropReason>().Length];
        drops[(int)reason]++;
    }

    internal void CountMalformed(WireError error)
    {
        CountDrop(IpDropReason.Malformed);
        malformed ??= new long[Enum.GetValues<WireError>().Length];
        malformed[(int)error]++;
    }
}
