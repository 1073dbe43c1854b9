using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>
/// A view of an Ethernet/IPv4 ARP packet in a buffer (RFC 826): a getter and a setter per
/// field over the 28 bytes, reading and writing them where they lie. Create one with
/// <see cref="TryCreate"/>, which checks the length and format once, or with the
/// constructor to write a new packet.
/// </summary>
public readonly ref struct ArpMessage
{
    private readonly Span<byte> buffer;

    /// <summary>
    /// A view for writing an ARP packet into the first 28 bytes of <paramref name="buffer"/>.
    /// Writes the fixed fields: Ethernet hardware, IPv4 protocol, and their address lengths.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is shorter than <see cref="ArpHeader.Length"/>.</exception>
    public ArpMessage(Span<byte> buffer)
    {
        if (buffer.Length < ArpHeader.Length)
        {
            throw new ArgumentException($"An ARP packet needs {ArpHeader.Length} bytes; the buffer has {buffer.Length}.", nameof(buffer));
        }

        this.buffer = buffer[..ArpHeader.Length];
        BinaryPrimitives.WriteUInt16BigEndian(buffer[ArpHeader.HardwareTypeOffset..], ArpHeader.EthernetHardware);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[ArpHeader.ProtocolTypeOffset..], (ushort)EtherType.IPv4);
        buffer[ArpHeader.HardwareLengthOffset] = MacAddress.Length;
        buffer[ArpHeader.ProtocolLengthOffset] = Ipv4Address.Length;
    }

    // A view of a checked packet, which writes nothing.
    private ArpMessage(Span<byte> buffer, int length) => this.buffer = buffer[..length];

    /// <summary>
    /// Checks that <paramref name="buffer"/> starts with an Ethernet/IPv4 ARP packet, as
    /// <see cref="ArpHeader.TryParse"/> does, and returns a view of its 28 bytes (any
    /// Ethernet padding after them is left out), or says why not. Never throws.
    /// </summary>
    public static WireError TryCreate(Span<byte> buffer, out ArpMessage message)
    {
        WireError error = Validate(buffer);
        message = error == WireError.None ? new ArpMessage(buffer, ArpHeader.Length) : default;
        return error;
    }

    // The check behind TryCreate and ArpHeader.TryParse.
    internal static WireError Validate(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < ArpHeader.Length)
        {
            return WireError.Truncated;
        }

        bool ethernetAndIpv4 = BinaryPrimitives.ReadUInt16BigEndian(bytes[ArpHeader.HardwareTypeOffset..]) == ArpHeader.EthernetHardware
            && BinaryPrimitives.ReadUInt16BigEndian(bytes[ArpHeader.ProtocolTypeOffset..]) == (ushort)EtherType.IPv4
            && bytes[ArpHeader.HardwareLengthOffset] == MacAddress.Length
            && bytes[ArpHeader.ProtocolLengthOffset] == Ipv4Address.Length;
        return ethernetAndIpv4 ? WireError.None : WireError.UnsupportedArpFormat;
    }

    /// <summary>The 28 bytes of the packet.</summary>
    public Span<byte> Bytes => buffer;

    /// <summary>Request or reply.</summary>
    public ArpOperation Operation
    {
        get => (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(buffer[ArpHeader.OperationOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[ArpHeader.OperationOffset..], (ushort)value);
    }

    /// <summary>The sender's MAC address.</summary>
    public MacAddress SenderMac
    {
        get => MacAddress.Read(buffer[ArpHeader.SenderMacOffset..]);
        set => value.WriteTo(buffer[ArpHeader.SenderMacOffset..]);
    }

    /// <summary>The sender's IPv4 address.</summary>
    public Ipv4Address SenderIp
    {
        get => Ipv4Address.Read(buffer[ArpHeader.SenderIpOffset..]);
        set => value.WriteTo(buffer[ArpHeader.SenderIpOffset..]);
    }

    /// <summary>The target's MAC address (zero in a request: it is what is asked for).</summary>
    public MacAddress TargetMac
    {
        get => MacAddress.Read(buffer[ArpHeader.TargetMacOffset..]);
        set => value.WriteTo(buffer[ArpHeader.TargetMacOffset..]);
    }

    /// <summary>The IPv4 address asked about, or answered to.</summary>
    public Ipv4Address TargetIp
    {
        get => Ipv4Address.Read(buffer[ArpHeader.TargetIpOffset..]);
        set => value.WriteTo(buffer[ArpHeader.TargetIpOffset..]);
    }

    /// <summary>The parsed form of the packet.</summary>
    public ArpHeader ToPacket() => ArpHeader.Read(buffer);
}
