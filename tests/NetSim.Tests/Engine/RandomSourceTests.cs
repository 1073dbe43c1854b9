using NetSim.Engine;

namespace NetSim.Tests.Engine;

public class RandomSourceTests
{
    // Expected values from the reference C code of SplitMix64 and xoshiro256**
    // (prng.di.unimi.it), compiled and run with gcc: SplitMix64 from 42 seeds the state,
    // as RandomSource(42) does.
    [Fact]
    public void Matches_the_reference_xoshiro256starstar_seeded_by_splitmix64()
    {
        var random = new RandomSource(42);
        ulong[] expected = [0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1, 0xecb8ad4703b360a1, 0xfde6dc7fe2ec5e64];
        foreach (ulong value in expected)
        {
            random.NextUInt64().Should().Be(value);
        }
    }

    [Fact]
    public void The_same_seed_and_name_give_the_same_numbers_and_different_ones_differ()
    {
        static ulong[] Draw(ulong seed, string name)
        {
            var random = new Simulation(seed).CreateRandomSource(name);
            return [.. Enumerable.Range(0, 8).Select(_ => random.NextUInt64())];
        }

        Draw(1, "cable:a-b/loss").Should().Equal(Draw(1, "cable:a-b/loss"));
        Draw(1, "cable:a-b/loss").Should().NotIntersectWith(Draw(2, "cable:a-b/loss"));
        Draw(1, "cable:a-b/loss").Should().NotIntersectWith(Draw(1, "cable:a-c/loss"));
    }

    [Fact]
    public void Adding_a_source_does_not_change_the_numbers_of_another()
    {
        var alone = new Simulation(5);
        RandomSource a1 = alone.CreateRandomSource("host:a");

        var crowded = new Simulation(5);
        RandomSource before = crowded.CreateRandomSource("host:z");
        before.NextUInt64();
        RandomSource a2 = crowded.CreateRandomSource("host:a");

        for (int i = 0; i < 100; i++)
        {
            a2.NextUInt64().Should().Be(a1.NextUInt64());
        }
    }

    [Fact]
    public void A_name_can_be_used_once_per_simulation()
    {
        var sim = new Simulation();
        sim.CreateRandomSource("switch:s1");
        ((Action)(() => sim.CreateRandomSource("switch:s1"))).Should().Throw<ArgumentException>().WithMessage("*'switch:s1'*already*");
        ((Action)(() => sim.CreateRandomSource(""))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Bounded_integers_stay_in_range_and_cover_it_evenly()
    {
        var random = new RandomSource(3);
        var counts = new int[6];
        for (int i = 0; i < 60_000; i++)
        {
            long value = random.NextInt64(6);
            value.Should().BeInRange(0, 5);
            counts[value]++;
        }

        counts.Should().OnlyContain(c => c > 9_500 && c < 10_500);
        for (int i = 0; i < 1_000; i++)
        {
            random.NextInt64(-5, 5).Should().BeInRange(-5, 4);
        }

        random.NextInt64(long.MinValue, long.MaxValue).Should().BeLessThan(long.MaxValue);
        ((Action)(() => random.NextInt64(0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => random.NextInt64(3, 3))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Doubles_are_in_the_unit_interval_and_booleans_follow_their_probability()
    {
        var random = new RandomSource(4);
        double sum = 0;
        int trues = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double value = random.NextDouble();
            value.Should().BeGreaterThanOrEqualTo(0).And.BeLessThan(1);
            sum += value;
            trues += random.NextBoolean(0.02) ? 1 : 0;
        }

        (sum / 100_000).Should().BeApproximately(0.5, 0.01);
        trues.Should().BeInRange(1_800, 2_200);
        random.NextBoolean(0).Should().BeFalse();
        random.NextBoolean(1).Should().BeTrue();
        ((Action)(() => random.NextBoolean(1.5))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => random.NextBoolean(double.NaN))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Fills_buffers_of_any_length_deterministically()
    {
        var a = new byte[13];
        var b = new byte[13];
        new RandomSource(9).NextBytes(a);
        new RandomSource(9).NextBytes(b);
        a.Should().Equal(b);
        a.Should().Contain(x => x != 0);
        a[8..].Should().Contain(x => x != 0, "the tail shorter than eight bytes is filled too");
    }
}
