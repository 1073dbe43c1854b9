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
    /// The most flows measured (65,536 unless set): a flood of new flows cannot grow the monitor
    /// without end. A flow costs about 200 bytes, and its delay histogram (8 bytes a bin) once a
    /// packet of it arrives. Packets of flows past it are counted in <see cref="FlowMonitor.PacketsNotMeasured"/> only.
    /// </summary>
    public int MaxFlows { get; init; } = 65_536;

    /// <summary>
    /// The most packets waiting to be matched with their arrival (1,048,576 unless set, about 64 MiB).
    /// When it is full, packets sent more than <see cref="PacketLifetime"/> ago are counted lost to
    /// make room; a packet that still finds no room is counted in <see cref="FlowMonitor.PacketsNotMeasured"/> only.
    /// </summary>
    public int MaxPacketsInFlight { get; init; } = 1_048_576;

    /// <summary>
    /// How long a packet may be on its way before the monitor gives it up as lost when it needs the
    /// room (10 s unless set, ns-3's <c>MaxPerHopDelay</c>).
    /// </summary>
    public SimDuration PacketLifetime { get; init; } = SimDuration.FromSeconds(10);
}
