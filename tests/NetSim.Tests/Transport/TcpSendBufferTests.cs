using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class TcpSendBufferTests
{
    private static byte[] Bytes(int from, int count)
    {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            bytes[i] = (byte)((from + i) % 256);
        }

        return bytes;
    }

    private static byte[] Copy(TcpSendBuffer buffer, int offset, int count)
    {
        byte[] copy = new byte[count];
        buffer.CopyTo(offset, copy);
        return copy;
    }

    [Fact]
    public void Nothing_is_allocated_until_the_first_write()
    {
        var buffer = new TcpSendBuffer(100, 1000);

        buffer.IsAllocated.Should().BeFalse();
        buffer.Start.Should().Be(1000u);
        buffer.End.Should().Be(1000u);

        buffer.Write(Bytes(0, 10)).Should().Be(10);
        buffer.IsAllocated.Should().BeTrue();
        buffer.End.Should().Be(1010u);
    }

    [Fact]
    public void A_write_takes_only_what_fits()
    {
        var buffer = new TcpSendBuffer(100, 0);

        buffer.Write(Bytes(0, 70)).Should().Be(70);
        buffer.Write(Bytes(70, 70)).Should().Be(30);

        buffer.Count.Should().Be(100);
        buffer.Free.Should().Be(0);
        Copy(buffer, 60, 40).Should().Equal(Bytes(60, 40));
    }

    [Fact]
    public void Acknowledged_bytes_are_freed_and_the_ring_wraps_with_the_right_bytes()
    {
        var buffer = new TcpSendBuffer(100, 5000);
        buffer.Write(Bytes(0, 80));

        buffer.Acknowledge(5060).Should().Be(60);
        buffer.Start.Should().Be(5060u);
        buffer.Write(Bytes(80, 70)).Should().Be(70); // 50 of them wrap to the front of the ring

        buffer.Count.Should().Be(90);
        Copy(buffer, 0, 90).Should().Equal(Bytes(60, 90));
        Copy(buffer, 35, 10).Should().Equal(Bytes(95, 10));
    }

    [Fact]
    public void An_ack_of_the_fin_past_the_data_frees_only_the_data_and_an_old_ack_frees_nothing()
    {
        var buffer = new TcpSendBuffer(100, 1);
        buffer.Write(Bytes(0, 10));

        buffer.Acknowledge(0).Should().Be(0, "it is before the first byte");
        buffer.Acknowledge(12).Should().Be(10, "sequence number 11 is the FIN, not in the buffer");
        buffer.Start.Should().Be(11u);
        buffer.Count.Should().Be(0);
    }

    [Fact]
    public void Sequence_numbers_wrap_modulo_two_to_the_32()
    {
        var buffer = new TcpSendBuffer(100, uint.MaxValue - 4);
        buffer.Write(Bytes(0, 10));

        buffer.End.Should().Be(5u);
        buffer.Acknowledge(2).Should().Be(7);
        buffer.Start.Should().Be(2u);
    }

    [Fact]
    public void Release_drops_the_bytes_and_the_ring()
    {
        var buffer = new TcpSendBuffer(100, 0);
        buffer.Write(Bytes(0, 10));

        buffer.Release();

        buffer.IsAllocated.Should().BeFalse();
        buffer.Count.Should().Be(0);
    }

    [Fact]
    public void The_ring_starts_small_and_doubles_up_to_the_capacity_keeping_the_bytes_in_order()
    {
        var buffer = new TcpSendBuffer(4 << 20, 1);
        buffer.Write(Bytes(0, 3000)).Should().Be(3000);
        buffer.AllocatedSize.Should().Be(4096, "a connection that sends little holds little, not its 4 MiB");
        buffer.Acknowledge(2501).Should().Be(2500); // the ring's first byte is now 2,500 in: the next write wraps
        buffer.Write(Bytes(3000, 3000)).Should().Be(3000);
        buffer.AllocatedSize.Should().Be(4096, "3,500 bytes fit");
        buffer.Write(Bytes(6000, 1000)).Should().Be(1000);
        buffer.AllocatedSize.Should().Be(8192, "4,500 bytes do not: it doubles");
        Copy(buffer, 0, 4500).Should().Equal(Bytes(2500, 4500), "the wrapped bytes are in order in the larger ring");

        buffer.Write(new byte[(4 << 20) - 4500]).Should().Be((4 << 20) - 4500);
        buffer.AllocatedSize.Should().Be(4 << 20, "at most the capacity");
        buffer.Write(new byte[1]).Should().Be(0);
        Copy(buffer, 0, 4500).Should().Equal(Bytes(2500, 4500));
    }
}
