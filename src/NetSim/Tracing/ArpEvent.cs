using System.Globalization;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>What an interface's ARP cache did (RFC 826, RFC 1122 2.3.2).</summary>
public enum ArpEventKind
{
    /// <summary>A request went out: who has <see cref="ArpEvent.Address"/>? (<see cref="ArpEvent.Attempt"/> counts them.)</summary>
    RequestSent,

    /// <summary>A request for the interface's address was answered (to <see cref="ArpEvent.Address"/> at <see cref="ArpEvent.Mac"/>).</summary>
    ReplySent,

    /// <summary>The cache learned (or refreshed) <see cref="ArpEvent.Address"/> at <see cref="ArpEvent.Mac"/>; packets that waited go out.</summary>
    Resolved,

    /// <summary>No answer after the last request: the packets that waited (<see cref="ArpEvent.Waiting"/>) are dropped as host unreachable.</summary>
    Failed,

    /// <summary>A packet waits for <see cref="ArpEvent.Address"/> to resolve (<see cref="ArpEvent.Waiting"/> wait now, this one included).</summary>
    PacketQueued,

    /// <summary>An entry's lifetime ended and the cache forgot it.</summary>
    Expired,
}

/// <summary>An ARP trace event: what an interface's ARP cache did, and about which address.</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Device">The interface, as "pc1/eth0".</param>
/// <param name="Kind">What happened.</param>
/// <param name="Address">The IPv4 address concerned.</param>
/// <param name="Mac">Its MAC address, where known (resolved, reply sent), else <see cref="MacAddress.Zero"/>.</param>
public readonly record struct ArpEvent(SimTime Time, string Device, ArpEventKind Kind, Ipv4Address Address, MacAddress Mac) : ITraceEvent
{
    /// <summary>For <see cref="ArpEventKind.RequestSent"/>: which request this is for the address (1 for the first).</summary>
    public int Attempt { get; init; }

    /// <summary>For <see cref="ArpEventKind.PacketQueued"/> and <see cref="ArpEventKind.Failed"/>: the packets waiting for the address.</summary>
    public int Waiting { get; init; }

    /// <summary>One line a learner reads: "1.2 ms pc1/eth0: ARP request 1 for 10.0.0.1".</summary>
    public override string ToString() => Kind switch
    {
        ArpEventKind.RequestSent => Line($"ARP request {Attempt} for {Address}"),
        ArpEventKind.ReplySent => Line($"ARP reply to {Address} ({Mac})"),
        ArpEventKind.Resolved => Line($"ARP resolved {Address} at {Mac}"),
        ArpEventKind.Failed => Line($"ARP failed for {Address}, {Waiting} packets dropped"),
        ArpEventKind.PacketQueued => Line($"packet waits for ARP of {Address} ({Waiting} waiting)"),
        _ => Line($"ARP entry for {Address} expired"),
    };

    private string Line(FormattableString what) => string.Create(CultureInfo.InvariantCulture, $"{Time} {Device}: {what.ToString(CultureInfo.InvariantCulture)}");
}
