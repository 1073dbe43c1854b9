using System.Buffers.Binary;

namespace NetSim.Wire;

/// <summary>The operation of an ARP packet (RFC 826). Other values are kept as values.</summary>
public enum ArpOperation : ushort
{
    /// <summary>Who has this IP address? (Sent to broadcast.)</summary>
    Request = 1,

    /// <summary>I have it, and this is my MAC address. (Sent to the asker.)</summary>
    Reply = 2,
}

/// <summary>
/// The parsed form of an ARP packet for Ethernet and IPv4 (RFC 826): 28 bytes after the
/// Ethernet header, read with <see cref="TryParse"/> and written with <see cref="Emit"/>.
/// As for every protocol in Wire, the parsed form is the <c>...Header</c> value and the view
/// over the bytes is named for the unit (<see cref="ArpMessage"/>, as <c>Ipv4Packet</c>,
/// <c>UdpDatagram</c>, <c>TcpSegment</c> and <c>EthernetFrame</c>).
/// </summary>
/// <param name="Operation">Request or reply.</param>
/// <param name="SenderMac">The sender's MAC address.</param>
/// <param name="SenderIp">The sender's IPv4 address.</param>
/// <param name="TargetMac">The target's MAC address (zero in a request: it is what is asked for).</param>
/// <param name="TargetIp">The IPv4 address asked about, or answered to.</param>
public readonly record struct ArpHeader(ArpOperation Operation, MacAddress SenderMac, Ipv4Address SenderIp, MacAddress TargetMac, Ipv4Address TargetIp)
{
    // Field offsets, declared once (RFC 826, "Packet format").
    internal const int HardwareTypeOffset = 0;
    internal const int ProtocolTypeOffset = HardwareTypeOffset + 2;
    internal const int HardwareLengthOffset = ProtocolTypeOffset + 2;
    internal const int ProtocolLengthOffset = HardwareLengthOffset + 1;
    internal const int OperationOffset = ProtocolLengthOffset + 1;
    internal const int SenderMacOffset = OperationOffset + 2;
    internal const int SenderIpOffset = SenderMacOffset + MacAddress.Length;
    internal const int TargetMacOffset = SenderIpOffset + Ipv4Address.Length;
    internal const int TargetIpOffset = TargetMacOffset + MacAddress.Length;
    internal const ushort EthernetHardware = 1;

    /// <summary>The length of an Ethernet/IPv4 ARP packet, 28 bytes.</summary>
    public const int Length = TargetIpOffset + Ipv4Address.Length;

    /// <summary>A request: <paramref name="senderMac"/> at <paramref name="senderIp"/> asks who has <paramref name="targetIp"/>.</summary>
    public static ArpHeader Request(MacAddress senderMac, Ipv4Address senderIp, Ipv4Address targetIp) =>
        new(ArpOperation.Request, senderMac, senderIp, MacAddress.Zero, targetIp);

    /// <summary>The reply to this request from <paramref name="ownerMac"/>, the owner of its target address.</summary>
    public ArpHeader ReplyFrom(MacAddress ownerMac) =>
        new(ArpOperation.Reply, ownerMac, TargetIp, SenderMac, SenderIp);

    /// <summary>Reads an ARP packet, or says why it cannot. Bytes after the 28 (Ethernet padding) are ignored. Never throws.</summary>
    public static WireError TryParse(ReadOnlySpan<byte> bytes, out ArpHeader packet)
    {
        packet = default;
        WireError error = ArpMessage.Validate(bytes);
        if (error != WireError.None)
        {
            return error;
        }

        packet = Read(bytes);
        return WireError.None;
    }

    // Reads the fields of a checked packet (the parse above and ArpMessage.ToPacket).
    internal static ArpHeader Read(ReadOnlySpan<byte> bytes) => new(
        (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(bytes[OperationOffset..]),
        MacAddress.Read(bytes[SenderMacOffset..]),
        Ipv4Address.Read(bytes[SenderIpOffset..]),
        MacAddress.Read(bytes[TargetMacOffset..]),
        Ipv4Address.Read(bytes[TargetIpOffset..]));

    /// <summary>Writes the 28 bytes into the start of <paramref name="bytes"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is shorter than 28 bytes.</exception>
    public void Emit(Span<byte> bytes)
    {
        if (bytes.Length < Length)
        {
            throw new ArgumentException($"An ARP packet takes {Length} bytes; the buffer has {bytes.Length}.", nameof(bytes));
        }

        var view = new ArpMessage(bytes); // writes the fixed fields
        view.Operation = Operation;
        view.SenderMac = SenderMac;
        view.SenderIp = SenderIp;
        view.TargetMac = TargetMac;
        view.TargetIp = TargetIp;
    }
}
