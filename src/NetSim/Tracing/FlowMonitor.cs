using System.Buffers.Binary;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>
/// Flow statistics, as ns-3's FlowMonitor keeps them: a trace listener that classifies every
/// IPv4 packet the watched nodes send and receive by its flow (<see cref="FlowKey"/>) and keeps
/// per flow the packets and bytes sent, received and lost (with the reason where a device
/// dropped one), first and last send and receive times, one-way delay (minimum, mean,
/// maximum, histogram), jitter (RFC 3550, 6.4.1), throughput and TCP retransmitted bytes.
/// </summary>
/// <remarks>
/// <para>
/// It listens to a network's <see cref="Tracer"/> from its creation until it is disposed; a
/// network nobody monitors does no work for it. A packet's send and receive are matched by its
/// source, destination, protocol and identification (RFC 6864: unique among the packets of
/// that triple in flight), which also finds fragments and the frames a link dropped: a
/// frame dropped at layer 2 (queue full, lost on the cable, bad FCS, too many collisions) is
/// read for the IPv4 header inside, and the packet it carried is counted lost for that reason.
/// </para>
/// <para>
/// A packet still in flight counts as lost until it arrives: take the statistics once the
/// traffic is over. A packet delivered to several nodes (a broadcast), or twice (a duplicated
/// frame), counts once, when it first arrives. A packet its own sender drops before it leaves
/// (no route) raises no send and is not counted.
/// </para>
/// <para>
/// It is bounded (<see cref="FlowMonitorOptions.MaxFlows"/>, <see cref="FlowMonitorOptions.MaxPacketsInFlight"/>):
/// a flood of flows or of lost packets stops being measured at the bounds, and
/// <see cref="PacketsNotMeasured"/> says how many packets were left out.
/// </para>
/// </remarks>
public sealed class FlowMonitor : ITraceListener, IDisposable
{
    private readonly IDisposable subscription;
    private readonly HashSet<string>? nodes;
    private readonly SimDuration binWidth;
    private readonly int binCount;
    private readonly int maxFlows;
    private readonly int maxPacketsInFlight;
    private readonly SimDuration packetLifetime;
    private SimTime nextSweep;
    private readonly Dictionary<FlowKey, Flow> flows = [];
    private readonly List<Flow> order = [];
    private readonly Dictionary<PacketId, InFlight> inFlight = [];

    /// <summary>Packets left out at the bounds, counted in no flow: sent by a flow past <see cref="FlowMonitorOptions.MaxFlows"/>, or sent while <see cref="FlowMonitorOptions.MaxPacketsInFlight"/> packets younger than <see cref="FlowMonitorOptions.PacketLifetime"/> were waiting.</summary>
    public long PacketsNotMeasured { get; private set; }

    /// <summary>Starts measuring the flows of the network whose tracer is <paramref name="tracer"/>.</summary>
    /// <param name="tracer">A network's <c>Tracer</c>.</param>
    /// <param name="options">Which nodes to watch and how to bin delays; every node and 1 ms bins unless given.</param>
    /// <exception cref="ArgumentOutOfRangeException">The bin width is not positive, or there is no bin.</exception>
    public FlowMonitor(Tracer tracer, FlowMonitorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        options ??= new FlowMonitorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.DelayBinWidth.Picoseconds, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DelayBinCount, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxFlows, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPacketsInFlight, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PacketLifetime.Picoseconds, 0, nameof(options));
        binWidth = options.DelayBinWidth;
        binCount = options.DelayBinCount;
        maxFlows = options.MaxFlows;
        maxPacketsInFlight = options.MaxPacketsInFlight;
        packetLifetime = options.PacketLifetime;
        nodes = options.Nodes is null ? null : new HashSet<string>(options.Nodes, StringComparer.Ordinal);
        subscription = tracer.Subscribe(this);
    }

    /// <summary>The statistics of every flow seen so far, in the order each flow first sent.</summary>
    public IReadOnlyList<FlowStatistics> GetStatistics()
    {
        var lost = new Dictionary<Flow, (long Count, Dictionary<string, long> Drops)>();
        foreach (InFlight packet in inFlight.Values)
        {
            (long count, Dictionary<string, long> drops) = lost.TryGetValue(packet.Flow, out var entry) ? entry : (0, new Dictionary<string, long>(packet.Flow.ExpiredDrops, StringComparer.Ordinal));
            if (packet.Reason is { } reason)
            {
                drops[reason] = drops.GetValueOrDefault(reason) + 1;
            }

            lost[packet.Flow] = (count + 1, drops);
        }

        var statistics = new List<FlowStatistics>(order.Count);
        foreach (Flow flow in order)
        {
            (long pending, Dictionary<string, long> drops) = lost.TryGetValue(flow, out var entry) ? entry : (0, new Dictionary<string, long>(flow.ExpiredDrops, StringComparer.Ordinal));
            statistics.Add(flow.Snapshot(pending, drops, binWidth));
        }

        return statistics;
    }

    /// <summary>The IP bytes the flow <paramref name="key"/> delivered so far; zero before its first packet.</summary>
    internal long BytesReceivedOf(FlowKey key) => flows.TryGetValue(key, out Flow? flow) ? flow.BytesReceived : 0;

    /// <summary>Stops measuring; the statistics so far stay.</summary>
    public void Dispose() => subscription.Dispose();

    /// <inheritdoc/>
    void ITraceListener.OnIp(in IpEvent traceEvent)
    {
        switch (traceEvent.Kind)
        {
            case IpEventKind.Sent when Watches(traceEvent.Device):
                Sent(traceEvent);
                break;
            case IpEventKind.Received when Watches(traceEvent.Device):
                Received(traceEvent);
                break;
            case IpEventKind.Dropped or IpEventKind.TimeToLiveExpired when traceEvent.Reason is { } reason:
                Dropped(new PacketId(traceEvent.Source, traceEvent.Destination, traceEvent.Protocol, traceEvent.Identification), IpReasons[(int)reason]);
                break;
        }
    }

    /// <inheritdoc/>
    void ITraceListener.OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
    {
        // A station not addressed, or a switch filtering, drops a copy, not the packet.
        if (traceEvent is not { Kind: FrameEventKind.Dropped, Reason: { } reason } || reason is DropReason.NotForMe or DropReason.Filtered || inFlight.Count == 0)
        {
            return;
        }

        if (EthernetHeader.TryParse(frame, out EthernetHeader ethernet) != WireError.None || ethernet.PayloadType != EtherType.IPv4)
        {
            return;
        }

        // Read leniently: a frame with a bad FCS may carry a bad header checksum, and it is
        // still the packet it was; a damaged address simply finds no packet.
        ReadOnlySpan<byte> packet = frame[ethernet.Length..];
        if (packet.Length < Ipv4Header.MinLength || packet[Ipv4Header.VersionAndIhlOffset] >> 4 != 4)
        {
            return;
        }

        var id = new PacketId(
            Ipv4Address.Read(packet[Ipv4Header.SourceOffset..]),
            Ipv4Address.Read(packet[Ipv4Header.DestinationOffset..]),
            (IpProtocol)packet[Ipv4Header.ProtocolOffset],
            BinaryPrimitives.ReadUInt16BigEndian(packet[Ipv4Header.IdentificationOffset..]));
        Dropped(id, FrameReasons[(int)reason]);
    }

    /// <inheritdoc/>
    void ITraceListener.OnTcp(in TcpEvent traceEvent)
    {
        if (traceEvent.Kind == TcpEventKind.Retransmitted && Watches(traceEvent.Device))
        {
            if (FlowOf(new FlowKey(IpProtocol.Tcp, traceEvent.LocalAddress, traceEvent.LocalPort, traceEvent.RemoteAddress, traceEvent.RemotePort)) is not { } flow)
            {
                return;
            }

            flow.RetransmittedBytes += traceEvent.Length;
            flow.RetransmittedSegments++;
        }
    }

    private static readonly string[] IpReasons = [.. Enum.GetNames<IpDropReason>().Select(name => "Ip." + name)];

    private static readonly string[] FrameReasons = [.. Enum.GetNames<DropReason>().Select(name => "Frame." + name)];

    private bool Watches(string device) => nodes is null || nodes.Contains(device);

    private Flow? FlowOf(FlowKey key)
    {
        if (!flows.TryGetValue(key, out Flow? flow))
        {
            if (flows.Count >= maxFlows)
            {
                return null;
            }

            flow = new Flow(key, binCount);
            flows.Add(key, flow);
            order.Add(flow);
        }

        return flow;
    }

    private void Sent(in IpEvent traceEvent)
    {
        if (FlowOf(FlowKey.Of(traceEvent)) is not { } flow)
        {
            PacketsNotMeasured++;
            return;
        }

        SimTime now = traceEvent.Time;
        var id = new PacketId(traceEvent.Source, traceEvent.Destination, traceEvent.Protocol, traceEvent.Identification);
        if (inFlight.Remove(id, out InFlight earlier))
        {
            // The identification came round again (65,536 packets later): the earlier packet is gone.
            earlier.Flow.Expire(earlier.Reason);
        }

        if (inFlight.Count >= maxPacketsInFlight && !GiveUpOldPackets(now))
        {
            PacketsNotMeasured++;
            return;
        }

        flow.PacketsSent++;
        flow.BytesSent += traceEvent.Length;
        flow.FirstSent ??= now;
        flow.LastSent = now;
        inFlight.Add(id, new InFlight(flow, now, null));
    }

    // The in-flight table is full: packets sent more than the packet lifetime ago are lost (as
    // ns-3's MaxPerHopDelay); true when that made room. Sweeps at most once per lifetime's worth of the oldest packet.
    private bool GiveUpOldPackets(SimTime now)
    {
        if (now < nextSweep)
        {
            return false;
        }

        SimTime oldest = SimTime.MaxValue;
        foreach ((PacketId id, InFlight packet) in inFlight)
        {
            if (now - packet.SentAt > packetLifetime)
            {
                packet.Flow.Expire(packet.Reason);
                inFlight.Remove(id); // allowed while enumerating a Dictionary since .NET Core 3.0
            }
            else if (packet.SentAt < oldest)
            {
                oldest = packet.SentAt;
            }
        }

        nextSweep = oldest == SimTime.MaxValue ? now : oldest + packetLifetime;
        return inFlight.Count < maxPacketsInFlight;
    }

    private void Received(in IpEvent traceEvent)
    {
        var id = new PacketId(traceEvent.Source, traceEvent.Destination, traceEvent.Protocol, traceEvent.Identification);
        if (inFlight.Remove(id, out InFlight packet))
        {
            packet.Flow.Receive(packet.SentAt, traceEvent.Time, traceEvent.Length, binWidth);
        }
    }

    private void Dropped(PacketId id, string reason)
    {
        if (inFlight.TryGetValue(id, out InFlight packet) && packet.Reason is null)
        {
            inFlight[id] = packet with { Reason = reason };
        }
    }

    private readonly record struct PacketId(Ipv4Address Source, Ipv4Address Destination, IpProtocol Protocol, ushort Identification);

    private readonly record struct InFlight(Flow Flow, SimTime SentAt, string? Reason);

    private sealed class Flow(FlowKey key, int binCount)
    {
        private long[]? histogram; // made at the first arrival: a flood of flows that never arrive costs no histograms
        private Int128 delaySum;
        private SimDuration delayMin = SimDuration.MaxValue;
        private SimDuration delayMax = SimDuration.MinValue;
        private SimDuration lastTransit;
        private double jitter; // picoseconds

        public long PacketsSent { get; set; }

        public long BytesSent { get; set; }

        public SimTime? FirstSent { get; set; }

        public SimTime LastSent { get; set; }

        public long RetransmittedBytes { get; set; }

        public long RetransmittedSegments { get; set; }

        public Dictionary<string, long> ExpiredDrops { get; } = new(StringComparer.Ordinal);

        private long PacketsReceived { get; set; }

        public long BytesReceived { get; private set; }

        private long Expired { get; set; }

        private SimTime FirstReceived { get; set; }

        private SimTime LastReceived { get; set; }

        public void Expire(string? reason)
        {
            Expired++;
            if (reason is not null)
            {
                ExpiredDrops[reason] = ExpiredDrops.GetValueOrDefault(reason) + 1;
            }
        }

        public void Receive(SimTime sentAt, SimTime now, int length, SimDuration binWidth)
        {
            SimDuration transit = now - sentAt;
            if (PacketsReceived == 0)
            {
                FirstReceived = now;
            }
            else
            {
                // RFC 3550, 6.4.1: J(i) = J(i-1) + (|D(i-1,i)| - J(i-1)) / 16.
                double change = Math.Abs((double)(transit - lastTransit).Picoseconds);
                jitter += (change - jitter) / 16;
            }

            lastTransit = transit;
            PacketsReceived++;
            BytesReceived += length;
            LastReceived = now;
            delaySum += transit.Picoseconds;
            delayMin = transit < delayMin ? transit : delayMin;
            delayMax = transit > delayMax ? transit : delayMax;
            long bin = transit / binWidth;
            histogram ??= new long[binCount];
            histogram[bin < histogram.Length ? (int)bin : histogram.Length - 1]++;
        }

        public FlowStatistics Snapshot(long pending, Dictionary<string, long> drops, SimDuration binWidth)
        {
            bool received = PacketsReceived > 0;
            DataRate? throughput = null;
            if (received && FirstSent is { } first && LastReceived > first)
            {
                double bitsPerSecond = BytesReceived * 8.0 / (LastReceived - first).TotalSeconds;
                throughput = DataRate.FromBitsPerSecond((long)Math.Round(bitsPerSecond, MidpointRounding.AwayFromZero));
            }

            return new FlowStatistics
            {
                Key = key,
                PacketsSent = PacketsSent,
                BytesSent = BytesSent,
                PacketsReceived = PacketsReceived,
                BytesReceived = BytesReceived,
                PacketsLost = Expired + pending,
                Drops = drops,
                FirstSent = FirstSent,
                LastSent = FirstSent is null ? null : LastSent,
                FirstReceived = received ? FirstReceived : null,
                LastReceived = received ? LastReceived : null,
                DelayMin = received ? delayMin : null,
                DelayMean = received ? SimDuration.FromPicoseconds((long)(delaySum / PacketsReceived)) : null,
                DelayMax = received ? delayMax : null,
                DelayBinWidth = binWidth,
                DelayHistogram = histogram is null ? new long[binCount] : [.. histogram],
                Jitter = SimDuration.FromPicoseconds((long)Math.Round(jitter, MidpointRounding.AwayFromZero)),
                Throughput = throughput,
                RetransmittedBytes = RetransmittedBytes,
                RetransmittedSegments = RetransmittedSegments,
            };
        }
    }
}
