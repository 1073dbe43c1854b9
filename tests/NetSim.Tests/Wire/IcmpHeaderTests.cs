using NetSim.Wire;

namespace NetSim.Tests.Wire;

public class IcmpHeaderTests
{
    // A Windows ping: echo request, identifier 1, sequence 1, 32 bytes of "abcdefghijklmnopqrstuvwabcdefghi".
    private static readonly byte[] EchoRequest =
    [
        0x08, 0x00, 0x4d, 0x5a, 0x00, 0x01, 0x00, 0x01,
        .. "abcdefghijklmnopqrstuvwabcdefghi"u8,
    ];

    [Fact]
    public void Takes_a_real_ping_apart_and_builds_it_again()
    {
        IcmpHeader.TryParse(EchoRequest, out IcmpHeader header).Should().Be(WireError.None);
        header.Should().Be(new IcmpHeader(IcmpType.EchoRequest, 0, Identifier: 1, SequenceNumber: 1));

        byte[] built = [.. EchoRequest];
        built.AsSpan(0, 8).Fill(0xa5);
        header.Emit(built);
        built.Should().Equal(EchoRequest);
    }

    [Fact]
    public void The_reply_differs_only_in_type_and_checksum()
    {
        byte[] reply = [.. EchoRequest];
        new IcmpHeader(IcmpType.EchoReply, 0, 1, 1).Emit(reply);
        reply[0].Should().Be(0);
        IcmpHeader.TryParse(reply, out IcmpHeader parsed).Should().Be(WireError.None);
        parsed.Type.Should().Be(IcmpType.EchoReply);
        reply.AsSpan(4).ToArray().Should().Equal(EchoRequest.AsSpan(4).ToArray());
    }

    [Fact]
    public void Fragmentation_needed_carries_the_next_hop_mtu()
    {
        var message = new byte[IcmpHeader.Length + 20 + IcmpHeader.ErrorDataLength];
        new IcmpHeader(IcmpType.DestinationUnreachable, (byte)UnreachableCode.FragmentationNeeded, NextHopMtu: 1400).Emit(message);
        message[6].Should().Be(0x05);
        message[7].Should().Be(0x78);
        IcmpHeader.TryParse(message, out IcmpHeader parsed).Should().Be(WireError.None);
        parsed.NextHopMtu.Should().Be(1400);
        parsed.Identifier.Should().Be(0, "only echoes have identifiers");
    }

    [Fact]
    public void Truncation_and_a_bad_checksum_get_their_reasons()
    {
        for (int length = 0; length < IcmpHeader.Length; length++)
        {
            IcmpHeader.TryParse(EchoRequest.AsSpan(0, length), out _).Should().Be(WireError.Truncated);
        }

        byte[] damaged = [.. EchoRequest];
        damaged[20] ^= 1;
        IcmpHeader.TryParse(damaged, out _).Should().Be(WireError.BadChecksum);
        IcmpHeader.TryParse(EchoRequest.AsSpan(0, 39), out _).Should().Be(WireError.BadChecksum, "a cut message no longer sums right");
    }
}
