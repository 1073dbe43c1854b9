using NetSim.Engine;
using NetSim.Wire;
using PacketDotNet;
using PacketDotNet.Tcp;

namespace NetSim.Tests.Wire;

public class TcpTests
{
    private static readonly Ipv4Address Source = Ipv4Address.Parse("192.168.1.137");
    private static readonly Ipv4Address Destination = Ipv4Address.Parse("8.8.8.8");

    // The real SYN's segment: 39818 to 80, sequence 0xde67c74a, checksum 0x3f5f, MSS 1460 and other options.
    private static byte[] Syn() => TransportCaptures.LinuxSyn[Ipv4Header.MinLength..];

    [Fact]
    public void Takes_a_real_syn_apart_as_PacketDotNet_does()
    {
        byte[] segment = Syn();
        TcpHeader.TryParse(segment, out TcpHeader header).Should().Be(WireError.None);
        header.Should().Be(new TcpHeader(39818, 80, 0xde67c74a, 0, TcpFlags.Syn, 29200, MaximumSegmentSize: 1460, HeaderLength: 40)
        {
            WindowScale = 7,
            Timestamps = new TcpTimestampOption(0x592b2997, 0),
            SackPermitted = true,
        });
        TcpHeader.VerifyChecksum(segment, Source, Destination).Should().BeTrue();

        var oracle = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(TransportCaptures.LinuxSyn)).Extract<TcpPacket>();
        oracle.ValidTcpChecksum.Should().BeTrue();
        header.SourcePort.Should().Be(oracle.SourcePort);
        header.DestinationPort.Should().Be(oracle.DestinationPort);
        header.SequenceNumber.Should().Be(oracle.SequenceNumber);
        header.Window.Should().Be(oracle.WindowSize);
        header.HeaderLength.Should().Be(oracle.DataOffset * 4);
        oracle.Synchronize.Should().BeTrue();
        oracle.OptionsCollection.OfType<MaximumSegmentSizeOption>().Single().Value.Should().Be(header.MaximumSegmentSize);
        oracle.OptionsCollection.OfType<WindowScaleFactorOption>().Single().ScaleFactor.Should().Be(header.WindowScale);
        oracle.OptionsCollection.OfType<TimeStampOption>().Single().Value.Should().Be(header.Timestamps!.Value.Value);
        oracle.OptionsCollection.OfType<TimeStampOption>().Single().EchoReply.Should().Be(header.Timestamps!.Value.EchoReply);
    }

    [Fact]
    public void Reads_a_real_segment_as_the_parsed_form_does()
    {
        byte[] bytes = Syn();
        TcpHeader.TryParse(bytes, out TcpHeader parsed).Should().Be(WireError.None);

        TcpSegment.TryCreate(bytes, out TcpSegment view).Should().Be(WireError.None);
        view.SourcePort.Should().Be(parsed.SourcePort);
        view.DestinationPort.Should().Be(parsed.DestinationPort);
        view.SequenceNumber.Should().Be(parsed.SequenceNumber);
        view.AcknowledgmentNumber.Should().Be(parsed.AcknowledgmentNumber);
        view.Flags.Should().Be(parsed.Flags);
        view.Window.Should().Be(parsed.Window);
        view.Checksum.Should().Be(0x3f5f);
        view.UrgentPointer.Should().Be(parsed.UrgentPointer);
        view.HeaderLength.Should().Be(40);
        view.ToHeader().Should().Be(parsed);
        view.Bytes.Length.Should().Be(40);
        view.Payload.Length.Should().Be(0);
    }

    [Fact]
    public void Setters_and_the_checksum_rebuild_a_real_header_over_garbage()
    {
        byte[] expected = Syn();
        byte[] buffer = [.. expected];
        buffer.AsSpan(0, TcpHeader.MinLength).Fill(0xa5);
        buffer[12] = 0xa0; // the data offset, which the view reads and does not set
        TcpSegment.TryCreate(buffer, out TcpSegment view).Should().Be(WireError.None);
        view.SourcePort = 39818;
        view.DestinationPort = 80;
        view.SequenceNumber = 0xde67c74a;
        view.AcknowledgmentNumber = 0;
        view.Flags = TcpFlags.Syn;
        view.Window = 29200;
        view.UrgentPointer = 0;
        view.UpdateChecksum(Source, Destination);

        buffer.Should().Equal(expected);
    }

    [Fact]
    public void Emit_writes_the_mss_option_and_a_checksum_PacketDotNet_finds_valid()
    {
        var source = Ipv4Address.Parse("10.0.0.1");
        var destination = Ipv4Address.Parse("10.0.1.2");
        var syn = new TcpHeader(50000, 443, 0xfffffff0, 0, TcpFlags.Syn, 64240, MaximumSegmentSize: 1460);
        syn.EmittedLength.Should().Be(24);
        var segment = new byte[syn.EmittedLength];
        Array.Fill(segment, (byte)0xa5);
        syn.Emit(segment, source, destination).Should().Be(24);

        segment[12].Should().Be(0x60, "a data offset of 6 and zero reserved bits");
        segment[20..].Should().Equal(2, 4, 0x05, 0xb4);
        TcpHeader.VerifyChecksum(segment, source, destination).Should().BeTrue();
        TcpHeader.TryParse(segment, out TcpHeader again).Should().Be(WireError.None);
        again.Should().Be(syn with { HeaderLength = 24 });

        var parsed = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(InIpv4(source, destination, segment))).Extract<TcpPacket>();
        parsed.ValidTcpChecksum.Should().BeTrue();
        parsed.SourcePort.Should().Be(50000);
        parsed.DestinationPort.Should().Be(443);
        parsed.SequenceNumber.Should().Be(0xfffffff0);
        parsed.Synchronize.Should().BeTrue();
        parsed.Acknowledgment.Should().BeFalse();
        parsed.WindowSize.Should().Be(64240);
        parsed.OptionsCollection.OfType<MaximumSegmentSizeOption>().Single().Value.Should().Be(1460);
    }

    [Fact]
    public void Emit_writes_a_data_segment_before_its_payload_and_PacketDotNet_agrees()
    {
        var source = Ipv4Address.Parse("10.0.0.1");
        var destination = Ipv4Address.Parse("10.0.1.2");
        foreach (int payloadLength in new[] { 0, 1, 7, 1460 })
        {
            var header = new TcpHeader(80, 50000, 0x7fffffff, 0x80000000, TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin, 1024, UrgentPointer: 3);
            header.EmittedLength.Should().Be(TcpHeader.MinLength);
            var segment = new byte[header.EmittedLength + payloadLength];
            for (int i = header.EmittedLength; i < segment.Length; i++)
            {
                segment[i] = unchecked((byte)(i * 13));
            }

            header.Emit(segment, source, destination).Should().Be(20);
            TcpHeader.TryParse(segment, out TcpHeader again).Should().Be(WireError.None);
            again.Should().Be(header);
            TcpSegment.TryCreate(segment, out TcpSegment view).Should().Be(WireError.None);
            view.Payload.Length.Should().Be(payloadLength);

            var parsed = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(InIpv4(source, destination, segment))).Extract<TcpPacket>();
            parsed.ValidTcpChecksum.Should().BeTrue($"for {payloadLength} bytes of payload");
            parsed.AcknowledgmentNumber.Should().Be(0x80000000);
            parsed.Acknowledgment.Should().BeTrue();
            parsed.Push.Should().BeTrue();
            parsed.Finished.Should().BeTrue();
            parsed.Synchronize.Should().BeFalse();
            parsed.UrgentPointer.Should().Be(3);
            parsed.DataOffset.Should().Be(5);
            parsed.PayloadData.Should().Equal(segment[20..]);
        }
    }

    [Fact]
    public void Every_flag_goes_where_RFC_9293_puts_it()
    {
        var segment = new byte[TcpHeader.MinLength];
        new TcpHeader(1, 2, 3, 4, (TcpFlags)0xff, 5).Emit(segment, Source, Destination);
        segment[13].Should().Be(0xff);
        var parsed = new TcpPacket(new PacketDotNet.Utils.ByteArraySegment(segment));
        (parsed.Finished, parsed.Synchronize, parsed.Reset, parsed.Push, parsed.Acknowledgment, parsed.Urgent,
            parsed.ExplicitCongestionNotificationEcho, parsed.CongestionWindowReduced).Should().Be((true, true, true, true, true, true, true, true));

        foreach (TcpFlags flag in Enum.GetValues<TcpFlags>().Where(f => f != TcpFlags.None))
        {
            new TcpHeader(1, 2, 3, 4, flag, 5).Emit(segment, Source, Destination);
            var one = new TcpPacket(new PacketDotNet.Utils.ByteArraySegment(segment));
            one.Flags.Should().Be((ushort)flag, $"for {flag}");
            TcpHeader.TryParse(segment, out TcpHeader again).Should().Be(WireError.None);
            again.Flags.Should().Be(flag);
        }
    }

    [Fact]
    public void The_checksum_catches_every_flipped_bit_and_the_wrong_addresses()
    {
        byte[] segment = Syn();
        for (int bit = 0; bit < segment.Length * 8; bit++)
        {
            byte[] damaged = [.. segment];
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            TcpHeader.VerifyChecksum(damaged, Source, Destination).Should().BeFalse($"bit {bit} is flipped");
        }

        TcpHeader.VerifyChecksum(segment, Source, Ipv4Address.Parse("8.8.4.4")).Should().BeFalse();
        TcpHeader.VerifyChecksum(segment.AsSpan(0, 39), Source, Destination).Should().BeFalse("the length is in the pseudo-header");
        TcpHeader.VerifyChecksum(segment.AsSpan(0, 19), Source, Destination).Should().BeFalse("too short to be a segment");
    }

    [Fact]
    public void Every_truncation_gets_a_reason()
    {
        byte[] segment = Syn();
        for (int length = 0; length < segment.Length; length++)
        {
            TcpHeader.TryParse(segment.AsSpan(0, length), out _).Should().Be(WireError.Truncated, $"at length {length}");
            TcpSegment.TryCreate(segment.AsSpan(0, length), out _).Should().Be(WireError.Truncated, $"at length {length}");
        }

        for (int offset = 0; offset < 5; offset++)
        {
            byte[] damaged = Syn();
            damaged[12] = (byte)(offset << 4);
            TcpHeader.TryParse(damaged, out _).Should().Be(WireError.BadHeaderLength, $"for data offset {offset}");
            TcpSegment.TryCreate(damaged, out _).Should().Be(WireError.BadHeaderLength, $"for data offset {offset}");
        }
    }

    [Theory]
    [InlineData(new byte[] { 8, 0, 0, 0 }, "a zero-length option")]
    [InlineData(new byte[] { 8, 1, 0, 0 }, "a length of 1, shorter than the kind and length bytes")]
    [InlineData(new byte[] { 1, 3, 5, 7 }, "a window scale option of 5 bytes in the 3 left")]
    [InlineData(new byte[] { 1, 1, 1, 3 }, "a kind whose length byte would be past the header")]
    [InlineData(new byte[] { 2, 3, 5, 0 }, "an MSS option of 3 bytes")]
    [InlineData(new byte[] { 2, 5, 5, 0xb4, 0, 1, 1, 1 }, "an MSS option of 5 bytes")]
    [InlineData(new byte[] { 2, 2, 1, 1 }, "an MSS option of 2 bytes")]
    [InlineData(new byte[] { 3, 4, 7, 0 }, "a window scale option of 4 bytes")]
    [InlineData(new byte[] { 3, 2, 1, 1 }, "a window scale option of 2 bytes")]
    [InlineData(new byte[] { 8, 8, 0, 0, 0, 1, 0, 0 }, "a timestamps option of 8 bytes")]
    [InlineData(new byte[] { 8, 12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, "a timestamps option of 12 bytes")]
    [InlineData(new byte[] { 1, 1, 8, 10, 0, 0, 0, 1 }, "a timestamps option that runs past the header")]
    public void Options_that_cannot_be_read_are_bad(byte[] options, string because)
    {
        byte[] segment = WithOptions(options);
        TcpHeader.TryParse(segment, out _).Should().Be(WireError.BadTcpOption, because);
        TcpSegment.TryCreate(segment, out _).Should().Be(WireError.BadTcpOption, because);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0xff, 0xff, 0xff }, 0, "nothing is read after the end of the list")]
    [InlineData(new byte[] { 1, 1, 0x63, 2 }, 0, "an unknown kind is skipped by its length")]
    [InlineData(new byte[] { 4, 2, 1, 1 }, 0, "SACK permitted and NOPs")]
    [InlineData(new byte[] { 1, 1, 1, 1, 2, 4, 0x05, 0xb4 }, 1460, "the MSS after NOPs")]
    [InlineData(new byte[] { 3, 3, 14, 2, 4, 0x02, 0x18, 0 }, 536, "the MSS after a window scale option, then the end")]
    [InlineData(new byte[] { 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 2, 4, 0x23, 0x28, 0, 0 }, 9000, "the MSS after timestamps")]
    public void Options_are_walked_by_their_lengths(byte[] options, int maximumSegmentSize, string because)
    {
        byte[] segment = WithOptions(options);
        TcpHeader.TryParse(segment, out TcpHeader header).Should().Be(WireError.None, because);
        header.MaximumSegmentSize.Should().Be((ushort)maximumSegmentSize, because);
        header.HeaderLength.Should().Be(TcpHeader.MinLength + options.Length);
        TcpSegment.TryCreate(segment, out TcpSegment view).Should().Be(WireError.None);
        view.ToHeader().Should().Be(header);
        view.Payload.ToArray().Should().Equal(0xde, 0xad);
    }

    [Fact]
    public void A_syn_s_options_are_laid_out_as_linux_lays_them_out()
    {
        // Linux's SYN above without SACK permitted (see the next test for it): MSS; NOP NOP TS; NOP WS.
        byte[] linux = Syn()[TcpHeader.MinLength..];
        byte[] expected = [.. linux[..4], 1, 1, .. linux[6..]];
        var header = new TcpHeader(39818, 80, 0xde67c74a, 0, TcpFlags.Syn, 29200, MaximumSegmentSize: 1460)
        {
            WindowScale = 7,
            Timestamps = new TcpTimestampOption(0x592b2997, 0),
        };
        header.EmittedLength.Should().Be(40);
        byte[] segment = new byte[header.EmittedLength];
        segment.AsSpan().Fill(0xee);
        header.Emit(segment, Source, Destination).Should().Be(40);
        segment[TcpHeader.MinLength..].Should().Equal(expected);
        TcpHeader.TryParse(segment, out TcpHeader parsed).Should().Be(WireError.None);
        parsed.Should().Be(header with { HeaderLength = 40 });

        var oracle = new TcpPacket(new PacketDotNet.Utils.ByteArraySegment(segment));
        oracle.OptionsCollection.Select(o => o.Kind).Should().Equal(OptionTypes.MaximumSegmentSize, OptionTypes.NoOperation, OptionTypes.NoOperation, OptionTypes.Timestamp, OptionTypes.NoOperation, OptionTypes.WindowScaleFactor);
        oracle.OptionsCollection.OfType<WindowScaleFactorOption>().Single().ScaleFactor.Should().Be(7);
        oracle.OptionsCollection.OfType<TimeStampOption>().Single().Value.Should().Be(0x592b2997);
    }

    [Fact]
    public void A_syn_with_sack_permitted_is_byte_for_byte_linux_s_syn()
    {
        // Linux's tcp_options_write: MSS; SACK_PERM in the two NOPs' place before TS; NOP WS.
        byte[] linux = Syn();
        var header = new TcpHeader(39818, 80, 0xde67c74a, 0, TcpFlags.Syn, 29200, MaximumSegmentSize: 1460)
        {
            WindowScale = 7,
            Timestamps = new TcpTimestampOption(0x592b2997, 0),
            SackPermitted = true,
        };
        header.EmittedLength.Should().Be(40, "SACK-permitted costs nothing beside timestamps");
        byte[] segment = new byte[header.EmittedLength];
        header.Emit(segment, Source, Destination);
        segment[TcpHeader.MinLength..].Should().Equal(linux[TcpHeader.MinLength..]);
        segment[TcpHeader.MinLength + 4].Should().Be(4, "kind 4, SACK permitted, after the MSS");
        TcpHeader.TryParse(linux, out TcpHeader parsed).Should().Be(WireError.None);
        parsed.SackPermitted.Should().BeTrue();
        parsed.SackBlocks.Count.Should().Be(0);

        var oracle = new TcpPacket(new PacketDotNet.Utils.ByteArraySegment(segment));
        oracle.OptionsCollection.Select(o => o.Kind).Should().Equal(OptionTypes.MaximumSegmentSize, OptionTypes.SelectiveAcknowledgmentPermitted, OptionTypes.Timestamp, OptionTypes.NoOperation, OptionTypes.WindowScaleFactor);
    }

    [Fact]
    public void Without_timestamps_sack_permitted_goes_after_two_nops()
    {
        var header = new TcpHeader(1, 2, 3, 0, TcpFlags.Syn, 100, MaximumSegmentSize: 1460) { SackPermitted = true, WindowScale = 7 };
        header.EmittedLength.Should().Be(32);
        byte[] segment = new byte[header.EmittedLength];
        header.Emit(segment, Source, Destination);
        segment[TcpHeader.MinLength..].Should().Equal(2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7);
        TcpHeader.TryParse(segment, out TcpHeader parsed).Should().Be(WireError.None);
        parsed.Should().Be(header with { HeaderLength = 32 });
    }

    [Fact]
    public void Sack_blocks_go_after_two_nops_eight_bytes_each_and_read_back()
    {
        TcpSackBlocks blocks = TcpSackBlocks.Create([new TcpSackBlock(0x01020304, 0x05060708), new TcpSackBlock(10, 20), new TcpSackBlock(30, 40)]);
        var header = new TcpHeader(80, 39818, 1, 2, TcpFlags.Ack, 501) { Timestamps = new TcpTimestampOption(1, 2), SackBlocks = blocks };
        header.EmittedLength.Should().Be(60, "20 + NOP NOP TS 12 + NOP NOP SACK (2 + 3 * 8): three blocks fill the 40 bytes beside timestamps");
        byte[] segment = new byte[header.EmittedLength];
        header.Emit(segment, Source, Destination);
        segment[32..44].Should().Equal(1, 1, 5, 26, 1, 2, 3, 4, 5, 6, 7, 8);
        TcpHeader.TryParse(segment, out TcpHeader parsed).Should().Be(WireError.None);
        parsed.SackBlocks.Should().Be(blocks);
        parsed.Should().Be(header with { HeaderLength = 60 });

        var oracle = new TcpPacket(new PacketDotNet.Utils.ByteArraySegment(segment));
        oracle.OptionsCollection.Select(o => o.Kind).Should().Equal(OptionTypes.NoOperation, OptionTypes.NoOperation, OptionTypes.Timestamp, OptionTypes.NoOperation, OptionTypes.NoOperation, OptionTypes.SelectiveAcknowledgment);
    }

    [Fact]
    public void Four_sack_blocks_fit_without_timestamps_and_more_options_than_40_bytes_are_refused()
    {
        TcpSackBlocks four = TcpSackBlocks.Create([new TcpSackBlock(1, 2), new TcpSackBlock(3, 4), new TcpSackBlock(5, 6), new TcpSackBlock(7, 8)]);
        var header = new TcpHeader(80, 39818, 1, 2, TcpFlags.Ack, 501) { SackBlocks = four };
        header.EmittedLength.Should().Be(56);
        byte[] segment = new byte[header.EmittedLength];
        header.Emit(segment, Source, Destination);
        TcpHeader.TryParse(segment, out TcpHeader parsed).Should().Be(WireError.None);
        parsed.SackBlocks.Should().Be(four);

        var tooLong = header with { Timestamps = new TcpTimestampOption(1, 2) };
        tooLong.EmittedLength.Should().Be(68);
        FluentActions.Invoking(() => tooLong.Emit(new byte[68], Source, Destination)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => TcpSackBlocks.Create(new TcpSackBlock[5])).Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(new byte[] { 5, 2, 1, 1 }, "a SACK option with no block")]
    [InlineData(new byte[] { 5, 9, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1 }, "a SACK option of 9 bytes: not 2 + 8n")]
    [InlineData(new byte[] { 5, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 }, "a SACK option of 12 bytes: one block and two bytes more")]
    [InlineData(new byte[] { 1, 1, 1, 1, 5, 10, 0, 0, 0, 1, 0, 0 }, "a SACK block that runs past the header")]
    [InlineData(new byte[] { 4, 3, 0, 1 }, "a SACK-permitted option of 3 bytes")]
    public void Malformed_sack_options_are_bad_options_not_exceptions(byte[] options, string because)
    {
        byte[] segment = WithOptions(options);
        TcpHeader.TryParse(segment, out _).Should().Be(WireError.BadTcpOption, because);
        TcpSegment.TryCreate(segment, out _).Should().Be(WireError.BadTcpOption, because);
    }

    [Fact]
    public void Five_sack_blocks_in_a_header_of_40_option_bytes_cannot_be_and_are_bad()
    {
        byte[] options = new byte[40];
        options[0] = 5;
        options[1] = 2 + (5 * 8); // 42: runs past the 40 bytes
        TcpHeader.TryParse(WithOptions(options), out _).Should().Be(WireError.BadTcpOption);
    }

    [Fact]
    public void A_data_segment_s_timestamps_take_twelve_bytes_after_two_nops()
    {
        var header = new TcpHeader(80, 39818, 1, 2, TcpFlags.Ack, 501) { Timestamps = new TcpTimestampOption(0x01020304, 0x0a0b0c0d) };
        header.EmittedLength.Should().Be(32);
        byte[] segment = new byte[header.EmittedLength + 2];
        segment[^2] = 0xde;
        segment[^1] = 0xad;
        header.Emit(segment, Source, Destination);
        segment[20..32].Should().Equal(1, 1, 8, 10, 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d);
        TcpHeader.TryParse(segment, out TcpHeader parsed).Should().Be(WireError.None);
        parsed.Should().Be(header with { HeaderLength = 32 });
        TcpHeader.VerifyChecksum(segment, Source, Destination).Should().BeTrue();
    }

    [Fact]
    public void Each_setter_writes_only_its_field()
    {
        AfterSetting(v => v.SourcePort = 0x0102).Should().Equal(Changed((0, 0x01), (1, 0x02)));
        AfterSetting(v => v.DestinationPort = 0x0304).Should().Equal(Changed((2, 0x03), (3, 0x04)));
        AfterSetting(v => v.SequenceNumber = 0x01020304).Should().Equal(Changed((4, 0x01), (5, 0x02), (6, 0x03), (7, 0x04)));
        AfterSetting(v => v.AcknowledgmentNumber = 0x05060708).Should().Equal(Changed((8, 0x05), (9, 0x06), (10, 0x07), (11, 0x08)));
        AfterSetting(v => v.Flags = TcpFlags.Syn | TcpFlags.Ack).Should().Equal(Changed((13, 0x12)));
        AfterSetting(v => v.Window = 0x0a0b).Should().Equal(Changed((14, 0x0a), (15, 0x0b)));
        AfterSetting(v => v.Checksum = 0x0c0d).Should().Equal(Changed((16, 0x0c), (17, 0x0d)));
        AfterSetting(v => v.UrgentPointer = 0x0e0f).Should().Equal(Changed((18, 0x0e), (19, 0x0f)));
    }

    [Fact]
    public void The_constructor_needs_a_whole_header_and_writes_the_data_offset()
    {
        var buffer = new byte[25];
        var view = new TcpSegment(buffer);
        view.HeaderLength.Should().Be(20);
        view.Payload.Length.Should().Be(5);
        buffer[12].Should().Be(0x50);
        buffer.Where((_, i) => i != 12).Should().OnlyContain(b => b == 0);

        Action tooShort = () => _ = new TcpSegment(new byte[19]);
        tooShort.Should().Throw<ArgumentException>().WithMessage("*20 to 65535*19*");
        Action tooLong = () => _ = new TcpSegment(new byte[65536]);
        tooLong.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Emit_refuses_a_buffer_the_header_does_not_fit()
    {
        Action noRoomForTheOption = () => new TcpHeader(1, 2, 3, 4, TcpFlags.Syn, 5, MaximumSegmentSize: 1460).Emit(new byte[23], Source, Destination);
        noRoomForTheOption.Should().Throw<ArgumentException>().WithMessage("*24*23*");
        Action tooLong = () => new TcpHeader(1, 2, 3, 4, TcpFlags.Ack, 5).Emit(new byte[65536], Source, Destination);
        tooLong.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Random_bytes_never_throw_and_read_as_the_parsed_form()
    {
        var random = new RandomSource(9293);
        var buffer = new byte[80];
        for (int i = 0; i < 10_000; i++)
        {
            int length = (int)random.NextInt64(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length >= TcpHeader.MinLength && i % 2 == 0)
            {
                buffer[12] = (byte)((5 + random.NextInt64(3)) << 4); // a data offset of 5 to 7, to reach the options, half the time
            }

            WireError error = TcpSegment.TryCreate(buffer.AsSpan(0, length), out TcpSegment view);
            Enum.IsDefined(error).Should().BeTrue();
            TcpHeader.TryParse(buffer.AsSpan(0, length), out TcpHeader parsed).Should().Be(error);
            _ = TcpHeader.VerifyChecksum(buffer.AsSpan(0, length), Source, Destination);
            if (error == WireError.None)
            {
                view.ToHeader().Should().Be(parsed);
                view.Payload.Length.Should().Be(length - parsed.HeaderLength);
                view.UpdateChecksum(Source, Destination);
                TcpHeader.VerifyChecksum(buffer.AsSpan(0, length), Source, Destination).Should().BeTrue();
            }
        }
    }

    [Fact]
    public void Sequence_numbers_compare_modulo_2_to_the_32()
    {
        TcpSequence.LessThan(1, 2).Should().BeTrue();
        TcpSequence.LessThan(2, 1).Should().BeFalse();
        TcpSequence.LessThan(5, 5).Should().BeFalse();
        TcpSequence.LessOrEqual(5, 5).Should().BeTrue();

        // Across the wrap: 0xfffffff0 comes 32 before 0x10.
        TcpSequence.LessThan(0xfffffff0, 0x10).Should().BeTrue();
        TcpSequence.LessThan(0x10, 0xfffffff0).Should().BeFalse();
        TcpSequence.LessOrEqual(uint.MaxValue, 0).Should().BeTrue();
        TcpSequence.LessOrEqual(0, uint.MaxValue).Should().BeFalse();
        TcpSequence.Difference(0x10, 0xfffffff0).Should().Be(32);
        TcpSequence.Difference(0xfffffff0, 0x10).Should().Be(-32);
        TcpSequence.Add(0xfffffff0, 32).Should().Be(0x10);
        TcpSequence.Add(0x10, -32).Should().Be(0xfffffff0);

        // The farthest apart two numbers can be and still compare: 2^31 - 1.
        TcpSequence.LessThan(0, int.MaxValue).Should().BeTrue();
        TcpSequence.LessThan(0, 0x80000001).Should().BeFalse("2^31 + 1 ahead is 2^31 - 1 behind");
        TcpSequence.Difference(0x80000000, 1).Should().Be(int.MaxValue);
    }

    // A 20-byte header from the real SYN with the given options (a multiple of 4 bytes) and two bytes of payload.
    private static byte[] WithOptions(byte[] options)
    {
        byte[] segment = [.. Syn().AsSpan(0, TcpHeader.MinLength), .. options, 0xde, 0xad];
        segment[12] = (byte)((TcpHeader.MinLength + options.Length) / 4 << 4);
        return segment;
    }

    private static byte[] InIpv4(Ipv4Address source, Ipv4Address destination, byte[] segment)
    {
        var packet = new byte[Ipv4Header.MinLength + segment.Length];
        new Ipv4Header(source, destination, IpProtocol.Tcp, 64, packet.Length).Emit(packet);
        segment.CopyTo(packet, Ipv4Header.MinLength);
        return packet;
    }

    private delegate void Setter(TcpSegment view);

    private static byte[] AfterSetting(Setter set)
    {
        byte[] bytes = Syn();
        TcpSegment.TryCreate(bytes, out TcpSegment view).Should().Be(WireError.None);
        set(view);
        return bytes;
    }

    private static byte[] Changed(params (int Index, byte Value)[] changes)
    {
        byte[] bytes = Syn();
        foreach ((int index, byte value) in changes)
        {
            bytes[index] = value;
        }

        return bytes;
    }
}
