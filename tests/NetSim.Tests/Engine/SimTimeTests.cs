using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class SimTimeTests
{
    [Fact]
    public void An_instant_plus_a_duration_is_an_instant_and_two_instants_differ_by_a_duration()
    {
        SimTime t = SimTime.FromMilliseconds(5);
        SimDuration d = SimDuration.FromMicroseconds(250);
        (t + d).Should().Be(SimTime.FromMicroseconds(5_250));
        (d + t).Should().Be(SimTime.FromMicroseconds(5_250));
        (t - d).Should().Be(SimTime.FromMicroseconds(4_750));
        ((t + d) - t).Should().Be(d);
        (t - (t + d)).Should().Be(-d, "an earlier minus a later instant is negative");
        t.SinceStart.Should().Be(SimDuration.FromMilliseconds(5));
    }

    [Fact]
    public void Instants_cannot_be_before_the_start()
    {
        ((Action)(() => SimTime.FromPicoseconds(-1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => SimTime.FromSeconds(-1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = SimTime.FromSeconds(1) - SimDuration.FromSeconds(2)))
            .Should().Throw<OverflowException>().WithMessage("*before the start*");
    }

    [Fact]
    public void Instants_after_the_last_representable_one_throw_overflow()
    {
        ((Action)(() => _ = SimTime.MaxValue + SimDuration.FromPicoseconds(1))).Should().Throw<OverflowException>();
        ((Action)(() => SimTime.FromSeconds(10_000_000))).Should().Throw<OverflowException>();
    }

    [Fact]
    public void Converts_to_and_from_TimeSpan_since_the_start()
    {
        SimTime.FromTimeSpan(TimeSpan.FromSeconds(2)).Should().Be(SimTime.FromSeconds(2));
        SimTime.FromNanoseconds(1_234).ToTimeSpan().Should().Be(TimeSpan.FromTicks(12));
        ((Action)(() => SimTime.FromTimeSpan(TimeSpan.FromSeconds(-1)))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Formats_and_parses_like_a_duration_since_the_start()
    {
        SimTime.FromMicroseconds(1_250).ToString().Should().Be("1.250 ms");
        SimTime.Zero.ToString().Should().Be("0 s");
        SimTime.Parse("1.25 ms").Should().Be(SimTime.FromMicroseconds(1_250));
        ((Action)(() => SimTime.Parse("-1 ms"))).Should().Throw<FormatException>().WithMessage("*before the start*");
        SimTime.TryParse("-1 ms", out _).Should().BeFalse();
        SimTime.TryParse("soon", out _).Should().BeFalse();
    }

    [Fact]
    public void Follows_value_type_conventions()
    {
        ValueConventions.Check(SimTime.FromSeconds(1), SimTime.FromSeconds(1), SimTime.FromSeconds(2));
    }
}
