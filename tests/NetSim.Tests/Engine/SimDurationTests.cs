using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class SimDurationTests
{
    [Fact]
    public void Unit_constructors_count_picoseconds()
    {
        SimDuration.FromNanoseconds(1).Picoseconds.Should().Be(1_000);
        SimDuration.FromMicroseconds(1).Picoseconds.Should().Be(1_000_000);
        SimDuration.FromMilliseconds(1).Picoseconds.Should().Be(1_000_000_000);
        SimDuration.FromSeconds(1).Picoseconds.Should().Be(1_000_000_000_000);
        SimDuration.FromSeconds(-2).Picoseconds.Should().Be(-2_000_000_000_000);
    }

    [Fact]
    public void Longest_duration_is_about_106_days()
    {
        SimDuration.MaxValue.TotalSeconds.Should().BeApproximately(106.75 * 86_400, 0.01 * 86_400);
        SimDuration.FromSeconds(9_223_372).Should().BeLessThan(SimDuration.MaxValue);
    }

    [Theory]
    [InlineData(9_223_373L)]
    [InlineData(-9_223_373L)]
    [InlineData(long.MaxValue)]
    public void Seconds_beyond_the_range_throw_overflow(long seconds)
    {
        Action act = () => SimDuration.FromSeconds(seconds);
        act.Should().Throw<OverflowException>().WithMessage($"{seconds} s is out of the range*");
    }

    [Fact]
    public void Arithmetic_that_leaves_the_range_throws_instead_of_wrapping()
    {
        ((Action)(() => _ = SimDuration.MaxValue + SimDuration.FromPicoseconds(1))).Should().Throw<OverflowException>();
        ((Action)(() => _ = SimDuration.MinValue - SimDuration.FromPicoseconds(1))).Should().Throw<OverflowException>();
        ((Action)(() => _ = -SimDuration.MinValue)).Should().Throw<OverflowException>();
        ((Action)(() => _ = SimDuration.MaxValue * 2)).Should().Throw<OverflowException>();
        ((Action)(() => _ = SimDuration.MinValue / -1)).Should().Throw<OverflowException>();
    }

    [Fact]
    public void Arithmetic_is_exact()
    {
        var a = SimDuration.FromMicroseconds(3);
        var b = SimDuration.FromNanoseconds(250);
        (a + b).Picoseconds.Should().Be(3_250_000);
        (a - b).Picoseconds.Should().Be(2_750_000);
        (-a).Picoseconds.Should().Be(-3_000_000);
        (a * 4).Should().Be(SimDuration.FromMicroseconds(12));
        (4 * a).Should().Be(SimDuration.FromMicroseconds(12));
        (a / 3).Should().Be(SimDuration.FromMicroseconds(1));
        (SimDuration.FromPicoseconds(7) / 2).Picoseconds.Should().Be(3, "division truncates toward zero");
        (a / b).Should().Be(12);
    }

    [Fact]
    public void TimeSpan_converts_exactly_one_way_and_truncates_to_ticks_the_other()
    {
        SimDuration.FromTimeSpan(TimeSpan.FromMilliseconds(1.5)).Should().Be(SimDuration.FromMicroseconds(1_500));
        SimDuration.FromTimeSpan(TimeSpan.FromTicks(1)).Picoseconds.Should().Be(100_000);
        SimDuration.FromPicoseconds(199_999).ToTimeSpan().Should().Be(TimeSpan.FromTicks(1));
        SimDuration.FromPicoseconds(-199_999).ToTimeSpan().Should().Be(TimeSpan.FromTicks(-1));
        ((Action)(() => SimDuration.FromTimeSpan(TimeSpan.MaxValue))).Should().Throw<OverflowException>();
    }

    [Theory]
    [InlineData(0L, "0 s")]
    [InlineData(1L, "1 ps")]
    [InlineData(999L, "999 ps")]
    [InlineData(1_000L, "1 ns")]
    [InlineData(1_500L, "1.500 ns")]
    [InlineData(12_000_000L, "12 us")]
    [InlineData(1_250_000_000L, "1.250 ms")]
    [InlineData(1_234_567_890L, "1.235 ms")]
    [InlineData(999_999_600_000L, "1.000 s")]
    [InlineData(3_000_000_000_000L, "3 s")]
    [InlineData(-1_250_000_000L, "-1.250 ms")]
    [InlineData(long.MaxValue, "9223372.037 s")]
    [InlineData(long.MinValue, "-9223372.037 s")]
    public void Formats_readably_in_the_largest_fitting_unit(long picoseconds, string expected)
    {
        var duration = SimDuration.FromPicoseconds(picoseconds);
        duration.ToString().Should().Be(expected);
        $"{duration}".Should().Be(expected, "interpolation uses ISpanFormattable");
    }

    [Fact]
    public void Formats_exact_picoseconds_with_P()
    {
        SimDuration.FromMilliseconds(1).ToString("P", null).Should().Be("1000000000 ps");
        ((Action)(() => SimDuration.Zero.ToString("X", null))).Should().Throw<FormatException>();
    }

    [Fact]
    public void TryFormat_reports_a_short_destination()
    {
        SimDuration.FromMilliseconds(1).TryFormat(new char[3], out _, default, null).Should().BeFalse();
        var utf8 = new byte[16];
        SimDuration.FromMicroseconds(12).TryFormat(utf8, out int written, default, null).Should().BeTrue();
        System.Text.Encoding.ASCII.GetString(utf8, 0, written).Should().Be("12 us");
    }

    [Theory]
    [InlineData("1.250 ms", 1_250_000_000L)]
    [InlineData("12us", 12_000_000L)]
    [InlineData(" 12 µs ", 12_000_000L)]
    [InlineData("3 s", 3_000_000_000_000L)]
    [InlineData("-5 ns", -5_000L)]
    [InlineData("1500 ps", 1_500L)]
    [InlineData("0.000000000001 s", 1L)]
    [InlineData("9223372036854775807 ps", long.MaxValue)]
    public void Parses_numbers_with_units(string text, long picoseconds)
    {
        SimDuration.Parse(text).Picoseconds.Should().Be(picoseconds);
        SimDuration.TryParse(text, out SimDuration parsed).Should().BeTrue();
        parsed.Picoseconds.Should().Be(picoseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ms")]
    [InlineData("12")]
    [InlineData("12 minutes")]
    [InlineData("1.2.3 s")]
    [InlineData("1. s")]
    [InlineData(".5 s")]
    [InlineData("0.5 ps")]
    [InlineData("2.5000 ps")]
    [InlineData("1.0000000000001 s")]
    [InlineData("--1 s")]
    public void Rejects_text_that_is_not_a_duration(string text)
    {
        SimDuration.TryParse(text, out _).Should().BeFalse();
        ((Action)(() => SimDuration.Parse(text))).Should().Throw<FormatException>().WithMessage($"'{text}'*");
    }

    [Fact]
    public void Parsing_beyond_the_range_is_an_overflow()
    {
        ((Action)(() => SimDuration.Parse("9223372036854775808 ps"))).Should().Throw<OverflowException>();
        ((Action)(() => SimDuration.Parse("10000000 s"))).Should().Throw<OverflowException>();
        SimDuration.TryParse("10000000 s", out _).Should().BeFalse();
    }

    [Fact]
    public void Readable_text_round_trips_when_it_is_exact()
    {
        foreach (long ps in new[] { 0L, 1L, 1_250_000_000L, 12_000_000L, -7_000L, long.MaxValue })
        {
            var duration = SimDuration.FromPicoseconds(ps);
            SimDuration.Parse(duration.ToString("P", null)).Should().Be(duration);
        }

        SimDuration.Parse(SimDuration.FromMicroseconds(1_250).ToString()).Should().Be(SimDuration.FromMicroseconds(1_250));
    }

    [Fact]
    public void Follows_value_type_conventions()
    {
        ValueConventions.Check(SimDuration.FromNanoseconds(1), SimDuration.FromNanoseconds(1), SimDuration.FromNanoseconds(2));
    }
}
