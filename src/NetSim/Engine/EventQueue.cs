using System.Numerics;

namespace NetSim.Engine;

/// <summary>
/// The future event set: pending events, taken out in order of (time, scheduling order).
/// </summary>
/// <remarks>
/// <para>
/// Each event's payload (target, kind, argument) sits in a slot table; the ordering structure
/// holds only (time, slot). Cancelling an event clears its slot's target in O(1); the entry
/// is discarded when it comes out. Each slot has a generation, bumped when the slot is freed,
/// so a stale <see cref="EventHandle"/> cancels nothing.
/// </para>
/// <para>
/// The ordering structure takes one of two forms by the number of pending events, as each
/// is the faster there (benchmarks/README.md, "Scheduler"): a 4-ary heap
/// (<see cref="EventHeap"/>) while few events wait, as in most network runs (a few per link
/// and application), and a radix heap (<see cref="RadixEventHeap"/>) once many do, where a
/// heap's sift-down misses the cache at every level. The queue moves its entries from one to
/// the other, in order, when the count passes <c>largeAbove</c> upwards or falls under
/// <c>smallBelow</c>; the gap between the two keeps it from moving back and forth.
/// </para>
/// </remarks>
internal sealed class EventQueue(int largeAbove = 256, int smallBelow = 64)
{
    private const int None = -1;
    private const int TrimAboveSlots = 4096; // a slot table larger than this shrinks once the queue drains
    private const int TrimAboveChunks = 64; // a radix heap of more chunks (16,384 entries) is dropped once the queue drains

    private readonly EventHeap heap = new();
    private RadixEventHeap? radix; // made the first time the queue grows large
    private bool large; // the entries are in `radix`, else in `heap`

    private Slot[] slots = new Slot[64];
    private int slotsInUse; // slots [0, slotsInUse) have been handed out at least once
    private int freeSlot = None; // head of the free list, linked through Slot.Argument
    private int newSlotGeneration; // the generation of a slot made anew: past every generation of the slots given back

    /// <summary>Events waiting, cancelled ones included.</summary>
    public int Count => large ? radix!.Count : heap.Count;

    /// <summary>Slots the table has room for (its memory follows the most events pending at once, until a flood drains).</summary>
    public int SlotCapacity => slots.Length;

    /// <summary>True while the entries are in the radix heap (many pending), false while in the 4-ary heap.</summary>
    public bool UsesRadixHeap => large;

    /// <summary>The earliest waiting event's time (it may be a cancelled one); false when none waits.</summary>
    public bool TryPeekTime(out long time) => large ? radix!.TryPeekTime(out time) : heap.TryPeekTime(out time);

    /// <summary>Adds an event.</summary>
    public EventHandle Enqueue(long time, IEventTarget target, int kind, long argument)
    {
        int slotIndex = AllocateSlot();
        ref Slot slot = ref slots[slotIndex];
        slot.Target = target;
        slot.Kind = kind;
        slot.Argument = argument;
        if (large)
        {
            radix!.Add(time, slotIndex);
        }
        else
        {
            heap.Add(time, slotIndex);
            if (heap.Count > largeAbove)
            {
                MoveToRadix();
            }
        }

        return new EventHandle(slotIndex, slot.Generation);
    }

    /// <summary>
    /// Takes out the earliest event if its time is at or before <paramref name="limit"/>,
    /// and returns its time and payload; the target is null when the event was cancelled.
    /// Returns false, changing nothing, when there is no such event.
    /// </summary>
    public bool TryDequeue(long limit, out long time, out IEventTarget? target, out int kind, out long argument)
    {
        int slotIndex;
        if (!(large ? radix!.TryTake(limit, out time, out slotIndex) : heap.TryTake(limit, out time, out slotIndex)))
        {
            target = null;
            kind = 0;
            argument = 0;
            return false;
        }

        if (large && radix!.Count < smallBelow)
        {
            MoveToHeap(slotIndex); // only after a take: a peek past the limit changes nothing
        }

        ref Slot slot = ref slots[slotIndex];
        target = slot.Target;
        kind = slot.Kind;
        argument = slot.Argument;

        // Free the slot before the event runs, so that the event can reuse it.
        slot.Target = null;
        slot.Generation = unchecked(slot.Generation + 1);
        slot.Argument = freeSlot;
        freeSlot = slotIndex;
        if (slotsInUse > TrimAboveSlots && Count == 0)
        {
            TrimSlots(None); // a flood has drained completely: every slot is free
        }

        return true;
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

    // Both moves take the entries out in order and put them in in that order, so equal
    // times keep their scheduling order.
    private void MoveToRadix()
    {
        radix ??= new RadixEventHeap();
        while (heap.TryTake(long.MaxValue, out long time, out int slot))
        {
            radix.Add(time, slot);
        }

        large = true;
    }

    private void MoveToHeap(int takenSlot)
    {
        // Emptying the radix heap moves its base to the latest time; put it back, at or
        // before the clock, so that its next use starts from there without a re-sort.
        long last = radix!.Last;
        while (radix.TryTake(long.MaxValue, out long time, out int slot))
        {
            heap.Add(time, slot);
        }

        large = false;
        if (radix.Chunks > TrimAboveChunks)
        {
            radix = new RadixEventHeap(); // a flood made it large: give its memory back
        }

        radix.Reset(last);
        TrimSlots(takenSlot);
    }

    // After a flood of pending events has drained (the queue just went back to its small
    // form), the slot table shrinks to the highest slot still pending, so that memory
    // returns to what the run needs. The free list is made anew below that.
    // The slot of the event being taken out (if any) counts as pending: it is freed after the move.
    private void TrimSlots(int takenSlot)
    {
        if (slotsInUse <= TrimAboveSlots)
        {
            return;
        }

        Span<int> pending = stackalloc int[heap.Count + (takenSlot == None ? 0 : 1)];
        heap.CopySlotsTo(pending);
        if (takenSlot != None)
        {
            pending[^1] = takenSlot;
        }

        pending.Sort();
        int keep = pending.IsEmpty ? 0 : pending[^1] + 1;
        if (keep > slotsInUse / 2)
        {
            return; // a long-lived event holds a high slot: little to gain, and the free list stays as it is
        }

        for (int index = keep; index < slotsInUse; index++)
        {
            newSlotGeneration = Math.Max(newSlotGeneration, unchecked(slots[index].Generation + 1)); // a handle kept from before stays dead
        }

        freeSlot = None;
        for (int index = keep - 1, next = pending.Length - 1; index >= 0; index--)
        {
            if (next >= 0 && pending[next] == index)
            {
                next--;
                continue;
            }

            slots[index].Argument = freeSlot;
            freeSlot = index;
        }

        slotsInUse = keep;
        Array.Resize(ref slots, Math.Max(64, (int)BitOperations.RoundUpToPowerOf2((uint)keep)));
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

            slots[slotsInUse].Generation = newSlotGeneration;
            return slotsInUse++;
        }
    }

    private struct Slot
    {
        public IEventTarget? Target;
        public long Argument;
        public int Kind;
        public int Generation;
    }
}
