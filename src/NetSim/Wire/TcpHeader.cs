using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace NetSim.Wire;

/// <summary>The control bits of a TCP header (RFC 9293, 3.1; ECE and CWR from RFC 3168). A segment may carry several.</summary>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The TCP flags: the name the header's field goes by in tcpdump, Wireshark and PacketDotNet.")]
public enum TcpFlags : byte
{
    /// <summary>No control bit.</summary>
    None = 0,

    /// <summary>FIN: no more data from the sender.</summary>
    Fin = 1,

    /// <summary>SYN: synchronize sequence numbers.</summary>
    Syn = 2,

    /// <summary>RST: reset the connection.</summary>
    Rst = 4,

    /// <summary>PSH: push the data to the application.</summary>
    Psh = 8,

    /// <summary>ACK: the acknowledgment number is significant.</summary>
    Ack = 16,

    /// <summary>URG: the urgent pointer is significant.</summary>
    Urg = 32,

    /// <summary>ECE: ECN echo (RFC 3168).</summary>
    Ece = 64,

    /// <summary>CWR: congestion window reduced (RFC 3168).</summary>
    Cwr = 128,
}

/// <summary>
/// The parsed form of a TCP header (RFC 9293, 3.1): ports, sequence and acknowledgment
/// numbers, control bits, window, urgent pointer and the maximum segment size option, read
/// with <see cref="TryParse"/> (which checks the structure and the options) and written
/// with <see cref="Emit"/> (which computes the checksum). Other options are skipped by their
/// length and not kept. The checksum covers a pseudo-header of the IP addresses, so the
/// parse cannot check it: <see cref="VerifyChecksum"/> does, given the addresses.
/// </summary>
/// <param name="SourcePort">The sender's port.</param>
/// <param name="DestinationPort">The receiver's port.</param>
/// <param name="SequenceNumber">The sequence number of the first data byte (of the SYN itself when SYN is set).</param>
/// <param name="AcknowledgmentNumber">The next sequence number the sender expects to receive, when ACK is set.</param>
/// <param name="Flags">The control bits.</param>
/// <param name="Window">How many bytes, from the acknowledgment number on, the sender will accept.</param>
/// <param name="MaximumSegmentSize">The maximum segment size option (RFC 9293, 3.7.1), or 0 for none.</param>
/// <param name="UrgentPointer">Where urgent data ends, as an offset from the sequence number, when URG is set.</param>
/// <param name="HeaderLength">The header's length in bytes, options included, as read (20 without options). <see cref="Emit"/> writes <see cref="EmittedLength"/> bytes instead.</param>
public readonly record struct TcpHeader(
    ushort SourcePort,
    ushort DestinationPort,
    uint SequenceNumber,
    uint AcknowledgmentNumber,
    TcpFlags Flags,
    ushort Window,
    ushort MaximumSegmentSize = 0,
    ushort UrgentPointer = 0,
    int HeaderLength = TcpHeader.MinLength)
{
    // Field offsets, declared once (RFC 9293, 3.1).
    internal const int SourcePortOffset = 0;
    internal const int DestinationPortOffset = 2;
    internal const int SequenceNumberOffset = 4;
    internal const int AcknowledgmentNumberOffset = 8;
    internal const int DataOffsetOffset = 12;
    internal const int FlagsOffset = 13;
    internal const int WindowOffset = 14;
    internal const int ChecksumOffset = 16;
    internal const int UrgentPointerOffset = 18;

    /// <summary>The length of a header without options, 20 bytes.</summary>
    public const int MinLength = UrgentPointerOffset + 2;

    // Option kinds and lengths (RFC 9293, 3.2).
    internal const byte EndOfOptionList = 0;
    internal const byte NoOperation = 1;
    internal const byte MaximumSegmentSizeKind = 2;
    internal const int MaximumSegmentSizeOptionLength = 4;

    /// <summary>
    /// The number of bytes <see cref="Emit"/> writes: 24 with the maximum segment size
    /// option, 20 without, so that a caller can lay out the buffer before emitting.
    /// </summary>
    public int EmittedLength => MaximumSegmentSize != 0 ? MinLength + MaximumSegmentSizeOptionLength : MinLength;

    /// <summary>
    /// Reads the header at the start of <paramref name="segment"/> (an IP packet's payload:
    /// the segment runs to its end), or says why it cannot: fewer than 20 bytes or than the
    /// data offset says, a data offset below 5, or an option that cannot be read (a length
    /// below 2, running past the header, or a maximum segment size option whose length is
    /// not 4). Never throws. Does not check the checksum (see <see cref="VerifyChecksum"/>).
    /// </summary>
    public static WireError TryParse(ReadOnlySpan<byte> segment, out TcpHeader header)
    {
        header = default;
        WireError error = TcpSegment.Validate(segment);
        if (error != WireError.None)
        {
            return error;
        }

        header = Read(segment);
        return WireError.None;
    }

    // Reads the fields of a header whose structure has been checked (the parse above and TcpSegment.ToHeader).
    internal static TcpHeader Read(ReadOnlySpan<byte> segment)
    {
        int headerLength = (segment[DataOffsetOffset] >> 4) * 4;
        ReadOptions(segment[MinLength..headerLength], out ushort maximumSegmentSize);
        return new TcpHeader(
            BinaryPrimitives.ReadUInt16BigEndian(segment[SourcePortOffset..]),
            BinaryPrimitives.ReadUInt16BigEndian(segment[DestinationPortOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(segment[SequenceNumberOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(segment[AcknowledgmentNumberOffset..]),
            (TcpFlags)segment[FlagsOffset],
            BinaryPrimitives.ReadUInt16BigEndian(segment[WindowOffset..]),
            maximumSegmentSize,
            BinaryPrimitives.ReadUInt16BigEndian(segment[UrgentPointerOffset..]),
            headerLength);
    }

    // Walks the options (RFC 9293, 3.2): end of list stops, a no-operation is one byte, any
    // other kind has a length byte counting itself and the kind, and is skipped by it. Finds
    // the maximum segment size (0 without the option; the last one counts).
    internal static WireError ReadOptions(ReadOnlySpan<byte> options, out ushort maximumSegmentSize)
    {
        maximumSegmentSize = 0;
        int at = 0;
        while (at < options.Length)
        {
            byte kind = options[at];
            if (kind == EndOfOptionList)
            {
                break;
            }

            if (kind == NoOperation)
            {
                at++;
                continue;
            }

            if (at + 1 >= options.Length)
            {
                return WireError.BadTcpOption; // the length byte is past the header
            }

            int length = options[at + 1];
            if (length < 2 || length > options.Length - at)
            {
                return WireError.BadTcpOption;
            }

            if (kind == MaximumSegmentSizeKind)
            {
                if (length != MaximumSegmentSizeOptionLength)
                {
                    return WireError.BadTcpOption;
                }

                maximumSegmentSize = BinaryPrimitives.ReadUInt16BigEndian(options[(at + 2)..]);
            }

            at += length;
        }

        return WireError.None;
    }

    /// <summary>
    /// True when the checksum of <paramref name="segment"/>, the whole segment (header and
    /// payload, as the IP packet carries it), is right over the pseudo-header of
    /// <paramref name="source"/> and <paramref name="destination"/>. False for fewer than
    /// 20 bytes or more than 65535. Never throws.
    /// </summary>
    public static bool VerifyChecksum(ReadOnlySpan<byte> segment, Ipv4Address source, Ipv4Address destination)
    {
        if (segment.Length is < MinLength or > ushort.MaxValue)
        {
            return false;
        }

        uint sum = InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Tcp, segment.Length);
        return InternetChecksum.Finish(InternetChecksum.Sum(segment, sum)) == 0;
    }

    /// <summary>
    /// Writes the header into the first <see cref="EmittedLength"/> bytes of
    /// <paramref name="segment"/>, which is exactly the segment: the payload must already
    /// follow the header and end where the buffer ends. Writes the maximum segment size
    /// option when <see cref="MaximumSegmentSize"/> is not 0, no other option (so
    /// <see cref="HeaderLength"/> is not read), and the checksum over the pseudo-header of
    /// <paramref name="source"/> and <paramref name="destination"/> and the whole segment.
    /// </summary>
    /// <returns>The header's length: <see cref="EmittedLength"/>.</returns>
    /// <exception cref="ArgumentException">The buffer is shorter than <see cref="EmittedLength"/> or longer than 65535 bytes.</exception>
    public int Emit(Span<byte> segment, Ipv4Address source, Ipv4Address destination)
    {
        int headerLength = EmittedLength;
        if (segment.Length < headerLength || segment.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"This TCP header takes {headerLength} bytes and a segment at most 65535; the buffer has {segment.Length}.", nameof(segment));
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment[SourcePortOffset..], SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment[DestinationPortOffset..], DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment[SequenceNumberOffset..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(segment[AcknowledgmentNumberOffset..], AcknowledgmentNumber);
        segment[DataOffsetOffset] = (byte)(headerLength / 4 << 4); // the reserved bits are zero
        segment[FlagsOffset] = (byte)Flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment[WindowOffset..], Window);
        BinaryPrimitives.WriteUInt16BigEndian(segment[ChecksumOffset..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(segment[UrgentPointerOffset..], UrgentPointer);
        if (MaximumSegmentSize != 0)
        {
            segment[MinLength] = MaximumSegmentSizeKind;
            segment[MinLength + 1] = MaximumSegmentSizeOptionLength;
            BinaryPrimitives.WriteUInt16BigEndian(segment[(MinLength + 2)..], MaximumSegmentSize);
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment[ChecksumOffset..], ComputeChecksum(segment, source, destination));
        return headerLength;
    }

    // The checksum of a whole segment whose checksum field is zero.
    internal static ushort ComputeChecksum(ReadOnlySpan<byte> segment, Ipv4Address source, Ipv4Address destination)
    {
        uint sum = InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Tcp, segment.Length);
        return InternetChecksum.Finish(InternetChecksum.Sum(segment, sum));
    }
}
