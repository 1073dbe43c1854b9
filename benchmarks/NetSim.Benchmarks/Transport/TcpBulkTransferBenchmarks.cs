using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace NetSim.Benchmarks.Transport;

/// <summary>
/// Bulk TCP over a 10 Gb/s path with a 100 us round trip (host - router - host, see
/// <see cref="TcpBulkPath"/>), with the options off (Classic: 1,460-byte segments, a 64 KiB
/// window) or all on (window scaling, timestamps, ECN: 1,448-byte segments, a 256 KiB window).
/// One operation is one full-sized segment's worth of data carried end to end: an invocation
/// transfers 14,000 of them (20.44 MB, or 20.27 MB with timestamps) over
/// one connection opened in the global setup, so "Mean" is wall time per segment (bytes per
/// second of wall time = 1,460 / Mean) and "Allocated" is bytes allocated per segment, by
/// everything: the forwarding path, TCP, and the async reader on simulated time. The setup
/// transfers twice with every byte checked and prints the counters (segments, ACKs, reads,
/// events per MB, simulated goodput); every invocation checks the byte count and that nothing
/// was retransmitted.
/// </summary>
/// <remarks>
/// The connection carries the whole run (gigabytes): without loss its congestion window grows
/// in slow start until the congestion control's bound of 2^30 bytes (NewReno's and CUBIC's), and the receive
/// window (Classic) or the link (All) limits the sender throughout.
/// </remarks>
[MemoryDiagnoser]
public class TcpBulkTransferBenchmarks
{
    public const int Segments = 14_000;

    private TcpBulkPath? path;

    [Params(TcpBulkOptions.Classic, TcpBulkOptions.All)]
    public TcpBulkOptions Options { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int segmentBytes = Options == TcpBulkOptions.Classic ? 1460 : 1448;
        path = new TcpBulkPath(Segments * segmentBytes, Options);
        if (path.MaximumSegmentSize != segmentBytes)
        {
            throw new InvalidOperationException($"The connection uses {path.MaximumSegmentSize}-byte segments, not {segmentBytes}.");
        }

        Print("first transfer (slow start)", path.Transfer(verifyBytes: true));
        Print("second transfer", path.Transfer(verifyBytes: true));
    }

    /// <summary>14,000 segments' worth from A to B; per segment.</summary>
    [Benchmark(OperationsPerInvoke = Segments)]
    public long BulkTransfer() => path!.Transfer(verifyBytes: false).Bytes;

    /// <summary>The <c>transport</c> mode: <paramref name="transfers"/> checked transfers on one connection, each timed with a stopwatch.</summary>
    internal static void RunOnce(int transfers, TcpBulkOptions options = TcpBulkOptions.Classic)
    {
        var path = new TcpBulkPath(Segments * (options == TcpBulkOptions.Classic ? 1460 : 1448), options);
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
