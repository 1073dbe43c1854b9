using NetSim.Engine;
using NetSim.Tracing;
// Design: the transmitter of a station on a hub, IEEE 802.3 half duplex (clause 4.2.3).
// One frame at a time is the current one: it is attempted when the medium is quiet here
// (deferral and an inter-frame gap after it), and the SharedMedium tells it when another
// station's signal collides with it; then it jams, backs off a random number of slot times
// (truncated binary exponential backoff) and tries again, up to 16 attempts. A collision
// heard after the last bit left is a late collision: the frame arrives garbled. The medium
// reads the attempt's times (TransmitStart, TransmitEnd, IsSending) to decide who collides.
// Backoff draws come from the direction's random source, the one its error model draws
// from, so that the two interleave as they always have.


namespace NetSim.Links;

/// <summary>Sends the frames of a <see cref="CableDirection"/> whose far end is a hub port, with CSMA/CD on the hub's <see cref="SharedMedium"/>.</summary>
internal sealed class CsmaCdTransmitter : IEventTarget
{
    private const int GapOver = 1; // the gap after the last frame is over: start the next one
    private const int AttemptEnd = 2; // an attempt ended without being aborted
    private const int JamEnd = 3; // the jam after a collision ended
    private const int Retry = 4; // a deferral or a backoff is over: try the current frame again

    private readonly CableDirection direction;
    private readonly Simulation simulation;
    private readonly FramePool frames;
    private readonly SharedMedium medium;
    private bool transmitting; // a frame is current: waiting for the medium, on it, jamming or backing off
    private SimTime wireFreeAt; // when the gap after the last frame is over
    private EventHandle gapOver;
    private FrameHandle current;
    private bool hasCurrent;
    private int attempts;
    private bool collided;
    private bool lateCollision;
    private EventHandle endOfTransmission;
    private EventHandle retry;

    /// <summary>Makes the sending side of <paramref name="direction"/> a station on <paramref name="medium"/>.</summary>
    public CsmaCdTransmitter(CableDirection direction, Simulation simulation, SharedMedium medium)
    {
        this.direction = direction;
        this.simulation = simulation;
        this.medium = medium;
        frames = direction.From.Network.Frames;
    }

    /// <summary>The cable direction this transmitter sends on.</summary>
    public CableDirection Direction => direction;

    /// <summary>The station's cable (its rate and delay).</summary>
    public Cable Cable => direction.Cable;

    /// <summary>When the current (or last) attempt started.</summary>
    public SimTime TransmitStart { get; private set; }

    /// <summary>When the current (or last) attempt ends (or ended), jam included.</summary>
    public SimTime TransmitEnd { get; private set; }

    /// <summary>True while an attempt is on the medium.</summary>
    public bool IsSending { get; private set; }

    /// <summary>True while a frame is on the medium, waiting for it or backing off, or the gap after a frame runs.</summary>
    public bool IsTransmitting => transmitting || simulation.Now < wireFreeAt;

    /// <inheritdoc/>
    public override string ToString() => direction.ToString();

    /// <summary>Runs the station's events: the gap after a frame, the end of an attempt or of a jam, the end of a wait.</summary>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        switch (kind)
        {
            case GapOver:
                if (direction.HasQueued)
                {
                    StartNext();
                }

                return;
            case AttemptEnd:
                EndAttempt();
                return;
            case JamEnd:
                BackOff();
                return;
            case Retry:
                TryTransmit();
                return;
        }
    }

    /// <summary>A frame joined the queue: start it when no frame is current and the gap is over.</summary>
    public void OnQueued()
    {
        if (!transmitting && !simulation.IsPending(gapOver))
        {
            if (simulation.Now >= wireFreeAt)
            {
                StartNext();
            }
            else
            {
                gapOver = simulation.ScheduleAt(wireFreeAt, this, GapOver);
            }
        }
    }

    /// <summary>The link went down: the attempt's signal stops here, and the current frame is dropped.</summary>
    public void GoDown()
    {
        simulation.Cancel(gapOver);
        simulation.Cancel(endOfTransmission);
        simulation.Cancel(retry);
        transmitting = false;
        if (wireFreeAt > simulation.Now)
        {
            wireFreeAt = simulation.Now;
        }

        if (hasCurrent)
        {
            if (IsSending && TransmitEnd > simulation.Now)
            {
                TransmitEnd = simulation.Now; // the signal stops here
                medium.Cut(this, TransmitEnd);
            }

            IsSending = false;
            hasCurrent = false;
            direction.From.Drop(current, DropReason.LinkDown);
        }
    }

    /// <summary>Another station's signal reaches this one at <paramref name="detectedAt"/> while it sends: jam, then back off.</summary>
    public void Collide(SimTime detectedAt)
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

        Port from = direction.From;
        if (!collided && from.Network.Tracer.IsOn)
        {
            FrameTrace.Raise(from.Network, from.DeviceName, from.Number, FrameEventKind.Collided, frames.GetSpan(current));
        }

        bool first = !collided;
        collided = true;
        simulation.Cancel(endOfTransmission);
        TransmitEnd = jamEnd;
        medium.Cut(this, jamEnd);
        endOfTransmission = simulation.ScheduleAt(jamEnd, this, JamEnd);
        if (first)
        {
            medium.CountCollision(); // after the jam is set, so an observer sees this attempt collided
        }
    }

    private void StartNext()
    {
        if (!direction.TryDequeue(out current, out _))
        {
            return; // a queue discipline dropped what it held
        }

        hasCurrent = true;
        attempts = 0;
        transmitting = true;
        TryTransmit();
    }

    // Carrier sense, then transmit (IEEE 802.3, 4.2.3.2): defer while the medium is busy here,
    // and start an inter-frame gap after it goes quiet.
    private void TryTransmit()
    {
        SimTime now = simulation.Now;
        if (medium.BusyUntil(this, now) is SimTime busyUntil)
        {
            retry = simulation.ScheduleAt(busyUntil + direction.Gap, this, Retry);
            return;
        }

        SimDuration onWire = direction.OnWire(frames.GetLength(current));
        TransmitStart = now;
        TransmitEnd = now + onWire;
        IsSending = true;
        collided = false;
        lateCollision = false;
        medium.Start(this, now);
        if (!collided)
        {
            // Scheduled after the medium was checked: a frame that collides at once never
            // gets an end of its own to cancel (Collide scheduled the end of its jam).
            endOfTransmission = simulation.Schedule(onWire, this, AttemptEnd);
        }
    }

    // The whole frame went out: it reaches the hub after the cable's delay.
    private void EndAttempt()
    {
        IsSending = false;
        hasCurrent = false;
        direction.From.OnTransmitStart(current, frames.GetLength(current));
        direction.Launch(current, Cable.Delay, corrupted: lateCollision);
        EndFrame();
    }

    // Done with the current frame, sent or dropped: the next may start after the
    // inter-frame gap, by an event only when one is already waiting (OnQueued sees to a later one).
    private void EndFrame()
    {
        transmitting = false;
        wireFreeAt = simulation.Now + direction.Gap;
        if (direction.HasQueued)
        {
            gapOver = simulation.ScheduleAt(wireFreeAt, this, GapOver);
        }
    }

    // Truncated binary exponential backoff (IEEE 802.3, 4.2.3.2.5): after the n-th collision
    // wait r slot times, r uniform in [0, 2^min(n, 10)), and at least the inter-frame gap;
    // give up after 16 attempts.
    private void BackOff()
    {
        IsSending = false;
        attempts++;
        Port from = direction.From;
        if (attempts >= SharedMedium.AttemptLimit)
        {
            hasCurrent = false;
            from.Drop(current, DropReason.ExcessiveCollisions);
            EndFrame();
            return;
        }

        long slots = direction.Random().NextInt64(1L << Math.Min(attempts, SharedMedium.BackoffLimit));
        if (from.Network.Tracer.IsOn)
        {
            FrameTrace.Raise(from.Network, from.DeviceName, from.Number, FrameEventKind.BackedOff, frames.GetSpan(current));
        }

        SimDuration wait = medium.SlotTime * slots;
        retry = simulation.Schedule(wait > direction.Gap ? wait : direction.Gap, this, Retry);
    }
}
