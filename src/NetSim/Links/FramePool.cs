using NetSim.Engine;

namespace NetSim.Links;

/// <summary>
/// The simulation's frame buffers: fixed-size byte buffers handed out by
/// <see cref="Rent"/> and taken back by <see cref="Return"/>, so that frames on the hot path
/// allocate nothing. Each buffer keeps headroom in front of the frame, so that a protocol
/// layer can put its header in front of its payload in place.
/// </summary>
/// <remarks>
/// <para>
/// A frame has one owner at a time. Handing a <see cref="FrameHandle"/> to someone else
/// (scheduling its arrival, giving it to a port) hands over the frame; whoever drops or
/// delivers it returns it. Flooding gives each egress port its own <see cref="Copy"/>.
/// </para>
/// <para>
/// Every handle carries its buffer's generation, bumped on return, so that using a frame
/// after it was returned (or returning it twice) throws instead of reading another frame's
/// bytes.
/// </para>
/// <para>
/// The pool grows by 128 KiB segments when it runs out. After a backlog drains (fewer than
/// a quarter of its buffers in use, and more than <see cref="RetainedBuffers"/> made), a
/// pool that belongs to a <see cref="Network"/> gives the free segments back one simulated
/// second later (<see cref="TrimExcess"/>), outside the hot path: memory returns to what the
/// run needs, not what a flood once needed.
/// </para>
/// </remarks>
public sealed class FramePool
{
    /// <summary>The bytes of one buffer: room for the largest tagged frame and its headroom.</summary>
    public const int BufferSize = 2048;

    /// <summary>The bytes kept free in front of a new frame for headers to be prepended.</summary>
    public const int Headroom = 256;

    /// <summary>How many buffers a pool always keeps once made (64, one 128 KiB segment), however few are in use.</summary>
    public const int RetainedBuffers = 64;

    private const int BuffersPerSegment = 64; // 128 KiB segments: spans stay valid while the pool grows

    private readonly Simulation? simulation; // set: the pool trims itself after a backlog drains
    private readonly TrimTimer? trimTimer;
    private byte[][] segments = [];
    private Buffer[] buffers = [];
    private int[] free = [];
    private int freeCount;
    private int trimBelow = -1; // a return that leaves fewer in use than this asks for a trim
    private int newGeneration = 1; // the generation of a buffer made anew: past every generation of the buffers given back

    /// <summary>Creates an empty pool that keeps every buffer it makes until <see cref="TrimExcess"/> is called.</summary>
    public FramePool()
    {
    }

    /// <summary>Creates an empty pool that trims itself, on <paramref name="simulation"/>'s time, after a backlog drains.</summary>
    internal FramePool(Simulation simulation)
    {
        this.simulation = simulation;
        trimTimer = new TrimTimer(this);
    }

    /// <summary>Buffers handed out and not yet returned.</summary>
    public int InUse { get; private set; }

    /// <summary>Buffers the pool has created so far (its size).</summary>
    public int Capacity => buffers.Length;

    /// <summary>Hands out a buffer holding a frame of <paramref name="length"/> bytes (zeroed), with <see cref="Headroom"/> in front.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or does not fit in a buffer after the headroom.</exception>
    public FrameHandle Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, BufferSize - Headroom);
        if (freeCount == 0)
        {
            Grow();
        }

        int index = free[--freeCount];
        ref Buffer buffer = ref buffers[index];
        buffer.Offset = Headroom;
        buffer.Length = length;
        buffer.InUse = true;
        InUse++;
        Span<byte> bytes = Bytes(index, Headroom, length);
        bytes.Clear();
        return new FrameHandle(index, buffer.Generation);
    }

    /// <summary>
    /// Hands out a buffer of <paramref name="length"/> bytes without clearing them, for a
    /// caller that writes every byte at once (a packet built from its header and payload):
    /// it saves a memset per frame on the sending path.
    /// </summary>
    internal FrameHandle RentForOverwrite(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, BufferSize - Headroom);
        FrameHandle frame = Rent(0);
        buffers[frame.Index].Length = length;
        return frame;
    }

    /// <summary>The frame's bytes. Valid until the frame is returned or resized.</summary>
    /// <exception cref="InvalidOperationException">The frame was already returned.</exception>
    public Span<byte> GetSpan(FrameHandle frame)
    {
        ref Buffer buffer = ref Check(frame);
        return Bytes(frame.Index, buffer.Offset, buffer.Length);
    }

    /// <summary>The frame's length in bytes.</summary>
    /// <exception cref="InvalidOperationException">The frame was already returned.</exception>
    public int GetLength(FrameHandle frame) => Check(frame).Length;

    /// <summary>
    /// Changes the frame's length: grows it at the end (the new bytes are zero, as Ethernet
    /// padding is) or cuts it short.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The new length does not fit in the buffer.</exception>
    public void SetLength(FrameHandle frame, int length)
    {
        ref Buffer buffer = ref Check(frame);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, BufferSize - buffer.Offset);
        if (length > buffer.Length)
        {
            Bytes(frame.Index, buffer.Offset + buffer.Length, length - buffer.Length).Clear();
        }

        buffer.Length = length;
    }

    /// <summary>Extends the frame at the front by <paramref name="bytes"/> bytes, into its headroom, and returns the new front.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not enough headroom is left.</exception>
    public Span<byte> Prepend(FrameHandle frame, int bytes)
    {
        ref Buffer buffer = ref Check(frame);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, buffer.Offset);
        buffer.Offset -= bytes;
        buffer.Length += bytes;
        return Bytes(frame.Index, buffer.Offset, bytes);
    }

    /// <summary>Removes <paramref name="bytes"/> bytes from the front of the frame (a header that has been read).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The frame is shorter than that.</exception>
    public void TrimFront(FrameHandle frame, int bytes)
    {
        ref Buffer buffer = ref Check(frame);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, buffer.Length);
        buffer.Offset += bytes;
        buffer.Length -= bytes;
    }

    /// <summary>A new frame with the same bytes, owned by the caller (for flooding: one copy per port).</summary>
    public FrameHandle Copy(FrameHandle frame)
    {
        ReadOnlySpan<byte> source = GetSpan(frame);
        FrameHandle copy = Rent(0);
        ref Buffer buffer = ref buffers[copy.Index];
        buffer.Offset = buffers[frame.Index].Offset;
        buffer.Length = source.Length;
        source.CopyTo(Bytes(copy.Index, buffer.Offset, buffer.Length));
        return copy;
    }

    /// <summary>Takes the buffer back. The handle, and any copy of it, is then dead.</summary>
    /// <exception cref="InvalidOperationException">The frame was already returned.</exception>
    public void Return(FrameHandle frame)
    {
        ref Buffer buffer = ref Check(frame);
        buffer.InUse = false;
        buffer.Generation = buffer.Generation == int.MaxValue ? 1 : buffer.Generation + 1; // never 0: default(FrameHandle) stays dead
        free[freeCount++] = frame.Index;
        InUse--;
        if (InUse < trimBelow)
        {
            RequestTrim();
        }
    }

    /// <summary>
    /// Gives back the segments at the end of the pool whose buffers are all free, keeping at
    /// least <see cref="RetainedBuffers"/> buffers, and from then on hands out the lowest free
    /// buffers first so that a later trim finds more to give back. Not for the hot path: it
    /// sorts the free list. Returns how many buffers were given back.
    /// </summary>
    public int TrimExcess()
    {
        // Hand out the lowest indexes first: the free list is a stack, so sort it high to low.
        Array.Sort(free, 0, freeCount);
        Array.Reverse(free, 0, freeCount);

        int count = buffers.Length;
        int keep = Math.Max(RetainedBuffers, InUse);
        while (count - BuffersPerSegment >= keep && SegmentIsFree((count / BuffersPerSegment) - 1))
        {
            count -= BuffersPerSegment;
        }

        int released = buffers.Length - count;
        if (released > 0)
        {
            for (int index = count; index < buffers.Length; index++)
            {
                newGeneration = Math.Max(newGeneration, buffers[index].Generation == int.MaxValue ? 1 : buffers[index].Generation + 1); // a handle kept from before stays dead
            }

            // The released indexes are the highest, so the first `released` entries of the sorted free list.
            Array.Copy(free, released, free, 0, freeCount - released);
            freeCount -= released;
            Array.Resize(ref segments, count / BuffersPerSegment);
            Array.Resize(ref buffers, count);
            Array.Resize(ref free, count);
        }

        UpdateTrimThreshold();
        return released;
    }

    private void OnTrimTimer()
    {
        if (InUse >= buffers.Length / 4)
        {
            UpdateTrimThreshold(); // a new backlog came: wait for it to drain
        }
        else if (TrimExcess() == 0 && trimBelow > InUse)
        {
            trimBelow = InUse; // a buffer in use holds the segments: try again once fewer are in use
        }
    }

    private void RequestTrim()
    {
        trimBelow = -1; // one request at a time
        simulation!.ScheduleBackground(simulation.Now + SimDuration.FromSeconds(1), trimTimer!);
    }

    private void UpdateTrimThreshold() =>
        trimBelow = simulation is not null && buffers.Length > RetainedBuffers ? buffers.Length / 4 : -1;

    private bool SegmentIsFree(int segment)
    {
        for (int index = segment * BuffersPerSegment; index < (segment + 1) * BuffersPerSegment; index++)
        {
            if (buffers[index].InUse)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="frame"/> names a buffer that has not been returned since.</summary>
    public bool IsLive(FrameHandle frame) =>
        frame.Index >= 0 && frame.Index < buffers.Length && buffers[frame.Index].InUse && buffers[frame.Index].Generation == frame.Generation;

    private ref Buffer Check(FrameHandle frame)
    {
        if (!IsLive(frame))
        {
            ThrowDead(frame);
        }

        return ref buffers[frame.Index];
    }

    private Span<byte> Bytes(int index, int offset, int length) =>
        segments[index / BuffersPerSegment].AsSpan(((index % BuffersPerSegment) * BufferSize) + offset, length);

    private void Grow()
    {
        int oldCount = buffers.Length;
        int newCount = oldCount + BuffersPerSegment;
        Array.Resize(ref segments, segments.Length + 1);
        segments[^1] = new byte[BuffersPerSegment * BufferSize];
        Array.Resize(ref buffers, newCount);
        Array.Resize(ref free, newCount);
        for (int index = newCount - 1; index >= oldCount; index--)
        {
            buffers[index].Generation = newGeneration; // never 0, so that default(FrameHandle) names no frame
            free[freeCount++] = index; // lowest index handed out first
        }

        UpdateTrimThreshold();
    }

    private static void ThrowDead(FrameHandle frame) =>
        throw new InvalidOperationException($"Frame {frame} was used after it was returned to the pool (or was never rented from it).");

    private sealed class TrimTimer(FramePool pool) : IEventTarget
    {
        public void OnEvent(int kind, long argument) => pool.OnTrimTimer();
    }

    private struct Buffer
    {
        public int Offset;
        public int Length;
        public int Generation;
        public bool InUse;
    }
}
