using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>
/// A view of an IPv4 packet in a buffer (RFC 791, 3.1): a getter and a setter per header
/// field, reading and writing the bytes where they lie, as a router edits a packet in place.
/// Create one with <see cref="TryCreate"/>, which checks the header once so that every
/// accessor is safe, or with the constructor to write a new packet. Setters write only
/// their field: call <see cref="UpdateChecksum"/> after them.
/// </summary>
public readonly ref struct Ipv4Packet
{
    private readonly Span<byte> buffer;

    /// <summary>
    /// A view for writing a packet into <paramref name="buffer"/>, which holds at least a
    /// 20-byte header. Writes version 4 and a header length of 20 (no options); the other
    /// bytes are left as they are.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is shorter than <see cref="Ipv4Header.MinLength"/>.</exception>
    public Ipv4Packet(Span<byte> buffer)
    {
        if (buffer.Length < Ipv4Header.MinLength)
        {
            throw new ArgumentException($"An IPv4 packet needs at least {Ipv4Header.MinLength} bytes; the buffer has {buffer.Length}.", nameof(buffer));
        }

        this.buffer = buffer;
        buffer[Ipv4Header.VersionAndIhlOffset] = (4 << 4) | (Ipv4Header.MinLength / 4);
    }

    // A view of a checked packet (or of a header alone, for reassembly), which ends at its total length and writes nothing.
    internal Ipv4Packet(Span<byte> buffer, int length) => this.buffer = buffer[..length];

    /// <summary>
    /// Checks the packet at the start of <paramref name="buffer"/> as
    /// <see cref="Ipv4Header.TryParse"/> does (length, version, header length, total length,
    /// checksum) and returns a view of exactly its total length (any Ethernet padding after
    /// it is left out), or says why not. Never throws.
    /// </summary>
    public static WireError TryCreate(Span<byte> buffer, out Ipv4Packet packet)
    {
        WireError error = Validate(buffer);
        packet = error == WireError.None
            ? new Ipv4Packet(buffer, BinaryPrimitives.ReadUInt16BigEndian(buffer[Ipv4Header.TotalLengthOffset..]))
            : default;
        return error;
    }

    // The structure check behind TryCreate and Ipv4Header.TryParse.
    internal static WireError Validate(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < Ipv4Header.MinLength)
        {
            return WireError.Truncated;
        }

        byte versionAndIhl = packet[Ipv4Header.VersionAndIhlOffset];
        if (versionAndIhl >> 4 != 4)
        {
            return WireError.BadVersion;
        }

        int headerLength = (versionAndIhl & 0xf) * 4;
        if (headerLength < Ipv4Header.MinLength)
        {
            return WireError.BadHeaderLength;
        }

        if (packet.Length < headerLength)
        {
            return WireError.Truncated;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[Ipv4Header.TotalLengthOffset..]);
        if (totalLength < headerLength || totalLength > packet.Length)
        {
            return WireError.BadLength;
        }

        int fragmentOffset = (BinaryPrimitives.ReadUInt16BigEndian(packet[Ipv4Header.FlagsAndOffsetOffset..]) & Ipv4Header.OffsetMask) * 8;
        if (fragmentOffset + totalLength > ushort.MaxValue)
        {
            return WireError.BadFragmentOffset; // no datagram is longer than 65,535 bytes
        }

        return InternetChecksum.Compute(packet[..headerLength]) != 0 ? WireError.BadChecksum : WireError.None;
    }

    /// <summary>The whole view: exactly the packet when made by <see cref="TryCreate"/>, the whole buffer when made by the constructor.</summary>
    public Span<byte> Bytes => buffer;

    /// <summary>The header, options included: the first <see cref="HeaderLength"/> bytes.</summary>
    public Span<byte> Header => buffer[..HeaderLength];

    /// <summary>The bytes from the end of the header to <see cref="TotalLength"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TotalLength"/> has been set outside the header and the buffer.</exception>
    public Span<byte> Payload => buffer[HeaderLength..TotalLength];

    /// <summary>The version field: 4.</summary>
    public int Version => buffer[Ipv4Header.VersionAndIhlOffset] >> 4;

    /// <summary>The header's length in bytes, options included: the IHL field times 4.</summary>
    public int HeaderLength => (buffer[Ipv4Header.VersionAndIhlOffset] & 0xf) * 4;

    /// <summary>The DSCP and ECN byte.</summary>
    public byte TypeOfService
    {
        get => buffer[Ipv4Header.TypeOfServiceOffset];
        set => buffer[Ipv4Header.TypeOfServiceOffset] = value;
    }

    /// <summary>The whole packet's length in bytes, header included.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is not from 0 to 65535.</exception>
    public int TotalLength
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[Ipv4Header.TotalLengthOffset..]);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, ushort.MaxValue);
            BinaryPrimitives.WriteUInt16BigEndian(buffer[Ipv4Header.TotalLengthOffset..], (ushort)value);
        }
    }

    /// <summary>Groups the fragments of one datagram.</summary>
    public ushort Identification
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[Ipv4Header.IdentificationOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[Ipv4Header.IdentificationOffset..], value);
    }

    /// <summary>DF: the packet must not be fragmented.</summary>
    public bool DontFragment
    {
        get => (FlagsAndOffset & Ipv4Header.DontFragmentBit) != 0;
        set => SetFlag(Ipv4Header.DontFragmentBit, value);
    }

    /// <summary>MF: more fragments follow this one.</summary>
    public bool MoreFragments
    {
        get => (FlagsAndOffset & Ipv4Header.MoreFragmentsBit) != 0;
        set => SetFlag(Ipv4Header.MoreFragmentsBit, value);
    }

    /// <summary>Where this fragment's data starts in the datagram, in bytes: the field times 8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is not a multiple of 8 from 0 to 65528.</exception>
    public int FragmentOffset
    {
        get => (FlagsAndOffset & Ipv4Header.OffsetMask) * 8;
        set
        {
            if (value < 0 || value % 8 != 0 || value / 8 > Ipv4Header.OffsetMask)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A fragment offset is a multiple of 8 bytes from 0 to 65528.");
            }

            FlagsAndOffset = (ushort)((FlagsAndOffset & ~Ipv4Header.OffsetMask) | (value / 8));
        }
    }

    /// <summary>Hops left; see <see cref="TryDecrementTimeToLive"/>.</summary>
    public byte TimeToLive
    {
        get => buffer[Ipv4Header.TimeToLiveOffset];
        set => buffer[Ipv4Header.TimeToLiveOffset] = value;
    }

    /// <summary>What the payload is.</summary>
    public IpProtocol Protocol
    {
        get => (IpProtocol)buffer[Ipv4Header.ProtocolOffset];
        set => buffer[Ipv4Header.ProtocolOffset] = (byte)value;
    }

    /// <summary>The header checksum as it is in the bytes.</summary>
    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[Ipv4Header.ChecksumOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[Ipv4Header.ChecksumOffset..], value);
    }

    /// <summary>The sender's address.</summary>
    public Ipv4Address Source
    {
        get => Ipv4Address.Read(buffer[Ipv4Header.SourceOffset..]);
        set => value.WriteTo(buffer[Ipv4Header.SourceOffset..]);
    }

    /// <summary>The final destination's address.</summary>
    public Ipv4Address Destination
    {
        get => Ipv4Address.Read(buffer[Ipv4Header.DestinationOffset..]);
        set => value.WriteTo(buffer[Ipv4Header.DestinationOffset..]);
    }

    private ushort FlagsAndOffset
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(buffer[Ipv4Header.FlagsAndOffsetOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[Ipv4Header.FlagsAndOffsetOffset..], value);
    }

    /// <summary>Computes the header checksum again over <see cref="Header"/> and writes it.</summary>
    public void UpdateChecksum()
    {
        Checksum = 0;
        Checksum = InternetChecksum.Compute(Header);
    }

    /// <summary>
    /// A router's step (RFC 1812, 5.3.1): when the TTL is above 1, takes one from it and
    /// updates the checksum incrementally (RFC 1624) and returns true; when it is 1 or 0,
    /// changes nothing and returns false: the packet is to be dropped.
    /// </summary>
    public bool TryDecrementTimeToLive()
    {
        byte ttl = TimeToLive;
        if (ttl <= 1)
        {
            return false;
        }

        // TTL and protocol share one 16-bit word of the checksummed header.
        Span<byte> word = buffer[Ipv4Header.TimeToLiveOffset..];
        ushort before = BinaryPrimitives.ReadUInt16BigEndian(word);
        TimeToLive = (byte)(ttl - 1);
        Checksum = InternetChecksum.Update(Checksum, before, BinaryPrimitives.ReadUInt16BigEndian(word));
        return true;
    }

    /// <summary>The parsed form of the header.</summary>
    public Ipv4Header ToHeader() => Ipv4Header.Read(buffer);

    private void SetFlag(ushort bit, bool on) =>
        FlagsAndOffset = (ushort)(on ? FlagsAndOffset | bit : FlagsAndOffset & ~bit);
}
