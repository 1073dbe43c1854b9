using NetSim.Links;

namespace NetSim.Tracing;

/// <summary>Keeps every trace event of a network in memory, for tests and samples to read.</summary>
public sealed class TraceRecorder : ITraceListener
{
    private readonly List<TraceEvent> events = [];

    /// <summary>Starts recording the trace events of <paramref name="network"/>.</summary>
    public TraceRecorder(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.AddTraceListener(this);
    }

    /// <summary>The events so far, in order.</summary>
    public IReadOnlyList<TraceEvent> Events => events;

    /// <summary>Forgets the events recorded so far.</summary>
    public void Clear() => events.Clear();

    /// <inheritdoc/>
    void ITraceListener.OnTrace(in TraceEvent traceEvent) => events.Add(traceEvent);
}
