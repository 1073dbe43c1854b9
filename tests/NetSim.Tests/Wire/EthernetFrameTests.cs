using NetSim.Wire;

namespace NetSim.Tests.Wire;

public class EthernetFrameTests
{
    // An ARP request for 192.168.1.2 from 192.168.1.1 (00:11:22:33:44:55), broadcast and
    // padded to the 60-byte minimum, as a NIC puts it on the wire (FCS not included).
    private static readonly byte[] ArpRequest =
    [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // destination: broadcast
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, // source
        0x08, 0x06,                         // EtherType: ARP
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, // Ethernet, IPv4, 6, 4, request
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0xc0, 0xa8, 0x01, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x02,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // padding
    ];

    // The same header with an 802.1Q tag: priority 5, VLAN 100.
    private static readonly byte[] TaggedHeader =
    [
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
        0x81, 0x00, 0xa0, 0x64, // TPID, TCI
        0x08, 0x00,             // inner EtherType: IPv4
    ];

    [Fact]
    public void Takes_a_real_frame_apart()
    {
        EthernetHeader.TryParse(ArpRequest, out EthernetHeader header).Should().Be(WireError.None);
        header.Destination.Should().Be(MacAddress.Broadcast);
        header.Source.Should().Be(MacAddress.Parse("00:11:22:33:44:55"));
        header.PayloadType.Should().Be(EtherType.Arp);
        header.Vlan.Should().BeNull();
        header.Length.Should().Be(14);

        byte[] copy = [.. ArpRequest];
        EthernetFrame.TryCreate(copy, out EthernetFrame view).Should().Be(WireError.None);
        view.Payload.Length.Should().Be(46);
        view.Payload[7].Should().Be(0x01, "the ARP opcode is the payload's eighth byte");
    }

    [Fact]
    public void Builds_the_same_bytes_into_a_buffer_full_of_garbage()
    {
        var buffer = new byte[ArpRequest.Length];
        Array.Fill(buffer, (byte)0xa5);
        EthernetHeader.TryParse(ArpRequest, out EthernetHeader header);

        header.Emit(buffer);

        buffer.AsSpan(0, 14).ToArray().Should().Equal(ArpRequest.AsSpan(0, 14).ToArray());
        buffer.AsSpan(14).ToArray().Should().OnlyContain(b => b == 0xa5, "emitting a header touches nothing after it");
    }

    [Fact]
    public void Reads_and_writes_an_802_1Q_tag()
    {
        EthernetHeader.TryParse(TaggedHeader, out EthernetHeader header).Should().Be(WireError.None);
        header.Vlan.Should().Be(new VlanTag(5, false, 100));
        header.PayloadType.Should().Be(EtherType.IPv4, "the tag is recognised, not misread as the payload type");
        header.Length.Should().Be(18);

        var buffer = new byte[18];
        header.Emit(buffer);
        buffer.Should().Equal(TaggedHeader);
    }

    [Fact]
    public void Setters_write_fields_where_they_lie()
    {
        var buffer = new byte[60];
        var view = new EthernetFrame(buffer)
        {
            Destination = MacAddress.Parse("02:00:00:00:00:02"),
            Source = MacAddress.Parse("02:00:00:00:00:01"),
            EtherType = (EtherType)0x88b5, // a local experimental EtherType: unknown values are values
        };

        buffer.AsSpan(0, 14).ToArray().Should().Equal(2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5);
        view.EtherType.Should().Be((EtherType)0x88b5);
        view.PayloadType.Should().Be((EtherType)0x88b5);
    }

    [Fact]
    public void Every_truncation_gets_a_reason_and_never_an_exception()
    {
        for (int length = 0; length <= TaggedHeader.Length; length++)
        {
            WireError error = EthernetHeader.TryParse(TaggedHeader.AsSpan(0, length), out _);
            error.Should().Be(length < 18 ? WireError.Truncated : WireError.None, $"at length {length}");
        }

        for (int length = 0; length < ArpRequest.Length; length++)
        {
            WireError error = EthernetHeader.TryParse(ArpRequest.AsSpan(0, length), out _);
            error.Should().Be(length < 14 ? WireError.Truncated : WireError.None, $"at length {length}");
        }
    }

    [Fact]
    public void Refuses_frames_over_the_MTU_and_802_3_length_frames()
    {
        var big = new byte[EthernetFrame.MaxLength + 1];
        ArpRequest.AsSpan(0, 14).CopyTo(big);
        EthernetHeader.TryParse(big, out _).Should().Be(WireError.TooLong);
        EthernetHeader.TryParse(big.AsSpan(0, EthernetFrame.MaxLength), out _).Should().Be(WireError.None);

        var tagged = new byte[EthernetFrame.MaxTaggedLength];
        TaggedHeader.CopyTo(tagged, 0);
        EthernetHeader.TryParse(tagged, out _).Should().Be(WireError.None, "a tag adds four bytes to the limit");

        byte[] llc = [.. ArpRequest];
        llc[12] = 0x00;
        llc[13] = 0x26; // an 802.3 length (38), as spanning tree BPDUs carry
        EthernetHeader.TryParse(llc, out _).Should().Be(WireError.LengthFieldNotEtherType);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new NetSim.Engine.RandomSource(99);
        var buffer = new byte[1600];
        for (int i = 0; i < 10_000; i++)
        {
            int length = (int)random.NextInt64(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            WireError error = EthernetHeader.TryParse(buffer.AsSpan(0, length), out _);
            Enum.IsDefined(error).Should().BeTrue();
        }
    }
}
