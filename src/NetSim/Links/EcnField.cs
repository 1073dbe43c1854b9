using System.Buffers.Binary;
using NetSim.Wire;

// Design: the one write a queue discipline makes to a frame. The IPv4 header is found after
// the Ethernet header and an 802.1Q tag if there is one; only its TOS byte and checksum
// change, the checksum incrementally (RFC 1624), as Linux's IP_ECN_set_ce does.

namespace NetSim.Links;

/// <summary>The ECN field of an IPv4 packet in an Ethernet frame (RFC 3168 section 5).</summary>
internal static class EcnField
{
    /// <summary>Not ECN-capable transport.</summary>
    internal const int NotEct = 0b00;

    /// <summary>Congestion Experienced.</summary>
    internal const int CongestionExperienced = 0b11;

    private const int Mask = 0b11;

    /// <summary>Sets CE on an ECT(0) or ECT(1) IPv4 packet (true; also true for CE already); false, unchanged, otherwise.</summary>
    internal static bool TrySetCongestionExperienced(Span<byte> frame)
    {
        int ip = IpOffset(frame);
        if (ip < 0)
        {
            return false;
        }

        byte tos = frame[ip + Ipv4Header.TypeOfServiceOffset];
        int ecn = tos & Mask;
        if (ecn == NotEct)
        {
            return false;
        }

        if (ecn == CongestionExperienced)
        {
            return true;
        }

        // The TOS byte is the low half of the header's first 16-bit word (RFC 1624, equation 3).
        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(frame[ip..]);
        frame[ip + Ipv4Header.TypeOfServiceOffset] = (byte)(tos | CongestionExperienced);
        ushort newWord = BinaryPrimitives.ReadUInt16BigEndian(frame[ip..]);
        Span<byte> checksum = frame[(ip + Ipv4Header.ChecksumOffset)..];
        BinaryPrimitives.WriteUInt16BigEndian(checksum, InternetChecksum.Update(BinaryPrimitives.ReadUInt16BigEndian(checksum), oldWord, newWord));
        return true;
    }

    /// <summary>The ECN field of an IPv4 packet's frame, or -1 when the frame holds no IPv4 header.</summary>
    internal static int Read(ReadOnlySpan<byte> frame)
    {
        int ip = IpOffset(frame);
        return ip < 0 ? -1 : frame[ip + Ipv4Header.TypeOfServiceOffset] & Mask;
    }

    // Where the IPv4 header starts, after the Ethernet header and an 802.1Q tag; -1 when the
    // payload is not IPv4 or too short for a version 4 header of 20 bytes or more.
    private static int IpOffset(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < EthernetFrame.HeaderLength)
        {
            return -1;
        }

        int ip = EthernetFrame.HeaderLength;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFrame.EtherTypeOffset..]);
        if (type == (ushort)EtherType.Vlan)
        {
            if (frame.Length < EthernetFrame.TaggedHeaderLength)
            {
                return -1;
            }

            ip = EthernetFrame.TaggedHeaderLength;
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetFrame.InnerEtherTypeOffset..]);
        }

        if (type != (ushort)EtherType.IPv4 || frame.Length < ip + Ipv4Header.MinLength)
        {
            return -1;
        }

        byte versionAndIhl = frame[ip + Ipv4Header.VersionAndIhlOffset];
        return versionAndIhl >> 4 == 4 && (versionAndIhl & 0x0f) * 4 >= Ipv4Header.MinLength ? ip : -1;
    }
}
