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

    // A copy of a frame the snap length cut, with its IPv4 total length (and UDP length) saying what
    // was kept and the header checksum made again, so that parsers that check lengths read what is
    // there (the report's one-line summary); a whole frame, or one that is not IPv4, as it is.
    public static byte[] AsKept(RecordedFrame frame)
    {
        const int Ip = 14; // an untagged Ethernet II frame's payload
        byte[] bytes = frame.Bytes;
        if (frame.IsWhole || bytes.Length < Ip + Ipv4Header.MinLength || BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(12)) != (ushort)EtherType.IPv4)
        {
            return bytes;
        }

        byte[] kept = (byte[])bytes.Clone();
        int headerLength = (kept[Ip] & 0xf) * 4;
        if (headerLength < Ipv4Header.MinLength || Ip + headerLength > kept.Length)
        {
            return bytes;
        }

        BinaryPrimitives.WriteUInt16BigEndian(kept.AsSpan(Ip + 2), (ushort)(kept.Length - Ip));
        BinaryPrimitives.WriteUInt16BigEndian(kept.AsSpan(Ip + 10), 0);
        BinaryPrimitives.WriteUInt16BigEndian(kept.AsSpan(Ip + 10), InternetChecksum.Compute(kept.AsSpan(Ip, headerLength)));
        int udp = Ip + headerLength;
        if (kept[Ip + 9] == (byte)IpProtocol.Udp && udp + 8 <= kept.Length)
        {
            BinaryPrimitives.WriteUInt16BigEndian(kept.AsSpan(udp + 4), (ushort)(kept.Length - udp)); // RFC 768: Length
        }

        return kept;
    }
}
