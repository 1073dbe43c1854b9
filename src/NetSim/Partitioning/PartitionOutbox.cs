using NetSim.Engine;
using NetSim.Links;

namespace NetSim.Partitioning;

/// <summary>
/// The frames one partition sent across cut cables during a window, waiting for the window's
/// end: each message's arrival time, cut direction and that direction's sequence number, and
/// the frame's bytes, copied into one buffer. Both grow to the busiest window and are reused,
/// so a window allocates nothing once they have grown.
/// </summary>
internal sealed class PartitionOutbox(ParallelSimulation owner) : IPartitionOutbox
{
    private CrossMessage[] messages = new CrossMessage[64];
    private byte[] bytes = new byte[64 * 1024];

    /// <summary>Messages waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes of frames waiting.</summary>
    public int Used { get; private set; }

    /// <summary>The messages waiting.</summary>
    public ReadOnlySpan<CrossMessage> Messages => messages.AsSpan(0, Count);

    /// <summary>The buffer the messages' frames are in.</summary>
    public byte[] Bytes => bytes;

    public void Send(int direction, SimTime arrival, bool corrupted, ReadOnlySpan<byte> frame)
    {
        if (Count == messages.Length)
        {
            Array.Resize(ref messages, messages.Length * 2);
        }

        if (Used + frame.Length > bytes.Length)
        {
            Array.Resize(ref bytes, Math.Max(bytes.Length * 2, Used + frame.Length));
        }

        messages[Count++] = new CrossMessage(arrival.Picoseconds, direction, owner.NextSequence(direction), corrupted, Used, frame.Length);
        frame.CopyTo(bytes.AsSpan(Used));
        Used += frame.Length;
    }

    /// <summary>Forgets the messages, once delivered.</summary>
    public void Clear()
    {
        Count = 0;
        Used = 0;
    }
}

/// <summary>A frame crossing a cut: when it arrives, through which direction (its number), that direction's count of frames before it, and where its bytes are.</summary>
internal readonly record struct CrossMessage(long Time, int Direction, long Sequence, bool Corrupted, int Offset, int Length);

/// <summary>A message on its way into its partition: the message, and which buffer holds its bytes.</summary>
internal readonly record struct Delivery(int Destination, CrossMessage Message, int Buffer);

/// <summary>
/// The order messages enter their partition's queue at a window's start, the same whoever sent
/// them on whichever thread or process: by partition, arrival time, cut direction and sequence.
/// </summary>
internal readonly struct DeliveryOrder : IComparer<Delivery>
{
    public int Compare(Delivery x, Delivery y)
    {
        int c = x.Destination.CompareTo(y.Destination);
        if (c == 0)
        {
            c = x.Message.Time.CompareTo(y.Message.Time);
        }

        if (c == 0)
        {
            c = x.Message.Direction.CompareTo(y.Message.Direction);
        }

        return c != 0 ? c : x.Message.Sequence.CompareTo(y.Message.Sequence);
    }
}
