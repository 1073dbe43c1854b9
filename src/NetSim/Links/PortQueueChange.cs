using NetSim.Engine;

namespace NetSim.Links;

/// <summary>What changed a port's egress queue (see <see cref="Port.QueueChanged"/>).</summary>
public enum QueueChangeKind
{
    /// <summary>A frame joined the queue (a discipline may have dropped others to make room).</summary>
    Enqueued,

    /// <summary>A frame left the queue for the wire (or was taken out as the link went down).</summary>
    Dequeued,

    /// <summary>The queue refused a frame (full, or its discipline said no), or its discipline dropped frames it held when asked for the next one.</summary>
    Dropped,
}

/// <summary>
/// A port's egress queue after a change: what happened, when, and the frames and bytes it
/// holds now (the frame on the wire not included).
/// </summary>
/// <param name="Time">When the queue changed.</param>
/// <param name="Kind">What changed it.</param>
/// <param name="Frames">The frames waiting in the queue now.</param>
/// <param name="Bytes">The bytes of those frames.</param>
public readonly record struct PortQueueChange(SimTime Time, QueueChangeKind Kind, int Frames, long Bytes);

/// <summary>What <see cref="Port.ProbeQueue"/> records of a port's egress queue.</summary>
public enum QueueMetric
{
    /// <summary>The frames waiting.</summary>
    Frames,

    /// <summary>The bytes of the frames waiting.</summary>
    Bytes,
}

/// <summary>Which of a port's traffic <see cref="Port.ProbeThroughput"/> measures.</summary>
public enum PortTraffic
{
    /// <summary>The frames the port sent.</summary>
    Sent,

    /// <summary>The frames the port received.</summary>
    Received,
}
