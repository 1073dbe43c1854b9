using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NetSim.Tracing;
using ScottPlot;
using SkiaSharp;
// Design: a plot is data (its kind, title, axis labels and series) and is drawn afresh by
// ScottPlot 5 at every SavePng/ToPng/ToSvg, so a RunPlot is immutable, can be drawn at several
// sizes and never shares ScottPlot's (not thread-safe) Plot object. ScottPlot stays out of the
// public surface: its version can change without changing ours. Tick labels are formatted here,
// in the invariant culture, so the same data gives the same picture whatever the machine's culture.
// Skia's SVG canvas names its clip paths from a counter of the process ("cl_14"), so the same plot
// drawn twice differed and two plots inlined in one page could share a name: ToSvg renames them
// after a hash of the picture, which makes them both repeatable and distinct between pictures.

namespace NetSim.Reporting;

/// <summary>
/// A plot of a run: one or more <see cref="TimeSeries"/> over simulated time (a congestion
/// window, a queue length), flows' throughput, or an experiment's curve of x/y points (the hub
/// experiment's throughput against the number of hosts). Save it as PNG
/// (<see cref="SavePng(string, int, int)"/>) or get it as SVG text (<see cref="ToSvg(int, int)"/>)
/// to inline in an HTML page, such as the <see cref="RunReport"/>'s figures (<see cref="ToFigure(int, int)"/>).
/// </summary>
/// <remarks>
/// Drawn with ScottPlot 5 (SkiaSharp), with its text in DejaVu Sans when it is installed (else
/// Liberation Sans, Noto Sans, Arial or ScottPlot's choice). On Linux the text needs a font in
/// /usr/share/fonts (on Debian, the package fonts-dejavu-core): with none, drawing throws
/// <see cref="InvalidOperationException"/> rather than make a plot without words. The same data
/// gives the same PNG and SVG bytes on one machine (the fonts installed can change them).
/// </remarks>
public sealed partial class RunPlot
{
    private const string TimeLabel = "Simulated time (s)";

    // The first of these installed draws the text; otherwise ScottPlot's own choice.
    private static readonly string[] PreferredFonts = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial"];

    private static readonly Lazy<string> Font = new(ChooseFont);

    private readonly PlotKind kind;

    private RunPlot(PlotKind kind, string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series, IReadOnlyList<string>? categories = null)
    {
        this.kind = kind;
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
        Series = series;
        Categories = categories ?? [];
    }

    private enum PlotKind
    {
        StepsAfter,
        StepsBefore,
        Lines,
        Points,
        Bars,
    }

    /// <summary>The title above the plot.</summary>
    public string Title { get; }

    /// <summary>The label of the horizontal axis, with its unit, for example "Simulated time (s)".</summary>
    public string XLabel { get; }

    /// <summary>The label of the vertical axis, with its unit, for example "Congestion window (bytes)".</summary>
    public string YLabel { get; }

    /// <summary>
    /// The series drawn, in the legend's order, with the values as plotted (in the unit of the axis
    /// labels: a throughput in bit/s is scaled to kbit/s, Mbit/s or Gbit/s). For a plot of flows'
    /// throughput (<see cref="FlowThroughput"/>), one series whose X is the bar's position.
    /// </summary>
    public IReadOnlyList<PlotSeries> Series { get; }

    /// <summary>For a plot of flows' throughput: the flows' names, one per bar, in order; empty otherwise.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>
    /// A line plot of <paramref name="series"/> over simulated time: x in seconds, y in the series'
    /// unit (they must share it), labelled "<paramref name="quantity"/> (unit)", one line per series
    /// named in the legend.
    /// </summary>
    /// <param name="title">The title, for example "Congestion window of each flow".</param>
    /// <param name="quantity">What the values are, without the unit, for example "Congestion window".</param>
    /// <param name="series">The series, in the legend's order.</param>
    /// <param name="steps">
    /// True (the default) to hold each value until the next point, as a probe that records on change
    /// means (a congestion window, a queue length); false to join the points by straight lines, as
    /// for samples of a value that varies between them (a ping's round trip).
    /// </param>
    /// <exception cref="ArgumentException">No series is given, or the series do not share one unit.</exception>
    public static RunPlot Lines(string title, string quantity, IEnumerable<TimeSeries> series, bool steps = true)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(quantity);
        TimeSeries[] all = NonEmpty(series);
        string unit = SharedUnit(all);
        PlotSeries[] plotted = [.. all.Select(s => FromSeries(s, 1))];
        return new RunPlot(steps ? PlotKind.StepsAfter : PlotKind.Lines, title, TimeLabel, Label(quantity, unit), plotted);
    }

    /// <summary>
    /// A plot of each flow's throughput over simulated time, from series in bit/s (as
    /// <see cref="PeriodicSampler.SampleThroughput"/> or <see cref="PeriodicSampler.SampleRate"/>
    /// record them: each point the rate over the interval that ends at it, drawn as a step over
    /// that interval). The axis is in kbit/s, Mbit/s or Gbit/s, whichever suits the largest value.
    /// </summary>
    /// <param name="title">The title, for example "Throughput of each flow".</param>
    /// <param name="series">One series per flow, in bit/s, in the legend's order.</param>
    /// <exception cref="ArgumentException">No series is given, or one is not in bit/s.</exception>
    public static RunPlot Throughput(string title, IEnumerable<TimeSeries> series)
    {
        ArgumentNullException.ThrowIfNull(title);
        TimeSeries[] all = NonEmpty(series);
        if (all.FirstOrDefault(s => s.Unit != "bit/s") is { } other)
        {
            throw new ArgumentException($"A throughput plot takes series in bit/s; \"{other.Name}\" is in {other.Unit}.", nameof(series));
        }

        double max = all.SelectMany(s => s.Points).Select(p => p.Value).DefaultIfEmpty(0).Max();
        (double scale, string unit) = RateUnit(max);
        PlotSeries[] plotted = [.. all.Select(s => FromSeries(s, scale))];
        return new RunPlot(PlotKind.StepsBefore, title, TimeLabel, Label("Throughput", unit), plotted);
    }

    /// <summary>
    /// A bar chart of each flow's throughput as <see cref="FlowMonitor"/> measured it over the run
    /// (<see cref="FlowStatistics.Throughput"/>; zero for a flow that delivered nothing), one
    /// horizontal bar per flow named by its key, in the order given. The axis is in kbit/s,
    /// Mbit/s or Gbit/s, whichever suits the largest value.
    /// </summary>
    /// <param name="title">The title, for example "Throughput of each flow over the run".</param>
    /// <param name="flows">The flows, for example <see cref="FlowMonitor.GetStatistics"/>.</param>
    /// <exception cref="ArgumentException">No flow is given.</exception>
    public static RunPlot FlowThroughput(string title, IEnumerable<FlowStatistics> flows)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(flows);
        FlowStatistics[] all = [.. flows];
        if (all.Length == 0)
        {
            throw new ArgumentException("A plot needs at least one flow.", nameof(flows));
        }

        double[] rates = [.. all.Select(f => (double)(f.Throughput?.BitsPerSecond ?? 0))];
        (double scale, string unit) = RateUnit(rates.Max());
        double[] positions = [.. Enumerable.Range(0, all.Length).Select(i => (double)i)];
        string[] names = [.. all.Select(f => f.Key.ToString())];
        var bars = new PlotSeries("Throughput", positions, [.. rates.Select(r => r / scale)]);
        return new RunPlot(PlotKind.Bars, title, Label("Throughput", unit), "Flow", [bars], names);
    }

    /// <summary>
    /// A plot of x/y points joined by lines, one curve per series, for an experiment's result:
    /// for example the hub experiment's delivered throughput against the number of hosts, a hub's
    /// curve beside a switch's.
    /// </summary>
    /// <param name="title">The title.</param>
    /// <param name="xLabel">The horizontal axis' label with its unit, for example "Hosts".</param>
    /// <param name="yLabel">The vertical axis' label with its unit, for example "Delivered (Mbit/s)".</param>
    /// <param name="curves">The curves, in the legend's order.</param>
    /// <exception cref="ArgumentException">No curve is given.</exception>
    public static RunPlot Curve(string title, string xLabel, string yLabel, IEnumerable<PlotSeries> curves)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(curves);
        PlotSeries[] all = [.. curves];
        if (all.Length == 0)
        {
            throw new ArgumentException("A plot needs at least one curve.", nameof(curves));
        }

        return new RunPlot(PlotKind.Points, title, xLabel, yLabel, all);
    }

    /// <summary>Saves the plot as a PNG image of <paramref name="width"/> by <paramref name="height"/> pixels to the file <paramref name="path"/>.</summary>
    /// <exception cref="InvalidOperationException">No font is installed to draw the text (see the remarks of <see cref="RunPlot"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or the height is less than 1.</exception>
    public void SavePng(string path, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, ToPng(width, height));
    }

    /// <summary>The plot as a PNG image of <paramref name="width"/> by <paramref name="height"/> pixels.</summary>
    /// <exception cref="InvalidOperationException">No font is installed to draw the text (see the remarks of <see cref="RunPlot"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or the height is less than 1.</exception>
    public byte[] ToPng(int width, int height)
    {
        CheckSize(width, height);
        return Draw().GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>
    /// The plot as SVG text of <paramref name="width"/> by <paramref name="height"/> pixels: one
    /// <c>&lt;svg&gt;</c> element, with its text as text (the title, axis labels and legend can be
    /// searched), to save as a .svg file or inline in an HTML page.
    /// </summary>
    /// <exception cref="InvalidOperationException">No font is installed to draw the text (see the remarks of <see cref="RunPlot"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or the height is less than 1.</exception>
    public string ToSvg(int width, int height)
    {
        CheckSize(width, height);
        return StableIds(Draw().GetSvgXml(width, height));
    }

    /// <summary>The plot as a figure of a <see cref="RunReport"/> (<see cref="RunReportOptions.Figures"/>): its title and its SVG.</summary>
    public ReportFigure ToFigure(int width = 800, int height = 400) => new(Title, ToSvg(width, height));

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Title}: {Series.Count} series, {Series.Sum(s => s.X.Count)} points");

    private Plot Draw()
    {
        var plot = new Plot();
        plot.Font.Set(Font.Value);
        plot.Title(Title);
        plot.XLabel(XLabel);
        plot.YLabel(YLabel);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Number };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Number };
        if (kind == PlotKind.Bars)
        {
            DrawBars(plot);
            return plot;
        }

        foreach (PlotSeries one in Series)
        {
            var scatter = plot.Add.Scatter(one.X.ToArray(), one.Y.ToArray());
            scatter.LegendText = one.Name;
            scatter.LineWidth = 2;
            scatter.MarkerSize = kind == PlotKind.Points ? 7 : 0;
            scatter.ConnectStyle = kind switch
            {
                PlotKind.StepsAfter => ConnectStyle.StepHorizontal,
                PlotKind.StepsBefore => ConnectStyle.StepVertical,
                _ => ConnectStyle.Straight,
            };
        }

        // A window, a queue, a rate: the axis starts at zero (not above, which exaggerates, nor
        // below, which shows values that cannot be) unless a value is negative.
        plot.Axes.AutoScale();
        AxisLimits limits = plot.Axes.GetLimits();
        if (Series.All(s => s.Y.All(y => y >= 0)))
        {
            // A curve's markers at zero are drawn whole, a little above the axis' edge.
            plot.Axes.SetLimitsY(kind == PlotKind.Points ? -0.03 * limits.Top : 0, limits.Top);
        }

        // Below the plot, where it hides no line.
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    private void DrawBars(Plot plot)
    {
        PlotSeries bars = Series[0];
        var drawn = plot.Add.Bars(bars.X.ToArray(), bars.Y.ToArray());
        drawn.Horizontal = true;
        Tick[] ticks = [.. Categories.Select((name, i) => new Tick(i, name))];
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Margins(left: 0);
        plot.HideLegend();
    }

    private static string ChooseFont()
    {
        // With no font, Skia lists one family with no name.
        string[] installed = [.. SKFontManager.Default.GetFontFamilies().Where(f => f.Length > 0)];
        if (installed.Length == 0)
        {
            // Skia would draw the plot with no text at all: no title, no labels, no numbers.
            throw new InvalidOperationException(
                "No font is installed for the plots' text (SkiaSharp looks in /usr/share/fonts on Linux); on Debian or Ubuntu: apt-get install fonts-dejavu-core.");
        }

        return PreferredFonts.FirstOrDefault(f => installed.Contains(f, StringComparer.OrdinalIgnoreCase)) ?? Fonts.Sans;
    }

    private static string StableIds(string svg)
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match match in IdPattern().Matches(svg))
        {
            order.TryAdd(match.Groups[1].Value, order.Count);
        }

        if (order.Count == 0)
        {
            return svg;
        }

        string Rename(string prefix) => ReferencePattern().Replace(svg, m =>
            order.TryGetValue(m.Groups[2].Value, out int index)
                ? string.Create(CultureInfo.InvariantCulture, $"{m.Groups[1].Value}{prefix}{index}{m.Groups[3].Value}")
                : m.Value);

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Rename("id"))), 0, 4);
        return Rename($"netsim-plot-{hash}-");
    }

    [GeneratedRegex(@"\bid=""([^""]+)""")]
    private static partial Regex IdPattern();

    // An id where it is defined or named: id="x", url(#x), href="#x".
    [GeneratedRegex(@"(\bid=""|url\(#|href=""#)([^"")]+)(""|\))")]
    private static partial Regex ReferencePattern();

    private static string Number(double value) =>
        value.ToString(Math.Abs(value) >= 1e6 ? "0.###E+0" : "0.######", CultureInfo.InvariantCulture);

    private static void CheckSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
    }

    private static TimeSeries[] NonEmpty(IEnumerable<TimeSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        TimeSeries[] all = [.. series];
        return all.Length == 0 ? throw new ArgumentException("A plot needs at least one series.", nameof(series)) : all;
    }

    private static string SharedUnit(TimeSeries[] series)
    {
        string unit = series[0].Unit;
        if (series.FirstOrDefault(s => s.Unit != unit) is { } other)
        {
            throw new ArgumentException($"The series of one plot share a unit: \"{series[0].Name}\" is in {unit}, \"{other.Name}\" in {other.Unit}.", nameof(series));
        }

        return unit;
    }

    private static string Label(string quantity, string unit) => unit.Length == 0 ? quantity : $"{quantity} ({unit})";

    private static PlotSeries FromSeries(TimeSeries series, double scale)
    {
        IReadOnlyList<TimeSeriesPoint> points = series.Points;
        double[] x = new double[points.Count];
        double[] y = new double[points.Count];
        for (int i = 0; i < points.Count; i++)
        {
            x[i] = points[i].Time.TotalSeconds;
            y[i] = points[i].Value / scale;
        }

        return new PlotSeries(series.Name, x, y);
    }

    private static (double Scale, string Unit) RateUnit(double max) => max switch
    {
        >= 1e9 => (1e9, "Gbit/s"),
        >= 1e6 => (1e6, "Mbit/s"),
        >= 1e3 => (1e3, "kbit/s"),
        _ => (1, "bit/s"),
    };
}

/// <summary>One named series of a <see cref="RunPlot"/>: its points as x and y values, in the order drawn.</summary>
public sealed class PlotSeries
{
    /// <summary>Creates a series named <paramref name="name"/> of the points (<paramref name="x"/>[i], <paramref name="y"/>[i]).</summary>
    /// <exception cref="ArgumentException">The name is empty, or x and y differ in length.</exception>
    public PlotSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"A series has as many x values as y values; \"{name}\" has {x.Count} x and {y.Count} y.", nameof(y));
        }

        Name = name;
        X = [.. x];
        Y = [.. y];
    }

    /// <summary>The name shown in the legend.</summary>
    public string Name { get; }

    /// <summary>The x values (for a series over time, simulated seconds).</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The y values.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {X.Count} points");
}
