using System.Globalization;

namespace NetSim.Tests.Samples;

/// <summary>
/// The HubCongestion sample: hosts on a hub and on a switch at a fixed load each. Its CSV reads back with the
/// documented columns, and it shows the lesson: the hub congests as hosts are added, the switch does not.
/// </summary>
[Collection(ConsoleUsers.Name)]
public sealed class HubCongestionTests : IDisposable
{
    private static readonly string[] Columns =
    [
        "device", "hosts", "offered_mbps", "delivered_mbps", "delivered_per_host_mbps", "delivered_fraction",
        "packets_sent", "packets_delivered", "collisions", "collisions_per_frame", "collision_limit_drops", "mean_delay_ms",
    ];

    private readonly string csv = Path.Combine(Path.GetTempPath(), $"netsim-hubcongestion-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(csv);

    [Fact]
    public void The_plots_draw_the_hubs_curve_beside_the_switchs_with_a_point_per_host_count()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"netsim-hubcongestion-{Guid.NewGuid():N}");
        try
        {
            string output = SampleRunner.Run("HubCongestion", "--hosts", "2,4,6", "--time", "100ms", "--plots", folder);

            output.Should().Contain($"Plots drawn in {folder}: delivered.png, collisions.png and the same as .svg.");
            foreach ((string name, string axis) in new[] { ("delivered", "Delivered per host (Mbit/s)"), ("collisions", "Collisions per frame") })
            {
                File.ReadAllBytes(Path.Combine(folder, $"{name}.png")).AsSpan(1, 3).ToArray().Should().Equal("PNG"u8.ToArray());
                System.Xml.Linq.XElement[] texts = [.. System.Xml.Linq.XDocument.Load(Path.Combine(folder, $"{name}.svg")).Descendants().Where(e => e.Name.LocalName == "text")];
                texts.Select(t => t.Value.Trim()).Should().Contain(["Hosts", axis, "hub", "switch"]);
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void The_csv_has_the_documented_columns_and_a_row_per_device_and_host_count()
    {
        string output = SampleRunner.Run("HubCongestion", "--csv", csv);

        string[] lines = File.ReadAllText(csv).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Split(',').Should().Equal(Columns);
        output.Should().Contain(string.Join(",", Columns), "the output names the columns it wrote");
        Row[] rows = Read(lines);
        rows.Select(r => (r.Device, r.Hosts)).Should().Equal(
            ("hub", 2), ("switch", 2), ("hub", 4), ("switch", 4), ("hub", 8), ("switch", 8), ("hub", 16), ("switch", 16), ("hub", 32), ("switch", 32));
        foreach (Row row in rows)
        {
            row.OfferedMbps.Should().Be(row.Hosts, "each host offers 1 Mb/s by default");
            row.DeliveredPerHostMbps.Should().BeApproximately(row.DeliveredMbps / row.Hosts, 1e-6);
            row.PacketsDelivered.Should().BeLessThanOrEqualTo(row.PacketsSent);
            row.DeliveredFraction.Should().BeApproximately(row.PacketsDelivered / (double)row.PacketsSent, 1e-6);
            row.CollisionsPerFrame.Should().BeApproximately(row.Collisions / (double)row.PacketsDelivered, 1e-6);

            // 1,000 bytes of data in a 1,028-byte IP packet, over the 1 s run.
            row.DeliveredMbps.Should().BeApproximately(row.PacketsDelivered * 1028 * 8 / 1e6, 1e-6);
        }
    }

    [Fact]
    public void The_hub_congests_as_hosts_are_added_and_the_switch_does_not()
    {
        SampleRunner.Run("HubCongestion", "--csv", csv);
        Row[] rows = Read(File.ReadAllText(csv).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Row[] hub = [.. rows.Where(r => r.Device == "hub")];
        Row[] sw = [.. rows.Where(r => r.Device == "switch")];

        // Each host gets as much through (but for the last packet or so in flight at the end) or less as hosts are added.
        hub.Zip(hub.Skip(1)).Should().AllSatisfy(pair => pair.Second.DeliveredPerHostMbps.Should().BeLessThan(pair.First.DeliveredPerHostMbps + 0.01, $"{pair.Second.Hosts} hosts share the medium that {pair.First.Hosts} did"));
        hub.Last().DeliveredPerHostMbps.Should().BeLessThan(0.5 * hub[0].DeliveredPerHostMbps);
        hub.Select(r => r.CollisionsPerFrame).Should().BeInAscendingOrder()
            .And.Subject.Last().Should().BeGreaterThan(1, "with 32 hosts offering 32 Mb/s to a 10 Mb/s medium a frame collides more than once");
        hub.Last().DeliveredMbps.Should().BeLessThan(10, "a hub is one 10 Mb/s medium");
        hub.Last().CollisionLimitDrops.Should().BePositive("some frames collide 16 times and are dropped");
        hub.Zip(hub.Skip(1)).Should().AllSatisfy(pair => pair.Second.MeanDelayMs.Should().BeGreaterThan(pair.First.MeanDelayMs - 0.01, "frames wait longer for the medium as hosts are added"));
        hub.Last().MeanDelayMs.Should().BeGreaterThan(100 * hub[0].MeanDelayMs, "an overloaded medium leaves frames queued in the hosts");
        foreach (Row row in sw)
        {
            row.Collisions.Should().Be(0, "a switch port is full duplex");
            row.CollisionLimitDrops.Should().Be(0);
            row.DeliveredFraction.Should().BeGreaterThan(0.99, $"the switch delivers what {row.Hosts} hosts offer, but for the packets in flight at the end");
            row.MeanDelayMs.Should().BeApproximately(sw[0].MeanDelayMs, 0.01, "nothing queues in a switch when every port carries one flow each way");
        }
    }

    [Fact]
    public void The_table_prints_the_numbers_of_the_csv_and_the_text_says_what_they_show()
    {
        string output = SampleRunner.Run("HubCongestion", "--csv", csv);
        Row[] rows = Read(File.ReadAllText(csv).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Row hub = rows.Single(r => r is { Device: "hub", Hosts: 32 });
        Row sw = rows.Single(r => r is { Device: "switch", Hosts: 32 });

        string row = output.Split('\n').Single(l => l.TrimStart().StartsWith("32 ", StringComparison.Ordinal));
        row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "32", "32.00",
            "|", F(hub.DeliveredMbps, "F2"), F(hub.DeliveredPerHostMbps, "F3"), F(hub.CollisionsPerFrame, "F2"), F(hub.CollisionLimitDrops, "N0"), F(hub.MeanDelayMs, "F2"),
            "|", F(sw.DeliveredMbps, "F2"), F(sw.DeliveredPerHostMbps, "F3"), "0.00", "0", F(sw.MeanDelayMs, "F2"));
        output.Should().Contain($"with 32 hosts offering 32 Mb/s it delivered {F(hub.DeliveredMbps, "F2")} Mb/s")
            .And.Contain("with 32 hosts it delivered 99.7 % of the packets, with 0 collisions")
            .And.Contain("With 2 hosts the hub is the faster");
    }

    [Fact]
    public void A_hub_that_is_not_overloaded_is_said_to_keep_up()
    {
        SampleRunner.Run("HubCongestion", "--hosts", "2,3", "--time", "100ms").Should().Contain("3 hosts offering 3.00 Mb/s did not overload it");
    }

    [Fact]
    public void The_options_choose_the_host_counts_the_load_and_the_time()
    {
        string output = SampleRunner.Run("HubCongestion", "--hosts", "3,5", "--load", "2Mbps", "--time", "200ms", "--csv", csv);

        output.Should().Contain("each host sends 2 Mbps of UDP to the next for 200 ms");
        Row[] rows = Read(File.ReadAllText(csv).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        rows.Select(r => (r.Device, r.Hosts, r.OfferedMbps)).Should().Equal(("hub", 3, 6.0), ("switch", 3, 6.0), ("hub", 5, 10.0), ("switch", 5, 10.0));
        rows.Should().AllSatisfy(r => r.PacketsSent.Should().BeInRange(r.Hosts * 48, r.Hosts * 49, "a 1,028-byte packet every 4.112 ms for 200 ms"));
    }

    [Fact]
    public void The_csv_is_the_same_under_a_German_culture()
    {
        SampleRunner.RunUnder(CultureInfo.InvariantCulture, "HubCongestion", "--csv", csv);
        string invariant = File.ReadAllText(csv);

        SampleRunner.RunUnder(CultureInfo.GetCultureInfo("de-DE"), "HubCongestion", "--csv", csv);

        File.ReadAllText(csv).Should().Be(invariant).And.Contain("hub,32,32.000000,");
    }

    [Theory]
    [InlineData("--hosts", "1")]
    [InlineData("--hosts", "2,x")]
    [InlineData("--hosts", "")]
    [InlineData("--load", "0Mbps")]
    [InlineData("--load", "11Mbps")]
    [InlineData("--load", "fast")]
    [InlineData("--time", "1ms")]
    [InlineData("--time", "1")]
    public void A_bad_value_exits_2_naming_the_option(string option, string value)
    {
        SampleRun run = SampleRunner.Execute("HubCongestion", option, value);

        run.ExitCode.Should().Be(2);
        run.Output.Should().BeEmpty();
        run.Error.Split('\n')[0].Should().StartWith("HubCongestion: ").And.Contain(option);
    }

    [Fact]
    public void A_csv_in_a_folder_that_does_not_exist_exits_2()
    {
        string path = Path.Combine(Path.GetTempPath(), "netsim-no-such-folder", "hub.csv");

        SampleRun run = SampleRunner.Execute("HubCongestion", "--csv", path);

        run.ExitCode.Should().Be(2);
        run.Error.Split('\n')[0].Should().Contain("--csv").And.Contain("does not exist");
        File.Exists(path).Should().BeFalse();
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static Row[] Read(string[] lines) => [.. lines.Skip(1).Select(Row.Parse)];

    private sealed record Row(
        string Device,
        int Hosts,
        double OfferedMbps,
        double DeliveredMbps,
        double DeliveredPerHostMbps,
        double DeliveredFraction,
        long PacketsSent,
        long PacketsDelivered,
        long Collisions,
        double CollisionsPerFrame,
        long CollisionLimitDrops,
        double MeanDelayMs)
    {
        public static Row Parse(string line)
        {
            string[] f = line.Split(',');
            f.Should().HaveCount(Columns.Length, line);
            return new Row(
                f[0],
                int.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture),
                double.Parse(f[3], CultureInfo.InvariantCulture),
                double.Parse(f[4], CultureInfo.InvariantCulture),
                double.Parse(f[5], CultureInfo.InvariantCulture),
                long.Parse(f[6], CultureInfo.InvariantCulture),
                long.Parse(f[7], CultureInfo.InvariantCulture),
                long.Parse(f[8], CultureInfo.InvariantCulture),
                double.Parse(f[9], CultureInfo.InvariantCulture),
                long.Parse(f[10], CultureInfo.InvariantCulture),
                double.Parse(f[11], CultureInfo.InvariantCulture));
        }
    }
}
