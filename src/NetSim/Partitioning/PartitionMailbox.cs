using NetSim.Engine;
using NetSim.Links;

namespace NetSim.Partitioning;

/// <summary>
/// The frames one partition sends another across their cut cables: two message buffers that
/// take turns, one written by the sending partition during a window, the other (written in the
/// window before) read by the receiving partition at the start of it. So the sender and the
/// receiver, on their own threads, never touch the same buffer, and no lock is taken.
/// </summary>
internal sealed class PartitionMailbox(ParallelSimulation owner, int source, int destination) : IPartitionOutbox
{
    private readonly MessageBuffer[] buffers = [new(), new()];

    /// <summary>The sending partition.</summary>
    public int Source => source;

    /// <summary>The receiving partition.</summary>
    public int Destination => destination;

    /// <summary>The buffer of a window's parity (see <see cref="ParallelSimulation"/>).</summary>
    public MessageBuffer Buffer(int parity) => buffers[parity];

    public void Send(int direction, long sequence, SimTime arrival, bool corrupted, ReadOnlySpan<byte> frame) =>
        buffers[owner.WritingParity].Add(arrival.Picoseconds, direction, sequence, corrupted, frame);
}

/// <summary>
/// Frames crossing a cut: each message's arrival time, cut direction and that direction's
/// sequence number, and the frame's bytes, copied into one buffer. Both arrays grow to the
/// busiest window (at most what the cut's cables carry in one lookahead) and are reused: a
/// window allocates nothing once they have grown, and they shrink again after a burst.
/// </summary>
internal sealed class MessageBuffer
{
    private const int InitialMessages = 16;
    private const int InitialBytes = 16 * 1024;
    private const int QuietWindows = 8; // windows under a quarter full before the arrays shrink
    private int quietWindows;
    private CrossMessage[] messages = new CrossMessage[InitialMessages];
    private byte[] bytes = new byte[InitialBytes];

    /// <summary>Messages held.</summary>
    public int Count { get; private set; }

    /// <summary>The earliest arrival time held; <see cref="long.MaxValue"/> when empty.</summary>
    public long EarliestTime { get; private set; } = long.MaxValue;

    /// <summary>The messages held.</summary>
    public ReadOnlySpan<CrossMessage> Messages => messages.AsSpan(0, Count);

    /// <summary>The bytes of a message's frame.</summary>
    public ReadOnlySpan<byte> FrameOf(in CrossMessage message) => bytes.AsSpan(message.Offset, message.Length);

    private int used;

    public void Add(long time, int direction, long sequence, bool corrupted, ReadOnlySpan<byte> frame)
    {
        if (Count == messages.Length)
        {
            Array.Resize(ref messages, messages.Length * 2);
        }

        if (used + frame.Length > bytes.Length)
        {
            Array.Resize(ref bytes, Math.Max(bytes.Length * 2, used + frame.Length));
        }

        messages[Count++] = new CrossMessage(time, direction, sequence, corrupted, used, frame.Length);
        frame.CopyTo(bytes.AsSpan(used));
        used += frame.Length;
        if (time < EarliestTime)
        {
            EarliestTime = time;
        }
    }

    /// <summary>Bytes the buffer holds on to (its two arrays).</summary>
    public long Capacity => (messages.Length * (long)System.Runtime.CompilerServices.Unsafe.SizeOf<CrossMessage>()) + bytes.Length;

    /// <summary>
    /// Forgets the messages, once delivered. After a burst, when the windows have filled less than
    /// a quarter of the arrays <see cref="QuietWindows"/> times running, the arrays are halved (down to
    /// their first size), so memory returns once the traffic does; a steady load, or a short lull
    /// (the end of a run call), keeps them and allocates nothing.
    /// </summary>
    public void Clear()
    {
        bool large = messages.Length > InitialMessages || bytes.Length > InitialBytes;
        quietWindows = large && Count < messages.Length / 4 && used < bytes.Length / 4 ? quietWindows + 1 : 0;
        if (quietWindows == QuietWindows)
        {
            quietWindows = 0;
            messages = new CrossMessage[Math.Max(InitialMessages, messages.Length / 2)];
            bytes = new byte[Math.Max(InitialBytes, bytes.Length / 2)];
        }

        Count = 0;
        used = 0;
        EarliestTime = long.MaxValue;
    }
}

/// <summary>A frame crossing a cut: when it arrives, through which direction (its number), that direction's count of frames before it, and where its bytes are.</summary>
internal readonly record struct CrossMessage(long Time, int Direction, long Sequence, bool Corrupted, int Offset, int Length);

/// <summary>A message on its way into its partition, and the buffer that holds its bytes.</summary>
internal readonly record struct Delivery(CrossMessage Message, MessageBuffer Buffer);

/// <summary>
/// The order messages enter their partition's queue at a window's start, the same whoever sent
/// them on whichever thread or process: by arrival time, cut direction, then sequence.
/// </summary>
internal static class DeliveryOrder
{
    /// <summary>The comparison, as a delegate made once: sorting with an <see cref="IComparer{T}"/> makes a delegate at every sort.</summary>
    public static readonly Comparison<Delivery> Comparison = Compare;

    private static int Compare(Delivery x, Delivery y)
    {
        int c = x.Message.Time.CompareTo(y.Message.Time);
        if (c == 0)
        {
            c = x.Message.Direction.CompareTo(y.Message.Direction);
        }

        return c != 0 ? c : x.Message.Sequence.CompareTo(y.Message.Sequence);
    }
}
