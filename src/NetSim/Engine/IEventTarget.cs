namespace NetSim.Engine;

/// <summary>
/// Something that events are delivered to on the hot path: a cable end, a switch port, a
/// TCP timer. Scheduling an event for a target stores only the target, a kind and an
/// argument, so scheduling and running it allocate nothing.
/// </summary>
/// <remarks>
/// The kind says what happened (for example "frame arrives" or "retransmission timer"),
/// the argument says to what (for example a frame buffer's handle). Their meaning is the
/// target's own: the simulation passes them through untouched.
/// </remarks>
public interface IEventTarget
{
    /// <summary>Runs the event. <see cref="Simulation.Now"/> is the event's time.</summary>
    /// <param name="kind">The kind given when the event was scheduled.</param>
    /// <param name="argument">The argument given when the event was scheduled.</param>
    void OnEvent(int kind, long argument);
}
