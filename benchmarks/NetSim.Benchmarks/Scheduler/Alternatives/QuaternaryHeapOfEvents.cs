using NetSim.Engine;

namespace NetSim.Benchmarks.Scheduler.Alternatives;

// Tried instead of NetSim's EventQueue: a 4-ary min-heap of whole event records (time,
// sequence, target, kind, argument; 40 bytes each) ordered by (time, sequence). It has
// the engine's shape (half the depth of a binary heap) but keeps each payload next to its
// key instead of apart in a slot table, so a level's four siblings span 160 bytes
// instead of one 64-byte cache line, and every sift step moves a whole record.
internal sealed class QuaternaryHeapOfEvents
{
    private Event[] heap;
    private int count;
    private long nextSequence;

    public QuaternaryHeapOfEvents(int initialCapacity = 256) => heap = new Event[initialCapacity];

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
            int parent = (hole - 1) >> 2;
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

    // Fills the hole at the root with `item`: moves the hole down past the smallest of its
    // (up to four) children until `item` fits.
    private void SiftDown(Event item, int n)
    {
        int hole = 0;
        while (true)
        {
            int first = (hole << 2) + 1;
            if (first >= n)
            {
                break;
            }

            int best = first;
            int end = Math.Min(first + 4, n);
            for (int child = first + 1; child < end; child++)
            {
                if (IsEarlier(heap[child], heap[best]))
                {
                    best = child;
                }
            }

            if (!IsEarlier(heap[best], item))
            {
                break;
            }

            heap[hole] = heap[best];
            hole = best;
        }

        heap[hole] = item;
    }

    private static bool IsEarlier(in Event a, in Event b) =>
        a.Time < b.Time || (a.Time == b.Time && a.Sequence < b.Sequence);

    private readonly record struct Event(long Time, long Sequence, IEventTarget Target, int Kind, long Argument);
}
