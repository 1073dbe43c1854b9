using BenchmarkDotNet.Attributes;
using NetSim.Benchmarks.Scheduler.Alternatives;
using NetSim.Engine;

namespace NetSim.Benchmarks.Scheduler;

/// <summary>
/// The classic hold model for future event sets: <see cref="Pending"/> events are always
/// pending; each operation runs the earliest one, which schedules one new event a random
/// delay later. Results are per event (one dequeue and one enqueue).
/// </summary>
/// <remarks>
/// <para>
/// The queue starts with <see cref="Pending"/> events at times uniform in [0, T), T = 1 s,
/// and each delay is uniform in [0, 2T). Every variant draws from the same
/// <see cref="HoldRandom"/> with the same seed, so every variant runs exactly the same
/// events in the same order. Each variant keeps its queue across invocations, so the
/// warm-up iterations bring it from the initial fill to the hold model's steady state.
/// </para>
/// <para>
/// The clock advances by about T / Pending per event; at Pending = 1,000 it would leave
/// the range of a long after a few billion events, which a long run can reach. So every
/// invocation first checks the clock and, past <see cref="ClockLimit"/>, starts the queue
/// afresh at time zero. That happens at most a few times per process, only at Pending =
/// 1,000, where refilling costs microseconds against milliseconds per invocation.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class SchedulerHoldBenchmarks
{
    /// <summary>Events per benchmark invocation.</summary>
    public const int Operations = 1_000_000;

    private const long T = 1_000_000_000_000; // one second in picoseconds
    private const long MaxDelay = 2 * T;
    private const ulong Seed = 42;

    // Past this, one more invocation (at most Operations * MaxDelay = 2e18 ps later) could overflow.
    private const long ClockLimit = long.MaxValue / 2;

    private static readonly IEventTarget PayloadTarget = new IdleTarget();

    // Each variant's state, kept across invocations: its queue, random numbers and clock.
    private HoldTarget? holdTarget;

    private PriorityQueue<EventPayload, EventKey>? priorityQueue;
    private HoldRandom priorityQueueRandom;
    private long priorityQueueSequence;
    private long priorityQueueNow;

    private EventQueue? eventQueue;
    private HoldRandom eventQueueRandom;
    private long eventQueueNow;

    private EventQueue? keyHeap;
    private HoldRandom keyHeapRandom;
    private long keyHeapNow;

    private BinaryHeapOfEvents? binaryHeap;
    private HoldRandom binaryHeapRandom;
    private long binaryHeapNow;

    private QuaternaryHeapOfEvents? quaternaryHeap;
    private HoldRandom quaternaryHeapRandom;
    private long quaternaryHeapNow;

    /// <summary>How many events are pending at all times.</summary>
    [Params(32, 1_000, 100_000, 1_000_000)]
    public int Pending { get; set; }

    [GlobalSetup(Targets = [nameof(NetSim), nameof(NetSimWithProgress)])]
    public void SetupNetSim()
    {
        holdTarget = new HoldTarget(new Simulation(), new HoldRandom(Seed));
        holdTarget.Fill(Pending);
    }

    [GlobalSetup(Target = nameof(BclPriorityQueue))]
    public void SetupBclPriorityQueue()
    {
        priorityQueue ??= new PriorityQueue<EventPayload, EventKey>(Pending);
        priorityQueue.Clear();
        priorityQueueRandom = new HoldRandom(Seed);
        priorityQueueSequence = 0;
        priorityQueueNow = 0;
        for (int i = 0; i < Pending; i++)
        {
            priorityQueue.Enqueue(new EventPayload(PayloadTarget, 0, i), new EventKey(priorityQueueRandom.Below(T), priorityQueueSequence++));
        }
    }

    [GlobalSetup(Target = nameof(EventQueueOnly))]
    public void SetupEventQueueOnly()
    {
        eventQueue = new EventQueue(); // a radix heap only takes times after the last one out: start afresh

        eventQueueRandom = new HoldRandom(Seed);
        eventQueueNow = 0;
        for (int i = 0; i < Pending; i++)
        {
            eventQueue.Enqueue(eventQueueRandom.Below(T), PayloadTarget, 0, i);
        }
    }

    [GlobalSetup(Target = nameof(KeyHeapOfCompactKeys))]
    public void SetupKeyHeapOfCompactKeys()
    {
        keyHeap = new EventQueue(largeAbove: int.MaxValue); // the heap form only, whatever the count
        keyHeapRandom = new HoldRandom(Seed);
        keyHeapNow = 0;
        for (int i = 0; i < Pending; i++)
        {
            keyHeap.Enqueue(keyHeapRandom.Below(T), PayloadTarget, 0, i);
        }
    }

    [GlobalSetup(Target = nameof(BinaryHeapOfEvents))]
    public void SetupBinaryHeapOfEvents()
    {
        binaryHeap ??= new BinaryHeapOfEvents();
        binaryHeap.Clear();
        binaryHeapRandom = new HoldRandom(Seed);
        binaryHeapNow = 0;
        for (int i = 0; i < Pending; i++)
        {
            binaryHeap.Enqueue(binaryHeapRandom.Below(T), PayloadTarget, 0, i);
        }
    }

    [GlobalSetup(Target = nameof(QuaternaryHeapOfEvents))]
    public void SetupQuaternaryHeapOfEvents()
    {
        quaternaryHeap ??= new QuaternaryHeapOfEvents();
        quaternaryHeap.Clear();
        quaternaryHeapRandom = new HoldRandom(Seed);
        quaternaryHeapNow = 0;
        for (int i = 0; i < Pending; i++)
        {
            quaternaryHeap.Enqueue(quaternaryHeapRandom.Below(T), PayloadTarget, 0, i);
        }
    }

    /// <summary>The real engine: <see cref="Simulation.Run()"/> delivering each event to an <see cref="IEventTarget"/> that schedules the next.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long NetSim()
    {
        if (holdTarget!.Simulation.Now.Picoseconds >= ClockLimit)
        {
            SetupNetSim();
        }

        return holdTarget.RunEvents(Operations);
    }

    /// <summary>The real engine with progress reporting on (<c>Run(progress)</c>, a report every second of wall time): what the reporting costs per event.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long NetSimWithProgress()
    {
        if (holdTarget!.Simulation.Now.Picoseconds >= ClockLimit)
        {
            SetupNetSim();
        }

        return holdTarget.RunEvents(Operations, IgnoredProgress.Instance);
    }

    /// <summary>The same loop on the BCL's <see cref="PriorityQueue{TElement, TPriority}"/>, ties broken by sequence number.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public long BclPriorityQueue()
    {
        if (priorityQueueNow >= ClockLimit)
        {
            SetupBclPriorityQueue();
        }

        PriorityQueue<EventPayload, EventKey> queue = priorityQueue!;
        HoldRandom rng = priorityQueueRandom;
        long sequence = priorityQueueSequence;
        long now = 0;
        for (int i = 0; i < Operations; i++)
        {
            queue.TryDequeue(out EventPayload payload, out EventKey key);
            now = key.Time;
            queue.Enqueue(payload, new EventKey(now + rng.Below(MaxDelay), sequence++));
        }

        priorityQueueRandom = rng;
        priorityQueueSequence = sequence;
        priorityQueueNow = now;
        return now;
    }

    /// <summary>NetSim's <see cref="EventQueue"/> driven directly, without the <see cref="Simulation"/> run loop.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long EventQueueOnly()
    {
        if (eventQueueNow >= ClockLimit)
        {
            SetupEventQueueOnly();
        }

        EventQueue queue = eventQueue!;
        HoldRandom rng = eventQueueRandom;
        long now = 0;
        for (int i = 0; i < Operations; i++)
        {
            queue.TryDequeue(long.MaxValue, out now, out IEventTarget? target, out int kind, out long argument);
            queue.Enqueue(now + rng.Below(MaxDelay), target!, kind, argument);
        }

        eventQueueRandom = rng;
        eventQueueNow = now;
        return now;
    }

    /// <summary>NetSim's <see cref="EventQueue"/> held in its heap form (a 4-ary heap of 16-byte keys, the engine's queue before the radix heap) at every count.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long KeyHeapOfCompactKeys()
    {
        if (keyHeapNow >= ClockLimit)
        {
            SetupKeyHeapOfCompactKeys();
        }

        EventQueue queue = keyHeap!;
        HoldRandom rng = keyHeapRandom;
        long now = 0;
        for (int i = 0; i < Operations; i++)
        {
            queue.TryDequeue(long.MaxValue, out now, out IEventTarget? target, out int kind, out long argument);
            queue.Enqueue(now + rng.Below(MaxDelay), target!, kind, argument);
        }

        keyHeapRandom = rng;
        keyHeapNow = now;
        return now;
    }

    /// <summary>A textbook binary heap of whole event records (Scheduler/Alternatives).</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long BinaryHeapOfEvents()
    {
        if (binaryHeapNow >= ClockLimit)
        {
            SetupBinaryHeapOfEvents();
        }

        BinaryHeapOfEvents queue = binaryHeap!;
        HoldRandom rng = binaryHeapRandom;
        long now = 0;
        for (int i = 0; i < Operations; i++)
        {
            IEventTarget target = queue.Dequeue(out now, out int kind, out long argument);
            queue.Enqueue(now + rng.Below(MaxDelay), target, kind, argument);
        }

        binaryHeapRandom = rng;
        binaryHeapNow = now;
        return now;
    }

    /// <summary>A 4-ary heap of whole event records (Scheduler/Alternatives).</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long QuaternaryHeapOfEvents()
    {
        if (quaternaryHeapNow >= ClockLimit)
        {
            SetupQuaternaryHeapOfEvents();
        }

        QuaternaryHeapOfEvents queue = quaternaryHeap!;
        HoldRandom rng = quaternaryHeapRandom;
        long now = 0;
        for (int i = 0; i < Operations; i++)
        {
            IEventTarget target = queue.Dequeue(out now, out int kind, out long argument);
            queue.Enqueue(now + rng.Below(MaxDelay), target, kind, argument);
        }

        quaternaryHeapRandom = rng;
        quaternaryHeapNow = now;
        return now;
    }

    // The BCL variant's priority and payload. The key is a value type that compares itself,
    // with no comparer given, so PriorityQueue takes its fastest path (Comparer<T>.Default,
    // devirtualized): the strongest fair baseline. Ties are broken by sequence (FIFO).
    private readonly record struct EventKey(long Time, long Sequence) : IComparable<EventKey>
    {
        public int CompareTo(EventKey other)
        {
            int byTime = Time.CompareTo(other.Time);
            return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
        }
    }

    private readonly record struct EventPayload(IEventTarget Target, int Kind, long Argument);

    // The NetSim variant's event: schedules the next event, and stops the run after the
    // invocation's count of events (Run continues where the previous invocation stopped).
    private sealed class HoldTarget(Simulation simulation, HoldRandom random) : IEventTarget
    {
        private HoldRandom random = random;
        private int remaining;

        public Simulation Simulation { get; } = simulation;

        public void Fill(int pending)
        {
            for (int i = 0; i < pending; i++)
            {
                Simulation.ScheduleAt(SimTime.FromPicoseconds(random.Below(T)), this, 0, i);
            }
        }

        public long RunEvents(int count, IProgress<SimulationProgress>? progress = null)
        {
            remaining = count;
            if (progress is null)
            {
                Simulation.Run();
            }
            else
            {
                Simulation.Run(progress);
            }

            return Simulation.Now.Picoseconds;
        }

        public void OnEvent(int kind, long argument)
        {
            Simulation.Schedule(SimDuration.FromPicoseconds(random.Below(MaxDelay)), this, kind, argument);
            if (--remaining == 0)
            {
                Simulation.Stop();
            }
        }
    }

    // The payload target of the variants without a run loop; nothing calls it.
    private sealed class IdleTarget : IEventTarget
    {
        public void OnEvent(int kind, long argument)
        {
        }
    }
}

/// <summary>Takes progress reports and does nothing with them.</summary>
internal sealed class IgnoredProgress : IProgress<SimulationProgress>
{
    public static readonly IgnoredProgress Instance = new();

    public void Report(SimulationProgress value)
    {
    }
}
