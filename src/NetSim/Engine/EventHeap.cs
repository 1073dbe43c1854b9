using System.Runtime.CompilerServices;

namespace NetSim.Engine;

/// <summary>
/// The small form of <see cref="EventQueue"/>: a 4-ary min-heap of 16-byte keys (time, then
/// order of insertion and slot in one word): a sift-down compares four siblings that lie
/// side by side, 64 bytes in all.
/// </summary>
/// <remarks>
/// Equal times come out in their order of insertion: the key's second word is a sequence
/// number above the slot index. Sequence numbers have 32 bits; when they run out, the pending
/// keys are numbered again in their order (once per 2^32 insertions).
/// </remarks>
internal sealed class EventHeap(ulong firstSequence = 0)
{
    private const int SlotBits = 32;
    private const ulong SlotMask = (1UL << SlotBits) - 1;
    /// <summary>Sequence numbers run below this; on reaching it the pending keys are numbered again.</summary>
    internal const ulong SequenceLimit = 1UL << (64 - SlotBits);

    private Key[] keys = new Key[64];
    private int count;
    private ulong nextSequence = firstSequence; // 0, but a test starts near the limit

    /// <summary>Entries waiting.</summary>
    public int Count => count;

    /// <summary>Writes the slot of every entry waiting into <paramref name="destination"/> (at least <see cref="Count"/> long), in no order.</summary>
    public void CopySlotsTo(Span<int> destination)
    {
        for (int i = 0; i < count; i++)
        {
            destination[i] = (int)(keys[i].Word & SlotMask);
        }
    }

    /// <summary>The earliest entry's time; false when there is none.</summary>
    public bool TryPeekTime(out long time)
    {
        time = count == 0 ? 0 : keys[0].Time;
        return count != 0;
    }

    /// <summary>Adds an entry, after every entry of the same time already in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one call site each, in EventQueue: one call per event, not two
    public void Add(long time, int slot)
    {
        // unchecked: indexes here are bounded by the array size (as in RadixEventHeap).
        unchecked
        {
            if (count == keys.Length)
            {
                Array.Resize(ref keys, keys.Length * 2);
            }

            if (nextSequence == SequenceLimit)
            {
                Renumber();
            }

            var key = new Key(time, (nextSequence++ << SlotBits) | (uint)slot);
            int hole = count++;
            while (hole > 0)
            {
                int parent = (hole - 1) >> 2;
                if (!IsEarlier(key, keys[parent]))
                {
                    break;
                }

                keys[hole] = keys[parent];
                hole = parent;
            }

            keys[hole] = key;
        }
    }

    /// <summary>
    /// Takes out the earliest entry if its time is at or before <paramref name="limit"/>.
    /// Returns false, changing nothing, when there is no such entry.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one call site each, in EventQueue: one call per event, not two
    public bool TryTake(long limit, out long time, out int slot)
    {
        // unchecked: indexes here are bounded by the array size (as in RadixEventHeap).
        unchecked
        {
            if (count == 0 || keys[0].Time > limit)
            {
                time = 0;
                slot = 0;
                return false;
            }

            time = keys[0].Time;
            slot = (int)(keys[0].Word & SlotMask);
            int n = --count;
            if (n > 0)
            {
                // Fill the hole at the root with the last key: move the hole down past
                // smaller children until that key fits.
                Key key = keys[n];
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
                        if (IsEarlier(keys[child], keys[best]))
                        {
                            best = child;
                        }
                    }

                    if (!IsEarlier(keys[best], key))
                    {
                        break;
                    }

                    keys[hole] = keys[best];
                    hole = best;
                }

                keys[hole] = key;
            }

            return true;
        }
    }

    private static bool IsEarlier(Key a, Key b) => a.Time < b.Time || (a.Time == b.Time && a.Word < b.Word);

    // The sequence numbers ran out: number the pending keys 0, 1, ... in their order. A sorted
    // array is a valid heap.
    private void Renumber()
    {
        Span<Key> pending = keys.AsSpan(0, count);
        pending.Sort(static (a, b) => IsEarlier(a, b) ? -1 : IsEarlier(b, a) ? 1 : 0);
        for (int i = 0; i < pending.Length; i++)
        {
            pending[i] = new Key(pending[i].Time, ((ulong)i << SlotBits) | (pending[i].Word & SlotMask));
        }

        nextSequence = (ulong)count;
    }

    private readonly record struct Key(long Time, ulong Word);
}
