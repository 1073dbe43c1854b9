using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace NetSim.Benchmarks.Transport;

/// <summary>
/// Bulk TCP over a 10 Gb/s path with a 100 us round trip (host - router - host, see
/// <see cref="TcpBulkPath"/>). One operation is one full-sized segment's worth of data
/// (1,460 bytes) carried end to end: an invocation transfers 14,000 of them (20.44 MB) over
/// one connection opened in the global setup, so "Mean" is wall time per segment (bytes per
/// second of wall time = 1,460 / Mean) and "Allocated" is bytes allocated per segment, by
/// everything: the forwarding path, TCP, and the async reader on simulated time. The setup
/// transfers twice with every byte checked and prints the counters (segments, ACKs, reads,
/// events per MB, simulated goodput); every invocation checks the byte count and that nothing
/// was retransmitted.
/// </summary>
/// <remarks>
/// The connection carries the whole run (gigabytes): without loss its congestion window grows
/// in slow start until <c>NewRenoCongestionControl</c>'s bound of 2^30 bytes, and the receive
/// window (65,535 bytes) limits the sender throughout.
/// </remarks>
[MemoryDiagnoser]
public class TcpBulkTransferBenchmarks
{
    public const int Segments = 14_000;
    public const int SegmentBytes = 1460;

    private TcpBulkPath? path;

    [GlobalSetup]
    public void Setup()
    {
        path = new TcpBulkPath(Segments * SegmentBytes);
        if (path.MaximumSegmentSize != SegmentBytes)
        {
            throw new InvalidOperationException($"The connection uses {path.MaximumSegmentSize}-byte segments, not {SegmentBytes}.");
        }

        Print("first transfer (slow start)", path.Transfer(verifyBytes: true));
        Print("second transfer", path.Transfer(verifyBytes: true));
    }

    /// <summary>20.44 MB from A to B; per segment.</summary>
    [Benchmark(OperationsPerInvoke = Segments)]
    public long BulkTransfer() => path!.Transfer(verifyBytes: false).Bytes;

    /// <summary>The <c>transport</c> mode: <paramref name="transfers"/> checked transfers on one connection, each timed with a stopwatch.</summary>
    internal static void RunOnce(int transfers)
    {
        var path = new TcpBulkPath(Segments * SegmentBytes);
        for (int i = 0; i < transfers; i++)
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            TransferResult result = path.Transfer(verifyBytes: true);
            double seconds = watch.Elapsed.TotalSeconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Print($"transfer {i + 1}", result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"//   congestion window {path.CongestionWindow:N0} bytes"));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"//   wall {seconds * 1e3:F1} ms (bytes checked): {result.Bytes / seconds / 1e6:F1} MB of data per second of wall time, {seconds * 1e9 / result.DataSegments:F0} ns per data segment; allocated {allocated:N0} B, {(double)allocated / result.DataSegments:F1} B per data segment, {(double)allocated / result.Reads:F1} B per read"));
        }
    }

    internal static void Print(string what, TransferResult result) =>
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// {what}: {result.Bytes:N0} bytes in {result.DataSegments:N0} data segments, {result.AckSegments:N0} ACK segments, {result.Reads:N0} reads, {result.Events:N0} events ({result.EventsPerMegabyte:N0} per MB, {(double)result.Events / result.DataSegments:F2} per data segment), {result.SimulatedTime} simulated: {result.SimulatedBitsPerSecond / 1e9:F3} Gb/s"));
}
