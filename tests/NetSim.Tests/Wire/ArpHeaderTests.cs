using NetSim.Wire;

namespace NetSim.Tests.Wire;

public class ArpHeaderTests
{
    // Who has 192.168.1.2? Tell 192.168.1.1 (00:11:22:33:44:55): the ARP part of a real request.
    private static readonly byte[] Request =
    [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0xc0, 0xa8, 0x01, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x02,
    ];

    [Fact]
    public void Takes_a_real_request_apart_and_builds_it_again_over_garbage()
    {
        ArpHeader.TryParse(Request, out ArpHeader packet).Should().Be(WireError.None);
        packet.Should().Be(ArpHeader.Request(MacAddress.Parse("00:11:22:33:44:55"), Ipv4Address.Parse("192.168.1.1"), Ipv4Address.Parse("192.168.1.2")));

        var buffer = new byte[30];
        Array.Fill(buffer, (byte)0xa5);
        packet.Emit(buffer);
        buffer.AsSpan(0, 28).ToArray().Should().Equal(Request);
        buffer[28..].Should().OnlyContain(b => b == 0xa5);
    }

    [Fact]
    public void A_reply_swaps_sender_and_target()
    {
        ArpHeader.TryParse(Request, out ArpHeader request);
        ArpHeader reply = request.ReplyFrom(MacAddress.Parse("02:00:00:00:00:02"));
        reply.Operation.Should().Be(ArpOperation.Reply);
        reply.SenderIp.Should().Be(Ipv4Address.Parse("192.168.1.2"));
        reply.SenderMac.Should().Be(MacAddress.Parse("02:00:00:00:00:02"));
        reply.TargetMac.Should().Be(MacAddress.Parse("00:11:22:33:44:55"));
        reply.TargetIp.Should().Be(Ipv4Address.Parse("192.168.1.1"));
    }

    [Fact]
    public void Every_truncation_and_other_formats_get_a_reason()
    {
        for (int length = 0; length < Request.Length; length++)
        {
            ArpHeader.TryParse(Request.AsSpan(0, length), out _).Should().Be(WireError.Truncated, $"at length {length}");
        }

        foreach (int field in new[] { 1, 2, 4, 5 })
        {
            byte[] other = [.. Request];
            other[field] ^= 0x10;
            ArpHeader.TryParse(other, out _).Should().Be(WireError.UnsupportedArpFormat, $"with byte {field} changed");
        }

        byte[] rarp = [.. Request];
        rarp[7] = 3; // a RARP request: an unknown operation is a value, not an error
        ArpHeader.TryParse(rarp, out ArpHeader parsed).Should().Be(WireError.None);
        parsed.Operation.Should().Be((ArpOperation)3);
    }
}
