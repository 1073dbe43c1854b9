using NetSim.Engine;
using NetSim.Tracing;

// Design: CoDel (RFC 8289) as its appendix's pseudocode has it, with Linux's count memory on
// re-entry (section 5.5). Each frame's enqueue time sits beside its handle and length in one
// ring of structs, made at the first frame that waits and doubled when full, so steady state
// allocates nothing. Times are kept as picoseconds (SimTime.Picoseconds) and first_above_time
// uses 0 for "not above" as the RFC does (now + interval is never 0). The control law uses
// an exact square root (Linux approximates 1/sqrt(count) by Newton steps); it is
// deterministic, since IEEE 754 square roots are correctly rounded.

namespace NetSim.Links;

/// <summary>
/// CoDel, "Controlled Delay" active queue management (RFC 8289): a first-in, first-out queue
/// that watches how long each frame waited (its sojourn time) and, once the sojourn time has
/// stayed above <see cref="Target"/> (5 ms) for a whole <see cref="Interval"/> (100 ms), drops
/// frames at its head, ever more often (interval / sqrt(count) apart) until the sojourn time
/// falls below the target again.
/// </summary>
/// <remarks>
/// Drops at the head count as <see cref="DropReason.QueueManagement"/>. Beside them, the queue
/// refuses a frame offered when it already holds <see cref="FrameLimit"/> frames (1,000 by
/// default, as Linux's <c>codel</c> qdisc), counted as <see cref="DropReason.QueueFull"/>. While
/// the queue holds no more than <see cref="MaxPacket"/> bytes it is never judged to stand
/// (RFC 8289 section 4.2: one frame is not a standing queue).
/// </remarks>
public sealed class CoDelDiscipline : IQueueDiscipline
{
    /// <summary>The frame limit of a new queue: 1,000, as Linux's <c>codel</c> qdisc.</summary>
    public const int DefaultFrameLimit = 1000;

    /// <summary>The <see cref="MaxPacket"/> of a new queue: 1,514 bytes, an Ethernet frame with a full 1,500-byte payload.</summary>
    public const int DefaultMaxPacket = 1514;

    private Entry[] ring = [];
    private int head;
    private int frameLimit = DefaultFrameLimit;
    private int maxPacket = DefaultMaxPacket;
    private SimDuration target = DefaultTarget;
    private SimDuration interval = DefaultInterval;

    // RFC 8289 appendix A's state variables.
    private long firstAboveTime; // 0: the sojourn time is below target (or has not been above for long)
    private long dropNext;
    private int count;
    private int lastCount;
    private bool dropping;

    /// <summary>The target of a new queue: 5 ms (RFC 8289 section 4.4).</summary>
    public static SimDuration DefaultTarget => SimDuration.FromMilliseconds(5);

    /// <summary>The interval of a new queue: 100 ms (RFC 8289 section 4.5).</summary>
    public static SimDuration DefaultInterval => SimDuration.FromMilliseconds(100);

    /// <summary>The acceptable standing sojourn time (default 5 ms).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public SimDuration Target
    {
        get => target;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, SimDuration.Zero);
            target = value;
        }
    }

    /// <summary>
    /// How long the sojourn time must stay above <see cref="Target"/> before the first drop, and
    /// the base of the control law's drop spacing, interval / sqrt(count) (default 100 ms, of the
    /// order of a worst-case round-trip time).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public SimDuration Interval
    {
        get => interval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, SimDuration.Zero);
            interval = value;
        }
    }

    /// <summary>The most frames the queue holds; one more offered is refused as <see cref="DropReason.QueueFull"/> (default 1,000).</summary>
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

    /// <summary>
    /// The bytes of the largest frame: while the queue holds no more than this, it is not judged
    /// to stand, whatever the sojourn time (RFC 8289's MAXPACKET; default 1,514).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int MaxPacket
    {
        get => maxPacket;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            maxPacket = value;
        }
    }

    /// <summary>True while CoDel is in its dropping state (it has found a standing queue and not yet seen it go).</summary>
    public bool IsDropping => dropping;

    /// <inheritdoc/>
    public int Count { get; private set; }

    /// <inheritdoc/>
    public long Bytes { get; private set; }

    /// <inheritdoc/>
    public bool TryEnqueue(FrameHandle frame, int length, QueueDisciplineContext context, out DropReason reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Count >= frameLimit)
        {
            reason = DropReason.QueueFull;
            return false;
        }

        if (Count == ring.Length)
        {
            Grow();
        }

        int tail = head + Count;
        if (tail >= ring.Length)
        {
            tail -= ring.Length;
        }

        ring[tail] = new Entry(frame, length, context.Now.Picoseconds);
        Count++;
        Bytes += length;
        reason = default;
        return true;
    }

    /// <inheritdoc/>
    public bool TryDequeue(QueueDisciplineContext context, out FrameHandle frame)
    {
        ArgumentNullException.ThrowIfNull(context);
        long now = context.Now.Picoseconds;
        if (!TryTake(now, out frame, out bool okToDrop))
        {
            dropping = false;
            return false;
        }

        if (dropping)
        {
            if (!okToDrop)
            {
                dropping = false; // the sojourn time went below target: leave the dropping state
            }

            while (dropping && now >= dropNext)
            {
                context.Drop(frame, DropReason.QueueManagement);
                count++;
                if (!TryTake(now, out frame, out okToDrop))
                {
                    dropping = false;
                    return false;
                }

                if (okToDrop)
                {
                    dropNext = ControlLaw(dropNext, count);
                }
                else
                {
                    dropping = false;
                }
            }
        }
        else if (okToDrop)
        {
            context.Drop(frame, DropReason.QueueManagement);
            bool more = TryTake(now, out frame, out _);
            dropping = true;

            // RFC 8289 section 5.5: re-entering soon after the last dropping state, start from
            // the drop rate that controlled the queue then (Linux's rule, as the appendix has it).
            int delta = count - lastCount;
            count = 1;
            if (delta > 1 && now - dropNext < 16 * interval.Picoseconds)
            {
                count = delta;
            }

            dropNext = ControlLaw(now, count);
            lastCount = count;
            if (!more)
            {
                return false;
            }
        }

        return true;
    }

    // RFC 8289 section 5.4 (control law): the next drop, interval / sqrt(count) after t.
    private long ControlLaw(long t, int drops) => t + (long)(interval.Picoseconds / Math.Sqrt(drops));

    // RFC 8289 appendix A, dodequeue: takes the head frame and says whether the queue has stood
    // above target for an interval.
    private bool TryTake(long now, out FrameHandle frame, out bool okToDrop)
    {
        okToDrop = false;
        if (Count == 0)
        {
            firstAboveTime = 0; // an empty queue is below target
            frame = default;
            return false;
        }

        Entry entry = ring[head];
        ring[head] = default;
        head = head + 1 == ring.Length ? 0 : head + 1;
        Count--;
        Bytes -= entry.Length;
        frame = entry.Frame;

        long sojourn = now - entry.EnqueuedAt;
        if (sojourn < target.Picoseconds || Bytes <= maxPacket)
        {
            firstAboveTime = 0;
        }
        else if (firstAboveTime == 0)
        {
            firstAboveTime = now + interval.Picoseconds; // above target: drop if it stays so for an interval
        }
        else if (now >= firstAboveTime)
        {
            okToDrop = true;
        }

        return true;
    }

    private void Grow()
    {
        var larger = new Entry[Math.Max(4, ring.Length * 2)];
        for (int i = 0; i < Count; i++)
        {
            larger[i] = ring[(head + i) % ring.Length];
        }

        ring = larger;
        head = 0;
    }

    private readonly record struct Entry(FrameHandle Frame, int Length, long EnqueuedAt);
}
