using System.Buffers.Binary;
using System.Globalization;
using System.Xml.Linq;
using NetSim.Engine;
using NetSim.Links;
using NetSim.Topology;
using NetSim.Tracing;
using NetSim.Transport;

namespace NetSim.Reporting.Tests;

public class RunPlotTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void A_saved_png_has_the_png_signature_and_the_asked_size()
    {
        RunPlot plot = RunPlot.Lines("Queue of the bottleneck", "Queue length", [Queue("r1 queue", 0, 3, 5, 2, 0)]);
        string path = Path.Combine(Path.GetTempPath(), $"netsim-plot-{Guid.NewGuid():N}.png");
        try
        {
            plot.SavePng(path, 640, 360);
            byte[] png = File.ReadAllBytes(path);

            png.AsSpan(0, 8).ToArray().Should().Equal(PngSignature);
            // The first chunk is IHDR (RFC 2083, 4.1.1): length 13, then its width and height, big-endian.
            System.Text.Encoding.ASCII.GetString(png, 12, 4).Should().Be("IHDR");
            BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)).Should().Be(640);
            BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)).Should().Be(360);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_svg_is_xml_with_the_title_the_axis_labels_with_units_and_a_legend_name_per_series()
    {
        RunPlot plot = RunPlot.Lines("Congestion window of each flow", "Congestion window",
            [Bytes("flow 1 cwnd", 14_600, 29_200, 58_400), Bytes("flow 2 cwnd", 14_600, 20_000, 21_000)]);

        string svg = plot.ToSvg(800, 400);

        XDocument document = XDocument.Parse(svg);
        document.Root!.Name.LocalName.Should().Be("svg");
        string[] texts = Texts(document);
        texts.Should().Contain("Congestion window of each flow")
            .And.Contain("Simulated time (s)")
            .And.Contain("Congestion window (bytes)")
            .And.Contain("flow 1 cwnd")
            .And.Contain("flow 2 cwnd");
        document.Descendants().Where(e => e.Name.LocalName == "text").Select(e => (string?)e.Attribute("font-family")).Distinct()
            .Should().ContainSingle().Which.Should().BeOneOf(["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial"], "the text is in a sans-serif font installed (.ci/run installs fonts-dejavu-core)");
    }

    [Fact]
    public void A_throughput_plot_is_drawn_in_the_prefix_that_suits_its_largest_rate()
    {
        var rate = new TimeSeries("10.0.0.1 -> 10.0.1.1 throughput", "bit/s");
        rate.Record(SimTime.FromPicoseconds(100_000_000_000), 2_500_000);
        rate.Record(SimTime.FromPicoseconds(200_000_000_000), 9_000_000);

        RunPlot plot = RunPlot.Throughput("Throughput of each flow", [rate]);

        plot.YLabel.Should().Be("Throughput (Mbit/s)");
        plot.Series[0].X.Should().Equal(0.1, 0.2);
        plot.Series[0].Y.Should().Equal(2.5, 9);
        Texts(XDocument.Parse(plot.ToSvg(800, 400))).Should().Contain("Throughput (Mbit/s)");
    }

    [Fact]
    public void The_value_axis_starts_at_zero_for_values_that_cannot_be_negative()
    {
        var window = new TimeSeries("cwnd", "bytes");
        window.Record(SimTime.FromSeconds(1), 30_000);
        window.Record(SimTime.FromSeconds(2), 31_000);
        window.Record(SimTime.FromSeconds(3), 32_000);

        // The time axis runs from about 1 s to 3 s: a tick labelled 0 is the value axis'.
        string[] ticks = Texts(XDocument.Parse(RunPlot.Lines("Window", "Congestion window", [window]).ToSvg(600, 400)));

        ticks.Should().Contain("0", "a window that starts at 30,000 bytes is drawn from zero, not magnified");
        ticks.Should().NotContain(t => t.StartsWith('-'), "nothing below zero is shown");
    }

    [Fact]
    public void A_plot_of_series_in_different_units_or_of_a_rate_not_in_bit_per_second_is_refused()
    {
        var act = () => RunPlot.Lines("Mixed", "Value", [Bytes("cwnd", 1), Queue("queue", 1)]);
        act.Should().Throw<ArgumentException>().WithMessage("*share a unit*cwnd*bytes*queue*frames*");

        var rate = () => RunPlot.Throughput("Throughput", [Bytes("cwnd", 1)]);
        rate.Should().Throw<ArgumentException>().WithMessage("*bit/s*cwnd*bytes*");
    }

    [Fact]
    public void The_hub_experiments_curve_plots_each_point_with_its_axes_and_legend()
    {
        RunPlot plot = RunPlot.Curve("Delivered throughput against the number of hosts", "Hosts on the segment", "Delivered per host (Mbit/s)",
        [
            new PlotSeries("hub", [2, 4, 8, 16, 32], [1, 1, 0.98, 0.61, 0.3]),
            new PlotSeries("switch", [2, 4, 8, 16, 32], [1, 1, 1, 1, 1]),
        ]);

        plot.Series.Select(s => s.X.Count).Should().Equal(5, 5);
        string[] texts = Texts(XDocument.Parse(plot.ToSvg(800, 400)));
        texts.Should().Contain("Delivered throughput against the number of hosts")
            .And.Contain("Hosts on the segment")
            .And.Contain("Delivered per host (Mbit/s)")
            .And.Contain("hub")
            .And.Contain("switch");
    }

    [Fact]
    public void A_curves_x_and_y_must_pair_up()
    {
        var act = () => new PlotSeries("hub", [2, 4, 8], [1, 1]);
        act.Should().Throw<ArgumentException>().WithMessage("*3 x and 2 y*");
    }

    [Fact]
    public void A_real_transfers_plots_hold_every_point_of_its_series_and_name_its_flows()
    {
        Transfer run = Transfer.Run();
        run.Window.Points.Count.Should().BeGreaterThan(10, "the window changes at every ACK of slow start");

        RunPlot window = RunPlot.Lines("Congestion window", "Congestion window", [run.Window]);
        window.Series.Should().ContainSingle().Which.X.Should().HaveCount(run.Window.Points.Count);
        window.Series[0].Y.Should().Equal(run.Window.Points.Select(p => p.Value));
        window.Series[0].X[^1].Should().Be(run.Window.Points[^1].Time.TotalSeconds);

        RunPlot throughput = RunPlot.Throughput("Throughput", [run.Throughput]);
        throughput.Series[0].X.Should().HaveCount(run.Throughput.Points.Count);
        throughput.YLabel.Should().Be("Throughput (Mbit/s)", "10 Mbit/s links");

        RunPlot queue = RunPlot.Lines("Sender's queue", "Queue length", [run.Queue]);
        queue.Series[0].X.Should().HaveCount(run.Queue.Points.Count).And.HaveCountGreaterThan(10);
        queue.YLabel.Should().Be("Queue length (frames)");

        RunPlot flows = RunPlot.FlowThroughput("Throughput of each flow over the run", run.Flows);
        flows.Categories.Should().Equal(run.Flows.Select(f => f.Key.ToString()));
        string[] texts = Texts(XDocument.Parse(flows.ToSvg(800, 300)));
        texts.Should().Contain(run.Flows[0].Key.ToString()).And.Contain("Throughput (Mbit/s)");
        flows.Series[0].Y.Max().Should().BeInRange(1, 10, "the data flow's throughput, in Mbit/s, is below the 10 Mbit/s line rate");
    }

    [Fact]
    public void The_same_data_gives_the_same_svg_and_png_twice_and_in_any_culture()
    {
        RunPlot Make() => RunPlot.Lines("Queue", "Queue length", [Queue("q", 0, 1.5, 12_345, 3)], steps: false);

        string first = Make().ToSvg(600, 300);
        Make().ToSvg(600, 300).Should().Be(first);
        Make().ToPng(600, 300).Should().Equal(Make().ToPng(600, 300));

        CultureInfo culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Make().ToSvg(600, 300).Should().Be(first, "tick labels are written in the invariant culture");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Two_plots_inlined_in_one_page_share_no_id_and_each_names_only_its_own()
    {
        string queue = RunPlot.Lines("Queue", "Queue length", [Queue("q", 0, 2, 1)]).ToSvg(600, 300);
        string window = RunPlot.Lines("Window", "Congestion window", [Bytes("cwnd", 1, 2, 3)]).ToSvg(600, 300);

        string[] queueIds = Ids(queue);
        string[] windowIds = Ids(window);
        queueIds.Should().NotBeEmpty("the plot area is clipped");
        queueIds.Should().NotIntersectWith(windowIds);
        References(queue).Should().BeSubsetOf(queueIds);
        References(window).Should().BeSubsetOf(windowIds);
    }

    [Fact]
    public void A_plot_becomes_a_figure_of_the_run_report()
    {
        RunPlot plot = RunPlot.Lines("Queue", "Queue length", [Queue("q", 0, 2)]);

        ReportFigure figure = plot.ToFigure();

        figure.Title.Should().Be("Queue");
        figure.Svg.Should().Be(plot.ToSvg(800, 400));
    }

    private static string[] Ids(string svg) =>
        [.. XDocument.Parse(svg).Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>()];

    private static string[] References(string svg) =>
        [.. System.Text.RegularExpressions.Regex.Matches(svg, @"url\(#([^)]+)\)").Select(m => m.Groups[1].Value).Distinct()];

    private static string[] Texts(XDocument svg) =>
        [.. svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim())];

    private static TimeSeries Queue(string name, params double[] values) => Series(name, "frames", values);

    private static TimeSeries Bytes(string name, params double[] values) => Series(name, "bytes", values);

    private static TimeSeries Series(string name, string unit, double[] values)
    {
        var series = new TimeSeries(name, unit);
        for (int i = 0; i < values.Length; i++)
        {
            series.Record(SimTime.FromPicoseconds(i * 10_000_000_000L), values[i]);
        }

        return series;
    }

    /// <summary>200 kB over TCP from a to b on a 10 Mbit/s link: the sender's window and queue probed, what b received sampled every 10 ms for 1 s, the flows measured.</summary>
    private sealed class Transfer
    {
        public required TimeSeries Window { get; init; }

        public required TimeSeries Throughput { get; init; }

        public required TimeSeries Queue { get; init; }

        public required IReadOnlyList<FlowStatistics> Flows { get; init; }

        public static Transfer Run()
        {
            var sim = new Simulation(seed: 1);
            var network = new Network(sim);
            var a = new Host(network, "a", "10.0.0.1/24");
            var b = new Host(network, "b", "10.0.0.2/24");
            new TopologyBuilder(network) { DefaultRate = DataRate.Parse("10Mbps"), DefaultDelay = SimDuration.FromMilliseconds(5) }.Connect(a, b);
            using var monitor = new FlowMonitor(network.Tracer);
            var sampler = new PeriodicSampler(sim, SimDuration.FromMilliseconds(10), stopAt: SimTime.FromPicoseconds(1_000_000_000_000));
            TimeSeries throughput = b.Port.ProbeThroughput(sampler, PortTraffic.Received);
            TimeSeries queue = a.Port.ProbeQueue();
            var listener = new TcpListener(b, 5001);
            listener.Start();
            TimeSeries? window = null;
            _ = sim.Start(async () =>
            {
                TcpConnection incoming = await listener.AcceptAsync();
                byte[] buffer = new byte[16384];
                while (await incoming.ReadAsync(buffer) > 0)
                {
                }

                await incoming.CloseAsync();
            });
            _ = sim.Start(async () =>
            {
                TcpConnection open = await TcpConnection.ConnectAsync(a, b.Address, 5001);
                window = open.Probe(TcpMetric.CongestionWindow);
                await open.WriteAsync(new byte[200_000]);
                await open.CloseAsync();
            });
            sim.Run();
            return new Transfer { Window = window!, Throughput = throughput, Queue = queue, Flows = monitor.GetStatistics() };
        }
    }
}
