using NetSim.Tracing;

// Design: the default queue discipline, and the one on the hot path of every benchmark. A
// FIFO ring of handles and their lengths, made at the first frame that has to wait and
// doubled when full (a big topology has many idle cables), that refuses a frame when it
// would pass the frame or the byte limit. The egress calls its internal members directly
// (Admits, Add, Take), not through IQueueDiscipline, so the default costs no interface call.

namespace NetSim.Links;

/// <summary>
/// The default egress queue: first in, first out, and the newest frame is dropped when the
/// queue is full (<see cref="DropReason.QueueFull"/>), by frames (<see cref="FrameLimit"/>,
/// 1,000 by default, as Linux's txqueuelen) or by bytes (<see cref="ByteLimit"/>).
/// </summary>
public sealed class DropTailDiscipline : IQueueDiscipline
{
    /// <summary>The frame limit of a new queue: 1,000, Linux's default txqueuelen.</summary>
    public const int DefaultFrameLimit = 1000;

    private FrameHandle[] queue = [];
    private int[] lengths = [];
    private int head;
    private int frameLimit = DefaultFrameLimit;
    private long byteLimit = long.MaxValue;

    /// <summary>The most frames the queue holds; one more is dropped (default 1,000).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int FrameLimit
    {
        get => frameLimit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            frameLimit = value;
        }
    }

    /// <summary>The most bytes the queue holds; a frame that would pass it is dropped (default: no byte limit).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public long ByteLimit
    {
        get => byteLimit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            byteLimit = value;
        }
    }

    /// <inheritdoc/>
    public int Count { get; private set; }

    /// <inheritdoc/>
    public long Bytes { get; private set; }

    /// <inheritdoc/>
    public bool TryEnqueue(FrameHandle frame, int length, QueueDisciplineContext context, out DropReason reason)
    {
        if (!Admits(length))
        {
            reason = DropReason.QueueFull;
            return false;
        }

        Add(frame, length);
        reason = default;
        return true;
    }

    /// <inheritdoc/>
    public bool TryDequeue(QueueDisciplineContext context, out FrameHandle frame)
    {
        if (Count == 0)
        {
            frame = default;
            return false;
        }

        frame = Take(out _);
        return true;
    }

    /// <summary>True when a frame of <paramref name="length"/> bytes fits under both limits.</summary>
    internal bool Admits(int length) => Count < frameLimit && Bytes + length <= byteLimit;

    /// <summary>Puts a frame the queue admits at its tail.</summary>
    internal void Add(FrameHandle frame, int length)
    {
        if (Count == queue.Length)
        {
            Grow();
        }

        int tail = head + Count;
        if (tail >= queue.Length)
        {
            tail -= queue.Length;
        }

        queue[tail] = frame;
        lengths[tail] = length;
        Count++;
        Bytes += length;
    }

    /// <summary>Takes the frame at the head; the queue is not empty.</summary>
    internal FrameHandle Take(out int length)
    {
        FrameHandle frame = queue[head];
        length = lengths[head];
        head = head + 1 == queue.Length ? 0 : head + 1;
        Count--;
        Bytes -= length;
        return frame;
    }

    private void Grow()
    {
        int size = Math.Max(4, queue.Length * 2);
        var larger = new FrameHandle[size];
        var largerLengths = new int[size];
        for (int i = 0; i < Count; i++)
        {
            larger[i] = queue[(head + i) % queue.Length];
            largerLengths[i] = lengths[(head + i) % lengths.Length];
        }

        queue = larger;
        lengths = largerLengths;
        head = 0;
    }
}
