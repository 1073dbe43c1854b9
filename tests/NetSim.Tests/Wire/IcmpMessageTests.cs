using NetSim.Engine;
using NetSim.Wire;
using PacketDotNet;

namespace NetSim.Tests.Wire;

public class IcmpMessageTests
{
    // A Windows ping: echo request, identifier 1, sequence 1, 32 bytes of "abcdefghijklmnopqrstuvwabcdefghi".
    private static readonly byte[] EchoRequest =
    [
        0x08, 0x00, 0x4d, 0x5a, 0x00, 0x01, 0x00, 0x01,
        .. "abcdefghijklmnopqrstuvwabcdefghi"u8,
    ];

    [Fact]
    public void Reads_a_real_ping_as_the_parsed_form_does()
    {
        byte[] bytes = [.. EchoRequest];
        IcmpHeader.TryParse(bytes, out IcmpHeader parsed).Should().Be(WireError.None);

        IcmpMessage.TryCreate(bytes, out IcmpMessage view).Should().Be(WireError.None);
        view.Type.Should().Be(parsed.Type);
        view.Code.Should().Be(parsed.Code);
        view.Checksum.Should().Be(0x4d5a);
        view.Identifier.Should().Be(parsed.Identifier);
        view.SequenceNumber.Should().Be(parsed.SequenceNumber);
        view.ToHeader().Should().Be(parsed);
        view.Bytes.Length.Should().Be(40);
        view.Data.ToArray().Should().Equal("abcdefghijklmnopqrstuvwabcdefghi"u8.ToArray());
    }

    [Fact]
    public void Setters_write_exactly_the_header_bytes_over_garbage()
    {
        byte[] buffer = [.. EchoRequest];
        buffer.AsSpan(0, IcmpHeader.Length).Fill(0xa5);
        var view = new IcmpMessage(buffer)
        {
            Type = IcmpType.EchoRequest,
            Code = 0,
            Identifier = 1,
            SequenceNumber = 1,
        };
        view.UpdateChecksum();

        buffer.Should().Equal(EchoRequest);
    }

    [Fact]
    public void Each_setter_writes_only_its_field()
    {
        AfterSetting(v => v.Type = IcmpType.EchoReply).Should().Equal(Changed((0, 0x00)));
        AfterSetting(v => v.Code = 3).Should().Equal(Changed((1, 0x03)));
        AfterSetting(v => v.Checksum = 0x0102).Should().Equal(Changed((2, 0x01), (3, 0x02)));
        AfterSetting(v => v.Identifier = 0xbeef).Should().Equal(Changed((4, 0xbe), (5, 0xef)));
        AfterSetting(v => v.SequenceNumber = 0x1234).Should().Equal(Changed((6, 0x12), (7, 0x34)));
        AfterSetting(v => v.NextHopMtu = 1400).Should().Equal(Changed((6, 0x05), (7, 0x78)));
    }

    [Fact]
    public void Fragmentation_needed_is_written_with_the_offending_header_as_data()
    {
        var buffer = new byte[IcmpHeader.Length + Ipv4Header.MinLength + IcmpHeader.ErrorDataLength];
        var offending = new Ipv4Header(Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("10.0.1.2"), IpProtocol.Udp, 63, 1500, DontFragment: true);
        var view = new IcmpMessage(buffer)
        {
            Type = IcmpType.DestinationUnreachable,
            Code = (byte)UnreachableCode.FragmentationNeeded,
            NextHopMtu = 1400,
        };
        offending.Emit(view.Data);
        view.UpdateChecksum();

        var expected = new byte[buffer.Length];
        offending.Emit(expected.AsSpan(IcmpHeader.Length));
        new IcmpHeader(IcmpType.DestinationUnreachable, 4, NextHopMtu: 1400).Emit(expected);
        buffer.Should().Equal(expected);
        buffer[6].Should().Be(0x05);
        buffer[7].Should().Be(0x78);
        view.ToHeader().Should().Be(new IcmpHeader(IcmpType.DestinationUnreachable, 4, NextHopMtu: 1400));
    }

    [Fact]
    public void The_constructor_needs_a_whole_header()
    {
        Action tooShort = () => _ = new IcmpMessage(new byte[7]);
        tooShort.Should().Throw<ArgumentException>().WithMessage("*8 bytes*7*");
        new IcmpMessage(new byte[8]).Data.Length.Should().Be(0);
    }

    [Fact]
    public void Every_truncation_gets_a_reason()
    {
        for (int length = 0; length < EchoRequest.Length; length++)
        {
            IcmpMessage.TryCreate(EchoRequest.AsSpan(0, length), out _).Should().Be(
                length < IcmpHeader.Length ? WireError.Truncated : WireError.BadChecksum, $"at length {length}");
        }

        byte[] damaged = [.. EchoRequest];
        damaged[20] ^= 1;
        IcmpMessage.TryCreate(damaged, out _).Should().Be(WireError.BadChecksum);
    }

    [Fact]
    public void Random_bytes_never_throw_and_read_as_the_parsed_form()
    {
        var random = new RandomSource(792);
        var buffer = new byte[64];
        for (int i = 0; i < 10_000; i++)
        {
            int length = (int)random.NextInt64(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length >= IcmpHeader.Length && i % 2 == 0)
            {
                new IcmpMessage(buffer.AsSpan(0, length)).UpdateChecksum(); // a good checksum, half the time
            }

            WireError error = IcmpMessage.TryCreate(buffer.AsSpan(0, length), out IcmpMessage view);
            Enum.IsDefined(error).Should().BeTrue();
            IcmpHeader.TryParse(buffer.AsSpan(0, length), out IcmpHeader parsed).Should().Be(error);
            if (error == WireError.None)
            {
                view.ToHeader().Should().Be(parsed);
                view.Data.Length.Should().Be(length - IcmpHeader.Length);
            }
        }
    }

    [Fact]
    public void PacketDotNet_reads_a_message_written_through_the_view()
    {
        var bytes = new byte[IcmpHeader.Length + 5];
        var view = new IcmpMessage(bytes)
        {
            Type = IcmpType.EchoReply,
            Identifier = 0x4242,
            SequenceNumber = 7,
        };
        "hello"u8.CopyTo(view.Data); // an odd length: the checksum pads the last byte
        view.UpdateChecksum();

        var parsed = new IcmpV4Packet(new PacketDotNet.Utils.ByteArraySegment(bytes));
        parsed.ValidIcmpChecksum.Should().BeTrue();
        parsed.TypeCode.Should().Be(IcmpV4TypeCode.EchoReply);
        parsed.Id.Should().Be(0x4242);
        parsed.Sequence.Should().Be(7);
        parsed.Data.Should().Equal("hello"u8.ToArray());
    }

    private delegate void Setter(IcmpMessage view);

    private static byte[] AfterSetting(Setter set)
    {
        byte[] bytes = [.. EchoRequest];
        IcmpMessage.TryCreate(bytes, out IcmpMessage view).Should().Be(WireError.None);
        set(view);
        return bytes;
    }

    private static byte[] Changed(params (int Index, byte Value)[] changes)
    {
        byte[] bytes = [.. EchoRequest];
        foreach ((int index, byte value) in changes)
        {
            bytes[index] = value;
        }

        return bytes;
    }
}
