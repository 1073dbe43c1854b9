namespace NetSim.Wire;

/// <summary>
/// One block of a SACK option (RFC 2018, 3): a contiguous range of data the receiver holds
/// beyond its cumulative acknowledgment, from <paramref name="Left"/> (its first sequence
/// number) to <paramref name="Right"/> (the sequence number just past it).
/// </summary>
/// <param name="Left">The first sequence number of the block.</param>
/// <param name="Right">The sequence number just past the block.</param>
public readonly record struct TcpSackBlock(uint Left, uint Right);

/// <summary>
/// The blocks of a SACK option (RFC 2018, 3: kind 5, length 2 + 8 per block), at most
/// <see cref="MaxCount"/> (the 40 bytes of option space hold four), kept inline so that a
/// header carrying them allocates nothing. The first block is the one holding the most
/// recently received segment (RFC 2018, 4).
/// </summary>
public readonly struct TcpSackBlocks : IEquatable<TcpSackBlocks>
{
    /// <summary>The most blocks an option can carry: four (2 + 4 * 8 = 34 of the 40 option bytes).</summary>
    public const int MaxCount = 4;

    private readonly TcpSackBlock first, second, third, fourth;

    private TcpSackBlocks(int count, TcpSackBlock first, TcpSackBlock second, TcpSackBlock third, TcpSackBlock fourth)
    {
        Count = count;
        this.first = first;
        this.second = second;
        this.third = third;
        this.fourth = fourth;
    }

    /// <summary>How many blocks there are (0: no SACK option).</summary>
    public int Count { get; }

    /// <summary>The block at <paramref name="index"/>, first the most recent.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public TcpSackBlock this[int index] => (uint)index < (uint)Count
        ? index switch { 0 => first, 1 => second, 2 => third, _ => fourth }
        : throw new ArgumentOutOfRangeException(nameof(index), index, "no such SACK block");

    /// <summary>The blocks of <paramref name="blocks"/>, in order.</summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxCount"/> blocks.</exception>
    public static TcpSackBlocks Create(ReadOnlySpan<TcpSackBlock> blocks)
    {
        if (blocks.Length > MaxCount)
        {
            throw new ArgumentException($"A SACK option holds at most {MaxCount} blocks; {blocks.Length} given.", nameof(blocks));
        }

        TcpSackBlocks result = default;
        foreach (TcpSackBlock block in blocks)
        {
            result = result.Append(block);
        }

        return result;
    }

    /// <summary>These blocks and <paramref name="block"/> after them (when fewer than <see cref="MaxCount"/>).</summary>
    internal TcpSackBlocks Append(TcpSackBlock block) => Count switch
    {
        0 => new TcpSackBlocks(1, block, default, default, default),
        1 => new TcpSackBlocks(2, first, block, default, default),
        2 => new TcpSackBlocks(3, first, second, block, default),
        3 => new TcpSackBlocks(4, first, second, third, block),
        _ => this,
    };

    /// <inheritdoc/>
    public bool Equals(TcpSackBlocks other)
    {
        if (Count != other.Count)
        {
            return false;
        }

        for (int i = 0; i < Count; i++)
        {
            if (this[i] != other[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TcpSackBlocks other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        HashCode hash = default;
        hash.Add(Count);
        for (int i = 0; i < Count; i++)
        {
            hash.Add(this[i]);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder("[");
        for (int i = 0; i < Count; i++)
        {
            _ = text.Append(i == 0 ? string.Empty : ", ").Append(System.Globalization.CultureInfo.InvariantCulture, $"{this[i].Left}-{this[i].Right}");
        }

        return text.Append(']').ToString();
    }

    /// <summary>Whether two sets of blocks are the same blocks in the same order.</summary>
    public static bool operator ==(TcpSackBlocks left, TcpSackBlocks right) => left.Equals(right);

    /// <summary>Whether two sets of blocks differ.</summary>
    public static bool operator !=(TcpSackBlocks left, TcpSackBlocks right) => !left.Equals(right);
}
