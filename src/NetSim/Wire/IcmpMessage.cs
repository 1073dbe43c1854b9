using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>
/// A view of an ICMP message in a buffer (RFC 792): a getter and a setter per header field,
/// reading and writing the bytes where they lie, and the data after the 8-byte header.
/// Create one with <see cref="TryCreate"/>, which checks the length and checksum once, or
/// with the constructor to write a new message. Setters write only their field: call
/// <see cref="UpdateChecksum"/> after them and after writing the data.
/// </summary>
public readonly ref struct IcmpMessage
{
    private readonly Span<byte> buffer;

    /// <summary>A view for writing a message into <paramref name="buffer"/>, which holds at least the 8-byte header; the message is the whole buffer.</summary>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is shorter than <see cref="IcmpHeader.Length"/>.</exception>
    public IcmpMessage(Span<byte> buffer)
    {
        if (buffer.Length < IcmpHeader.Length)
        {
            throw new ArgumentException($"An ICMP message needs at least {IcmpHeader.Length} bytes; the buffer has {buffer.Length}.", nameof(buffer));
        }

        this.buffer = buffer;
    }

    /// <summary>
    /// Checks that <paramref name="buffer"/> (an IP packet's payload: the message runs to
    /// its end) holds a header and a good checksum, as <see cref="IcmpHeader.TryParse"/>
    /// does, and returns a view of it, or says why not. Never throws.
    /// </summary>
    public static WireError TryCreate(Span<byte> buffer, out IcmpMessage message)
    {
        WireError error = Validate(buffer);
        message = error == WireError.None ? new IcmpMessage(buffer) : default;
        return error;
    }

    // The check behind TryCreate and IcmpHeader.TryParse.
    internal static WireError Validate(ReadOnlySpan<byte> message)
    {
        if (message.Length < IcmpHeader.Length)
        {
            return WireError.Truncated;
        }

        return InternetChecksum.Compute(message) != 0 ? WireError.BadChecksum : WireError.None;
    }

    /// <summary>The whole message.</summary>
    public Span<byte> Bytes => buffer;

    /// <summary>The bytes after the 8-byte header: an echo's payload, or the offending IP header and 8 bytes of its payload for an error.</summary>
    public Span<byte> Data => buffer[IcmpHeader.Length..];

    /// <summary>The message type.</summary>
    public IcmpType Type
    {
        get => (IcmpType)buffer[IcmpHeader.TypeOffset];
        set => buffer[IcmpHeader.TypeOffset] = (byte)value;
    }

    /// <summary>The code within the type.</summary>
    public byte Code
    {
        get => buffer[IcmpHeader.CodeOffset];
        set => buffer[IcmpHeader.CodeOffset] = value;
    }

    /// <summary>The checksum over the whole message, as it is in the bytes.</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[IcmpHeader.ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[IcmpHeader.ChecksumOffset..], value);
    }

    /// <summary>An echo's identifier: bytes 4 and 5, whatever the type.</summary>
    public ushort Identifier
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[IcmpHeader.IdentifierOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[IcmpHeader.IdentifierOffset..], value);
    }

    /// <summary>An echo's sequence number: bytes 6 and 7, whatever the type.</summary>
    public ushort SequenceNumber
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[IcmpHeader.SequenceOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[IcmpHeader.SequenceOffset..], value);
    }

    /// <summary>The next hop's MTU in a "fragmentation needed" message (RFC 1191): bytes 6 and 7, the same as <see cref="SequenceNumber"/>.</summary>
    public ushort NextHopMtu
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[IcmpHeader.NextHopMtuOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[IcmpHeader.NextHopMtuOffset..], value);
    }

    /// <summary>Computes the checksum again over the whole message and writes it.</summary>
    public void UpdateChecksum()
    {
        Checksum = 0;
        Checksum = InternetChecksum.Compute(buffer);
    }

    /// <summary>The parsed form of the header, which keeps only the fields the type gives a meaning.</summary>
    public IcmpHeader ToHeader() => IcmpHeader.Read(buffer);
}
