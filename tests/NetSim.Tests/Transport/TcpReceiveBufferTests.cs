using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class TcpReceiveBufferTests
{
    private const uint Irs = 999; // the peer's initial sequence number: data starts at 1000

    private static byte[] Bytes(int from, int count)
    {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            bytes[i] = (byte)((from + i) % 256);
        }

        return bytes;
    }

    private static TcpReceiveBuffer Synchronized(int capacity = 100)
    {
        var buffer = new TcpReceiveBuffer(capacity);
        buffer.Synchronize(Irs);
        return buffer;
    }

    private static byte[] ReadAll(TcpReceiveBuffer buffer)
    {
        byte[] all = new byte[buffer.Count];
        buffer.Read(all).Should().Be(all.Length);
        return all;
    }

    [Fact]
    public void In_order_data_is_counted_and_read_back_and_nothing_is_allocated_before_it()
    {
        TcpReceiveBuffer buffer = Synchronized();
        buffer.Next.Should().Be(1000u);
        buffer.IsAllocated.Should().BeFalse();

        buffer.Take(1000, Bytes(0, 30)).Should().Be(30);

        buffer.Next.Should().Be(1030u);
        buffer.Free.Should().Be(70);
        ReadAll(buffer).Should().Equal(Bytes(0, 30));
        buffer.Free.Should().Be(100);
    }

    [Fact]
    public void Out_of_order_data_waits_in_the_ring_until_the_hole_is_filled()
    {
        TcpReceiveBuffer buffer = Synchronized();

        buffer.Take(1020, Bytes(20, 10)).Should().Be(0);
        buffer.Take(1040, Bytes(40, 10)).Should().Be(0);
        buffer.OutOfOrderRangeCount.Should().Be(2);
        buffer.Count.Should().Be(0);

        buffer.Take(1000, Bytes(0, 20)).Should().Be(30, "the first hole is filled; 1030-1040 is still missing");
        buffer.Take(1030, Bytes(30, 10)).Should().Be(20);

        buffer.Next.Should().Be(1050u);
        buffer.OutOfOrderRangeCount.Should().Be(0);
        ReadAll(buffer).Should().Equal(Bytes(0, 50));
    }

    [Fact]
    public void Data_already_received_or_beyond_the_window_is_cut_off()
    {
        TcpReceiveBuffer buffer = Synchronized(capacity: 50);
        buffer.Take(1000, Bytes(0, 20));

        buffer.Take(1010, Bytes(10, 20)).Should().Be(10, "the first 10 bytes were received already");
        buffer.Take(1030, Bytes(30, 40)).Should().Be(20, "the window ends 50 bytes past the first unread byte");

        ReadAll(buffer).Should().Equal(Bytes(0, 50));
        buffer.Next.Should().Be(1050u);
    }

    [Fact]
    public void The_ring_wraps_after_reads()
    {
        TcpReceiveBuffer buffer = Synchronized(capacity: 32);
        byte[] some = new byte[20];
        buffer.Take(1000, Bytes(0, 25));
        buffer.Read(some).Should().Be(20);

        buffer.Take(1025, Bytes(25, 20)).Should().Be(20); // wraps round the end of the ring

        ReadAll(buffer).Should().Equal(Bytes(20, 25));
    }

    [Fact]
    public void The_acceptability_test_follows_rfc_9293_table_6()
    {
        TcpReceiveBuffer buffer = Synchronized(capacity: 100);

        buffer.IsAcceptable(1000, 0).Should().BeTrue();
        buffer.IsAcceptable(999, 0).Should().BeFalse("before RCV.NXT");
        buffer.IsAcceptable(1099, 0).Should().BeTrue();
        buffer.IsAcceptable(1100, 0).Should().BeFalse("at the right edge");
        buffer.IsAcceptable(990, 20).Should().BeTrue("its end is in the window");
        buffer.IsAcceptable(980, 20).Should().BeFalse("all of it was received");

        buffer.Take(1000, Bytes(0, 100)); // the window is now zero
        buffer.IsAcceptable(1100, 0).Should().BeTrue("a segment at RCV.NXT is read for its ACK even by a zero window");
        buffer.IsAcceptable(1100, 10).Should().BeTrue();
        buffer.IsAcceptable(1101, 0).Should().BeFalse();
    }

    [Fact]
    public void The_advertised_window_never_shrinks_and_opens_only_by_enough_to_matter()
    {
        TcpReceiveBuffer buffer = Synchronized(capacity: 1000);
        const int mss = 100;
        buffer.Advertise(mss).Should().Be(1000);

        buffer.Take(1000, new byte[1000]);
        buffer.Advertise(mss).Should().Be(0);
        buffer.Read(new byte[50]);
        buffer.WindowWorthUpdating(mss).Should().BeFalse("50 bytes is less than min(buffer / 2, MSS)");
        buffer.Advertise(mss).Should().Be(0, "receiver silly window avoidance");

        buffer.Read(new byte[50]);
        buffer.WindowWorthUpdating(mss).Should().BeTrue();
        buffer.Advertise(mss).Should().Be(100);

        buffer.Take(2000, new byte[60]);
        buffer.Advertise(mss).Should().Be(40, "the right edge does not move left");
    }

    [Fact]
    public void At_most_64_holes_are_kept()
    {
        TcpReceiveBuffer buffer = Synchronized(capacity: 1000);
        for (int i = 0; i < 64; i++)
        {
            buffer.Take((uint)(1002 + (i * 2)), [1]);
        }

        buffer.Take(1200, [1]).Should().Be(0);
        buffer.OutOfOrderRangeCount.Should().Be(64, "the 65th hole was refused");
        buffer.Take(1000, [0, 0]).Should().Be(3, "the first range joins the data; a hole follows it");
        buffer.OutOfOrderRangeCount.Should().Be(63);
    }

    [Fact]
    public void Release_keeps_unread_bytes_and_drops_an_empty_ring()
    {
        TcpReceiveBuffer buffer = Synchronized();
        buffer.Take(1000, Bytes(0, 10));
        buffer.Take(1050, Bytes(50, 10));

        buffer.Release();
        buffer.IsAllocated.Should().BeTrue("ten bytes are still to be read");
        buffer.OutOfOrderRangeCount.Should().Be(0);
        ReadAll(buffer).Should().Equal(Bytes(0, 10));

        buffer.Release();
        buffer.IsAllocated.Should().BeFalse();
    }

    [Fact]
    public void The_ring_grows_by_doubling_to_hold_what_waits_out_of_order_and_in_order_keeping_the_bytes()
    {
        TcpReceiveBuffer buffer = Synchronized(6 << 20);
        buffer.Take(1000, Bytes(0, 3000)).Should().Be(3000);
        buffer.AllocatedSize.Should().Be(4096, "a reader that keeps up needs little of the 6 MiB");
        byte[] first = new byte[2500];
        buffer.Read(first).Should().Be(2500); // the ring's first byte is now 2,500 in

        // Data 10,000 bytes ahead, past a hole: the ring doubles until it reaches that far.
        buffer.Take(14000, Bytes(13000, 1000)).Should().Be(0);
        buffer.AllocatedSize.Should().Be(16384, "500 unread + 10,500 to the end of the range > 8,192");
        buffer.Take(4000, Bytes(3000, 10000)).Should().Be(11000, "the hole filled, the range joins it");
        ReadAll(buffer).Should().Equal(Bytes(2500, 11500), "the bytes came through the growth in order");
        buffer.AllocatedSize.Should().Be(16384, "it does not shrink while the connection lasts");
    }

    [Fact]
    public void A_scaled_window_opens_to_the_free_buffer_rounded_down_and_a_syn_s_window_is_at_most_65535()
    {
        TcpReceiveBuffer buffer = Synchronized(100_000);
        buffer.Advertise(1000, syn: true).Should().Be(ushort.MaxValue, "a SYN's window is not scaled (RFC 7323 2.2)");
        buffer.SetWindowShift(3);
        buffer.Take(1000, Bytes(0, 5)).Should().Be(5);
        buffer.Advertise(1000).Should().Be((ushort)((100_000 - 5) >> 3), "opening: the free 99,995 bytes rounded down to a multiple of 8");
    }
}
