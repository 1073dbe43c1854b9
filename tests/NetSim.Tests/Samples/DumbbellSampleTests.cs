using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Tracing;

namespace NetSim.Tests.Samples;

/// <summary>
/// The Dumbbell sample: TCP flows that share a 10 Mb/s bottleneck behave as the physics says (together no more than the
/// link, equal flows get equal shares, the queue never holds more than its size, a small queue drops and a large one does
/// not, a shorter round trip wins, a small queue leaves the congestion window the limit and a large one the receiver's
/// window), its CSV files (from the library's probes: the queue at every change, the link's utilisation per interval)
/// read back with the columns its header documents, and it repeats exactly.
/// </summary>
[Collection(ConsoleUsers.Name)]
public sealed partial class DumbbellSampleTests : IDisposable
{
    private const double Bottleneck = 10e6;

    // Columns of the flow table, counted from the right: the "all" row leaves the left ones empty.
    private static readonly string[] CsvFiles = ["flows.csv", "throughput.csv", "utilization.csv", "cwnd.csv", "queue.csv", "flowmonitor.csv"];
    private static readonly Index BaseRtt = ^12;
    private static readonly Index Throughput = ^11;
    private static readonly Index QueueingMean = ^9;
    private static readonly Index QueueingP95 = ^8;
    private static readonly Index Retransmitted = ^7;
    private static readonly Index QueueDrops = ^2;
    private static readonly Index HeldBackBy = ^1;
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"netsim-dumbbell-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Two_equal_flows_share_the_bottleneck_fairly_and_fill_it_without_passing_it()
    {
        // 10 s: flow 1 starts 91 ms ahead and is at twice flow 2's window when they first meet;
        // since fast recovery ends at ssthresh (PRR, RFC 6937) rather than in a collapse and a new
        // slow start, the windows converge by AIMD alone, which takes a few seconds.
        string output = SampleRunner.Run("Dumbbell", "--time", "10s");

        Row(output, "1").Should().NotBeNull();
        Row(output, "2").Should().NotBeNull();
        Row(output, "3").Should().BeNull("two flows by default");
        double total = Megabits(Row(output, "all")![Throughput]) * 1e6;
        total.Should().BeLessThanOrEqualTo(Bottleneck).And.BeGreaterThan(0.8 * Bottleneck, "two bulk flows keep a 10 Mb/s link busy once out of slow start");
        Jain(output).Should().BeGreaterThan(0.9, "two flows with the same round trip get about equal shares");
        Megabits(Row(output, "1")![Throughput]).Should().BeApproximately(Megabits(Row(output, "2")![Throughput]), 1.0);
    }

    [Fact]
    public void The_queue_never_holds_more_than_its_size_and_its_drops_agree_with_the_flows_drops()
    {
        string output = SampleRunner.Run("Dumbbell", "--queue-limit", "5", "--csv", folder);

        Match queue = QueueLine().Match(output);
        queue.Success.Should().BeTrue(output);
        int.Parse(queue.Groups["limit"].Value, CultureInfo.InvariantCulture).Should().Be(5);
        int.Parse(queue.Groups["peak"].Value, CultureInfo.InvariantCulture).Should().BeLessThanOrEqualTo(5);
        long portDrops = long.Parse(queue.Groups["drops"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        portDrops.Should().BePositive("a queue of 5 frames overflows under two bulk flows");
        long.Parse(Row(output, "all")![QueueDrops], NumberStyles.AllowThousands, CultureInfo.InvariantCulture).Should().Be(portDrops, "every frame the port dropped belongs to a flow");

        // The queue recorded at every change (one row per moment it changed): it starts empty, and its peak is the port's.
        List<string[]> changes = ReadCsv("queue.csv", "time_s", "frames", "bytes");
        changes[0].Should().Equal("0", "0", "0");
        changes.Select(row => double.Parse(row[0], CultureInfo.InvariantCulture)).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        int[] frames = [.. changes.Select(row => int.Parse(row[1], CultureInfo.InvariantCulture))];
        frames.Should().OnlyContain(f => f >= 0 && f <= 5);
        frames.Max().Should().Be(int.Parse(queue.Groups["peak"].Value, CultureInfo.InvariantCulture), "every change is recorded, the peak too");
        changes.Max(row => long.Parse(row[2], CultureInfo.InvariantCulture)).Should().BeLessThanOrEqualTo(5 * 1514);
    }

    [Fact]
    public void The_plots_are_drawn_as_png_and_svg_with_their_titles_and_a_line_per_flow()
    {
        string output = SampleRunner.Run("Dumbbell", "--time", "2s", "--plots", folder);

        output.Should().Contain($"Plots drawn in {folder}: cwnd.png, throughput.png, queue.png and the same as .svg.");
        foreach ((string name, string title, string[] legend) in new[]
        {
            ("cwnd", "Congestion window of each flow (NewReno)", new[] { "10.1.1.10:49152 CongestionWindow", "10.1.2.10:49152 CongestionWindow" }),
            ("throughput", "Throughput of each flow (each point: the 100 ms before it)", ["flow 1", "flow 2"]),
            ("queue", "Bottleneck queue (r1 -> r2, DropTail, 20 frames at most)", ["r1/eth2 port 0 queue"]),
        })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(folder, $"{name}.png"));
            png.AsSpan(0, 8).ToArray().Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], name);
            System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)).Should().Be(1000, "the IHDR chunk's width");
            System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)).Should().Be(500, "the IHDR chunk's height");
            string[] texts = [.. System.Xml.Linq.XDocument.Load(Path.Combine(folder, $"{name}.svg")).Descendants()
                .Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim())];
            texts.Should().Contain(title).And.Contain("Simulated time (s)").And.Contain(legend);
        }
    }

    [Fact]
    public void A_queue_larger_than_the_flows_windows_drops_nothing_and_nothing_is_retransmitted()
    {
        // Two 64 KiB windows (receivers without window scaling) are about 90 full segments: 100 frames hold them all, whatever the link has on the wire.
        string output = SampleRunner.Run("Dumbbell", "--queue-limit", "100", "--receive-buffer", "65535");

        Row(output, "all")![Retransmitted].Should().Be("0", "retransmitted");
        Row(output, "all")![QueueDrops].Should().Be("0", "queue drops");
        QueueLine().Match(output).Groups["drops"].Value.Should().Be("0");
        Row(output, "1")![HeldBackBy].Should().StartWith("rwnd ", "without a loss a flow's window grows until the receiver's 64 KiB window holds it back");
        Row(output, "2")![HeldBackBy].Should().StartWith("rwnd ");
    }

    [Fact]
    public void With_a_small_queue_the_congestion_window_holds_each_flow_back_most_of_the_time()
    {
        string output = SampleRunner.Run("Dumbbell", "--csv", folder);

        List<string[]> flows = ReadCsv("flows.csv", FlowColumns);
        foreach (string[] flow in flows)
        {
            double[] limits = [.. flow[13..17].Select(cell => double.Parse(cell, CultureInfo.InvariantCulture))];
            double start = double.Parse(flow[3], CultureInfo.InvariantCulture);
            limits.Sum().Should().BeLessThanOrEqualTo(5 - start + 1e-9, "the sender is held back at most from its start to the end of the run");
            limits[0].Should().BeGreaterThan(0.8 * limits.Sum(), "losses at the 20-frame queue keep the congestion window below the receiver's window");
            Match held = HeldBackLine().Match(Row(output, flow[0])![HeldBackBy]);
            held.Success.Should().BeTrue(Row(output, flow[0])![HeldBackBy]);
            held.Groups["limit"].Value.Should().Be("cwnd");
            double.Parse(held.Groups["share"].Value, CultureInfo.InvariantCulture).Should().BeApproximately(100 * limits[0] / limits.Sum(), 0.05, "the table prints the share of flows.csv");
        }
    }

    [Fact]
    public void The_flow_with_the_shorter_round_trip_gets_the_larger_share()
    {
        string output = SampleRunner.Run("Dumbbell", "--delay", "2ms,20ms");

        Row(output, "1")![BaseRtt].Should().Be("28 ms");
        Row(output, "2")![BaseRtt].Should().Be("100 ms");
        Megabits(Row(output, "1")![Throughput]).Should().BeGreaterThan(2 * Megabits(Row(output, "2")![Throughput]), "TCP's window grows once per round trip");
    }

    [Fact]
    public void More_flows_print_a_row_each_and_a_fairness_index_between_1_over_N_and_1()
    {
        string output = SampleRunner.Run("Dumbbell", "--flows", "4", "--time", "2s");

        Row(output, "4").Should().NotBeNull();
        Row(output, "5").Should().BeNull();
        Jain(output).Should().BeInRange(0.25, 1);
        output.Should().Contain("1/4 = one flow has it all");
    }

    [Fact]
    public void The_CSV_files_read_back_with_the_documented_columns_and_agree_with_the_table()
    {
        string output = SampleRunner.Run("Dumbbell", "--csv", folder);

        output.Should().Contain($"CSV files written to {folder}: flows.csv, throughput.csv, utilization.csv, cwnd.csv, queue.csv, flowmonitor.csv.");
        List<string[]> flows = ReadCsv("flows.csv", FlowColumns);
        flows.Select(row => row[0]).Should().Equal("1", "2");
        flows[0][1].Should().Be("10.1.1.10");
        flows[0][2].Should().Be("10.2.1.10");
        flows[0][4].Should().Be("0.04");
        foreach (string[] flow in flows)
        {
            string[] printed = Row(output, flow[0])!;
            (double.Parse(flow[6], CultureInfo.InvariantCulture) / 1e6).Should().BeApproximately(Megabits(printed[Throughput]), 0.005);
            flow[7].Should().Be(printed[Retransmitted]);
            (long.Parse(flow[8], CultureInfo.InvariantCulture) + long.Parse(flow[9], CultureInfo.InvariantCulture) + long.Parse(flow[10], CultureInfo.InvariantCulture) + long.Parse(flow[11], CultureInfo.InvariantCulture))
                .Should().Be(long.Parse(flow[7], CultureInfo.InvariantCulture), "every retransmission has one of the four causes here");
            flow[12].Should().Be(printed[QueueDrops]);
            (double.Parse(flow[17], CultureInfo.InvariantCulture) * 1e3).Should().BeApproximately(Milliseconds(printed[QueueingMean]), 0.05);
            (double.Parse(flow[18], CultureInfo.InvariantCulture) * 1e3).Should().BeApproximately(Milliseconds(printed[QueueingP95]), 0.05);
        }

        flows.Sum(row => double.Parse(row[6], CultureInfo.InvariantCulture)).Should().BeLessThanOrEqualTo(Bottleneck);

        // Throughput over time, summed over the intervals, is every byte each flow received: the last sample is the run's end.
        List<string[]> throughput = ReadCsv("throughput.csv", "time_s", "flow", "throughput_bps");
        throughput.Should().HaveCount(50 * 2, "5 s in 100 ms intervals, two flows");
        throughput[^1][0].Should().Be("5");
        foreach (string[] flow in flows)
        {
            double bytes = throughput.Where(row => row[1] == flow[0]).Sum(row => double.Parse(row[2], CultureInfo.InvariantCulture) * 0.1 / 8);
            bytes.Should().BeApproximately(double.Parse(flow[5], CultureInfo.InvariantCulture), 2 * 10, "each interval's rate is rounded to a bit per second");
        }

        List<string[]> cwnd = ReadCsv("cwnd.csv", "time_s", "flow", "cwnd_bytes", "ssthresh_bytes");
        foreach (string[] flow in flows)
        {
            string[][] changes = [.. cwnd.Where(row => row[1] == flow[0])];
            changes.Should().HaveCountGreaterThan(10);
            changes[0][2].Should().Be("14480", "the initial window: ten segments of 1448 bytes (RFC 6928; 1460 less the timestamps option, RFC 7323)");
            changes[0][3].Should().BeEmpty("no slow-start threshold before the first loss");
            changes.Select(row => double.Parse(row[0], CultureInfo.InvariantCulture)).Should().BeInAscendingOrder();
            changes.Should().Contain(row => row[3].Length > 0, "a loss sets the slow-start threshold");
        }

        ReadCsv("queue.csv", "time_s", "frames", "bytes").Should().HaveCountGreaterThan(1000, "the queue changes at every frame that joins or leaves it");

        // The bottleneck's utilisation per interval: as busy as the flows' bytes say, never much over 1.
        TimeSeries utilization;
        using (var reader = new StreamReader(Path.Combine(folder, "utilization.csv")))
        {
            utilization = TimeSeries.ReadCsv(reader, "utilization", "fraction");
        }

        utilization.Points.Should().HaveCount(50, "5 s in 100 ms intervals");
        utilization.Points.Should().OnlyContain(p => p.Value >= 0 && p.Value <= 1.05, "a frame counts in the interval it starts in");
        double goodput = flows.Sum(row => double.Parse(row[6], CultureInfo.InvariantCulture));
        utilization.Points.Average(p => p.Value).Should().BeGreaterThan(goodput / Bottleneck, "headers, preamble and gaps use the link too")
            .And.BeLessThan(1);
        File.ReadLines(Path.Combine(folder, "flowmonitor.csv")).First().Should().StartWith("protocol,source,source_port,destination,destination_port");
    }

    [Fact]
    public void The_same_seed_repeats_the_run_exactly_and_another_seed_changes_it()
    {
        string first = SampleRunner.Run("Dumbbell", "--csv", folder);
        string[] files = [.. CsvFiles.Select(f => File.ReadAllText(Path.Combine(folder, f)))];
        string second = SampleRunner.Run("Dumbbell", "--csv", folder);

        second.Should().Be(first);
        CsvFiles.Select(f => File.ReadAllText(Path.Combine(folder, f))).Should().Equal(files);
        Table(SampleRunner.Run("Dumbbell", "--seed", "2")).Should().NotBe(Table(first), "the flows start at other times");
    }

    [Theory]
    [InlineData("--flows", "0")]
    [InlineData("--flows", "65")]
    [InlineData("--queue-limit", "0")]
    [InlineData("--queue", "fifo")]
    [InlineData("--queue", "20")]
    [InlineData("--cc", "reno")]
    [InlineData("--bottleneck", "100Mbps")]
    [InlineData("--bottleneck", "fast")]
    [InlineData("--delay", "5ms,x")]
    [InlineData("--delay", "-1ms")]
    [InlineData("--time", "0s")]
    [InlineData("--interval", "0s")]
    [InlineData("--seed", "-1")]
    public void A_bad_value_exits_2_naming_the_option(string option, string value)
    {
        SampleRun run = SampleRunner.Execute("Dumbbell", option, value);

        run.ExitCode.Should().Be(2, run.Error);
        run.Output.Should().BeEmpty();
        run.Error.Should().StartWith($"Dumbbell: ").And.Contain(option).And.NotContain("Exception");
    }

    [Theory]
    [InlineData("newreno", "droptail", "NewReno", "drop-tail queue of 20 frames")]
    [InlineData("newreno", "red", "NewReno", "RED queue: thresholds 5 and 15 frames, gentle, limit 1,000 frames")]
    [InlineData("cubic", "codel", "CUBIC", "CoDel queue: target 5 ms, interval 100 ms, limit 1,000 frames")]
    [InlineData("cubic", "fqcodel", "CUBIC", "FQ-CoDel queue: 1,024 flow queues, target 5 ms, interval 100 ms, limit 10,240 frames")]
    [InlineData("cubic", "droptail", "CUBIC", "drop-tail queue of 20 frames")]
    [InlineData("newreno", "codel", "NewReno", "CoDel queue: target 5 ms, interval 100 ms, limit 1,000 frames")]
    [InlineData("newreno", "fqcodel", "NewReno", "FQ-CoDel queue: 1,024 flow queues, target 5 ms, interval 100 ms, limit 10,240 frames")]
    [InlineData("cubic", "red", "CUBIC", "RED queue: thresholds 5 and 15 frames, gentle, limit 1,000 frames")]
    public void Every_congestion_control_runs_with_every_queue_and_the_output_says_which(string cc, string queue, string ccName, string queueText)
    {
        string output = SampleRunner.Run("Dumbbell", "--cc", cc, "--queue", queue, "--time", "2s");

        output.Split('\n')[0].Should().Be($"2 TCP flows ({ccName}) from left hosts to right hosts share a 10 Mbps bottleneck between r1 and r2 (10 ms, {queueText}).");
        double total = Megabits(Row(output, "all")![Throughput]) * 1e6;
        total.Should().BePositive().And.BeLessThanOrEqualTo(Bottleneck);
        Jain(output).Should().BeInRange(0.5, 1);
    }

    [Fact]
    public void The_queue_limit_applies_to_any_discipline()
    {
        string output = SampleRunner.Run("Dumbbell", "--queue", "codel", "--queue-limit", "8", "--time", "2s");

        output.Should().Contain("CoDel queue: target 5 ms, interval 100 ms, limit 8 frames");
        Match queue = QueueLine().Match(output);
        queue.Success.Should().BeTrue(output);
        int.Parse(queue.Groups["peak"].Value, CultureInfo.InvariantCulture).Should().BeLessThanOrEqualTo(8);
    }

    [Fact]
    public void CoDel_and_FQ_CoDel_keep_the_queueing_delay_far_below_a_large_drop_tail_queue_s()
    {
        // The same 1,000-frame limit for each: drop-tail lets the windows fill it, the AQMs keep the sojourn near 5 ms.
        static double DelayP95(string queue)
        {
            string output = SampleRunner.Run("Dumbbell", "--queue", queue, "--queue-limit", "1000");
            return Math.Max(Milliseconds(Row(output, "1")![QueueingP95]), Milliseconds(Row(output, "2")![QueueingP95]));
        }

        double dropTail = DelayP95("droptail");
        double codel = DelayP95("codel");
        double fqCodel = DelayP95("fqcodel");

        dropTail.Should().BeGreaterThan(200, "two 6 MiB windows fill a 1,000-frame queue, a second and more of waiting at 10 Mb/s");
        codel.Should().BeLessThan(dropTail / 5, "CoDel drops once the sojourn has stayed above 5 ms for 100 ms");
        fqCodel.Should().BeLessThan(dropTail / 5, "each flow's CoDel keeps its own queue short");
    }

    [Fact]
    public void The_queueing_delay_of_a_small_drop_tail_queue_is_at_most_what_the_full_queue_takes_to_drain()
    {
        string output = SampleRunner.Run("Dumbbell");

        // 20 frames of 1,538 bytes on the wire (preamble, frame, gap) at 10 Mb/s: 24.6 ms; plus the frame on the wire, the
        // difference between a full segment's and the handshake's transmission, and one 0.1 ms bin.
        foreach (string flow in new[] { "1", "2" })
        {
            double mean = Milliseconds(Row(output, flow)![QueueingMean]);
            double p95 = Milliseconds(Row(output, flow)![QueueingP95]);
            mean.Should().BePositive("the queue is seldom empty under two bulk flows");
            p95.Should().BeGreaterThanOrEqualTo(mean).And.BeLessThanOrEqualTo(24.6 + 1.3 + 1.2 + 0.1);
        }

        Milliseconds(Row(output, "all")![QueueingMean]).Should().BeInRange(
            Math.Min(Milliseconds(Row(output, "1")![QueueingMean]), Milliseconds(Row(output, "2")![QueueingMean])),
            Math.Max(Milliseconds(Row(output, "1")![QueueingMean]), Milliseconds(Row(output, "2")![QueueingMean])));
    }

    [Theory]
    [InlineData("--cc", "reno", "Dumbbell: --cc takes newreno or cubic, not 'reno'.")]
    [InlineData("--queue", "fifo", "Dumbbell: --queue takes droptail, red, codel or fqcodel, not 'fifo'.")]
    [InlineData("--queue", "20", "Dumbbell: --queue takes droptail, red, codel or fqcodel, not '20' (the queue's size in frames is --queue-limit).")]
    public void A_bad_congestion_control_or_queue_names_the_values_it_takes(string option, string value, string message)
    {
        SampleRun run = SampleRunner.Execute("Dumbbell", option, value);

        run.ExitCode.Should().Be(2, run.Error);
        run.Error.Split('\n')[0].Should().Be(message);
    }

    private static readonly string[] FlowColumns =
    [
        "flow", "source", "destination", "start_s", "base_rtt_s", "bytes_received", "throughput_bps", "retransmissions", "timeouts", "fast_retransmits", "partial_acks", "sack_holes", "queue_drops",
        "cwnd_limited_s", "rwnd_limited_s", "sndbuf_limited_s", "app_limited_s", "queueing_mean_s", "queueing_p95_s",
    ];

    [Fact]
    public void A_csv_path_that_is_a_file_exits_2_naming_the_option()
    {
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "not-a-folder.csv");
        File.WriteAllText(file, "");

        SampleRun run = SampleRunner.Execute("Dumbbell", "--csv", file);

        run.ExitCode.Should().Be(2, run.Error);
        run.Output.Should().BeEmpty();
        run.Error.Split('\n')[0].Should().Be($"Dumbbell: --csv needs the path of a folder to write the CSV files to; '{file}' is a file.");
    }

    /// <summary>The cells of the flow table's row that starts with <paramref name="flow"/> ("1", "2", "all"), or null.</summary>
    private static string[]? Row(string output, string flow)
    {
        string? line = Table(output).Split('\n').FirstOrDefault(l => l.StartsWith(flow + " ", StringComparison.Ordinal));
        return line is null ? null : Cells().Split(line.Trim());
    }

    private static string Table(string output) => string.Join('\n', output.Split('\n').SkipWhile(l => !l.StartsWith("flow ", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0));

    private static double Milliseconds(string cell) => double.Parse(cell.Replace(" ms", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static double Megabits(string cell) => double.Parse(cell.Replace(" Mb/s", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static double Jain(string output)
    {
        Match match = JainLine().Match(output);
        match.Success.Should().BeTrue(output);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private List<string[]> ReadCsv(string name, params string[] columns)
    {
        string[] lines = File.ReadAllLines(Path.Combine(folder, name));
        lines[0].Split(',').Should().Equal(columns, $"{name}'s columns are documented in the sample's header");
        string[][] rows = [.. lines.Skip(1).Select(line => line.Split(','))];
        rows.Should().OnlyContain(row => row.Length == columns.Length, name);
        return [.. rows];
    }

    // Cells are separated by two spaces or more; a cell ("4.60 Mb/s", "partial ACK") may hold one.
    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Cells();

    [GeneratedRegex(@"^(?<limit>cwnd|rwnd|sndbuf|app) (?<share>\d+\.\d) %$")]
    private static partial Regex HeldBackLine();

    [GeneratedRegex(@"Jain's fairness index over the flows' throughputs: (\d\.\d{3}) ")]
    private static partial Regex JainLine();

    [GeneratedRegex(@"Bottleneck queue \(r1 -> r2\): limit (?<limit>\d+) frames, peak (?<peak>\d+), mean [\d.]+ \(over time, at every change\); (?<drops>[\d,]+) frames dropped because it was full(, [\d,]+ dropped by [\w-]+'s queue management)?\.")]
    private static partial Regex QueueLine();
}
