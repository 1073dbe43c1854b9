using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class DataRateTests
{
    // 64 bytes = 512 bits and 1518 bytes = 12,144 bits, exactly, at each rate.
    [Theory]
    [InlineData("10Mbps", 64, 51_200_000L)]          // 100,000 ps a bit
    [InlineData("10Mbps", 1518, 1_214_400_000L)]
    [InlineData("1Gbps", 64, 512_000L)]              // 1,000 ps a bit
    [InlineData("1Gbps", 1518, 12_144_000L)]
    [InlineData("100Gbps", 64, 5_120L)]              // 10 ps a bit
    [InlineData("100Gbps", 1518, 121_440L)]
    [InlineData("400Gbps", 64, 1_280L)]              // 2.5 ps a bit, 20 ps a byte
    [InlineData("400Gbps", 1518, 30_360L)]
    public void Serialization_time_is_exact(string rate, int bytes, long picoseconds)
    {
        DataRate.Parse(rate).TransmissionTime(bytes).Picoseconds.Should().Be(picoseconds);
    }

    [Fact]
    public void A_rate_that_does_not_divide_evenly_rounds_up_to_the_last_bit()
    {
        // 1 byte at 3 bps is 8/3 s = 2.666...7 s: the last bit has left only then.
        DataRate.FromBitsPerSecond(3).TransmissionTime(1).Picoseconds.Should().Be(2_666_666_666_667);
        DataRate.FromBitsPerSecond(9_600).TransmissionTimeOfBits(1).Picoseconds.Should().Be(104_166_667);
    }

    [Fact]
    public void Slot_time_is_512_bit_times()
    {
        DataRate.FromMegabitsPerSecond(10).TransmissionTimeOfBits(512).Should().Be(SimDuration.FromNanoseconds(51_200));
    }

    [Fact]
    public void Large_transfers_use_exact_wide_arithmetic()
    {
        // 10 GB at 10 Gb/s is 8 s; bytes * 8 * 10^12 does not fit in a long.
        DataRate.FromGigabitsPerSecond(10).TransmissionTime(10_000_000_000).Should().Be(SimDuration.FromSeconds(8));
        ((Action)(() => DataRate.FromBitsPerSecond(1).TransmissionTime(long.MaxValue / 8)))
            .Should().Throw<OverflowException>();
    }

    [Fact]
    public void A_zero_rate_cannot_send_and_a_negative_one_cannot_exist()
    {
        ((Action)(() => default(DataRate).TransmissionTime(64))).Should().Throw<InvalidOperationException>().WithMessage("*0 bps*");
        ((Action)(() => DataRate.FromBitsPerSecond(-1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => DataRate.FromGigabitsPerSecond(long.MaxValue))).Should().Throw<OverflowException>();
    }

    [Theory]
    [InlineData("100Mbps", 100_000_000L)]
    [InlineData("1Gbps", 1_000_000_000L)]
    [InlineData("1.5 Gbps", 1_500_000_000L)]
    [InlineData("64kbps", 64_000L)]
    [InlineData("64 Kbps", 64_000L)]
    [InlineData("9600bps", 9_600L)]
    [InlineData("10 Mb/s", 10_000_000L)]
    [InlineData("400Gbps", 400_000_000_000L)]
    [InlineData("1.6 Tbps", 1_600_000_000_000L)]
    [InlineData("100mbps", 100_000_000L)]
    public void Parses_rates(string text, long bitsPerSecond)
    {
        DataRate.Parse(text).BitsPerSecond.Should().Be(bitsPerSecond);
    }

    [Theory]
    [InlineData("")]
    [InlineData("100")]
    [InlineData("fast")]
    [InlineData("100 MBps")]
    [InlineData("-1 Mbps")]
    [InlineData("1.5 bps")]
    [InlineData("100 Mbit")]
    public void Rejects_text_that_is_not_a_rate(string text)
    {
        DataRate.TryParse(text, out _).Should().BeFalse();
        ((Action)(() => DataRate.Parse(text))).Should().Throw<FormatException>().WithMessage($"'{text}'*");
    }

    [Theory]
    [InlineData(100_000_000L, "100 Mbps")]
    [InlineData(1_500_000_000L, "1.5 Gbps")]
    [InlineData(1_544_000L, "1.544 Mbps")]
    [InlineData(9_600L, "9.6 kbps")]
    [InlineData(0L, "0 bps")]
    [InlineData(1L, "1 bps")]
    [InlineData(10_000_000_000_001L, "10.000000000001 Tbps")]
    public void Formats_exactly_in_the_largest_fitting_unit(long bitsPerSecond, string expected)
    {
        var rate = DataRate.FromBitsPerSecond(bitsPerSecond);
        rate.ToString().Should().Be(expected);
        DataRate.Parse(expected).Should().Be(rate, "the text form round-trips");
    }

    [Fact]
    public void Follows_value_type_conventions()
    {
        ValueConventions.Check(DataRate.FromMegabitsPerSecond(10), DataRate.Parse("10Mbps"), DataRate.FromGigabitsPerSecond(1));
    }
}
