namespace NetSim.Tracing;

/// <summary>
/// Listens to the trace events of a network (see <see cref="Tracer.Subscribe"/>), one method
/// per layer, in simulated-time order. Implement the methods of the layers wanted; the others
/// do nothing. A listener must not keep the spans it is given past the call.
/// </summary>
public interface ITraceListener
{
    /// <summary>A layer-2 event, with the frame's bytes (empty for events without a frame: learned, aged out, backed off).</summary>
    void OnFrame(in FrameEvent traceEvent, ReadOnlySpan<byte> frame)
    {
    }

    /// <summary>An ARP event.</summary>
    void OnArp(in ArpEvent traceEvent)
    {
    }

    /// <summary>An IPv4 event.</summary>
    void OnIp(in IpEvent traceEvent)
    {
    }

    /// <summary>A UDP event.</summary>
    void OnUdp(in UdpEvent traceEvent)
    {
    }

    /// <summary>A TCP event.</summary>
    void OnTcp(in TcpEvent traceEvent)
    {
    }

    /// <summary>An application event (DNS, HTTP).</summary>
    void OnApplication(in ApplicationEvent traceEvent)
    {
    }
}
