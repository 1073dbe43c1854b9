using System.Runtime.CompilerServices;

using NetSim.Engine;

namespace NetSim.Benchmarks.Scheduler.Alternatives;

// Tried, and NetSim's EventQueue until the radix heap replaced it: a 4-ary min-heap of
// compact 16-byte keys (time, sequence << 24 | slot) with the payloads kept apart in a slot
// table, so that four sibling keys share one cache line. Cancellation clears the slot.
internal sealed class KeyHeapEventQueue
{
    /// <summary>Bits of the key word that hold the slot index.</summary>
    internal const int SlotBits = 24;

    /// <summary>The most events that can be pending at once.</summary>
    internal const int MaxPending = 1 << SlotBits;

    /// <summary>Sequence numbers run below this; on reaching it the pending events are renumbered.</summary>
    internal const ulong SequenceLimit = 1UL << (64 - SlotBits);

    private const ulong SlotMask = MaxPending - 1;
    private const int NoSlot = -1;

    private Key[] heap;
    private Slot[] slots;
    private int count;
    private int slotsInUse; // slots [0, slotsInUse) have been handed out at least once
    private int freeSlot = NoSlot; // head of the free list, linked through Slot.Argument
    private ulong nextSequence;

    public KeyHeapEventQueue(int initialCapacity = 256)
    {
        heap = new Key[initialCapacity];
        slots = new Slot[initialCapacity];
    }

    /// <summary>Events in the heap, cancelled ones included.</summary>
    public int Count => count;

    /// <summary>The time of the earliest event; only valid when <see cref="Count"/> is not zero.</summary>
    public long PeekTime => heap[0].Time;

    /// <summary>Adds an event and returns its handle.</summary>
    public EventHandle Enqueue(long time, IEventTarget target, int kind, long argument)
    {
        if (count == heap.Length)
        {
            Grow();
        }

        if (nextSequence == SequenceLimit)
        {
            Renumber();
        }

        int slotIndex = AllocateSlot();
        ref Slot slot = ref slots[slotIndex];
        slot.Target = target;
        slot.Kind = kind;
        slot.Argument = argument;

        ulong word = (nextSequence++ << SlotBits) | (uint)slotIndex;
        SiftUp(count++, new Key(time, word));
        return new EventHandle(slotIndex, slot.Generation);
    }

    /// <summary>
    /// Removes the earliest event and returns its payload. The target is null when the
    /// event was cancelled.
    /// </summary>
    public IEventTarget? Dequeue(out int kind, out long argument)
    {
        int slotIndex = (int)(heap[0].Word & SlotMask);
        ref Slot slot = ref slots[slotIndex];
        IEventTarget? target = slot.Target;
        kind = slot.Kind;
        argument = slot.Argument;

        // Free the slot before the event runs, so that the event can reuse it.
        slot.Target = null;
        slot.Generation = unchecked(slot.Generation + 1);
        slot.Argument = freeSlot;
        freeSlot = slotIndex;

        int last = --count;
        if (last > 0)
        {
            SiftDown(heap[last]);
        }

        return target;
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

    private int AllocateSlot()
    {
        int slotIndex = freeSlot;
        if (slotIndex != NoSlot)
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

    private void Grow()
    {
        if (heap.Length >= MaxPending)
        {
            throw new InvalidOperationException(
                $"The simulation already has {MaxPending:N0} events pending, the most it can hold. " +
                "A model that schedules this many events ahead is likely scheduling in a loop that never ends.");
        }

        Array.Resize(ref heap, Math.Min(heap.Length * 2, MaxPending));
    }

    // Restores the heap after a new key was placed at `hole`: moves it up past larger parents.
    private void SiftUp(int hole, Key key)
    {
        Key[] keys = heap;
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

    // Fills the hole left at the root with `key` (the former last key): moves the hole
    // down past smaller children until `key` fits.
    private void SiftDown(Key key)
    {
        Key[] keys = heap;
        int n = count;
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

    // Sequence numbers are about to run out: give the pending events fresh ones, 0..count-1,
    // in their current order. A sorted array is a valid heap. Happens once per 2^40 events.
    private void Renumber()
    {
        Span<Key> pending = heap.AsSpan(0, count);
        pending.Sort(static (a, b) => IsEarlier(a, b) ? -1 : IsEarlier(b, a) ? 1 : 0);
        for (int i = 0; i < pending.Length; i++)
        {
            pending[i] = new Key(pending[i].Time, ((ulong)i << SlotBits) | (pending[i].Word & SlotMask));
        }

        nextSequence = (ulong)count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsEarlier(Key a, Key b) => a.Time < b.Time || (a.Time == b.Time && a.Word < b.Word);

    private readonly record struct Key(long Time, ulong Word);

    private struct Slot
    {
        public IEventTarget? Target;
        public long Argument;
        public int Kind;
        public int Generation;
    }
}
