using NetSim.Engine;
// Design: the transmitter of a full-duplex cable direction. The wire is the direction's
// own, so there is nothing to sense: a frame occupies it for its serialization time, the
// next may start an inter-frame gap later, and the frame arrives when its last bit has
// crossed the cable (the direction schedules the arrival, through its error model). It keeps
// one time (when the wire is free again) and at most one event (the gap after a frame is
// over and another waits); a frame that finds the wire free and nothing queued costs no
// event of its own. The egress (CableDirection) owns the queue and calls it directly.


namespace NetSim.Links;

/// <summary>Sends the frames of a full-duplex <see cref="CableDirection"/> one after the other onto its wire.</summary>
internal sealed class FullDuplexTransmitter(CableDirection direction, Simulation simulation) : IEventTarget
{
    private SimTime wireFreeAt; // when the wire, and the gap after the last frame, are free
    private EventHandle transmitDone; // pending only while frames wait for the wire

    /// <summary>True while a frame, or the gap after it, occupies the wire.</summary>
    public bool IsTransmitting => simulation.Now < wireFreeAt;

    /// <summary>True when a frame could go onto the wire now.</summary>
    public bool IsIdle => simulation.Now >= wireFreeAt;

    /// <summary>The wire is free again: send the next frame, if one waits.</summary>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        if (direction.HasQueued)
        {
            StartNext();
        }
    }

    /// <summary>
    /// A frame joined the queue: start at once on a free wire; otherwise one event when it
    /// frees, unless one is already pending.
    /// </summary>
    public void OnQueued()
    {
        if (!simulation.IsPending(transmitDone))
        {
            if (simulation.Now >= wireFreeAt)
            {
                StartNext();
            }
            else
            {
                transmitDone = simulation.ScheduleAt(wireFreeAt, this);
            }
        }
    }

    /// <summary>Puts <paramref name="frame"/> on the free wire now; it arrives after its last bit has crossed the cable.</summary>
    public void Transmit(FrameHandle frame, int length)
    {
        SimDuration onWire = direction.OnWire(length);
        wireFreeAt = simulation.Now + onWire + direction.Gap;
        if (direction.HasQueued)
        {
            transmitDone = simulation.ScheduleAt(wireFreeAt, this);
        }

        direction.From.OnTransmitStart(frame, length);
        direction.Launch(frame, onWire + direction.Cable.Delay, corrupted: false);
    }

    /// <summary>The link went down: the signal stops here, and nothing more is sent.</summary>
    public void GoDown()
    {
        simulation.Cancel(transmitDone);
        if (wireFreeAt > simulation.Now)
        {
            wireFreeAt = simulation.Now;
        }
    }

    private void StartNext()
    {
        if (direction.TryDequeue(out FrameHandle frame, out int length))
        {
            Transmit(frame, length);
        }
    }
}
