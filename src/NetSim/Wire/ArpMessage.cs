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
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is shorter than <see cref="ArpPacket.Length"/>.</exception>
    public ArpMessage(Span<byte> buffer)
    {
        if (buffer.Length < ArpPacket.Length)
        {
            throw new ArgumentException($"An ARP packet needs {ArpPacket.Length} bytes; the buffer has {buffer.Length}.", nameof(buffer));
        }

        this.buffer = buffer[..ArpPacket.Length];
        BinaryPrimitives.WriteUInt16BigEndian(buffer[ArpPacket.HardwareTypeOffset..], ArpPacket.EthernetHardware);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[ArpPacket.ProtocolTypeOffset..], (ushort)EtherType.IPv4);
        buffer[ArpPacket.HardwareLengthOffset] = MacAddress.Length;
        buffer[ArpPacket.ProtocolLengthOffset] = Ipv4Address.Length;
    }

    // A view of a checked packet, which writes nothing.
    private ArpMessage(Span<byte> buffer, int length) => this.buffer = buffer[..length];

    /// <summary>
    /// Checks that <paramref name="buffer"/> starts with an Ethernet/IPv4 ARP packet, as
    /// <see cref="ArpPacket.TryParse"/> does, and returns a view of its 28 bytes (any
    /// Ethernet padding after them is left out), or says why not. Never throws.
    /// </summary>
    public static WireError TryCreate(Span<byte> buffer, out ArpMessage message)
    {
        WireError error = Validate(buffer);
        message = error == WireError.None ? new ArpMessage(buffer, ArpPacket.Length) : default;
        return error;
    }

    // The check behind TryCreate and ArpPacket.TryParse.
    internal static WireError Validate(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < ArpPacket.Length)
        {
            return WireError.Truncated;
        }

        bool ethernetAndIpv4 = BinaryPrimitives.ReadUInt16BigEndian(bytes[ArpPacket.HardwareTypeOffset..]) == ArpPacket.EthernetHardware
            && BinaryPrimitives.ReadUInt16BigEndian(bytes[ArpPacket.ProtocolTypeOffset..]) == (ushort)EtherType.IPv4
            && bytes[ArpPacket.HardwareLengthOffset] == MacAddress.Length
            && bytes[ArpPacket.ProtocolLengthOffset] == Ipv4Address.Length;
        return ethernetAndIpv4 ? WireError.None : WireError.UnsupportedArpFormat;
    }

    /// <summary>The 28 bytes of the packet.</summary>
    public Span<byte> Bytes => buffer;

    /// <summary>Request or reply.</summary>
    public ArpOperation Operation
    {
        get => (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(buffer[ArpPacket.OperationOffset..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(buffer[ArpPacket.OperationOffset..], (ushort)value);
    }

    /// <summary>The sender's MAC address.</summary>
    public MacAddress SenderMac
    {
        get => MacAddress.Read(buffer[ArpPacket.SenderMacOffset..]);
        set => value.WriteTo(buffer[ArpPacket.SenderMacOffset..]);
    }

    /// <summary>The sender's IPv4 address.</summary>
    public Ipv4Address SenderIp
    {
        get => Ipv4Address.Read(buffer[ArpPacket.SenderIpOffset..]);
        set => value.WriteTo(buffer[ArpPacket.SenderIpOffset..]);
    }

    /// <summary>The target's MAC address (zero in a request: it is what is asked for).</summary>
    public MacAddress TargetMac
    {
        get => MacAddress.Read(buffer[ArpPacket.TargetMacOffset..]);
        set => value.WriteTo(buffer[ArpPacket.TargetMacOffset..]);
    }

    /// <summary>The IPv4 address asked about, or answered to.</summary>
    public Ipv4Address TargetIp
    {
        get => Ipv4Address.Read(buffer[ArpPacket.TargetIpOffset..]);
        set => value.WriteTo(buffer[ArpPacket.TargetIpOffset..]);
    }

    /// <summary>The parsed form of the packet.</summary>
    public ArpPacket ToPacket() => ArpPacket.Read(buffer);
}
