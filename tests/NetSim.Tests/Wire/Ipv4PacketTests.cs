using NetSim.Engine;
using NetSim.Wire;
using PacketDotNet;

namespace NetSim.Tests.Wire;

public class Ipv4PacketTests
{
    // A real header: UDP from 192.168.0.1 to 192.168.0.199, total length 115, DF, TTL 64, checksum 0xb861.
    private static readonly byte[] Header =
    [
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
        0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    ];

    private static byte[] Packet(int padding = 0)
    {
        var packet = new byte[115 + padding];
        Header.CopyTo(packet, 0);
        return packet;
    }

    [Fact]
    public void Reads_a_real_packet_as_the_parsed_form_does_and_leaves_out_the_padding()
    {
        byte[] bytes = Packet(padding: 11);
        Ipv4Header.TryParse(bytes, out Ipv4Header parsed).Should().Be(WireError.None);

        Ipv4Packet.TryCreate(bytes, out Ipv4Packet view).Should().Be(WireError.None);
        view.Version.Should().Be(4);
        view.HeaderLength.Should().Be(parsed.HeaderLength);
        view.TypeOfService.Should().Be(parsed.TypeOfService);
        view.TotalLength.Should().Be(parsed.TotalLength);
        view.Identification.Should().Be(parsed.Identification);
        view.DontFragment.Should().Be(parsed.DontFragment);
        view.MoreFragments.Should().Be(parsed.MoreFragments);
        view.FragmentOffset.Should().Be(parsed.FragmentOffset);
        view.TimeToLive.Should().Be(parsed.TimeToLive);
        view.Protocol.Should().Be(parsed.Protocol);
        view.Checksum.Should().Be(0xb861);
        view.Source.Should().Be(parsed.Source);
        view.Destination.Should().Be(parsed.Destination);
        view.ToHeader().Should().Be(parsed);

        view.Bytes.Length.Should().Be(115, "the view ends at the total length, not at the padding");
        view.Header.ToArray().Should().Equal(Header);
        view.Payload.Length.Should().Be(95);
    }

    [Fact]
    public void Setters_write_exactly_the_header_bytes()
    {
        var buffer = new byte[24];
        buffer.AsSpan(20).Fill(0xa5);
        var view = new Ipv4Packet(buffer)
        {
            TotalLength = 115,
            DontFragment = true,
            TimeToLive = 64,
            Protocol = IpProtocol.Udp,
            Source = Ipv4Address.Parse("192.168.0.1"),
            Destination = Ipv4Address.Parse("192.168.0.199"),
        };
        view.UpdateChecksum();

        buffer.Should().Equal([.. Header, 0xa5, 0xa5, 0xa5, 0xa5]);
    }

    [Fact]
    public void Each_setter_writes_only_its_field()
    {
        AfterSetting(v => v.TypeOfService = 0xb8).Should().Equal(Changed((1, 0xb8)));
        AfterSetting(v => v.TotalLength = 0x1234).Should().Equal(Changed((2, 0x12), (3, 0x34)));
        AfterSetting(v => v.Identification = 0xbeef).Should().Equal(Changed((4, 0xbe), (5, 0xef)));
        AfterSetting(v => v.DontFragment = false).Should().Equal(Changed((6, 0x00)));
        AfterSetting(v => v.MoreFragments = true).Should().Equal(Changed((6, 0x60)));
        AfterSetting(v => v.FragmentOffset = 65528).Should().Equal(Changed((6, 0x5f), (7, 0xff)), "the offset keeps the flags");
        AfterSetting(v => v.TimeToLive = 1).Should().Equal(Changed((8, 0x01)));
        AfterSetting(v => v.Protocol = IpProtocol.Icmp).Should().Equal(Changed((9, 0x01)));
        AfterSetting(v => v.Checksum = 0x0102).Should().Equal(Changed((10, 0x01), (11, 0x02)));
        AfterSetting(v => v.Source = Ipv4Address.Parse("10.0.0.1")).Should().Equal(Changed((12, 10), (13, 0), (14, 0), (15, 1)));
        AfterSetting(v => v.Destination = Ipv4Address.Parse("10.0.0.2")).Should().Equal(Changed((16, 10), (17, 0), (18, 0), (19, 2)));
    }

    [Fact]
    public void Setters_refuse_values_the_field_cannot_hold()
    {
        var buffer = new byte[20];
        foreach (int offset in new[] { -8, 4, 65536 })
        {
            Action set = () =>
            {
                var view = new Ipv4Packet(buffer);
                view.FragmentOffset = offset;
            };
            set.Should().Throw<ArgumentOutOfRangeException>($"for fragment offset {offset}");
        }

        foreach (int length in new[] { -1, 65536 })
        {
            Action set = () =>
            {
                var view = new Ipv4Packet(buffer);
                view.TotalLength = length;
            };
            set.Should().Throw<ArgumentOutOfRangeException>($"for total length {length}");
        }

        buffer.AsSpan(1).ToArray().Should().OnlyContain(b => b == 0, "a refused value writes nothing");
    }

    [Fact]
    public void The_constructor_needs_a_whole_header_and_writes_version_and_length()
    {
        var buffer = new byte[20];
        var view = new Ipv4Packet(buffer);
        view.Version.Should().Be(4);
        view.HeaderLength.Should().Be(20);
        buffer[0].Should().Be(0x45);
        buffer.AsSpan(1).ToArray().Should().OnlyContain(b => b == 0);

        Action tooShort = () => _ = new Ipv4Packet(new byte[19]);
        tooShort.Should().Throw<ArgumentException>().WithMessage("*20 bytes*19*");
    }

    [Fact]
    public void Every_truncation_gets_a_reason()
    {
        byte[] packet = Packet();
        for (int length = 0; length < packet.Length; length++)
        {
            Ipv4Packet.TryCreate(packet.AsSpan(0, length), out _).Should().Be(
                length < 20 ? WireError.Truncated : WireError.BadLength, $"at length {length}");
        }

        Ipv4Packet.TryCreate(packet, out _).Should().Be(WireError.None);
    }

    [Fact]
    public void Bad_fields_get_the_reasons_the_parsed_form_gives()
    {
        byte[] version6 = Packet();
        version6[0] = 0x65;
        Ipv4Packet.TryCreate(version6, out _).Should().Be(WireError.BadVersion);

        byte[] shortIhl = Packet();
        shortIhl[0] = 0x44;
        Ipv4Packet.TryCreate(shortIhl, out _).Should().Be(WireError.BadHeaderLength);

        byte[] longIhl = Packet();
        longIhl[0] = 0x4f;
        Ipv4Packet.TryCreate(longIhl.AsSpan(0, 40), out _).Should().Be(WireError.Truncated, "the options do not fit");

        byte[] shortTotal = Packet();
        shortTotal[3] = 0x10;
        Ipv4Packet.TryCreate(shortTotal, out _).Should().Be(WireError.BadLength);

        byte[] flipped = Packet();
        flipped[8] = 0x3f;
        Ipv4Packet.TryCreate(flipped, out _).Should().Be(WireError.BadChecksum);
    }

    [Fact]
    public void Random_bytes_never_throw_and_read_as_the_parsed_form()
    {
        var random = new RandomSource(791);
        var buffer = new byte[100];
        for (int i = 0; i < 10_000; i++)
        {
            int length = (int)random.NextInt64(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length > 0)
            {
                buffer[0] = (byte)(0x40 | (buffer[0] & 0x0f)); // mostly version 4, to get past the first check
            }

            if (length > 3 && i % 2 == 0)
            {
                buffer[2] = 0; // a total length that fits, half the time
                buffer[3] = (byte)random.NextInt64(length + 1);
            }

            if (length >= 20 && i % 4 == 0)
            {
                int ihl = (buffer[0] & 0xf) * 4;
                if (ihl >= 20 && ihl <= length)
                {
                    buffer[10] = 0; // and a good checksum, a quarter of the time
                    buffer[11] = 0;
                    ushort checksum = InternetChecksum.Compute(buffer.AsSpan(0, ihl));
                    buffer[10] = (byte)(checksum >> 8);
                    buffer[11] = unchecked((byte)checksum);
                }
            }

            WireError error = Ipv4Packet.TryCreate(buffer.AsSpan(0, length), out Ipv4Packet view);
            Enum.IsDefined(error).Should().BeTrue();
            Ipv4Header.TryParse(buffer.AsSpan(0, length), out Ipv4Header parsed).Should().Be(error);
            if (error == WireError.None)
            {
                view.ToHeader().Should().Be(parsed);
                view.Payload.Length.Should().Be(parsed.PayloadLength);
            }
        }
    }

    [Fact]
    public void Decrementing_the_TTL_updates_the_checksum_as_a_full_recompute_would()
    {
        var random = new RandomSource(1624);
        var packet = new byte[60];
        var recomputed = new byte[60];
        for (int i = 0; i < 10_000; i++)
        {
            int headerLength = 4 * (int)random.NextInt64(5, 16); // with options, up to 60 bytes
            random.NextBytes(packet);
            var view = new Ipv4Packet(packet.AsSpan(0, headerLength));
            packet[0] = (byte)(0x40 | (headerLength / 4));
            view.TotalLength = headerLength;
            view.TimeToLive = (byte)random.NextInt64(2, 256);
            view.FragmentOffset = 8 * (int)random.NextInt64(0, ((ushort.MaxValue - headerLength) / 8) + 1); // a datagram ends by 65,535
            view.UpdateChecksum();
            Ipv4Header before = view.ToHeader();

            view.TryDecrementTimeToLive().Should().BeTrue();

            view.TimeToLive.Should().Be((byte)(before.TimeToLive - 1));
            packet.AsSpan(0, headerLength).CopyTo(recomputed);
            recomputed[10] = 0;
            recomputed[11] = 0;
            ushort full = InternetChecksum.Compute(recomputed.AsSpan(0, headerLength));
            view.Checksum.Should().Be(full, $"for header {Convert.ToHexString(packet, 0, headerLength)}");
            Ipv4Packet.TryCreate(packet.AsSpan(0, headerLength), out _).Should().Be(WireError.None);
        }
    }

    [Fact]
    public void Decrementing_the_TTL_matches_a_full_recompute_for_every_identification()
    {
        // The identification runs through all 65536 values, and with it the checksum: the
        // update must agree at 0x0000 and 0xffff too.
        byte[] packet = Packet();
        var view = new Ipv4Packet(packet);
        for (int id = 0; id <= ushort.MaxValue; id++)
        {
            view.Identification = (ushort)id;
            view.TimeToLive = 64;
            view.UpdateChecksum();
            view.TryDecrementTimeToLive().Should().BeTrue();
            ushort incremental = view.Checksum;
            view.UpdateChecksum();
            incremental.Should().Be(view.Checksum, $"at identification {id}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void A_TTL_of_1_or_0_is_not_decremented_and_nothing_changes(byte ttl)
    {
        byte[] packet = Packet();
        var view = new Ipv4Packet(packet) { TimeToLive = ttl };
        view.UpdateChecksum();
        byte[] before = [.. packet];

        view.TryDecrementTimeToLive().Should().BeFalse();

        packet.Should().Equal(before);
    }

    [Fact]
    public void PacketDotNet_reads_a_packet_written_through_the_view()
    {
        var bytes = new byte[28];
        var view = new Ipv4Packet(bytes)
        {
            TypeOfService = 0x2e,
            TotalLength = 28,
            Identification = 0x1234,
            MoreFragments = true,
            FragmentOffset = 1480,
            TimeToLive = 17,
            Protocol = (IpProtocol)253,
            Source = Ipv4Address.Parse("10.0.0.1"),
            Destination = Ipv4Address.Parse("10.0.1.2"),
        };
        "payload!"u8.CopyTo(view.Payload);
        view.UpdateChecksum();

        var parsed = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(bytes));
        parsed.ValidChecksum.Should().BeTrue();
        parsed.TypeOfService.Should().Be(0x2e);
        parsed.TotalLength.Should().Be(28);
        parsed.Id.Should().Be(0x1234);
        parsed.FragmentFlags.Should().Be(0b001, "MF only");
        parsed.FragmentOffset.Should().Be(1480 / 8);
        parsed.TimeToLive.Should().Be(17);
        ((int)parsed.Protocol).Should().Be(253);
        parsed.SourceAddress.ToString().Should().Be("10.0.0.1");
        parsed.DestinationAddress.ToString().Should().Be("10.0.1.2");
        parsed.PayloadData.Should().Equal("payload!"u8.ToArray());

        view.TryDecrementTimeToLive().Should().BeTrue();
        parsed = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(bytes));
        parsed.TimeToLive.Should().Be(16);
        parsed.ValidChecksum.Should().BeTrue("the incremental update keeps the checksum valid");
    }

    private delegate void Setter(Ipv4Packet view);

    private static byte[] AfterSetting(Setter set)
    {
        byte[] bytes = Packet();
        Ipv4Packet.TryCreate(bytes, out Ipv4Packet view).Should().Be(WireError.None);
        set(view);
        return bytes;
    }

    private static byte[] Changed(params (int Index, byte Value)[] changes)
    {
        byte[] bytes = Packet();
        foreach ((int index, byte value) in changes)
        {
            bytes[index] = value;
        }

        return bytes;
    }

    [Fact]
    public void A_fragment_that_would_end_past_65535_bytes_is_refused()
    {
        byte[] packet = new byte[40];
        var view = new Ipv4Packet(packet)
        {
            TotalLength = 40,
            TimeToLive = 9,
            FragmentOffset = 65_496, // 65,496 + 40 = 65,536
        };
        view.UpdateChecksum();
        Ipv4Packet.TryCreate(packet, out _).Should().Be(WireError.BadFragmentOffset);
        Ipv4Header.TryParse(packet, out _).Should().Be(WireError.BadFragmentOffset);

        view.FragmentOffset = 65_488; // ends at 65,528: allowed
        view.UpdateChecksum();
        Ipv4Packet.TryCreate(packet, out _).Should().Be(WireError.None);
    }
}
