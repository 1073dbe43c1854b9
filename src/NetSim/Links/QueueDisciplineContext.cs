// Design: what a queue discipline may do with the port it serves, and no more: read a
// frame's bytes (to classify it), know the time (for sojourn-time algorithms), and drop a
// frame it holds, which the port counts under the reason given and returns to the pool.
// The port counts through it the frames a discipline holds, to catch a discipline that
// loses one (see IQueueDiscipline).

using NetSim.Engine;

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
}
