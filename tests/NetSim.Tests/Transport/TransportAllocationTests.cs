using NetSim.Applications;
using NetSim.Engine;
using NetSim.Tests.Ip;
using NetSim.Topology;
using NetSim.Transport;

namespace NetSim.Tests.Transport;

public class TransportAllocationTests
{
    [Fact]
    public void Udp_datagrams_from_source_to_socket_through_a_router_allocate_nothing_after_warm_up()
    {
        var net = new IpTestNetwork();
        (Host pc1, Router[] routers, Host pc2) = net.Chain(1);
        var sink = new UdpSocket(pc2);
        sink.Bind(9);
        long bytes = 0;
        sink.Received += (_, _, _, data) => bytes += data.Length;
        using var source = new UdpTrafficSource(pc1, pc2.Address, 9) { PayloadSize = 1000, Interval = SimDuration.FromMicroseconds(100) };
        source.Start();
        net.Simulation.RunFor(SimDuration.FromSeconds(1)); // warm up: ARP, pools, queues, JIT

        // Two windows of 50,000 datagrams each: a per-datagram allocation shows in both, while a
        // one-time one of the runtime's (seen under a loaded test run) lands in one at most.
        long delivered = sink.DatagramsReceived;
        long first = AllocatedDuring(() => net.Simulation.RunFor(SimDuration.FromSeconds(5)));
        long second = AllocatedDuring(() => net.Simulation.RunFor(SimDuration.FromSeconds(5)));

        (sink.DatagramsReceived - delivered).Should().Be(100_000);
        routers[0].Counters.PacketsForwarded.Should().BeGreaterThan(100_000);
        Math.Min(first, second).Should().Be(0, $"the windows allocated {first} and {second} bytes");
    }

    [Fact]
    public void A_bulk_tcp_transfer_allocates_nothing_per_segment()
    {
        static (long Allocated, long Segments) Transfer(int megabytes)
        {
            var net = new IpTestNetwork();
            (Host pc1, _, Host pc2) = net.Chain(1);
            // Both options on (the defaults), with buffers of 256 KiB (a window scale of 2) that the warm-up
            // fills, so that no ring still grows (at its first loss, or its largest flight) while measured.
            var settings = new TcpSettings { WindowScaling = true, Timestamps = true, ReceiveBufferSize = 256 * 1024, SendBufferSize = 256 * 1024 };
            var listener = new TcpListener(pc2, 5000, settings);
            listener.Start();
            byte[] chunk = new byte[1_000_000];
            TcpConnection? sender = null;
            long allocated = 0;
            net.Simulation.Start(async () =>
            {
                TcpConnection s = await listener.AcceptAsync();
                byte[] buffer = new byte[1 << 20];
                while (await s.ReadAsync(buffer) > 0)
                {
                }
            });
            net.Simulation.Start(async () =>
            {
                sender = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000, settings);
                await sender.WriteAsync(chunk); // warm up
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < megabytes; i++)
                {
                    await sender.WriteAsync(chunk);
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                await sender.CloseAsync();
            });
            net.Simulation.Run();
            sender!.WindowScaling.Should().BeTrue();
            sender.Timestamps.Should().BeTrue("every segment carries them");
            return (allocated, sender.SegmentsSent);
        }

        // Each size twice, keeping the smaller count: a one-time allocation of the runtime's (seen
        // under a loaded test run) lands in one run at most; a per-segment one is in both.
        (long small, long smallSegments) = Transfer(2);
        small = Math.Min(small, Transfer(2).Allocated);
        (long large, long largeSegments) = Transfer(8);
        large = Math.Min(large, Transfer(8).Allocated);
        (largeSegments - smallSegments).Should().BeGreaterThan(4000, "six more megabytes are about 4,100 more segments");
        double perSegment = (double)(large - small) / (largeSegments - smallSegments);
        perSegment.Should().BeLessThan(1, "reads and writes are ValueTasks from one reusable source per connection; segments allocate nothing");
    }

    private static long AllocatedDuring(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
