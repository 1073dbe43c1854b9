using NetSim.Ethernet;
using NetSim.Ip;
using NetSim.Links;
using NetSim.Tracing;

namespace NetSim.Reporting;

/// <summary>
/// Keeps what a report needs of a run: every trace event of a network, of every layer, in
/// order, and the bytes of the frames the layer-2 events carry (up to
/// <see cref="RunRecorderOptions.SnapLength"/> bytes of each, as a capture's snap length). It
/// records from its creation until it is disposed. Both are bounded
/// (<see cref="RunRecorderOptions.MaxEvents"/>, <see cref="RunRecorderOptions.MaxFrames"/>): past
/// a bound it counts what it did not keep and the report says so.
/// </summary>
/// <remarks>
/// Recording copies every event and frame, so it costs what a <see cref="TraceRecorder"/> costs
/// and more: it is for runs that are looked at, not for runs that are measured. A run without a
/// recorder pays nothing for it.
/// </remarks>
public sealed class RunRecorder : ITraceListener, IDisposable
{
    private readonly List<RecordedEvent> events = [];
    private readonly List<RecordedFrame> frames = [];
    private readonly IDisposable subscription;
    private Dictionary<string, IReadOnlyList<(string Interface, string Address, string Mac)>>? staticArp;

    /// <summary>Starts recording the events of <paramref name="network"/>.</summary>
    public RunRecorder(Network network, RunRecorderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
        Options = options ?? new RunRecorderOptions();
        subscription = network.Tracer.Subscribe(this);
    }

    /// <summary>
    /// The static ARP entries of each host and router as the run started (taken at the first event
    /// recorded, so a recorder made before the devices sees the entries added after it), by device
    /// name: the interface, the IPv4 address and the MAC address. A report replays the learned ones from the events.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(string Interface, string Address, string Mac)>> StaticArpEntries => staticArp ??= StaticArp(Network);

    /// <summary>The network recorded.</summary>
    public Network Network { get; }

    /// <summary>The bounds it records within.</summary>
    public RunRecorderOptions Options { get; }

    /// <summary>The events recorded, in order (at most <see cref="RunRecorderOptions.MaxEvents"/>).</summary>
    public IReadOnlyList<RecordedEvent> Events => events;

    /// <summary>The frames whose bytes were kept, in order (at most <see cref="RunRecorderOptions.MaxFrames"/>); <see cref="RecordedEvent.Frame"/> indexes them.</summary>
    public IReadOnlyList<RecordedFrame> Frames => frames;

    /// <summary>Events that came after <see cref="RunRecorderOptions.MaxEvents"/> were recorded, and so were not.</summary>
    public long EventsNotRecorded { get; private set; }

    /// <summary>Layer-2 events recorded without their frame's bytes, because <see cref="RunRecorderOptions.MaxFrames"/> frames were kept already.</summary>
    public long FramesNotKept { get; private set; }

    /// <summary>Stops recording; what was recorded stays.</summary>
    public void Dispose() => subscription.Dispose();

    /// <inheritdoc/>
    void ITraceListener.OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
    {
        if (!HasRoom())
        {
            return;
        }

        int index = -1;
        if (!frame.IsEmpty)
        {
            if (frames.Count < Options.MaxFrames)
            {
                index = frames.Count;
                frames.Add(new RecordedFrame(events.Count, frame.Length, frame[..Math.Min(frame.Length, Options.SnapLength)].ToArray()));
            }
            else
            {
                FramesNotKept++;
            }
        }

        events.Add(new RecordedEvent(traceEvent, index));
    }

    /// <inheritdoc/>
    void ITraceListener.OnArp(in ArpEvent traceEvent) => Add(traceEvent);

    /// <inheritdoc/>
    void ITraceListener.OnIp(in IpEvent traceEvent) => Add(traceEvent);

    /// <inheritdoc/>
    void ITraceListener.OnUdp(in UdpEvent traceEvent) => Add(traceEvent);

    /// <inheritdoc/>
    void ITraceListener.OnTcp(in TcpEvent traceEvent) => Add(traceEvent);

    /// <inheritdoc/>
    void ITraceListener.OnApplication(in ApplicationEvent traceEvent) => Add(traceEvent);

    private static Dictionary<string, IReadOnlyList<(string Interface, string Address, string Mac)>> StaticArp(Network network)
    {
        var entries = new Dictionary<string, IReadOnlyList<(string, string, string)>>(StringComparer.Ordinal);
        foreach (IpNode node in network.Devices.OfType<IpNode>())
        {
            var list = new List<(string, string, string)>();
            foreach (IpInterface ipInterface in node.Interfaces)
            {
                if (!ipInterface.IsLoopback && ipInterface.Link is Nic)
                {
                    list.AddRange(ipInterface.Arp.GetEntries()
                        .Where(e => e.State == ArpEntryState.Static)
                        .Select(e => (ipInterface.Name, e.Address.ToString(), e.Mac.ToString())));
                }
            }

            if (list.Count > 0)
            {
                entries.Add(node.Name, list);
            }
        }

        return entries;
    }

    private void Add(ITraceEvent traceEvent)
    {
        if (HasRoom())
        {
            events.Add(new RecordedEvent(traceEvent, -1));
        }
    }

    private bool HasRoom()
    {
        staticArp ??= StaticArp(Network); // the run has started: the static entries are those set up for it
        if (events.Count < Options.MaxEvents)
        {
            return true;
        }

        EventsNotRecorded++;
        return false;
    }
}

/// <summary>One recorded trace event.</summary>
/// <param name="Event">The event (a <see cref="FrameEvent"/>, <see cref="ArpEvent"/>, <see cref="IpEvent"/>, <see cref="UdpEvent"/>, <see cref="TcpEvent"/> or <see cref="ApplicationEvent"/>).</param>
/// <param name="Frame">For a layer-2 event whose frame's bytes were kept: its index in <see cref="RunRecorder.Frames"/>; -1 otherwise.</param>
public readonly record struct RecordedEvent(ITraceEvent Event, int Frame);

/// <summary>The bytes of one recorded frame.</summary>
/// <param name="Event">The index in <see cref="RunRecorder.Events"/> of the layer-2 event that carried it.</param>
/// <param name="Length">The frame's length on the wire (without FCS), which <paramref name="Bytes"/> may be shorter than.</param>
/// <param name="Bytes">The frame's first bytes, at most <see cref="RunRecorderOptions.SnapLength"/> of them.</param>
public sealed record RecordedFrame(int Event, int Length, byte[] Bytes)
{
    /// <summary>True when <see cref="Bytes"/> holds the whole frame.</summary>
    public bool IsWhole => Bytes.Length == Length;
}

/// <summary>The bounds of a <see cref="RunRecorder"/>.</summary>
public sealed record RunRecorderOptions
{
    /// <summary>The most events recorded (default 1,000,000): later ones are counted in <see cref="RunRecorder.EventsNotRecorded"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1.</exception>
    public int MaxEvents
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 1_000_000;

    /// <summary>
    /// The most frames whose bytes are kept (default 100,000, the size of run a report is made
    /// to show): later layer-2 events are recorded without them, counted in
    /// <see cref="RunRecorder.FramesNotKept"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int MaxFrames
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 100_000;

    /// <summary>
    /// How many bytes of each frame are kept (default 256: every header NetSim writes, and the
    /// start of DNS and HTTP messages; 1,514 keeps whole Ethernet frames), as a capture's snap length.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 64 (an Ethernet frame's minimum).</exception>
    public int SnapLength
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64);
            field = value;
        }
    } = 256;
}
