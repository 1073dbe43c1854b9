using System.Globalization;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>What a station, hub, switch or shared medium did with a frame, or to its MAC table.</summary>
public enum FrameEventKind
{
    /// <summary>A station put a frame on its port.</summary>
    Sent,

    /// <summary>A station accepted a frame addressed to it.</summary>
    Received,

    /// <summary>A frame was dropped; the event's reason says why.</summary>
    Dropped,

    /// <summary>A switch learned (or moved) a MAC address on a port.</summary>
    Learned,

    /// <summary>A switch sent a frame out of every port but the one it came in on.</summary>
    Flooded,

    /// <summary>A switch sent a frame out of the one port its destination is known on.</summary>
    Forwarded,

    /// <summary>A switch dropped a frame whose destination sits on the port it came in on.</summary>
    Filtered,

    /// <summary>A switch found a MAC table entry too old and forgot it.</summary>
    AgedOut,

    /// <summary>A hub repeated a frame to every other port.</summary>
    Repeated,

    /// <summary>Two stations on a shared medium transmitted at once.</summary>
    Collided,

    /// <summary>A station on a shared medium waits a random backoff before trying again.</summary>
    BackedOff,
}

/// <summary>
/// A layer-2 trace event: what a device did with a frame (IEEE 802.3, 802.1D), at a simulated
/// time. Listeners get the frame's bytes beside it (<see cref="ITraceListener.OnFrame"/>).
/// </summary>
/// <param name="Time">When it happened.</param>
/// <param name="Device">The device's name (a NIC's is "pc1/eth0").</param>
/// <param name="Port">The port number concerned, or -1.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Source">The frame's source address (or the address learned or aged out).</param>
/// <param name="Destination">The frame's destination address.</param>
/// <param name="Length">The frame's length in bytes, or 0.</param>
/// <param name="Reason">Why a frame was dropped (only for <see cref="FrameEventKind.Dropped"/>).</param>
public readonly record struct FrameEvent(
    SimTime Time,
    string Device,
    int Port,
    FrameEventKind Kind,
    MacAddress Source,
    MacAddress Destination,
    int Length,
    DropReason? Reason = null) : ITraceEvent
{
    /// <summary>
    /// For <see cref="FrameEventKind.Flooded"/> and <see cref="FrameEventKind.Repeated"/>: the
    /// ports the frame went out of (every other port with a link up), in order; null otherwise.
    /// </summary>
    public IReadOnlyList<int>? OutPorts { get; init; }

    /// <summary>One line a learner reads: "12.345 us s1 port 3: forwarded 02:00:00:00:00:01 -> 02:00:00:00:00:02 (64 bytes)".</summary>
    public override string ToString()
    {
        string port = Port >= 0 ? string.Create(CultureInfo.InvariantCulture, $" port {Port}") : "";
        string reason = Reason is DropReason r ? $" ({r})" : "";
        string frame = Length > 0 ? string.Create(CultureInfo.InvariantCulture, $" {Source} -> {Destination} ({Length} bytes)") : $" {Source}";
        return string.Create(CultureInfo.InvariantCulture, $"{Time} {Device}{port}: {Kind.ToString().ToLowerInvariant()}{frame}{reason}");
    }
}
