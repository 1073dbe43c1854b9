using NetSim.Engine;

namespace NetSim.Tracing;

/// <summary>
/// The trace events of one network: every layer raises its events here, and listeners
/// subscribe (ns-3's trace sources, in one place). While no one listens, a device tests
/// <see cref="IsOn"/> and builds nothing, so tracing costs one test per event.
/// </summary>
/// <remarks>
/// Subscriptions are undone by disposing what <see cref="Subscribe"/> returns. A listener
/// added or removed during an event takes effect from the next event on.
/// </remarks>
public sealed class Tracer
{
    private ITraceListener[] listeners = [];

    /// <summary>Creates the tracer of a network on <paramref name="simulation"/>.</summary>
    public Tracer(Simulation simulation)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        Simulation = simulation;
    }

    /// <summary>The simulation whose clock stamps the events (and whose logger factory <see cref="TraceLogger"/> uses).</summary>
    public Simulation Simulation { get; }

    /// <summary>True while someone listens; devices skip building events otherwise.</summary>
    public bool IsOn { get; private set; }

    /// <summary>Sends every trace event from now on to <paramref name="listener"/>, until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(ITraceListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        listeners = [.. listeners, listener];
        IsOn = true;
        return new Subscription(this, listener);
    }

    internal void Raise(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
    {
        foreach (ITraceListener listener in listeners)
        {
            listener.OnFrame(traceEvent, frame);
        }
    }

    internal void Raise(in ArpEvent traceEvent)
    {
        foreach (ITraceListener listener in listeners)
        {
            listener.OnArp(traceEvent);
        }
    }

    internal void Raise(in IpEvent traceEvent)
    {
        foreach (ITraceListener listener in listeners)
        {
            listener.OnIp(traceEvent);
        }
    }

    internal void Raise(in UdpEvent traceEvent)
    {
        foreach (ITraceListener listener in listeners)
        {
            listener.OnUdp(traceEvent);
        }
    }

    internal void Raise(in TcpEvent traceEvent)
    {
        foreach (ITraceListener listener in listeners)
        {
            listener.OnTcp(traceEvent);
        }
    }

    internal void Raise(in ApplicationEvent traceEvent)
    {
        foreach (ITraceListener listener in listeners)
        {
            listener.OnApplication(traceEvent);
        }
    }

    private void Unsubscribe(ITraceListener listener)
    {
        int index = Array.IndexOf(listeners, listener);
        if (index >= 0)
        {
            listeners = [.. listeners.AsSpan(0, index), .. listeners.AsSpan(index + 1)];
            IsOn = listeners.Length > 0;
        }
    }

    private sealed class Subscription(Tracer tracer, ITraceListener listener) : IDisposable
    {
        private Tracer? owner = tracer;

        public void Dispose()
        {
            owner?.Unsubscribe(listener);
            owner = null;
        }
    }
}
