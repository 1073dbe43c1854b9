using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>
/// A view of a TCP segment in a buffer (RFC 9293, 3.1): a getter and a setter per header
/// field, reading and writing the bytes where they lie, and the payload after the header
/// and its options. The segment is the whole buffer (TCP has no length field: it ends where
/// the IP packet's payload ends). Create one with <see cref="TryCreate"/>, which checks the
/// structure and options once so that every accessor is safe, or with the constructor to
/// write a new segment. Setters write only their field: call <see cref="UpdateChecksum"/>
/// after them and after writing the payload.
/// </summary>
public readonly ref struct TcpSegment
{
    private readonly Span<byte> buffer;

    /// <summary>
    /// A view for writing a segment that fills <paramref name="buffer"/>, which holds at
    /// least a 20-byte header. Writes a data offset of 5 (a 20-byte header, no options) and
    /// zero reserved bits; the other bytes are left as they are.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is shorter than <see cref="TcpHeader.MinLength"/> or longer than 65535 bytes.</exception>
    public TcpSegment(Span<byte> buffer)
    {
        if (buffer.Length is < TcpHeader.MinLength or > ushort.MaxValue)
        {
            throw new ArgumentException($"A TCP segment takes {TcpHeader.MinLength} to 65535 bytes; the buffer has {buffer.Length}.", nameof(buffer));
        }

        this.buffer = buffer;
        buffer[TcpHeader.DataOffsetOffset] = TcpHeader.MinLength / 4 << 4;
    }

    // A view of a checked segment, which writes nothing.
    private TcpSegment(Span<byte> buffer, bool _) => this.buffer = buffer;

    /// <summary>
    /// Checks the segment <paramref name="buffer"/> (an IP packet's payload: the segment
    /// runs to its end) as <see cref="TcpHeader.TryParse"/> does (length, data offset,
    /// options; not the checksum) and returns a view of it, or says why not. Never throws.
    /// </summary>
    public static WireError TryCreate(Span<byte> buffer, out TcpSegment segment)
    {
        WireError error = Validate(buffer);
        segment = error == WireError.None ? new TcpSegment(buffer, true) : default;
        return error;
    }

    // The structure check behind TryCreate and TcpHeader.TryParse.
    internal static WireError Validate(ReadOnlySpan<byte> segment)
    {
        if (segment.Length < TcpHeader.MinLength)
        {
            return WireError.Truncated;
        }

        int headerLength = (segment[TcpHeader.DataOffsetOffset] >> 4) * 4;
        if (headerLength < TcpHeader.MinLength)
        {
            return WireError.BadHeaderLength;
        }

        if (segment.Length < headerLength)
        {
            return WireError.Truncated;
        }

        return TcpHeader.ReadOptions(segment[TcpHeader.MinLength..headerLength], out _);
    }

    /// <summary>The whole segment.</summary>
    public Span<byte> Bytes => buffer;

    /// <summary>The bytes after the header and its options.</summary>
    public Span<byte> Payload => buffer[HeaderLength..];

    /// <summary>The header's length in bytes, options included: the data offset field times 4.</summary>
    public int HeaderLength => (buffer[TcpHeader.DataOffsetOffset] >> 4) * 4;

    /// <summary>The sender's port.</summary>
    public ushort SourcePort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[TcpHeader.SourcePortOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[TcpHeader.SourcePortOffset..], value);
    }

    /// <summary>The receiver's port.</summary>
    public ushort DestinationPort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[TcpHeader.DestinationPortOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[TcpHeader.DestinationPortOffset..], value);
    }

    /// <summary>The sequence number of the first data byte (of the SYN itself when SYN is set).</summary>
    public uint SequenceNumber
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(buffer[TcpHeader.SequenceNumberOffset..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(buffer[TcpHeader.SequenceNumberOffset..], value);
    }

    /// <summary>The next sequence number the sender expects to receive, when ACK is set.</summary>
    public uint AcknowledgmentNumber
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(buffer[TcpHeader.AcknowledgmentNumberOffset..]);
        set => BinaryPrimitives.WriteUInt32BigEndian(buffer[TcpHeader.AcknowledgmentNumberOffset..], value);
    }

    /// <summary>The control bits.</summary>
    public TcpFlags Flags
    {
        get => (TcpFlags)buffer[TcpHeader.FlagsOffset];
        set => buffer[TcpHeader.FlagsOffset] = (byte)value;
    }

    /// <summary>How many bytes, from the acknowledgment number on, the sender will accept.</summary>
    public ushort Window
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[TcpHeader.WindowOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[TcpHeader.WindowOffset..], value);
    }

    /// <summary>The checksum as it is in the bytes.</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[TcpHeader.ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[TcpHeader.ChecksumOffset..], value);
    }

    /// <summary>Where urgent data ends, as an offset from the sequence number, when URG is set.</summary>
    public ushort UrgentPointer
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[TcpHeader.UrgentPointerOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[TcpHeader.UrgentPointerOffset..], value);
    }

    /// <summary>
    /// Computes the checksum again over the pseudo-header of <paramref name="source"/> and
    /// <paramref name="destination"/> and the whole segment, and writes it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The segment is longer than 65535 bytes.</exception>
    public void UpdateChecksum(Ipv4Address source, Ipv4Address destination)
    {
        Checksum = 0;
        Checksum = TcpHeader.ComputeChecksum(buffer, source, destination);
    }

    /// <summary>The parsed form of the header, with the maximum segment size option when there is one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The view was made by the constructor and the data offset set past the buffer.</exception>
    public TcpHeader ToHeader() => TcpHeader.Read(buffer);
}
