using NetSim.Tracing;

namespace NetSim.Links;

/// <summary>What crossed a port, and what it dropped, by reason.</summary>
public sealed class PortCounters
{
    private long[]? drops; // made at the first drop

    /// <summary>Frames that left through the port (transmission started).</summary>
    public long FramesSent { get; internal set; }

    /// <summary>Bytes of the frames that left (without preamble and FCS).</summary>
    public long BytesSent { get; internal set; }

    /// <summary>Frames that arrived at the port whole and with a good FCS.</summary>
    public long FramesReceived { get; internal set; }

    /// <summary>Bytes of the frames that arrived.</summary>
    public long BytesReceived { get; internal set; }

    /// <summary>The most frames that waited in the port's egress queue at once.</summary>
    public int QueuePeak { get; internal set; }

    /// <summary>All frames dropped at this port, whatever the reason.</summary>
    public long FramesDropped => drops?.Sum() ?? 0;

    /// <summary>Frames dropped at this port for <paramref name="reason"/>.</summary>
    public long Dropped(DropReason reason) => drops?[(int)reason] ?? 0;

    internal void CountDrop(DropReason reason)
    {
        drops ??= new long[Enum.GetValues<DropReason>().Length];
        drops[(int)reason]++;
    }
}
