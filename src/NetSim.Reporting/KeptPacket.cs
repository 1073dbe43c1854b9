using System.Buffers.Binary;
using NetSim.Wire;

namespace NetSim.Reporting;

// Reading the packets of frames a recorder kept only the start of (its snap length).
internal static class KeptPacket
{
    // The header of a packet the snap length may have cut: Ipv4Header checks the total length
    // against the bytes there are, so a cut packet is parsed from a copy whose total length
    // says what was kept; the real one is returned beside it.
    public static bool TryParseIpv4(ReadOnlySpan<byte> packet, int lengthOnWire, out Ipv4Header header, out int totalLength)
    {
        totalLength = 0;
        if (Ipv4Header.TryParse(packet, out header) == WireError.None)
        {
            totalLength = header.TotalLength;
            return true;
        }

        if (packet.Length < Ipv4Header.MinLength || lengthOnWire <= packet.Length)
        {
            return false;
        }

        totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]); // RFC 791 section 3.1: Total Length
        if (totalLength <= packet.Length)
        {
            return false;
        }

        byte[] kept = packet.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(kept.AsSpan(2), (ushort)kept.Length);
        int headerLength = (kept[0] & 0xf) * 4;
        if (headerLength > kept.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(kept.AsSpan(10), 0); // the header checksum, made again for the copy
        BinaryPrimitives.WriteUInt16BigEndian(kept.AsSpan(10), InternetChecksum.Compute(kept.AsSpan(0, headerLength)));
        return Ipv4Header.TryParse(kept, out header) == WireError.None;
    }
}
