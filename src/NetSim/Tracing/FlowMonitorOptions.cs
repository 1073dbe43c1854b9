using NetSim.Engine;

namespace NetSim.Tracing;

/// <summary>What a <see cref="FlowMonitor"/> watches and how it bins delays.</summary>
public sealed class FlowMonitorOptions
{
    /// <summary>
    /// The names of the nodes whose packets are measured (hosts, or routers for the packets they
    /// send and receive themselves): a packet counts as sent when one of them sends it and as
    /// received when one of them takes it in. Null (the default) watches every node of the
    /// network. Give both ends of a flow, or its packets count as lost.
    /// </summary>
    public IReadOnlyCollection<string>? Nodes { get; init; }

    /// <summary>The width of a bin of the delay histogram (1 ms unless set, as ns-3's FlowMonitor).</summary>
    public SimDuration DelayBinWidth { get; init; } = SimDuration.FromMilliseconds(1);

    /// <summary>How many bins the delay histogram has (100 unless set); the last one takes every longer delay.</summary>
    public int DelayBinCount { get; init; } = 100;

    /// <summary>
    /// The most flows measured (262,144 unless set, the size of Linux's connection-tracking table,
    /// <c>nf_conntrack_max</c>, on a machine of 8 GiB or more): a flood of new flows cannot grow the
    /// monitor without end. Packets of flows past it are counted in <see cref="FlowMonitor.PacketsNotMeasured"/> only.
    /// </summary>
    public int MaxFlows { get; init; } = 262_144;

    /// <summary>
    /// The most packets waiting to be matched with their arrival (1,048,576 unless set, about 64 MiB):
    /// a packet sent while that many are in flight or lost is counted as sent, never timed, and
    /// counted in <see cref="FlowMonitor.PacketsNotMeasured"/>.
    /// </summary>
    public int MaxPacketsInFlight { get; init; } = 1_048_576;
}
