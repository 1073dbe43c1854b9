using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>
/// A view of an Ethernet II frame in a buffer (IEEE 802.3 clause 3, without the preamble
/// and the FCS): a getter and a setter per header field, reading and writing the bytes
/// where they lie. Create one with <see cref="TryCreate"/>, which checks the length once so
/// that every accessor is safe, or with the constructor to write a new frame.
/// </summary>
public readonly ref struct EthernetFrame
{
    // Field offsets, declared once. An 802.1Q tag, when present, sits between the source
    // address and the EtherType of the payload (IEEE 802.1Q-2018, 9.3).
    internal const int DestinationOffset = 0;
    internal const int SourceOffset = DestinationOffset + MacAddress.Length;
    internal const int EtherTypeOffset = SourceOffset + MacAddress.Length;
    internal const int VlanTciOffset = EtherTypeOffset + 2;
    internal const int InnerEtherTypeOffset = VlanTciOffset + 2;

    /// <summary>The length of an untagged header: destination, source and EtherType, 14 bytes.</summary>
    public const int HeaderLength = EtherTypeOffset + 2;

    /// <summary>The length of an 802.1Q-tagged header, 18 bytes.</summary>
    public const int TaggedHeaderLength = InnerEtherTypeOffset + 2;

    /// <summary>The length of the frame check sequence that follows the frame on the wire.</summary>
    public const int FcsLength = 4;

    /// <summary>The shortest frame without its FCS, 60 bytes (64 with it); shorter ones are padded with zeros when sent.</summary>
    public const int MinLength = 60;

    /// <summary>The largest payload of a standard frame: the Ethernet MTU, 1500 bytes.</summary>
    public const int Mtu = 1500;

    /// <summary>The longest untagged frame without its FCS, 1514 bytes.</summary>
    public const int MaxLength = HeaderLength + Mtu;

    /// <summary>The longest 802.1Q-tagged frame without its FCS, 1518 bytes.</summary>
    public const int MaxTaggedLength = TaggedHeaderLength + Mtu;

    /// <summary>The smallest value of the type/length field that is an EtherType; below it is an 802.3 length.</summary>
    public const ushort MinEtherType = 0x0600;

    private readonly Span<byte> buffer;

    /// <summary>A view for writing a frame into <paramref name="buffer"/>, which holds at least a header.</summary>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is shorter than <see cref="HeaderLength"/>.</exception>
    public EthernetFrame(Span<byte> buffer)
    {
        if (buffer.Length < HeaderLength)
        {
            throw new ArgumentException($"An Ethernet frame needs at least {HeaderLength} bytes; the buffer has {buffer.Length}.", nameof(buffer));
        }

        this.buffer = buffer;
    }

    /// <summary>
    /// Checks that <paramref name="buffer"/> holds a whole header (tag included) and
    /// returns a view of it, or says why not. Never throws.
    /// </summary>
    public static WireError TryCreate(Span<byte> buffer, out EthernetFrame frame)
    {
        WireError error = Validate(buffer);
        frame = error == WireError.None ? new EthernetFrame(buffer) : default;
        return error;
    }

    // The structure check behind TryCreate and EthernetHeader.TryParse.
    internal static WireError Validate(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length < HeaderLength)
        {
            return WireError.Truncated;
        }

        ushort typeOrLength = BinaryPrimitives.ReadUInt16BigEndian(buffer[EtherTypeOffset..]);
        if (typeOrLength < MinEtherType)
        {
            return WireError.LengthFieldNotEtherType;
        }

        bool tagged = typeOrLength == (ushort)EtherType.Vlan;
        if (tagged && buffer.Length < TaggedHeaderLength)
        {
            return WireError.Truncated;
        }

        return buffer.Length > (tagged ? MaxTaggedLength : MaxLength) ? WireError.TooLong : WireError.None;
    }

    /// <summary>The whole frame.</summary>
    public Span<byte> Bytes => buffer;

    /// <summary>Who the frame is for.</summary>
    public MacAddress Destination
    {
        get => MacAddress.Read(buffer[DestinationOffset..]);
        set => value.WriteTo(buffer[DestinationOffset..]);
    }

    /// <summary>Who sent the frame.</summary>
    public MacAddress Source
    {
        get => MacAddress.Read(buffer[SourceOffset..]);
        set => value.WriteTo(buffer[SourceOffset..]);
    }

    /// <summary>The type field after the source address: the payload's protocol, or <see cref="EtherType.Vlan"/> when a tag follows.</summary>
    public EtherType EtherType
    {
        get => (EtherType)BinaryPrimitives.ReadUInt16BigEndian(buffer[EtherTypeOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[EtherTypeOffset..], (ushort)value);
    }

    /// <summary>True when an 802.1Q tag follows the source address.</summary>
    public bool HasVlanTag => EtherType == EtherType.Vlan;

    /// <summary>The tag control information of an 802.1Q tag: priority (3 bits), drop eligible (1), VLAN id (12). Only valid when <see cref="HasVlanTag"/>.</summary>
    public ushort VlanTci
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[VlanTciOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[VlanTciOffset..], value);
    }

    /// <summary>The protocol of the payload, after the tag if there is one.</summary>
    public EtherType PayloadType =>
        HasVlanTag ? (EtherType)BinaryPrimitives.ReadUInt16BigEndian(buffer[InnerEtherTypeOffset..]) : EtherType;

    /// <summary>The length of the header, tag included: 14 or 18 bytes.</summary>
    public int HeaderLengthWithTag => HasVlanTag ? TaggedHeaderLength : HeaderLength;

    /// <summary>The bytes after the header (padding included: Ethernet II has no length field).</summary>
    public Span<byte> Payload => buffer[HeaderLengthWithTag..];
}
