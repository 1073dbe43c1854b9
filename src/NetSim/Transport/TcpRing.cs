namespace NetSim.Transport;

/// <summary>
/// How the TCP buffers' rings grow: made small at the first byte and doubled when more room is
/// needed, up to the buffer's capacity, so that a connection holds memory for what waits in it
/// rather than for its whole buffer (a host with many connections of megabyte buffers).
/// </summary>
internal static class TcpRing
{
    /// <summary>The size of a ring when it is made (or the capacity, if smaller).</summary>
    public const int InitialSize = 4096;

    /// <summary>
    /// A ring of at least <paramref name="needed"/> bytes (at most <paramref name="capacity"/>):
    /// <paramref name="ring"/> itself when it is large enough; otherwise a new one, doubled as
    /// often as needed, holding the old ring's bytes in order from <paramref name="start"/>,
    /// which becomes 0.
    /// </summary>
    public static byte[] Ensure(byte[]? ring, ref int start, int needed, int capacity)
    {
        int size = ring?.Length ?? 0;
        if (ring is not null && size >= needed)
        {
            return ring;
        }

        int grown = Math.Min(capacity, Math.Max(size, InitialSize));
        while (grown < needed)
        {
            grown = (int)Math.Min(capacity, 2L * grown);
        }

        byte[] larger = new byte[grown];
        if (ring is not null)
        {
            ring.AsSpan(start).CopyTo(larger);
            ring.AsSpan(0, start).CopyTo(larger.AsSpan(size - start));
        }

        start = 0;
        return larger;
    }
}
