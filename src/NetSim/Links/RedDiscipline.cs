using NetSim.Engine;
using NetSim.Tracing;

// Design: RED as Floyd and Jacobson's 1993 paper has it, with the gentle mode of
// Floyd's 2000 note and ECN marking (RFC 3168 section 5) in place of a drop. The queue is
// measured in frames, as in the paper (Linux's red counts bytes). The FIFO is a
// DropTailDiscipline held inside, called directly, so steady state allocates nothing. The
// coin flips come from the simulation's random stream named after the port, made at the first
// frame, so a run repeats exactly. The idle period starts when the queue empties at a dequeue
// (the frame then on the wire is counted as idle time: the paper's q_time, without the wait
// for its last bit); its length in typical frame times (AveragePacketSize at the cable's rate)
// is the paper's m. The count is the frames accepted since the last drop, taken before this
// frame's own increment, so the gap between drops is uniform on 1..1/p_b as the paper's
// section 7 says, and as Linux's red_action does (figure 2's pseudocode, incrementing first,
// would make the gap uniform on 1..1/p_b - 1, and drop every frame once p_b reaches 0.5).

namespace NetSim.Links;

/// <summary>
/// Random Early Detection (Floyd and Jacobson, 1993): a first-in, first-out queue that keeps
/// an exponentially weighted average of its length and, while the average lies between
/// <see cref="MinThreshold"/> and <see cref="MaxThreshold"/>, drops (or marks) arriving frames
/// with a probability that ramps from 0 to <see cref="MaxProbability"/>, spaced by the count of
/// frames since the last drop (p_a = p_b / (1 - count * p_b)).
/// </summary>
/// <remarks>
/// <para>
/// With <see cref="Gentle"/> on, the probability goes on from <see cref="MaxProbability"/> to 1
/// between <see cref="MaxThreshold"/> and twice it; beyond, every frame is dropped (or marked).
/// With it off, every frame is dropped above <see cref="MaxThreshold"/>.
/// </para>
/// <para>
/// Early drops count as <see cref="DropReason.QueueManagement"/>; a frame offered when the queue
/// holds <see cref="FrameLimit"/> frames is refused as <see cref="DropReason.QueueFull"/>. With
/// <see cref="Ecn"/> on, an ECN-capable IPv4 packet is marked Congestion Experienced and queued
/// where another would be dropped early, in every region (as Linux's red with <c>ecn</c> and
/// without <c>harddrop</c>).
/// </para>
/// <para>
/// Linux's tc-red has no defaults; these follow Floyd's recommendations: a weight of 0.002,
/// a maximum probability of 0.1, thresholds of 5 and 15 frames (max = 3 min), gentle on.
/// </para>
/// </remarks>
public sealed class RedDiscipline : IQueueDiscipline
{
    /// <summary>The <see cref="MinThreshold"/> of a new queue: 5 frames (Floyd's recommended minimum).</summary>
    public const double DefaultMinThreshold = 5;

    /// <summary>The <see cref="MaxThreshold"/> of a new queue: 15 frames, three times the minimum (Floyd's recommendation).</summary>
    public const double DefaultMaxThreshold = 15;

    /// <summary>The <see cref="MaxProbability"/> of a new queue: 0.1 (Floyd's recommendation).</summary>
    public const double DefaultMaxProbability = 0.1;

    /// <summary>The <see cref="Weight"/> of a new queue: 0.002 (Floyd and Jacobson's w_q).</summary>
    public const double DefaultWeight = 0.002;

    /// <summary>The <see cref="FrameLimit"/> of a new queue: 1,000 frames, as Linux's default txqueuelen.</summary>
    public const int DefaultFrameLimit = 1000;

    /// <summary>The <see cref="AveragePacketSize"/> of a new queue: 1,000 bytes (the avpkt of tc-red's examples).</summary>
    public const int DefaultAveragePacketSize = 1000;

    private readonly DropTailDiscipline fifo = new() { FrameLimit = int.MaxValue };
    private double minThreshold = DefaultMinThreshold;
    private double maxThreshold = DefaultMaxThreshold;
    private double maxProbability = DefaultMaxProbability;
    private double weight = DefaultWeight;
    private int frameLimit = DefaultFrameLimit;
    private int averagePacketSize = DefaultAveragePacketSize;
    private int count; // frames accepted since the last drop or mark (0 below the minimum threshold)
    private long idleSince; // picoseconds: when the queue last went empty (the paper's q_time)
    private RandomSource? random;

    /// <summary>The average queue length (frames) below which nothing is dropped (default 5).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or not below <see cref="MaxThreshold"/>.</exception>
    public double MinThreshold
    {
        get => minThreshold;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, maxThreshold);
            minThreshold = value;
        }
    }

    /// <summary>The average queue length (frames) at which the drop probability reaches <see cref="MaxProbability"/> (default 15).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not above <see cref="MinThreshold"/>.</exception>
    public double MaxThreshold
    {
        get => maxThreshold;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, minThreshold);
            maxThreshold = value;
        }
    }

    /// <summary>The drop probability at <see cref="MaxThreshold"/>, the paper's max_p (default 0.1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in (0, 1].</exception>
    public double MaxProbability
    {
        get => maxProbability;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1);
            maxProbability = value;
        }
    }

    /// <summary>The weight of the newest queue length in the average, the paper's w_q (default 0.002; 1 follows the queue itself).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in (0, 1].</exception>
    public double Weight
    {
        get => weight;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1);
            weight = value;
        }
    }

    /// <summary>Whether the probability ramps on from <see cref="MaxProbability"/> to 1 between <see cref="MaxThreshold"/> and twice it (default true).</summary>
    public bool Gentle { get; set; } = true;

    /// <summary>Whether an ECN-capable IPv4 packet is marked Congestion Experienced instead of dropped early (default true, RFC 7567 section 4.2.1; Linux's red needs its <c>ecn</c> flag).</summary>
    public bool Ecn { get; set; } = true;

    /// <summary>The most frames the queue holds, the hard limit; one more offered is refused as <see cref="DropReason.QueueFull"/> (default 1,000).</summary>
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

    /// <summary>The bytes of a typical frame: its time at the cable's rate is the unit of the idle period by which the average decays (default 1,000).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int AveragePacketSize
    {
        get => averagePacketSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            averagePacketSize = value;
        }
    }

    /// <summary>The average queue length in frames, as last computed (at the last frame offered).</summary>
    public double AverageQueue { get; private set; }

    /// <summary>The frames marked Congestion Experienced instead of dropped.</summary>
    public long MarkedFrames { get; private set; }

    /// <summary>The frames dropped early (not counting those refused at <see cref="FrameLimit"/>).</summary>
    public long EarlyDrops { get; private set; }

    /// <inheritdoc/>
    public int Count => fifo.Count;

    /// <inheritdoc/>
    public long Bytes => fifo.Bytes;

    /// <inheritdoc/>
    public bool TryEnqueue(FrameHandle frame, int length, QueueDisciplineContext context, out DropReason reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        UpdateAverage(context);
        if (Congested(context) && !(Ecn && MarkedInstead(frame, context)))
        {
            EarlyDrops++;
            reason = DropReason.QueueManagement;
            return false;
        }

        if (fifo.Count >= frameLimit)
        {
            reason = DropReason.QueueFull;
            return false;
        }

        fifo.Add(frame, length);
        reason = default;
        return true;
    }

    /// <inheritdoc/>
    public bool TryDequeue(QueueDisciplineContext context, out FrameHandle frame)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (fifo.Count == 0)
        {
            frame = default;
            return false;
        }

        frame = fifo.Take(out _);
        if (fifo.Count == 0)
        {
            idleSince = context.Now.Picoseconds;
        }

        return true;
    }

    private bool MarkedInstead(FrameHandle frame, QueueDisciplineContext context)
    {
        if (!context.TryMarkCongestionExperienced(frame))
        {
            return false;
        }

        MarkedFrames++;
        return true;
    }

    // The paper's average: an EWMA of the queue length at each arrival; after an idle period
    // of m typical frame times, avg = (1 - w_q)^m avg, as if m empty-queue arrivals had come.
    private void UpdateAverage(QueueDisciplineContext context)
    {
        if (fifo.Count > 0)
        {
            AverageQueue += weight * (fifo.Count - AverageQueue);
            return;
        }

        Cable? cable = context.Port.Cable;
        long idle = context.Now.Picoseconds - idleSince;
        if (cable is null || idle <= 0)
        {
            AverageQueue *= 1 - weight;
            return;
        }

        double m = (double)idle / cable.Rate.TransmissionTime(averagePacketSize).Picoseconds;
        AverageQueue *= Math.Pow(1 - weight, Math.Max(1, m));
    }

    // Figure 2 of the paper: whether the arriving frame is to be dropped (or marked).
    private bool Congested(QueueDisciplineContext context)
    {
        double avg = AverageQueue;
        if (avg < minThreshold)
        {
            count = 0;
            return false;
        }

        double pb;
        if (avg < maxThreshold)
        {
            pb = maxProbability * (avg - minThreshold) / (maxThreshold - minThreshold);
        }
        else if (Gentle && avg < 2 * maxThreshold)
        {
            pb = maxProbability + ((1 - maxProbability) * (avg - maxThreshold) / maxThreshold);
        }
        else
        {
            count = 0;
            return true;
        }

        // The count-based spacing, p_a = p_b / (1 - count p_b), with count the frames accepted
        // since the last drop: the gap between drops is uniform on 1..1/p_b (section 7).
        double denominator = 1 - (count * pb);
        double pa = denominator <= 0 ? 1 : pb / denominator;
        random ??= context.Port.Network.Simulation.CreateRandomSource("red " + context.Port);
        if (random.NextDouble() < pa)
        {
            count = 0;
            return true;
        }

        count++;
        return false;
    }
}
