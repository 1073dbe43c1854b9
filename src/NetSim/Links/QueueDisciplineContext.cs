using NetSim.Engine;
using NetSim.Tracing;
// Design: what a queue discipline may do with the port it serves, and no more: read a
// frame's bytes (to classify it), know the time (for sojourn-time algorithms), drop a
// frame it holds, which the port counts under the reason given and returns to the pool,
// and mark an ECN-capable IPv4 packet Congestion Experienced, the one write it may make.
// The egress offers and takes frames through it (Offer, TryTake), so it keeps the count of
// the frames a discipline holds and catches a discipline that loses one (see IQueueDiscipline).


namespace NetSim.Links;

/// <summary>
/// The port's side of an <see cref="IQueueDiscipline"/>: passed to every call, it lets the
/// discipline read the frames it holds and drop one with a reason.
/// </summary>
public sealed class QueueDisciplineContext
{
    internal QueueDisciplineContext(Port port) => Port = port;

    /// <summary>The port whose egress queue this is.</summary>
    public Port Port { get; }

    /// <summary>The simulation's current time (for algorithms that look at how long a frame waited).</summary>
    public SimTime Now => Port.Network.Simulation.Now;

    /// <summary>Frames the discipline accepted and has neither handed out nor dropped, as the port counts them.</summary>
    internal int Held { get; set; }

    /// <summary>The bytes of <paramref name="frame"/>, a frame the discipline holds or is offered (read-only: the frame is not the discipline's to change).</summary>
    public ReadOnlySpan<byte> GetFrame(FrameHandle frame) => Port.Network.Frames.GetSpan(frame);

    /// <summary>
    /// Drops <paramref name="frame"/>, a frame the discipline accepted earlier and still holds:
    /// the port counts it under <paramref name="reason"/>, traces it and returns it to the
    /// pool. The discipline must forget the handle. (To refuse the frame being offered, return
    /// false from <see cref="IQueueDiscipline.TryEnqueue"/> instead.)
    /// </summary>
    /// <exception cref="InvalidOperationException">The discipline holds no frame, by the port's count.</exception>
    public void Drop(FrameHandle frame, DropReason reason)
    {
        if (Held == 0)
        {
            throw new InvalidOperationException(
                $"The queue discipline of {Port} dropped {frame}, but it holds no frame: only frames it accepted and still holds are its to drop.");
        }

        Held--;
        Port.Drop(frame, reason);
    }

    /// <summary>
    /// Marks <paramref name="frame"/> (held or being offered) Congestion Experienced, as an
    /// active queue manager does instead of dropping (RFC 3168 section 5): when it is an
    /// IPv4 packet (after an 802.1Q tag, if any) whose ECN field is ECT(0) or ECT(1), sets
    /// the field to CE and updates the header checksum (RFC 1624). Returns true when the
    /// packet now carries CE (also when it already did), false when it is not ECN-capable
    /// (Not-ECT, not IPv4, or too short to be IPv4): then the frame is left as it was.
    /// </summary>
    public bool TryMarkCongestionExperienced(FrameHandle frame) => EcnField.TrySetCongestionExperienced(Port.Network.Frames.GetSpan(frame));

    /// <summary>Offers a frame to <paramref name="discipline"/>; a refused frame is dropped at the port under the discipline's reason.</summary>
    internal bool Offer(IQueueDiscipline discipline, FrameHandle frame, int length)
    {
        if (!discipline.TryEnqueue(frame, length, this, out DropReason reason))
        {
            Port.Drop(frame, reason);
            return false;
        }

        Held++;
        return true;
    }

    /// <summary>Takes the next frame from <paramref name="discipline"/>, and its length; false when it has none left.</summary>
    /// <exception cref="InvalidOperationException">The discipline has no frame to give but, by the port's count, still holds some.</exception>
    internal bool TryTake(IQueueDiscipline discipline, out FrameHandle frame, out int length)
    {
        if (discipline.TryDequeue(this, out frame))
        {
            length = Port.Network.Frames.GetLength(frame); // also refuses a handle whose frame was returned
            Held--;
            return true;
        }

        length = 0;
        if (Held != 0)
        {
            throw new InvalidOperationException(
                $"The {discipline.GetType().Name} of {Port} gave no frame but still holds {Held} by the port's count: every frame a queue discipline accepts must leave it through TryDequeue or QueueDisciplineContext.Drop.");
        }

        return false;
    }
}
