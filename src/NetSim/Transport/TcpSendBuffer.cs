using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// A TCP sender's bytes: a ring holding what the application wrote and the peer has not yet
/// acknowledged, sent or not, and the sequence number of its first byte. The ring is made
/// small at the first write, doubles when a write needs more room, up to the capacity
/// (<see cref="TcpRing"/>), and is dropped when the connection closes: a silent connection
/// costs no buffer, and one that sends little a small one. The FIN is not in it: it follows
/// <see cref="End"/>.
/// </summary>
internal sealed class TcpSendBuffer(int capacity, uint start)
{
    private byte[]? bytes;
    private int head; // the index of the first byte in the ring

    /// <summary>The most bytes held.</summary>
    public int Capacity => capacity;

    /// <summary>Bytes written and not yet acknowledged.</summary>
    public int Count { get; private set; }

    /// <summary>Room for more.</summary>
    public int Free => capacity - Count;

    /// <summary>The sequence number of the first byte held.</summary>
    public uint Start { get; private set; } = start;

    /// <summary>The sequence number just past the last byte held (where the FIN goes).</summary>
    public uint End => TcpSequence.Add(Start, Count);

    /// <summary>Whether the ring exists (it is made at the first write and dropped at the close).</summary>
    public bool IsAllocated => bytes is not null;

    /// <summary>The bytes the ring holds memory for now (0 before the first write and after the close).</summary>
    public int AllocatedSize => bytes?.Length ?? 0;

    /// <summary>Appends as much of <paramref name="data"/> as there is room for; returns how many bytes.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        int count = Math.Min(data.Length, capacity - Count);
        byte[] ring = bytes = TcpRing.Ensure(bytes, ref head, Count + count, capacity);
        int index = (head + Count) % ring.Length;
        int first = Math.Min(count, ring.Length - index);
        data[..first].CopyTo(ring.AsSpan(index));
        data[first..count].CopyTo(ring);
        Count += count;
        return count;
    }

    /// <summary>Copies the bytes from <paramref name="offset"/> bytes past <see cref="Start"/> into <paramref name="destination"/> (all of them must have been written).</summary>
    public void CopyTo(int offset, Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return;
        }

        byte[] ring = bytes!; // only bytes that were written are sent
        int index = (head + offset) % ring.Length;
        int first = Math.Min(destination.Length, ring.Length - index);
        ring.AsSpan(index, first).CopyTo(destination);
        ring.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
    }

    /// <summary>The peer acknowledged everything before <paramref name="ack"/>: frees those bytes (an ACK of the FIN past <see cref="End"/> frees no more) and returns how many.</summary>
    public int Acknowledge(uint ack)
    {
        uint end = End;
        uint acknowledged = TcpSequence.LessThan(end, ack) ? end : ack;
        int freed = Math.Max(0, TcpSequence.Difference(acknowledged, Start));
        head = bytes is null ? 0 : (head + freed) % bytes.Length;
        Count -= freed;
        Start = TcpSequence.Add(Start, freed);
        return freed;
    }

    /// <summary>The connection closed: the bytes and the ring go.</summary>
    public void Release()
    {
        bytes = null;
        Count = 0;
    }
}
