namespace NetSim.Wire;

/// <summary>
/// Arithmetic on TCP sequence numbers, which live in a circle of 2^32 and are "compared
/// modulo 2^32" (RFC 9293, 3.4): a is before b when b - a, taken modulo 2^32, is from 1 to
/// 2^31 - 1, so that comparisons keep working as the numbers wrap past 2^32 - 1 to 0. Only
/// numbers less than 2^31 apart compare meaningfully, which the window sizes guarantee.
/// </summary>
internal static class TcpSequence
{
    /// <summary>True when <paramref name="a"/> comes before <paramref name="b"/>.</summary>
    public static bool LessThan(uint a, uint b) => Difference(b, a) > 0;

    /// <summary>True when <paramref name="a"/> comes before <paramref name="b"/> or is <paramref name="b"/>.</summary>
    public static bool LessOrEqual(uint a, uint b) => Difference(b, a) >= 0;

    /// <summary>
    /// How far <paramref name="later"/> is after <paramref name="earlier"/>: the difference
    /// modulo 2^32, taken as a signed number (negative when <paramref name="later"/> is in fact earlier).
    /// </summary>
    public static int Difference(uint later, uint earlier) => unchecked((int)(later - earlier)); // modular by definition

    /// <summary>The sequence number <paramref name="count"/> bytes after <paramref name="sequence"/> (before, when negative), modulo 2^32.</summary>
    public static uint Add(uint sequence, int count) => unchecked(sequence + (uint)count); // modular by definition
}
