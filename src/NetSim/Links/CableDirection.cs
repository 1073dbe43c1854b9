using NetSim.Engine;
using NetSim.Tracing;
using NetSim.Wire;
// Design: a small coordinator between three parts. The near port's queue discipline holds
// the frames that wait (the default DropTailDiscipline is called directly, anything else
// through IQueueDiscipline); a transmitter puts them on the wire (FullDuplexTransmitter,
// or CsmaCdTransmitter when the far end is a hub port); and the direction itself launches
// each frame that went out towards the far port: it numbers it, lets the error model decide
// its fate, schedules its arrival (the frame's handle is the event's argument, so nothing is
// allocated) and, when the link went down meanwhile, loses it there.


namespace NetSim.Links;

/// <summary>
/// One direction of a cable: the egress queue of the port at its near end, the wire, and the
/// arrival at the far port. A frame waits its turn in the port's queue discipline (drop-tail
/// by default), occupies the wire for its serialization time, and arrives when its last bit
/// has crossed the propagation delay.
/// </summary>
/// <remarks>
/// <para>
/// On the wire a frame takes its 8-byte preamble and start delimiter, its bytes and its
/// 4-byte FCS; the next frame may start 12 byte times (the inter-frame gap) after the last
/// bit (IEEE 802.3 clauses 3.1.1 and 4.4.2). At 1 Gb/s a 64-byte frame (60 bytes and the
/// FCS) therefore takes 576 ns on the wire and 672 ns of the link, 1.488 million frames a second.
/// </para>
/// <para>
/// When the far end is a hub port, this direction is a station on the hub's shared medium
/// and sends half-duplex with CSMA/CD (see <see cref="SharedMedium"/>).
/// </para>
/// </remarks>
public sealed class CableDirection : IEventTarget
{
    /// <summary>Preamble and start frame delimiter, in bytes.</summary>
    public const int PreambleLength = 8;

    /// <summary>The inter-frame gap, in byte times.</summary>
    public const int InterFrameGap = 12;

    private const int Arrival = 1;
    private const int CorruptedArrival = 2;

    private readonly Simulation simulation;
    private readonly FramePool frames;
    private readonly long picosecondsPerByte; // 0 when the rate does not divide 8 * 10^12 evenly
    private readonly FullDuplexTransmitter? fullDuplex; // one of the two transmitters
    private readonly CsmaCdTransmitter? halfDuplex;
    private DropTailDiscipline? dropTail; // the port's queue when it is drop-tail, called directly (null with discipline: the default, made at the first frame)
    private IQueueDiscipline? discipline; // the port's queue otherwise, called through its context
    private QueueDisciplineContext? queueContext; // with discipline: keeps the count of what it holds
    private int inFlight; // arrivals scheduled and not yet happened
    private int lostInFlight; // of those, how many the link lost by going down
    private long framesStarted;
    private RandomSource? random;
    private IErrorModel? errorModel; // null: a perfect wire, which draws nothing
    private IPartitionOutbox? outbox; // a cut cable of a parallel run: frames go to another partition
    private int outboxDirection; // this direction's number among the cut cables' directions
    private long sentAcross; // frames sent to the outbox so far: each message's sequence number on this direction

    internal CableDirection(Cable cable, Port from, Port to, SharedMedium? medium)
    {
        Cable = cable;
        From = from;
        To = to;
        simulation = from.Network.Simulation;
        frames = from.Network.Frames;
        Gap = cable.Rate.TransmissionTime(InterFrameGap);
        long bitsPerSecond = cable.Rate.BitsPerSecond;
        picosecondsPerByte = 8_000_000_000_000 % bitsPerSecond == 0 ? 8_000_000_000_000 / bitsPerSecond : 0;
        if (from.HasQueueDiscipline)
        {
            UseQueue(from.QueueDiscipline);
        }
        if (medium is null)
        {
            fullDuplex = new FullDuplexTransmitter(this, simulation);
        }
        else
        {
            // A station on a hub shares its medium and runs half-duplex.
            halfDuplex = new CsmaCdTransmitter(this, simulation, medium);
            medium.Add(halfDuplex);
        }
    }

    /// <summary>The cable this direction belongs to.</summary>
    public Cable Cable { get; }

    /// <summary>The port frames leave from.</summary>
    public Port From { get; }

    /// <summary>The port frames arrive at.</summary>
    public Port To { get; }

    /// <summary>
    /// What goes wrong in this direction, set by probabilities (loss, corruption,
    /// duplication), jitter and listed frame numbers. Asking for it makes it the direction's
    /// <see cref="ErrorModel"/> when there is none (all settings off: frames arrive as sent).
    /// </summary>
    /// <exception cref="InvalidOperationException">Another kind of <see cref="ErrorModel"/> is set on this direction.</exception>
    public Impairments Impairments => errorModel switch
    {
        Impairments impairments => impairments,
        null => (Impairments)(errorModel = new Impairments()), // made when first asked for: most cables are perfect
        _ => throw new InvalidOperationException(
            $"The error model of {this} is a {errorModel.GetType().Name}: Impairments configure the built-in model only; configure the one that is set, or set ErrorModel to null first."),
    };

    /// <summary>
    /// The model of what goes wrong with the frames in this direction (see
    /// <see cref="IErrorModel"/>), or null for a perfect wire (the default), where frames
    /// arrive as sent and no random number is drawn. Setting it replaces
    /// <see cref="Impairments"/>. A model with state serves one direction.
    /// </summary>
    public IErrorModel? ErrorModel
    {
        get => errorModel;
        set => errorModel = value;
    }

    /// <summary>Frames waiting in the egress queue (the one on the wire not included).</summary>
    public int QueuedFrames => dropTail is not null ? dropTail.Count : discipline?.Count ?? 0;

    /// <summary>
    /// The most frames the egress queue holds; one more is dropped (default 1,000). Sets the
    /// <see cref="DropTailDiscipline.FrameLimit"/> of the near port's <see cref="Port.QueueDiscipline"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    /// <exception cref="InvalidOperationException">The port's queue discipline is not a <see cref="DropTailDiscipline"/>.</exception>
    public int QueueLimitFrames
    {
        get => DropTail.FrameLimit;
        set => DropTail.FrameLimit = value;
    }

    /// <summary>
    /// The most bytes the egress queue holds (default: no byte limit). Sets the
    /// <see cref="DropTailDiscipline.ByteLimit"/> of the near port's <see cref="Port.QueueDiscipline"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    /// <exception cref="InvalidOperationException">The port's queue discipline is not a <see cref="DropTailDiscipline"/>.</exception>
    public long QueueLimitBytes
    {
        get => DropTail.ByteLimit;
        set => DropTail.ByteLimit = value;
    }

    /// <summary>True while a frame is on the wire (or, on a hub, waiting for the medium or backing off).</summary>
    public bool IsTransmitting => fullDuplex is not null ? fullDuplex.IsTransmitting : halfDuplex!.IsTransmitting;

    /// <summary>The inter-frame gap at the cable's rate.</summary>
    internal SimDuration Gap { get; }

    /// <summary>True when a frame waits in the queue.</summary>
    internal bool HasQueued => dropTail is not null ? dropTail.Count > 0 : discipline is { Count: > 0 };

    /// <summary>True when no impairment is set on this direction: every frame arrives as sent, after the cable's delay.</summary>
    internal bool IsPerfect => errorModel is null or Impairments { Any: false };

    private DropTailDiscipline DropTail => dropTail ?? (discipline is null ? (DropTailDiscipline)From.QueueDiscipline : throw new InvalidOperationException(
        $"{From} queues with a {discipline.GetType().Name}: the queue limits of a cable direction configure the default drop-tail queue; configure the port's QueueDiscipline instead."));

    /// <inheritdoc/>
    public override string ToString() => $"{From} -> {To}";

    /// <summary>A frame arrives at the far port (or is lost there, when the link went down on its way).</summary>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        FrameHandle frame = FrameHandle.FromEventArgument(argument);
        inFlight--;
        if (lostInFlight > 0 || !Cable.IsUp)
        {
            lostInFlight = Math.Max(0, lostInFlight - 1);
            To.Drop(frame, DropReason.LinkDown);
            return;
        }

        To.Arrive(frame, fcsGood: kind != CorruptedArrival);
    }

    /// <summary>Takes frames from <paramref name="queue"/>, the near port's queue discipline, from now on.</summary>
    internal void UseQueue(IQueueDiscipline queue)
    {
        dropTail = queue as DropTailDiscipline;
        discipline = dropTail is null ? queue : null;
        queueContext = dropTail is null ? From.QueueContext : null;
    }

    /// <summary>Queues <paramref name="frame"/> for the wire, or drops it (counted) when the queue refuses it.</summary>
    internal bool Enqueue(FrameHandle frame)
    {
        int length = frames.GetLength(frame);
        if (dropTail is null && discipline is null)
        {
            _ = From.QueueDiscipline; // the first frame: the port makes its default drop-tail queue, and gives it to this direction
        }

        if (dropTail is not null)
        {
            if (!dropTail.Admits(length))
            {
                From.Drop(frame, DropReason.QueueFull);
                From.QueueChangedHandlers?.Invoke(From, Change(QueueChangeKind.Dropped));
                return false;
            }

            if (dropTail.Count == 0 && fullDuplex is not null && fullDuplex.IsIdle)
            {
                // Full duplex, a free wire and nothing waiting (so no event pending either):
                // the frame goes straight onto the wire, a queue of one for no time at all.
                if (From.Counters.QueuePeak == 0)
                {
                    From.Counters.QueuePeak = 1;
                }

                fullDuplex.Transmit(frame, length);
                return true;
            }

            dropTail.Add(frame, length);
        }
        else if (!queueContext!.Offer(discipline!, frame, length))
        {
            From.QueueChangedHandlers?.Invoke(From, Change(QueueChangeKind.Dropped));
            return false;
        }

        int queued = QueuedFrames;
        if (queued > From.Counters.QueuePeak)
        {
            From.Counters.QueuePeak = queued;
        }

        From.QueueChangedHandlers?.Invoke(From, Change(QueueChangeKind.Enqueued));
        if (fullDuplex is not null)
        {
            fullDuplex.OnQueued();
        }
        else
        {
            halfDuplex!.OnQueued();
        }

        return true;
    }

    /// <summary>The next frame of the queue, and its length; false when the queue is empty.</summary>
    internal bool TryDequeue(out FrameHandle frame, out int length) => TryTake(out frame, out length, QueueChangeKind.Dequeued);

    // Takes the next frame, telling the port's queue listeners it left as `kind` (dequeued to be sent, or dropped).
    private bool TryTake(out FrameHandle frame, out int length, QueueChangeKind kind)
    {
        if (dropTail is not null)
        {
            if (dropTail.Count == 0)
            {
                frame = default;
                length = 0;
                return false;
            }

            frame = dropTail.Take(out length);
            From.QueueChangedHandlers?.Invoke(From, Change(kind));
            return true;
        }

        if (discipline is null)
        {
            frame = default; // no frame was ever queued: the default queue is not made yet
            length = 0;
            return false;
        }

        if (From.QueueChangedHandlers is null)
        {
            return queueContext!.TryTake(discipline!, out frame, out length); // nobody listens: no counting either
        }

        int before = discipline!.Count;
        bool taken = queueContext!.TryTake(discipline, out frame, out length);
        if (taken || discipline.Count != before)
        {
            From.QueueChangedHandlers?.Invoke(From, Change(taken ? kind : QueueChangeKind.Dropped));
        }

        return taken;
    }

    /// <summary>
    /// The cable went down: queued frames are dropped, the frame being sent is lost, and
    /// frames on the wire are lost when they would have arrived.
    /// </summary>
    internal void GoDown()
    {
        while (TryTake(out FrameHandle queued, out _, QueueChangeKind.Dropped))
        {
            From.Drop(queued, DropReason.LinkDown);
        }

        lostInFlight = inFlight;
        if (fullDuplex is not null)
        {
            fullDuplex.GoDown();
        }
        else
        {
            halfDuplex!.GoDown();
        }
    }

    /// <summary>A hub repeats a frame: its bits go out as they come in, with no queue and no serialization of their own.</summary>
    internal void Repeat(FrameHandle frame)
    {
        From.OnTransmitStart(frame, frames.GetLength(frame));
        Launch(frame, Cable.Delay, corrupted: false);
    }

    /// <summary>
    /// A hub repeats a frame that the station at the far end will drop as not for it: counts
    /// at once what its arrival would count there, without copying the frame or scheduling
    /// its arrival (see the Ethernet layer's <c>Hub</c>). Only for a direction whose error model does nothing (<see cref="IsPerfect"/>).
    /// </summary>
    internal void RepeatIgnored(FrameHandle frame, int length)
    {
        From.OnTransmitStart(frame, length);
        framesStarted++; // numbered as if sent, for an error model set later
        To.CountArrivedAndDropped(length, DropReason.NotForMe);
    }

    /// <summary>
    /// A frame went out (its transmission started, and the transmitter counted it): it
    /// arrives at the far port after <paramref name="delay"/>, unless the error model decides
    /// otherwise; <paramref name="corrupted"/> when it is already garbled (a late collision).
    /// </summary>
    internal void Launch(FrameHandle frame, SimDuration delay, bool corrupted)
    {
        int kind = corrupted ? CorruptedArrival : Arrival;
        framesStarted++;
        if (errorModel is not null)
        {
            LaunchThroughErrorModel(frame, delay, kind);
            return;
        }

        Deliver(frame, delay, kind);
    }

    // The queue as it is now, for the port's QueueChanged (only made when someone listens).
    private PortQueueChange Change(QueueChangeKind kind) =>
        dropTail is not null
            ? new(simulation.Now, kind, dropTail.Count, dropTail.Bytes)
            : new(simulation.Now, kind, discipline?.Count ?? 0, discipline?.Bytes ?? 0);

    /// <summary>Preamble, frame and FCS at the cable's rate; a multiplication when the rate allows, which the common rates (10 Mb/s to 400 Gb/s) all do.</summary>
    internal SimDuration OnWire(int length) =>
        picosecondsPerByte != 0
            ? SimDuration.FromPicoseconds((PreambleLength + length + EthernetFrame.FcsLength) * picosecondsPerByte)
            : Cable.Rate.TransmissionTime(PreambleLength + length + EthernetFrame.FcsLength);

    /// <summary>The direction's random source (made at its first draw): impairments and CSMA/CD backoff draw from it in turn.</summary>
    internal RandomSource Random() => random ??= simulation.CreateRandomSource($"cable {From} -> {To}");

    // The error model decides the frame's fate: lost here (counted at the far port), garbled,
    // later, or twice (the copy is scheduled first, as it always was).
    private void LaunchThroughErrorModel(FrameHandle frame, SimDuration delay, int kind)
    {
        if (errorModel is not Impairments { Any: false })
        {
            FrameFate fate = errorModel!.Apply(frames.GetSpan(frame), framesStarted, Random());
            if (fate.IsLost)
            {
                To.Drop(frame, DropReason.LostOnCable);
                return;
            }

            if (fate.IsCorrupted)
            {
                kind = CorruptedArrival;
            }

            if (fate.ExtraDelay != SimDuration.Zero)
            {
                if (fate.ExtraDelay < SimDuration.Zero)
                {
                    throw new InvalidOperationException($"The {errorModel.GetType().Name} of {this} delayed frame {framesStarted} by {fate.ExtraDelay}: an extra delay cannot be negative.");
                }

                delay += fate.ExtraDelay;
            }

            if (fate.IsDuplicated)
            {
                Deliver(frames.Copy(frame), delay, kind);
            }
        }

        Deliver(frame, delay, kind);
    }

    // The frame arrives at the far port after `delay`: an event here, or, on a cable between
    // two partitions of a parallel run, a message to the partition of the far end.
    private void Deliver(FrameHandle frame, SimDuration delay, int kind)
    {
        if (outbox is not null)
        {
            outbox.Send(outboxDirection, sentAcross++, simulation.Now + delay, kind == CorruptedArrival, frames.GetSpan(frame));
            frames.Return(frame);
            return;
        }

        inFlight++;
        simulation.Schedule(delay, this, kind, frame.ToEventArgument());
    }

    /// <summary>
    /// From now on, frames this direction launches leave through <paramref name="partitionOutbox"/>
    /// as messages numbered <paramref name="direction"/>, to arrive in another partition of a
    /// parallel run: the far port here is only the cut cable's stand-in.
    /// </summary>
    internal void SendAcross(IPartitionOutbox partitionOutbox, int direction)
    {
        outbox = partitionOutbox;
        outboxDirection = direction;
    }

    /// <summary>
    /// A frame sent across a cut cable from another partition arrives at <see cref="To"/> at
    /// <paramref name="time"/> (a parallel run delivers it at the start of a window, before that time).
    /// </summary>
    internal void ArriveFromPartition(SimTime time, bool corrupted, ReadOnlySpan<byte> frame)
    {
        FrameHandle copy = frames.RentForOverwrite(frame.Length); // every byte is written below
        frame.CopyTo(frames.GetSpan(copy));
        inFlight++;
        simulation.ScheduleAt(time, this, corrupted ? CorruptedArrival : Arrival, copy.ToEventArgument());
    }
}
