using NetSim.Wire;

namespace NetSim.Transport;

/// <summary>
/// A TCP sender's SACK scoreboard (RFC 6675, 2-4): the ranges above SND.UNA the receiver
/// reported holding in its SACK blocks (RFC 2018), merged and sorted, and from them which
/// unacknowledged data is lost (IsLost: three segments' worth, DupThresh, SACKed above it),
/// the data in the network (SetPipe), and the segment to send next during recovery
/// (NextSeg, rules 1, 3 and 4; rule 2, new data, is the caller's). HighRxt, the highest
/// sequence number retransmitted in this recovery, and RescueRxt are kept here too. The
/// ranges live in one array reused from ACK to ACK; it grows by doubling (never per ACK)
/// up to as many ranges as the window can hold segments, and a range beyond that is not
/// remembered (the receiver reports it again).
/// </summary>
internal sealed class SackScoreboard
{
    private const int DuplicateThreshold = 3; // RFC 6675, 2: DupThresh
    private (uint Start, uint End)[] ranges = new (uint, uint)[4];
    private int count;
    private uint highRxt; // RFC 6675: HighRxt
    private uint rescueRxt; // RFC 6675: RescueRxt
    private bool rescueSet;

    /// <summary>Bytes above SND.UNA the receiver reported holding.</summary>
    public int SackedBytes { get; private set; }

    /// <summary>SACK blocks ignored: not within SND.UNA..SND.MAX, or empty (RFC 2018, 3; as Linux's tcp_is_sackblock_valid).</summary>
    public long InvalidBlocks { get; private set; }

    /// <summary>The ranges held (for tests).</summary>
    public int RangeCount => count;

    /// <summary>The highest sequence number SACKed, plus one (SND.UNA when nothing is).</summary>
    public uint HighestSacked(uint una) => count == 0 ? una : ranges[count - 1].End;

    /// <summary>
    /// Takes the SACK blocks of an ACK with SND.UNA now <paramref name="una"/> and
    /// <paramref name="max"/> the highest sequence number sent plus one: forgets what the
    /// cumulative ACK covers, then adds each valid block. <paramref name="maxRanges"/> bounds
    /// the ranges kept. Returns the bytes newly SACKed (RFC 6937's change in SACKed bytes,
    /// which can be negative when the cumulative ACK covers SACKed data).
    /// </summary>
    public int Update(uint una, uint max, in TcpSackBlocks blocks, int maxRanges)
    {
        int before = SackedBytes;
        Trim(una);
        for (int b = 0; b < blocks.Count; b++)
        {
            TcpSackBlock block = blocks[b];
            if (!TcpSequence.LessThan(block.Left, block.Right) || TcpSequence.LessThan(block.Left, una) || TcpSequence.LessThan(max, block.Right))
            {
                InvalidBlocks++;
                continue;
            }

            Add(block.Left, block.Right, Math.Max(maxRanges, 4));
        }

        if (TcpSequence.LessThan(highRxt, una))
        {
            highRxt = una;
        }

        return SackedBytes - before;
    }

    /// <summary>Starts a recovery: nothing retransmitted yet above <paramref name="una"/>, no rescue retransmission.</summary>
    public void StartRecovery(uint una)
    {
        highRxt = una;
        rescueSet = false;
    }

    /// <summary>Forgets every range (RFC 6675, 5.1: after a retransmission timeout; and at the close).</summary>
    public void Clear(uint una)
    {
        count = 0;
        SackedBytes = 0;
        highRxt = una;
        rescueSet = false;
    }

    /// <summary>
    /// Where loss begins (RFC 6675, 4, IsLost): unSACKed data below the returned sequence number
    /// is lost, because DupThresh discontiguous SACKed ranges or more than (DupThresh - 1) *
    /// <paramref name="mss"/> SACKed bytes lie above it. <paramref name="una"/> when nothing is lost.
    /// </summary>
    public uint LostBelow(uint una, int mss)
    {
        long above = 0;
        for (int i = count - 1; i >= 0; i--)
        {
            above += TcpSequence.Difference(ranges[i].End, ranges[i].Start);
            if (count - i >= DuplicateThreshold || above > (long)(DuplicateThreshold - 1) * mss)
            {
                return ranges[i].Start;
            }
        }

        return una;
    }

    /// <summary>Whether the first unacknowledged byte, <paramref name="una"/>, is lost (RFC 6675, 5: IsLost(HighACK + 1)).</summary>
    public bool IsFirstLost(uint una, int mss) => TcpSequence.LessThan(una, LostBelow(una, mss));

    /// <summary>
    /// RFC 6675, 4, SetPipe: of the bytes from <paramref name="una"/> to <paramref name="max"/> not
    /// SACKed, those not lost count once, and those retransmitted (below HighRxt) once more.
    /// </summary>
    public int Pipe(uint una, uint max, int mss)
    {
        uint lost = LostBelow(una, mss);
        long pipe = 0;
        uint at = una;
        for (int i = 0; i <= count; i++)
        {
            uint holeEnd = i < count ? ranges[i].Start : max;
            if (TcpSequence.LessThan(at, holeEnd))
            {
                int length = TcpSequence.Difference(holeEnd, at);
                int lostPart = Math.Clamp(TcpSequence.Difference(lost, at), 0, length);
                int resent = Math.Clamp(TcpSequence.Difference(highRxt, at), 0, length);
                pipe += length - lostPart + resent;
            }

            if (i < count)
            {
                at = ranges[i].End;
            }
        }

        return (int)Math.Min(pipe, int.MaxValue);
    }

    /// <summary>
    /// RFC 6675, 4, NextSeg rules 1 and 3: the first unSACKed byte at or above HighRxt that is
    /// lost (rule 1), or, when <paramref name="lostOnly"/> is false (no new data can go, rule 3),
    /// one with SACKed data above it. Returns false when there is none; otherwise where the
    /// segment starts and its length (up to <paramref name="mss"/>, never into SACKed data).
    /// </summary>
    public bool NextHole(uint una, int mss, bool lostOnly, out uint seq, out int length)
    {
        uint limit = lostOnly ? LostBelow(una, mss) : HighestSacked(una);
        uint at = TcpSequence.LessThan(highRxt, una) ? una : highRxt;
        for (int i = 0; i < count; i++)
        {
            if (TcpSequence.LessOrEqual(ranges[i].End, at))
            {
                continue;
            }

            if (TcpSequence.LessOrEqual(ranges[i].Start, at))
            {
                at = ranges[i].End; // inside a SACKed range: skip it
                continue;
            }

            // [at, ranges[i].Start) is a hole.
            if (!TcpSequence.LessThan(at, limit))
            {
                break;
            }

            seq = at;
            length = Math.Min(mss, TcpSequence.Difference(ranges[i].Start, at));
            return true;
        }

        seq = 0;
        length = 0;
        return false;
    }

    /// <summary>
    /// RFC 6675, 4, NextSeg rule 4: once per recovery (while SND.UNA is above RescueRxt), one
    /// segment ending at the highest unSACKed byte below <paramref name="max"/>, when it is above
    /// everything SACKed (<see cref="OnRescued"/> once it is sent).
    /// </summary>
    public bool RescueSegment(uint una, uint max, int mss, out uint seq, out int length)
    {
        seq = 0;
        length = 0;
        uint top = HighestSacked(una);
        if ((rescueSet && !TcpSequence.LessThan(rescueRxt, una)) || !TcpSequence.LessThan(top, max) || TcpSequence.LessThan(max, una))
        {
            return false;
        }

        length = Math.Min(mss, TcpSequence.Difference(max, top));
        seq = TcpSequence.Add(max, -length);
        return length > 0;
    }

    /// <summary>The rescue retransmission went: RescueRxt becomes <paramref name="recoveryPoint"/> (HighRxt stays).</summary>
    public void OnRescued(uint recoveryPoint)
    {
        rescueRxt = recoveryPoint;
        rescueSet = true;
    }

    /// <summary>A segment of <paramref name="length"/> bytes from <paramref name="seq"/> was sent again: HighRxt moves past it (RFC 6675, 5, step C.2).</summary>
    public void OnRetransmitted(uint seq, int length)
    {
        uint end = TcpSequence.Add(seq, length);
        if (TcpSequence.LessThan(highRxt, end))
        {
            highRxt = end;
        }
    }

    private void Trim(uint una)
    {
        int drop = 0;
        while (drop < count && TcpSequence.LessOrEqual(ranges[drop].End, una))
        {
            SackedBytes -= TcpSequence.Difference(ranges[drop].End, ranges[drop].Start);
            drop++;
        }

        if (drop > 0)
        {
            Array.Copy(ranges, drop, ranges, 0, count - drop);
            count -= drop;
        }

        if (count > 0 && TcpSequence.LessThan(ranges[0].Start, una))
        {
            SackedBytes -= TcpSequence.Difference(una, ranges[0].Start);
            ranges[0].Start = una;
        }
    }

    private void Add(uint start, uint end, int maxRanges)
    {
        // Find the first range that ends at or after start (sorted, disjoint, not touching).
        int i = 0;
        while (i < count && TcpSequence.LessThan(ranges[i].End, start))
        {
            i++;
        }

        int j = i; // ranges i..j-1 overlap or touch [start, end)
        while (j < count && TcpSequence.LessOrEqual(ranges[j].Start, end))
        {
            j++;
        }

        if (j == i)
        {
            if (count >= maxRanges)
            {
                return; // bounded: not remembered; the receiver reports it again
            }

            if (count == ranges.Length)
            {
                Array.Resize(ref ranges, Math.Min(ranges.Length * 2, Math.Max(maxRanges, 4)));
            }

            Array.Copy(ranges, i, ranges, i + 1, count - i);
            ranges[i] = (start, end);
            count++;
            SackedBytes += TcpSequence.Difference(end, start);
            return;
        }

        uint newStart = TcpSequence.LessThan(start, ranges[i].Start) ? start : ranges[i].Start;
        uint newEnd = TcpSequence.LessThan(ranges[j - 1].End, end) ? end : ranges[j - 1].End;
        for (int k = i; k < j; k++)
        {
            SackedBytes -= TcpSequence.Difference(ranges[k].End, ranges[k].Start);
        }

        ranges[i] = (newStart, newEnd);
        SackedBytes += TcpSequence.Difference(newEnd, newStart);
        int removed = j - i - 1;
        if (removed > 0)
        {
            Array.Copy(ranges, j, ranges, i + 1, count - j);
            count -= removed;
        }
    }
}
