using NetSim.Engine;
using NetSim.Wire;
using PacketDotNet;

namespace NetSim.Tests.Wire;

public class UdpTests
{
    private static readonly Ipv4Address Source = Ipv4Address.Parse("10.10.10.157");
    private static readonly Ipv4Address Destination = Ipv4Address.Parse("218.6.200.139");

    // The real DNS query's datagram: UDP from 10.10.10.157 port 56623 to 218.6.200.139 port 53, length 43, checksum 0x8efb.
    private static byte[] Datagram(int padding = 0) => [.. TransportCaptures.DnsQuery.AsSpan(Ipv4Header.MinLength), .. new byte[padding]];

    private static byte[] DnsMessage => TransportCaptures.DnsQuery[(Ipv4Header.MinLength + UdpHeader.HeaderLength)..];

    [Fact]
    public void Takes_a_real_dns_query_apart_as_PacketDotNet_does()
    {
        byte[] datagram = Datagram();
        UdpHeader.TryParse(datagram, out UdpHeader header).Should().Be(WireError.None);
        header.Should().Be(new UdpHeader(56623, 53, 43, 0x8efb));
        header.PayloadLength.Should().Be(35);
        UdpHeader.VerifyChecksum(datagram, Source, Destination).Should().BeTrue();

        var oracle = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(TransportCaptures.DnsQuery)).Extract<UdpPacket>();
        oracle.ValidUdpChecksum.Should().BeTrue();
        header.SourcePort.Should().Be(oracle.SourcePort);
        header.DestinationPort.Should().Be(oracle.DestinationPort);
        header.Length.Should().Be(oracle.Length);
        header.Checksum.Should().Be(oracle.Checksum);
    }

    [Fact]
    public void Reads_a_real_datagram_as_the_parsed_form_does_and_leaves_out_the_padding()
    {
        byte[] bytes = Datagram(padding: 7);
        UdpHeader.TryParse(bytes, out UdpHeader parsed).Should().Be(WireError.None);
        UdpHeader.VerifyChecksum(bytes, Source, Destination).Should().BeTrue("the padding is not summed");

        UdpDatagram.TryCreate(bytes, out UdpDatagram view).Should().Be(WireError.None);
        view.SourcePort.Should().Be(parsed.SourcePort);
        view.DestinationPort.Should().Be(parsed.DestinationPort);
        view.Length.Should().Be(parsed.Length);
        view.Checksum.Should().Be(parsed.Checksum);
        view.ToHeader().Should().Be(parsed);
        view.Bytes.Length.Should().Be(43, "the view ends at the length field, not at the padding");
        view.Payload.ToArray().Should().Equal(DnsMessage);
    }

    [Fact]
    public void Builds_the_same_bytes_with_the_checksum_over_garbage()
    {
        byte[] expected = Datagram();
        byte[] buffer = [.. expected];
        buffer.AsSpan(0, UdpHeader.HeaderLength).Fill(0xa5);
        new UdpHeader(56623, 53, 43).Emit(buffer, Source, Destination);
        buffer.Should().Equal(expected);

        buffer.AsSpan(0, UdpHeader.HeaderLength).Fill(0xa5);
        var view = new UdpDatagram(buffer)
        {
            SourcePort = 56623,
            DestinationPort = 53,
        };
        view.UpdateChecksum(Source, Destination);
        buffer.Should().Equal(expected);
    }

    [Fact]
    public void Emit_writes_only_the_header_and_sums_only_up_to_the_length()
    {
        var buffer = new byte[UdpHeader.HeaderLength + 5 + 3];
        "hello"u8.CopyTo(buffer.AsSpan(UdpHeader.HeaderLength));
        buffer.AsSpan(13).Fill(0xa5); // after the datagram: not written, not summed
        var header = new UdpHeader(1234, 7, 13);
        header.Emit(buffer, Source, Destination);

        buffer.AsSpan(13).ToArray().Should().OnlyContain(b => b == 0xa5);
        UdpHeader.VerifyChecksum(buffer, Source, Destination).Should().BeTrue();
        UdpHeader.TryParse(buffer, out UdpHeader parsed).Should().Be(WireError.None);
        parsed.Should().Be(header with { Checksum = parsed.Checksum });
        parsed.Checksum.Should().NotBe(0);
    }

    [Fact]
    public void A_computed_checksum_of_zero_is_sent_as_all_ones()
    {
        // A payload word equal to the checksum computed with it zero makes the sum all ones,
        // whose checksum is 0: it must go out as 0xFFFF, as 0 would mean "no checksum".
        var buffer = new byte[UdpHeader.HeaderLength + 2];
        var header = new UdpHeader(1000, 2000, buffer.Length);
        header.Emit(buffer, Source, Destination);
        buffer[8] = buffer[6];
        buffer[9] = buffer[7];
        header.Emit(buffer, Source, Destination);

        buffer[6].Should().Be(0xff);
        buffer[7].Should().Be(0xff);
        UdpHeader.VerifyChecksum(buffer, Source, Destination).Should().BeTrue();
        var view = new UdpDatagram(buffer);
        view.UpdateChecksum(Source, Destination);
        view.Checksum.Should().Be(0xffff);

        var packet = InIpv4(Source, Destination, buffer);
        new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(packet)).Extract<UdpPacket>().ValidUdpChecksum.Should().BeTrue();
    }

    [Fact]
    public void The_checksum_catches_every_flipped_bit_and_the_wrong_addresses()
    {
        byte[] datagram = Datagram();
        for (int bit = 0; bit < datagram.Length * 8; bit++)
        {
            byte[] damaged = [.. datagram];
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            UdpHeader.VerifyChecksum(damaged, Source, Destination).Should().BeFalse($"bit {bit} is flipped");
        }

        UdpHeader.VerifyChecksum(datagram, Source, Ipv4Address.Parse("218.6.200.138")).Should().BeFalse();
        UdpHeader.VerifyChecksum(datagram, Destination, Source).Should().BeTrue("the pseudo-header sum does not depend on the order of the addresses");
    }

    [Fact]
    public void A_zero_checksum_means_none_and_always_verifies()
    {
        byte[] datagram = Datagram();
        datagram[6] = 0;
        datagram[7] = 0;
        datagram[30] ^= 0xff;
        UdpHeader.VerifyChecksum(datagram, Source, Destination).Should().BeTrue();
        UdpHeader.VerifyChecksum(datagram, Ipv4Address.Any, Ipv4Address.Broadcast).Should().BeTrue();
    }

    [Fact]
    public void Every_truncation_gets_a_reason()
    {
        byte[] datagram = Datagram();
        for (int length = 0; length < datagram.Length; length++)
        {
            WireError expected = length < UdpHeader.HeaderLength ? WireError.Truncated : WireError.BadLength;
            UdpHeader.TryParse(datagram.AsSpan(0, length), out _).Should().Be(expected, $"at length {length}");
            UdpDatagram.TryCreate(datagram.AsSpan(0, length), out _).Should().Be(expected, $"at length {length}");
            UdpHeader.VerifyChecksum(datagram.AsSpan(0, length), Source, Destination).Should().BeFalse($"at length {length}");
        }
    }

    [Fact]
    public void A_length_field_shorter_than_the_header_is_a_bad_length()
    {
        foreach (byte length in new byte[] { 0, 1, 7 })
        {
            byte[] datagram = Datagram();
            datagram[4] = 0;
            datagram[5] = length;
            UdpHeader.TryParse(datagram, out _).Should().Be(WireError.BadLength, $"for length {length}");
            UdpDatagram.TryCreate(datagram, out _).Should().Be(WireError.BadLength, $"for length {length}");
        }

        byte[] headerOnly = Datagram();
        headerOnly[5] = 8;
        UdpHeader.TryParse(headerOnly, out UdpHeader empty).Should().Be(WireError.None);
        empty.PayloadLength.Should().Be(0);
    }

    [Fact]
    public void Each_setter_writes_only_its_field()
    {
        AfterSetting(v => v.SourcePort = 0x0102).Should().Equal(Changed((0, 0x01), (1, 0x02)));
        AfterSetting(v => v.DestinationPort = 0x0304).Should().Equal(Changed((2, 0x03), (3, 0x04)));
        AfterSetting(v => v.Length = 0x0506).Should().Equal(Changed((4, 0x05), (5, 0x06)));
        AfterSetting(v => v.Checksum = 0x0708).Should().Equal(Changed((6, 0x07), (7, 0x08)));
    }

    [Fact]
    public void The_constructor_needs_a_whole_header_and_writes_the_length()
    {
        var buffer = new byte[12];
        var view = new UdpDatagram(buffer);
        view.Length.Should().Be(12);
        view.Payload.Length.Should().Be(4);
        buffer.Should().Equal(0, 0, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0);

        Action tooShort = () => _ = new UdpDatagram(new byte[7]);
        tooShort.Should().Throw<ArgumentException>().WithMessage("*8 to 65535*7*");
        Action tooLong = () => _ = new UdpDatagram(new byte[65536]);
        tooLong.Should().Throw<ArgumentException>();

        Action badLength = () =>
        {
            var datagram = new UdpDatagram(new byte[8]);
            datagram.Length = 65536;
        };
        badLength.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Emit_refuses_what_it_cannot_write()
    {
        Action shortBuffer = () => new UdpHeader(1, 2, 20).Emit(new byte[19], Source, Destination);
        shortBuffer.Should().Throw<ArgumentException>().WithMessage("*20*19*");
        Action shortLength = () => new UdpHeader(1, 2, 7).Emit(new byte[8], Source, Destination);
        shortLength.Should().Throw<InvalidOperationException>();
        Action longLength = () => new UdpHeader(1, 2, 65536).Emit(new byte[65536], Source, Destination);
        longLength.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Random_bytes_never_throw_and_read_as_the_parsed_form()
    {
        var random = new RandomSource(768);
        var buffer = new byte[64];
        for (int i = 0; i < 10_000; i++)
        {
            int length = (int)random.NextInt64(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length >= UdpHeader.HeaderLength && i % 2 == 0)
            {
                buffer[4] = 0; // a length field that fits, half the time
                buffer[5] = (byte)random.NextInt64(length + 1);
            }

            WireError error = UdpDatagram.TryCreate(buffer.AsSpan(0, length), out UdpDatagram view);
            Enum.IsDefined(error).Should().BeTrue();
            UdpHeader.TryParse(buffer.AsSpan(0, length), out UdpHeader parsed).Should().Be(error);
            bool verified = UdpHeader.VerifyChecksum(buffer.AsSpan(0, length), Source, Destination);
            if (error == WireError.None)
            {
                view.ToHeader().Should().Be(parsed);
                view.Payload.Length.Should().Be(parsed.PayloadLength);
                view.UpdateChecksum(Source, Destination);
                UdpHeader.VerifyChecksum(buffer.AsSpan(0, length), Source, Destination).Should().BeTrue();
            }
            else
            {
                verified.Should().BeFalse();
            }
        }
    }

    [Fact]
    public void PacketDotNet_reads_what_we_emit_and_finds_the_checksum_valid()
    {
        var source = Ipv4Address.Parse("192.168.1.10");
        var destination = Ipv4Address.Parse("192.168.1.1");
        foreach (int payloadLength in new[] { 0, 1, 5, 512 })
        {
            var datagram = new byte[UdpHeader.HeaderLength + payloadLength];
            for (int i = UdpHeader.HeaderLength; i < datagram.Length; i++)
            {
                datagram[i] = unchecked((byte)(i * 7));
            }

            var header = new UdpHeader(49152, 53, datagram.Length);
            header.Emit(datagram, source, destination);
            UdpHeader.TryParse(datagram, out UdpHeader again).Should().Be(WireError.None);
            again.Should().Be(header with { Checksum = again.Checksum });

            var parsed = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(InIpv4(source, destination, datagram))).Extract<UdpPacket>();
            parsed.ValidUdpChecksum.Should().BeTrue($"for {payloadLength} bytes of payload");
            parsed.SourcePort.Should().Be(49152);
            parsed.DestinationPort.Should().Be(53);
            parsed.Length.Should().Be(datagram.Length);
            parsed.PayloadData.Should().Equal(datagram[UdpHeader.HeaderLength..]);
        }
    }

    private static byte[] InIpv4(Ipv4Address source, Ipv4Address destination, byte[] datagram)
    {
        var packet = new byte[Ipv4Header.MinLength + datagram.Length];
        new Ipv4Header(source, destination, IpProtocol.Udp, 64, packet.Length).Emit(packet);
        datagram.CopyTo(packet, Ipv4Header.MinLength);
        return packet;
    }

    private delegate void Setter(UdpDatagram view);

    private static byte[] AfterSetting(Setter set)
    {
        byte[] bytes = Datagram();
        UdpDatagram.TryCreate(bytes, out UdpDatagram view).Should().Be(WireError.None);
        set(view);
        return bytes;
    }

    private static byte[] Changed(params (int Index, byte Value)[] changes)
    {
        byte[] bytes = Datagram();
        foreach ((int index, byte value) in changes)
        {
            bytes[index] = value;
        }

        return bytes;
    }
}
