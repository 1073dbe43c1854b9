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
/// The Timestamps option of a TCP header (RFC 7323, 3.2): kind 8, length 10.
/// </summary>
/// <param name="Value">TSval: the sender's timestamp clock when it sent the segment.</param>
/// <param name="EchoReply">TSecr: the TSval the sender last received from its peer (RFC 7323, 4.3), echoed back; 0 in a SYN.</param>
public readonly record struct TcpTimestampOption(uint Value, uint EchoReply);

/// <summary>
/// The parsed form of a TCP header (RFC 9293, 3.1): ports, sequence and acknowledgment
/// numbers, control bits, window, urgent pointer and the options NetSim speaks (maximum
/// segment size, RFC 9293 3.7.1; window scale and timestamps, RFC 7323), read
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

    // The longest header: a data offset of 15 words (RFC 9293, 3.1), 40 bytes of options.
    internal const int MaxLength = 15 * 4;

    // Option kinds and lengths (RFC 9293, 3.2).
    internal const byte EndOfOptionList = 0;
    internal const byte NoOperation = 1;
    internal const byte MaximumSegmentSizeKind = 2;
    internal const int MaximumSegmentSizeOptionLength = 4;
    internal const byte WindowScaleKind = 3; // RFC 7323, 2.2
    internal const int WindowScaleOptionLength = 3;
    internal const byte TimestampsKind = 8; // RFC 7323, 3.2
    internal const int TimestampsOptionLength = 10;
    internal const byte SackPermittedKind = 4; // RFC 2018, 2
    internal const int SackPermittedOptionLength = 2;
    internal const byte SackKind = 5; // RFC 2018, 3
    internal const int SackBlockLength = 8;

    /// <summary>The largest window scale shift (RFC 7323, 2.3): a larger one received is taken as 14.</summary>
    public const int MaxWindowScale = 14;

    /// <summary>
    /// The window scale option (RFC 7323, 2.2; kind 3, length 3): the shift count the sender
    /// will apply to the windows it advertises after the SYN, or null for none. Meaningful
    /// only in a SYN or SYN-ACK.
    /// </summary>
    public byte? WindowScale { get; init; }

    /// <summary>The timestamps option (RFC 7323, 3.2), or null for none.</summary>
    public TcpTimestampOption? Timestamps { get; init; }

    /// <summary>Whether the SACK-permitted option (RFC 2018, 2; kind 4, length 2) is present. Meaningful only in a SYN or SYN-ACK.</summary>
    public bool SackPermitted { get; init; }

    /// <summary>The blocks of the SACK option (RFC 2018, 3; kind 5), or none (<see cref="TcpSackBlocks.Count"/> 0).</summary>
    public TcpSackBlocks SackBlocks { get; init; }

    /// <summary>
    /// The number of bytes <see cref="Emit"/> writes: 20 and the options, laid out as Linux
    /// lays them out (a multiple of 4), so that a caller can lay out the buffer before
    /// emitting: maximum segment size 4, timestamps 12 (two no-operations first), window
    /// scale 4 (one no-operation first), SACK-permitted 4 (with timestamps it takes their two
    /// no-operations' place, so costs nothing), SACK blocks 4 + 8 per block (two no-operations
    /// first). A SYN of Linux's with all four takes 40.
    /// </summary>
    public int EmittedLength => MinLength + OptionsLength;

    private int OptionsLength =>
        (MaximumSegmentSize != 0 ? MaximumSegmentSizeOptionLength : 0)
        + (Timestamps is not null ? 2 + TimestampsOptionLength : 0)
        + (WindowScale is not null ? 1 + WindowScaleOptionLength : 0)
        + (SackPermitted && Timestamps is null ? 2 + SackPermittedOptionLength : 0)
        + (SackBlocks.Count > 0 ? 2 + 2 + (SackBlockLength * SackBlocks.Count) : 0);

    /// <summary>
    /// Reads the header at the start of <paramref name="segment"/> (an IP packet's payload:
    /// the segment runs to its end), or says why it cannot: fewer than 20 bytes or than the
    /// data offset says, a data offset below 5, or an option that cannot be read (a length
    /// below 2, running past the header, a maximum segment size, window scale,
    /// timestamps or SACK-permitted option whose length is not 4, 3, 10 or 2, or a SACK
    /// option whose length is not 2 plus 8 times one to four blocks). Never throws. Does not check the checksum (see <see cref="VerifyChecksum"/>).
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
        TcpOptionValues options = default;
        if (headerLength > MinLength)
        {
            ReadOptions(segment[MinLength..headerLength], out options);
        }

        return new TcpHeader(
            BinaryPrimitives.ReadUInt16BigEndian(segment[SourcePortOffset..]),
            BinaryPrimitives.ReadUInt16BigEndian(segment[DestinationPortOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(segment[SequenceNumberOffset..]),
            BinaryPrimitives.ReadUInt32BigEndian(segment[AcknowledgmentNumberOffset..]),
            (TcpFlags)segment[FlagsOffset],
            BinaryPrimitives.ReadUInt16BigEndian(segment[WindowOffset..]),
            options.MaximumSegmentSize,
            BinaryPrimitives.ReadUInt16BigEndian(segment[UrgentPointerOffset..]),
            headerLength)
        {
            WindowScale = options.WindowScale,
            Timestamps = options.Timestamps,
            SackPermitted = options.SackPermitted,
            SackBlocks = options.SackBlocks,
        };
    }

    // Walks the options (RFC 9293, 3.2): end of list stops, a no-operation is one byte, any
    // other kind has a length byte counting itself and the kind, and is skipped by it. Finds
    // the options NetSim speaks (the last of each counts); one of them with a length not its own
    // is malformed (Linux ignores such an option; a simulator says why it dropped the segment).
    internal static WireError ReadOptions(ReadOnlySpan<byte> options, out TcpOptionValues values)
    {
        values = default;
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

            ReadOnlySpan<byte> value = options.Slice(at + 2, length - 2);
            switch (kind)
            {
                case MaximumSegmentSizeKind when length == MaximumSegmentSizeOptionLength:
                    values.MaximumSegmentSize = BinaryPrimitives.ReadUInt16BigEndian(value);
                    break;
                case WindowScaleKind when length == WindowScaleOptionLength:
                    values.WindowScale = value[0];
                    break;
                case TimestampsKind when length == TimestampsOptionLength:
                    values.Timestamps = new TcpTimestampOption(BinaryPrimitives.ReadUInt32BigEndian(value), BinaryPrimitives.ReadUInt32BigEndian(value[4..]));
                    break;
                case SackPermittedKind when length == SackPermittedOptionLength:
                    values.SackPermitted = true;
                    break;
                case SackKind when value.Length % SackBlockLength == 0 && value.Length / SackBlockLength is >= 1 and <= TcpSackBlocks.MaxCount:
                    TcpSackBlocks blocks = default;
                    for (int b = 0; b < value.Length; b += SackBlockLength)
                    {
                        blocks = blocks.Append(new TcpSackBlock(BinaryPrimitives.ReadUInt32BigEndian(value[b..]), BinaryPrimitives.ReadUInt32BigEndian(value[(b + 4)..])));
                    }

                    values.SackBlocks = blocks;
                    break;
                case MaximumSegmentSizeKind or WindowScaleKind or TimestampsKind or SackPermittedKind or SackKind:
                    return WireError.BadTcpOption; // a known option of the wrong length
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
    /// follow the header and end where the buffer ends. Writes the options that are set
    /// (the maximum segment size when <see cref="MaximumSegmentSize"/> is not 0, the
    /// timestamps, the window scale), in Linux's order and padding (see
    /// <see cref="EmittedLength"/>; <see cref="HeaderLength"/> is not read), and the checksum over the pseudo-header of
    /// <paramref name="source"/> and <paramref name="destination"/> and the whole segment.
    /// </summary>
    /// <returns>The header's length: <see cref="EmittedLength"/>.</returns>
    /// <exception cref="ArgumentException">The buffer is shorter than <see cref="EmittedLength"/> or longer than 65535 bytes, or the options take more than 40 bytes.</exception>
    public int Emit(Span<byte> segment, Ipv4Address source, Ipv4Address destination)
    {
        int headerLength = EmittedLength;
        if (headerLength > MaxLength)
        {
            throw new ArgumentException($"These options take {headerLength - MinLength} bytes; a TCP header has room for {MaxLength - MinLength}.", nameof(segment));
        }

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
        if (headerLength > MinLength)
        {
            WriteOptions(segment[MinLength..headerLength]);
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment[ChecksumOffset..], ComputeChecksum(segment, source, destination));
        return headerLength;
    }

    // The options in the order and padding of Linux's tcp_options_write, each on 32-bit words:
    // MSS; NOP NOP TS (a SACK-permitted option, when there is one, takes the two NOPs' place
    // before TS, or goes as NOP NOP SACK-permitted without TS); NOP WS; NOP NOP SACK blocks.
    private void WriteOptions(Span<byte> options)
    {
        int at = 0;
        if (MaximumSegmentSize != 0)
        {
            options[at] = MaximumSegmentSizeKind;
            options[at + 1] = MaximumSegmentSizeOptionLength;
            BinaryPrimitives.WriteUInt16BigEndian(options[(at + 2)..], MaximumSegmentSize);
            at += MaximumSegmentSizeOptionLength;
        }

        if (Timestamps is TcpTimestampOption timestamps)
        {
            if (SackPermitted)
            {
                options[at] = SackPermittedKind;
                options[at + 1] = SackPermittedOptionLength;
            }
            else
            {
                options[at] = NoOperation;
                options[at + 1] = NoOperation;
            }

            options[at + 2] = TimestampsKind;
            options[at + 3] = TimestampsOptionLength;
            BinaryPrimitives.WriteUInt32BigEndian(options[(at + 4)..], timestamps.Value);
            BinaryPrimitives.WriteUInt32BigEndian(options[(at + 8)..], timestamps.EchoReply);
            at += 2 + TimestampsOptionLength;
        }

        else if (SackPermitted)
        {
            options[at] = NoOperation;
            options[at + 1] = NoOperation;
            options[at + 2] = SackPermittedKind;
            options[at + 3] = SackPermittedOptionLength;
            at += 2 + SackPermittedOptionLength;
        }

        if (WindowScale is byte shift)
        {
            options[at] = NoOperation;
            options[at + 1] = WindowScaleKind;
            options[at + 2] = WindowScaleOptionLength;
            options[at + 3] = shift;
            at += 1 + WindowScaleOptionLength;
        }

        TcpSackBlocks blocks = SackBlocks;
        if (blocks.Count > 0)
        {
            options[at] = NoOperation;
            options[at + 1] = NoOperation;
            options[at + 2] = SackKind;
            options[at + 3] = (byte)(2 + (SackBlockLength * blocks.Count));
            at += 4;
            for (int i = 0; i < blocks.Count; i++, at += SackBlockLength)
            {
                BinaryPrimitives.WriteUInt32BigEndian(options[at..], blocks[i].Left);
                BinaryPrimitives.WriteUInt32BigEndian(options[(at + 4)..], blocks[i].Right);
            }
        }
    }

    // The checksum of a whole segment whose checksum field is zero.
    internal static ushort ComputeChecksum(ReadOnlySpan<byte> segment, Ipv4Address source, Ipv4Address destination)
    {
        uint sum = InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Tcp, segment.Length);
        return InternetChecksum.Finish(InternetChecksum.Sum(segment, sum));
    }
}

/// <summary>The options <see cref="TcpHeader.ReadOptions"/> found (each null or 0 when absent).</summary>
internal struct TcpOptionValues
{
    public ushort MaximumSegmentSize;
    public byte? WindowScale;
    public TcpTimestampOption? Timestamps;
    public bool SackPermitted;
    public TcpSackBlocks SackBlocks;
}
