namespace NetSim.Tracing;

/// <summary>
/// Keeps every trace event of a network in memory, in order, for tests, samples and reports
/// to read (<c>recorder.Events.OfType&lt;TcpEvent&gt;()</c> picks one layer). It records
/// from its creation until it is disposed.
/// </summary>
public sealed class TraceRecorder : ITraceListener, IDisposable
{
    private readonly List<ITraceEvent> events = [];
    private readonly IDisposable subscription;

    /// <summary>Starts recording the events of <paramref name="tracer"/> (a network's <c>Tracer</c>).</summary>
    public TraceRecorder(Tracer tracer)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        subscription = tracer.Subscribe(this);
    }

    /// <summary>The events so far, in order.</summary>
    public IReadOnlyList<ITraceEvent> Events => events;

    /// <summary>Forgets the events recorded so far.</summary>
    public void Clear() => events.Clear();

    /// <summary>Stops recording; the events so far stay.</summary>
    public void Dispose() => subscription.Dispose();

    /// <inheritdoc/>
    void ITraceListener.OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame) => events.Add(traceEvent);

    /// <inheritdoc/>
    void ITraceListener.OnArp(in ArpEvent traceEvent) => events.Add(traceEvent);

    /// <inheritdoc/>
    void ITraceListener.OnIp(in IpEvent traceEvent) => events.Add(traceEvent);

    /// <inheritdoc/>
    void ITraceListener.OnUdp(in UdpEvent traceEvent) => events.Add(traceEvent);

    /// <inheritdoc/>
    void ITraceListener.OnTcp(in TcpEvent traceEvent) => events.Add(traceEvent);

    /// <inheritdoc/>
    void ITraceListener.OnApplication(in ApplicationEvent traceEvent) => events.Add(traceEvent);
}
