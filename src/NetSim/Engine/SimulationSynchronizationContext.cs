namespace NetSim.Engine;

/// <summary>
/// The synchronization context a simulation runs its events under: every continuation
/// posted to it (what follows an <c>await</c> in application code) becomes an event at the
/// current simulated time, after those already scheduled for it. So async code runs on
/// the simulation's thread, in simulated time, in a deterministic order, never on the
/// thread pool.
/// </summary>
internal sealed class SimulationSynchronizationContext(Simulation simulation) : SynchronizationContext
{
    private int runningThread;

    /// <summary>Set by the run loop: posts from any other thread are refused.</summary>
    public int RunningThread
    {
        set => runningThread = value;
    }

    /// <inheritdoc/>
    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (Environment.CurrentManagedThreadId != runningThread)
        {
            // A continuation from another thread would run at a time no one can reproduce.
            throw new InvalidOperationException(
                "A continuation was posted to the simulation from another thread. Application code must await only the simulation's own operations (Simulation.Delay, sockets), without ConfigureAwait(false) or Task.Run.");
        }

        simulation.Schedule(SimDuration.Zero, new Continuation(d, state));
    }

    /// <inheritdoc/>
    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("The simulation runs continuations as events; it cannot run one synchronously.");

    /// <inheritdoc/>
    public override SynchronizationContext CreateCopy() => this;

    private sealed class Continuation(SendOrPostCallback callback, object? state) : IEventTarget
    {
        public void OnEvent(int kind, long argument) => callback(state);

        public override string ToString() => $"continuation {callback.Method.Name}";
    }
}
