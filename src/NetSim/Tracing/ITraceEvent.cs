using NetSim.Engine;

namespace NetSim.Tracing;

/// <summary>
/// What every trace event has: when it happened and on which device. The event types are
/// <see cref="FrameEvent"/>, <see cref="ArpEvent"/>, <see cref="IpEvent"/>,
/// <see cref="UdpEvent"/>, <see cref="TcpEvent"/> and <see cref="ApplicationEvent"/>; their
/// <c>ToString</c> is one line a learner reads.
/// </summary>
public interface ITraceEvent
{
    /// <summary>When it happened.</summary>
    SimTime Time { get; }

    /// <summary>The device (or interface, "pc1/eth0") it happened on.</summary>
    string Device { get; }
}
