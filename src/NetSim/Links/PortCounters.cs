using System.Globalization;
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

    /// <summary>The counters on one line: "received 3 frames (180 bytes), sent 2 frames (120 bytes), dropped 0, queue peak 1".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"received {FramesReceived} frames ({BytesReceived} bytes), sent {FramesSent} frames ({BytesSent} bytes), dropped {FramesDropped}, queue peak {QueuePeak}");

    /// <summary>The counters of several ports as one table, like <c>ip -s link</c>: one port a line, named in the first column (headed <paramref name="portHeader"/>).</summary>
    internal static string Format(string title, string portHeader, IEnumerable<(string Name, PortCounters Counters)> ports)
    {
        var table = new TextTable(title, portHeader, "RX frames", "RX bytes", "TX frames", "TX bytes", "Dropped", "Queue peak");
        foreach ((string name, PortCounters c) in ports)
        {
            table.Add(
                name,
                c.FramesReceived.ToString(CultureInfo.InvariantCulture),
                c.BytesReceived.ToString(CultureInfo.InvariantCulture),
                c.FramesSent.ToString(CultureInfo.InvariantCulture),
                c.BytesSent.ToString(CultureInfo.InvariantCulture),
                c.FramesDropped.ToString(CultureInfo.InvariantCulture),
                c.QueuePeak.ToString(CultureInfo.InvariantCulture));
        }

        return table.ToString();
    }

    internal void CountDrop(DropReason reason)
    {
        drops ??= new long[Enum.GetValues<DropReason>().Length];
        drops[(int)reason]++;
    }
}
