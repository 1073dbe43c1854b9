using NetSim.Wire;
using PacketDotNet;

namespace NetSim.Tests.Wire;

public class Ipv4HeaderTests
{
    // A real header: UDP from 192.168.0.1 to 192.168.0.199, total length 115, DF, TTL 64, checksum 0xb861.
    private static readonly byte[] Header =
    [
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
        0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    ];

    private static byte[] Packet(int extra = 0)
    {
        var packet = new byte[115 + extra];
        Header.CopyTo(packet, 0);
        return packet;
    }

    [Fact]
    public void Takes_a_real_header_apart()
    {
        Ipv4Header.TryParse(Packet(), out Ipv4Header header).Should().Be(WireError.None);
        header.Should().Be(new Ipv4Header(
            Ipv4Address.Parse("192.168.0.1"), Ipv4Address.Parse("192.168.0.199"), IpProtocol.Udp, 64, 115, DontFragment: true));
        header.PayloadLength.Should().Be(95);
    }

    [Fact]
    public void Builds_the_same_bytes_with_the_checksum_into_garbage()
    {
        Ipv4Header.TryParse(Packet(), out Ipv4Header header);
        var buffer = new byte[24];
        Array.Fill(buffer, (byte)0xa5);
        header.Emit(buffer);
        buffer.AsSpan(0, 20).ToArray().Should().Equal(Header);
        buffer[20..].Should().OnlyContain(b => b == 0xa5);
    }

    [Fact]
    public void PacketDotNet_reads_what_we_emit_and_finds_the_checksum_valid()
    {
        var header = new Ipv4Header(Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("10.0.1.2"), (IpProtocol)253, 17, 28, Identification: 0x1234, MoreFragments: true, FragmentOffset: 1480);
        var bytes = new byte[28];
        header.Emit(bytes);
        var parsed = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(bytes));
        parsed.ValidChecksum.Should().BeTrue();
        parsed.SourceAddress.ToString().Should().Be("10.0.0.1");
        parsed.DestinationAddress.ToString().Should().Be("10.0.1.2");
        parsed.TimeToLive.Should().Be(17);
        parsed.Id.Should().Be(0x1234);
        parsed.FragmentOffset.Should().Be(1480 / 8);
        Ipv4Header.TryParse(bytes, out Ipv4Header again).Should().Be(WireError.None);
        again.Should().Be(header);
    }

    [Fact]
    public void Every_truncation_gets_a_reason()
    {
        byte[] packet = Packet();
        for (int length = 0; length < packet.Length; length++)
        {
            Ipv4Header.TryParse(packet.AsSpan(0, length), out _).Should().Be(
                length < 20 ? WireError.Truncated : WireError.BadLength, $"at length {length}");
        }
    }

    [Fact]
    public void Bad_fields_get_their_reasons()
    {
        byte[] version6 = Packet();
        version6[0] = 0x65;
        Ipv4Header.TryParse(version6, out _).Should().Be(WireError.BadVersion);

        byte[] shortIhl = Packet();
        shortIhl[0] = 0x44;
        Ipv4Header.TryParse(shortIhl, out _).Should().Be(WireError.BadHeaderLength);

        byte[] shortTotal = Packet();
        shortTotal[3] = 0x10; // total length 16, shorter than the header
        Ipv4Header.TryParse(shortTotal, out _).Should().Be(WireError.BadLength);

        byte[] flipped = Packet();
        flipped[8] = 0x3f; // TTL changed without updating the checksum
        Ipv4Header.TryParse(flipped, out _).Should().Be(WireError.BadChecksum);
    }

    [Fact]
    public void Options_are_skipped_by_length_and_the_payload_ends_where_the_length_field_says()
    {
        var header = new Ipv4Header(Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("10.0.0.2"), IpProtocol.Icmp, 64, 30);
        var packet = new byte[60]; // padded, as an Ethernet frame carries a short packet
        header.Emit(packet);
        Ipv4Header.TryParse(packet, out Ipv4Header parsed).Should().Be(WireError.None);
        parsed.PayloadLength.Should().Be(10, "not the 40 bytes the buffer has after the header");

        // Now with a 4-byte option (IHL 6): the header is 24 bytes.
        var withOption = new byte[60];
        header.Emit(withOption);
        withOption.AsSpan(20, 36).CopyTo(withOption.AsSpan(24));
        withOption[0] = 0x46;
        withOption[20] = 0x01; withOption[21] = 0x01; withOption[22] = 0x01; withOption[23] = 0x00; // NOPs and end of options
        withOption[10] = 0;
        withOption[11] = 0;
        ushort checksum = InternetChecksum.Compute(withOption.AsSpan(0, 24));
        withOption[10] = (byte)(checksum >> 8);
        withOption[11] = unchecked((byte)checksum);
        Ipv4Header.TryParse(withOption, out Ipv4Header optioned).Should().Be(WireError.None);
        optioned.HeaderLength.Should().Be(24);
        optioned.PayloadLength.Should().Be(6);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new NetSim.Engine.RandomSource(791);
        var buffer = new byte[100];
        for (int i = 0; i < 10_000; i++)
        {
            int length = (int)random.NextInt64(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            buffer[0] = (byte)(0x40 | (buffer[0] & 0x0f)); // mostly version 4, to get past the first check
            Enum.IsDefined(Ipv4Header.TryParse(buffer.AsSpan(0, length), out _)).Should().BeTrue();
        }
    }
}
