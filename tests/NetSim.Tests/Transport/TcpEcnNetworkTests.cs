using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;
using NetSim.Wire;

namespace NetSim.Tests.Transport;

/// <summary>
/// ECN (RFC 3168) between two NetSim hosts: the negotiation for every pair of settings, and a
/// transfer through a router whose bottleneck queue marks CE instead of dropping.
/// </summary>
public class TcpEcnNetworkTests
{
    /// <summary>
    /// A test-only egress queue: drop-tail, but a packet that arrives while more than
    /// <paramref name="markAbove"/> frames wait is marked CE when it is ECN-capable (RFC 3168
    /// 5: ECT(0) or ECT(1) becomes CE; a Not-ECT packet passes unmarked), its IPv4 checksum
    /// fixed. It records the queue length each frame found.
    /// </summary>
    private sealed class CeMarkingQueue(int markAbove) : IQueueDiscipline
    {
        private readonly DropTailDiscipline inner = new();

        public int Count => inner.Count;

        public long Bytes => inner.Bytes;

        public long Marked { get; private set; }

        public long Arrivals { get; private set; }

        public long QueueSum { get; private set; }

        public int Peak { get; private set; }

        public double MeanQueue => (double)QueueSum / Arrivals;

        public bool TryEnqueue(FrameHandle frame, int length, QueueDisciplineContext context, out DropReason reason)
        {
            Arrivals++;
            QueueSum += inner.Count;
            Peak = Math.Max(Peak, inner.Count);
            Span<byte> bytes = context.Port.Network.Frames.GetSpan(frame); // the AQM work gives disciplines their own way to mark
            if (inner.Count > markAbove && bytes.Length > EthernetFrame.HeaderLength
                && (EtherType)((bytes[12] << 8) | bytes[13]) == EtherType.IPv4
                && Ipv4Packet.TryCreate(bytes[EthernetFrame.HeaderLength..], out Ipv4Packet packet) == WireError.None
                && (packet.TypeOfService & 0b11) is 0b01 or 0b10)
            {
                packet.TypeOfService |= 0b11;
                packet.UpdateChecksum();
                Marked++;
            }

            return inner.TryEnqueue(frame, length, context, out reason);
        }

        public bool TryDequeue(QueueDisciplineContext context, out FrameHandle frame) => inner.TryDequeue(context, out frame);
    }

    /// <summary>pc1 (10.0.1.10) - 1 Gb/s, 1 ms - r1 - 10 Mb/s, 10 ms - pc2 (10.0.2.10); r1's queue toward pc2 is <paramref name="queue"/>.</summary>
    private static (Simulation Sim, Host Pc1, Router R1, Host Pc2) Path(IQueueDiscipline? queue)
    {
        var sim = new Simulation(1);
        var network = new Network(sim);
        var pc1 = new Host(network, "pc1", "10.0.1.10/24", "10.0.1.1");
        var r1 = new Router(network, "r1");
        r1.AddInterface("10.0.1.1/24");
        r1.AddInterface("10.0.2.1/24");
        var pc2 = new Host(network, "pc2", "10.0.2.10/24", "10.0.2.1");
        _ = new Cable(pc1.Port, r1.Interfaces[0].Port, DataRate.FromMegabitsPerSecond(1000), SimDuration.FromMilliseconds(1));
        _ = new Cable(r1.Interfaces[1].Port, pc2.Port, DataRate.FromMegabitsPerSecond(10), SimDuration.FromMilliseconds(10));
        if (queue is not null)
        {
            r1.Interfaces[1].Port.QueueDiscipline = queue;
        }

        return (sim, pc1, r1, pc2);
    }

    public static TheoryData<TcpEcnMode, TcpEcnMode, bool> Pairs() => new()
    {
        { TcpEcnMode.On, TcpEcnMode.On, true },
        { TcpEcnMode.On, TcpEcnMode.Passive, true },
        { TcpEcnMode.On, TcpEcnMode.Off, false },
        { TcpEcnMode.Passive, TcpEcnMode.On, false }, // the server never asks: only the client's SYN can
        { TcpEcnMode.Passive, TcpEcnMode.Passive, false },
        { TcpEcnMode.Off, TcpEcnMode.On, false },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Ecn_is_used_only_when_the_client_asks_and_the_server_accepts(TcpEcnMode client, TcpEcnMode server, bool negotiated)
    {
        (Simulation sim, Host pc1, _, Host pc2) = Path(null);
        using var recorder = new TraceRecorder(pc1.Network.Tracer);
        var listener = new TcpListener(pc2, 80, new TcpSettings { Ecn = server });
        listener.Start();
        TcpConnection? clientEnd = null, serverEnd = null;
        sim.Start(async () => serverEnd = await listener.AcceptAsync());
        sim.Start(async () => clientEnd = await TcpConnection.ConnectAsync(pc1, pc2.Address, 80, new TcpSettings { Ecn = client }));
        sim.RunFor(SimDuration.FromSeconds(1));

        clientEnd!.Ecn.Negotiated.Should().Be(negotiated);
        serverEnd!.Ecn.Negotiated.Should().Be(negotiated);
        TcpFlags[] handshake = [.. recorder.Events.OfType<TcpEvent>().Where(e => e.Kind == TcpEventKind.SegmentSent).Select(e => e.Flags).Take(3)];
        TcpFlags syn = client == TcpEcnMode.On ? TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr : TcpFlags.Syn;
        TcpFlags synAck = negotiated ? TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Ece : TcpFlags.Syn | TcpFlags.Ack;
        handshake.Should().Equal(syn, synAck, TcpFlags.Ack);
    }

    private static (TcpConnection Sender, TcpConnection Receiver, byte[] Received) Transfer(TcpEcnMode client, CeMarkingQueue queue, int bytes)
    {
        (Simulation sim, Host pc1, Router r1, Host pc2) = Path(queue);
        var listener = new TcpListener(pc2, 80, new TcpSettings { Ecn = TcpEcnMode.Passive });
        listener.Start();
        byte[] data = new byte[bytes];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = unchecked((byte)((i * 7) + (i >> 11)));
        }
        var received = new MemoryStream();
        TcpConnection? sender = null, receiver = null;
        sim.Start(async () =>
        {
            receiver = await listener.AcceptAsync();
            byte[] buffer = new byte[65536];
            int n;
            while ((n = await receiver.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        });
        sim.Start(async () =>
        {
            sender = await TcpConnection.ConnectAsync(pc1, pc2.Address, 80, new TcpSettings { Ecn = client });
            await sender.WriteAsync(data);
            await sender.CloseAsync();
        });
        sim.RunFor(SimDuration.FromSeconds(60));
        r1.Interfaces[1].Port.Counters.FramesDropped.Should().Be(0, "the queue never overflows");
        received.ToArray().Should().Equal(data, "every byte arrives, in order");
        return (sender!, receiver!, received.ToArray());
    }

    [Fact]
    public void A_marking_hop_slows_an_ecn_transfer_down_without_a_single_loss()
    {
        const int Bytes = 2_000_000;
        var ecnQueue = new CeMarkingQueue(markAbove: 5);
        (TcpConnection ecnSender, TcpConnection ecnReceiver, _) = Transfer(TcpEcnMode.On, ecnQueue, Bytes);
        var plainQueue = new CeMarkingQueue(markAbove: 5);
        (TcpConnection plainSender, _, _) = Transfer(TcpEcnMode.Passive, plainQueue, Bytes);

        // Without ECN the packets are Not-ECT: the hop cannot mark them, and the window (the
        // receiver's 64 KiB) stands in the queue.
        plainQueue.Marked.Should().Be(0);
        plainSender.Ecn.Negotiated.Should().BeFalse();
        plainSender.SlowStartThreshold.Should().Be(int.MaxValue, "nothing told the plain sender of congestion");

        // With ECN the marks come back as ECE and the sender backs off: no loss, nothing sent again.
        ecnSender.Ecn.Negotiated.Should().BeTrue();
        ecnQueue.Marked.Should().BeGreaterThan(0);
        ecnReceiver.Ecn.CongestionExperiencedReceived.Should().Be(ecnQueue.Marked, "every mark reaches the receiver");
        ecnSender.Ecn.EchoesReceived.Should().BeGreaterThan(0);
        ecnSender.Ecn.WindowReductions.Should().BeGreaterThan(1);
        ecnSender.Ecn.CongestionWindowReducedSent.Should().BeGreaterThanOrEqualTo(ecnSender.Ecn.WindowReductions - 1);
        ecnSender.SlowStartThreshold.Should().BeLessThan(65535);
        ecnSender.Retransmissions.Should().Be(0, "ECN signals congestion without a loss");
        ecnSender.RetransmissionTimeouts.Should().Be(0);
        ecnQueue.MeanQueue.Should().BeLessThan(plainQueue.MeanQueue / 2, "the ECN sender keeps the queue short: {0:F1} frames against {1:F1}", ecnQueue.MeanQueue, plainQueue.MeanQueue);
    }

    [Fact]
    public void An_ecn_transfer_through_a_marking_hop_allocates_nothing_per_segment()
    {
        static (long Allocated, long Segments, long Marks) Run(int megabytes)
        {
            var queue = new CeMarkingQueue(markAbove: 5);
            (Simulation sim, Host pc1, _, Host pc2) = Path(queue);
            // Buffers of 256 KiB, which the warm-up fills, so that the rings (which grow by doubling up to the buffer size) are grown before the measurement.
            var listener = new TcpListener(pc2, 5000, new TcpSettings { ReceiveBufferSize = 256 * 1024, SendBufferSize = 256 * 1024 });
            listener.Start();
            byte[] chunk = new byte[1_000_000];
            TcpConnection? sender = null;
            long allocated = 0;
            sim.Start(async () =>
            {
                TcpConnection s = await listener.AcceptAsync();
                byte[] buffer = new byte[1 << 20];
                while (await s.ReadAsync(buffer) > 0)
                {
                }
            });
            sim.Start(async () =>
            {
                sender = await TcpConnection.ConnectAsync(pc1, pc2.Address, 5000, new TcpSettings { Ecn = TcpEcnMode.On, ReceiveBufferSize = 256 * 1024, SendBufferSize = 256 * 1024 });
                await sender.WriteAsync(chunk); // warm up
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < megabytes; i++)
                {
                    await sender.WriteAsync(chunk);
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                await sender.CloseAsync();
            });
            sim.Run();
            return (allocated, sender!.SegmentsSent, queue.Marked);
        }

        (long small, long smallSegments, _) = Run(1);
        small = Math.Min(small, Run(1).Allocated);
        (long large, long largeSegments, long marks) = Run(4);
        large = Math.Min(large, Run(4).Allocated);
        marks.Should().BeGreaterThan(10, "the run exercises CE, ECE and CWR");
        (largeSegments - smallSegments).Should().BeGreaterThan(2000);
        double perSegment = (double)(large - small) / (largeSegments - smallSegments);
        perSegment.Should().BeLessThan(1, "ECT, CE, ECE and CWR are bits in buffers already there");
    }
}
