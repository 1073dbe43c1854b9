using NetSim.Engine;
using NetSim.Tracing;

// Design: CoDel (RFC 8289) on one FIFO: the control loop is CoDelState (shared with
// FqCoDelDiscipline), the queue a ring here. Each frame's enqueue time sits beside its handle
// and length in one ring of structs, made at the first frame that waits and doubled when full,
// so steady state allocates nothing.

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

    private CoDelState state;

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
    public bool IsDropping => state.IsDropping;

    /// <summary>
    /// Whether an ECN-capable IPv4 packet (ECT(0) or ECT(1)) is marked Congestion Experienced
    /// where CoDel would drop it (RFC 8289 section 5, RFC 3168); Not-ECT packets are dropped
    /// either way. Default true: this follows Linux's <c>fq_codel</c>, whose default is
    /// <c>ecn</c> (RFC 7567 section 4.2.1 recommends marking), not Linux's <c>codel</c> qdisc,
    /// whose default is <c>noecn</c>.
    /// </summary>
    public bool Ecn { get; set; } = true;

    /// <summary>The frames marked Congestion Experienced instead of dropped.</summary>
    public long MarkedFrames => state.Marked;

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
        var queue = new Ring(this);
        return state.Dequeue(ref queue, new CoDelParameters(target.Picoseconds, interval.Picoseconds, maxPacket, Ecn), context, out frame);
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

    // The ring as CoDel's control loop sees it.
    private readonly struct Ring(CoDelDiscipline owner) : ICoDelQueue
    {
        public long Bytes => owner.Bytes;

        public bool TryTake(out FrameHandle frame, out long enqueuedAt)
        {
            if (owner.Count == 0)
            {
                frame = default;
                enqueuedAt = 0;
                return false;
            }

            Entry entry = owner.ring[owner.head];
            owner.ring[owner.head] = default;
            owner.head = owner.head + 1 == owner.ring.Length ? 0 : owner.head + 1;
            owner.Count--;
            owner.Bytes -= entry.Length;
            frame = entry.Frame;
            enqueuedAt = entry.EnqueuedAt;
            return true;
        }
    }
}
