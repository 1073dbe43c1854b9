using System.Buffers.Binary;
using NetSim.Engine;
using NetSim.Wire;

namespace NetSim.Tests.Wire;

public class InternetChecksumTests
{
    // An IPv4 header (UDP, 192.168.0.1 to 192.168.0.199) whose checksum field holds 0xb861.
    private static readonly byte[] Header =
    [
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
        0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    ];

    [Fact]
    public void Matches_the_worked_example_of_RFC_1071()
    {
        // RFC 1071, 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (end-around carries included).
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        InternetChecksum.Sum(data).Should().Be(0xddf2);
        InternetChecksum.Compute(data).Should().Be(0x220d);
    }

    [Fact]
    public void A_real_header_checks_out_and_its_checksum_is_reproduced()
    {
        InternetChecksum.Compute(Header).Should().Be(0, "a header with a correct checksum sums to all ones");
        byte[] zeroed = [.. Header];
        zeroed[10] = 0;
        zeroed[11] = 0;
        InternetChecksum.Compute(zeroed).Should().Be(0xb861);
    }

    [Fact]
    public void Odd_lengths_are_padded_and_pieces_add_up()
    {
        byte[] data = [0x12, 0x34, 0x56];
        InternetChecksum.Compute(data).Should().Be(InternetChecksum.Compute([0x12, 0x34, 0x56, 0x00]));
        uint twoPieces = InternetChecksum.Sum(Header.AsSpan(10), InternetChecksum.Sum(Header.AsSpan(0, 10)));
        InternetChecksum.Finish(twoPieces).Should().Be(InternetChecksum.Compute(Header));
    }

    [Theory]
    [InlineData(IpProtocol.Udp, 6, 0x8efb)] // the DNS query: UDP checksum at offset 6
    [InlineData(IpProtocol.Tcp, 16, 0x3f5f)] // the Linux SYN: TCP checksum at offset 16
    public void The_pseudo_header_sum_reproduces_the_checksum_of_a_real_packet(IpProtocol protocol, int checksumOffset, int checksum)
    {
        byte[] packet = protocol == IpProtocol.Udp ? TransportCaptures.DnsQuery : TransportCaptures.LinuxSyn;
        var source = Ipv4Address.Read(packet.AsSpan(12));
        var destination = Ipv4Address.Read(packet.AsSpan(16));
        byte[] segment = packet[20..];
        uint pseudo = InternetChecksum.PseudoHeaderSum(source, destination, protocol, segment.Length);
        InternetChecksum.Finish(InternetChecksum.Sum(segment, pseudo)).Should().Be(0, "a segment with a correct checksum sums to all ones");

        segment[checksumOffset] = 0;
        segment[checksumOffset + 1] = 0;
        InternetChecksum.Finish(InternetChecksum.Sum(segment, pseudo)).Should().Be((ushort)checksum);

        // The pseudo-header as bytes (RFC 768; RFC 9293, 3.1): source, destination, zero, protocol, length.
        byte[] pseudoHeader = [.. packet.AsSpan(12, 8), 0, (byte)protocol, 0, (byte)segment.Length];
        pseudo.Should().Be(InternetChecksum.Sum(pseudoHeader));
    }

    [Fact]
    public void The_pseudo_header_length_is_a_16_bit_field()
    {
        var address = Ipv4Address.Parse("10.0.0.1");
        InternetChecksum.PseudoHeaderSum(Ipv4Address.Broadcast, Ipv4Address.Broadcast, (IpProtocol)0xff, ushort.MaxValue).Should().BeLessThanOrEqualTo(0xffff);
        Action negative = () => InternetChecksum.PseudoHeaderSum(address, address, IpProtocol.Udp, -1);
        negative.Should().Throw<ArgumentOutOfRangeException>();
        Action tooLong = () => InternetChecksum.PseudoHeaderSum(address, address, IpProtocol.Udp, 65536);
        tooLong.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_incremental_update_agrees_with_summing_again()
    {
        var random = new RandomSource(1071);
        var header = new byte[20];
        for (int i = 0; i < 10_000; i++)
        {
            random.NextBytes(header);
            header[10] = 0;
            header[11] = 0;
            ushort checksum = InternetChecksum.Compute(header);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), checksum);

            // Decrement the TTL, as a router does (TTL and protocol share the word at offset 8).
            ushort before = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(8));
            header[8] = unchecked((byte)(header[8] - 1));
            ushort after = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(8));
            ushort updated = InternetChecksum.Update(checksum, before, after);

            header[10] = 0;
            header[11] = 0;
            ushort recomputed = InternetChecksum.Compute(header);
            updated.Should().Be(recomputed, $"for the header {Convert.ToHexString(header)}");
        }
    }

    [Fact]
    public void The_vectorized_sum_equals_the_sum_of_16_bit_words_for_any_length_alignment_and_content()
    {
        var random = new Random(1071);
        for (int i = 0; i < 3000; i++)
        {
            // Any start in a buffer (vector loads unaligned), random bytes or all ones (the
            // largest sums) or all zeros, and lengths up to past the 1 MiB pieces.
            byte[] buffer = new byte[(i % 500 == 0 ? (1 << 21) + 7 : random.Next(0, 3000)) + 8];
            switch (i % 3)
            {
                case 0: random.NextBytes(buffer); break;
                case 1: buffer.AsSpan().Fill(0xff); break;
            }

            int offset = random.Next(0, 8);
            ReadOnlySpan<byte> data = buffer.AsSpan(offset, random.Next(0, buffer.Length - offset + 1));
            uint start = (uint)random.Next(0, 0x20000);
            ulong naive = start;
            for (int j = 0; j + 1 < data.Length; j += 2)
            {
                naive += (uint)((data[j] << 8) | data[j + 1]);
            }

            if (data.Length % 2 == 1)
            {
                naive += (uint)data[^1] << 8;
            }

            while (naive > 0xffff)
            {
                naive = (naive & 0xffff) + (naive >> 16);
            }

            InternetChecksum.Sum(data, start).Should().Be((uint)naive, $"for {data.Length} bytes at offset {offset}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // the 128-bit loop alone, as on hardware without 256-bit vectors
    public void Long_runs_of_all_ones_sum_without_a_lane_overflowing(bool wide)
    {
        // 0xFFFF words give the largest lane sums; 1 MiB + 6 bytes crosses the 512 KiB pieces.
        byte[] data = new byte[(1 << 20) + 6];
        data.AsSpan().Fill(0xff);
        foreach (int length in new[] { 32, 1 << 19, (1 << 19) + 16, 600 * 1024, data.Length })
        {
            ulong expected = (ulong)(length / 2) * 0xffff;
            InternetChecksum.SumNative(data.AsSpan(0, length), wide).Should().Be(expected, $"for {length} bytes");
        }
    }
}
