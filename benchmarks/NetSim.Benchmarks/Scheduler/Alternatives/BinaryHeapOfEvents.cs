using NetSim.Engine;

namespace NetSim.Benchmarks.Scheduler.Alternatives;

// Tried instead of NetSim's EventQueue: the textbook future event set, a binary min-heap
// of whole event records (time, sequence, target, kind, argument; 40 bytes each) ordered
// by (time, sequence), so events at the same time come out in the order they went in.
// Every sift step moves a whole record.
internal sealed class BinaryHeapOfEvents
{
    private Event[] heap;
    private int count;
    private long nextSequence;

    public BinaryHeapOfEvents(int initialCapacity = 256) => heap = new Event[initialCapacity];

    public int Count => count;

    // Only valid when Count is not zero.
    public long PeekTime => heap[0].Time;

    public void Enqueue(long time, IEventTarget target, int kind, long argument)
    {
        if (count == heap.Length)
        {
            Array.Resize(ref heap, heap.Length * 2);
        }

        var item = new Event(time, nextSequence++, target, kind, argument);
        int hole = count++;
        while (hole > 0)
        {
            int parent = (hole - 1) >> 1;
            if (!IsEarlier(item, heap[parent]))
            {
                break;
            }

            heap[hole] = heap[parent];
            hole = parent;
        }

        heap[hole] = item;
    }

    // Removes the earliest event; only valid when Count is not zero.
    public IEventTarget Dequeue(out long time, out int kind, out long argument)
    {
        Event top = heap[0];
        time = top.Time;
        kind = top.Kind;
        argument = top.Argument;

        int last = --count;
        Event moved = heap[last];
        heap[last] = default; // drop the reference to the target
        if (last > 0)
        {
            SiftDown(moved, last);
        }

        return top.Target;
    }

    public void Clear()
    {
        Array.Clear(heap, 0, count);
        count = 0;
    }

    // Fills the hole at the root with `item`: moves the hole down past the smaller child
    // until `item` fits.
    private void SiftDown(Event item, int n)
    {
        int hole = 0;
        while (true)
        {
            int child = (hole << 1) + 1;
            if (child >= n)
            {
                break;
            }

            if (child + 1 < n && IsEarlier(heap[child + 1], heap[child]))
            {
                child++;
            }

            if (!IsEarlier(heap[child], item))
            {
                break;
            }

            heap[hole] = heap[child];
            hole = child;
        }

        heap[hole] = item;
    }

    private static bool IsEarlier(in Event a, in Event b) =>
        a.Time < b.Time || (a.Time == b.Time && a.Sequence < b.Sequence);

    private readonly record struct Event(long Time, long Sequence, IEventTarget Target, int Kind, long Argument);
}
