using System.Buffers.Binary;
using NetSim.Engine;
using NetSim.Tracing;
using NetSim.Wire;

// Design: FQ-CoDel (RFC 8290). Frames hash to one of FlowCount queues by their IPv4 5-tuple
// (a seeded 64-bit mix, the seed drawn from the simulation's stream named after the port at
// the first frame, so runs repeat); each queue runs its own CoDelState. All queues share one
// pool of slots (frame, length, enqueue time, next) linked through arrays and a free list,
// grown by doubling when full, so steady state allocates nothing. The new and old flow lists
// are intrusive queues through the flows array. When the total limit is reached the arriving
// frame is queued and frames are dropped from the head of the fattest queue by bytes (RFC
// 8290 section 4.1.1) as Linux does: up to half its bytes, at most a batch of 64, so that the
// scan of all the queues for the fattest is paid once per batch, not at every arrival.

namespace NetSim.Links;

/// <summary>
/// FQ-CoDel, flow queueing with CoDel (RFC 8290): frames are hashed by their IPv4 5-tuple into
/// separate queues, served by deficit round robin (a <see cref="Quantum"/> of bytes per turn),
/// with queues that have just become active (new flows) served before the others, and each
/// queue managed by its own CoDel (<see cref="CoDelDiscipline"/>: target 5 ms, interval 100 ms).
/// A sparse flow (a ping, a DNS query) thus skips the queue a bulk flow builds.
/// </summary>
/// <remarks>
/// Defaults follow Linux's fq_codel: 1,024 queues, a quantum of 1,514 bytes, a limit of
/// 10,240 frames, ECN marking on, a batch of up to 64 frames (half the fattest queue's bytes)
/// dropped when the limit is reached. CoDel's drops count as <see cref="DropReason.QueueManagement"/>,
/// as do the drops from the fattest queue when the limit is reached.
/// </remarks>
public sealed class FqCoDelDiscipline : IQueueDiscipline
{
    /// <summary>The queue count of a new discipline: 1,024, as Linux.</summary>
    public const int DefaultFlowCount = 1024;

    /// <summary>The quantum of a new discipline: 1,514 bytes, one full Ethernet frame (Linux's default).</summary>
    public const int DefaultQuantum = 1514;

    /// <summary>The frame limit of a new discipline: 10,240, as Linux.</summary>
    public const int DefaultFrameLimit = 10240;

    /// <summary>The most frames dropped at once when the limit is reached: 64, as Linux's drop_batch_size.</summary>
    public const int DefaultDropBatchSize = 64;

    private const int None = -1;
    private const int OnNoList = 0;
    private const int OnNewList = 1;
    private const int OnOldList = 2;

    private readonly Flow[] flows;
    private Slot[] slots = [];
    private int freeSlot = None;
    private int usedSlots;
    private int newHead = None;
    private int newTail = None;
    private int oldHead = None;
    private int oldTail = None;
    private int quantum = DefaultQuantum;
    private int frameLimit = DefaultFrameLimit;
    private int dropBatchSize = DefaultDropBatchSize;
    private ulong seed;
    private bool seeded;
    private SimDuration target = CoDelDiscipline.DefaultTarget;
    private SimDuration interval = CoDelDiscipline.DefaultInterval;

    /// <summary>Makes the discipline with <paramref name="flowCount"/> queues (default 1,024).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="flowCount"/> is less than 1.</exception>
    public FqCoDelDiscipline(int flowCount = DefaultFlowCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(flowCount, 1);
        flows = new Flow[flowCount];
        for (int i = 0; i < flows.Length; i++)
        {
            flows[i].Head = None;
            flows[i].Tail = None;
            flows[i].ListNext = None;
        }
    }

    /// <summary>The number of flow queues.</summary>
    public int FlowCount => flows.Length;

    /// <summary>The bytes a queue may send per round of the deficit round robin (default 1,514).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int Quantum
    {
        get => quantum;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            quantum = value;
        }
    }

    /// <summary>The most frames all queues hold together; beyond it the fattest queue loses its head frame (default 10,240).</summary>
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
    /// The most frames dropped from the fattest queue when a frame arrives at the limit (default
    /// 64, as Linux's drop_batch_size): it drops until half that queue's bytes are gone or this
    /// many frames, as Linux's fq_codel_drop. 1 drops one frame per arrival (RFC 8290 4.1.1),
    /// which scans all the queues for the fattest at every arrival while the limit holds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int DropBatchSize
    {
        get => dropBatchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            dropBatchSize = value;
        }
    }

    /// <summary>Each queue's CoDel target (default 5 ms).</summary>
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

    /// <summary>Each queue's CoDel interval (default 100 ms).</summary>
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

    /// <summary>Whether CoDel marks an ECN-capable IPv4 packet Congestion Experienced instead of dropping it (default true, as Linux's fq_codel).</summary>
    public bool Ecn { get; set; } = true;

    /// <summary>The seed of the flow hash; by default drawn from the simulation's random stream for the port at the first frame.</summary>
    public ulong HashSeed
    {
        get => seed;
        set
        {
            seed = value;
            seeded = true;
        }
    }

    /// <summary>The frames marked Congestion Experienced instead of dropped.</summary>
    public long MarkedFrames { get; private set; }

    /// <summary>The frames dropped from the fattest queue because the limit was reached.</summary>
    public long OverlimitDrops { get; private set; }

    /// <inheritdoc/>
    public int Count { get; private set; }

    /// <inheritdoc/>
    public long Bytes { get; private set; }

    /// <summary>The queue <paramref name="frame"/> hashes to (for tests and tools).</summary>
    public int FlowOf(ReadOnlySpan<byte> frame) => (int)(Hash(frame) % (ulong)flows.Length);

    /// <inheritdoc/>
    public bool TryEnqueue(FrameHandle frame, int length, QueueDisciplineContext context, out DropReason reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!seeded)
        {
            seed = context.Port.Network.Simulation.CreateRandomSource("fq_codel " + context.Port).NextUInt64();
            seeded = true;
        }

        int index = FlowOf(context.GetFrame(frame));
        if (Count >= frameLimit)
        {
            // RFC 8290 section 4.1.1: drop from the head of the fattest queue, counting this frame.
            int fattest = Fattest(index, length);
            if (flows[fattest].Count == 0)
            {
                reason = DropReason.QueueFull;
                return false;
            }

            // As Linux's fq_codel_drop: half the fat queue's bytes, at most DropBatchSize frames, so that the scan for the fattest queue is made once per batch, not per frame.
            var fat = new FlowQueue(this, fattest);
            long keep = fat.Bytes - (fat.Bytes / 2);
            for (int i = 0; i < dropBatchSize && fat.Bytes > keep && fat.TryTake(out FrameHandle victim, out _); i++)
            {
                context.Drop(victim, DropReason.QueueManagement);
                OverlimitDrops++;
            }
        }

        int slot = AllocateSlot();
        slots[slot] = new Slot(frame, length, context.Now.Picoseconds, None);
        ref Flow flow = ref flows[index];
        if (flow.Tail == None)
        {
            flow.Head = slot;
        }
        else
        {
            slots[flow.Tail].Next = slot;
        }

        flow.Tail = slot;
        flow.Count++;
        flow.Bytes += length;
        Count++;
        Bytes += length;
        if (flow.List == OnNoList)
        {
            // RFC 8290 section 4.1: a queue that becomes active joins the new flows with a quantum.
            flow.Deficit = quantum;
            Append(ref newHead, ref newTail, index, OnNewList);
        }

        reason = default;
        return true;
    }

    /// <inheritdoc/>
    public bool TryDequeue(QueueDisciplineContext context, out FrameHandle frame)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = new CoDelParameters(target.Picoseconds, interval.Picoseconds, CoDelDiscipline.DefaultMaxPacket, Ecn);
        while (true)
        {
            bool fromNew = newHead != None;
            int index = fromNew ? newHead : oldHead;
            if (index == None)
            {
                frame = default;
                return false;
            }

            ref Flow flow = ref flows[index];
            if (flow.Deficit <= 0)
            {
                // RFC 8290 section 4.2: a queue out of credit gets a quantum and goes to the end of the old flows.
                flow.Deficit += quantum;
                Pop(fromNew);
                Append(ref oldHead, ref oldTail, index, OnOldList);
                continue;
            }

            var queue = new FlowQueue(this, index);
            long marked = flow.Codel.Marked;
            bool taken = flow.Codel.Dequeue(ref queue, parameters, context, out frame);
            MarkedFrames += flow.Codel.Marked - marked;
            if (!taken)
            {
                // RFC 8290 section 4.2: an empty new flow goes to the end of the old flows (so a
                // flow cannot stay "new" by emptying and refilling), an empty old flow is removed.
                Pop(fromNew);
                if (fromNew && oldHead != None)
                {
                    Append(ref oldHead, ref oldTail, index, OnOldList);
                }
                else
                {
                    flow.List = OnNoList;
                }

                continue;
            }

            flow.Deficit -= context.Port.Network.Frames.GetLength(frame);
            return true;
        }
    }

    private int Fattest(int incoming, int length)
    {
        int fattest = incoming;
        long most = flows[incoming].Bytes + length;
        for (int i = 0; i < flows.Length; i++)
        {
            if (flows[i].Bytes > most)
            {
                most = flows[i].Bytes;
                fattest = i;
            }
        }

        return fattest;
    }

    private void Pop(bool fromNew)
    {
        if (fromNew)
        {
            int index = newHead;
            newHead = flows[index].ListNext;
            if (newHead == None)
            {
                newTail = None;
            }

            flows[index].ListNext = None;
        }
        else
        {
            int index = oldHead;
            oldHead = flows[index].ListNext;
            if (oldHead == None)
            {
                oldTail = None;
            }

            flows[index].ListNext = None;
        }
    }

    private void Append(ref int head, ref int tail, int index, int list)
    {
        flows[index].List = list;
        flows[index].ListNext = None;
        if (tail == None)
        {
            head = index;
        }
        else
        {
            flows[tail].ListNext = index;
        }

        tail = index;
    }

    private int AllocateSlot()
    {
        if (freeSlot != None)
        {
            int free = freeSlot;
            freeSlot = slots[free].Next;
            return free;
        }

        if (usedSlots == slots.Length)
        {
            Array.Resize(ref slots, Math.Max(16, slots.Length * 2));
        }

        return usedSlots++;
    }

    // The flow key: the IPv4 5-tuple (ports only for TCP and UDP, and not in a later fragment),
    // after an 802.1Q tag if any; other frames by their addresses and type.
    private ulong Hash(ReadOnlySpan<byte> frame)
    {
        ulong h = seed;
        if (frame.Length < EthernetFrame.HeaderLength)
        {
            return Mix(h);
        }

        int ip = EthernetFrame.HeaderLength;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFrame.EtherTypeOffset..]);
        if (type == (ushort)EtherType.Vlan && frame.Length >= EthernetFrame.TaggedHeaderLength)
        {
            ip = EthernetFrame.TaggedHeaderLength;
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFrame.InnerEtherTypeOffset..]);
        }

        if (type != (ushort)EtherType.IPv4 || frame.Length < ip + Ipv4Header.MinLength)
        {
            h = Mix(h ^ BinaryPrimitives.ReadUInt64BigEndian(frame) ^ type);
            return Mix(h ^ BinaryPrimitives.ReadUInt32BigEndian(frame[8..]));
        }

        ReadOnlySpan<byte> header = frame[ip..];
        byte protocol = header[Ipv4Header.ProtocolOffset];
        h = Mix(h ^ BinaryPrimitives.ReadUInt64BigEndian(header[Ipv4Header.SourceOffset..]) ^ ((ulong)protocol << 56));
        int headerLength = (header[Ipv4Header.VersionAndIhlOffset] & 0x0f) * 4;
        bool firstFragment = (BinaryPrimitives.ReadUInt16BigEndian(header[Ipv4Header.FlagsAndOffsetOffset..]) & Ipv4Header.OffsetMask) == 0;
        if ((protocol == (byte)IpProtocol.Tcp || protocol == (byte)IpProtocol.Udp) && firstFragment && header.Length >= headerLength + 4)
        {
            h = Mix(h ^ BinaryPrimitives.ReadUInt32BigEndian(header[headerLength..]));
        }

        return h;
    }

    // SplitMix64's finalizer: every input bit reaches every output bit.
    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
            return z ^ (z >> 31);
        }
    }

    private struct Flow
    {
        public int Head;
        public int Tail;
        public int Count;
        public long Bytes;
        public int Deficit;
        public int List;
        public int ListNext;
        public CoDelState Codel;
    }

    private record struct Slot(FrameHandle Frame, int Length, long EnqueuedAt, int Next);

    // One flow's queue as its CoDel sees it.
    private readonly struct FlowQueue(FqCoDelDiscipline owner, int index) : ICoDelQueue
    {
        public long Bytes => owner.flows[index].Bytes;

        public bool TryTake(out FrameHandle frame, out long enqueuedAt)
        {
            ref Flow flow = ref owner.flows[index];
            if (flow.Head == None)
            {
                frame = default;
                enqueuedAt = 0;
                return false;
            }

            int slot = flow.Head;
            Slot taken = owner.slots[slot];
            flow.Head = taken.Next;
            if (flow.Head == None)
            {
                flow.Tail = None;
            }

            flow.Count--;
            flow.Bytes -= taken.Length;
            owner.Count--;
            owner.Bytes -= taken.Length;
            owner.slots[slot] = new Slot(default, 0, 0, owner.freeSlot);
            owner.freeSlot = slot;
            frame = taken.Frame;
            enqueuedAt = taken.EnqueuedAt;
            return true;
        }
    }
}
