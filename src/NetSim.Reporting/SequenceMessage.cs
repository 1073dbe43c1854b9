using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NetSim.Wire;

namespace NetSim.Reporting;

// What one message is, read from the bytes of the first frame that carried it: the label a
// textbook writes on its arrow ("SYN, ACK", "GET /", "ARP who-has 192.168.1.1"), the
// protocols it belongs to, and for TCP its flow and whether it is bulk (data or a pure ACK).
internal readonly record struct SequenceMessage(
    string Label,
    SequenceProtocols Layers,
    TcpFlow? Flow,
    BulkKind Bulk,
    int PayloadLength,
    MacAddress EthernetDestination,
    Ipv4Address? IpDestination)
{
    public static SequenceMessage Of(ReadOnlySpan<byte> frame, int lengthOnWire)
    {
        if (EthernetHeader.TryParse(frame, out EthernetHeader ethernet) != WireError.None)
        {
            return Other("malformed frame", default);
        }

        ReadOnlySpan<byte> payload = frame[ethernet.Length..];
        return ethernet.PayloadType switch
        {
            EtherType.Arp => Arp(payload, ethernet.Destination),
            EtherType.IPv4 => Ipv4(payload, ethernet.Destination, lengthOnWire - ethernet.Length),
            _ => Other(string.Create(CultureInfo.InvariantCulture, $"ethertype 0x{(ushort)ethernet.PayloadType:x4}"), ethernet.Destination),
        };
    }

    private static SequenceMessage Other(string label, MacAddress destination) =>
        new(label, SequenceProtocols.Other, null, BulkKind.None, 0, destination, null);

    private static SequenceMessage Arp(ReadOnlySpan<byte> payload, MacAddress destination)
    {
        if (ArpHeader.TryParse(payload, out ArpHeader arp) != WireError.None)
        {
            return new("ARP, malformed", SequenceProtocols.Arp, null, BulkKind.None, 0, destination, null);
        }

        string label = arp.Operation switch
        {
            ArpOperation.Request => string.Create(CultureInfo.InvariantCulture, $"ARP who-has {arp.TargetIp}"),
            ArpOperation.Reply => string.Create(CultureInfo.InvariantCulture, $"ARP {arp.SenderIp} is-at {arp.SenderMac}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"ARP operation {(ushort)arp.Operation}"),
        };
        return new(label, SequenceProtocols.Arp, null, BulkKind.None, 0, destination, null);
    }

    private static SequenceMessage Ipv4(ReadOnlySpan<byte> payload, MacAddress destination, int packetLengthOnWire)
    {
        if (!KeptPacket.TryParseIpv4(payload, packetLengthOnWire, out Ipv4Header ip, out int totalLength))
        {
            return Other("IPv4, malformed", destination);
        }

        SequenceMessage Make(string label, SequenceProtocols layers) => new(label, layers, null, BulkKind.None, 0, destination, ip.Destination);

        if (ip.FragmentOffset != 0)
        {
            return Make(string.Create(CultureInfo.InvariantCulture, $"IPv4 fragment, offset {ip.FragmentOffset}"), LayerOf(ip.Protocol));
        }

        // What was kept of the payload (a snap length may have cut it) and how long it was.
        ReadOnlySpan<byte> data = payload[ip.HeaderLength..Math.Min(payload.Length, totalLength)];
        int dataLength = totalLength - ip.HeaderLength;
        switch (ip.Protocol)
        {
            case IpProtocol.Icmp:
                if (IcmpHeader.TryParse(data, out IcmpHeader icmp) != WireError.None)
                {
                    return Make("ICMP, malformed", SequenceProtocols.Icmp);
                }

                return Make(icmp.Type switch
                {
                    IcmpType.EchoRequest => "ICMP echo request",
                    IcmpType.EchoReply => "ICMP echo reply",
                    IcmpType.TimeExceeded => "ICMP time exceeded",
                    IcmpType.DestinationUnreachable => string.Create(CultureInfo.InvariantCulture, $"ICMP destination unreachable ({(UnreachableCode)icmp.Code})"),
                    _ => string.Create(CultureInfo.InvariantCulture, $"ICMP type {(byte)icmp.Type} code {icmp.Code}"),
                }, SequenceProtocols.Icmp);
            case IpProtocol.Udp:
                return Make(Udp(data, dataLength), UdpLayers(data, dataLength));
            case IpProtocol.Tcp:
                if (!TryReadTcp(data, dataLength, out ushort sourcePort, out ushort destinationPort, out TcpFlags flags, out int headerLength))
                {
                    return Make("TCP, malformed", SequenceProtocols.Tcp);
                }

                int length = dataLength - headerLength;
                string? http = length > 0 && data.Length > headerLength ? HttpStartLine(data[headerLength..]) : null;
                var flow = new TcpFlow(ip.Source, sourcePort, ip.Destination, destinationPort);
                const TcpFlags Control = TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst;
                BulkKind bulk = (flags & Control) != 0 || http is not null ? BulkKind.None
                    : length > 0 ? BulkKind.Data
                    : BulkKind.Ack;
                string label = http
                    ?? (length > 0 && (flags & Control) == 0
                        ? string.Create(CultureInfo.InvariantCulture, $"data {length:N0} bytes")
                        : FlagsText(flags) + (length > 0 ? string.Create(CultureInfo.InvariantCulture, $", {length:N0} bytes") : ""));
                return new(label, http is null ? SequenceProtocols.Tcp : SequenceProtocols.Tcp | SequenceProtocols.Http, flow, bulk, length, destination, ip.Destination);
            default:
                return Make(string.Create(CultureInfo.InvariantCulture, $"IPv4 protocol {(byte)ip.Protocol}"), SequenceProtocols.Other);
        }
    }

    private static SequenceProtocols LayerOf(IpProtocol protocol) => protocol switch
    {
        IpProtocol.Icmp => SequenceProtocols.Icmp,
        IpProtocol.Udp => SequenceProtocols.Udp,
        IpProtocol.Tcp => SequenceProtocols.Tcp,
        _ => SequenceProtocols.Other,
    };

    // A TCP header through TcpHeader; when the snap length cut its options, its fixed part
    // read where RFC 9293 section 3.1 puts it (ports, data offset, flags).
    private static bool TryReadTcp(ReadOnlySpan<byte> segment, int lengthOnWire, out ushort sourcePort, out ushort destinationPort, out TcpFlags flags, out int headerLength)
    {
        if (TcpHeader.TryParse(segment, out TcpHeader tcp) == WireError.None)
        {
            (sourcePort, destinationPort, flags, headerLength) = (tcp.SourcePort, tcp.DestinationPort, tcp.Flags, tcp.HeaderLength);
            return true;
        }

        bool cut = segment.Length < lengthOnWire && segment.Length >= 14;
        sourcePort = cut ? BinaryPrimitives.ReadUInt16BigEndian(segment) : (ushort)0;
        destinationPort = cut ? BinaryPrimitives.ReadUInt16BigEndian(segment[2..]) : (ushort)0;
        headerLength = cut ? (segment[12] >> 4) * 4 : 0;
        flags = cut ? (TcpFlags)(segment[13] & 0x3f) : TcpFlags.None;
        return cut && headerLength >= TcpHeader.MinLength && headerLength <= lengthOnWire;
    }

    // A UDP header through UdpHeader; when the snap length cut the datagram, read where RFC 768 puts it.
    private static bool TryReadUdp(ReadOnlySpan<byte> datagram, int lengthOnWire, out UdpHeader udp)
    {
        if (UdpHeader.TryParse(datagram, out udp) == WireError.None)
        {
            return true;
        }

        if (datagram.Length >= UdpHeader.HeaderLength && datagram.Length < lengthOnWire)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[4..]);
            udp = new UdpHeader(BinaryPrimitives.ReadUInt16BigEndian(datagram), BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]), length);
            return length >= UdpHeader.HeaderLength && length <= lengthOnWire;
        }

        return false;
    }

    private static SequenceProtocols UdpLayers(ReadOnlySpan<byte> datagram, int lengthOnWire) =>
        TryReadUdp(datagram, lengthOnWire, out UdpHeader udp) && (udp.SourcePort == 53 || udp.DestinationPort == 53)
            ? SequenceProtocols.Udp | SequenceProtocols.Dns
            : SequenceProtocols.Udp;

    private static string Udp(ReadOnlySpan<byte> datagram, int lengthOnWire)
    {
        if (!TryReadUdp(datagram, lengthOnWire, out UdpHeader udp))
        {
            return "UDP, malformed";
        }

        if (udp.SourcePort != 53 && udp.DestinationPort != 53)
        {
            return string.Create(CultureInfo.InvariantCulture, $"UDP {udp.SourcePort} > {udp.DestinationPort}, {udp.PayloadLength:N0} bytes");
        }

        ReadOnlySpan<byte> message = datagram[UdpHeader.HeaderLength..Math.Min(datagram.Length, udp.Length)];
        if (DnsMessage.TryParse(message, out DnsMessage? dns) != WireError.None)
        {
            // RFC 1035 section 4.1.1: QR, the first bit of the third byte, tells a response.
            return datagram.Length < udp.Length && message.Length >= 3
                ? (message[2] & 0x80) != 0 ? "DNS answer (cut at the snap length)" : "DNS query (cut at the snap length)"
                : "DNS, malformed";
        }

        string question = dns!.Questions.Count > 0 ? $" {dns.Questions[0].Name} {dns.Questions[0].Type}" : "";
        if (!dns.IsResponse)
        {
            return "DNS query" + question;
        }

        var text = new StringBuilder("DNS answer").Append(question);
        if (dns.ResponseCode != DnsResponseCode.NoError)
        {
            text.Append(CultureInfo.InvariantCulture, $" {dns.ResponseCode}");
        }

        string separator = ": ";
        foreach (DnsRecord answer in dns.Answers)
        {
            text.Append(separator).Append(answer.Type switch
            {
                DnsType.A => answer.Address.ToString(),
                DnsType.CNAME => "CNAME " + answer.Target,
                _ => answer.Type.ToString(),
            });
            separator = ", ";
        }

        return text.ToString();
    }

    // "GET /" for a request (RFC 9112 section 3: method SP target SP version), "200 OK" for a
    // response (section 4: version SP status SP reason); null for anything else.
    private static string? HttpStartLine(ReadOnlySpan<byte> data)
    {
        int end = data.IndexOf("\r\n"u8);
        if (end <= 0)
        {
            return null;
        }

        ReadOnlySpan<byte> line = data[..end];
        if (line.StartsWith("HTTP/"u8))
        {
            int space = line.IndexOf((byte)' ');
            return space > 0 ? Encoding.ASCII.GetString(line[(space + 1)..]) : null;
        }

        int version = line.LastIndexOf(" HTTP/"u8);
        return version > 0 && line[..version].IndexOf((byte)' ') > 0 ? Encoding.ASCII.GetString(line[..version]) : null;
    }

    // The control bits a textbook names on an arrow, in its order (PSH is left out: it changes nothing a learner follows).
    private static readonly (TcpFlags Flag, string Name)[] LabelledFlags = [(TcpFlags.Syn, "SYN"), (TcpFlags.Fin, "FIN"), (TcpFlags.Rst, "RST"), (TcpFlags.Ack, "ACK")];

    private static string FlagsText(TcpFlags flags)
    {
        string text = string.Join(", ", LabelledFlags.Where(f => (flags & f.Flag) != 0).Select(f => f.Name));
        return text.Length > 0 ? text : "TCP";
    }
}

// One direction of a TCP connection.
internal readonly record struct TcpFlow(Ipv4Address Source, ushort SourcePort, Ipv4Address Destination, ushort DestinationPort)
{
    // The connection, the same for both directions.
    public (Ipv4Address, ushort, Ipv4Address, ushort) Connection =>
        Source.Value < Destination.Value || (Source.Value == Destination.Value && SourcePort <= DestinationPort)
            ? (Source, SourcePort, Destination, DestinationPort)
            : (Destination, DestinationPort, Source, SourcePort);
}

// What a message is to the collapse of bulk transfers.
internal enum BulkKind
{
    None,
    Data,
    Ack,
}
