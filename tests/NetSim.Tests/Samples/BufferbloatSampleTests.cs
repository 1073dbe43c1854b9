using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Engine;
using NetSim.Tracing;

namespace NetSim.Tests.Samples;

/// <summary>
/// The Bufferbloat sample: a ping beside a bulk TCP upload on a 10 Mb/s uplink shows what the well-known experiments
/// show (a 1,000-frame drop-tail queue bloats the ping's round trip to hundreds of milliseconds, CoDel keeps it near its
/// target, FQ-CoDel near the base round trip) while the upload fills the link under each; its CSV files read back.
/// </summary>
[Collection(ConsoleUsers.Name)]
public sealed partial class BufferbloatSampleTests : IDisposable
{
    private const double BaseRoundTripMs = 30;
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"netsim-bufferbloat-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Drop_tail_bloats_the_ping_CoDel_keeps_it_near_its_target_and_FQ_CoDel_near_the_base_round_trip()
    {
        string output = SampleRunner.Run("Bufferbloat");

        Row dropTail = RowOf(output, "drop-tail, 1,000 frames");
        Row codel = RowOf(output, "CoDel");
        Row fqCodel = RowOf(output, "FQ-CoDel");

        dropTail.Median.Should().BeGreaterThan(10 * BaseRoundTripMs, "the upload keeps hundreds of frames waiting ahead of the ping");
        dropTail.P95.Should().BeGreaterThan(2 * codel.P95);
        codel.Median.Should().BeLessThan(BaseRoundTripMs + 10, "CoDel keeps the standing queue near its 5 ms target");
        codel.P95.Should().BeLessThan(dropTail.Median / 5, "what passes the target does so in bursts (slow start, a recovery) that CoDel cuts within an interval or two").And.BeGreaterThan(fqCodel.P95);
        fqCodel.P95.Should().BeLessThan(BaseRoundTripMs + 5, "the ping's own queue is served first, as a sparse flow");
        foreach (Row row in new[] { dropTail, codel, fqCodel })
        {
            row.Minimum.Should().BeGreaterThanOrEqualTo(BaseRoundTripMs, "no ping beats the propagation delays");
            row.Minimum.Should().BeLessThanOrEqualTo(row.Median);
            row.Median.Should().BeLessThanOrEqualTo(row.P95);
            row.P95.Should().BeLessThanOrEqualTo(row.Maximum);
            row.UploadMbps.Should().BeInRange(8, 10, "the upload fills the 10 Mb/s link whatever the queue");
        }
    }

    [Fact]
    public void The_csv_files_hold_each_reply_s_round_trip_and_agree_with_the_table()
    {
        string output = SampleRunner.Run("Bufferbloat", "--time", "10s", "--csv", folder);

        output.Should().Contain($"CSV files written to {folder}: ping-droptail.csv, ping-codel.csv, ping-fqcodel.csv");
        foreach ((string file, string queue) in new[] { ("ping-droptail.csv", "drop-tail, 1,000 frames"), ("ping-codel.csv", "CoDel"), ("ping-fqcodel.csv", "FQ-CoDel") })
        {
            TimeSeries series;
            using (var reader = new StreamReader(Path.Combine(folder, file)))
            {
                series = TimeSeries.ReadCsv(reader, file, "ms");
            }

            series.Points.Should().HaveCountGreaterThan(50, "a reply every 100 ms for 10 s, but for the lost ones and the last");
            series.Points.Select(p => p.Time).Should().BeInAscendingOrder();
            series.Points.Should().Contain(p => p.Time < SimTime.FromSeconds(1), "the ping starts before the upload");
            series.Points.Where(p => p.Time >= SimTime.FromSeconds(1)).Max(p => p.Value).Should().BeApproximately(RowOf(output, queue).Maximum, 0.051, "the longest round trip while the upload runs is the table's maximum");
        }
    }

    [Fact]
    public void The_plot_draws_the_three_queues_round_trips_in_milliseconds()
    {
        string output = SampleRunner.Run("Bufferbloat", "--time", "5s", "--plots", folder);

        output.Should().Contain($"Plots drawn in {folder}: ping.png and ping.svg.");
        File.ReadAllBytes(Path.Combine(folder, "ping.png")).AsSpan(1, 3).ToArray().Should().Equal("PNG"u8.ToArray());
        string[] texts = [.. System.Xml.Linq.XDocument.Load(Path.Combine(folder, "ping.svg")).Descendants()
            .Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim())];
        texts.Should().Contain("Round trip (ms)").And.Contain(["ping droptail", "ping codel", "ping fqcodel"]);
    }

    [Fact]
    public void The_same_seed_repeats_the_runs_exactly()
    {
        SampleRunner.Run("Bufferbloat", "--time", "5s").Should().Be(SampleRunner.Run("Bufferbloat", "--time", "5s"));
    }

    [Theory]
    [InlineData("--time", "1s")]
    [InlineData("--time", "soon")]
    [InlineData("--seed", "-1")]
    public void A_bad_value_exits_2_naming_the_option(string option, string value)
    {
        SampleRun run = SampleRunner.Execute("Bufferbloat", option, value);

        run.ExitCode.Should().Be(2, run.Error);
        run.Output.Should().BeEmpty();
        run.Error.Should().StartWith("Bufferbloat: ").And.Contain(option).And.NotContain("Exception");
    }

    private static Row RowOf(string output, string queue)
    {
        string line = output.Split('\n').Single(l => l.StartsWith(queue + "  ", StringComparison.Ordinal));
        string[] cells = Cells().Split(line.Trim());
        return new Row(Ms(cells[1]), Ms(cells[2]), Ms(cells[3]), Ms(cells[4]), double.Parse(cells[6].Replace(" Mb/s", "", StringComparison.Ordinal), CultureInfo.InvariantCulture));
    }

    private static double Ms(string cell) => double.Parse(cell.Replace(" ms", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private sealed record Row(double Minimum, double Median, double P95, double Maximum, double UploadMbps);

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Cells();
}
