using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tests.Wire;

public class ArpMessageTests
{
    // Who has 192.168.1.2? Tell 192.168.1.1 (00:11:22:33:44:55): the ARP part of a real request.
    private static readonly byte[] Request =
    [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0xc0, 0xa8, 0x01, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x02,
    ];

    [Fact]
    public void Reads_a_real_request_as_the_parsed_form_does_and_leaves_out_the_padding()
    {
        byte[] padded = [.. Request, .. new byte[18]]; // to the 46 bytes of a minimum Ethernet payload
        ArpHeader.TryParse(padded, out ArpHeader parsed).Should().Be(WireError.None);

        ArpMessage.TryCreate(padded, out ArpMessage view).Should().Be(WireError.None);
        view.Operation.Should().Be(parsed.Operation);
        view.SenderMac.Should().Be(parsed.SenderMac);
        view.SenderIp.Should().Be(parsed.SenderIp);
        view.TargetMac.Should().Be(parsed.TargetMac);
        view.TargetIp.Should().Be(parsed.TargetIp);
        view.ToPacket().Should().Be(parsed);
        view.Bytes.ToArray().Should().Equal(Request);
    }

    [Fact]
    public void The_constructor_and_setters_write_exactly_the_28_bytes_over_garbage()
    {
        var buffer = new byte[30];
        Array.Fill(buffer, (byte)0xa5);
        _ = new ArpMessage(buffer)
        {
            Operation = ArpOperation.Request,
            SenderMac = MacAddress.Parse("00:11:22:33:44:55"),
            SenderIp = Ipv4Address.Parse("192.168.1.1"),
            TargetMac = MacAddress.Zero,
            TargetIp = Ipv4Address.Parse("192.168.1.2"),
        };

        buffer.Should().Equal([.. Request, 0xa5, 0xa5]);
    }

    [Fact]
    public void Each_setter_writes_only_its_field()
    {
        AfterSetting(v => v.Operation = ArpOperation.Reply).Should().Equal(Changed(7, 0x02));
        AfterSetting(v => v.SenderMac = MacAddress.Parse("02:00:00:00:00:09")).Should().Equal(Changed(8, 0x02, 0, 0, 0, 0, 0x09));
        AfterSetting(v => v.SenderIp = Ipv4Address.Parse("10.0.0.9")).Should().Equal(Changed(14, 10, 0, 0, 9));
        AfterSetting(v => v.TargetMac = MacAddress.Broadcast).Should().Equal(Changed(18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
        AfterSetting(v => v.TargetIp = Ipv4Address.Parse("10.0.0.10")).Should().Equal(Changed(24, 10, 0, 0, 10));
    }

    [Fact]
    public void The_constructor_needs_28_bytes()
    {
        Action tooShort = () => _ = new ArpMessage(new byte[27]);
        tooShort.Should().Throw<ArgumentException>().WithMessage("*28 bytes*27*");
        new ArpMessage(new byte[40]).Bytes.Length.Should().Be(28);
    }

    [Fact]
    public void Every_truncation_and_other_formats_get_a_reason()
    {
        for (int length = 0; length < Request.Length; length++)
        {
            ArpMessage.TryCreate(Request.AsSpan(0, length), out _).Should().Be(WireError.Truncated, $"at length {length}");
        }

        foreach (int field in new[] { 1, 2, 4, 5 })
        {
            byte[] other = [.. Request];
            other[field] ^= 0x10;
            ArpMessage.TryCreate(other, out _).Should().Be(WireError.UnsupportedArpFormat, $"with byte {field} changed");
        }
    }

    [Fact]
    public void Random_bytes_never_throw_and_read_as_the_parsed_form()
    {
        var random = new RandomSource(826);
        var buffer = new byte[40];
        for (int i = 0; i < 10_000; i++)
        {
            int length = (int)random.NextInt64(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length >= 6 && i % 2 == 0)
            {
                Request.AsSpan(0, 6).CopyTo(buffer); // the supported format, half the time
            }

            WireError error = ArpMessage.TryCreate(buffer.AsSpan(0, length), out ArpMessage view);
            Enum.IsDefined(error).Should().BeTrue();
            ArpHeader.TryParse(buffer.AsSpan(0, length), out ArpHeader parsed).Should().Be(error);
            if (error == WireError.None)
            {
                view.ToPacket().Should().Be(parsed);
            }
        }
    }

    [Fact]
    public void PacketDotNet_reads_a_reply_written_through_the_view()
    {
        var bytes = new byte[ArpHeader.Length];
        _ = new ArpMessage(bytes)
        {
            Operation = ArpOperation.Reply,
            SenderMac = MacAddress.Parse("02:00:00:00:00:02"),
            SenderIp = Ipv4Address.Parse("192.168.1.2"),
            TargetMac = MacAddress.Parse("00:11:22:33:44:55"),
            TargetIp = Ipv4Address.Parse("192.168.1.1"),
        };

        var parsed = new PacketDotNet.ArpPacket(new PacketDotNet.Utils.ByteArraySegment(bytes));
        parsed.Operation.Should().Be(PacketDotNet.ArpOperation.Response);
        parsed.HardwareAddressType.Should().Be(PacketDotNet.LinkLayers.Ethernet);
        parsed.ProtocolAddressType.Should().Be(PacketDotNet.EthernetType.IPv4);
        parsed.SenderHardwareAddress.ToString().Should().Be("020000000002");
        parsed.SenderProtocolAddress.ToString().Should().Be("192.168.1.2");
        parsed.TargetHardwareAddress.ToString().Should().Be("001122334455");
        parsed.TargetProtocolAddress.ToString().Should().Be("192.168.1.1");
    }

    private delegate void Setter(ArpMessage view);

    private static byte[] AfterSetting(Setter set)
    {
        byte[] bytes = [.. Request];
        ArpMessage.TryCreate(bytes, out ArpMessage view).Should().Be(WireError.None);
        set(view);
        return bytes;
    }

    private static byte[] Changed(int offset, params byte[] values)
    {
        byte[] bytes = [.. Request];
        values.CopyTo(bytes, offset);
        return bytes;
    }
}
