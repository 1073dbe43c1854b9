using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>IP protocol numbers (IANA): what an IPv4 packet carries. Other values are kept as values.</summary>
public enum IpProtocol : byte
{
    /// <summary>Internet Control Message Protocol (RFC 792).</summary>
    Icmp = 1,

    /// <summary>Transmission Control Protocol (RFC 9293).</summary>
    Tcp = 6,

    /// <summary>User Datagram Protocol (RFC 768).</summary>
    Udp = 17,
}

/// <summary>
/// The parsed form of an IPv4 header (RFC 791, 3.1): the meaningful fields, read with
/// <see cref="TryParse"/> (which checks the structure, then the version, lengths and
/// checksum) and written with <see cref="Emit"/> (which computes the checksum). Options are
/// skipped by their length and not kept.
/// </summary>
/// <param name="Source">The sender's address.</param>
/// <param name="Destination">The final destination's address.</param>
/// <param name="Protocol">What the payload is.</param>
/// <param name="TimeToLive">Hops left; a router that takes it to zero drops the packet.</param>
/// <param name="TotalLength">The whole packet's length, header included.</param>
/// <param name="Identification">Groups the fragments of one datagram.</param>
/// <param name="DontFragment">DF: the packet must not be fragmented.</param>
/// <param name="MoreFragments">MF: more fragments follow this one.</param>
/// <param name="FragmentOffset">Where this fragment's data starts in the datagram, in bytes (a multiple of 8).</param>
/// <param name="TypeOfService">The DSCP and ECN byte.</param>
/// <param name="HeaderLength">The header's length in bytes, options included (20 without).</param>
public readonly record struct Ipv4Header(
    Ipv4Address Source,
    Ipv4Address Destination,
    IpProtocol Protocol,
    byte TimeToLive,
    int TotalLength,
    ushort Identification = 0,
    bool DontFragment = false,
    bool MoreFragments = false,
    int FragmentOffset = 0,
    byte TypeOfService = 0,
    int HeaderLength = Ipv4Header.MinLength)
{
    // Field offsets, declared once (RFC 791, 3.1).
    internal const int VersionAndIhlOffset = 0;
    internal const int TypeOfServiceOffset = 1;
    internal const int TotalLengthOffset = 2;
    internal const int IdentificationOffset = 4;
    internal const int FlagsAndOffsetOffset = 6;
    internal const int TimeToLiveOffset = 8;
    internal const int ProtocolOffset = 9;
    internal const int ChecksumOffset = 10;
    internal const int SourceOffset = 12;
    internal const int DestinationOffset = 16;

    /// <summary>The length of a header without options, 20 bytes.</summary>
    public const int MinLength = DestinationOffset + Ipv4Address.Length;

    internal const ushort DontFragmentBit = 0x4000;
    internal const ushort MoreFragmentsBit = 0x2000;
    internal const ushort OffsetMask = 0x1fff;

    /// <summary>The length of the payload: total length less header length.</summary>
    public int PayloadLength => TotalLength - HeaderLength;

    /// <summary>
    /// Reads the header at the start of <paramref name="packet"/>, or says why it cannot:
    /// too short, not version 4, a header length below 20, a total length shorter than the
    /// header or longer than the bytes, or a bad checksum. Never throws. The payload is
    /// <c>packet[HeaderLength..TotalLength]</c>: it ends where the length field says, not
    /// where the buffer ends (Ethernet padding follows short packets).
    /// </summary>
    public static WireError TryParse(ReadOnlySpan<byte> packet, out Ipv4Header header)
    {
        header = default;
        WireError error = Ipv4Packet.Validate(packet);
        if (error != WireError.None)
        {
            return error;
        }

        header = Read(packet);
        return WireError.None;
    }

    // Reads the fields of a header whose structure has been checked (by Ipv4Packet.Validate,
    // or by whoever wrote it): the parse above and Ipv4Packet.ToHeader.
    internal static Ipv4Header Read(ReadOnlySpan<byte> packet)
    {
        ushort flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(packet[FlagsAndOffsetOffset..]);
        return new Ipv4Header(
            Ipv4Address.Read(packet[SourceOffset..]),
            Ipv4Address.Read(packet[DestinationOffset..]),
            (IpProtocol)packet[ProtocolOffset],
            packet[TimeToLiveOffset],
            BinaryPrimitives.ReadUInt16BigEndian(packet[TotalLengthOffset..]),
            BinaryPrimitives.ReadUInt16BigEndian(packet[IdentificationOffset..]),
            (flagsAndOffset & DontFragmentBit) != 0,
            (flagsAndOffset & MoreFragmentsBit) != 0,
            (flagsAndOffset & OffsetMask) * 8,
            packet[TypeOfServiceOffset],
            (packet[VersionAndIhlOffset] & 0xf) * 4);
    }

    /// <summary>
    /// Writes a 20-byte header (no options) with its checksum into the start of
    /// <paramref name="packet"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is shorter than 20 bytes.</exception>
    /// <exception cref="InvalidOperationException">A field does not fit its bits, or the header has options (not written).</exception>
    public void Emit(Span<byte> packet)
    {
        if (packet.Length < MinLength)
        {
            throw new ArgumentException($"An IPv4 header takes {MinLength} bytes; the buffer has {packet.Length}.", nameof(packet));
        }

        if (HeaderLength != MinLength || TotalLength is < MinLength or > ushort.MaxValue || FragmentOffset % 8 != 0 || FragmentOffset / 8 > OffsetMask)
        {
            throw new InvalidOperationException(
                $"This header cannot be written: header length {HeaderLength} (only 20 is written), total length {TotalLength} (20 to 65535), fragment offset {FragmentOffset} (a multiple of 8 below 65536).");
        }

        packet[VersionAndIhlOffset] = (4 << 4) | (MinLength / 4);
        packet[TypeOfServiceOffset] = TypeOfService;
        BinaryPrimitives.WriteUInt16BigEndian(packet[TotalLengthOffset..], (ushort)TotalLength);
        BinaryPrimitives.WriteUInt16BigEndian(packet[IdentificationOffset..], Identification);
        ushort flagsAndOffset = (ushort)((DontFragment ? DontFragmentBit : 0) | (MoreFragments ? MoreFragmentsBit : 0) | (FragmentOffset / 8));
        BinaryPrimitives.WriteUInt16BigEndian(packet[FlagsAndOffsetOffset..], flagsAndOffset);
        packet[TimeToLiveOffset] = TimeToLive;
        packet[ProtocolOffset] = (byte)Protocol;
        BinaryPrimitives.WriteUInt16BigEndian(packet[ChecksumOffset..], 0);
        Source.WriteTo(packet[SourceOffset..]);
        Destination.WriteTo(packet[DestinationOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(packet[ChecksumOffset..], InternetChecksum.Compute(packet[..MinLength]));
    }
}
