using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Links;

/// <summary>
/// One direction of a full-duplex cable: the egress queue of the port at its near end,
/// the wire, and the arrival at the far port. A frame waits its turn in the queue
/// (drop-tail when full), occupies the wire for its serialization time, and arrives when
/// its last bit has crossed the propagation delay.
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

    private const int TransmitDone = 1; // the wire (and the gap after it) is free again
    private const int Arrival = 2;
    private const int CorruptedArrival = 3;
    private const int HalfDuplexEnd = 4; // a half-duplex transmission ended without being aborted
    private const int CollisionEnd = 5; // the jam after a collision ended
    private const int Retry = 6; // a deferral or a backoff is over: try the current frame again

    private readonly Simulation simulation;
    private readonly FramePool frames;
    private readonly SimDuration gap;
    private readonly long picosecondsPerByte; // 0 when the rate does not divide 8 * 10^12 evenly
    private DropTailDiscipline? dropTail; // the port's queue when it is drop-tail, called directly
    private IQueueDiscipline? discipline; // the port's queue otherwise
    private QueueDisciplineContext? queueContext; // with discipline
    private bool transmitting; // half duplex: a frame is being attempted
    private SimTime wireFreeAt; // when the wire, and the gap after the last frame, are free
    private EventHandle transmitDone;
    private int inFlight; // arrivals scheduled and not yet happened
    private int lostInFlight; // of those, how many the link lost by going down
    private long framesStarted;
    private RandomSource? random;
    private Impairments? impairments;

    // Half-duplex state, used when the far end is a hub port (Medium is set).
    private FrameHandle current;
    private bool hasCurrent;
    private int attempts;
    private bool collided;
    private bool lateCollision;
    private EventHandle endOfTransmission;
    private EventHandle retry;

    internal CableDirection(Cable cable, Port from, Port to)
    {
        Cable = cable;
        From = from;
        To = to;
        simulation = from.Network.Simulation;
        frames = from.Network.Frames;
        gap = cable.Rate.TransmissionTime(InterFrameGap);
        long bitsPerSecond = cable.Rate.BitsPerSecond;
        picosecondsPerByte = 8_000_000_000_000 % bitsPerSecond == 0 ? 8_000_000_000_000 / bitsPerSecond : 0;
        UseQueue(from.QueueDiscipline);
    }

    /// <summary>The cable this direction belongs to.</summary>
    public Cable Cable { get; }

    /// <summary>The port frames leave from.</summary>
    public Port From { get; }

    /// <summary>The port frames arrive at.</summary>
    public Port To { get; }

    /// <summary>What goes wrong in this direction.</summary>
    public Impairments Impairments => impairments ??= new(); // made when first asked for: most cables are perfect

    /// <summary>Frames waiting in the egress queue (the one on the wire not included).</summary>
    public int QueuedFrames => dropTail is not null ? dropTail.Count : discipline!.Count;

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

    private DropTailDiscipline DropTail => dropTail ?? throw new InvalidOperationException(
        $"{From} queues with a {discipline!.GetType().Name}: the queue limits of a cable direction configure the default drop-tail queue; configure the port's QueueDiscipline instead.");

    /// <summary>True while a frame is on the wire (or, on a hub, waiting for the medium or backing off).</summary>
    public bool IsTransmitting => transmitting || simulation.Now < wireFreeAt;

    /// <summary>The collision domain this direction sends into, when its far end is a hub; null on a full-duplex link.</summary>
    internal SharedMedium? Medium { get; set; }

    /// <summary>When the current (or last) half-duplex attempt started.</summary>
    internal SimTime TransmitStart { get; private set; }

    /// <summary>When the current (or last) half-duplex attempt ends (or ended), jam included.</summary>
    internal SimTime TransmitEnd { get; private set; }

    /// <summary>True while a half-duplex transmission attempt is on the medium.</summary>
    internal bool IsSending { get; private set; }

    /// <inheritdoc/>
    public override string ToString() => $"{From} -> {To}";

    /// <summary>Runs the direction's events: a transmission ends, a frame arrives, a collision or a backoff ends.</summary>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        switch (kind)
        {
            case TransmitDone:
                if (HasQueued)
                {
                    StartNext();
                }

                return;
            case HalfDuplexEnd:
                EndHalfDuplex();
                return;
            case CollisionEnd:
                BackOff();
                return;
            case Retry:
                TryHalfDuplex();
                return;
        }

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

    internal bool Enqueue(FrameHandle frame)
    {
        int length = frames.GetLength(frame);
        if (dropTail is not null)
        {
            if (!dropTail.Admits(length))
            {
                From.Drop(frame, DropReason.QueueFull);
                return false;
            }

            if (dropTail.Count == 0 && Medium is null && simulation.Now >= wireFreeAt)
            {
                // Full duplex, a free wire and nothing waiting (so no TransmitDone pending either):
                // the frame goes straight onto the wire, a queue of one for no time at all.
                if (From.Counters.QueuePeak == 0)
                {
                    From.Counters.QueuePeak = 1;
                }

                Transmit(frame, length);
                return true;
            }

            dropTail.Add(frame, length);
        }
        else if (!EnqueueToDiscipline(frame, length))
        {
            return false;
        }

        int queued = QueuedFrames;
        if (queued > From.Counters.QueuePeak)
        {
            From.Counters.QueuePeak = queued;
        }

        if (!transmitting && !simulation.IsPending(transmitDone))
        {
            // Start at once on a free wire; otherwise one event when it frees. No event at
            // all for a frame that finds the wire free and no queue behind it.
            if (simulation.Now >= wireFreeAt)
            {
                StartNext();
            }
            else
            {
                transmitDone = simulation.ScheduleAt(wireFreeAt, this, TransmitDone);
            }
        }

        return true;
    }

    /// <summary>
    /// The cable went down: queued frames are dropped, the frame being sent is lost, and
    /// frames on the wire are lost when they would have arrived.
    /// </summary>
    internal void GoDown()
    {
        while (TryDequeue(out FrameHandle queued, out _))
        {
            From.Drop(queued, DropReason.LinkDown);
        }

        simulation.Cancel(transmitDone);
        simulation.Cancel(endOfTransmission);
        simulation.Cancel(retry);
        transmitting = false;
        if (wireFreeAt > simulation.Now)
        {
            wireFreeAt = simulation.Now; // the signal stops here
        }
        lostInFlight = inFlight;
        if (hasCurrent)
        {
            if (IsSending && TransmitEnd > simulation.Now)
            {
                TransmitEnd = simulation.Now; // the signal stops here
                Medium!.Cut(this, TransmitEnd);
            }

            IsSending = false;
            hasCurrent = false;
            From.Drop(current, DropReason.LinkDown);
        }
    }

    /// <summary>A hub repeats a frame: its bits go out as they come in, with no queue and no serialization of their own.</summary>
    internal void Repeat(FrameHandle frame)
    {
        From.OnTransmitStart(frame, frames.GetLength(frame));
        ScheduleArrival(frame, Cable.Delay, Arrival);
    }

    /// <summary>
    /// A hub repeats a frame that the station at the far end will drop as not for it: counts
    /// at once what its arrival would count there, without copying the frame or scheduling
    /// its arrival (see <see cref="Devices.Hub"/>). Only for a direction without impairments.
    /// </summary>
    internal void RepeatIgnored(FrameHandle frame, int length)
    {
        From.OnTransmitStart(frame, length);
        framesStarted++; // numbered as if sent, for Impairments.DropFrameNumbers set later
        To.CountArrivedAndDropped(length, DropReason.NotForMe);
    }

    /// <summary>True when no impairment is set on this direction: every frame arrives as sent, after the cable's delay.</summary>
    internal bool IsPerfect => impairments is not { Any: true };

    /// <summary>Another station's signal reaches this one at <paramref name="detectedAt"/> while it sends: jam, then back off.</summary>
    internal void Collide(SimTime detectedAt)
    {
        if (!IsSending)
        {
            return;
        }

        if (detectedAt >= TransmitEnd)
        {
            lateCollision = true; // the frame was already out when the other signal came: it arrives garbled
            return;
        }

        SimTime jamEnd = detectedAt + Cable.Rate.TransmissionTimeOfBits(SharedMedium.JamBits);
        if (collided && jamEnd >= TransmitEnd)
        {
            return; // already stopping sooner
        }

        if (!collided && From.Network.IsTracing)
        {
            From.Network.Trace(FrameTrace.Make(From.Network, From.DeviceName, From.Number, TraceKind.Collided, frames.GetSpan(current)));
        }

        collided = true;
        simulation.Cancel(endOfTransmission);
        TransmitEnd = jamEnd;
        Medium!.Cut(this, jamEnd);
        endOfTransmission = simulation.ScheduleAt(jamEnd, this, CollisionEnd);
    }

    private void StartNext()
    {
        if (!TryDequeue(out FrameHandle frame, out int length))
        {
            return; // a queue discipline dropped what it held
        }

        if (Medium is not null)
        {
            current = frame;
            hasCurrent = true;
            attempts = 0;
            transmitting = true;
            TryHalfDuplex();
            return;
        }

        Transmit(frame, length);
    }

    // Full duplex: the frame occupies the wire from now, and arrives after its last bit has
    // crossed the cable.
    private void Transmit(FrameHandle frame, int length)
    {
        SimDuration onWire = OnWire(length);
        wireFreeAt = simulation.Now + onWire + gap;
        if (HasQueued)
        {
            transmitDone = simulation.ScheduleAt(wireFreeAt, this, TransmitDone);
        }

        From.OnTransmitStart(frame, length);
        ScheduleArrival(frame, onWire + Cable.Delay, Arrival);
    }

    // Schedules the frame's arrival at the far end after `delay`, through the impairments.
    private void ScheduleArrival(FrameHandle frame, SimDuration delay, int kind)
    {
        framesStarted++;
        if (impairments is { Any: true })
        {
            RandomSource rng = Random();
            if (Impairments.DropFrameNumbers.Contains(framesStarted) || (Impairments.LossProbability > 0 && rng.NextBoolean(Impairments.LossProbability)))
            {
                To.Drop(frame, DropReason.LostOnCable);
                return;
            }

            Span<byte> bytes = frames.GetSpan(frame);
            if (Impairments.CorruptionProbability > 0 && !bytes.IsEmpty && rng.NextBoolean(Impairments.CorruptionProbability))
            {
                long bit = rng.NextInt64(bytes.Length * 8L);
                bytes[(int)(bit / 8)] ^= (byte)(1 << (int)(bit % 8));
                kind = CorruptedArrival;
            }

            if (Impairments.MaxJitter > SimDuration.Zero)
            {
                delay += SimDuration.FromPicoseconds(rng.NextInt64(Impairments.MaxJitter.Picoseconds + 1));
            }

            if (Impairments.DuplicationProbability > 0 && rng.NextBoolean(Impairments.DuplicationProbability))
            {
                inFlight++;
                simulation.Schedule(delay, this, kind, frames.Copy(frame).ToEventArgument());
            }
        }

        inFlight++;
        simulation.Schedule(delay, this, kind, frame.ToEventArgument());
    }

    // Carrier sense, then transmit (IEEE 802.3, 4.2.3.2): defer while the medium is busy here,
    // and start an inter-frame gap after it goes quiet.
    private void TryHalfDuplex()
    {
        SimTime now = simulation.Now;
        if (Medium!.BusyUntil(this, now) is SimTime busyUntil)
        {
            retry = simulation.ScheduleAt(busyUntil + gap, this, Retry);
            return;
        }

        SimDuration onWire = OnWire(frames.GetLength(current));
        TransmitStart = now;
        TransmitEnd = now + onWire;
        IsSending = true;
        collided = false;
        lateCollision = false;
        Medium.Start(this, now);
        if (!collided)
        {
            // Scheduled after the medium was checked: a frame that collides at once never
            // gets an end of its own to cancel (Collide scheduled the end of its jam).
            endOfTransmission = simulation.Schedule(onWire, this, HalfDuplexEnd);
        }
    }

    // The whole frame went out: it reaches the hub after the cable's delay.
    private void EndHalfDuplex()
    {
        IsSending = false;
        hasCurrent = false;
        From.OnTransmitStart(current, frames.GetLength(current));
        ScheduleArrival(current, Cable.Delay, lateCollision ? CorruptedArrival : Arrival);
        EndFrame();
    }

    // Done with the current frame, sent or dropped: the next may start after the
    // inter-frame gap, by an event only when one is already waiting (Enqueue sees to a later one).
    private void EndFrame()
    {
        transmitting = false;
        wireFreeAt = simulation.Now + gap;
        if (HasQueued)
        {
            transmitDone = simulation.ScheduleAt(wireFreeAt, this, TransmitDone);
        }
    }

    // Truncated binary exponential backoff (IEEE 802.3, 4.2.3.2.5): after the n-th collision
    // wait r slot times, r uniform in [0, 2^min(n, 10)), and at least the inter-frame gap;
    // give up after 16 attempts.
    private void BackOff()
    {
        IsSending = false;
        attempts++;
        if (attempts >= SharedMedium.AttemptLimit)
        {
            hasCurrent = false;
            From.Drop(current, DropReason.ExcessiveCollisions);
            EndFrame();
            return;
        }

        long slots = Random().NextInt64(1L << Math.Min(attempts, SharedMedium.BackoffLimit));
        if (From.Network.IsTracing)
        {
            From.Network.Trace(FrameTrace.Make(From.Network, From.DeviceName, From.Number, TraceKind.BackedOff, frames.GetSpan(current)));
        }

        SimDuration wait = Medium!.SlotTime * slots;
        retry = simulation.Schedule(wait > gap ? wait : gap, this, Retry);
    }

    // Preamble, frame and FCS at the cable's rate; a multiplication when the rate allows,
    // which the common rates (10 Mb/s to 400 Gb/s) all do.
    private SimDuration OnWire(int length) =>
        picosecondsPerByte != 0
            ? SimDuration.FromPicoseconds((PreambleLength + length + EthernetFrame.FcsLength) * picosecondsPerByte)
            : Cable.Rate.TransmissionTime(PreambleLength + length + EthernetFrame.FcsLength);

    private RandomSource Random() => random ??= simulation.CreateRandomSource($"cable {From} -> {To}");

    private bool HasQueued => dropTail is not null ? dropTail.Count > 0 : discipline!.Count > 0;

    // The next frame of the queue, and its length; false when the queue is empty.
    private bool TryDequeue(out FrameHandle frame, out int length)
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
            return true;
        }

        return DequeueFromDiscipline(out frame, out length);
    }

    // A discipline other than drop-tail: it refuses with a reason, and the port drops the frame.
    private bool EnqueueToDiscipline(FrameHandle frame, int length)
    {
        if (!discipline!.TryEnqueue(frame, length, queueContext!, out DropReason reason))
        {
            From.Drop(frame, reason);
            return false;
        }

        queueContext!.Held++;
        return true;
    }

    private bool DequeueFromDiscipline(out FrameHandle frame, out int length)
    {
        if (discipline!.TryDequeue(queueContext!, out frame))
        {
            length = frames.GetLength(frame); // also refuses a handle whose frame was returned
            queueContext!.Held--;
            return true;
        }

        length = 0;
        if (queueContext!.Held != 0)
        {
            throw new InvalidOperationException(
                $"The {discipline.GetType().Name} of {From} gave no frame but still holds {queueContext.Held} by the port's count: every frame a queue discipline accepts must leave it through TryDequeue or QueueDisciplineContext.Drop.");
        }

        return false;
    }
}
