using System.Buffers.Binary;

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
        // The one's complement sum of 16-bit words equals that of wider big-endian words,
        // folded (RFC 1071, 2(B), "byte order independence" and "parallel summation"): eight
        // bytes a step, as two 32-bit halves, so that a 64-bit accumulator takes 2^31 steps
        // before it can overflow and needs no folding in the loop.
        ulong total = sum;
        while (data.Length >= 8)
        {
            ulong word = BinaryPrimitives.ReadUInt64BigEndian(data);
            total += (word >> 32) + (word & 0xffff_ffff);
            data = data[8..];
        }

        while (data.Length >= 2)
        {
            total += BinaryPrimitives.ReadUInt16BigEndian(data);
            data = data[2..];
        }

        if (!data.IsEmpty)
        {
            total += (uint)data[0] << 8;
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

    private static uint Fold(ulong sum)
    {
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (uint)sum;
    }
}
