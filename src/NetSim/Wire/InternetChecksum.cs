using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetSim.Wire;

/// <summary>
/// The Internet checksum of IPv4, ICMP, UDP and TCP: the 16-bit one's complement of the one's
/// complement sum of the data taken as 16-bit big-endian words (RFC 1071), and its
/// incremental update when one field changes (RFC 1624).
/// </summary>
public static class InternetChecksum
{
    /// <summary>The checksum of <paramref name="data"/> (an odd last byte is padded with zero).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Sum(data));

    /// <summary>
    /// Adds <paramref name="data"/> to a running one's complement sum, for checksums over
    /// several pieces (a pseudo-header and a segment). Every piece but the last must have an
    /// even length. Start from 0, then <see cref="Finish"/>.
    /// </summary>
    public static uint Sum(ReadOnlySpan<byte> data, uint sum = 0)
    {
        // The sum does not depend on byte order (RFC 1071, 2(B)): summing the words in the
        // machine's order and swapping the bytes of the folded result gives the same sum, so
        // the loops read native words, as wide as the hardware allows ("parallel summation").
        int even = data.Length & ~1;
        uint native = Fold(SumNative(data[..even]));
        ulong total = (ulong)sum + (BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness((ushort)native) : native);
        if (even != data.Length)
        {
            total += (uint)data[even] << 8; // an odd last byte is the high byte of a word padded with zero
        }

        return Fold(total);
    }

    /// <summary>
    /// The one's complement sum of the IPv4 pseudo-header of a UDP datagram or TCP segment
    /// (RFC 768; RFC 9293, 3.1): source and destination addresses, a zero byte, the
    /// protocol and the UDP or TCP length, header included. Pass it as the starting sum of
    /// <see cref="Sum"/> over the datagram or segment, then <see cref="Finish"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not from 0 to 65535.</exception>
    public static uint PseudoHeaderSum(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, ushort.MaxValue);
        ulong total = (ulong)(source.Value >> 16) + (source.Value & 0xffff)
            + (destination.Value >> 16) + (destination.Value & 0xffff)
            + (byte)protocol + (uint)length;
        return Fold(total);
    }

    /// <summary>The checksum from a running sum: fold the carries, then complement.</summary>
    public static ushort Finish(uint sum) => unchecked((ushort)~Fold(sum)); // one's complement arithmetic is modular

    /// <summary>
    /// The checksum after one 16-bit field of the checksummed data changed from
    /// <paramref name="oldValue"/> to <paramref name="newValue"/>, without summing the data
    /// again: HC' = ~(~HC + ~m + m') (RFC 1624, equation 3), as a router does when it
    /// decrements the TTL.
    /// </summary>
    public static ushort Update(ushort checksum, ushort oldValue, ushort newValue)
    {
        unchecked // one's complement arithmetic is modular
        {
            uint sum = (uint)(ushort)~checksum + (ushort)~oldValue + newValue;
            return (ushort)~Fold(sum);
        }
    }

    // The one's complement sum of an even number of bytes as native-order words, not folded.
    // Each 32-bit word adds its two halves, at most 2 * 0xffff, to a 32-bit lane: a lane takes
    // 2^15 words before it could overflow, so the 4 lanes of a Vector128 take 512 KiB. Longer
    // data goes in 512 KiB pieces. Without `wide`, the 256-bit loop is skipped (for tests: the
    // 128-bit loop is the only one on hardware without 256-bit vectors).
    internal static ulong SumNative(ReadOnlySpan<byte> data, bool wide = true)
    {
        const int Piece = 1 << 19;
        ulong total = 0;
        while (data.Length > Piece)
        {
            total += SumNative(data[..Piece], wide);
            data = data[Piece..];
        }

        ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(data);
        int i = 0;
        if (wide && Vector256.IsHardwareAccelerated && words.Length >= Vector256<uint>.Count)
        {
            Vector256<uint> lanes = Vector256<uint>.Zero;
            for (; i <= words.Length - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                Vector256<uint> vector = Vector256.Create(words.Slice(i, Vector256<uint>.Count));
                lanes += (vector & Vector256.Create(0xffffu)) + (vector >>> 16);
            }

            total += SumLanes(lanes.GetLower()) + SumLanes(lanes.GetUpper());
        }

        if (Vector128.IsHardwareAccelerated && words.Length - i >= Vector128<uint>.Count)
        {
            Vector128<uint> lanes = Vector128<uint>.Zero;
            for (; i <= words.Length - Vector128<uint>.Count; i += Vector128<uint>.Count)
            {
                Vector128<uint> vector = Vector128.Create(words.Slice(i, Vector128<uint>.Count));
                lanes += (vector & Vector128.Create(0xffffu)) + (vector >>> 16);
            }

            total += SumLanes(lanes);
        }

        for (; i < words.Length; i++)
        {
            total += (words[i] & 0xffff) + (words[i] >> 16);
        }

        if (data.Length % 4 != 0)
        {
            total += MemoryMarshal.Read<ushort>(data[^2..]);
        }

        return total;
    }

    private static ulong SumLanes(Vector128<uint> lanes) =>
        (ulong)lanes.GetElement(0) + lanes.GetElement(1) + lanes.GetElement(2) + lanes.GetElement(3);

    private static uint Fold(ulong sum)
    {
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (uint)sum;
    }
}
