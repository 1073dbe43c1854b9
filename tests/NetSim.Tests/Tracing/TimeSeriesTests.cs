using NetSim.Engine;
using NetSim.Tracing;

namespace NetSim.Tests.Tracing;

/// <summary>A time series: its bound, its CSV, and the CSV read back.</summary>
public sealed class TimeSeriesTests
{
    [Fact]
    public void The_csv_has_a_time_s_value_header_and_times_in_seconds_to_the_picosecond_and_reads_back_equal()
    {
        var series = new TimeSeries("cwnd", "bytes");
        series.Record(SimTime.Zero, 4380);
        series.Record(SimTime.FromMicroseconds(1), 5840.5);
        series.Record(SimTime.FromPicoseconds(1_500_000_000_001), -0.25);
        var text = new StringWriter();

        series.WriteCsv(text);

        text.ToString().Should().Be("time_s,value\n0,4380\n0.000001,5840.5\n1.500000000001,-0.25\n".Replace("\n", Environment.NewLine, StringComparison.Ordinal));
        TimeSeries read = TimeSeries.ReadCsv(new StringReader(text.ToString()), "cwnd", "bytes");
        read.Points.Should().Equal(series.Points);
    }

    [Fact]
    public void Several_series_go_to_one_csv_in_long_form_with_names_quoted_when_they_hold_a_comma()
    {
        var a = new TimeSeries("a", "frames");
        a.Record(SimTime.FromMilliseconds(1), 1);
        var b = new TimeSeries("b, \"x\"", "frames");
        b.Record(SimTime.FromMilliseconds(2), 2);
        b.Record(SimTime.FromMilliseconds(3), 0);
        var text = new StringWriter();

        TimeSeries.WriteCsv(text, [a, b]);

        text.ToString().Split(Environment.NewLine).Should().Equal("series,time_s,value", "a,0.001,1", "\"b, \"\"x\"\"\",0.002,2", "\"b, \"\"x\"\"\",0.003,0", "");
    }

    [Fact]
    public void Past_its_capacity_a_series_keeps_the_first_points_and_counts_the_rest_as_missed()
    {
        var series = new TimeSeries("q", "frames", capacity: 3);
        for (int i = 0; i < 5; i++)
        {
            series.Record(SimTime.FromMilliseconds(i), i);
        }

        series.Points.Select(p => p.Value).Should().Equal(0, 1, 2);
        series.Missed.Should().Be(2);
        series.ToString().Should().Be("q (frames): 3 points, 2 missed");
    }

    [Fact]
    public void The_default_capacity_is_100000_points() =>
        new TimeSeries("q", "frames").Capacity.Should().Be(100_000);

    [Theory]
    [InlineData("time,value\n0,1\n")]
    [InlineData("time_s,value\n0;1\n")]
    [InlineData("time_s,value\nx,1\n")]
    [InlineData("time_s,value\n99999999999,1\n")]
    public void Reading_a_csv_that_is_not_a_series_throws_a_format_exception_naming_the_line(string csv)
    {
        Action read = () => TimeSeries.ReadCsv(new StringReader(csv), "q", "frames");

        read.Should().Throw<FormatException>().WithMessage("Line *");
    }
}
