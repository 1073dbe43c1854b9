using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>
/// The parsed form of a UDP header (RFC 768): ports, length and checksum, read with
/// <see cref="TryParse"/> (which checks the structure) and written with <see cref="Emit"/>
/// (which computes the checksum). The checksum covers a pseudo-header of the IP addresses,
/// so the parse cannot check it: <see cref="VerifyChecksum"/> does, given the addresses.
/// </summary>
/// <param name="SourcePort">The sender's port, or 0 when no reply is expected.</param>
/// <param name="DestinationPort">The receiver's port.</param>
/// <param name="Length">The datagram's length in bytes, header included (8 and up).</param>
/// <param name="Checksum">The checksum as read (0: the sender computed none). <see cref="Emit"/> computes its own and does not write this.</param>
public readonly record struct UdpHeader(ushort SourcePort, ushort DestinationPort, int Length, ushort Checksum = 0)
{
    // Field offsets, declared once (RFC 768).
    internal const int SourcePortOffset = 0;
    internal const int DestinationPortOffset = 2;
    internal const int LengthOffset = 4;
    internal const int ChecksumOffset = 6;

    /// <summary>The length of the header, 8 bytes.</summary>
    public const int HeaderLength = ChecksumOffset + 2;

    /// <summary>The length of the payload: the length less the 8-byte header.</summary>
    public int PayloadLength => Length - HeaderLength;

    /// <summary>
    /// Reads the header at the start of <paramref name="datagram"/> (an IP packet's payload),
    /// or says why it cannot: fewer than 8 bytes, or a length field below 8 or longer than
    /// the bytes. Never throws. Does not check the checksum (see <see cref="VerifyChecksum"/>).
    /// The payload is <c>datagram[8..Length]</c>: it ends where the length field says.
    /// </summary>
    public static WireError TryParse(ReadOnlySpan<byte> datagram, out UdpHeader header)
    {
        header = default;
        WireError error = UdpDatagram.Validate(datagram);
        if (error != WireError.None)
        {
            return error;
        }

        header = Read(datagram);
        return WireError.None;
    }

    // Reads the fields of a header whose structure has been checked (the parse above and UdpDatagram.ToHeader).
    internal static UdpHeader Read(ReadOnlySpan<byte> datagram) => new(
        BinaryPrimitives.ReadUInt16BigEndian(datagram[SourcePortOffset..]),
        BinaryPrimitives.ReadUInt16BigEndian(datagram[DestinationPortOffset..]),
        BinaryPrimitives.ReadUInt16BigEndian(datagram[LengthOffset..]),
        BinaryPrimitives.ReadUInt16BigEndian(datagram[ChecksumOffset..]));

    /// <summary>
    /// True when the datagram at the start of <paramref name="datagram"/> is well formed
    /// (as <see cref="TryParse"/> checks) and its checksum is either 0, which means the
    /// sender computed none (RFC 768), or right over the pseudo-header of
    /// <paramref name="source"/> and <paramref name="destination"/> and the first
    /// <see cref="Length"/> bytes. Never throws.
    /// </summary>
    public static bool VerifyChecksum(ReadOnlySpan<byte> datagram, Ipv4Address source, Ipv4Address destination)
    {
        if (UdpDatagram.Validate(datagram) != WireError.None)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(datagram[ChecksumOffset..]) == 0)
        {
            return true;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[LengthOffset..]);
        uint sum = InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Udp, length);
        return InternetChecksum.Finish(InternetChecksum.Sum(datagram[..length], sum)) == 0;
    }

    /// <summary>
    /// Writes the header into the first 8 bytes of <paramref name="datagram"/>, whose payload
    /// must already follow, and the checksum over the pseudo-header of
    /// <paramref name="source"/> and <paramref name="destination"/> and the first
    /// <see cref="Length"/> bytes. A computed checksum of 0 is sent as 0xFFFF, as 0 means
    /// "no checksum" (RFC 768).
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is shorter than <see cref="Length"/>.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Length"/> is not from 8 to 65535.</exception>
    public void Emit(Span<byte> datagram, Ipv4Address source, Ipv4Address destination)
    {
        if (Length is < HeaderLength or > ushort.MaxValue)
        {
            throw new InvalidOperationException($"This header cannot be written: length {Length} (8 to 65535).");
        }

        if (datagram.Length < Length)
        {
            throw new ArgumentException($"A UDP datagram of length {Length} does not fit a buffer of {datagram.Length} bytes.", nameof(datagram));
        }

        EmitHeader(datagram, datagram[HeaderLength..Length], source, destination);
    }

    /// <summary>
    /// Writes the 8-byte header into the start of <paramref name="header"/> for a datagram
    /// whose payload is <paramref name="payload"/>, which may follow it or be kept elsewhere
    /// (the sender then copies the two into the packet once), with the checksum over the
    /// pseudo-header, the header and the payload.
    /// </summary>
    internal void EmitHeader(Span<byte> header, ReadOnlySpan<byte> payload, Ipv4Address source, Ipv4Address destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header[SourcePortOffset..], SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header[DestinationPortOffset..], DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(header[LengthOffset..], (ushort)Length);
        BinaryPrimitives.WriteUInt16BigEndian(header[ChecksumOffset..], 0);
        uint sum = InternetChecksum.Sum(header[..HeaderLength], InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Udp, Length));
        ushort checksum = InternetChecksum.Finish(InternetChecksum.Sum(payload, sum));
        BinaryPrimitives.WriteUInt16BigEndian(header[ChecksumOffset..], checksum == 0 ? ushort.MaxValue : checksum);
    }

    // The checksum to send for a datagram of exactly its length whose checksum field is zero:
    // 0 comes out as 0xFFFF, its other form in one's complement, as 0 means "none" (RFC 768).
    internal static ushort ComputeChecksum(ReadOnlySpan<byte> datagram, Ipv4Address source, Ipv4Address destination)
    {
        uint sum = InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Udp, datagram.Length);
        ushort checksum = InternetChecksum.Finish(InternetChecksum.Sum(datagram, sum));
        return checksum == 0 ? ushort.MaxValue : checksum;
    }
}
