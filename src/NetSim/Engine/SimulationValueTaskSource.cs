using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;

namespace NetSim.Engine;

/// <summary>
/// A reusable source of <see cref="ValueTask{TResult}"/>s for operations that complete in
/// simulated time (a socket's read or write): one object per socket, not one per
/// operation, so awaiting it allocates nothing. The continuation always runs as an event
/// of its own at the time of completion, never inside the code that completed it. Each
/// task it hands out must be awaited once, as every <see cref="ValueTask"/>.
/// </summary>
/// <remarks>
/// Code that awaits with <c>ConfigureAwait(false)</c> (the BCL's own: a
/// <see cref="StreamReader"/> over a TCP stream) still resumes on the simulation's thread,
/// in that event, but with no synchronization context, as it asked. That matters: a task
/// completed where a context other than the default one is current never runs its
/// <c>ConfigureAwait(false)</c> continuations inline, it queues them to the thread pool,
/// off the simulation. Without a context they run inline, and an await further up that
/// did capture the simulation's context posts its continuation to it, as an event.
/// </remarks>
internal sealed class SimulationValueTaskSource<TResult>(Simulation simulation) : IValueTaskSource<TResult>, IValueTaskSource, IEventTarget
{
    private short version;
    private bool completed;
    private TResult? result;
    private ExceptionDispatchInfo? error;
    private Action<object?>? continuation;
    private object? continuationState;
    private bool continueWithoutContext; // awaited with ConfigureAwait(false)

    /// <summary>True between handing out a task and its completion.</summary>
    public bool IsWaiting { get; private set; }

    /// <summary>Hands out the task of the next completion.</summary>
    public ValueTask<TResult> Next()
    {
        IsWaiting = true;
        return new ValueTask<TResult>(this, version);
    }

    /// <summary>Hands out the task of the next completion, without a result.</summary>
    public ValueTask NextWithoutResult()
    {
        IsWaiting = true;
        return new ValueTask(this, version);
    }

    public void SetResult(TResult value)
    {
        result = value;
        Complete();
    }

    public void SetException(Exception exception)
    {
        error = ExceptionDispatchInfo.Capture(exception);
        Complete();
    }

    /// <inheritdoc/>
    public ValueTaskSourceStatus GetStatus(short token)
    {
        Check(token);
        return !completed ? ValueTaskSourceStatus.Pending : error is null ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Faulted;
    }

    /// <inheritdoc/>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        Check(token);
        this.continuation = continuation;
        continuationState = state;
        continueWithoutContext = (flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) == 0;
        if (completed)
        {
            simulation.Schedule(SimDuration.Zero, this);
        }
    }

    /// <inheritdoc/>
    public TResult GetResult(short token)
    {
        Check(token);
        if (!completed)
        {
            throw new InvalidOperationException("The operation has not completed: await it instead of reading its result.");
        }

        ExceptionDispatchInfo? failure = error;
        TResult value = result!;
        version = unchecked((short)(version + 1)); // ready for the next operation
        completed = false;
        error = null;
        result = default;
        failure?.Throw();
        return value;
    }

    /// <inheritdoc/>
    void IValueTaskSource.GetResult(short token) => GetResult(token);

    /// <inheritdoc/>
    void IEventTarget.OnEvent(int kind, long argument)
    {
        Action<object?>? next = continuation;
        object? state = continuationState;
        continuation = null;
        continuationState = null;
        if (next is null)
        {
            return;
        }

        if (!continueWithoutContext)
        {
            next(state);
            return;
        }

        SynchronizationContext? context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            next(state);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private void Complete()
    {
        completed = true;
        IsWaiting = false;
        if (continuation is not null)
        {
            simulation.Schedule(SimDuration.Zero, this);
        }
    }

    private void Check(short token)
    {
        if (token != version)
        {
            throw new InvalidOperationException("This ValueTask was already awaited: a socket operation's task can be awaited once.");
        }
    }
}
