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
            return $"malformed Ethernet frame ({frame.Length} bytes)";
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
        if (ArpPacket.TryParse(payload, out ArpPacket arp) is var error && error != WireError.None)
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
        if (ip.Protocol != IpProtocol.Icmp)
        {
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
}
