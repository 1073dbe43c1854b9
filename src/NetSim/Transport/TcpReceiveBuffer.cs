using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// A TCP receiver's bytes and its receive sequence space (RFC 9293, 3.3.1): a ring holding
/// the in-order bytes not yet read, RCV.NXT just past them, data that arrived out of order
/// written into the ring at its offset (its ranges in <see cref="OutOfOrderRanges"/>), the
/// window and its right edge with receiver-side silly window avoidance (RFC 9293,
/// 3.8.6.2.2) and window scaling (RFC 7323, 2), and the acceptability test (3.10.7.4). The
/// ring is made small when the first data arrives, doubles when data needs more room, up to
/// the capacity (<see cref="TcpRing"/>), and is dropped once the connection is closed and
/// everything is read: a silent connection costs no buffer, and one whose reader keeps up a
/// small one.
/// </summary>
internal sealed class TcpReceiveBuffer(int capacity)
{
    private readonly OutOfOrderRanges outOfOrder = new();
    private byte[]? bytes;
    private int start;
    private uint rightEdge; // Next + the window last advertised: never moved left
    private int shift; // the window scale shift of our advertisements (RFC 7323, 2.2), 0 without scaling
    private int largestOffered; // the largest window advertised, in bytes

    /// <summary>The most bytes held; the largest window offered.</summary>
    public int Capacity => capacity;

    /// <summary>The bytes the ring holds memory for now (0 before the first data and after the close).</summary>
    public int AllocatedSize => bytes?.Length ?? 0;

    /// <summary>
    /// The handshake settled the scaling of the windows we advertise: <paramref name="windowShift"/>
    /// (0 without scaling). The buffer shrinks to the largest window that can be advertised
    /// (65,535 bytes shifted), so that what is offered and what is held agree.
    /// </summary>
    public void SetWindowShift(int windowShift)
    {
        shift = windowShift;
        capacity = Math.Min(capacity, ushort.MaxValue << windowShift);
    }

    /// <summary>In-order bytes received and not yet read.</summary>
    public int Count { get; private set; }

    /// <summary>Room for more: the receive window (RCV.WND).</summary>
    public int Free => capacity - Count;

    /// <summary>RCV.NXT: the next sequence number expected.</summary>
    public uint Next { get; private set; }

    /// <summary>The ranges held beyond <see cref="Next"/>.</summary>
    public int OutOfOrderRangeCount => outOfOrder.Count;

    /// <summary>The SACK blocks (RFC 2018, 4) for the out-of-order ranges: at most <paramref name="maxBlocks"/>, the most recently changed first.</summary>
    public TcpSackBlocks SackBlocks(int maxBlocks) => outOfOrder.SackBlocks(maxBlocks);

    /// <summary>The out-of-order ranges now, as a new array (for tests).</summary>
    public (uint Start, uint End)[] OutOfOrderRanges()
    {
        var ranges = new (uint Start, uint End)[outOfOrder.Count];
        for (int i = 0; i < ranges.Length; i++)
        {
            ranges[i] = outOfOrder[i];
        }

        return ranges;
    }

    /// <summary>Whether the ring exists (it is made at the first data and dropped after the close).</summary>
    public bool IsAllocated => bytes is not null;

    /// <summary>The peer's SYN carried <paramref name="initialSequenceNumber"/>: RCV.NXT is the next, and the whole buffer is offered.</summary>
    public void Synchronize(uint initialSequenceNumber)
    {
        Next = TcpSequence.Add(initialSequenceNumber, 1);
        rightEdge = Next; // nothing offered yet: the first advertisement opens the window
    }

    /// <summary>
    /// The acceptability test of RFC 9293, 3.10.7.4 (table 6), relative to RCV.NXT. A segment
    /// at exactly RCV.NXT is taken even by a zero window, so that its ACK, window and reset
    /// are read ("special allowance"); its data is then dropped.
    /// </summary>
    public bool IsAcceptable(uint seq, int length)
    {
        int window = Free;
        long offset = TcpSequence.Difference(seq, Next); // long: offset + length cannot overflow
        if (window == 0)
        {
            return offset == 0;
        }

        if (length == 0)
        {
            return offset >= 0 && offset < window;
        }

        long lastOffset = offset + length - 1;
        return (offset >= 0 && offset < window) || (lastOffset >= 0 && lastOffset < window);
    }

    /// <summary>
    /// The window field to send, with receiver-side silly window avoidance (RFC 9293,
    /// 3.8.6.2.2): the right edge never moves left, and moves right only by at least
    /// min(buffer / 2, <paramref name="mss"/>). After the handshake the field is the window
    /// shifted right by the scale (RFC 7323, 2.3): an opening window is rounded down to what
    /// the field can say, and a window that stays is rounded up, so that the rounding never
    /// moves the right edge left (2.4; as Linux's tcp_select_window). A SYN's window
    /// (<paramref name="syn"/>) is never scaled (2.2) and at most 65,535.
    /// </summary>
    public ushort Advertise(int mss, bool syn = false)
    {
        int offered = Offered;
        int scale = syn ? 0 : shift;
        if (WorthOpening(offered, mss))
        {
            offered = Math.Max(offered, Free >> scale << scale);
        }

        int field = (int)Math.Min(((long)offered + (1 << scale) - 1) >> scale, ushort.MaxValue);
        rightEdge = TcpSequence.Add(Next, field << scale);
        largestOffered = Math.Max(largestOffered, field << scale);
        return (ushort)field;
    }

    /// <summary>Whether the window has opened by enough since last advertised to be worth telling the sender (after a read).</summary>
    public bool WindowWorthUpdating(int mss) => WorthOpening(Offered, mss);

    /// <summary>
    /// Whether a window update is worth an ACK of its own when ACKs are delayed: the window
    /// offered has shrunk to half the largest offered so far or less (half the buffer, once it
    /// has all been offered; not the SYN's window, which the 16-bit field held below a scaled
    /// buffer), and would at least double (Linux's tcp_cleanup_rbuf), besides
    /// <see cref="WindowWorthUpdating"/>.
    /// </summary>
    public bool WindowUpdateMatters(int mss)
    {
        int offered = Offered;
        return WorthOpening(offered, mss) && offered <= largestOffered / 2 && Free >= 2 * offered;
    }

    /// <summary>
    /// Takes the data of a segment that starts at <paramref name="seq"/>: what is already
    /// received or beyond the window is cut off; data beyond RCV.NXT is kept out of order
    /// (unless <see cref="OutOfOrderRanges.MaxRanges"/> holes are held). Returns how many
    /// bytes became in order (this data and the out-of-order data it reaches).
    /// </summary>
    public int Take(uint seq, ReadOnlySpan<byte> data)
    {
        int free = Free;
        int position = TcpSequence.Difference(seq, Next);
        if (position < 0)
        {
            data = data[Math.Min(-position, data.Length)..]; // already received
            position = 0;
        }

        if (position + data.Length > free)
        {
            data = data[..Math.Max(0, free - position)]; // beyond the window
        }

        if (data.IsEmpty)
        {
            return 0;
        }

        uint first = TcpSequence.Add(Next, position);
        if (position > 0 && !outOfOrder.Add(first, TcpSequence.Add(first, data.Length)))
        {
            return 0; // too many holes: the sender will send it again
        }

        bytes = TcpRing.Ensure(bytes, ref start, Count + position + data.Length, capacity);
        int index = (start + Count + position) % bytes.Length;
        int head = Math.Min(data.Length, bytes.Length - index);
        data[..head].CopyTo(bytes.AsSpan(index));
        data[head..].CopyTo(bytes);
        if (position != 0)
        {
            return 0;
        }

        // In-order data grew; out-of-order ranges it reaches join it.
        uint end = outOfOrder.Reach(TcpSequence.Add(Next, data.Length));
        int gained = TcpSequence.Difference(end, Next);
        Count += gained;
        Next = end;
        return gained;
    }

    /// <summary>The FIN at RCV.NXT was taken: it occupies one sequence number.</summary>
    public void TakeFin() => Next = TcpSequence.Add(Next, 1);

    /// <summary>Moves up to <paramref name="destination"/>'s length of in-order bytes out of the ring; returns how many.</summary>
    public int Read(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, Count);
        if (count == 0)
        {
            return 0;
        }

        byte[] ring = bytes!; // Count > 0: the ring exists
        int head = Math.Min(count, ring.Length - start);
        ring.AsSpan(start, head).CopyTo(destination);
        ring.AsSpan(0, count - head).CopyTo(destination[head..]);
        start = (start + count) % ring.Length;
        Count -= count;
        return count;
    }

    /// <summary>The connection closed: nothing more will arrive. Out-of-order data goes; the ring goes once read to the end.</summary>
    public void Release()
    {
        outOfOrder.Clear();
        if (Count == 0)
        {
            bytes = null;
        }
    }

    private int Offered => Math.Max(0, TcpSequence.Difference(rightEdge, Next));

    private bool WorthOpening(int offered, int mss) => Free - offered >= Math.Min(capacity / 2, mss);
}
