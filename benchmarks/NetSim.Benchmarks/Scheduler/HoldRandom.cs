namespace NetSim.Benchmarks.Scheduler;

/// <summary>
/// The random numbers of the hold model: one SplitMix64 step per number, cheap enough to
/// disappear next to a queue operation. Every variant uses this same generator with the
/// same seed, so every variant runs exactly the same sequence of events.
/// </summary>
internal struct HoldRandom(ulong seed)
{
    private ulong state = seed;

    /// <summary>A whole number in [0, <paramref name="bound"/>) for a positive bound (the high half of a 64 x 64-bit product; the bias is negligible).</summary>
    public long Below(long bound)
    {
        unchecked
        {
            return (long)Math.BigMul(Next(), (ulong)bound, out _);
        }
    }

    private ulong Next()
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
