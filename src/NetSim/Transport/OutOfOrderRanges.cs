using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// The sequence ranges a TCP receiver holds beyond RCV.NXT (out-of-order data, written into
/// the receive ring at its offset): at most <see cref="MaxRanges"/> of them, overlapping or
/// touching ranges merged into one, so a flood of scattered segments cannot grow it. Each
/// range remembers when data last arrived in it, so that the SACK blocks name the range of
/// the most recent segment first and then the others most recently changed (RFC 2018, 4; as
/// Linux's tcp_sack_new_ofo_skb moves the block it extends to the front).
/// </summary>
internal sealed class OutOfOrderRanges
{
    /// <summary>The most ranges kept; data that would make one more is dropped (the sender sends it again).</summary>
    public const int MaxRanges = 64;

    private readonly List<(uint Start, uint End, long Stamp)> ranges = [];
    private long clock; // counts arrivals: a range's Stamp is the clock when data last went into it

    /// <summary>The ranges held.</summary>
    public int Count => ranges.Count;

    /// <summary>The range at <paramref name="index"/>: its first sequence number and the one just past it.</summary>
    public (uint Start, uint End) this[int index] => (ranges[index].Start, ranges[index].End);

    /// <summary>Remembers [<paramref name="start"/>, <paramref name="end"/>); false, and nothing remembered, when it joins no range and <see cref="MaxRanges"/> are held.</summary>
    public bool Add(uint start, uint end)
    {
        clock++;
        for (int i = 0; i < ranges.Count; i++)
        {
            (uint s, uint e, _) = ranges[i];
            if (TcpSequence.LessOrEqual(start, e) && TcpSequence.LessOrEqual(s, end))
            {
                ranges[i] = (TcpSequence.LessThan(start, s) ? start : s, TcpSequence.LessThan(e, end) ? end : e, clock);
                Merge(i);
                return true;
            }
        }

        if (ranges.Count == MaxRanges)
        {
            return false;
        }

        ranges.Add((start, end, clock));
        return true;
    }

    /// <summary>
    /// The SACK blocks for an ACK (RFC 2018, 4): at most <paramref name="maxBlocks"/> ranges,
    /// the one where data arrived last first, then the others by how recently data arrived in
    /// them. Allocates nothing.
    /// </summary>
    public TcpSackBlocks SackBlocks(int maxBlocks)
    {
        TcpSackBlocks blocks = default;
        long below = long.MaxValue; // the stamps taken so far are all at or above it
        for (int n = 0; n < maxBlocks && n < ranges.Count; n++)
        {
            int best = -1;
            for (int i = 0; i < ranges.Count; i++)
            {
                if (ranges[i].Stamp < below && (best < 0 || ranges[i].Stamp > ranges[best].Stamp))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            below = ranges[best].Stamp;
            blocks = blocks.Append(new TcpSackBlock(ranges[best].Start, ranges[best].End));
        }

        return blocks;
    }

    /// <summary>
    /// In-order data now reaches <paramref name="next"/>: removes every range it reaches (or
    /// that reaches it through another) and returns where the in-order data ends with them.
    /// </summary>
    public uint Reach(uint next)
    {
        bool merged = true;
        while (merged)
        {
            merged = false;
            for (int i = 0; i < ranges.Count; i++)
            {
                (uint start, uint end, _) = ranges[i];
                if (TcpSequence.LessOrEqual(start, next))
                {
                    ranges.RemoveAt(i);
                    if (TcpSequence.LessThan(next, end))
                    {
                        next = end;
                    }

                    merged = true;
                    break;
                }
            }
        }

        return next;
    }

    /// <summary>Forgets every range and gives back the list's memory (the connection closed).</summary>
    public void Clear()
    {
        ranges.Clear();
        ranges.TrimExcess();
    }

    private void Merge(int changed)
    {
        for (int j = ranges.Count - 1; j >= 0; j--)
        {
            if (j == changed)
            {
                continue;
            }

            (uint s, uint e, long stamp) = ranges[changed];
            (uint os, uint oe, _) = ranges[j];
            if (TcpSequence.LessOrEqual(os, e) && TcpSequence.LessOrEqual(s, oe))
            {
                ranges[changed] = (TcpSequence.LessThan(os, s) ? os : s, TcpSequence.LessThan(e, oe) ? oe : e, stamp);
                ranges.RemoveAt(j);
                if (j < changed)
                {
                    changed--;
                }
            }
        }
    }
}
