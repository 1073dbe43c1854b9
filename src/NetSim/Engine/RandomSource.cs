using System.Buffers.Binary;
using System.Numerics;

namespace NetSim.Engine;

/// <summary>
/// A deterministic stream of random numbers: xoshiro256** (Blackman and Vigna), seeded
/// through SplitMix64. Components get theirs from
/// <see cref="Simulation.CreateRandomSource(string)"/>, derived from the simulation's seed
/// and the stream's name, so that the same seed gives the same numbers on every run and
/// every machine.
/// </summary>
/// <remarks>Not thread-safe, like the simulation it belongs to.</remarks>
public sealed class RandomSource
{
    private ulong s0;
    private ulong s1;
    private ulong s2;
    private ulong s3;

    /// <summary>
    /// Creates a stream whose 256-bit state is four successive outputs of SplitMix64
    /// started at <paramref name="seed"/>, as the xoshiro authors recommend.
    /// </summary>
    public RandomSource(ulong seed)
    {
        ulong state = seed;
        s0 = SplitMix64(ref state);
        s1 = SplitMix64(ref state);
        s2 = SplitMix64(ref state);
        s3 = SplitMix64(ref state); // four successive SplitMix64 outputs are never all zero
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = BitOperations.RotateLeft(s3, 45);
            return result;
        }
    }

    /// <summary>The next 32 random bits (the high half of <see cref="NextUInt64"/>, the better half).</summary>
    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>A number in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A whole number in [0, <paramref name="maxExclusive"/>), without bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
    public long NextInt64(long maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (long)NextBelow((ulong)maxExclusive);
    }

    /// <summary>A whole number in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>), without bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not above <paramref name="minInclusive"/>.</exception>
    public long NextInt64(long minInclusive, long maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxExclusive, minInclusive);
        ulong range = unchecked((ulong)(maxExclusive - minInclusive));
        return unchecked(minInclusive + (long)NextBelow(range));
    }

    /// <summary>True with probability <paramref name="probability"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is not in [0, 1].</exception>
    public bool NextBoolean(double probability)
    {
        if (!(probability is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability must be between 0 and 1.");
        }

        return NextDouble() < probability;
    }

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    public void NextBytes(Span<byte> buffer)
    {
        while (buffer.Length >= sizeof(ulong))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, NextUInt64());
            buffer = buffer[sizeof(ulong)..];
        }

        if (!buffer.IsEmpty)
        {
            Span<byte> last = stackalloc byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(last, NextUInt64());
            last[..buffer.Length].CopyTo(buffer);
        }
    }

    /// <summary>
    /// The stream named <paramref name="name"/> of the simulation seeded with
    /// <paramref name="seed"/>: its seed mixes the simulation's seed with a 64-bit FNV-1a
    /// hash of the name's UTF-16 code units (string.GetHashCode differs between processes).
    /// </summary>
    internal static RandomSource ForName(ulong seed, string name)
    {
        ulong hash = 0xcbf29ce484222325; // FNV-1a offset basis
        foreach (char c in name)
        {
            hash = unchecked((hash ^ c) * 0x100000001b3); // FNV-1a prime
        }

        ulong state = seed;
        ulong mixedSeed = SplitMix64(ref state);
        ulong streamState = mixedSeed ^ hash;
        return new RandomSource(SplitMix64(ref streamState));
    }

    // Lemire's multiply-and-reject: uniform in [0, bound) for bound > 0.
    private ulong NextBelow(ulong bound)
    {
        ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = unchecked(0 - bound) % bound;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), bound, out low);
            }
        }

        return high;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        unchecked
        {
            ulong z = state += 0x9e3779b97f4a7c15;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
            z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
            return z ^ (z >> 31);
        }
    }
}
