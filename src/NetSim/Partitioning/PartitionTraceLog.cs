using NetSim.Tracing;

namespace NetSim.Partitioning;

/// <summary>
/// The trace events one partition raised during a window, kept in their order (frames with a
/// copy of their bytes) until the window ends and <see cref="Merge"/> hands the events of every
/// partition, in one order, to the parallel run's <see cref="ParallelSimulation.Tracer"/>.
/// Only listens while someone listens there.
/// </summary>
internal sealed class PartitionTraceLog : ITraceListener
{
    private readonly List<Entry> entries = [];
    private readonly List<FrameEvent> frameEvents = [];
    private readonly List<(int Offset, int Length)> frameBytes = [];
    private readonly List<ArpEvent> arpEvents = [];
    private readonly List<IpEvent> ipEvents = [];
    private readonly List<UdpEvent> udpEvents = [];
    private readonly List<TcpEvent> tcpEvents = [];
    private readonly List<ApplicationEvent> applicationEvents = [];
    private byte[] bytes = new byte[16 * 1024];
    private int used;

    private enum Layer : byte
    {
        Frame,
        Arp,
        Ip,
        Udp,
        Tcp,
        Application,
    }

    /// <summary>The subscription to the partition's tracer, while the merged tracer has listeners.</summary>
    public IDisposable? Subscription { get; set; }

    /// <summary>
    /// Hands the events of every log to <paramref name="target"/> in the order of their time, then of
    /// their partition (the log's index), then of their raising, and empties the logs. The order is
    /// the same on any number of threads, as each partition's events are.
    /// </summary>
    public static void Merge(List<PartitionTraceLog> logs, Tracer target)
    {
        Span<int> next = logs.Count <= 256 ? stackalloc int[logs.Count] : new int[logs.Count];
        next.Clear();
        while (true)
        {
            int best = -1;
            long bestTime = long.MaxValue;
            for (int i = 0; i < logs.Count; i++)
            {
                List<Entry> entries = logs[i].entries;
                if (next[i] < entries.Count && entries[next[i]].Time < bestTime)
                {
                    best = i;
                    bestTime = entries[next[i]].Time;
                }
            }

            if (best < 0)
            {
                break;
            }

            logs[best].Replay(next[best]++, target);
        }

        foreach (PartitionTraceLog log in logs)
        {
            log.Clear();
        }
    }

    void ITraceListener.OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
    {
        if (used + frame.Length > bytes.Length)
        {
            Array.Resize(ref bytes, Math.Max(bytes.Length * 2, used + frame.Length));
        }

        frame.CopyTo(bytes.AsSpan(used));
        frameBytes.Add((used, frame.Length));
        used += frame.Length;
        Add(traceEvent.Time.Picoseconds, Layer.Frame, frameEvents, traceEvent);
    }

    void ITraceListener.OnArp(in ArpEvent traceEvent) => Add(traceEvent.Time.Picoseconds, Layer.Arp, arpEvents, traceEvent);

    void ITraceListener.OnIp(in IpEvent traceEvent) => Add(traceEvent.Time.Picoseconds, Layer.Ip, ipEvents, traceEvent);

    void ITraceListener.OnUdp(in UdpEvent traceEvent) => Add(traceEvent.Time.Picoseconds, Layer.Udp, udpEvents, traceEvent);

    void ITraceListener.OnTcp(in TcpEvent traceEvent) => Add(traceEvent.Time.Picoseconds, Layer.Tcp, tcpEvents, traceEvent);

    void ITraceListener.OnApplication(in ApplicationEvent traceEvent) => Add(traceEvent.Time.Picoseconds, Layer.Application, applicationEvents, traceEvent);

    private void Add<T>(long time, Layer layer, List<T> events, in T traceEvent)
    {
        entries.Add(new Entry(time, layer, events.Count));
        events.Add(traceEvent);
    }

    private void Replay(int index, Tracer target)
    {
        Entry entry = entries[index];
        switch (entry.Layer)
        {
            case Layer.Frame:
                (int offset, int length) = frameBytes[entry.Index];
                target.Raise(frameEvents[entry.Index], bytes.AsSpan(offset, length));
                break;
            case Layer.Arp:
                target.Raise(arpEvents[entry.Index]);
                break;
            case Layer.Ip:
                target.Raise(ipEvents[entry.Index]);
                break;
            case Layer.Udp:
                target.Raise(udpEvents[entry.Index]);
                break;
            case Layer.Tcp:
                target.Raise(tcpEvents[entry.Index]);
                break;
            default:
                target.Raise(applicationEvents[entry.Index]);
                break;
        }
    }

    private void Clear()
    {
        entries.Clear();
        frameEvents.Clear();
        frameBytes.Clear();
        arpEvents.Clear();
        ipEvents.Clear();
        udpEvents.Clear();
        tcpEvents.Clear();
        applicationEvents.Clear();
        used = 0;
    }

    private readonly record struct Entry(long Time, Layer Layer, int Index);
}
