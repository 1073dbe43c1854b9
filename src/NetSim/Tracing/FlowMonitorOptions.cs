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
}
