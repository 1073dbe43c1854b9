using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Transport;

namespace NetSim.Benchmarks.Transport;

/// <summary>The TCP options of the benchmark's connection.</summary>
public enum TcpBulkOptions
{
    /// <summary>NewReno without window scaling, timestamps, SACK or ECN; a 64 KiB window (the connection measured before issue 16).</summary>
    Classic,

    /// <summary>CUBIC and every option on (window scaling, timestamps, SACK, ECN), a 256 KiB window.</summary>
    All,
}

/// <summary>What one bulk transfer did.</summary>
/// <param name="Bytes">Data bytes the reader got (checked equal to those written).</param>
/// <param name="DataSegments">Segments the sender sent (retransmissions included; there must be none).</param>
/// <param name="AckSegments">Segments the receiver sent (pure ACKs and window updates).</param>
/// <param name="Reads">Reads that returned data.</param>
/// <param name="Events">Events the simulation ran.</param>
/// <param name="SimulatedTime">From the write to the last byte read.</param>
internal readonly record struct TransferResult(long Bytes, long DataSegments, long AckSegments, long Reads, long Events, SimDuration SimulatedTime)
{
    /// <summary>Goodput in simulated time, bits per second.</summary>
    public double SimulatedBitsPerSecond => Bytes * 8 / SimulatedTime.TotalSeconds;

    public double EventsPerMegabyte => Events / (Bytes / 1e6);
}

/// <summary>
/// A bulk TCP transfer over a 10 Gb/s path with a 100 us round trip: host A - router - host
/// B, two 10 Gb/s cables with 25 us of delay each (50 us one way), ARP preset on both links.
/// One connection from A to B is opened once; each <see cref="Transfer"/> writes the same
/// block of bytes into it and runs the simulation until B's reader has read them all. The
/// reader is an async loop on simulated time (<see cref="TcpConnection.ReadAsync"/> into a
/// 64 KiB buffer) that counts bytes and, when asked, checks them against what was written.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="TcpBulkOptions.Classic"/>: NewReno, no window scaling, timestamps, SACK or ECN, and a
/// receive buffer of 65,535 bytes, the most without window scaling, so the window, not the
/// link, limits throughput: 65,535 bytes per round trip of about 103 us (100 us of propagation
/// and the serialization of a segment and its ACK on two hops) is about 5.1 Gb/s; segments of
/// 1,460 bytes. This is the connection the benchmark measured before issue 16.
/// </para>
/// <para>
/// <see cref="TcpBulkOptions.All"/>: the defaults, CUBIC with window scaling, timestamps, SACK and ECN,
/// with a receive buffer of 256 KiB: the window (scaled by 2) is about twice the path's
/// bandwidth-delay product (125 KB), so the link limits and a queue of about 90 frames stands
/// at the sender's port (below its limit of 1,000: nothing is lost); segments of 1,448 bytes
/// (12 bytes of timestamps).
/// </para>
/// <para>The send buffer (1 MiB) is larger than either window, so the sender never waits for the application.</para>
/// </remarks>
internal sealed class TcpBulkPath
{
    public const ushort ServerPort = 5001;
    public const int SendBufferSize = 1 << 20;
    public const int ClassicReceiveBufferSize = ushort.MaxValue;
    public const int ScaledReceiveBufferSize = 256 * 1024;

    public static readonly DataRate Rate = DataRate.FromGigabitsPerSecond(10);
    public static readonly SimDuration CableDelay = SimDuration.FromMicroseconds(25);

    private static byte[]? block;

    private readonly Simulation simulation;
    private readonly byte[] data;
    private readonly TcpConnection sender;
    private readonly TcpConnection receiver;
    private long bytesRead;
    private long reads;
    private long transferStart; // bytesRead when the current transfer began
    private bool verify;
    private long mismatches;
    private SimTime lastRead;

    public TcpBulkPath(int transferBytes, TcpBulkOptions options = TcpBulkOptions.Classic)
    {
        simulation = new Simulation(seed: 1);
        var network = new Network(simulation);
        var a = new Host(network, "a", "10.0.1.10/24", "10.0.1.1");
        var r = new Router(network, "r");
        r.AddInterface("10.0.1.1/24");
        r.AddInterface("10.0.2.1/24");
        var b = new Host(network, "b", "10.0.2.10/24", "10.0.2.1");
        _ = new Cable(a.Port, r.Interfaces[0].Port, Rate, CableDelay);
        _ = new Cable(r.Interfaces[1].Port, b.Port, Rate, CableDelay);
        a.Interfaces[0].Arp.AddStatic(r.Interfaces[0].Address, r.Interfaces[0].Mac);
        r.Interfaces[0].Arp.AddStatic(a.Address, a.Interfaces[0].Mac);
        r.Interfaces[1].Arp.AddStatic(b.Address, b.Interfaces[0].Mac);
        b.Interfaces[0].Arp.AddStatic(r.Interfaces[1].Address, r.Interfaces[1].Mac);

        var settings = options == TcpBulkOptions.Classic
            ? new TcpSettings { SendBufferSize = SendBufferSize, ReceiveBufferSize = ClassicReceiveBufferSize, WindowScaling = false, Timestamps = false, SelectiveAcknowledgments = false, Ecn = TcpEcnMode.Off, CongestionControl = () => new NewRenoCongestionControl() }
            : new TcpSettings { SendBufferSize = SendBufferSize, ReceiveBufferSize = ScaledReceiveBufferSize, WindowScaling = true, Timestamps = true, Ecn = TcpEcnMode.On };
        var listener = new TcpListener(b, ServerPort, settings);
        listener.Start();
        Task<TcpConnection> accepted = listener.AcceptAsync();
        Task<TcpConnection> connected = TcpConnection.ConnectAsync(a, b.Address, ServerPort, settings);
        simulation.Run();
        if (!connected.IsCompletedSuccessfully || !accepted.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException($"The connection did not open: {connected.Status}, {accepted.Status}.");
        }

        sender = connected.Result;
        receiver = accepted.Result;
        data = Block(transferBytes);
        _ = simulation.Start(ReadLoop); // runs from the first transfer on, for good
    }

    /// <summary>The sender's congestion window in bytes (without loss it grows in slow start up to the congestion control's bound).</summary>
    public int CongestionWindow => sender.CongestionWindow;

    /// <summary>The segment size the connection uses (1,460: the 1,500-byte MTU less 40; 1,448 with timestamps).</summary>
    public int MaximumSegmentSize => sender.MaximumSegmentSize;

    /// <summary>Writes the block once and runs until it has all been read; throws when anything is missing, wrong, or was sent twice.</summary>
    public TransferResult Transfer(bool verifyBytes)
    {
        verify = verifyBytes;
        transferStart = bytesRead;
        long readsBefore = reads;
        long eventsBefore = simulation.EventsExecuted;
        long dataSegmentsBefore = sender.SegmentsSent;
        long ackSegmentsBefore = receiver.SegmentsSent;
        long retransmissionsBefore = sender.Retransmissions;
        SimTime start = simulation.Now;
        Task write = simulation.Start(() => sender.WriteAsync(data).AsTask());
        simulation.Run();
        var result = new TransferResult(
            bytesRead - transferStart,
            sender.SegmentsSent - dataSegmentsBefore,
            receiver.SegmentsSent - ackSegmentsBefore,
            reads - readsBefore,
            simulation.EventsExecuted - eventsBefore,
            lastRead - start);
        if (!write.IsCompletedSuccessfully || result.Bytes != data.Length || mismatches != 0 || sender.Retransmissions != retransmissionsBefore)
        {
            throw new InvalidOperationException(
                $"Transfer of {data.Length:N0} bytes: write {write.Status}, {result.Bytes:N0} bytes read, {mismatches} reads with wrong bytes, {sender.Retransmissions - retransmissionsBefore} retransmissions; {sender}, {receiver}.");
        }

        return result;
    }

    // The bytes to transfer: the same block for every path of that size, made once (20 MB, so that iterations do not allocate and fill it again).
    private static byte[] Block(int length)
    {
        if (block?.Length != length)
        {
            block = new byte[length];
            new Random(7).NextBytes(block);
        }

        return block;
    }

    private async Task ReadLoop()
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int count = await receiver.ReadAsync(buffer);
            if (count == 0)
            {
                return;
            }

            if (verify && !buffer.AsSpan(0, count).SequenceEqual(data.AsSpan((int)(bytesRead - transferStart), count)))
            {
                mismatches++;
            }

            bytesRead += count;
            reads++;
            lastRead = simulation.Now;
        }
    }
}
