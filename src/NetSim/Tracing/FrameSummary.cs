using System.Globalization;
using System.Text;
using NetSim.Wire;

namespace NetSim.Tracing;

/// <summary>
/// One line per frame, as <c>tcpdump -e</c> prints it: the MAC addresses, then what is
/// inside (ARP, IPv4 with its addresses and TTL, ICMP), so that a learner sees which
/// addresses change at each hop. Malformed frames are described as such, never thrown on.
/// </summary>
public static class FrameSummary
{
    /// <summary>Describes <paramref name="frame"/> (an Ethernet frame without FCS) in one line.</summary>
    public static string Describe(ReadOnlySpan<byte> frame)
    {
        var text = new StringBuilder();
        if (EthernetHeader.TryParse(frame, out EthernetHeader ethernet) != WireError.None)
        {
            return string.Create(CultureInfo.InvariantCulture, $"malformed Ethernet frame ({frame.Length} bytes)");
        }

        text.Append(CultureInfo.InvariantCulture, $"{ethernet.Source} > {ethernet.Destination}, ");
        ReadOnlySpan<byte> payload = frame[ethernet.Length..];
        switch (ethernet.PayloadType)
        {
            case EtherType.Arp:
                DescribeArp(text, payload);
                break;
            case EtherType.IPv4:
                DescribeIpv4(text, payload);
                break;
            default:
                text.Append(CultureInfo.InvariantCulture, $"ethertype 0x{(ushort)ethernet.PayloadType:x4}, {frame.Length} bytes");
                break;
        }

        return text.ToString();
    }

    private static void DescribeArp(StringBuilder text, ReadOnlySpan<byte> payload)
    {
        if (ArpHeader.TryParse(payload, out ArpHeader arp) is var error && error != WireError.None)
        {
            text.Append(CultureInfo.InvariantCulture, $"ARP, malformed ({error})");
            return;
        }

        text.Append(arp.Operation switch
        {
            ArpOperation.Request => string.Create(CultureInfo.InvariantCulture, $"ARP, Request who-has {arp.TargetIp} tell {arp.SenderIp}"),
            ArpOperation.Reply => string.Create(CultureInfo.InvariantCulture, $"ARP, Reply {arp.SenderIp} is-at {arp.SenderMac}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"ARP, operation {(ushort)arp.Operation}"),
        });
    }

    private static void DescribeIpv4(StringBuilder text, ReadOnlySpan<byte> payload)
    {
        if (Ipv4Header.TryParse(payload, out Ipv4Header ip) is var error && error != WireError.None)
        {
            text.Append(CultureInfo.InvariantCulture, $"IPv4, malformed ({error})");
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $"IPv4 {ip.Source} > {ip.Destination}, ttl {ip.TimeToLive}, length {ip.TotalLength}");
        if (ip.MoreFragments || ip.FragmentOffset != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", fragment id {ip.Identification} offset {ip.FragmentOffset}{(ip.MoreFragments ? "+" : "")}");
            if (ip.FragmentOffset != 0)
            {
                return;
            }
        }

        ReadOnlySpan<byte> data = payload[ip.HeaderLength..ip.TotalLength];
        switch (ip.Protocol)
        {
            case IpProtocol.Udp:
                DescribeUdp(text, data);
                return;
            case IpProtocol.Tcp:
                DescribeTcp(text, data);
                return;
            case IpProtocol.Icmp:
                break;
            default:
                text.Append(CultureInfo.InvariantCulture, $", protocol {(byte)ip.Protocol}");
                return;
        }

        if (ip.MoreFragments)
        {
            text.Append(", ICMP (first fragment)");
            return;
        }

        if (IcmpHeader.TryParse(data, out IcmpHeader icmp) is var icmpError && icmpError != WireError.None)
        {
            text.Append(CultureInfo.InvariantCulture, $", ICMP malformed ({icmpError})");
            return;
        }

        text.Append(icmp.Type switch
        {
            IcmpType.EchoRequest => string.Create(CultureInfo.InvariantCulture, $", ICMP echo request, id {icmp.Identifier}, seq {icmp.SequenceNumber}"),
            IcmpType.EchoReply => string.Create(CultureInfo.InvariantCulture, $", ICMP echo reply, id {icmp.Identifier}, seq {icmp.SequenceNumber}"),
            IcmpType.TimeExceeded => icmp.Code == 0 ? ", ICMP time exceeded in-transit" : ", ICMP ip reassembly time exceeded",
            IcmpType.DestinationUnreachable => string.Create(CultureInfo.InvariantCulture, $", ICMP destination unreachable ({(UnreachableCode)icmp.Code})"),
            _ => string.Create(CultureInfo.InvariantCulture, $", ICMP type {(byte)icmp.Type} code {icmp.Code}"),
        });
    }

    private static void DescribeUdp(StringBuilder text, ReadOnlySpan<byte> datagram)
    {
        if (UdpHeader.TryParse(datagram, out UdpHeader udp) is var error && error != WireError.None)
        {
            text.Append(CultureInfo.InvariantCulture, $", UDP malformed ({error})");
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $", UDP {udp.SourcePort} > {udp.DestinationPort}");
        if (udp.SourcePort != 53 && udp.DestinationPort != 53)
        {
            text.Append(CultureInfo.InvariantCulture, $", {udp.PayloadLength} bytes");
            return;
        }

        if (DnsMessage.TryParse(datagram[UdpHeader.HeaderLength..udp.Length], out DnsMessage? dns) is var dnsError && dnsError != WireError.None)
        {
            text.Append(CultureInfo.InvariantCulture, $", DNS malformed ({dnsError})");
            return;
        }

        string question = dns!.Questions.Count > 0 ? $"{dns.Questions[0].Type} {dns.Questions[0].Name}" : "";
        if (!dns.IsResponse)
        {
            text.Append(CultureInfo.InvariantCulture, $", DNS query 0x{dns.Id:x4} {question}");
            return;
        }

        text.Append(CultureInfo.InvariantCulture, $", DNS response 0x{dns.Id:x4} {question}");
        if (dns.ResponseCode != DnsResponseCode.NoError)
        {
            text.Append(CultureInfo.InvariantCulture, $" {dns.ResponseCode}");
        }

        foreach (DnsRecord answer in dns.Answers)
        {
            text.Append(CultureInfo.InvariantCulture, $", {answer.Type} {(answer.Type == DnsType.A ? answer.Address.ToString() : answer.Target)}");
        }
    }

    private static void DescribeTcp(StringBuilder text, ReadOnlySpan<byte> segment)
    {
        if (TcpHeader.TryParse(segment, out TcpHeader tcp) is var error && error != WireError.None)
        {
            text.Append(CultureInfo.InvariantCulture, $", TCP malformed ({error})");
            return;
        }

        ReadOnlySpan<byte> data = segment[tcp.HeaderLength..];
        text.Append(CultureInfo.InvariantCulture, $", TCP {tcp.SourcePort} > {tcp.DestinationPort} [{FlagsText(tcp.Flags)}] seq {tcp.SequenceNumber}");
        if ((tcp.Flags & TcpFlags.Ack) != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" ack {tcp.AcknowledgmentNumber}");
        }

        text.Append(CultureInfo.InvariantCulture, $" win {tcp.Window} len {data.Length}");
        if (!data.IsEmpty && (tcp.SourcePort == 80 || tcp.DestinationPort == 80))
        {
            int end = data.IndexOf((byte)'\r');
            if (end > 0 && (data.StartsWith("HTTP/"u8) || data.IndexOf(" HTTP/"u8) > 0))
            {
                text.Append(", HTTP ").Append(Encoding.ASCII.GetString(data[..end]));
            }
        }
    }

    private static string FlagsText(TcpFlags flags)
    {
        var names = new List<string>(4);
        if ((flags & TcpFlags.Syn) != 0)
        {
            names.Add("SYN");
        }

        if ((flags & TcpFlags.Fin) != 0)
        {
            names.Add("FIN");
        }

        if ((flags & TcpFlags.Rst) != 0)
        {
            names.Add("RST");
        }

        if ((flags & TcpFlags.Psh) != 0)
        {
            names.Add("PSH");
        }

        if ((flags & TcpFlags.Ack) != 0)
        {
            names.Add("ACK");
        }

        return string.Join(", ", names);
    }
}
