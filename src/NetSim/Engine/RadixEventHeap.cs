using System.Diagnostics;
using System.Numerics;

using System.Runtime.CompilerServices;

namespace NetSim.Engine;

/// <summary>
/// The large form of <see cref="EventQueue"/>: a radix heap (Ahuja, Mehlhorn, Orlin and
/// Tarjan, 1990) of (time, slot) entries, which fits a discrete-event simulation because no
/// event is ever scheduled before the last one taken out.
/// </summary>
/// <remarks>
/// <para>
/// An entry with time t waits in bucket b = the position of the highest bit in which t
/// differs from <c>last</c>, the time of the last entry taken out (bucket 0 when t == last).
/// When bucket 0 is empty, the lowest non-empty bucket is scanned for its earliest time, which
/// becomes <c>last</c>, and its entries are spread into lower buckets. Every access is a
/// sequential walk through an array, which is why it beats heaps once the events no longer
/// fit in the cache (benchmarks/README.md has the measurements).
/// </para>
/// <para>
/// Equal times keep their order of insertion without sequence numbers: entries with the same
/// time are always in the same bucket, buckets are appended to in order, and spreading a
/// bucket keeps its order. Bucket 0 is a FIFO queue.
/// </para>
/// </remarks>
internal sealed class RadixEventHeap
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

    // Per bucket: its chain of chunks and its earliest time. Bucket 0 is a FIFO queue read
    // from frontOffset in its first chunk.
    private readonly Bucket[] buckets = new Bucket[BucketCount];
    private int frontOffset;
    private ulong nonEmptyBuckets; // bit b set when bucket b (b >= 1) holds entries
    private long last;
    private int count;

    public RadixEventHeap(int initialChunks = 4)
    {
        arena = new Entry[initialChunks * ChunkSize];
        nextChunk = new int[initialChunks];
        buckets.AsSpan().Fill(new Bucket { Head = None, Tail = None, Min = long.MaxValue });
    }

    /// <summary>Entries waiting.</summary>
    public int Count => count;

    /// <summary>Chunks of 256 entries the arena has made (its size).</summary>
    public int Chunks => nextChunk.Length;

    /// <summary>The time of the last entry taken out: entries before it cost a re-sort.</summary>
    public long Last => last;

    /// <summary>The earliest entry's time, without taking it or moving the base; false when there is none.</summary>
    public bool TryPeekTime(out long time)
    {
        if (count == 0)
        {
            time = 0;
            return false;
        }

        // Bucket 0 holds entries at `last`; otherwise the lowest non-empty bucket holds the earliest time.
        time = buckets[0].Head != None ? last : buckets[BitOperations.TrailingZeroCount(nonEmptyBuckets & ~1UL)].Min;
        return true;
    }

    /// <summary>Makes <paramref name="time"/> the base of an empty heap (one emptied past the clock, to be used again from there).</summary>
    public void Reset(long time)
    {
        Debug.Assert(count == 0, "only an empty heap is reset");
        last = time;
    }

    /// <summary>
    /// Adds an entry. A time before the last entry taken out is accepted too (it happens only
    /// when cancelled events at the end of a run were taken out past the clock), at the cost
    /// of re-sorting the pending entries into their buckets.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one call site each, in EventQueue: one call per event, not two
    public void Add(long time, int slot)
    {
        // unchecked: counts and indexes here are bounded by array sizes, and the Scheduler benchmark showed the checks cost about 10% (benchmarks/README.md).
        unchecked
        {
            if (time < last)
            {
                Rebase(time);
            }

            Append(BucketOf(time), new Entry(time, slot));
            count++;
        }
    }

    /// <summary>
    /// Takes out the earliest entry if its time is at or before <paramref name="limit"/>.
    /// Returns false, changing nothing, when there is no such entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one call site each, in EventQueue: one call per event, not two
    public bool TryTake(long limit, out long time, out int slot)
    {
        // unchecked: counts and indexes here are bounded by array sizes, and the Scheduler benchmark showed the checks cost about 10% (benchmarks/README.md).
        unchecked
        {
            if ((buckets[0].Head == None && (count == 0 || !TryRefillFront(limit))) || last > limit)
            {
                time = 0;
                slot = 0;
                return false;
            }

            int front = buckets[0].Head;
            slot = arena[(front << ChunkShift) + frontOffset++].Slot;
            if (front == buckets[0].Tail ? frontOffset == buckets[0].TailCount : frontOffset == ChunkSize)
            {
                buckets[0].Head = nextChunk[front];
                if (front == buckets[0].Tail)
                {
                    buckets[0].Tail = None;
                    buckets[0].Min = long.MaxValue;
                }

                FreeChunk(front);
                frontOffset = 0;
            }

            count--;
            time = last;
            return true;
        }
    }

    // 64 - lzcnt(t ^ last): 0 when t == last, else one more than the highest differing bit.
    private int BucketOf(long time) => unchecked(BucketCount - BitOperations.LeadingZeroCount((ulong)(time ^ last)));

    private void Append(int bucket, Entry entry)
    {
        // unchecked: counts and indexes here are bounded by array sizes, and the Scheduler benchmark showed the checks cost about 10% (benchmarks/README.md).
        unchecked
        {
            ref Bucket b = ref buckets[bucket];
            if (b.Tail == None)
            {
                b.Tail = b.Head = AllocateChunk();
                b.TailCount = 0;
                nonEmptyBuckets |= 1UL << bucket;
            }
            else if (b.TailCount == ChunkSize)
            {
                int next = AllocateChunk();
                nextChunk[b.Tail] = next;
                b.Tail = next;
                b.TailCount = 0;
            }

            arena[(b.Tail << ChunkShift) + b.TailCount++] = entry;
            if (entry.Time < b.Min)
            {
                b.Min = entry.Time;
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
            Bucket taken = buckets[source];
            if (taken.Min > limit)
            {
                return false; // peeking must not move `last` past the clock
            }

            last = taken.Min;
            buckets[source] = new Bucket { Head = None, Tail = None, Min = long.MaxValue };
            nonEmptyBuckets &= ~(1UL << source);
            for (int chunk = taken.Head; chunk != None;)
            {
                // The span keeps reading this chunk even if Append grows the arena meanwhile;
                // the chunk is only freed, and so reusable, once it has been read.
                ReadOnlySpan<Entry> entries = arena.AsSpan(chunk << ChunkShift, chunk == taken.Tail ? taken.TailCount : ChunkSize);
                foreach (Entry entry in entries)
                {
                    Append(BucketOf(entry.Time), entry); // always a bucket below `source`
                }

                int next = nextChunk[chunk];
                FreeChunk(chunk);
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
            for (int chunk = buckets[bucket].Head; chunk != None;)
            {
                int n = chunk == buckets[bucket].Tail ? buckets[bucket].TailCount : ChunkSize;
                pending.AddRange(arena.AsSpan((chunk << ChunkShift) + offset, n - offset));
                offset = 0;
                int next = nextChunk[chunk];
                FreeChunk(chunk);
                chunk = next;
            }

            buckets[bucket].Head = None;
            buckets[bucket].Tail = None;
            buckets[bucket].Min = long.MaxValue;
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

    private readonly record struct Entry(long Time, int Slot);

    private struct Bucket
    {
        public int Head; // first chunk, or None when empty
        public int Tail; // last chunk, where entries are appended
        public int TailCount; // entries in the last chunk
        public long Min; // earliest time in the bucket, kept as entries are appended
    }
}
