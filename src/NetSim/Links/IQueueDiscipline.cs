using NetSim.Tracing;

// Design: the egress queue of a port is an algorithm behind a small seam, as ns-3's
// QueueDisc or a Linux qdisc: the port offers each frame (TryEnqueue, which may refuse
// it with a reason) and the transmitter takes the next one when the wire is free
// (TryDequeue). Ownership is fixed so that no frame can be lost track of: a refused frame
// stays the caller's (the port drops, counts and returns it), an accepted frame is the
// discipline's until it leaves through TryDequeue or QueueDisciplineContext.Drop, and the
// discipline never returns a buffer to the pool itself. The port keeps its own count of
// the frames a discipline holds and throws when a discipline runs dry while still owing
// frames. The default, DropTailDiscipline, is called directly (not through this interface).

namespace NetSim.Links;

/// <summary>
/// The algorithm of a port's egress queue (drop-tail, priority, RED, CoDel...): which frames
/// it admits, which it drops, and in what order they go onto the wire. Set one on a port
/// with <see cref="Port.QueueDiscipline"/>; the default is a <see cref="DropTailDiscipline"/>.
/// </summary>
/// <remarks>
/// <para>
/// Frame ownership: when <see cref="TryEnqueue"/> returns false the frame stays the
/// caller's, and the port drops it under the reason given (counted at the port, and
/// returned to the pool). When it returns true the discipline holds the frame until it
/// hands it out from <see cref="TryDequeue"/> or drops it through
/// <see cref="QueueDisciplineContext.Drop"/> (at enqueue, to make room, or at dequeue). A
/// discipline never returns a frame to the pool itself.
/// </para>
/// <para>
/// The discipline must be work-conserving: <see cref="TryDequeue"/> returns false only when
/// it holds no frame (after any drops it chose to make). A discipline that runs dry while it
/// still owes frames (accepted, never handed out nor dropped) makes the port throw
/// <see cref="InvalidOperationException"/>: a leak is a bug to see, not a slow loss of buffers.
/// </para>
/// <para>
/// One instance serves one port. It is called on the simulation's thread only, and must not
/// allocate per frame if it is meant for the hot path.
/// </para>
/// </remarks>
public interface IQueueDiscipline
{
    /// <summary>The frames the discipline holds (the one on the wire not included).</summary>
    int Count { get; }

    /// <summary>The bytes of the frames the discipline holds.</summary>
    long Bytes { get; }

    /// <summary>
    /// Offers a frame of <paramref name="length"/> bytes to the queue. Returns true when the
    /// discipline took it; false, with the <paramref name="reason"/> to count, to refuse it
    /// (the port then drops it: do not drop it through the context as well).
    /// </summary>
    bool TryEnqueue(FrameHandle frame, int length, QueueDisciplineContext context, out DropReason reason);

    /// <summary>
    /// Takes the next frame to send out of the queue (ownership passes to the transmitter).
    /// Returns false only when the discipline holds no frame.
    /// </summary>
    bool TryDequeue(QueueDisciplineContext context, out FrameHandle frame);
}
