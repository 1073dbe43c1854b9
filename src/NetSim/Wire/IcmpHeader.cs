using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>ICMP message types (RFC 792) that NetSim sends and reads. Other values are kept as values.</summary>
public enum IcmpType : byte
{
    /// <summary>The answer to an echo request (ping).</summary>
    EchoReply = 0,

    /// <summary>The packet could not be delivered; the code says why.</summary>
    DestinationUnreachable = 3,

    /// <summary>A ping.</summary>
    EchoRequest = 8,

    /// <summary>The TTL reached zero in transit (code 0), or reassembly timed out (code 1).</summary>
    TimeExceeded = 11,
}

/// <summary>The codes of <see cref="IcmpType.DestinationUnreachable"/> (RFC 792, RFC 1191).</summary>
public enum UnreachableCode : byte
{
    /// <summary>No route to the destination network.</summary>
    Network = 0,

    /// <summary>The host did not answer ARP.</summary>
    Host = 1,

    /// <summary>The destination does not speak the IP protocol.</summary>
    Protocol = 2,

    /// <summary>Nothing listens on the destination port.</summary>
    Port = 3,

    /// <summary>The packet needs fragmenting but has DF set; the next-hop MTU is given (RFC 1191).</summary>
    FragmentationNeeded = 4,
}

/// <summary>
/// The parsed form of an ICMP header (RFC 792): type, code and the four bytes after the
/// checksum, whose meaning depends on the type (identifier and sequence number of an echo,
/// next-hop MTU of "fragmentation needed"). The checksum covers the whole message; the
/// data after the 8 bytes (the echo's payload, or the offending IP header and 8 bytes of
/// its payload for an error) stays in the buffer.
/// </summary>
/// <param name="Type">The message type.</param>
/// <param name="Code">The code within the type.</param>
/// <param name="Identifier">An echo's identifier.</param>
/// <param name="SequenceNumber">An echo's sequence number.</param>
/// <param name="NextHopMtu">The MTU of the next hop, for "fragmentation needed".</param>
public readonly record struct IcmpHeader(IcmpType Type, byte Code, ushort Identifier = 0, ushort SequenceNumber = 0, ushort NextHopMtu = 0)
{
    // Field offsets, declared once (RFC 792).
    internal const int TypeOffset = 0;
    internal const int CodeOffset = 1;
    internal const int ChecksumOffset = 2;
    internal const int IdentifierOffset = 4;
    internal const int SequenceOffset = 6;
    internal const int NextHopMtuOffset = 6;

    /// <summary>The length of the header, 8 bytes.</summary>
    public const int Length = SequenceOffset + 2;

    /// <summary>How much of the offending packet an error carries after its IP header: 8 bytes (RFC 792).</summary>
    public const int ErrorDataLength = 8;

    /// <summary>True for echo requests and replies, whose identifier and sequence number mean something.</summary>
    public bool IsEcho => Type is IcmpType.EchoRequest or IcmpType.EchoReply;

    /// <summary>Reads the header of the ICMP message <paramref name="message"/> after checking its checksum, or says why it cannot. Never throws.</summary>
    public static WireError TryParse(ReadOnlySpan<byte> message, out IcmpHeader header)
    {
        header = default;
        WireError error = IcmpMessage.Validate(message);
        if (error != WireError.None)
        {
            return error;
        }

        header = Read(message);
        return WireError.None;
    }

    // Reads the fields of a checked message (the parse above and IcmpMessage.ToHeader). Only
    // the fields the type gives a meaning are kept; the others read as zero.
    internal static IcmpHeader Read(ReadOnlySpan<byte> message)
    {
        var type = (IcmpType)message[TypeOffset];
        bool echo = type is IcmpType.EchoRequest or IcmpType.EchoReply;
        return new IcmpHeader(
            type,
            message[CodeOffset],
            echo ? BinaryPrimitives.ReadUInt16BigEndian(message[IdentifierOffset..]) : (ushort)0,
            echo ? BinaryPrimitives.ReadUInt16BigEndian(message[SequenceOffset..]) : (ushort)0,
            type == IcmpType.DestinationUnreachable ? BinaryPrimitives.ReadUInt16BigEndian(message[NextHopMtuOffset..]) : (ushort)0);
    }

    /// <summary>
    /// Writes the header into the first 8 bytes of <paramref name="message"/>, whose data
    /// must already follow, and the checksum over all of it.
    /// </summary>
    /// <exception cref="ArgumentException">The message is shorter than 8 bytes.</exception>
    public void Emit(Span<byte> message)
    {
        if (message.Length < Length)
        {
            throw new ArgumentException($"An ICMP header takes {Length} bytes; the buffer has {message.Length}.", nameof(message));
        }

        message[TypeOffset] = (byte)Type;
        message[CodeOffset] = Code;
        BinaryPrimitives.WriteUInt16BigEndian(message[ChecksumOffset..], 0);
        if (IsEcho)
        {
            BinaryPrimitives.WriteUInt16BigEndian(message[IdentifierOffset..], Identifier);
            BinaryPrimitives.WriteUInt16BigEndian(message[SequenceOffset..], SequenceNumber);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(message[IdentifierOffset..], 0); // unused
            BinaryPrimitives.WriteUInt16BigEndian(message[NextHopMtuOffset..], Type == IcmpType.DestinationUnreachable ? NextHopMtu : (ushort)0);
        }

        BinaryPrimitives.WriteUInt16BigEndian(message[ChecksumOffset..], InternetChecksum.Compute(message));
    }
}
