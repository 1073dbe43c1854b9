using System.Globalization;
using NetSim.Tracing;
using NetSim.Wire;

namespace NetSim.Links;

/// <summary>
/// One port of a device: where a cable plugs in. Frames sent through it wait in the
/// cable's egress queue for their turn on the wire; frames that arrive are handed to the
/// device that owns the port.
/// </summary>
public sealed class Port : ICapturePoint
{
    private readonly IFrameReceiver owner;
    private IFrameTap[] taps = [];
    private PortCounters? counters;
    private IQueueDiscipline? queueDiscipline; // made when the port is connected or first asked for
    private QueueDisciplineContext? queueContext; // made for a discipline other than drop-tail
    private EventHandler<PortQueueChange>? queueChanged; // read by the egress: one null check per change when nobody listens

    /// <summary>Creates port <paramref name="number"/> of device <paramref name="deviceName"/>, delivering to <paramref name="owner"/>.</summary>
    public Port(Network network, IFrameReceiver owner, string deviceName, int number)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(owner);
        Network = network;
        this.owner = owner;
        DeviceName = deviceName;
        Number = number;
    }

    /// <summary>The network the port belongs to.</summary>
    public Network Network { get; }

    /// <summary>The name of the device the port belongs to.</summary>
    public string DeviceName { get; }

    /// <summary>The port's number on its device.</summary>
    public int Number { get; }

    /// <summary>The cable plugged into the port, or null.</summary>
    public Cable? Cable { get; private set; }

    /// <summary>What crossed the port.</summary>
    public PortCounters Counters => counters ??= new(); // made when first asked or counted: most ports of a large network never carry a frame

    /// <summary>True when a cable is plugged in and up.</summary>
    public bool IsLinkUp => Cable is { IsUp: true };

    /// <summary>For trace events only: the numbers of the ports of <paramref name="ports"/> other than <paramref name="ingress"/> with a link up (where a flood or a hub's repeat goes).</summary>
    internal static int[] OthersUp(Port[] ports, Port ingress)
    {
        var numbers = new List<int>(ports.Length);
        foreach (Port port in ports)
        {
            if (port != ingress && port.IsLinkUp)
            {
                numbers.Add(port.Number);
            }
        }

        return [.. numbers];
    }

    /// <summary>
    /// The algorithm of this port's egress queue: a <see cref="DropTailDiscipline"/> of 1,000 frames
    /// unless another is set. Frames wait here while the wire is busy.
    /// </summary>
    /// <remarks>
    /// Set it before traffic, or at least while the queue is empty: the frames a discipline
    /// holds are its own and cannot move to another. One instance serves one port. See
    /// <see cref="IQueueDiscipline"/> for who owns a frame when.
    /// </remarks>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    /// <exception cref="InvalidOperationException">Frames are waiting in the current queue.</exception>
    /// <exception cref="ArgumentException">The new discipline already holds frames.</exception>
    public IQueueDiscipline QueueDiscipline
    {
        get
        {
            if (queueDiscipline is null)
            {
                queueDiscipline = new DropTailDiscipline(); // made at the first frame or when asked: most ports of a large network never queue one
                Egress?.UseQueue(queueDiscipline);
            }

            return queueDiscipline;
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (ReferenceEquals(value, queueDiscipline))
            {
                return;
            }

            if (queueDiscipline is { Count: > 0 } || queueContext is { Held: > 0 })
            {
                throw new InvalidOperationException(
                    $"{this} has frames waiting in its {queueDiscipline!.GetType().Name}: a queue discipline can only be replaced while its queue is empty.");
            }

            if (value.Count > 0)
            {
                throw new ArgumentException($"The {value.GetType().Name} for {this} already holds frames: give a port an empty queue discipline.", nameof(value));
            }

            queueDiscipline = value;
            Egress?.UseQueue(value);
        }
    }

    /// <summary>
    /// Raised after every change of the port's egress queue: a frame joined it, left it for the
    /// wire, or was refused or dropped by it, with the frames and bytes it holds now. A frame
    /// that finds the wire free and nothing waiting goes straight out and changes nothing. It
    /// runs inside the frame's processing: read, do not send. Raising it allocates nothing.
    /// </summary>
    /// <remarks>To record the queue length over time, use <see cref="ProbeQueue"/>.</remarks>
    public event EventHandler<PortQueueChange>? QueueChanged
    {
        add => queueChanged += value;
        remove => queueChanged -= value;
    }

    /// <summary>The number of the broadcast domain the duplicate address check last found this port in (0: never reached); it fills the object's padding.</summary>
    internal int DomainStamp { get; set; }

    /// <summary>True when the port's queue discipline was set or made (the default drop-tail one is made at the first frame).</summary>
    internal bool HasQueueDiscipline => queueDiscipline is not null;

    /// <summary>The handlers of <see cref="QueueChanged"/>, or null when nobody listens.</summary>
    internal EventHandler<PortQueueChange>? QueueChangedHandlers => queueChanged;

    /// <summary>What a queue discipline other than drop-tail is given to drop frames at this port.</summary>
    internal QueueDisciplineContext QueueContext => queueContext ??= new(this);

    /// <summary>The direction of the cable that carries frames away from this port.</summary>
    internal CableDirection? Egress { get; private set; }

    /// <summary>The collision domain this port is part of, for the ports of a hub; null otherwise.</summary>
    internal SharedMedium? Medium { get; init; }

    /// <summary>The device frames arriving here are handed to.</summary>
    internal IFrameReceiver Owner => owner;

    /// <summary>True when a tap watches the frames through this port.</summary>
    internal bool HasTaps => taps.Length > 0;

    /// <summary>Shows every frame through this port to <paramref name="tap"/> (a capture), until the returned subscription is disposed.</summary>
    public IDisposable AddTap(IFrameTap tap)
    {
        ArgumentNullException.ThrowIfNull(tap);
        taps = [.. taps, tap];
        return new TapSubscription(this, tap);
    }

    /// <inheritdoc/>
    public IDisposable AddCapture(IFrameCapture capture) => AddTap(new CaptureTap(capture, outgoingOnly: false));

    /// <summary>Shows <paramref name="capture"/> the frames this port sends (only those, when <paramref name="outgoingOnly"/>: a cable's capture).</summary>
    internal IDisposable AddCapture(IFrameCapture capture, bool outgoingOnly) => AddTap(new CaptureTap(capture, outgoingOnly));

    private void RemoveTap(IFrameTap tap)
    {
        int index = Array.IndexOf(taps, tap);
        if (index >= 0)
        {
            taps = [.. taps.AsSpan(0, index), .. taps.AsSpan(index + 1)];
        }
    }

    /// <summary>
    /// Sends <paramref name="frame"/> (the caller gives up ownership). Returns false when the
    /// frame was dropped at once (no link, or the queue discipline refused it, as drop-tail
    /// does when full); the drop is counted and the frame returned to the pool.
    /// </summary>
    public bool Send(FrameHandle frame)
    {
        if (Egress is null || !Egress.Cable.IsUp)
        {
            Drop(frame, DropReason.LinkDown);
            return false;
        }

        return Egress.Enqueue(frame);
    }

    /// <summary>
    /// Records the port's egress queue length over time, in frames or bytes, as it changes
    /// (see <see cref="QueueChanged"/>): the length now, then a point at every change of it.
    /// </summary>
    public TimeSeries ProbeQueue(QueueMetric metric = QueueMetric.Frames, int capacity = TimeSeries.DefaultCapacity)
    {
        bool bytes = metric == QueueMetric.Bytes;
        var series = new TimeSeries($"{this} queue", bytes ? "bytes" : "frames", capacity);
        long last = bytes ? QueueDiscipline.Bytes : QueueDiscipline.Count;
        series.Record(Network.Simulation.Now, last);
        EventHandler<PortQueueChange> handler = (_, change) =>
        {
            long value = bytes ? change.Bytes : change.Frames;
            if (value != last)
            {
                last = value;
                series.Record(change.Time, value);
            }
        };
        QueueChanged += handler;
        series.Attach(() => QueueChanged -= handler);
        return series;
    }

    /// <summary>Records, at every tick of <paramref name="sampler"/>, the port's throughput over the last interval in bit/s: the bytes of the frames it sent or received (without preamble and FCS).</summary>
    public TimeSeries ProbeThroughput(PeriodicSampler sampler, PortTraffic traffic = PortTraffic.Sent, int capacity = TimeSeries.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        PortCounters counters = Counters;
        return traffic == PortTraffic.Sent
            ? sampler.SampleRate($"{this} sent", "bit/s", () => counters.BytesSent, 8, capacity)
            : sampler.SampleRate($"{this} received", "bit/s", () => counters.BytesReceived, 8, capacity);
    }

    /// <summary>
    /// Records, at every tick of <paramref name="sampler"/>, the fraction of the line rate the
    /// port's sending used over the last interval: each frame it sent with its preamble, FCS and
    /// inter-frame gap, so a saturated link reads 1. On a full-duplex cable a frame counts in the
    /// interval its transmission starts in, so one interval may read a little over 1 and the next
    /// under; on a hub's shared medium (CSMA/CD) a frame counts when its successful attempt ends,
    /// and collided attempts and jam signals are not counted (see the hub's collisions for those).
    /// </summary>
    /// <exception cref="InvalidOperationException">No cable is plugged into the port.</exception>
    public TimeSeries ProbeUtilization(PeriodicSampler sampler, int capacity = TimeSeries.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        Cable cable = Cable ?? throw new InvalidOperationException($"{this} has no cable: plug one in before probing its utilization.");
        PortCounters counters = Counters;
        const int overhead = CableDirection.PreambleLength + EthernetFrame.FcsLength + CableDirection.InterFrameGap;
        return sampler.SampleRate($"{this} utilization", "fraction", () => counters.BytesSent + (counters.FramesSent * overhead), 8.0 / cable.Rate.BitsPerSecond, capacity);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{DeviceName} port {Number}");

    internal void Attach(Cable cable, CableDirection egress)
    {
        if (Cable is not null)
        {
            throw new InvalidOperationException($"{this} is already connected (to {Cable}).");
        }

        Cable = cable;
        Egress = egress;
        Network.OnTopologyChanged();
    }

    /// <summary>Tells the device that the link of this port went up or down.</summary>
    internal void NotifyLinkChanged() => owner.OnLinkChanged(this);

    /// <summary>Counts and returns a frame this port drops.</summary>
    internal void Drop(FrameHandle frame, DropReason reason)
    {
        Counters.CountDrop(reason);
        FramePool pool = Network.Frames;
        if (Network.Tracer.IsOn)
        {
            FrameTrace.Raise(Network, DeviceName, Number, FrameEventKind.Dropped, pool.GetSpan(frame), reason);
        }

        pool.Return(frame);
    }

    /// <summary>
    /// Counts a frame of <paramref name="length"/> bytes as arrived whole and then dropped for
    /// <paramref name="reason"/>, without the frame: what <see cref="Arrive"/> and the owner's
    /// drop would count, for a hub that knows the owner drops it (see the Ethernet layer's <c>Hub</c>).
    /// </summary>
    internal void CountArrivedAndDropped(int length, DropReason reason)
    {
        Counters.FramesReceived++;
        Counters.BytesReceived += length;
        Counters.CountDrop(reason);
    }

    /// <summary>Called by the cable when a frame's transmission starts.</summary>
    internal void OnTransmitStart(FrameHandle frame, int length)
    {
        Counters.FramesSent++;
        Counters.BytesSent += length;
        foreach (IFrameTap tap in taps)
        {
            tap.OnFrame(this, Network.Frames.GetSpan(frame), outgoing: true);
        }
    }

    /// <summary>Called by the cable when a frame's last bit has arrived.</summary>
    internal void Arrive(FrameHandle frame, bool fcsGood)
    {
        foreach (IFrameTap tap in taps)
        {
            tap.OnFrame(this, Network.Frames.GetSpan(frame), outgoing: false);
        }

        if (!fcsGood)
        {
            Drop(frame, DropReason.BadFcs);
            return;
        }

        Counters.FramesReceived++;
        Counters.BytesReceived += Network.Frames.GetLength(frame);
        owner.OnFrameArrived(this, frame);
    }

    private sealed class TapSubscription(Port port, IFrameTap tap) : IDisposable
    {
        private Port? owner = port;

        public void Dispose()
        {
            owner?.RemoveTap(tap);
            owner = null;
        }
    }

    private sealed class CaptureTap(IFrameCapture capture, bool outgoingOnly) : IFrameTap
    {
        public void OnFrame(Port port, ReadOnlySpan<byte> frame, bool outgoing)
        {
            if (outgoing || !outgoingOnly)
            {
                capture.OnFrame(frame);
            }
        }
    }
}
