using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>
/// A view of a UDP datagram in a buffer (RFC 768): a getter and a setter per header field,
/// reading and writing the bytes where they lie, and the payload after the 8-byte header.
/// Create one with <see cref="TryCreate"/>, which checks the structure once so that every
/// accessor is safe, or with the constructor to write a new datagram. Setters write only
/// their field: call <see cref="UpdateChecksum"/> after them and after writing the payload.
/// </summary>
public readonly ref struct UdpDatagram
{
    private readonly Span<byte> buffer;

    /// <summary>
    /// A view for writing a datagram that fills <paramref name="buffer"/>, which holds at
    /// least the 8-byte header. Writes the length field as the buffer's length; the other
    /// bytes are left as they are.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is shorter than <see cref="UdpHeader.HeaderLength"/> or longer than 65535 bytes.</exception>
    public UdpDatagram(Span<byte> buffer)
    {
        if (buffer.Length is < UdpHeader.HeaderLength or > ushort.MaxValue)
        {
            throw new ArgumentException($"A UDP datagram takes {UdpHeader.HeaderLength} to 65535 bytes; the buffer has {buffer.Length}.", nameof(buffer));
        }

        this.buffer = buffer;
        Length = buffer.Length;
    }

    // A view of a checked datagram, which ends at its length field and writes nothing.
    private UdpDatagram(Span<byte> buffer, int length) => this.buffer = buffer[..length];

    /// <summary>
    /// Checks the datagram at the start of <paramref name="buffer"/> as
    /// <see cref="UdpHeader.TryParse"/> does (length, length field; not the checksum) and
    /// returns a view of exactly its length field's bytes, or says why not. Never throws.
    /// </summary>
    public static WireError TryCreate(Span<byte> buffer, out UdpDatagram datagram)
    {
        WireError error = Validate(buffer);
        datagram = error == WireError.None
            ? new UdpDatagram(buffer, BinaryPrimitives.ReadUInt16BigEndian(buffer[UdpHeader.LengthOffset..]))
            : default;
        return error;
    }

    // The structure check behind TryCreate, UdpHeader.TryParse and UdpHeader.VerifyChecksum.
    internal static WireError Validate(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < UdpHeader.HeaderLength)
        {
            return WireError.Truncated;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[UdpHeader.LengthOffset..]);
        return length < UdpHeader.HeaderLength || length > datagram.Length ? WireError.BadLength : WireError.None;
    }

    /// <summary>The whole view: exactly the datagram when made by <see cref="TryCreate"/>, the whole buffer when made by the constructor.</summary>
    public Span<byte> Bytes => buffer;

    /// <summary>The bytes from the end of the 8-byte header to <see cref="Length"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Length"/> has been set outside the header and the view.</exception>
    public Span<byte> Payload => buffer[UdpHeader.HeaderLength..Length];

    /// <summary>The sender's port, or 0 when no reply is expected.</summary>
    public ushort SourcePort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[UdpHeader.SourcePortOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[UdpHeader.SourcePortOffset..], value);
    }

    /// <summary>The receiver's port.</summary>
    public ushort DestinationPort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[UdpHeader.DestinationPortOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[UdpHeader.DestinationPortOffset..], value);
    }

    /// <summary>The datagram's length in bytes, header included.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is not from 0 to 65535.</exception>
    public int Length
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[UdpHeader.LengthOffset..]);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, ushort.MaxValue);
            BinaryPrimitives.WriteUInt16BigEndian(buffer[UdpHeader.LengthOffset..], (ushort)value);
        }
    }

    /// <summary>The checksum as it is in the bytes (0: none was computed).</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[UdpHeader.ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[UdpHeader.ChecksumOffset..], value);
    }

    /// <summary>
    /// Computes the checksum again over the pseudo-header of <paramref name="source"/> and
    /// <paramref name="destination"/> and the first <see cref="Length"/> bytes, and writes it
    /// (0xFFFF for a computed 0, as <see cref="UdpHeader.Emit"/> does).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Length"/> has been set past the view.</exception>
    public void UpdateChecksum(Ipv4Address source, Ipv4Address destination)
    {
        Checksum = 0;
        Checksum = UdpHeader.ComputeChecksum(buffer[..Length], source, destination);
    }

    /// <summary>The parsed form of the header.</summary>
    public UdpHeader ToHeader() => UdpHeader.Read(buffer);
}
