using System.Numerics;

namespace NetSim.Engine;

/// <summary>
/// The future event set: pending events, taken out in order of (time, scheduling order).
/// </summary>
/// <remarks>
/// <para>
/// A radix heap (Ahuja, Mehlhorn, Orlin and Tarjan, 1990), which fits a discrete-event
/// simulation because no event is ever scheduled before the last one taken out. An event
/// with time t waits in bucket b = the position of the highest bit in which t differs from
/// <c>last</c>, the time of the last event taken out (bucket 0 when t == last). When bucket
/// 0 is empty, the lowest non-empty bucket is scanned for its earliest time, which becomes
/// <c>last</c>, and its events are spread into lower buckets. Every access is a sequential
/// walk through an array, which is why it beats heaps once the events no longer fit in the
/// cache (benchmarks/README.md has the measurements).
/// </para>
/// <para>
/// Equal times keep their scheduling order without sequence numbers: events with the same
/// time are always in the same bucket, buckets are appended to in scheduling order, and
/// spreading a bucket keeps its order. Bucket 0 is a FIFO queue.
/// </para>
/// <para>
/// The buckets hold only (time, slot). Each event's payload (target, kind, argument) sits
/// in a slot table. Cancelling an event clears its slot's target in O(1); the entry is
/// discarded when it comes out. Each slot has a generation, bumped when the slot is freed,
/// so a stale <see cref="EventHandle"/> cancels nothing.
/// </para>
/// </remarks>
internal sealed class EventQueue
{
    private const int BucketCount = 64; // times are non-negative longs: t ^ last < 2^63
    private const int ChunkShift = 8; // buckets are chains of 256-entry chunks from one shared arena
    private const int ChunkSize = 1 << ChunkShift;
    private const int None = -1;

    // The arena: chunk c is entries [c * ChunkSize, (c + 1) * ChunkSize). Free chunks are
    // linked through nextChunk, so memory follows the number of pending events, and once it
    // has reached its peak nothing more is allocated.
    private Entry[] arena;
    private int[] nextChunk;
    private int chunksInUse;
    private int freeChunk = None;

    // Per bucket: its first and last chunk, and how many entries the last chunk holds.
    // Bucket 0 is a FIFO queue read from frontOffset in its first chunk.
    private readonly int[] headChunk = new int[BucketCount];
    private readonly int[] tailChunk = new int[BucketCount];
    private readonly int[] tailCount = new int[BucketCount];
    private readonly long[] bucketMin = new long[BucketCount]; // earliest time in each bucket, kept on append
    private int frontOffset;
    private ulong nonEmptyBuckets; // bit b set when bucket b (b >= 1) holds entries
    private long last;
    private int count;

    private Slot[] slots;
    private int slotsInUse; // slots [0, slotsInUse) have been handed out at least once
    private int freeSlot = None; // head of the free list, linked through Slot.Argument

    public EventQueue(int initialChunks = 128)
    {
        arena = new Entry[initialChunks * ChunkSize];
        nextChunk = new int[initialChunks];
        slots = new Slot[256];
        headChunk.AsSpan().Fill(None);
        tailChunk.AsSpan().Fill(None);
        bucketMin.AsSpan().Fill(long.MaxValue);
    }

    /// <summary>Events waiting, cancelled ones included.</summary>
    public int Count => count;

    /// <summary>
    /// Adds an event. A time before the last event taken out is accepted too (it happens
    /// only when cancelled events at the end of a run were taken out past the clock), at the
    /// cost of re-sorting the pending entries into their buckets.
    /// </summary>
    public EventHandle Enqueue(long time, IEventTarget target, int kind, long argument)
    {
        // unchecked: counts and indexes here are bounded by array sizes, and the Scheduler benchmark showed the checks cost about 10% (benchmarks/README.md).
        unchecked
        {
            if (time < last)
            {
                Rebase(time);
            }

            int slotIndex = AllocateSlot();
            ref Slot slot = ref slots[slotIndex];
            slot.Target = target;
            slot.Kind = kind;
            slot.Argument = argument;

            Append(BucketOf(time), new Entry(time, slotIndex));
            count++;
            return new EventHandle(slotIndex, slot.Generation);
        }
    }

    /// <summary>
    /// Takes out the earliest event if its time is at or before <paramref name="limit"/>,
    /// and returns its time and payload; the target is null when the event was cancelled.
    /// Returns false, changing nothing, when there is no such event.
    /// </summary>
    public bool TryDequeue(long limit, out long time, out IEventTarget? target, out int kind, out long argument)
    {
        // unchecked: counts and indexes here are bounded by array sizes, and the Scheduler benchmark showed the checks cost about 10% (benchmarks/README.md).
        unchecked
        {
            if ((headChunk[0] == None && (count == 0 || !TryRefillFront(limit))) || last > limit)
            {
                time = 0;
                target = null;
                kind = 0;
                argument = 0;
                return false;
            }

            int front = headChunk[0];
            int slotIndex = arena[(front << ChunkShift) + frontOffset++].Slot;
            if (front == tailChunk[0] ? frontOffset == tailCount[0] : frontOffset == ChunkSize)
            {
                headChunk[0] = nextChunk[front];
                if (front == tailChunk[0])
                {
                    tailChunk[0] = None;
                    bucketMin[0] = long.MaxValue;
                }

                FreeChunk(front);
                frontOffset = 0;
            }

            count--;
            ref Slot slot = ref slots[slotIndex];
            time = last;
            target = slot.Target;
            kind = slot.Kind;
            argument = slot.Argument;

            // Free the slot before the event runs, so that the event can reuse it.
            slot.Target = null;
            slot.Generation = unchecked(slot.Generation + 1);
            slot.Argument = freeSlot;
            freeSlot = slotIndex;
            return true;
        }
    }

    /// <summary>Cancels a pending event. False when the handle names no pending event.</summary>
    public bool Cancel(EventHandle handle)
    {
        if (!IsPending(handle))
        {
            return false;
        }

        slots[handle.Slot].Target = null;
        return true;
    }

    /// <summary>True when the handle names an event that has neither run nor been cancelled.</summary>
    public bool IsPending(EventHandle handle)
    {
        int slotIndex = handle.Slot;
        return slotIndex >= 0 && slotIndex < slotsInUse
            && slots[slotIndex].Generation == handle.Generation
            && slots[slotIndex].Target is not null;
    }

    // 64 - lzcnt(t ^ last): 0 when t == last, else one more than the highest differing bit.
    private int BucketOf(long time) => unchecked(BucketCount - BitOperations.LeadingZeroCount((ulong)(time ^ last)));

    private void Append(int bucket, Entry entry)
    {
        // unchecked: counts and indexes here are bounded by array sizes, and the Scheduler benchmark showed the checks cost about 10% (benchmarks/README.md).
        unchecked
        {
            int tail = tailChunk[bucket];
            if (tail == None)
            {
                tail = AllocateChunk();
                headChunk[bucket] = tail;
                tailChunk[bucket] = tail;
                tailCount[bucket] = 0;
                nonEmptyBuckets |= 1UL << bucket;
            }
            else if (tailCount[bucket] == ChunkSize)
            {
                int next = AllocateChunk();
                nextChunk[tail] = next;
                tailChunk[bucket] = next;
                tailCount[bucket] = 0;
                tail = next;
            }

            arena[(tail << ChunkShift) + tailCount[bucket]++] = entry;
            if (entry.Time < bucketMin[bucket])
            {
                bucketMin[bucket] = entry.Time;
            }
        }
    }

    // Bucket 0 is empty and count > 0: the lowest non-empty bucket holds the earliest time.
    // Unless that time is after `limit`, make it `last` and spread the bucket's entries, in
    // order, into lower buckets; the earliest ones land in bucket 0.
    private bool TryRefillFront(long limit)
    {
        // unchecked: counts and indexes here are bounded by array sizes, and the Scheduler benchmark showed the checks cost about 10% (benchmarks/README.md).
        unchecked
        {
            int source = BitOperations.TrailingZeroCount(nonEmptyBuckets & ~1UL);
            long earliest = bucketMin[source];
            if (earliest > limit)
            {
                return false; // peeking must not move `last` past the clock
            }

            int first = headChunk[source];
            int lastChunk = tailChunk[source];
            int lastCount = tailCount[source];
            last = earliest;
            headChunk[source] = None;
            tailChunk[source] = None;
            bucketMin[source] = long.MaxValue;
            nonEmptyBuckets &= ~(1UL << source);
            for (int chunk = first; chunk != None;)
            {
                int n = chunk == lastChunk ? lastCount : ChunkSize;
                for (int i = 0; i < n; i++)
                {
                    Entry entry = arena[(chunk << ChunkShift) + i];
                    Append(BucketOf(entry.Time), entry); // always a bucket below `source`
                }

                int next = nextChunk[chunk];
                FreeChunk(chunk); // read to the end: lower buckets may take it now
                chunk = next;
            }

            return true;
        }
    }

    // Makes `time` (before `last`) the new base: every pending entry is put back into the
    // bucket it belongs to relative to it. Bucket by bucket, in order, so that equal times
    // (always in one bucket) keep their order. Rare, so it may allocate.
    private void Rebase(long time)
    {
        if (count == 0)
        {
            last = time; // nothing to move
            return;
        }

        var pending = new List<Entry>(count);
        for (int bucket = 0; bucket < BucketCount; bucket++)
        {
            int offset = bucket == 0 ? frontOffset : 0;
            for (int chunk = headChunk[bucket]; chunk != None;)
            {
                int n = chunk == tailChunk[bucket] ? tailCount[bucket] : ChunkSize;
                pending.AddRange(arena.AsSpan((chunk << ChunkShift) + offset, n - offset));
                offset = 0;
                int next = nextChunk[chunk];
                FreeChunk(chunk);
                chunk = next;
            }

            headChunk[bucket] = None;
            tailChunk[bucket] = None;
            bucketMin[bucket] = long.MaxValue;
        }

        frontOffset = 0;
        nonEmptyBuckets = 0;
        last = time;
        foreach (Entry entry in pending)
        {
            Append(BucketOf(entry.Time), entry);
        }
    }

    private int AllocateChunk()
    {
        // unchecked: counts and indexes here are bounded by array sizes, and the Scheduler benchmark showed the checks cost about 10% (benchmarks/README.md).
        unchecked
        {
            int chunk = freeChunk;
            if (chunk != None)
            {
                freeChunk = nextChunk[chunk];
            }
            else
            {
                if (chunksInUse == nextChunk.Length)
                {
                    Array.Resize(ref arena, arena.Length * 2);
                    Array.Resize(ref nextChunk, nextChunk.Length * 2);
                }

                chunk = chunksInUse++;
            }

            nextChunk[chunk] = None;
            return chunk;
        }
    }

    private void FreeChunk(int chunk)
    {
        nextChunk[chunk] = freeChunk;
        freeChunk = chunk;
    }

    private int AllocateSlot()
    {
        // unchecked: counts and indexes here are bounded by array sizes, and the Scheduler benchmark showed the checks cost about 10% (benchmarks/README.md).
        unchecked
        {
            int slotIndex = freeSlot;
            if (slotIndex != None)
            {
                freeSlot = (int)slots[slotIndex].Argument;
                return slotIndex;
            }

            if (slotsInUse == slots.Length)
            {
                Array.Resize(ref slots, slots.Length * 2);
            }

            return slotsInUse++;
        }
    }

    private readonly record struct Entry(long Time, int Slot);

    private struct Slot
    {
        public IEventTarget? Target;
        public long Argument;
        public int Kind;
        public int Generation;
    }
}
